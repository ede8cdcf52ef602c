// Package calc computes where indicators stand: roll-ups over time and over the
// administrative hierarchy by each indicator's rules, % of plan, growth against
// the same period last year, change against 31 December, pace against the
// expected share of the year (linear or seasonal), year-end projection, status,
// ranking of child units and completeness. It is pure: callers load a Dataset
// from a store and ask questions of it. Missing data is reported as missing,
// never treated as zero.
package calc

import (
	"context"
	"sync"
	"time"

	"planwatch"
)

// Dataset is the in-memory material for analytics: the catalogue, the units,
// and the current values, targets and milestones.
type Dataset struct {
	Indicators map[string]planwatch.Indicator
	Units      *planwatch.Hierarchy

	values     map[string]map[string][]planwatch.DataValue // indicator → unit → current values
	targets    map[targetKey]planwatch.Target
	milestones []planwatch.Milestone

	// Memos of computed figures and of the children through which an
	// indicator's data reach a unit at a date; cleared by AddValue. A Dataset
	// is safe for concurrent readers.
	mu       sync.Mutex
	figures  map[figureKey]Figure
	children map[childrenKey]map[string][]string // per indicator and day: unit → children with data
	years    map[string]map[int]bool             // indicator → years with any value
}

type figureKey struct {
	indicator, unit string
	period          planwatch.Period
}

type childrenKey struct {
	indicator string
	at        time.Time
}

// reset forgets every memo.
func (d *Dataset) reset() {
	d.mu.Lock()
	d.figures = map[figureKey]Figure{}
	d.children = map[childrenKey]map[string][]string{}
	d.mu.Unlock()
}

type targetKey struct {
	indicator, unit string
	year            int
	kind            planwatch.TargetKind
}

// NewDataset indexes current values, targets and milestones.
func NewDataset(inds []planwatch.Indicator, units *planwatch.Hierarchy, values []planwatch.DataValue, targets []planwatch.Target, milestones []planwatch.Milestone) *Dataset {
	d := &Dataset{
		Indicators: make(map[string]planwatch.Indicator, len(inds)),
		Units:      units,
		values:     map[string]map[string][]planwatch.DataValue{},
		years:      map[string]map[int]bool{},
		targets:    map[targetKey]planwatch.Target{},
		milestones: milestones,
	}
	d.reset()
	for _, ind := range inds {
		d.Indicators[ind.Code] = ind
	}
	for _, v := range values {
		d.AddValue(v)
	}
	for _, t := range targets {
		k := targetKey{t.Indicator, t.Unit, t.Year, t.Kind}
		if old, ok := d.targets[k]; !ok || t.Version >= old.Version {
			d.targets[k] = t
		}
	}
	return d
}

// AddValue adds a current value (replacing the value of the same key and basis).
// It is not safe to call while other goroutines read the dataset.
func (d *Dataset) AddValue(v planwatch.DataValue) {
	if len(d.figures) > 0 {
		d.reset()
	}
	if d.years[v.Indicator] == nil {
		d.years[v.Indicator] = map[int]bool{}
	}
	d.years[v.Indicator][v.Period.Year] = true
	byUnit := d.values[v.Indicator]
	if byUnit == nil {
		byUnit = map[string][]planwatch.DataValue{}
		d.values[v.Indicator] = byUnit
	}
	vs := byUnit[v.Unit]
	for i := range vs {
		if vs[i].Period == v.Period && vs[i].Basis == v.Basis {
			vs[i] = v
			return
		}
	}
	byUnit[v.Unit] = append(vs, v)
}

// Reported returns the value reported for exactly these months (period basis,
// or cumulative basis when p starts in January), if any.
func (d *Dataset) Reported(indicator, unit string, p planwatch.Period) (planwatch.DataValue, bool) {
	var found planwatch.DataValue
	ok := false
	for _, v := range d.values[indicator][unit] {
		covers := v.Period.SameMonths(p) && v.Basis == planwatch.BasisPeriod
		covers = covers || (v.Basis == planwatch.BasisCumulative && p.First == 1 && v.Period.Year == p.Year && v.Period.Last == p.Last)
		if covers && (!ok || v.Vintage > found.Vintage) {
			found, ok = v, true
		}
	}
	return found, ok
}

// Target returns the current target of an indicator for a unit and year.
func (d *Dataset) Target(indicator, unit string, year int, kind planwatch.TargetKind) (planwatch.Target, bool) {
	t, ok := d.targets[targetKey{indicator, unit, year, kind}]
	return t, ok
}

// Milestones returns the milestones of a unit and year.
func (d *Dataset) Milestones(indicator, unit string, year int) []planwatch.Milestone {
	var out []planwatch.Milestone
	for _, m := range d.milestones {
		if m.Indicator == indicator && m.Unit == unit && m.Period.Year == year {
			out = append(out, m)
		}
	}
	return out
}

// unitsWithData lists the units that have any value of the indicator.
func (d *Dataset) unitsWithData(indicator string) map[string][]planwatch.DataValue {
	return d.values[indicator]
}

// Source is what Load needs of a store.
type Source interface {
	planwatch.CatalogStore
	Values(ctx context.Context, q planwatch.ValueQuery) ([]planwatch.DataValue, error)
	Targets(ctx context.Context, q planwatch.TargetQuery) ([]planwatch.Target, error)
	Milestones(ctx context.Context, unit string, year int) ([]planwatch.Milestone, error)
}

// Load reads the catalogue, units, current values, targets and milestones
// from a store. approvedOnly leaves out values not yet approved.
func Load(ctx context.Context, s Source, approvedOnly bool) (*Dataset, error) {
	inds, err := s.Indicators(ctx)
	if err != nil {
		return nil, err
	}
	units, err := s.OrgUnits(ctx)
	if err != nil {
		return nil, err
	}
	trans, err := s.Transitions(ctx)
	if err != nil {
		return nil, err
	}
	vals, err := s.Values(ctx, planwatch.ValueQuery{ApprovedOnly: approvedOnly})
	if err != nil {
		return nil, err
	}
	if vals, err = approved(ctx, s, vals, approvedOnly); err != nil {
		return nil, err
	}
	targets, err := s.Targets(ctx, planwatch.TargetQuery{})
	if err != nil {
		return nil, err
	}
	ms, err := s.Milestones(ctx, "", 0)
	if err != nil {
		return nil, err
	}
	return NewDataset(inds, planwatch.NewHierarchy(units, trans), vals, targets, ms), nil
}

// Series names the values of one indicator for one unit.
type Series struct{ Indicator, Unit string }

// Patch returns a dataset in which the current values of the given series are
// replaced by fresh (values of other series in fresh are ignored). The
// receiver is not changed and stays usable. Memoised figures of indicators
// that cannot depend on the replaced series are carried over, so the next
// questions cost only what changed.
func (d *Dataset) Patch(replace map[Series]bool, fresh []planwatch.DataValue) *Dataset {
	touched := map[string]bool{}
	for s := range replace {
		touched[s.Indicator] = true
	}
	// Ratio indicators recompute from their parts: they change with them.
	for code, ind := range d.Indicators {
		if touched[ind.Numerator] || touched[ind.Denominator] {
			touched[code] = true
		}
	}
	nd := &Dataset{
		Indicators: d.Indicators,
		Units:      d.Units,
		values:     make(map[string]map[string][]planwatch.DataValue, len(d.values)),
		targets:    d.targets,
		milestones: d.milestones,
		years:      make(map[string]map[int]bool, len(d.years)),
	}
	for code, byUnit := range d.values {
		nd.values[code] = byUnit
		nd.years[code] = d.years[code]
	}
	for code := range touched {
		byUnit := make(map[string][]planwatch.DataValue, len(d.values[code]))
		for unit, vs := range d.values[code] {
			if !replace[Series{code, unit}] {
				byUnit[unit] = vs
			}
		}
		nd.values[code] = byUnit
	}
	for _, v := range fresh {
		if replace[Series{v.Indicator, v.Unit}] {
			nd.values[v.Indicator][v.Unit] = append(nd.values[v.Indicator][v.Unit], v)
		}
	}
	for code := range touched {
		years := map[int]bool{}
		for _, vs := range nd.values[code] {
			for _, v := range vs {
				years[v.Period.Year] = true
			}
		}
		nd.years[code] = years
	}
	nd.reset()
	d.mu.Lock()
	for k, f := range d.figures {
		if !touched[k.indicator] {
			nd.figures[k] = f
		}
	}
	for k, idx := range d.children {
		if !touched[k.indicator] {
			nd.children[k] = idx
		}
	}
	d.mu.Unlock()
	return nd
}
