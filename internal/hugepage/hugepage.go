// Package hugepage makes the large buffers of an import, written once each,
// in memory hinted for transparent huge pages: on a virtual machine the
// first write to a fresh 4 KiB page costs a fault of ~25 µs (measured on
// the benchmark machine: 150 ms for the 24 MB of a province file's
// entries), one 2 MiB page a fault instead. Linux only (madvise
// MADV_HUGEPAGE, where transparent huge pages are enabled "for madvise",
// the usual setting); elsewhere the memory is made as usual.
//
// The hint stays on the heap's address range after the buffer is freed,
// and the kernel may later back memory the runtime gave back with huge
// pages again: a long-lived process (serve) would hold more than its heap.
// So it is given only in a process that says it is short-lived (Enable:
// planwatch import); elsewhere Make is make.
package hugepage

import (
	"sync/atomic"
	"unsafe"
)

var enabled atomic.Bool

// Enable turns the hints on for the rest of a short-lived process.
func Enable() { enabled.Store(true) }

// Make returns an empty slice of capacity n whose whole 2 MiB pages are
// hinted for huge pages when enabled; it is worth it from a few MiB on.
func Make[T any](n int) []T {
	s := make([]T, 0, n)
	if enabled.Load() {
		var zero T
		hint(unsafe.Pointer(unsafe.SliceData(s)), uintptr(n)*unsafe.Sizeof(zero))
	}
	return s
}
