package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"planwatch/postgres/pgtest"
)

// TestCopyStoreRoundTrip copies the demo database SQLite → PostgreSQL →
// SQLite and checks that status and the report read the same on all three.
func TestCopyStoreRoundTrip(t *testing.T) {
	srv, err := pgtest.Start()
	if err != nil {
		pgtest.Unavailable(t, err)
	}
	t.Cleanup(func() {
		if err := srv.Stop(); err != nil {
			t.Errorf("stop PostgreSQL: %v", err)
		}
	})
	pg, err := srv.CreateDatabase(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	first := "sqlite://" + filepath.Join(dir, "demo.db")
	back := "sqlite://" + filepath.Join(dir, "back.db")
	mustRun(t, "init", "--demo", "--db", first)

	out := mustRun(t, "copy-store", "--from", first, "--to", pg)
	for _, table := range []string{"indicators", "orgunits", "datavalues", "targets", "audit"} {
		if !strings.Contains(out, table) {
			t.Errorf("copy-store output lacks %s:\n%s", table, out)
		}
	}
	if strings.Contains(out, "DIFFERS") {
		t.Errorf("copy differs:\n%s", out)
	}
	t.Logf("sqlite → postgres:\n%s", out)
	if out := mustRun(t, "copy-store", "--from", pg, "--to", back); strings.Contains(out, "DIFFERS") {
		t.Errorf("copy back differs:\n%s", out)
	}
	// Copying into a store that is not empty is refused.
	if _, err := run(t, "copy-store", "--from", first, "--to", pg); err == nil {
		t.Error("copy into a non-empty store succeeded")
	}

	for _, args := range [][]string{
		{"status", "--unit", "20", "--period", "2022Q1", "--format", "json"},
		{"status", "--unit", "20", "--period", "2022Q1"},
		{"report", "--unit", "20", "--period", "2022Q1", "--format", "md"},
	} {
		want := mustRun(t, append(args, "--db", first)...)
		if got := mustRun(t, append(args, "--db", pg)...); got != want {
			t.Errorf("planwatch %s differs on PostgreSQL:\n%s\nwant (SQLite):\n%s", strings.Join(args, " "), got, want)
		}
		if got := mustRun(t, append(args, "--db", back)...); got != want {
			t.Errorf("planwatch %s differs after the round trip:\n%s\nwant:\n%s", strings.Join(args, " "), got, want)
		}
	}
}
