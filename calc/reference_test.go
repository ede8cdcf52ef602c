package calc

// The rules of the engine before the one index (issue 12), kept only as an
// independent reference for the differential test: the old calc.Dataset
// over []planwatch.DataValue, unchanged but for names. Spans that cross the
// 2025 reform are judged by the reform table tests instead.

import (
	"sort"
	"sync"
	"time"

	"planwatch"
)

// refDataset is the in-memory material for analytics: the catalogue, the units,
// and the current values, targets and milestones.
type refDataset struct {
	Indicators map[string]planwatch.Indicator
	Units      *planwatch.Hierarchy

	values     map[string]map[string][]planwatch.DataValue // indicator → unit → current values
	targets    map[refTargetKey]planwatch.Target
	milestones []planwatch.Milestone

	// Memos of computed figures and of the children through which an
	// indicator's data reach a unit at a date; cleared by AddValue. A refDataset
	// is safe for concurrent readers.
	mu       sync.Mutex
	figures  map[refFigureKey]Figure
	children map[refChildrenKey]map[string][]string // per indicator and day: unit → children with data
	years    map[string]map[int]bool                // indicator → years with any value
}

type refFigureKey struct {
	indicator, unit string
	period          planwatch.Period
}

type refChildrenKey struct {
	indicator string
	at        time.Time
}

// reset forgets every memo.
func (d *refDataset) reset() {
	d.mu.Lock()
	d.figures = map[refFigureKey]Figure{}
	d.children = map[refChildrenKey]map[string][]string{}
	d.mu.Unlock()
}

type refTargetKey struct {
	indicator, unit string
	year            int
	kind            planwatch.TargetKind
}

// NewrefDataset indexes current values, targets and milestones.
func newRefDataset(inds []planwatch.Indicator, units *planwatch.Hierarchy, values []planwatch.DataValue, targets []planwatch.Target, milestones []planwatch.Milestone) *refDataset {
	d := &refDataset{
		Indicators: make(map[string]planwatch.Indicator, len(inds)),
		Units:      units,
		values:     map[string]map[string][]planwatch.DataValue{},
		years:      map[string]map[int]bool{},
		targets:    map[refTargetKey]planwatch.Target{},
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
		k := refTargetKey{t.Indicator, t.Unit, t.Year, t.Kind}
		if old, ok := d.targets[k]; !ok || t.Version >= old.Version {
			d.targets[k] = t
		}
	}
	return d
}

// AddValue adds a current value (replacing the value of the same key and basis).
// It is not safe to call while other goroutines read the dataset.
func (d *refDataset) AddValue(v planwatch.DataValue) {
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
func (d *refDataset) Reported(indicator, unit string, p planwatch.Period) (planwatch.DataValue, bool) {
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

// Value is the figure of an indicator for a unit and period, rolled up by the
// indicator's rules: first from what the unit itself reported (combining
// sub-periods by the aggregation over time, converting cumulative figures),
// then from its child units (by the aggregation over units), then, for a unit
// created by a reform, from the units it was formed of.
func (d *refDataset) Value(indicator, unit string, p planwatch.Period) Figure {
	ind, ok := d.Indicators[indicator]
	if !ok {
		return missing()
	}
	return d.value(&ind, unit, p, 0)
}

func (d *refDataset) value(ind *planwatch.Indicator, unit string, p planwatch.Period, depth int) Figure {
	if depth > 6 || (!d.years[ind.Code][p.Year] && ind.UnitAgg != planwatch.UnitRatio) {
		return missing()
	}
	k := refFigureKey{ind.Code, unit, p}
	d.mu.Lock()
	f, ok := d.figures[k]
	d.mu.Unlock()
	if ok {
		return f
	}
	f = d.compute(ind, unit, p, depth)
	d.mu.Lock()
	d.figures[k] = f
	d.mu.Unlock()
	return f
}

func (d *refDataset) compute(ind *planwatch.Indicator, unit string, p planwatch.Period, depth int) Figure {
	if f := d.timeValue(ind, unit, p); f.OK {
		return f
	}
	if ind.UnitAgg == planwatch.UnitRatio {
		num := d.value(d.indicator(ind.Numerator), unit, p, depth+1)
		den := d.value(d.indicator(ind.Denominator), unit, p, depth+1)
		if !num.OK || !den.OK || den.Value == 0 {
			return missing()
		}
		return Figure{Value: num.Value / den.Value * 100, OK: true, Vintage: minVintage(num.Vintage, den.Vintage),
			Units: num.Units, Expected: num.Expected, Partial: num.Partial || den.Partial}
	}
	if f := d.rollUp(ind, unit, p, depth); f.OK {
		return f
	}
	if d.Units != nil {
		if _, existed := d.Units.At(unit, p.End()); existed {
			return missing() // the code named a unit then: its own figures are all there is
		}
	}
	return d.rebase(ind, unit, p, depth)
}

func (d *refDataset) indicator(code string) *planwatch.Indicator {
	ind := d.Indicators[code]
	return &ind
}

// timeValue combines what the unit itself reported, by the aggregation over time.
func (d *refDataset) timeValue(ind *planwatch.Indicator, unit string, p planwatch.Period) Figure {
	vals := d.values[ind.Code][unit]
	if len(vals) == 0 {
		return missing()
	}
	if v, ok := d.Reported(ind.Code, unit, p); ok && v.Value != nil {
		return Figure{Value: *v.Value, OK: true, Reported: true, Vintage: v.Vintage}
	}
	switch ind.TimeAgg {
	case planwatch.TimeSum:
		return refSumOverTime(vals, p)
	case planwatch.TimeLast:
		return refLastOverTime(vals, p)
	case planwatch.TimeAvg:
		return refAvgOverTime(vals, p)
	}
	return missing() // TimeNone: only what was reported for exactly p
}

// refSpan is a reported figure as an interval of months (first, last] in
// boundary terms: from boundary first-1 to boundary last.
type refSpan struct {
	from, to int
	value    float64
	vintage  planwatch.Vintage
}

func refSpans(vals []planwatch.DataValue, year int) []refSpan {
	var out []refSpan
	for _, v := range vals {
		if v.Value == nil || v.Period.Year != year {
			continue
		}
		from := v.Period.First - 1
		if v.Basis == planwatch.BasisCumulative {
			from = 0 // lũy kế: from 1 January
		}
		out = append(out, refSpan{from, v.Period.Last, *v.Value, v.Vintage})
	}
	return out
}

// sumOverTime finds the shortest chain of reported figures whose sums and
// differences give the months of p: sub-periods add up; a cumulative figure
// minus an earlier cumulative figure gives the months between them.
func refSumOverTime(vals []planwatch.DataValue, p planwatch.Period) Figure {
	sp := refSpans(vals, p.Year)
	start, end := p.First-1, p.Last
	type step struct {
		prev    int
		value   float64
		vintage planwatch.Vintage
	}
	// Breadth-first search over month boundaries 0..12.
	best := map[int]step{start: {prev: -1, vintage: planwatch.Official}}
	frontier := []int{start}
	for len(frontier) > 0 {
		if _, done := best[end]; done {
			break
		}
		var next []int
		for _, b := range frontier {
			for _, s := range sp {
				for _, dir := range []struct {
					from, to int
					sign     float64
				}{{s.from, s.to, 1}, {s.to, s.from, -1}} {
					if dir.from != b {
						continue
					}
					if _, seen := best[dir.to]; seen {
						continue
					}
					cur := best[b]
					best[dir.to] = step{prev: b, value: cur.value + dir.sign*s.value, vintage: minVintage(cur.vintage, s.vintage)}
					next = append(next, dir.to)
				}
			}
		}
		frontier = next
	}
	st, ok := best[end]
	if !ok {
		return missing()
	}
	return Figure{Value: st.value, OK: true, Vintage: st.vintage}
}

// lastOverTime takes the level at the end of p: a stock reported for any
// period that ends when p ends.
func refLastOverTime(vals []planwatch.DataValue, p planwatch.Period) Figure {
	var f Figure
	bestLen := 13
	for _, v := range vals {
		if v.Value == nil || v.Period.Year != p.Year || v.Period.Last != p.Last {
			continue
		}
		n := v.Period.Months()
		if n < bestLen || (n == bestLen && v.Vintage > f.Vintage) {
			f = Figure{Value: *v.Value, OK: true, Vintage: v.Vintage}
			bestLen = n
		}
	}
	return f
}

// avgOverTime is the mean of the monthly figures of p, all months required.
func refAvgOverTime(vals []planwatch.DataValue, p planwatch.Period) Figure {
	sum, n := 0.0, 0
	vin := planwatch.Official
	for m := p.First; m <= p.Last; m++ {
		v, ok := refFindMonth(vals, p.Year, m)
		if !ok {
			return missing()
		}
		sum += *v.Value
		vin = minVintage(vin, v.Vintage)
		n++
	}
	return Figure{Value: sum / float64(n), OK: true, Vintage: vin}
}

func refFindMonth(vals []planwatch.DataValue, year, month int) (planwatch.DataValue, bool) {
	for _, v := range vals {
		if v.Value != nil && v.Period.Type == planwatch.Month && v.Period.Year == year && v.Period.First == month {
			return v, true
		}
	}
	return planwatch.DataValue{}, false
}

// parentAt is the parent of a unit on day t; a unit that no longer exists is
// judged by its last version, so that history stays attached.
func (d *refDataset) parentAt(code string, t time.Time) string {
	if u, ok := d.Units.At(code, t); ok {
		return u.Parent
	}
	if u, ok := d.Units.Latest(code); ok {
		return u.Parent
	}
	return ""
}

// childOnPath returns the child of anc through which unit descends from it.
func (d *refDataset) childOnPath(anc, unit string, t time.Time) (string, bool) {
	cur := unit
	for range 5 {
		parent := d.parentAt(cur, t)
		if parent == "" {
			return "", false
		}
		if parent == anc {
			return cur, true
		}
		cur = parent
	}
	return "", false
}

// childrenWithData lists the children of unit on day t through which units
// holding figures of the indicator descend from it. The index for an
// indicator and day is built once, walking up from every unit with data.
func (d *refDataset) childrenWithData(indicator, unit string, t time.Time) []string {
	k := refChildrenKey{indicator, t}
	d.mu.Lock()
	idx, ok := d.children[k]
	d.mu.Unlock()
	if !ok {
		idx = map[string][]string{}
		seen := map[[2]string]bool{}
		for u := range d.values[indicator] {
			child := u
			for range 5 {
				parent := d.parentAt(child, t)
				if parent == "" {
					break
				}
				if pc := [2]string{parent, child}; !seen[pc] {
					seen[pc] = true
					idx[parent] = append(idx[parent], child)
				}
				child = parent
			}
		}
		for _, cs := range idx {
			sort.Strings(cs) // a fixed order: sums come out the same every time
		}
		d.mu.Lock()
		d.children[k] = idx
		d.mu.Unlock()
	}
	return idx[unit]
}

// rollUp combines the figures of the unit's children by the aggregation over units.
func (d *refDataset) rollUp(ind *planwatch.Indicator, unit string, p planwatch.Period, depth int) Figure {
	if ind.UnitAgg != planwatch.UnitSum && ind.UnitAgg != planwatch.UnitAvg {
		return missing() // rates, indices: never summed or averaged over units
	}
	t := p.End()
	children := d.childrenWithData(ind.Code, unit, t)
	if len(children) == 0 {
		return missing()
	}
	expected := map[string]bool{}
	if d.Units != nil {
		for _, c := range d.Units.ChildrenAt(unit, t) {
			expected[c] = true
		}
	}
	for _, c := range children {
		expected[c] = true
	}
	f := Figure{OK: false, Vintage: planwatch.Official, Expected: len(expected)}
	sum := 0.0
	for _, c := range children {
		cf := d.value(ind, c, p, depth+1)
		if !cf.OK {
			continue
		}
		sum += cf.Value
		f.Units++
		f.Vintage = minVintage(f.Vintage, cf.Vintage)
		f.Partial = f.Partial || cf.Partial
	}
	if f.Units == 0 {
		return missing()
	}
	f.OK = true
	f.Partial = f.Partial || f.Units < f.Expected
	f.Value = sum
	if ind.UnitAgg == planwatch.UnitAvg {
		f.Value = sum / float64(f.Units)
	}
	return f
}

// rebase gives a unit created by a reform its history from the units it was
// formed of: whole predecessors add up; a split predecessor counts with its
// weight, and without one the figure is marked partial.
func (d *refDataset) rebase(ind *planwatch.Indicator, unit string, p planwatch.Period, depth int) Figure {
	if d.Units == nil {
		return missing()
	}
	preds := d.Units.Predecessors(unit)
	if len(preds) == 0 || !p.End().Before(preds[0].Date) {
		return missing()
	}
	if ind.UnitAgg != planwatch.UnitSum && ind.UnitAgg != planwatch.UnitAvg {
		return missing()
	}
	f := Figure{Vintage: planwatch.Official, Expected: len(preds)}
	sum := 0.0
	for _, tr := range preds {
		if tr.Old == unit {
			// The same code before the reform names the old unit.
			if old := d.timeValue(ind, unit, p); old.OK {
				sum += old.Value
				f.Units++
				f.Vintage = minVintage(f.Vintage, old.Vintage)
			} else if old := d.rollUp(ind, unit, p, depth); old.OK {
				sum += old.Value
				f.Units++
			}
			continue
		}
		of := d.timeValue(ind, tr.Old, p)
		if !of.OK {
			of = d.rollUp(ind, tr.Old, p, depth+1) // one reform at a time: no rebasing of predecessors
		}
		if !of.OK {
			continue
		}
		w := 1.0
		if !tr.Full {
			if tr.Weight <= 0 {
				f.Partial = true
				continue
			}
			w = tr.Weight
		}
		sum += w * of.Value
		f.Units++
		f.Vintage = minVintage(f.Vintage, of.Vintage)
	}
	if f.Units == 0 {
		return missing()
	}
	f.OK, f.Value = true, sum
	f.Partial = f.Partial || f.Units < f.Expected
	if ind.UnitAgg == planwatch.UnitAvg {
		f.Value = sum / float64(f.Units)
	}
	return f
}
