package postgres

import (
	"context"
	"database/sql"
	"errors"

	"planwatch"
	"planwatch/internal/engine"
)

// Values live in two tables (migration 006), as in the sqlite engine: series
// names each indicator × unit once, and revisions holds, per series and
// change set, the revisions that change set wrote, encoded by the engine.

// seriesRowColumns are what engine.ScanSeries reads, from revisions r
// joined with series s.
const seriesRowColumns = `r.series, s.indicator, s.orgunit, r.cs, r.data`

// Series returns the ids of the series keys. Outside a dry run it creates
// the missing ones and locks them all, in id order, until the transaction
// ends: a writer on another instance that writes one of these series waits
// here, then reads the revisions this one committed.
func (r reader) Series(ctx context.Context, keys []engine.SeriesKey) (map[engine.SeriesKey]int64, error) {
	inds, units := make([]string, len(keys)), make([]string, len(keys))
	for i, k := range keys {
		inds[i], units[i] = k.Indicator, k.Unit
	}
	ids := make(map[engine.SeriesKey]int64, len(keys))
	collect := func(rows *sql.Rows, err error) error {
		if err != nil {
			return err
		}
		return engine.Each(rows, scanSeriesID, func(s seriesID) error { ids[s.k] = s.id; return nil })
	}
	query := `SELECT id, indicator, orgunit FROM series WHERE (indicator, orgunit) IN
		(SELECT * FROM unnest($1::text[], $2::text[]))`
	if r.dryRun {
		return ids, collect(r.tx.QueryContext(ctx, query, inds, units))
	}
	// The series this transaction creates are its own until it commits
	// (another writer of one waits on the insert); the others are locked.
	if err := collect(r.tx.QueryContext(ctx, `INSERT INTO series (indicator, orgunit)
		SELECT * FROM unnest($1::text[], $2::text[]) AS u(i, o) ORDER BY i, o ON CONFLICT DO NOTHING
		RETURNING id, indicator, orgunit`, inds, units)); err != nil {
		return nil, err
	}
	if len(ids) == len(keys) {
		return ids, nil
	}
	inds, units = inds[:0], units[:0]
	for _, k := range keys {
		if ids[k] == 0 {
			inds, units = append(inds, k.Indicator), append(units, k.Unit)
		}
	}
	return ids, collect(r.tx.QueryContext(ctx, query+` ORDER BY id FOR UPDATE`, inds, units))
}

type seriesID struct {
	id int64
	k  engine.SeriesKey
}

func scanSeriesID(s scanner) (seriesID, error) {
	var v seriesID
	err := s.Scan(&v.id, &v.k.Indicator, &v.k.Unit)
	return v, err
}

// Stored calls fn with every revisions row of the series ids.
func (r reader) Stored(ctx context.Context, ids []int64, fn func(series, cs int64, data []byte) error) error {
	rows, err := r.tx.QueryContext(ctx, `SELECT series, cs, data FROM revisions WHERE series = ANY($1) ORDER BY series, cs`, ids)
	if err != nil {
		return err
	}
	return engine.EachRevisionsRow(rows, fn)
}

// Defaults returns the value defaults of the change sets ids.
func (r reader) Defaults(ctx context.Context, ids []int64) (engine.Defaults, error) {
	return r.db.defaults.Of(ctx, defaultsSince(r.tx), ids)
}

// writeSeries stores revisions as change set seq, one row per series, in
// one statement.
func writeSeries(ctx context.Context, tx *sql.Tx, ws []*engine.SeriesWrite, seq int64) error {
	if len(ws) == 0 {
		return nil
	}
	ids, ns, data := make([]int64, len(ws)), make([]int64, len(ws)), make([][]byte, len(ws))
	for i, w := range ws {
		ids[i], ns[i], data[i] = w.ID, int64(len(w.Entries)), engine.Encode(nil, w.Entries)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO revisions (series, cs, n, data)
		SELECT s, $2, n, d FROM unnest($1::bigint[], $3::integer[], $4::bytea[]) AS u(s, n, d)`, ids, seq, ns, data)
	return err
}

// Values returns the current value of every key matching q, ordered by
// indicator, unit and period; with q.ApprovedOnly, those of approved
// unit-periods, marked Approved, before q.Limit counts. It reads the
// replica when there is one.
func (db *DB) Values(ctx context.Context, q planwatch.ValueQuery) ([]planwatch.DataValue, error) {
	out, err := db.values(ctx, q)
	return out, internal("Values", err)
}

func (db *DB) values(ctx context.Context, q planwatch.ValueQuery) ([]planwatch.DataValue, error) {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	lookup, err := db.defaults.Since(ctx, defaultsSince(tx))
	if err != nil {
		return nil, err
	}
	selected, err := engine.Selector(ctx, &q, func(ctx context.Context, aq planwatch.ApprovalQuery) ([]planwatch.Approval, error) {
		return approvals(ctx, tx, aq)
	})
	if err != nil {
		return nil, err
	}
	var w where
	w.in("s.indicator", q.Indicators)
	w.in("s.orgunit", q.Units)
	rows, err := tx.QueryContext(ctx, `SELECT `+seriesRowColumns+` FROM revisions r JOIN series s ON s.id = r.series`+
		w.String()+` ORDER BY r.series, r.cs`, w.args...)
	if err != nil {
		return nil, err
	}
	var out []planwatch.DataValue
	err = engine.ScanSeries(rows, func(s *engine.SeriesState) error {
		return s.Current(lookup, func(v planwatch.DataValue) error {
			if selected(&v) {
				if q.Limit > 0 && len(out) == q.Limit {
					return engine.ErrLimit
				}
				out = append(out, v)
			}
			return nil
		})
	})
	if errors.Is(err, engine.ErrLimit) {
		err = nil
	}
	engine.SortValues(out)
	return out, err
}

// Revisions returns every revision of one key, oldest first (every vintage).
// It reads the primary: it is the history shown right after a change.
func (db *DB) Revisions(ctx context.Context, k planwatch.Key) ([]planwatch.DataValue, error) {
	tx, err := db.w.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return nil, internal("Revisions", err)
	}
	defer tx.Rollback()
	lookup, err := db.defaults.Since(ctx, defaultsSince(tx))
	if err != nil {
		return nil, internal("Revisions", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+seriesRowColumns+` FROM revisions r JOIN series s ON s.id = r.series
		WHERE s.indicator = $1 AND s.orgunit = $2 ORDER BY r.series, r.cs`, k.Indicator, k.Unit)
	if err != nil {
		return nil, internal("Revisions", err)
	}
	var out []planwatch.DataValue
	err = engine.ScanSeries(rows, func(s *engine.SeriesState) error {
		out = s.Revisions(k.Period, lookup)
		return nil
	})
	return out, internal("Revisions", err)
}
