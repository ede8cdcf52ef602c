package ops_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"planwatch/ops"
	"planwatch/postgres"
	"planwatch/postgres/pgtest"
)

// mode returns the permission bits of path.
func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// TestRestorePrivate: the database holds password hashes, so what backup
// and restore write is readable by its owner only (files 0600, directories
// they create 0700), and a restore that fails leaves nothing in the target
// directory, under the final name or any other.
func TestRestorePrivate(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	src := openSQLite(t, filepath.Join(dir, "src.db"))
	fill(t, ctx, src)
	file := filepath.Join(dir, "b.backup")
	if _, err := ops.Backup(ctx, src, file, time.Now()); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, file); m != 0o600 {
		t.Errorf("backup file mode %o, want 600", m)
	}
	pg, err := postgres.Open(ctx, pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	fill(t, ctx, pg)
	pgFile := filepath.Join(dir, "pg.backup")
	if _, err := ops.Backup(ctx, pg, pgFile, time.Now()); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, pgFile); m != 0o600 {
		t.Errorf("backup of PostgreSQL: file mode %o, want 600", m)
	}

	top := filepath.Join(t.TempDir(), "restored")
	dst := filepath.Join(top, "deeper", "new.db")
	if _, err := ops.RestoreSQLite(ctx, file, dst); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, dst); m != 0o600 {
		t.Errorf("restored database mode %o, want 600", m)
	}
	for _, d := range []string{top, filepath.Dir(dst)} {
		if m := mode(t, d); m != 0o700 {
			t.Errorf("directory %s made by restore has mode %o, want 700", d, m)
		}
	}
	if names, _ := filepath.Glob(filepath.Join(filepath.Dir(dst), "*")); len(names) != 1 {
		t.Errorf("restore left %v, want only the database", names)
	}

	// A damaged backup: refused, and nothing left beside the target.
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/3] ^= 0x40 // inside the image
	damaged := filepath.Join(dir, "damaged.backup")
	if err := os.WriteFile(damaged, b, 0o600); err != nil {
		t.Fatal(err)
	}
	empty := t.TempDir()
	if _, err := ops.RestoreSQLite(ctx, damaged, filepath.Join(empty, "new.db")); err == nil {
		t.Fatal("a damaged backup was restored")
	}
	if names, _ := filepath.Glob(filepath.Join(empty, "*")); len(names) != 0 {
		t.Errorf("a refused restore left %v", names)
	}
}
