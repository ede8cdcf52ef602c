//go:build !linux

package hugepage

import "unsafe"

func hint(p unsafe.Pointer, n uintptr) {}
