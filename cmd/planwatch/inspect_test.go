package main

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"planwatch/postgres/pgtest"
)

// olderSchema makes the database at dsn (driver drv) look as the previous
// planwatch left it: the last migration (010, a column of accounts) undone.
func olderSchema(t *testing.T, drv, dsn string) *sql.DB {
	t.Helper()
	raw, err := sql.Open(drv, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	for _, q := range []string{`ALTER TABLE accounts DROP COLUMN must_change_password`, `DELETE FROM schema_migrations WHERE version = 10`} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	return raw
}

// schemaOf is the highest migration recorded in the database.
func schemaOf(t *testing.T, raw *sql.DB) int {
	t.Helper()
	var v int
	if err := raw.QueryRow(`SELECT max(version) FROM schema_migrations`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestInspectDoesNotMigrate: check, backup and audit head look at a
// database as it is. A schema older than the binary's is reported by check
// as a finding (exit status 1) and left as it is by all three; a database
// that does not exist is not created.
func TestInspectDoesNotMigrate(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "old.db")
	mustRun(t, "init", "--db", db)
	importValue(t, db, "100")
	raw := olderSchema(t, "sqlite", db)
	inspect(t, db, raw, filepath.Join(dir, "old.backup"), true)

	missing := filepath.Join(dir, "none", "missing.db")
	for _, args := range [][]string{{"check", "--db", missing}, {"audit", "head", "--db", missing},
		{"backup", "--db", missing, "-o", filepath.Join(dir, "m.backup")}} {
		if out, err := run(t, args...); err == nil {
			t.Errorf("%s on a missing database succeeded:\n%s", args[0], out)
		}
	}
	if _, err := os.Stat(filepath.Dir(missing)); err == nil {
		t.Errorf("a missing database's directory was made by check, audit head or backup")
	}
}

func TestInspectDoesNotMigratePostgres(t *testing.T) {
	srv, err := pgtest.Start()
	if err != nil {
		pgtest.Unavailable(t, err)
	}
	t.Cleanup(func() { srv.Stop() })
	dsn, err := srv.CreateDatabase(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, "init", "--db", dsn)
	importValue(t, dsn, "100")
	raw := olderSchema(t, "pgx", dsn)
	inspect(t, dsn, raw, filepath.Join(t.TempDir(), "old.backup"), false)
}

// inspect runs check, audit head and backup on db, whose schema is one
// migration behind, and requires them to leave it so. SQLite's file is
// backed up as it is; PostgreSQL's, copied record by record with this
// binary's schema, is refused naming the schema.
func inspect(t *testing.T, db string, raw *sql.DB, backup string, backupOK bool) {
	t.Helper()
	out, err := run(t, "check", "--db", db)
	if err == nil || !strings.Contains(out, "schema version 9 is older than this planwatch's (10)") {
		t.Errorf("check of an older schema: %v\n%s", err, out)
	}
	if !strings.Contains(out, "database integrity: ok") {
		t.Errorf("check of an older schema did not check integrity:\n%s", out)
	}
	if v := schemaOf(t, raw); v != 9 {
		t.Fatalf("check migrated the database it checks to %d", v)
	}
	if out, err := run(t, "audit", "head", "--db", db); err != nil || len(strings.Fields(out)) < 3 {
		t.Errorf("audit head: %v\n%s", err, out)
	}
	if v := schemaOf(t, raw); v != 9 {
		t.Fatalf("audit head migrated the database to %d", v)
	}
	out, err = run(t, "backup", "--db", db, "-o", backup)
	if backupOK && err != nil {
		t.Errorf("backup: %v\n%s", err, out)
	}
	if !backupOK && (err == nil || !strings.Contains(err.Error(), "older than this planwatch's")) {
		t.Errorf("backup of an older PostgreSQL schema: %v\n%s", err, out)
	}
	if v := schemaOf(t, raw); v != 9 {
		t.Fatalf("backup migrated the database to %d", v)
	}
}
