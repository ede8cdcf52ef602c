//go:build linux

package tempfile

import (
	"errors"
	"os"
	"syscall"
)

// Lock takes an exclusive lock on a temporary file being written, held
// until the file is closed (best effort: on a file system without locks
// the age alone tells a live writer from a killed one). It is flock(2),
// which on Linux does not meet the fcntl(2) locks SQLite takes on the same
// file (a backup's partial file is a database); on the BSDs and macOS the
// two kinds interact, so there the age alone decides (lock_other.go).
func Lock(f *os.File) {
	_ = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}

// Locked reports whether a live process holds the lock of the file at
// name (Lock). A file that does not exist is not locked; one that cannot
// be opened is taken as locked (cannot tell: leave it).
func Locked(name string) bool {
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return !errors.Is(err, os.ErrNotExist)
	}
	defer f.Close()
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if err == nil {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		return false
	}
	return errors.Is(err, syscall.EWOULDBLOCK)
}
