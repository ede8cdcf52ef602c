package engine

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"

	"planwatch"
)

// SeriesState is every stored revision of one series, as read back from its
// revisions rows (one per change set that wrote to it).
type SeriesState struct {
	ID int64
	SeriesKey
	entries []storedEntry
	scratch []Entry    // scratch of add
	order   []int32    // scratch of heads
	out     []codeHead // scratch of heads
}

// add decodes one revisions row of the series.
func (s *SeriesState) add(cs int64, data []byte) error {
	es, err := Decode(s.scratch[:0], data)
	s.scratch = es
	if err != nil {
		return fmt.Errorf("series %d (%s/%s), change set %d: %w", s.ID, s.Indicator, s.Unit, cs, err)
	}
	s.entries = slices.Grow(s.entries, len(es))
	for i := range es {
		s.entries = append(s.entries, storedEntry{es[i], cs})
	}
	return nil
}

// ErrLimit stops a read that reached its ValueQuery.Limit.
var ErrLimit = errors.New("engine: read stopped at its limit")

// ScanSeries reads rows of (series, indicator, unit, change set, data)
// sorted by series and then change set, and calls fn with the state of each
// series in turn (rows sorted by change set first give a state per row); fn
// must not keep the state, which is reused. It closes rows.
func ScanSeries(rows *sql.Rows, fn func(*SeriesState) error) error {
	defer rows.Close()
	var cur *SeriesState
	flush := func() error {
		if cur == nil || len(cur.entries) == 0 {
			return nil
		}
		return fn(cur)
	}
	for rows.Next() {
		var id, cs int64
		var k SeriesKey
		var data []byte
		if err := rows.Scan(&id, &k.Indicator, &k.Unit, &cs, &data); err != nil {
			return err
		}
		if cur == nil || cur.ID != id {
			if err := flush(); err != nil {
				return err
			}
			if cur == nil {
				cur = &SeriesState{}
			}
			// One state reused: fn must not keep it.
			cur.ID, cur.SeriesKey, cur.entries = id, k, cur.entries[:0]
		}
		if err := cur.add(cs, data); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return flush()
}

// codeHead is the heads of one key of a series.
type codeHead struct {
	code    uint32
	touched bool // written by a change set after the one asked for
	h       keyHead
}

// heads gathers the latest revision of each vintage of each key of the
// series, keys in period order. after > 0 keeps only keys written by a
// change set numbered after it.
func (s *SeriesState) heads(after int64) []codeHead {
	// Sorting positions by key (stable: change sets stay in order) is
	// cheaper than a map for the few dozen keys of a series.
	order := s.order[:0]
	for i := range s.entries {
		order = append(order, int32(i))
	}
	s.order = order
	slices.SortStableFunc(order, func(a, b int32) int { return cmp.Compare(s.entries[a].e.Code, s.entries[b].e.Code) })
	out := s.out[:0]
	for _, i := range order {
		se := &s.entries[i]
		if len(out) == 0 || out[len(out)-1].code != se.e.Code {
			out = append(out, codeHead{code: se.e.Code})
		}
		ch := &out[len(out)-1]
		if r := ch.h.v[se.e.Vintage]; r.e == nil || se.e.Revision > r.e.Revision {
			ch.h.v[se.e.Vintage] = headRef{&se.e, se.cs}
		}
		ch.touched = ch.touched || se.cs > after
	}
	s.out = out
	if after > 0 {
		out = slices.DeleteFunc(out, func(c codeHead) bool { return !c.touched })
	}
	return out
}

// Current calls fn with the current value of every key of the series
// (planwatch.Current), in period order.
func (s *SeriesState) Current(d Lookup, fn func(planwatch.DataValue) error) error {
	for _, c := range s.heads(0) {
		if r, ok := c.h.current(); ok {
			if err := fn(r.e.DataValue(s.Indicator, s.Unit, d(r.cs))); err != nil {
				return err
			}
		}
	}
	return nil
}

// ChangedSince calls fn with the current value of every key of the series
// written by a change set numbered after seq, in period order; a key left
// without one comes as a Deleted value.
func (s *SeriesState) ChangedSince(seq int64, d Lookup, fn func(planwatch.DataValue) error) error {
	for _, c := range s.heads(seq) {
		v := planwatch.DataValue{Key: planwatch.Key{Indicator: s.Indicator, Unit: s.Unit, Period: PeriodOf(c.code)}, Deleted: true}
		if r, ok := c.h.current(); ok {
			v = r.e.DataValue(s.Indicator, s.Unit, d(r.cs))
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return nil
}

// Revisions returns every revision of period p in the series, oldest first
// (by change set, then in the order the change set gave them).
func (s *SeriesState) Revisions(p planwatch.Period, d Lookup) []planwatch.DataValue {
	code := PeriodCode(p)
	var out []planwatch.DataValue
	for i := range s.entries {
		if se := &s.entries[i]; se.e.Code == code {
			out = append(out, se.e.DataValue(s.Indicator, s.Unit, d(se.cs)))
		}
	}
	return out
}

// Each calls fn with every revision of the series and its change set, in
// stored order.
func (s *SeriesState) Each(d Lookup, fn func(v planwatch.DataValue, cs int64) error) error {
	for i := range s.entries {
		se := &s.entries[i]
		if err := fn(se.e.DataValue(s.Indicator, s.Unit, d(se.cs)), se.cs); err != nil {
			return err
		}
	}
	return nil
}

// Lookup gives the value defaults of a change set by number.
type Lookup func(cs int64) *ChangeDefaults

// Defaults are the value defaults of some change sets by number.
type Defaults map[int64]ChangeDefaults

// Lookup looks change sets up in d.
func (d Defaults) Lookup(cs int64) *ChangeDefaults {
	c := d[cs]
	return &c
}

// DefaultsCache keeps the value defaults of the change sets read so far: a
// committed change set never changes, so a store reads each one once.
type DefaultsCache struct {
	mu   sync.RWMutex
	m    Defaults
	last int64 // every change set up to this number is in m
}

// Since returns a lookup of every change set, having read those numbered
// after the last one read, with load (in the caller's transaction, so that
// they agree with what it reads next). A store's change sets are numbered
// in commit order, so what was read once is complete up to its number.
func (c *DefaultsCache) Since(ctx context.Context, load func(ctx context.Context, after int64) (Defaults, error)) (Lookup, error) {
	c.mu.RLock()
	last := c.last
	c.mu.RUnlock()
	more, err := load(ctx, last)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.m == nil {
		c.m = Defaults{}
	}
	for id, d := range more {
		c.m[id] = d
		c.last = max(c.last, id)
	}
	c.mu.Unlock()
	return func(cs int64) *ChangeDefaults {
		c.mu.RLock()
		d := c.m[cs]
		c.mu.RUnlock()
		return &d
	}, nil
}

// Of returns the value defaults of the change sets ids, reading with load
// those not read yet (Since).
func (c *DefaultsCache) Of(ctx context.Context, load func(ctx context.Context, after int64) (Defaults, error), ids []int64) (Defaults, error) {
	lookup, err := c.Since(ctx, load)
	if err != nil {
		return nil, err
	}
	out := make(Defaults, len(ids))
	for _, id := range ids {
		out[id] = *lookup(id)
	}
	return out, nil
}

// EachRevisionsRow calls fn with the series, change set and data of every
// row of revisions in rows, and closes them.
func EachRevisionsRow(rows *sql.Rows, fn func(series, cs int64, data []byte) error) error {
	type row struct {
		series, cs int64
		data       []byte
	}
	return Each(rows, func(sc Scanner) (row, error) {
		var r row
		err := sc.Scan(&r.series, &r.cs, &r.data)
		return r, err
	}, func(r row) error { return fn(r.series, r.cs, r.data) })
}

// SortValues puts values in the order Values returns them: by indicator,
// unit, first and last month, and period.
func SortValues(vs []planwatch.DataValue) {
	slices.SortFunc(vs, func(a, b planwatch.DataValue) int {
		if c := cmp.Or(cmp.Compare(a.Indicator, b.Indicator), cmp.Compare(a.Unit, b.Unit),
			cmp.Compare(a.Period.Year*100+a.Period.First, b.Period.Year*100+b.Period.First),
			cmp.Compare(a.Period.Year*100+a.Period.Last, b.Period.Year*100+b.Period.Last)); c != 0 {
			return c
		}
		return cmp.Compare(a.Period.ID(), b.Period.ID()) // the same months in two shapes
	})
}

// InMonths reports whether v's period lies within the months of q
// (YYYYMM, 0 for open).
func InMonths(p planwatch.Period, from, to int) bool {
	return (from == 0 || p.Year*100+p.First >= from) && (to == 0 || p.Year*100+p.Last <= to)
}

// Selector returns whether a current value is one q asks for by its months,
// periods and, with ApprovedOnly, approval (the indicators and units are
// the read's own), applied before q.Limit counts; a value ApprovedOnly
// keeps is marked Approved. approvals reads the approved unit-periods
// within the read's transaction, so that the values and the approvals are
// of one moment.
func Selector(ctx context.Context, q *planwatch.ValueQuery,
	approvals func(context.Context, planwatch.ApprovalQuery) ([]planwatch.Approval, error)) (func(*planwatch.DataValue) bool, error) {
	if !q.ApprovedOnly {
		return func(v *planwatch.DataValue) bool { return Selected(q, v.Period) }, nil
	}
	as, err := approvals(ctx, planwatch.ApprovalQuery{Units: q.Units, State: planwatch.ApprovalApproved})
	if err != nil {
		return nil, err
	}
	approved := planwatch.ApprovedOf(as)
	return func(v *planwatch.DataValue) bool {
		if !Selected(q, v.Period) || !approved.Covers(v.Unit, v.Period) {
			return false
		}
		v.Approved = true
		return true
	}, nil
}

// Selected reports whether a value of period p is one q asks for by its
// months and periods (the indicators and units are the read's own).
func Selected(q *planwatch.ValueQuery, p planwatch.Period) bool {
	if !InMonths(p, q.FromMonth, q.ToMonth) {
		return false
	}
	if len(q.Periods) == 0 {
		return true
	}
	for _, o := range q.Periods {
		if p.SameMonths(o) {
			return true
		}
	}
	return false
}
