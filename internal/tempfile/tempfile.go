// Package tempfile is the one rule for the temporary files a process
// killed half-way leaves behind (a snapshot's save, a backup, a spooled
// request body): the writer creates its file locked (Create, Lock) and
// holds the lock until it closes it; a later start removes only ours — a
// regular file of this process's user, untouched for a while and locked
// by no live writer (Stale) — so that a save under way in another process
// is never taken for a killed one. The locks are kept on Linux, where
// planwatch is served (lock_linux.go); elsewhere the age alone decides.
package tempfile

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Create creates a new temporary file in dir (the system's temporary
// directory when empty) named after pattern as os.CreateTemp does,
// readable by its owner only, and locks it until it is closed.
func Create(dir, pattern string) (*os.File, error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err
	}
	Lock(f)
	return f, nil
}

// Stale reports whether the temporary file at name is one a killed
// writer left: a regular file (not a link, not a directory) of this
// process's user, not written to for age as of now, that no live writer
// holds locked.
func Stale(name string, now time.Time, age time.Duration) bool {
	fi, err := os.Lstat(name)
	if err != nil || !fi.Mode().IsRegular() || !OwnedByMe(fi) || now.Sub(fi.ModTime()) < age {
		return false
	}
	return !Locked(name)
}

// RemoveStale removes the files of dir whose names match pattern (as
// filepath.Match; dir is taken literally) and keep accepts (nil: all)
// that are Stale, and returns their paths.
func RemoveStale(dir, pattern string, keep func(name string) bool, now time.Time, age time.Duration) []string {
	names, _ := filepath.Glob(filepath.Join(GlobEscape(dir), pattern))
	var removed []string
	for _, name := range names {
		if (keep != nil && !keep(name)) || !Stale(name, now, age) {
			continue
		}
		if os.Remove(name) == nil {
			removed = append(removed, name)
		}
	}
	return removed
}

// GlobEscape escapes the characters filepath.Glob takes as a pattern.
func GlobEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "*", `\*`, "?", `\?`, "[", `\[`).Replace(s)
}
