package calc

import (
	"context"

	"planwatch"
)

// ReloadCatalogue reads the store's indicators again, after the catalogue
// changed (an indicator added or edited, a breakdown attached and its
// sub-indicators created): figures are computed afresh with the new
// settings. The indicator map is replaced, never changed in place, so a
// reader still holding the old one reads a consistent catalogue.
func (l *Live) ReloadCatalogue(ctx context.Context) error {
	if l.src == nil {
		return nil
	}
	inds, err := l.src.Indicators(ctx)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ds.replaceIndicators(inds)
	l.version.Add(1)
	return nil
}

func (d *Dataset) replaceIndicators(inds []planwatch.Indicator) {
	m := make(map[string]planwatch.Indicator, len(inds))
	for _, ind := range inds {
		m[ind.Code] = ind
	}
	d.memoMu.Lock()
	defer d.memoMu.Unlock()
	d.Indicators = m
	d.forgets++
	clear(d.figures)
	d.heldBy, d.parts, d.partsFor = nil, nil, 0
}

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
		if old, ok := d.Indicators[ind.Code]; !ok || old != ind {
			changed[ind.Code] = true
		}
	}
	for code := range d.Indicators {
		if _, ok := next[code]; !ok {
			changed[code] = true
		}
	}
	if len(changed) == 0 {
		return nil
	}
	d.memoMu.Lock()
	d.Indicators = next
	d.parts, d.partsFor = nil, 0
	d.memoMu.Unlock()
	d.forget(changed)
	return nil
}
