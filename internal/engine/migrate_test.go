package engine

import (
	"testing"
	"testing/fstest"
)

func TestMigrations(t *testing.T) {
	fsys := fstest.MapFS{
		"migrations/002_accounts.sql": {},
		"migrations/001_init.sql":     {},
		"migrations/003_mappings.sql": {},
	}
	ms, err := Migrations(fsys)
	if err != nil || len(ms) != 3 || ms[0].Version != 1 || ms[2].Name != "003_mappings.sql" {
		t.Fatalf("Migrations = %+v, %v", ms, err)
	}
	// Two helpers taking the same number would leave one migration unapplied.
	fsys["migrations/003_values.sql"] = &fstest.MapFile{}
	if _, err := Migrations(fsys); err == nil {
		t.Error("two migrations numbered 003 accepted")
	}
	if _, err := Migrations(fstest.MapFS{"migrations/init.sql": {}}); err == nil {
		t.Error("a migration without a number accepted")
	}
}
