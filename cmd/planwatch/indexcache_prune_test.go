package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The index cache keeps the files of the databases in use: those of a
// database unused for indexCacheUnused (dropped, or looked at once) are
// removed, never the one in use however old, nor a database's whose
// figures or save were used lately, nor files that are not the cache's.
func TestIndexCachePruned(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	old, recent := now.Add(-indexCacheUnused-time.Hour), now.Add(-indexCacheUnused+time.Hour)
	id := func(c byte) string { return "postgres-" + strings.Repeat(string(c), 32) + ".index" }
	file := func(name string, at time.Time) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, at, at); err != nil {
			t.Fatal(err)
		}
	}
	inUse := id('a')
	file(inUse, old)                           // in use, not opened for long
	file(id('b'), old)                         // a dropped database
	file(id('b')+".figures", old)              // … its figures
	file(id('b')+".tmp123", old)               // … and a killed save's file
	file(id('b')+".delta", old)                // … and its delta
	file(id('c'), old)                         // a database whose figures were saved lately
	file(id('c')+".figures", recent)           //
	file(id('d'), recent)                      // used lately
	file("postgres-notahash.index", old)       // not a name of ours
	file("planwatch.db.index", old)            // a SQLite snapshot put there
	file(id('e')+".figures.tmp9.partial", old) // not ours either
	removed := useIndexCache(filepath.Join(dir, inUse), now)
	slices.Sort(removed)
	if want := []string{id('b'), id('b') + ".delta", id('b') + ".figures", id('b') + ".tmp123"}; !slices.Equal(removed, want) {
		t.Errorf("removed %q, want %q", removed, want)
	}
	left, _ := os.ReadDir(dir)
	var names []string
	for _, e := range left {
		names = append(names, e.Name())
	}
	want := []string{inUse, id('c'), id('c') + ".figures", id('d'), id('e') + ".figures.tmp9.partial", "planwatch.db.index", "postgres-notahash.index"}
	if slices.Sort(want); !slices.Equal(names, want) {
		t.Errorf("left %q, want %q", names, want)
	}
	// The snapshot in use is marked used: it outlives the next pruning by
	// another database's command.
	if fi, err := os.Stat(filepath.Join(dir, inUse)); err != nil || now.Sub(fi.ModTime()) > time.Minute {
		t.Errorf("the snapshot in use was not marked used: %v %v", fi.ModTime(), err)
	}
	useIndexCache(filepath.Join(dir, id('f')), now.Add(indexCacheUnused-time.Hour))
	if _, err := os.Stat(filepath.Join(dir, inUse)); err != nil {
		t.Errorf("a snapshot used a moment ago was removed: %v", err)
	}
}
