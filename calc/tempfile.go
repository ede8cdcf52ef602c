package calc

import (
	"os"
	"path/filepath"
	"strings"
	"time"

	"planwatch/internal/tempfile"
)

// A snapshot, its delta and the figures kept beside it are written to a temporary
// file beside their path and renamed over it; a process killed while it
// writes leaves that file behind. createTemp makes it and RemoveStaleTemps,
// at start-up, removes those left: only ours (named after the file it was
// to replace, a regular file of this process's user) and only stale (not
// written to for staleTemp, and not locked: a writer holds a lock on its
// temporary file until it is renamed or removed, so a save under way in
// another process is never taken for a killed one): the rule of package
// tempfile.

// staleTemp is how long a temporary file must have been left untouched
// before it is taken for a killed save's: a save writes without pause (the
// country's snapshot in about half a minute).
const staleTemp = 10 * time.Minute

// tempPattern is the pattern of the temporary files of path.
func tempPattern(path string) string { return filepath.Base(path) + ".tmp*" }

// createTemp creates the temporary file a save of path writes, readable by
// its owner only, and locks it until it is closed (tempfile.Create).
func createTemp(path string) (*os.File, error) {
	return tempfile.Create(filepath.Dir(path), tempPattern(path))
}

// RemoveStaleTemps removes the temporary files that killed saves of the
// snapshot at path, of its delta and of the figures beside it left, as of now (see
// staleTemp), and returns their names.
func RemoveStaleTemps(path string, now time.Time) []string {
	var removed []string
	for _, p := range []string{path, figuresPath(path), deltaPath(path)} {
		removed = append(removed, tempfile.RemoveStale(filepath.Dir(p), tempfile.GlobEscape(filepath.Base(p))+".tmp*", func(name string) bool {
			// not another file's (the figures' when p is the snapshot)
			return !strings.Contains(strings.TrimPrefix(filepath.Base(name), filepath.Base(p)+".tmp"), ".")
		}, now, staleTemp)...)
	}
	return removed
}
