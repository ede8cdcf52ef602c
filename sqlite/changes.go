package sqlite

import (
	"context"
	"database/sql"

	"planwatch"
	"planwatch/internal/engine"
)

var _ planwatch.ChangeFeed = (*DB)(nil)

// newChangeSet numbers a write within its transaction (the single writer
// connection makes numbers follow commit order), or stores a copied change
// with its own number (c.Seq > 0).
func newChangeSet(ctx context.Context, tx *sql.Tx, c planwatch.ChangeRecord) (int64, error) {
	var id any
	if c.Seq > 0 {
		id = c.Seq
	}
	r, err := tx.ExecContext(ctx, `INSERT INTO change_sets (id, at, who, src, kind, imported, updated, ignored, deleted,
		revisions, v_who, v_at, v_kind, v_ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, formatTime(c.At), c.By, c.From, string(c.Kind), c.Result.Imported, c.Result.Updated, c.Result.Ignored,
		c.Result.Deleted, c.Revisions, c.ValueBy, formatTime(c.ValueAt), string(c.ValueSource.Kind), c.ValueSource.Ref)
	if err != nil {
		return 0, err
	}
	return r.LastInsertId()
}

const changeColumns = `id, at, who, src, kind, imported, updated, ignored, deleted, revisions, v_who, v_at, v_kind, v_ref`

func scanChange(s scanner) (planwatch.ChangeRecord, error) {
	var c planwatch.ChangeRecord
	var at, vat, kind, vkind string
	err := s.Scan(&c.Seq, &at, &c.By, &c.From, &kind, &c.Result.Imported, &c.Result.Updated, &c.Result.Ignored,
		&c.Result.Deleted, &c.Revisions, &c.ValueBy, &vat, &vkind, &c.ValueSource.Ref)
	c.At, c.ValueAt, c.Kind, c.ValueSource.Kind = parseTime(at), parseTime(vat), planwatch.ChangeKind(kind), planwatch.SourceKind(vkind)
	return c, err
}

// defaultsSince reads the value defaults of the change sets numbered after
// a number, for engine.DefaultsCache.
func defaultsSince(q engine.Queryer) func(ctx context.Context, after int64) (engine.Defaults, error) {
	return func(ctx context.Context, after int64) (engine.Defaults, error) {
		rows, err := q.QueryContext(ctx, `SELECT id, v_who, v_at, v_kind, v_ref FROM change_sets WHERE id > ?`, after)
		if err != nil {
			return nil, err
		}
		out := engine.Defaults{}
		err = engine.Each(rows, scanDefaults, func(d idDefaults) error { out[d.id] = d.d; return nil })
		return out, err
	}
}

type idDefaults struct {
	id int64
	d  engine.ChangeDefaults
}

func scanDefaults(s scanner) (idDefaults, error) {
	var d idDefaults
	var at, kind string
	err := s.Scan(&d.id, &d.d.By, &at, &kind, &d.d.Ref)
	d.d.At, d.d.Kind = parseTime(at), planwatch.SourceKind(kind)
	return d, err
}

// ChangeSeq returns the number of the last committed change, 0 for none.
func (db *DB) ChangeSeq(ctx context.Context) (int64, error) {
	stmt, err := db.seqStmt(ctx)
	if err != nil {
		return 0, internal("ChangeSeq", err)
	}
	var seq int64
	err = stmt.QueryRowContext(ctx).Scan(&seq)
	return seq, internal("ChangeSeq", err)
}

// seqStmt is ChangeSeq's statement, prepared at its first use (every view
// runs it: parsing it each time cost more than running it).
func (db *DB) seqStmt(ctx context.Context) (*sql.Stmt, error) {
	db.seq.mu.Lock()
	defer db.seq.mu.Unlock()
	if db.seq.stmt == nil {
		stmt, err := db.r.PrepareContext(ctx, `SELECT coalesce(max(id), 0) FROM change_sets`)
		if err != nil {
			return nil, err
		}
		db.seq.stmt = stmt
	}
	return db.seq.stmt, nil
}

// CatalogueChangedSince says whether a catalogue change (indicators, units,
// transitions) was committed after change seq.
func (db *DB) CatalogueChangedSince(ctx context.Context, seq int64) (bool, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM change_sets WHERE id > ? AND kind = ?`, seq, string(planwatch.ChangeCatalog)).Scan(&n)
	return n > 0, internal("CatalogueChangedSince", err)
}

// ChangeMark names committed change seq by what it was (when, what kind,
// by whom): an index snapshot made at that number is this history's only
// if the mark is the same (a backup restored over the database numbers
// its later changes again).
func (db *DB) ChangeMark(ctx context.Context, seq int64) (string, error) {
	var mark string
	err := db.r.QueryRowContext(ctx, `SELECT at || ' ' || kind || ' ' || who FROM change_sets WHERE id = ?`, seq).Scan(&mark)
	return mark, internal("ChangeMark", err)
}

// PlansChangedSince says whether a change committed after seq may have
// changed plans (targets, milestones) or approvals: any change but a data
// change that wrote values only (each value it counted is one revision,
// so a count beyond its revisions is something else: a target, a
// milestone, a note or a task).
func (db *DB) PlansChangedSince(ctx context.Context, seq int64) (bool, error) {
	var changed bool
	err := db.r.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM change_sets WHERE id > ?
		AND (kind <> ? OR imported + updated + deleted <> revisions))`, seq, string(planwatch.ChangeData)).Scan(&changed)
	return changed, internal("PlansChangedSince", err)
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
	lookup, err := db.defaults.Since(ctx, defaultsSince(tx))
	if err != nil {
		return 0, internal("CurrentSince", err)
	}
	// (No DISTINCT in the subquery: IN makes a set anyway, and with it
	// SQLite's planner scanned the whole table in series order instead of
	// searching revisions_cs — 10 ms of every look after another
	// process's one-value import on the province set, 0.6 ms without.)
	var rows *sql.Rows
	if seq <= 0 {
		rows, err = tx.QueryContext(ctx, `SELECT `+seriesRowColumns+` FROM revisions r JOIN series s ON s.id = r.series
			ORDER BY r.series, r.cs`)
	} else {
		rows, err = tx.QueryContext(ctx, `SELECT `+seriesRowColumns+` FROM revisions r JOIN series s ON s.id = r.series
			WHERE r.series IN (SELECT series FROM revisions WHERE cs > ?) ORDER BY r.series, r.cs`, seq)
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
