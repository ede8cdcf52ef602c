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

// newChangeSet numbers a write within its transaction (or stores a copied
// change with its own number, c.Seq > 0) and announces it to the other
// instances (delivered only if the transaction commits). Call it after the
// transaction's row locks are taken, so that the advisory lock is held only
// for the write itself.
func (db *DB) newChangeSet(ctx context.Context, tx *sql.Tx, c planwatch.ChangeRecord) (int64, error) {
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(changeLock)); err != nil {
		return 0, err
	}
	at, ns := splitTime(c.At)
	var vat any
	vatNS := 0
	if !c.ValueAt.IsZero() {
		t, n := splitTime(c.ValueAt)
		vat, vatNS = t, n
	}
	var id any
	if c.Seq > 0 {
		id = c.Seq
	}
	var seq int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO change_sets (id, at, at_ns, who, src, kind, imported, updated, ignored, deleted,
		revisions, v_who, v_at, v_at_ns, v_kind, v_ref)
		SELECT coalesce($1::bigint, coalesce(max(id), 0) + 1), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16 FROM change_sets
		RETURNING id`, id, at, ns, c.By, c.From, string(c.Kind), c.Result.Imported, c.Result.Updated, c.Result.Ignored,
		c.Result.Deleted, c.Revisions, c.ValueBy, vat, vatNS, string(c.ValueSource.Kind), c.ValueSource.Ref).Scan(&seq); err != nil {
		return 0, err
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_notify($1, $2)`, changeChannel, db.instance+" "+strconv.FormatInt(seq, 10))
	return seq, err
}

const changeColumns = `id, at, at_ns, who, src, kind, imported, updated, ignored, deleted, revisions, v_who, v_at, v_at_ns, v_kind, v_ref`

func scanChange(s scanner) (planwatch.ChangeRecord, error) {
	var c planwatch.ChangeRecord
	var at time.Time
	var vat sql.NullTime
	var ns, vns int
	var kind, vkind string
	err := s.Scan(&c.Seq, &at, &ns, &c.By, &c.From, &kind, &c.Result.Imported, &c.Result.Updated, &c.Result.Ignored,
		&c.Result.Deleted, &c.Revisions, &c.ValueBy, &vat, &vns, &vkind, &c.ValueSource.Ref)
	c.At, c.Kind, c.ValueSource.Kind = joinTime(at, ns), planwatch.ChangeKind(kind), planwatch.SourceKind(vkind)
	if vat.Valid {
		c.ValueAt = joinTime(vat.Time, vns)
	}
	return c, err
}

// defaultsSince reads the value defaults of the change sets numbered after
// a number, for engine.DefaultsCache.
func defaultsSince(q engine.Queryer) func(ctx context.Context, after int64) (engine.Defaults, error) {
	return func(ctx context.Context, after int64) (engine.Defaults, error) {
		rows, err := q.QueryContext(ctx, `SELECT `+changeColumns+` FROM change_sets WHERE id > $1`, after)
		if err != nil {
			return nil, err
		}
		out := engine.Defaults{}
		err = engine.Each(rows, scanChange, func(c planwatch.ChangeRecord) error {
			out[c.Seq] = engine.DefaultsOfRecord(&c)
			return nil
		})
		return out, err
	}
}

// ChangeSeq returns the number of the last committed change, 0 for none. It
// reads the primary.
func (db *DB) ChangeSeq(ctx context.Context) (int64, error) {
	var seq int64
	err := db.w.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM change_sets`).Scan(&seq)
	return seq, internal("ChangeSeq", err)
}

// CatalogueChangedSince says whether a catalogue change (indicators, units,
// transitions) was committed after change seq. It reads the primary.
func (db *DB) CatalogueChangedSince(ctx context.Context, seq int64) (bool, error) {
	var changed bool
	err := db.w.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM change_sets WHERE id > $1 AND kind = $2)`, seq, string(planwatch.ChangeCatalog)).Scan(&changed)
	return changed, internal("CatalogueChangedSince", err)
}

// ChangeMark names committed change seq by what it was (when, what kind,
// by whom): an index snapshot made at that number is this history's only
// if the mark is the same (a backup restored over the database numbers
// its later changes again).
func (db *DB) ChangeMark(ctx context.Context, seq int64) (string, error) {
	var mark string
	err := db.w.QueryRowContext(ctx, `SELECT at::text || ' ' || at_ns || ' ' || kind || ' ' || who FROM change_sets WHERE id = $1`, seq).Scan(&mark)
	return mark, internal("ChangeMark", err)
}

// PlansChangedSince says whether a change committed after seq may have
// changed plans (targets, milestones) or approvals: any change but a data
// change that wrote values only (each value it counted is one revision,
// so a count beyond its revisions is something else: a target, a
// milestone, a note or a task).
func (db *DB) PlansChangedSince(ctx context.Context, seq int64) (bool, error) {
	var changed bool
	err := db.w.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM change_sets WHERE id > $1
		AND (kind <> $2 OR imported + updated + deleted <> revisions))`, seq, string(planwatch.ChangeData)).Scan(&changed)
	return changed, internal("PlansChangedSince", err)
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
	lookup, err := db.defaults.Since(ctx, defaultsSince(tx))
	if err != nil {
		return 0, internal("CurrentSince", err)
	}
	var rows *sql.Rows
	if seq <= 0 {
		rows, err = tx.QueryContext(ctx, `SELECT `+seriesRowColumns+` FROM revisions r JOIN series s ON s.id = r.series
			ORDER BY r.series, r.cs`)
	} else {
		rows, err = tx.QueryContext(ctx, `SELECT `+seriesRowColumns+` FROM revisions r JOIN series s ON s.id = r.series
			WHERE r.series IN (SELECT DISTINCT series FROM revisions WHERE cs > $1) ORDER BY r.series, r.cs`, seq)
	}
	if err != nil {
		return 0, internal("CurrentSince", err)
	}
	err = engine.ScanSeries(rows, func(s *engine.SeriesState) error {
		if seq <= 0 {
			return s.Current(lookup, fn)
		}
		return s.ChangedSince(seq, lookup, fn)
	})
	if err != nil {
		return 0, internal("CurrentSince", err)
	}
	return upTo, nil
}
