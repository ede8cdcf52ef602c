//go:build !linux

package engine

import "unsafe"

// hugePages is a hint that only Linux takes (see huge_linux.go).
func hugePages(p unsafe.Pointer, n uintptr) {}

// HugeBytes makes an empty byte slice of capacity n (see huge_linux.go).
func HugeBytes(n int) []byte { return make([]byte, 0, n) }
