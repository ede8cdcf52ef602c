package ops_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"planwatch"
	"planwatch/internal/engine"
	"planwatch/ops"
	"planwatch/postgres"
	"planwatch/postgres/pgtest"
	"planwatch/sqlite"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// engineCase opens a store of one engine and a raw connection to its
// database, as someone holding the database file would have.
type engineCase struct {
	name string
	open func(t *testing.T) (planwatch.Store, *sql.DB)
	// unguard removes the triggers keeping the trail append-only.
	unguard string
}

func engines() []engineCase {
	return []engineCase{
		{"sqlite", func(t *testing.T) (planwatch.Store, *sql.DB) {
			path := filepath.Join(t.TempDir(), "pw.db")
			s, err := sqlite.Open(t.Context(), path)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { raw.Close(); s.Close() })
			return s, raw
		}, `DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete`},
		{"postgres", func(t *testing.T) (planwatch.Store, *sql.DB) {
			dsn := pgtest.NewDatabase(t)
			s, err := postgres.Open(t.Context(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := sql.Open("pgx", dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { raw.Close(); s.Close() })
			return s, raw
		}, `ALTER TABLE audit DISABLE TRIGGER USER`},
	}
}

// q turns ? placeholders into the engine's.
func q(engine, query string) string {
	if engine != "postgres" {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// trail writes six audit entries: one at a time and a batch.
func trail(t *testing.T, ctx context.Context, s planwatch.Store) {
	t.Helper()
	at := time.Date(2026, 12, 6, 7, 0, 0, 123456789, time.UTC)
	for i := 1; i <= 3; i++ {
		if err := s.RecordAudit(ctx, planwatch.AuditEntry{At: at.Add(time.Duration(i) * time.Second), By: "an", From: "127.0.0.1",
			Action: "login", Entity: fmt.Sprintf("user/an/%d", i), New: "Hà Nội"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RecordAudit(ctx, planwatch.AuditEntry{By: "bình", Action: "user.role", Entity: "user/bình", Old: "viewer", New: "planner"},
		planwatch.AuditEntry{By: "bình", Action: "user.disable", Entity: "user/chi"},
		planwatch.AuditEntry{By: "bình", Action: "login", Entity: "user/bình", Detail: "ok"}); err != nil {
		t.Fatal(err)
	}
}

func check(t *testing.T, ctx context.Context, s planwatch.Store, head string) *ops.Report {
	t.Helper()
	r, err := ops.Check(ctx, s, ops.CheckOptions{Head: head})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestCheckAuditChain(t *testing.T) {
	tamper := []struct {
		name string
		sql  []string // run after the triggers are gone
		want string
	}{
		{"edit", []string{`UPDATE audit SET new = 'Hải Phòng' WHERE id = 3`}, "audit entry 3 was altered"},
		{"edit who", []string{`UPDATE audit SET who = 'chi' WHERE id = 5`}, "audit entry 5 was altered"},
		{"delete", []string{`DELETE FROM audit WHERE id = 3`}, "audit entry 3 was deleted"},
		{"delete first", []string{`DELETE FROM audit WHERE id = 1`}, "audit entries before entry 2 were deleted"},
		{"insert without hash", []string{`INSERT INTO audit (id, at, who, action, entity) VALUES (7, '2026-12-06T07:00:00.000000000Z', 'chi', 'value.update', 'x')`},
			"audit entry 7 has no hash"},
		{"insert in the middle", []string{
			`UPDATE audit SET id = id + 1000 WHERE id > 3`, `UPDATE audit SET id = id - 999 WHERE id > 1000`,
			`INSERT INTO audit (id, at, who, action, entity, prev, hash) VALUES (4, '2026-12-06T07:00:00.000000000Z', 'chi', 'value.update', 'x', 'PREV', 'HASH')`,
		}, "audit entry 4 was inserted out of order"},
	}
	for _, ec := range engines() {
		t.Run(ec.name, func(t *testing.T) {
			t.Run("intact", func(t *testing.T) {
				ctx := t.Context()
				s, _ := ec.open(t)
				trail(t, ctx, s)
				r := check(t, ctx, s, "")
				if !r.OK() || r.AuditEntries != 6 || r.AuditHead.ID != 6 || len(r.AuditHead.Hash) != 64 {
					t.Fatalf("intact trail: ok %v, %d entries, head %+v, problems %v", r.OK(), r.AuditEntries, r.AuditHead, r.Problems())
				}
				if r := check(t, ctx, s, r.AuditHead.Hash); !r.OK() {
					t.Errorf("with its own head: %v", r.Problems())
				}
			})
			for _, tt := range tamper {
				t.Run(tt.name, func(t *testing.T) {
					ctx := t.Context()
					s, raw := ec.open(t)
					trail(t, ctx, s)
					if _, err := raw.ExecContext(ctx, ec.unguard); err != nil {
						t.Fatal(err)
					}
					for _, stmt := range tt.sql {
						if strings.Contains(stmt, "'PREV'") {
							// A well-formed entry chained after entry 3, as a forger would write it.
							e := planwatch.AuditEntry{At: time.Date(2026, 12, 6, 7, 0, 0, 0, time.UTC), By: "chi", Action: "value.update", Entity: "x"}
							var h3 string
							if err := raw.QueryRowContext(ctx, `SELECT hash FROM audit WHERE id = 3`).Scan(&h3); err != nil {
								t.Fatal(err)
							}
							e.Hash = engine.AuditHash(h3, e)
							stmt = strings.NewReplacer("'PREV'", "'"+h3+"'", "'HASH'", "'"+e.Hash+"'").Replace(stmt)
						}
						if ec.name == "postgres" {
							stmt = strings.Replace(stmt, "'2026-12-06T07:00:00.000000000Z'", "'2026-12-06T07:00:00Z'", 1)
						}
						if _, err := raw.ExecContext(ctx, q(ec.name, stmt)); err != nil {
							t.Fatalf("%s: %v", stmt, err)
						}
					}
					r := check(t, ctx, s, "")
					if r.OK() || !strings.Contains(r.AuditProblem, tt.want) {
						t.Errorf("check: audit problem %q, want %q", r.AuditProblem, tt.want)
					}
					if len(r.Integrity) == 0 {
						t.Error("the removed triggers are not reported")
					}
				})
			}
			t.Run("rewritten chain caught by the head kept outside", func(t *testing.T) {
				ctx := t.Context()
				s, raw := ec.open(t)
				trail(t, ctx, s)
				head := check(t, ctx, s, "").AuditHead.Hash
				if _, err := raw.ExecContext(ctx, ec.unguard); err != nil {
					t.Fatal(err)
				}
				// The forger edits entry 2 and recomputes every hash after it.
				if _, err := raw.ExecContext(ctx, `UPDATE audit SET new = 'Huế' WHERE id = 2`); err != nil {
					t.Fatal(err)
				}
				var es []planwatch.AuditEntry
				c := s.(ops.Checkable)
				if err := c.AuditChain(ctx, func(e planwatch.AuditEntry) bool { es = append(es, e); return true }); err != nil {
					t.Fatal(err)
				}
				var chain engine.AuditChain
				for _, e := range es {
					chain.Link(&e)
					if _, err := raw.ExecContext(ctx, q(ec.name, `UPDATE audit SET prev = ?, hash = ? WHERE id = ?`), e.Prev, e.Hash, e.ID); err != nil {
						t.Fatal(err)
					}
				}
				if r := check(t, ctx, s, ""); r.AuditProblem != "" {
					t.Fatalf("a recomputed chain is consistent in itself, got %q", r.AuditProblem)
				}
				if r := check(t, ctx, s, head); !strings.Contains(r.AuditProblem, "the head "+head+" kept earlier is not in the chain") {
					t.Errorf("with the head kept outside: %q", r.AuditProblem)
				}
			})
		})
	}
}
