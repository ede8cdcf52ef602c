package calc

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"
)

// Temporary files left by killed saves of the snapshot and of the figures
// beside it are removed at start-up — ours only, stale only: one another
// live process is writing (locked), one written to a moment ago, another
// database's, a directory or a link of the same name stay.
func TestStaleTempsRemoved(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("a live writer's lock is kept on Linux only (internal/tempfile); elsewhere its age alone decides")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "db.index")
	old := time.Now().Add(-time.Hour)
	file := func(name string, at time.Time) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("half a snapshot"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, at, at); err != nil {
			t.Fatal(err)
		}
		return p
	}
	killed := file("db.index.tmp123", old)
	killedFigures := file("db.index.figures.tmp456", old)
	killedDelta := file("db.index.delta.tmp457", old)
	fresh := file("db.index.tmp789", time.Now())
	others := []string{file("other.index.tmp1", old), file("db.index.tmp2.keep", old), file("db.indexes.tmp3", old)}
	// A save under way in another process: its file locked, and (a slow
	// disk, a stopped clock) not written to for a while.
	live, err := createTemp(path)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	if err := os.Chtimes(live.Name(), old, old); err != nil {
		t.Fatal(err)
	}
	dirTmp := filepath.Join(dir, "db.index.tmp4")
	if err := os.Mkdir(dirTmp, 0o700); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "db.index.tmp5")
	if err := os.Symlink(others[0], link); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(dirTmp, old, old)

	got := RemoveStaleTemps(path, time.Now())
	slices.Sort(got)
	if want := []string{killedDelta, killedFigures, killed}; !slices.Equal(got, want) {
		t.Errorf("removed %q, want %q", got, want)
	}
	for _, p := range append(others, fresh, live.Name(), dirTmp, link) {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("%s was removed: %v", filepath.Base(p), err)
		}
	}
	// Once its writer is gone (the lock goes with the file's closing), the
	// stale file is removed by the next start, which OpenSnapshot is.
	live.Close()
	if _, err := OpenSnapshot(context.Background(), newFeedStore(), false, path); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(live.Name()); !os.IsNotExist(err) {
		t.Errorf("the stale file of a writer gone was not removed at start-up: %v", err)
	}
	if _, err := os.Lstat(path); err != nil {
		t.Errorf("no snapshot saved: %v", err)
	}
}
