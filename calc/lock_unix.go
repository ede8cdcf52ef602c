//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package calc

import (
	"errors"
	"os"
	"syscall"
)

// lockWriting takes an exclusive lock on a temporary file being written,
// held until the file is closed (best effort: a file system without locks
// leaves staleTemp alone to tell a live save from a killed one).
func lockWriting(f *os.File) {
	_ = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}

// lockedByWriter reports whether a live process holds the lock of the
// temporary file at name (lockWriting).
func lockedByWriter(name string) bool {
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return true // cannot tell: leave it
	}
	defer f.Close()
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if err == nil {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		return false
	}
	return errors.Is(err, syscall.EWOULDBLOCK)
}

// ownedByMe reports whether the file belongs to this process's user.
func ownedByMe(fi os.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Geteuid()
}
