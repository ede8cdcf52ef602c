package main

import (
	"os"
	"path/filepath"
	"testing"
)

// The index cache directory of a PostgreSQL database is used only when no
// other user can put files in it.
func TestPrivateDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if !privateDir(dir) {
		t.Error("a 0700 directory of this user is not private")
	}
	for _, mode := range []os.FileMode{0o770, 0o777, 0o722} {
		if err := os.Chmod(dir, mode); err != nil {
			t.Fatal(err)
		}
		if privateDir(dir) {
			t.Errorf("a %o directory is taken as private", mode)
		}
	}
	link := filepath.Join(t.TempDir(), "link")
	os.Chmod(dir, 0o700)
	if err := os.Symlink(dir, link); err == nil && privateDir(link) {
		t.Error("a symbolic link is taken as a private directory")
	}
}
