package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"planwatch"
	"planwatch/internal/engine"
)

// chainAudit (migration 7) chains the entries already in the trail, in id
// order, a batch at a time, and puts back the trigger refusing updates.
func chainAudit(ctx context.Context, tx *sql.Tx, _ time.Time) error {
	var chain engine.AuditChain
	upd, err := tx.PrepareContext(ctx, `UPDATE audit SET prev = ?, hash = ? WHERE id = ?`)
	if err != nil {
		return err
	}
	defer upd.Close()
	for last := int64(-1 << 62); ; {
		es, err := engine.Query(ctx, tx, scanAudit, `SELECT `+auditColumns+` FROM audit WHERE id > ? ORDER BY id LIMIT 10000`, last)
		if err != nil {
			return err
		}
		if len(es) == 0 {
			break
		}
		for _, e := range es {
			chain.Link(&e)
			if _, err := upd.ExecContext(ctx, e.Prev, e.Hash, e.ID); err != nil {
				return err
			}
			last = e.ID
		}
	}
	_, err = tx.ExecContext(ctx, `CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
		BEGIN
			SELECT RAISE(ABORT, 'audit entries cannot be changed');
		END`)
	return err
}

// auditHead is the hash of the last entry of the trail ("" when empty).
func auditHead(ctx context.Context, q queryer) (string, error) {
	var h string
	err := q.QueryRowContext(ctx, `SELECT hash FROM audit ORDER BY id DESC LIMIT 1`).Scan(&h)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return h, err
}

// AuditHead returns the last entry of the audit trail, whose Hash vouches
// for the whole trail up to it (zero when the trail is empty).
func (db *DB) AuditHead(ctx context.Context) (planwatch.AuditEntry, error) {
	es, err := engine.Query(ctx, db.r, scanAudit, `SELECT `+auditColumns+` FROM audit ORDER BY id DESC LIMIT 1`)
	if err != nil || len(es) == 0 {
		return planwatch.AuditEntry{}, internal("AuditHead", err)
	}
	return es[0], nil
}

// AuditChain calls fn with every audit entry in id order (the chain's
// order), within one read transaction; fn returning false stops it.
func (db *DB) AuditChain(ctx context.Context, fn func(planwatch.AuditEntry) bool) error {
	return internal("AuditChain", engine.EachAudit(ctx, db.r, scanAudit, fn, `SELECT `+auditColumns+` FROM audit ORDER BY id`))
}

// CheckIntegrity runs SQLite's own checks of the file (PRAGMA
// integrity_check and foreign_key_check) and checks that the triggers
// keeping the audit trail append-only are in place. It returns the
// problems found, none when the database is sound.
func (db *DB) CheckIntegrity(ctx context.Context) ([]string, error) {
	var problems []string
	rows, err := db.r.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return nil, internal("CheckIntegrity", err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return nil, internal("CheckIntegrity", err)
		}
		if s != "ok" {
			problems = append(problems, "integrity_check: "+s)
		}
	}
	rows.Close()
	rows, err = db.r.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return nil, internal("CheckIntegrity", err)
	}
	for rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fk int
		if err := rows.Scan(&table, &rowid, &parent, &fk); err != nil {
			rows.Close()
			return nil, internal("CheckIntegrity", err)
		}
		problems = append(problems, fmt.Sprintf("foreign_key_check: %s row %d refers to a missing %s", table, rowid.Int64, parent))
	}
	rows.Close()
	var triggers []string
	if err := func() error {
		r, err := db.r.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit' ORDER BY name`)
		if err != nil {
			return err
		}
		defer r.Close()
		for r.Next() {
			var n string
			if err := r.Scan(&n); err != nil {
				return err
			}
			triggers = append(triggers, n)
		}
		return r.Err()
	}(); err != nil {
		return nil, internal("CheckIntegrity", err)
	}
	if got := strings.Join(triggers, ","); got != "audit_no_delete,audit_no_update" {
		problems = append(problems, "the triggers that keep the audit trail append-only are missing (found: "+got+"); audit entries could be changed or deleted")
	}
	return problems, nil
}
