//go:build linux

package web

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"planwatch/internal/tempfile"
)

// TestAttackKilledServerBodyFiles (sixth session): a slow body is spooled
// to planwatch-body-* in the system's temporary directory (holdWhole) and
// removed when its request ends; a server killed meanwhile (OOM, kill -9,
// the machine down) left those files, uploads of up to maxUpload each,
// for ever. A server removes at start the ones a killed server left: ours
// (regular files of its user), untouched for a while and not locked by a
// live server (another instance on the same machine spooling a body
// now), and nothing else.
func TestAttackKilledServerBodyFiles(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	old := time.Now().Add(-time.Hour)
	file := func(name string, at time.Time) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("half a body"), 0o600); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(p, at, at)
		return p
	}
	killed := file("planwatch-body-123", old)
	live := file("planwatch-body-456", old)
	f, err := os.OpenFile(live, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tempfile.Lock(f) // as the live writer's
	kept := []string{live, file("planwatch-body-789", time.Now()), file("other-body-1", old), file("planwatch-bodyx", old)}
	sub := filepath.Join(dir, "planwatch-body-dir")
	os.Mkdir(sub, 0o700)
	os.Chtimes(sub, old, old)
	kept = append(kept, sub)

	newTestServer(t, Config{})
	if _, err := os.Lstat(killed); !os.IsNotExist(err) {
		t.Errorf("the body file of a killed server was left: %v", err)
	}
	for _, p := range kept {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("%s was removed: %v", filepath.Base(p), err)
		}
	}
}
