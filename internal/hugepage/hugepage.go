// Package hugepage makes the large buffers of an import, written once each,
// in memory hinted for transparent huge pages: on a virtual machine the
// first write to a fresh 4 KiB page costs a fault of ~25 µs (measured on
// the benchmark machine: 150 ms for the 24 MB of a province file's
// entries), one 2 MiB page a fault instead. Linux only (madvise
// MADV_HUGEPAGE, where transparent huge pages are enabled "for madvise",
// the usual setting); elsewhere the memory is made as usual.
package hugepage

import "unsafe"

// Make returns an empty slice of capacity n whose whole 2 MiB pages are
// hinted for huge pages; it is worth it from a few MiB on.
func Make[T any](n int) []T {
	s := make([]T, 0, n)
	var zero T
	hint(unsafe.Pointer(unsafe.SliceData(s)), uintptr(n)*unsafe.Sizeof(zero))
	return s
}
