package ops_test

import (
	"database/sql"
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

// TestBackupTableNames: a table's name is data (a backup file is whatever
// its sender made it): counted under its own name, never read as SQL. A
// name that closes the quote and adds a clause counts that table's rows,
// not the rows of the table the clause names.
func TestBackupTableNames(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	path := filepath.Join(dir, "src.db")
	src := openSQLite(t, path)
	fill(t, ctx, src)
	name := `audit" WHERE 0 --`
	raw := rawSQLite(t, path)
	for _, q := range []string{`CREATE TABLE "audit"" WHERE 0 --" (x)`, `INSERT INTO "audit"" WHERE 0 --" VALUES (1), (2), (3)`} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	file := filepath.Join(dir, "b.backup")
	m, err := ops.Backup(ctx, src, file, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if m.Rows[name] != 3 {
		t.Errorf("table %q counted %d rows, want 3", name, m.Rows[name])
	}
	if _, err := ops.Verify(ctx, file); err != nil {
		t.Error(err)
	}
}

// TestCheckTableNamesPostgres: PostgreSQL's check reads every table by its
// name quoted as an identifier, whatever characters the name has.
func TestCheckTableNamesPostgres(t *testing.T) {
	ctx := t.Context()
	dsn := pgtest.NewDatabase(t)
	pg, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	fill(t, ctx, pg)
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.ExecContext(ctx, `CREATE TABLE "notes"" x" (x int)`); err != nil {
		t.Fatal(err)
	}
	r, err := ops.Check(ctx, pg, ops.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Integrity) != 0 {
		t.Errorf("integrity problems: %v", r.Integrity)
	}
}
