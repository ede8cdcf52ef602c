package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"planwatch"
	"planwatch/internal/engine"
	"planwatch/internal/hugepage"
)

// Values live in two tables (migration 006): series names each indicator ×
// unit once, and revisions holds, per series and change set, the revisions
// that change set wrote, encoded by the engine (engine.Encode). Reading
// decodes a series' rows and takes the current value of each key
// (planwatch.Current) from them.

// seriesRowColumns are what engine.ScanSeries reads, from revisions r
// joined with series s.
const seriesRowColumns = `r.series, s.indicator, s.orgunit, r.cs, r.data`

// Series returns the ids of the series keys, creating the missing ones
// unless in a dry run.
func (r reader) Series(ctx context.Context, keys []engine.SeriesKey) (map[engine.SeriesKey]int64, error) {
	inds := map[string]bool{}
	var list []string
	for _, k := range keys {
		if !inds[k.Indicator] {
			inds[k.Indicator] = true
			list = append(list, k.Indicator)
		}
	}
	rows, err := r.tx.QueryContext(ctx, `SELECT id, indicator, orgunit FROM series WHERE indicator IN (SELECT value FROM json_each(?))`, jsonStrings(list))
	if err != nil {
		return nil, err
	}
	ids := make(map[engine.SeriesKey]int64, len(keys))
	err = engine.Each(rows, scanSeriesID, func(s seriesID) error { ids[s.k] = s.id; return nil })
	if err != nil || r.dryRun {
		return ids, err
	}
	var missing []engine.SeriesKey
	for _, k := range keys {
		if ids[k] == 0 {
			missing = append(missing, k)
		}
	}
	if len(missing) == 0 {
		return ids, nil
	}
	// The new series are numbered here, as SQLite would number them (the
	// largest id + 1, and on): the transaction holds the write lock, so no
	// one else inserts meanwhile, and reading the ids back is not needed.
	var last int64
	if err := r.tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM series`).Scan(&last); err != nil {
		return nil, err
	}
	for i, k := range missing {
		ids[k] = last + 1 + int64(i)
	}
	insert := func() error {
		return insertMany(ctx, r.tx, `INSERT INTO series (id, indicator, orgunit) VALUES `, `(?, ?, ?)`, len(missing),
			func(i int, args []any) []any {
				return append(args, last+1+int64(i), missing[i].Indicator, missing[i].Unit)
			},
			"", nil)
	}
	if r.created == nil || r.db.r == r.db.w {
		return ids, insert()
	}
	r.created.start(insert)
	return ids, nil
}

// seriesCreation is the creation of an Apply's new series (15,000 rows for
// a national file), run on the writer's transaction beside the checks and
// the plan that follow (reader.Series), which read what is stored on a read
// connection meanwhile (reader.Stored): the transaction holds the write
// lock, so a read begun after it sees what the transaction saw before its
// own writes. The Apply waits for it before writing revisions, and before
// rolling back.
type seriesCreation struct {
	done chan struct{}
	err  error
}

func (c *seriesCreation) start(insert func() error) {
	c.done = make(chan struct{})
	go func() {
		defer close(c.done)
		c.err = insert()
	}()
}

// started reports whether the series are being created (or were).
func (c *seriesCreation) started() bool { return c != nil && c.done != nil }

// wait returns once the series are created, with the error if any.
func (c *seriesCreation) wait() error {
	if !c.started() {
		return nil
	}
	<-c.done
	return c.err
}

// insertMany inserts n rows a hundred to a statement: query + one tuple per
// row (each tuple's parameters appended to args by arg), then tail; each
// statement's returned rows, if any, go to returned.
func insertMany(ctx context.Context, tx *sql.Tx, query, tuple string, n int, arg func(i int, args []any) []any,
	tail string, returned func(*sql.Rows) error) error {
	const per = 100
	var args []any
	var stmt *sql.Stmt
	defer func() {
		if stmt != nil {
			stmt.Close()
		}
	}()
	for start := 0; start < n; start += per {
		end := min(start+per, n)
		args = args[:0]
		for i := start; i < end; i++ {
			args = arg(i, args)
		}
		q := query + strings.Repeat(tuple+", ", end-start-1) + tuple + tail
		var err error
		if end-start == per {
			if stmt == nil {
				if stmt, err = tx.PrepareContext(ctx, q); err != nil {
					return err
				}
			}
			err = run(ctx, stmt, args, returned)
		} else {
			var last *sql.Stmt
			if last, err = tx.PrepareContext(ctx, q); err != nil {
				return err
			}
			err = run(ctx, last, args, returned)
			last.Close()
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func run(ctx context.Context, stmt *sql.Stmt, args []any, returned func(*sql.Rows) error) error {
	if returned == nil {
		_, err := stmt.ExecContext(ctx, args...)
		return err
	}
	rows, err := stmt.QueryContext(ctx, args...)
	if err != nil {
		return err
	}
	return returned(rows)
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
	var q engine.Queryer = r.tx
	if r.created.started() {
		// The writer is creating series meanwhile (seriesCreation).
		rtx, err := r.db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			return err
		}
		defer rtx.Rollback()
		q = rtx
	}
	b, _ := json.Marshal(ids)
	rows, err := q.QueryContext(ctx, `SELECT series, cs, data FROM revisions
		WHERE series IN (SELECT value FROM json_each(?)) ORDER BY series, cs`, string(b))
	if err != nil {
		return err
	}
	return engine.EachRevisionsRow(rows, fn)
}

// Defaults returns the value defaults of the change sets ids.
func (r reader) Defaults(ctx context.Context, ids []int64) (engine.Defaults, error) {
	return r.db.defaults.Of(ctx, defaultsSince(r.tx), ids)
}

// writeSeries stores the plan's revisions as change set seq: one row per series.
func writeSeries(ctx context.Context, tx *sql.Tx, ws []*engine.SeriesWrite, seq int64) error {
	if len(ws) == 0 {
		return nil
	}
	// Rows are encoded on a goroutine of their own, ahead of the inserts
	// (the driver reads a row's bytes when its statement runs): encoding
	// and SQLite's work overlap on two cores.
	rows := make(chan []byte, 512)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(rows)
		// Rows are encoded into blocks of 4 MiB (the revisions of a
		// province file take about 6 MB), made for huge pages.
		const block = 4 << 20
		var buf []byte
		for i := range ws {
			if cap(buf)-len(buf) < 16*len(ws[i].Entries)+64 {
				// Rows sent keep their bytes: a new block for the next.
				buf = hugepage.Make[byte](max(block, 32*len(ws[i].Entries)))
			}
			start := len(buf)
			buf = engine.Encode(buf, ws[i].Entries)
			select {
			case rows <- buf[start:len(buf):len(buf)]:
			case <-stop:
				return
			}
		}
	}()
	return insertMany(ctx, tx, `INSERT INTO revisions (series, cs, n, data) VALUES `, `(?, ?, ?, ?)`, len(ws),
		func(i int, args []any) []any {
			return append(args, ws[i].ID, seq, len(ws[i].Entries), <-rows)
		}, "", nil)
}

// Values returns the current value of every key matching q, ordered by
// indicator, unit and period; with q.ApprovedOnly, those of approved
// unit-periods, marked Approved, before q.Limit counts.
func (db *DB) Values(ctx context.Context, q planwatch.ValueQuery) ([]planwatch.DataValue, error) {
	out, err := db.values(ctx, q)
	return out, internal("Values", err)
}

func (db *DB) values(ctx context.Context, q planwatch.ValueQuery) ([]planwatch.DataValue, error) {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
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
	var where []string
	var args []any
	where, args = in(where, args, "s.indicator", q.Indicators)
	where, args = in(where, args, "s.orgunit", q.Units)
	query := `SELECT ` + seriesRowColumns + ` FROM revisions r JOIN series s ON s.id = r.series`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := tx.QueryContext(ctx, query+" ORDER BY r.series, r.cs", args...)
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
func (db *DB) Revisions(ctx context.Context, k planwatch.Key) ([]planwatch.DataValue, error) {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, internal("Revisions", err)
	}
	defer tx.Rollback()
	lookup, err := db.defaults.Since(ctx, defaultsSince(tx))
	if err != nil {
		return nil, internal("Revisions", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+seriesRowColumns+` FROM revisions r JOIN series s ON s.id = r.series
		WHERE s.indicator = ? AND s.orgunit = ? ORDER BY r.series, r.cs`, k.Indicator, k.Unit)
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
