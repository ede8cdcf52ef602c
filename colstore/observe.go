package colstore

import (
	"context"

	"planwatch"
	"planwatch/cube"
)

// Observe shows values committed through the planwatch store (Store.Apply,
// with revisions and audit) to the cube: monthly period-basis values of known
// indicators and units set their cell, a Deleted value empties it, anything
// else is not the cube's business. It is the in-memory half of Put, meant to
// be registered as the store's commit observer (sqlite.WithCommitObserver);
// durability is the store's, and Replay brings those values back at start-up.
func (db *DB) Observe(values []planwatch.DataValue) {
	db.mu.Lock()
	defer db.mu.Unlock()
	for _, v := range values {
		db.observeLocked(v)
	}
}

func (db *DB) observeLocked(v planwatch.DataValue) {
	if v.Period.First != v.Period.Last || (v.Basis != planwatch.BasisPeriod && !v.Deleted) || (v.Value == nil && !v.Deleted) {
		return
	}
	c := db.cube.Load()
	i, ok1 := c.IndicatorID(v.Indicator)
	u, ok2 := c.UnitID(v.Unit)
	if !ok1 || !ok2 {
		return
	}
	month := v.Period.Year*100 + v.Period.First
	x := cube.Null
	if !v.Deleted {
		x = *v.Value
	}
	if from, to := c.MonthRange(); from == 0 || month < from || month > to {
		if v.Deleted {
			return // nothing there to empty
		}
		g, err := c.Grow(month, month)
		if err != nil {
			return
		}
		c = g
		db.cube.Store(c)
	}
	_ = c.Set(i, u, month, x)
}

// ValueSource is what Replay reads: the planwatch store's current values.
type ValueSource interface {
	Values(ctx context.Context, q planwatch.ValueQuery) ([]planwatch.DataValue, error)
}

// Replay shows the store's current monthly values to the cube after Open has
// rebuilt it from segments and its own log, so that values committed through
// Store.Apply survive a restart. Where a key was written both ways, the
// store's current value wins at start-up: bulk segments are for loading,
// corrections go through the store.
func (db *DB) Replay(ctx context.Context, src ValueSource) error {
	values, err := src.Values(ctx, planwatch.ValueQuery{})
	if err != nil {
		return err
	}
	db.Observe(values)
	return nil
}
