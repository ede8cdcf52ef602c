package hugepage

import (
	"syscall"
	"unsafe"
)

// hint asks the kernel to back the whole 2 MiB pages within the n bytes at
// p with huge pages, before they are first touched. An error changes
// nothing: it is only a hint.
func hint(p unsafe.Pointer, n uintptr) {
	const huge = 2 << 20
	start := (uintptr(p) + huge - 1) &^ (huge - 1)
	end := (uintptr(p) + n) &^ (huge - 1)
	if end > start {
		syscall.Syscall(syscall.SYS_MADVISE, start, end-start, syscall.MADV_HUGEPAGE)
	}
}
