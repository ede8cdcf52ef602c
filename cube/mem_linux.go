package cube

import (
	"syscall"
	"unsafe"
)

// allocValues allocates the value array outside the Go heap, backed by
// transparent huge pages where the kernel allows it: a national cube is
// ~480 MB, and faulting it in 4 KiB pages took most of start-up (2 s of
// 2.7 s on the reference machine). The memory holds no pointers; free
// releases it once the cube is unreachable.
func allocValues(n int) (vals []float64, free func()) {
	if n < 1<<18 { // small cubes: the Go heap is fine
		return make([]float64, n), nil
	}
	b, err := syscall.Mmap(-1, 0, n*8, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		return make([]float64, n), nil
	}
	_ = syscall.Madvise(b, 14) // MADV_HUGEPAGE; an error only means small pages
	return unsafe.Slice((*float64)(unsafe.Pointer(&b[0])), n), func() { syscall.Munmap(b) }
}
