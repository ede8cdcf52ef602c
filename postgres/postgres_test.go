package postgres_test

import (
	"context"
	"database/sql"
	"os"
	"testing"

	"planwatch"
	"planwatch/postgres"
	"planwatch/postgres/pgtest"
	"planwatch/storetest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// open opens a store on a fresh database.
func open(t *testing.T, opts ...postgres.Option) (*postgres.DB, string) {
	t.Helper()
	dsn := pgtest.NewDatabase(t)
	db, err := postgres.Open(t.Context(), dsn, opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return db, dsn
}

// tamperable lets the conformance suite try to change the audit trail behind
// the store's back, on a connection of its own.
type tamperable struct {
	*postgres.DB
	raw *sql.DB
}

func (s tamperable) UpdateAuditRaw(ctx context.Context, id int64, newText string) error {
	_, err := s.raw.ExecContext(ctx, `UPDATE audit SET new = $1 WHERE id = $2`, newText, id)
	return err
}

func (s tamperable) DeleteAuditRaw(ctx context.Context, id int64) error {
	_, err := s.raw.ExecContext(ctx, `DELETE FROM audit WHERE id = $1`, id)
	return err
}

func (s tamperable) Close() error {
	s.raw.Close()
	return s.DB.Close()
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) planwatch.Store {
		db, dsn := open(t)
		raw, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		return tamperable{db, raw}
	})
}

func TestAccounts(t *testing.T) {
	storetest.RunAccounts(t, func(t *testing.T) planwatch.Store {
		db, _ := open(t)
		return db
	})
}

// TestAuditTruncate: TRUNCATE skips row triggers; a statement trigger refuses it.
func TestAuditTruncate(t *testing.T) {
	db, dsn := open(t)
	defer db.Close()
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if err := db.RecordAudit(t.Context(), planwatch.AuditEntry{Action: "login", By: "an"}); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(t.Context(), `TRUNCATE audit`); err == nil {
		t.Error("TRUNCATE audit succeeded")
	}
}

func TestCommitObserver(t *testing.T) {
	storetest.RunObserver(t, func(t *testing.T, observe func([]planwatch.DataValue)) planwatch.Store {
		db, _ := open(t, postgres.WithCommitObserver(observe))
		return db
	})
}

func TestMappings(t *testing.T) {
	storetest.RunMappings(t, func(t *testing.T) planwatch.Store {
		db, _ := open(t)
		return db
	})
}

func TestRules(t *testing.T) {
	storetest.RunRules(t, func(t *testing.T) planwatch.Store {
		db, _ := open(t)
		return db
	})
}

func TestChangeFeed(t *testing.T) {
	storetest.RunChangeFeed(t, func(t *testing.T, observe func(planwatch.Change)) storetest.FeedStore {
		db, _ := open(t, postgres.WithChangeObserver(observe))
		return db
	})
}
