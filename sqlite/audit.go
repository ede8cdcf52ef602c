package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"planwatch"
	"planwatch/internal/engine"
)

// The audit table is written only by auditWriter.add (INSERT) and read only by
// Audit: there is deliberately no code path that updates or deletes it, and
// triggers (migration 001) refuse such statements from elsewhere.

// auditWriter appends audit entries within a transaction, chaining each to
// the one before (engine.AuditChain): the last entry's hash is read once,
// at the first entry, inside the writing transaction (which holds SQLite's
// write lock, so no other writer can append in between).
type auditWriter struct {
	tx     *sql.Tx
	stmt   *sql.Stmt
	chain  engine.AuditChain
	loaded bool
}

func newAuditWriter(ctx context.Context, tx *sql.Tx) (*auditWriter, error) {
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO audit (at, who, src, action, entity, old, new, detail, prev, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return nil, err
	}
	return &auditWriter{tx: tx, stmt: stmt}, nil
}

func (a *auditWriter) add(ctx context.Context, e planwatch.AuditEntry) error {
	if !a.loaded {
		head, err := auditHead(ctx, a.tx)
		if err != nil {
			return err
		}
		a.chain.Prev, a.loaded = head, true
	}
	a.chain.Link(&e)
	_, err := a.stmt.ExecContext(ctx, formatTime(e.At), e.By, e.From, e.Action, e.Entity, e.Old, e.New, e.Detail, e.Prev, e.Hash)
	return err
}

func (a *auditWriter) Close() error { return a.stmt.Close() }

// RecordAudit appends entries that are not data changes (logins, permission
// changes). An entry without a time gets the store's Now. EINVALID if an entry
// has no action.
func (db *DB) RecordAudit(ctx context.Context, entries ...planwatch.AuditEntry) error {
	if problems := engine.CheckAudit(entries); len(problems) > 0 {
		return engine.Invalid(problems)
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return internal("RecordAudit", err)
	}
	defer tx.Rollback()
	aw, err := newAuditWriter(ctx, tx)
	if err != nil {
		return internal("RecordAudit", err)
	}
	defer aw.Close()
	now := db.now()
	for _, e := range entries {
		if e.At.IsZero() {
			e.At = now
		}
		if err := aw.add(ctx, e); err != nil {
			return internal("RecordAudit", err)
		}
	}
	return internal("RecordAudit", tx.Commit())
}

// Audit returns entries matching q, newest first. From is inclusive, To
// exclusive; Action and Entity match as prefixes.
func (db *DB) Audit(ctx context.Context, q planwatch.AuditQuery) ([]planwatch.AuditEntry, error) {
	var where []string
	var args []any
	if q.By != "" {
		where, args = append(where, "who = ?"), append(args, q.By)
	}
	if q.Action != "" {
		where, args = append(where, "substr(action, 1, ?) = ?"), append(args, len([]rune(q.Action)), q.Action)
	}
	if q.Entity != "" {
		// A range the entity index can serve, then an exact prefix test.
		where = append(where, "entity >= ? AND substr(entity, 1, ?) = ?")
		args = append(args, q.Entity, len([]rune(q.Entity)), q.Entity)
	}
	if !q.From.IsZero() {
		where, args = append(where, "at >= ?"), append(args, formatTime(q.From))
	}
	if !q.To.IsZero() {
		where, args = append(where, "at < ?"), append(args, formatTime(q.To))
	}
	query := `SELECT ` + auditColumns + ` FROM audit`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY id DESC"
	if q.Limit > 0 {
		query += " LIMIT ?"
		args = append(args, q.Limit)
	}
	out, err := engine.Query(ctx, db.r, scanAudit, query, args...)
	return out, internal("Audit", err)
}

const auditColumns = `id, at, who, src, action, entity, old, new, detail, prev, hash`

func scanAudit(s scanner) (planwatch.AuditEntry, error) {
	var e planwatch.AuditEntry
	var at string
	err := s.Scan(&e.ID, &at, &e.By, &e.From, &e.Action, &e.Entity, &e.Old, &e.New, &e.Detail, &e.Prev, &e.Hash)
	e.At = parseTime(at)
	return e, err
}
