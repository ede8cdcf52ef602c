package main

import (
	"os"
	"path/filepath"
	"regexp"
	"time"

	"planwatch/internal/tempfile"
)

// The index cache directory (PLANWATCH_INDEX_CACHE) keeps one snapshot per
// PostgreSQL database, with the figures kept beside it; a database dropped,
// or one a command looked at once, would keep its files forever.
// indexPath marks the snapshot it picks as used and prunes the others.

// indexCacheUnused is how long a database's files may go unused before
// they are removed from the index cache: a database not opened for this
// long costs one slower start if it comes back.
const indexCacheUnused = 30 * 24 * time.Hour

// cacheEntry is a file name of the index cache: the snapshot
// postgres-IDENTITY.index, its delta (.delta), the figures beside it
// (.figures) and their temporary files (.tmpNNN). Other names are not ours and are left alone.
var cacheEntry = regexp.MustCompile(`^(postgres-[0-9a-f]{32}\.index)(\.figures|\.delta)?(\.tmp[0-9]+)?$`)

// useIndexCache marks the snapshot at path (its delta, its figures) as used now
// and removes from its directory the files of every other database unused
// for indexCacheUnused (the newest of a database's files tells when it was
// last used). The snapshot in use is never removed.
func useIndexCache(path string, now time.Time) (removed []string) {
	for _, p := range []string{path, path + ".figures", path + ".delta"} {
		os.Chtimes(p, now, now) // absent: nothing to mark
	}
	dir := filepath.Dir(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	files := map[string][]string{}    // snapshot name → its files
	lastUse := map[string]time.Time{} // snapshot name → the newest of its files
	for _, e := range entries {
		m := cacheEntry.FindStringSubmatch(e.Name())
		if m == nil || m[1] == filepath.Base(path) {
			continue
		}
		fi, err := os.Lstat(filepath.Join(dir, e.Name()))
		if err != nil || !fi.Mode().IsRegular() || !tempfile.OwnedByMe(fi) {
			continue
		}
		files[m[1]] = append(files[m[1]], e.Name())
		if fi.ModTime().After(lastUse[m[1]]) {
			lastUse[m[1]] = fi.ModTime()
		}
	}
	for snap, names := range files {
		if now.Sub(lastUse[snap]) < indexCacheUnused {
			continue
		}
		for _, name := range names {
			if os.Remove(filepath.Join(dir, name)) == nil {
				removed = append(removed, name)
			}
		}
	}
	return removed
}
