package engine

import (
	"context"
	"errors"

	"planwatch"
)

// Dump feeds the records of a Store.Dump to its yield function, table by
// table. Each method returns false once yield has had enough or an error was
// yielded, so that the tables chain with &&.
type Dump struct {
	Ctx   context.Context
	Q     Queryer // the snapshot, usually a read-only transaction
	Yield func(planwatch.Record, error) bool
	// Wrap turns a database error into the error yielded, such as
	// "sqlite: Dump: …".
	Wrap func(error) error
}

// Fail yields err (wrapped) and returns false.
func (d *Dump) Fail(err error) bool {
	d.Yield(planwatch.Record{}, d.Wrap(err))
	return false
}

// Rows yields a record for every row of query.
func (d *Dump) Rows(query string, scan func(Scanner) (planwatch.Record, error)) bool {
	rows, err := d.Q.QueryContext(d.Ctx, query)
	if err != nil {
		return d.Fail(err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return d.Fail(err)
		}
		if !d.Yield(r, nil) {
			return false
		}
	}
	if err := rows.Err(); err != nil {
		return d.Fail(err)
	}
	return true
}

// DumpAll yields a record for every item of a list read whole (err is the
// error of reading it).
func DumpAll[T any](d *Dump, items []T, err error, record func(*T) planwatch.Record) bool {
	if err != nil {
		return d.Fail(err)
	}
	for i := range items {
		if !d.Yield(record(&items[i]), nil) {
			return false
		}
	}
	return true
}

// errStop ends a scan once yield has had enough.
var errStop = errors.New("stop")

// Values yields a value record for every stored revision: query reads rows
// of (series, indicator, unit, change set, data) sorted by change set and
// series; lookup gives the change sets' value defaults.
func (d *Dump) Values(query string, lookup Lookup) bool {
	rows, err := d.Q.QueryContext(d.Ctx, query)
	if err != nil {
		return d.Fail(err)
	}
	err = ScanSeries(rows, func(s *SeriesState) error {
		return s.Each(lookup, func(v planwatch.DataValue, cs int64) error {
			if !d.Yield(planwatch.Record{Value: &v, Seq: cs}, nil) {
				return errStop
			}
			return nil
		})
	})
	if errors.Is(err, errStop) {
		return false
	}
	if err != nil {
		return d.Fail(err)
	}
	return true
}
