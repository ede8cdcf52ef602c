package postgres

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"planwatch"
	"planwatch/internal/engine"
)

var _ planwatch.ChangeFeed = (*DB)(nil)

// changeLock is the key of the transaction-level advisory lock under which a
// change is numbered. Held from numbering to commit, it makes numbers follow
// commit order across instances: a follower that has read up to n never
// later meets a change numbered below n committing.
const changeLock = 0x706c616e63686773 // "planchgs"

// newChangeSet numbers a write within its transaction and announces it to
// the other instances (delivered only if the transaction commits). Call it
// after the transaction's row locks are taken, so that the advisory lock is
// held only for the write itself.
func (db *DB) newChangeSet(ctx context.Context, tx *sql.Tx, kind planwatch.ChangeKind, at time.Time, by, from string, res planwatch.ApplyResult) (int64, error) {
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(changeLock)); err != nil {
		return 0, err
	}
	t, ns := splitTime(at)
	var seq int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO change_sets (id, at, at_ns, who, src, kind, imported, updated, ignored, deleted)
		SELECT coalesce(max(id), 0) + 1, $1, $2, $3, $4, $5, $6, $7, $8, $9 FROM change_sets RETURNING id`,
		t, ns, by, from, string(kind), res.Imported, res.Updated, res.Ignored, res.Deleted).Scan(&seq); err != nil {
		return 0, err
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_notify($1, $2)`, changeChannel, db.instance+" "+strconv.FormatInt(seq, 10))
	return seq, err
}

// ChangeSeq returns the number of the last committed change, 0 for none. It
// reads the primary.
func (db *DB) ChangeSeq(ctx context.Context) (int64, error) {
	var seq int64
	err := db.w.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM change_sets`).Scan(&seq)
	return seq, internal("ChangeSeq", err)
}

// CurrentSince calls fn with the current value of every key written by a
// change numbered after seq (all current values when seq is 0), within one
// repeatable-read transaction on the primary, and returns the number it read
// up to. A key left with no current value comes as a Deleted value.
func (db *DB) CurrentSince(ctx context.Context, seq int64, fn func(planwatch.DataValue) error) (int64, error) {
	tx, err := db.w.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
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
		rows, err = tx.QueryContext(ctx, `SELECT h.k, `+valueColumns+` FROM value_heads h JOIN datavalues d ON d.id = h.current_id`)
	} else {
		rows, err = tx.QueryContext(ctx, `SELECT ch.k, `+valueColumns+` FROM (SELECT DISTINCT k FROM datavalues WHERE cs > $1) ch
			JOIN value_heads h ON h.k = ch.k LEFT JOIN datavalues d ON d.id = h.current_id`, seq)
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
	var ind, unit, basis, kind, ref, sentence, formula, who, comment sql.NullString
	var year, first, last, typ, vintage, revision, row, ns sql.NullInt64
	var deleted sql.NullBool
	var at sql.NullTime
	var value, yoy, planPct, vsRef sql.NullFloat64
	if err := s.Scan(&k, &id, &ind, &unit, &year, &first, &last, &typ, &basis, &vintage, &revision,
		&value, &yoy, &planPct, &vsRef, &comment, &deleted, &kind, &ref, &row, &sentence, &formula, &who, &at, &ns); err != nil {
		return planwatch.DataValue{}, err
	}
	if !id.Valid {
		return engine.Withdrawn(k)
	}
	return planwatch.DataValue{
		Key:     planwatch.Key{Indicator: ind.String, Unit: unit.String, Period: period(int(year.Int64), int(first.Int64), int(last.Int64), int(typ.Int64))},
		Basis:   planwatch.Basis(basis.String),
		Vintage: planwatch.Vintage(vintage.Int64),
		Value:   floatPtr(value), YoY: floatPtr(yoy), PlanPct: floatPtr(planPct), VsRef: floatPtr(vsRef),
		Comment: comment.String, Deleted: deleted.Bool,
		Source: planwatch.Source{Kind: planwatch.SourceKind(kind.String), Ref: ref.String, Row: int(row.Int64),
			Sentence: sentence.String, Formula: formula.String},
		By: who.String, At: joinTime(at.Time, int(ns.Int64)), Revision: int(revision.Int64),
	}, nil
}
