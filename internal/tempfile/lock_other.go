//go:build !linux

package tempfile

import "os"

// Lock does nothing here: the age alone tells a live writer from a killed
// one (see lock_linux.go for why not flock on the BSDs).
func Lock(*os.File) {}

// Locked: no locks to ask here.
func Locked(string) bool { return false }
