package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"planwatch"
	"planwatch/internal/engine"
)

// TestChainAuditMigration: the entries written before migration 007 are
// chained by it, in id order, and the trail stays append-only after it.
func TestChainAuditMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := Open(ctx, path, func(db *DB) { db.schemaUpTo = 6 })
	if err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"an", "bình", "chi"} {
		if _, err := old.w.ExecContext(ctx, `INSERT INTO audit (at, who, action, entity) VALUES ('2022-04-05T06:07:08.000000009Z', ?, 'login', 'user')`, who); err != nil {
			t.Fatal(err)
		}
	}
	old.Close()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.RecordAudit(ctx, planwatch.AuditEntry{By: "dũng", Action: "login"}); err != nil {
		t.Fatal(err)
	}
	var v engine.ChainVerifier
	var whos []string
	if err := db.AuditChain(ctx, func(e planwatch.AuditEntry) bool { whos = append(whos, e.By); return v.Add(e) }); err != nil {
		t.Fatal(err)
	}
	if n, problem := v.Finish(); n != 4 || problem != "" || whos[0] != "an" || whos[3] != "dũng" {
		t.Errorf("after the migration: %d entries %v, %q", n, whos, problem)
	}
	if _, err := db.w.ExecContext(ctx, `UPDATE audit SET who = 'x' WHERE id = 1`); err == nil {
		t.Error("an audit entry can be updated after the migration")
	}
	if problems, err := db.CheckIntegrity(ctx); err != nil || len(problems) > 0 {
		t.Errorf("integrity: %v %v", problems, err)
	}
}

// TestRefuseNewer: a database written by a newer planwatch (a migration
// this binary does not know) is refused with a clear message, untouched.
func TestRefuseNewer(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "new.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.ExecContext(ctx, `INSERT INTO schema_migrations VALUES (999, '999_future.sql', 'x')`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Open(ctx, path); err == nil || !strings.Contains(err.Error(), "schema version 999 is newer than this planwatch knows") {
		t.Errorf("opening a newer database: %v", err)
	}
}
