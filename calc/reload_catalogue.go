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
	clear(d.figures)
	d.heldBy, d.parts, d.partsFor = nil, nil, 0
}
