package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"planwatch"
	"planwatch/internal/engine"
)

// The audit table is written only by addAudit (INSERT) and Restore, and read
// only by Audit and Dump: there is deliberately no code path that updates or
// deletes it, and triggers (migration 001) refuse such statements from elsewhere.

func addAudit(ctx context.Context, tx *sql.Tx, e planwatch.AuditEntry) error {
	return insertAudit(ctx, tx, []planwatch.AuditEntry{e})
}

// RecordAudit appends entries that are not data changes (logins, permission
// changes). An entry without a time gets the store's Now. EINVALID if an entry
// has no action.
func (db *DB) RecordAudit(ctx context.Context, entries ...planwatch.AuditEntry) error {
	if problems := engine.CheckAudit(entries); len(problems) > 0 {
		return engine.Invalid(problems)
	}
	now := db.now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		es := append([]planwatch.AuditEntry(nil), entries...)
		for i := range es {
			if es[i].At.IsZero() {
				es[i].At = now
			}
		}
		return insertAudit(ctx, tx, es)
	})
	return internal("RecordAudit", err)
}

// Audit returns entries matching q, newest first. From is inclusive, To
// exclusive; Action and Entity match as prefixes. It reads the primary: the
// audit trail is what an inspector checks right after a change.
func (db *DB) Audit(ctx context.Context, q planwatch.AuditQuery) ([]planwatch.AuditEntry, error) {
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if q.By != "" {
		where = append(where, "who = "+arg(q.By))
	}
	if q.Action != "" {
		where = append(where, "starts_with(action, "+arg(q.Action)+")")
	}
	if q.Entity != "" {
		// A range the entity index can serve, then an exact prefix test.
		p := arg(q.Entity)
		where = append(where, "entity >= "+p+" AND starts_with(entity, "+p+")")
	}
	if !q.From.IsZero() {
		at, ns := splitTime(q.From)
		where = append(where, "(at, at_ns) >= ("+arg(at)+", "+arg(ns)+")")
	}
	if !q.To.IsZero() {
		at, ns := splitTime(q.To)
		where = append(where, "(at, at_ns) < ("+arg(at)+", "+arg(ns)+")")
	}
	query := `SELECT ` + auditColumns + ` FROM audit`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY id DESC"
	if q.Limit > 0 {
		query += " LIMIT " + arg(q.Limit)
	}
	out, err := auditRows(ctx, db.w, query, args...)
	return out, internal("Audit", err)
}

func auditRows(ctx context.Context, q queryer, query string, args ...any) ([]planwatch.AuditEntry, error) {
	return engine.Query(ctx, q, scanAudit, query, args...)
}

const auditColumns = `id, at, at_ns, who, src, action, entity, old, new, detail, prev, hash`

func scanAudit(s scanner) (planwatch.AuditEntry, error) {
	var e planwatch.AuditEntry
	var ns int
	err := s.Scan(&e.ID, &e.At, &ns, &e.By, &e.From, &e.Action, &e.Entity, &e.Old, &e.New, &e.Detail, &e.Prev, &e.Hash)
	e.At = joinTime(e.At, ns)
	return e, err
}
