package calc

import (
	"context"

	"planwatch"
)

// The catalogue is managed in the product (issue 13): an indicator added,
// changed or retired while the index runs must reach it without a restart.

// reloadIndicators reads the store's indicators again and, when they differ
// from the index's, puts in a new map (one already handed out stays as it
// was) and forgets the figures of the indicators that changed and of those
// computed from them.
func (d *Dataset) reloadIndicators(ctx context.Context, s planwatch.CatalogStore) error {
	inds, err := s.Indicators(ctx)
	if err != nil {
		return err
	}
	changed := map[string]bool{}
	next := make(map[string]planwatch.Indicator, len(inds))
	for _, ind := range inds {
		next[ind.Code] = ind
		if old, ok := d.Indicators()[ind.Code]; !ok || old != ind {
			changed[ind.Code] = true
		}
	}
	for code := range d.Indicators() {
		if _, ok := next[code]; !ok {
			changed[code] = true
		}
	}
	if len(changed) == 0 {
		return nil
	}
	d.memoMu.Lock()
	d.inds.Store(&next)
	d.parts, d.partsFor = nil, 0
	d.memoMu.Unlock()
	d.forget(changed)
	return nil
}
