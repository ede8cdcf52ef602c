package sqlite

import (
	"context"
	"database/sql"
	"time"

	"planwatch"
	"planwatch/internal/engine"
)

var _ planwatch.ChangeFeed = (*DB)(nil)

// newChangeSet numbers a write within its transaction: the single writer
// connection makes numbers follow commit order.
func newChangeSet(ctx context.Context, tx *sql.Tx, kind planwatch.ChangeKind, at time.Time, by, from string, res planwatch.ApplyResult) (int64, error) {
	r, err := tx.ExecContext(ctx, `INSERT INTO change_sets (at, who, src, kind, imported, updated, ignored, deleted)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, formatTime(at), by, from, string(kind), res.Imported, res.Updated, res.Ignored, res.Deleted)
	if err != nil {
		return 0, err
	}
	return r.LastInsertId()
}

// ChangeSeq returns the number of the last committed change, 0 for none.
func (db *DB) ChangeSeq(ctx context.Context) (int64, error) {
	var seq int64
	err := db.r.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM change_sets`).Scan(&seq)
	return seq, internal("ChangeSeq", err)
}

// CurrentSince calls fn with the current value of every key written by a
// change numbered after seq (all current values when seq is 0), within one
// read transaction, and returns the number it read up to. A key left with
// no current value comes as a Deleted value of that key.
func (db *DB) CurrentSince(ctx context.Context, seq int64, fn func(planwatch.DataValue) error) (int64, error) {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return 0, internal("CurrentSince", err)
	}
	defer tx.Rollback()
	var upTo int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM change_sets`).Scan(&upTo); err != nil {
		return 0, internal("CurrentSince", err)
	}
	if seq >= upTo {
		return upTo, nil
	}
	var rows *sql.Rows
	if seq <= 0 {
		rows, err = tx.QueryContext(ctx, `SELECT c.k, `+valueColumns+` FROM current_values c JOIN datavalues d ON d.id = c.value_id`)
	} else {
		rows, err = tx.QueryContext(ctx, `SELECT ch.k, `+valueColumns+` FROM (SELECT DISTINCT k FROM datavalues WHERE cs > ?) ch
			LEFT JOIN current_values c ON c.k = ch.k LEFT JOIN datavalues d ON d.id = c.value_id`, seq)
	}
	if err != nil {
		return 0, internal("CurrentSince", err)
	}
	if err := engine.Each(rows, scanChanged, fn); err != nil {
		return 0, internal("CurrentSince", err)
	}
	return upTo, nil
}

// scanChanged reads a key and its current revision, or the key alone
// (Deleted) when it has none.
func scanChanged(s scanner) (planwatch.DataValue, error) {
	var k string
	var id sql.NullInt64
	var ind, unit, basis, kind, ref, sentence, formula, who, comment, at sql.NullString
	var year, first, last, typ, vintage, revision, deleted, row sql.NullInt64
	var value, yoy, planPct, vsRef sql.NullFloat64
	if err := s.Scan(&k, &id, &ind, &unit, &year, &first, &last, &typ, &basis, &vintage, &revision,
		&value, &yoy, &planPct, &vsRef, &comment, &deleted, &kind, &ref, &row, &sentence, &formula, &who, &at); err != nil {
		return planwatch.DataValue{}, err
	}
	if !id.Valid {
		return engine.Withdrawn(k)
	}
	v := planwatch.DataValue{
		Key:     planwatch.Key{Indicator: ind.String, Unit: unit.String, Period: period(int(year.Int64), int(first.Int64), int(last.Int64), int(typ.Int64))},
		Basis:   planwatch.Basis(basis.String),
		Vintage: planwatch.Vintage(vintage.Int64),
		Value:   floatPtr(value), YoY: floatPtr(yoy), PlanPct: floatPtr(planPct), VsRef: floatPtr(vsRef),
		Comment: comment.String, Deleted: deleted.Int64 != 0,
		Source: planwatch.Source{Kind: planwatch.SourceKind(kind.String), Ref: ref.String, Row: int(row.Int64),
			Sentence: sentence.String, Formula: formula.String},
		By: who.String, At: parseTime(at.String), Revision: int(revision.Int64),
	}
	return v, nil
}
