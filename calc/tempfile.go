package calc

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

// A snapshot, its delta and the figures kept beside it are written to a temporary
// file beside their path and renamed over it; a process killed while it
// writes leaves that file behind. createTemp makes it and RemoveStaleTemps,
// at start-up, removes those left: only ours (named after the file it was
// to replace, a regular file of this process's user) and only stale (not
// written to for staleTemp, and not locked: a writer holds a lock on its
// temporary file until it is renamed or removed, so a save under way in
// another process is never taken for a killed one).

// staleTemp is how long a temporary file must have been left untouched
// before it is taken for a killed save's: a save writes without pause (the
// country's snapshot in about half a minute).
const staleTemp = 10 * time.Minute

// tempPattern is the pattern of the temporary files of path.
func tempPattern(path string) string { return filepath.Base(path) + ".tmp*" }

// createTemp creates the temporary file a save of path writes, readable by
// its owner only, and locks it (lockWriting) until it is closed.
func createTemp(path string) (*os.File, error) {
	f, err := os.CreateTemp(filepath.Dir(path), tempPattern(path))
	if err != nil {
		return nil, err
	}
	lockWriting(f)
	return f, nil
}

// RemoveStaleTemps removes the temporary files that killed saves of the
// snapshot at path, of its delta and of the figures beside it left, as of now (see
// staleTemp), and returns their names.
func RemoveStaleTemps(path string, now time.Time) []string {
	var removed []string
	for _, p := range []string{path, figuresPath(path), deltaPath(path)} {
		names, _ := filepath.Glob(filepath.Join(filepath.Dir(p), globEscape(filepath.Base(p))+".tmp*"))
		for _, name := range names {
			rest := strings.TrimPrefix(filepath.Base(name), filepath.Base(p)+".tmp")
			if strings.Contains(rest, ".") || !staleTempFile(name, now) {
				continue // another file's (the figures' when p is the snapshot), or not stale
			}
			if os.Remove(name) == nil {
				removed = append(removed, name)
			}
		}
	}
	return removed
}

// staleTempFile reports whether the temporary file at name is ours and
// stale: a regular file of this user, untouched for staleTemp, that no
// live writer holds locked.
func staleTempFile(name string, now time.Time) bool {
	fi, err := os.Lstat(name)
	if err != nil || !fi.Mode().IsRegular() || !ownedByMe(fi) || now.Sub(fi.ModTime()) < staleTemp {
		return false
	}
	return !lockedByWriter(name)
}

// globEscape escapes the characters filepath.Glob takes as a pattern.
func globEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "*", `\*`, "?", `\?`, "[", `\[`).Replace(s)
}
