package tempfile

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// A file Create made is not stale while it is open, whatever its age; once
// closed (its writer gone) it is, when old enough. A fresh file, a
// directory and a link are never stale; a file that does not exist is not
// locked (the partial file of a removed backup, beside its log).
func TestStale(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-time.Hour)
	f, err := Create(dir, "x-*")
	if err != nil {
		t.Fatal(err)
	}
	os.Chtimes(f.Name(), old, old)
	fresh := filepath.Join(dir, "x-fresh")
	os.WriteFile(fresh, nil, 0o600)
	sub := filepath.Join(dir, "x-dir")
	os.Mkdir(sub, 0o700)
	os.Chtimes(sub, old, old)
	link := filepath.Join(dir, "x-link")
	os.Symlink(f.Name(), link)
	if lockable := lockWorks(t, dir); lockable && Stale(f.Name(), time.Now(), time.Minute) {
		t.Errorf("the file of a live writer is stale")
	}
	if got := RemoveStale(dir, "x-*", nil, time.Now(), time.Minute); lockWorks(t, dir) && len(got) != 0 {
		t.Errorf("removed %q while its writer lives", got)
	}
	f.Close()
	if got := RemoveStale(dir, "x-*", nil, time.Now(), time.Minute); !slices.Equal(got, []string{f.Name()}) {
		t.Errorf("removed %q, want the closed file alone", got)
	}
	for _, p := range []string{fresh, sub, link} {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("%s removed", p)
		}
	}
	if Locked(filepath.Join(dir, "absent")) {
		t.Errorf("a file that does not exist is locked")
	}
}

// lockWorks reports whether this system and file system keep Create's
// locks (where they do not, age alone decides).
func lockWorks(t *testing.T, dir string) bool {
	f, err := Create(dir, "probe-*")
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	return Locked(f.Name())
}
