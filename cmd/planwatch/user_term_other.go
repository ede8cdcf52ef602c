//go:build !linux

package main

import "os"

// isTerminal reports whether f is a terminal (character device).
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// noEcho cannot turn off echo on this system without a terminal library;
// the password is read with echo on.
func noEcho(*os.File) func() { return func() {} }
