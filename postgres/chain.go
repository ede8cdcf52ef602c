package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"planwatch"
	"planwatch/internal/engine"
)

// chainAudit (migration 7) chains the entries already in the trail, in id
// order, a batch at a time, and enables again the trigger refusing updates.
func chainAudit(ctx context.Context, tx *sql.Tx, _ time.Time) error {
	var chain engine.AuditChain
	for last := int64(-1 << 62); ; {
		es, err := auditRows(ctx, tx, `SELECT `+auditColumns+` FROM audit WHERE id > $1 ORDER BY id LIMIT 10000`, last)
		if err != nil {
			return err
		}
		if len(es) == 0 {
			break
		}
		ids, prev, hash := make([]int64, len(es)), make([]string, len(es)), make([]string, len(es))
		for i, e := range es {
			chain.Link(&e)
			ids[i], prev[i], hash[i] = e.ID, e.Prev, e.Hash
			last = e.ID
		}
		if _, err := tx.ExecContext(ctx, `UPDATE audit a SET prev = u.prev, hash = u.hash
			FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(id, prev, hash) WHERE a.id = u.id`, ids, prev, hash); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `ALTER TABLE audit ENABLE TRIGGER audit_no_update`)
	return err
}

// AuditHead returns the last entry of the audit trail, whose Hash vouches
// for the whole trail up to it (zero when the trail is empty).
func (db *DB) AuditHead(ctx context.Context) (planwatch.AuditEntry, error) {
	es, err := auditRows(ctx, db.w, `SELECT `+auditColumns+` FROM audit ORDER BY id DESC LIMIT 1`)
	if err != nil || len(es) == 0 {
		return planwatch.AuditEntry{}, internal("AuditHead", err)
	}
	return es[0], nil
}

// AuditChain calls fn with every audit entry in id order (the chain's
// order), from the primary, within one statement's snapshot; fn returning
// false stops it.
func (db *DB) AuditChain(ctx context.Context, fn func(planwatch.AuditEntry) bool) error {
	return internal("AuditChain", engine.EachAudit(ctx, db.w, scanAudit, fn, `SELECT `+auditColumns+` FROM audit ORDER BY id`))
}

// CheckIntegrity reads every table of planwatch whole (a damaged page, or
// one failing its data checksum when the cluster has them, is an error
// here), checks every B-tree index with amcheck when that extension is
// installed, and checks that the triggers keeping the audit trail
// append-only are in place and enabled. It returns the problems found.
func (db *DB) CheckIntegrity(ctx context.Context) ([]string, error) {
	var problems []string
	tables, err := engine.Query(ctx, db.w, func(s engine.Scanner) (string, error) {
		var t string
		return t, s.Scan(&t)
	}, `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`)
	if err != nil {
		return nil, internal("CheckIntegrity", err)
	}
	for _, t := range tables {
		var n int64
		if err := db.w.QueryRowContext(ctx, `SELECT count(*) FROM `+engine.QuoteIdent(t)).Scan(&n); err != nil {
			problems = append(problems, fmt.Sprintf("table %s cannot be read: %v", t, err))
		}
	}
	var amcheck bool
	if err := db.w.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'amcheck')`).Scan(&amcheck); err != nil {
		return nil, internal("CheckIntegrity", err)
	}
	if amcheck {
		indexes, err := engine.Query(ctx, db.w, func(s engine.Scanner) (string, error) {
			var t string
			return t, s.Scan(&t)
		}, `SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
			JOIN pg_namespace n ON n.oid = c.relnamespace WHERE a.amname = 'btree' AND n.nspname = current_schema()`)
		if err != nil {
			return nil, internal("CheckIntegrity", err)
		}
		for _, ix := range indexes {
			if _, err := db.w.ExecContext(ctx, `SELECT bt_index_check($1::regclass)`, ix); err != nil {
				problems = append(problems, fmt.Sprintf("index %s: %v", ix, err))
			}
		}
	}
	var enabled int
	if err := db.w.QueryRowContext(ctx, `SELECT count(*) FROM pg_trigger WHERE tgrelid = 'audit'::regclass
		AND tgname IN ('audit_no_update', 'audit_no_truncate') AND tgenabled <> 'D'`).Scan(&enabled); err != nil {
		return nil, internal("CheckIntegrity", err)
	}
	if enabled != 2 {
		problems = append(problems, "the triggers that keep the audit trail append-only are missing or disabled; audit entries could be changed or deleted")
	}
	return problems, nil
}
