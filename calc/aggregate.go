package calc

import (
	"math"
	"sort"
	"sync"
	"time"

	"planwatch"
)

// Figure is a value of an indicator for a unit and period, with how it was
// obtained. OK is false when the figure is missing.
type Figure struct {
	Value    float64
	OK       bool
	Reported bool              // reported for this unit and period, not computed
	Vintage  planwatch.Vintage // least final vintage among the parts
	Units    int               // child units that contributed (roll-ups)
	Expected int               // child units expected to report (roll-ups)
	Partial  bool              // some part is missing or a partial transition had no weight
	// Restated: a value reported for the unit's territory of today for a
	// period before a reform (số liệu tính lại theo địa giới mới).
	Restated bool
	// DerivedFrom lists the former units whose figures make up the part of
	// the period before a change of the unit's territory, when they were used.
	DerivedFrom []string
	// Unweighted lists the former units split among several new ones with no
	// known share: their part of the territory is missing from the figure.
	Unweighted []string
}

// PartOfUnits reports whether the figure is a total of only some of the
// units under it (some missing there or further down): the report and the
// pages say so beside it.
func (f Figure) PartOfUnits() bool { return f.OK && f.Partial && f.Expected > 0 }

func missing() Figure { return Figure{} }

// Value is the figure of an indicator for a unit and period, for the
// territory the unit covers at the end of the period (for a unit formed
// later, the territory it was formed with): from what the unit itself
// reported (combining sub-periods by the aggregation over time, converting
// cumulative figures), else from the units within its territory month by
// month (by the aggregation over units), and across a change of territory
// from the units it was formed of.
func (d *Dataset) Value(indicator, unit string, p planwatch.Period) Figure {
	return d.ValueAsOf(indicator, unit, p, p.End())
}

// ValueAsOf is the figure for the territory the unit covers on day asOf:
// the base of like-for-like comparisons (the same period last year of a
// unit formed by the 2025 reform sums the units it was formed of).
func (d *Dataset) ValueAsOf(indicator, unit string, p planwatch.Period, asOf time.Time) Figure {
	ind, ok := d.Indicators()[indicator]
	if !ok || p.IsZero() {
		return missing()
	}
	return d.territory(&ind, unit, p, asOf, 0)
}

// RebasedValue is the figure of a unit formed by a reform for a period before
// the reform, from the units it was formed of (the new-unit view of history).
func (d *Dataset) RebasedValue(indicator, unit string, p planwatch.Period) Figure {
	ind, ok := d.Indicators()[indicator]
	if !ok {
		return missing()
	}
	var latest time.Time
	for _, tr := range d.Units().Predecessors(unit) {
		if tr.Date.After(latest) {
			latest = tr.Date
		}
	}
	if latest.IsZero() || !p.End().Before(latest) {
		return missing()
	}
	if isComposite(&ind) {
		return d.composite(&ind, unit, p, latest, 0)
	}
	return d.rebase(&ind, unit, p, latest, 0)
}

func (d *Dataset) indicator(code string) *planwatch.Indicator {
	ind := d.Indicators()[code]
	return &ind
}

func days(t time.Time) int32 { return int32(t.Unix() / 86400) }

// memo returns the remembered figure under k, or computes and remembers
// it — unless values changed while it was computed (a figure of the old
// values must not outlive their forgetting).
func (d *Dataset) memo(k figureKey, compute func() Figure) Figure {
	d.memoMu.Lock()
	f, ok := d.figureLocked(k)
	gen := d.forgets
	d.memoMu.Unlock()
	if ok {
		return f
	}
	f = compute()
	d.memoMu.Lock()
	if d.forgets == gen && len(d.figures) < maxMemoFigures {
		d.figures[k] = f
	}
	d.memoMu.Unlock()
	return f
}

// maxMemoFigures bounds the figures an index remembers (about 100 bytes
// each): anyone may ask for any unit and period, and what is remembered
// lives until the values change. Past it, figures are computed and not
// kept. (A variable for the tests.)
var maxMemoFigures = 1 << 22

func keyOf(ind *planwatch.Indicator, unit string, p planwatch.Period, asOf int32) figureKey {
	return figureKey{ind.Code, unit, int16(p.Year), uint8(p.First), uint8(p.Last), asOf}
}

// territory is the figure of the unit's territory on day asOf over the
// months of p. Where that territory changed within (p's start, asOf] —
// transitions into the unit from other units — the months before the change
// come from the units it was formed of (unless a value restated for today's
// territory was reported), the months after from the unit itself.
func (d *Dataset) territory(ind *planwatch.Indicator, unit string, p planwatch.Period, asOf time.Time, depth int) Figure {
	if isComposite(ind) { // derived, or the total of a breakdown (composite.go)
		return d.composite(ind, unit, p, asOf, depth)
	}
	return d.plainTerritory(ind, unit, p, asOf, depth)
}

// plainTerritory is territory for an indicator of its own values.
func (d *Dataset) plainTerritory(ind *planwatch.Indicator, unit string, p planwatch.Period, asOf time.Time, depth int) Figure {
	if depth > 8 {
		return missing()
	}
	// A unit formed after asOf is seen with the territory it was formed with.
	if vs := d.Units().Versions(unit); len(vs) > 0 && asOf.Before(vs[0].ValidFrom) {
		asOf = vs[0].ValidFrom
	}
	change := d.territoryChange(unit, p.Start(), asOf)
	if change.IsZero() {
		return d.reported(ind, unit, p, depth)
	}
	return d.memo(keyOf(ind, unit, p, days(asOf)), func() Figure {
		if ind.UnitAgg == planwatch.UnitRatio {
			if f := d.ownExact(ind, unit, p, true); f.OK {
				return f
			}
			return d.ratio(ind, unit, p, asOf, depth)
		}
		if f := d.ownExact(ind, unit, p, true); f.OK {
			return f // restated for today's territory
		}
		if !p.End().Before(change) { // the change falls within p: split it
			cut := int(change.Month())
			before := periodOf(p.Year, p.First, cut-1)
			after := periodOf(p.Year, cut, p.Last)
			b := d.rebase(ind, unit, before, change, depth+1)
			a := d.territory(ind, unit, after, asOf, depth+1)
			return joinTime(ind, b, a, before.Months(), after.Months())
		}
		return d.rebase(ind, unit, p, change, depth+1)
	})
}

// territoryChange is the latest date in (from, asOf] on which other units
// passed into unit (a transition other than the unit simply continuing
// itself), zero if none.
func (d *Dataset) territoryChange(unit string, from, asOf time.Time) time.Time {
	var at time.Time
	for _, tr := range d.Units().Predecessors(unit) {
		if !tr.Date.After(from) || tr.Date.After(asOf) || (tr.Old == unit && tr.Full) {
			continue
		}
		if tr.Date.After(at) {
			at = tr.Date
		}
	}
	return at
}

// joinTime combines the figures of two consecutive parts of a period by the
// indicator's aggregation over time.
func joinTime(ind *planwatch.Indicator, b, a Figure, nb, na int) Figure {
	switch ind.TimeAgg {
	case planwatch.TimeLast:
		return a // the level at the end
	case planwatch.TimeNone:
		return missing()
	}
	if !a.OK || !b.OK {
		return missing()
	}
	f := Figure{OK: true, Vintage: minVintage(a.Vintage, b.Vintage), Units: a.Units + b.Units, Expected: a.Expected + b.Expected,
		Partial: a.Partial || b.Partial, Restated: b.Restated, DerivedFrom: b.DerivedFrom, Unweighted: b.Unweighted}
	f.Value = a.Value + b.Value
	if ind.TimeAgg == planwatch.TimeAvg {
		f.Value = (a.Value*float64(na) + b.Value*float64(nb)) / float64(na+nb)
	}
	return f
}

// rebase is the figure of the unit's territory just after change, over
// months before it, from the units it was formed of on that date: whole
// predecessors add up; a split predecessor counts with its weight, and
// without one the figure is marked partial.
func (d *Dataset) rebase(ind *planwatch.Indicator, unit string, p planwatch.Period, change time.Time, depth int) Figure {
	if ind.UnitAgg == planwatch.UnitRatio {
		return d.ratio(ind, unit, p, change, depth)
	}
	if f := d.ownExact(ind, unit, p, true); f.OK {
		return f
	}
	if ind.UnitAgg != planwatch.UnitSum && ind.UnitAgg != planwatch.UnitAvg {
		return missing() // rates, indices: never combined over units
	}
	before := change.AddDate(0, 0, -1)
	f := Figure{Vintage: planwatch.Official}
	sum := 0.0
	for _, tr := range d.Units().Predecessors(unit) {
		if !tr.Date.Equal(change) {
			continue
		}
		f.Expected++
		w := 1.0
		if !tr.Full {
			if tr.Weight <= 0 {
				f.Partial = true
				f.Unweighted = append(f.Unweighted, tr.Old)
				continue
			}
			w = tr.Weight
		}
		of := d.territory(ind, tr.Old, p, before, depth+1)
		if !of.OK {
			continue
		}
		sum += w * of.Value
		f.Units++
		f.Vintage = minVintage(f.Vintage, of.Vintage)
		f.Partial = f.Partial || of.Partial
		f.DerivedFrom = append(f.DerivedFrom, tr.Old)
		f.Unweighted = append(f.Unweighted, of.Unweighted...)
	}
	if f.Units == 0 {
		return missing()
	}
	sort.Strings(f.DerivedFrom)
	f.OK, f.Value = true, sum
	f.Partial = f.Partial || f.Units < f.Expected
	if ind.UnitAgg == planwatch.UnitAvg {
		f.Value = sum / float64(f.Units)
	}
	return f
}

// ratio recomputes a ratio indicator from its numerator and denominator for
// the same territory.
func (d *Dataset) ratio(ind *planwatch.Indicator, unit string, p planwatch.Period, asOf time.Time, depth int) Figure {
	num := d.territory(d.indicator(ind.Numerator), unit, p, asOf, depth+1)
	den := d.territory(d.indicator(ind.Denominator), unit, p, asOf, depth+1)
	if !num.OK || !den.OK || den.Value == 0 {
		return missing()
	}
	return Figure{Value: num.Value / den.Value * 100, OK: true, Vintage: minVintage(num.Vintage, den.Vintage),
		Units: num.Units, Expected: num.Expected, Partial: num.Partial || den.Partial,
		Restated: num.Restated, DerivedFrom: num.DerivedFrom, Unweighted: append(num.Unweighted, den.Unweighted...)}
}

// ownExact is the value the unit reported for exactly p's months; with
// restatedOnly, only one restated for today's territory.
func (d *Dataset) ownExact(ind *planwatch.Indicator, unit string, p planwatch.Period, restatedOnly bool) Figure {
	d.mu.RLock()
	e, ok := d.reportedEntry(d.seriesOf(ind.Code, unit), p)
	d.mu.RUnlock()
	if !ok || !e.ok() || (restatedOnly && e.flags&flagRestated == 0) {
		return missing()
	}
	return Figure{Value: e.value, OK: true, Reported: true, Vintage: planwatch.Vintage(e.vintage), Restated: e.flags&flagRestated != 0}
}

// reported is the figure of what was reported within the unit's territory
// as it was in each month of p: the unit's own figures, else the roll-up of
// the units within it.
func (d *Dataset) reported(ind *planwatch.Indicator, unit string, p planwatch.Period, depth int) Figure {
	if depth > 8 || !d.hasYear(ind, p.Year) {
		return missing()
	}
	compute := func() Figure {
		if f := d.ownExact(ind, unit, p, false); f.OK {
			return f
		}
		if ind.UnitAgg == planwatch.UnitRatio {
			return d.ratio(ind, unit, p, p.End(), depth)
		}
		if f := d.ownTime(ind, unit, p); f.OK {
			return f
		}
		return d.rollUp(ind, unit, p, depth)
	}
	if len(d.Units().EverChildren(unit)) == 0 && ind.UnitAgg != planwatch.UnitRatio {
		return d.leaf(ind, unit, p) // a unit's own figures cost less to read than to remember
	}
	return d.memo(keyOf(ind, unit, p, -1), compute)
}

// leaf is reported for a unit with no units under it: its own figures,
// read under one lock.
func (d *Dataset) leaf(ind *planwatch.Indicator, unit string, p planwatch.Period) Figure {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.leafOf(ind, d.seriesOf(ind.Code, unit), p)
}

// leafOf is leaf on the unit's series; the caller holds mu.
func (d *Dataset) leafOf(ind *planwatch.Indicator, s series, p planwatch.Period) Figure {
	if len(s) == 0 {
		return missing()
	}
	if e, ok := d.reportedEntry(s, p); ok && e.ok() {
		return Figure{Value: e.value, OK: true, Reported: true, Vintage: planwatch.Vintage(e.vintage), Restated: e.flags&flagRestated != 0}
	}
	return d.timeOf(ind, s, p)
}

// leafFigures is leafOf for several periods of one series into out (a
// zero period gives a missing figure): each year's entries are found once,
// and a year of disjoint figures (single months, quarters …; the common
// case) is read once into a table from which every period of that year is
// taken, with the figures leafOf gives; other years go through leafOf. The
// caller holds mu.
func (d *Dataset) leafFigures(ind *planwatch.Indicator, s series, ps []planwatch.Period, out []Figure) {
	var buf [16]bool
	done := buf[:0]
	if len(ps) > len(buf) {
		done = make([]bool, len(ps))
	}
	done = done[:len(ps)]
	for i, p := range ps {
		if p.IsZero() || len(s) == 0 {
			out[i] = Figure{}
			done[i] = true
		}
	}
	var t pieces
	// The years asked come latest first (the period, then the years
	// before): each is looked for below the one found before it, so that
	// the series is walked from its end once.
	upto, uptoYear := len(s), math.MaxInt
	for i, p := range ps {
		if done[i] {
			continue
		}
		var ys series
		if p.Year < uptoYear {
			lo, hi := yearBounds(s[:upto], p.Year) // every entry from upto on is of a later year
			ys, upto, uptoYear = s[lo:hi], lo, p.Year
		} else {
			ys = yearEntries(s, p.Year)
		}
		simple := d.readPieces(ys, &t)
		for j := i; j < len(ps); j++ {
			q := ps[j]
			if done[j] || q.Year != p.Year {
				continue
			}
			done[j] = true
			if simple && q.First >= 1 && q.First <= q.Last && q.Last <= 12 {
				out[j] = t.figure(ind, ys, q)
			} else {
				out[j] = d.leafOf(ind, ys, q)
			}
		}
	}
}

// pieces indexes a year's entries that are usable figures of disjoint
// spans of months (none cumulative), by the month each starts and ends
// in (the entry's index + 1; 0: none).
type pieces struct {
	startAt, endAt [13]int16
}

// readPieces fills t from a year's entries and says whether every one of
// them is a usable figure (not cumulative, not only comparisons) and none
// overlaps another: only then do t's figures equal leafOf's.
func (d *Dataset) readPieces(ys series, t *pieces) bool {
	*t = pieces{}
	prev := 0
	for i := range ys {
		e := &ys[i]
		a, b := int(e.first), int(e.last)
		if e.cumulative() || !e.ok() || !d.usable(e) || a <= prev || b < a || b > 12 || i >= math.MaxInt16 {
			return false
		}
		prev = b
		t.startAt[a], t.endAt[b] = int16(i+1), int16(i+1)
	}
	return true
}

// figure is leafOf for p on a year read by readPieces: the figure reported
// for exactly p's months; else by the aggregation over time: a sum of the
// pieces that tile p (sumOverTime's only chain, added in the order of the
// months), the level of the piece ending with p (lastOverTime), the mean
// of p's single months (avgOverTime).
func (t *pieces) figure(ind *planwatch.Indicator, ys series, p planwatch.Period) Figure {
	if k := t.startAt[p.First]; k > 0 && int(ys[k-1].last) == p.Last {
		e := &ys[k-1]
		return Figure{Value: e.value, OK: true, Reported: true, Vintage: planwatch.Vintage(e.vintage), Restated: e.flags&flagRestated != 0}
	}
	switch ind.TimeAgg {
	case planwatch.TimeSum:
		f := Figure{OK: true, Vintage: planwatch.Official}
		for m := p.First; m <= p.Last; {
			k := t.startAt[m]
			if k == 0 || int(ys[k-1].last) > p.Last {
				return Figure{}
			}
			e := &ys[k-1]
			f.Value += e.value
			f.Vintage = minVintage(f.Vintage, planwatch.Vintage(e.vintage))
			m = int(e.last) + 1
		}
		return f
	case planwatch.TimeAvg:
		f := Figure{OK: true, Vintage: planwatch.Official}
		for m := p.First; m <= p.Last; m++ {
			k := t.startAt[m]
			if k == 0 || int(ys[k-1].last) != m {
				return Figure{}
			}
			e := &ys[k-1]
			f.Value += e.value
			f.Vintage = minVintage(f.Vintage, planwatch.Vintage(e.vintage))
		}
		f.Value /= float64(p.Months())
		return f
	case planwatch.TimeLast:
		k := t.endAt[p.Last]
		if k == 0 {
			return Figure{}
		}
		e := &ys[k-1]
		return Figure{Value: e.value, OK: true, Vintage: planwatch.Vintage(e.vintage)}
	}
	return Figure{}
}

func (d *Dataset) hasYear(ind *planwatch.Indicator, year int) bool {
	if ind.UnitAgg == planwatch.UnitRatio {
		return true
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.years[ind.Code][year]
}

// ownTime combines what the unit itself reported, by the aggregation over time.
func (d *Dataset) ownTime(ind *planwatch.Indicator, unit string, p planwatch.Period) Figure {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.timeOf(ind, d.seriesOf(ind.Code, unit), p)
}

// timeOf combines a series' figures over p by the indicator's aggregation
// over time; the caller holds mu.
func (d *Dataset) timeOf(ind *planwatch.Indicator, s series, p planwatch.Period) Figure {
	if len(s) == 0 {
		return missing()
	}
	switch ind.TimeAgg {
	case planwatch.TimeSum:
		return d.sumOverTime(s, p)
	case planwatch.TimeLast:
		return d.lastOverTime(s, p)
	case planwatch.TimeAvg:
		return d.avgOverTime(s, p)
	}
	return missing() // TimeNone: only what was reported for exactly p
}

// yearEntries is the part of a series within one year. It looks from the
// end: the years asked for are mostly the latest, and entries read one
// after another cost far less than a binary search's jumps through an index
// of a gigabyte; far from the end it searches.
func yearEntries(s series, year int) series {
	lo, hi := yearBounds(s, year)
	return s[lo:hi]
}

// yearBounds is where a year's entries are in s: s[lo:hi].
func yearBounds(s series, year int) (lo, hi int) {
	n := len(s)
	if n == 0 {
		return 0, 0
	}
	const walk = 48
	hi = n // after the year's entries
	for hi > 0 && int(s[hi-1].year) > year {
		if hi--; n-hi > walk {
			hi = searchYear(s[:hi], year+1)
			break
		}
	}
	lo = hi // the year's first entry
	for lo > 0 && int(s[lo-1].year) == year {
		if lo--; hi-lo > walk {
			lo = searchYear(s[:lo], year)
			break
		}
	}
	return lo, hi
}

// searchYear is the index of the first entry of year or later.
func searchYear(s series, year int) int {
	lo, hi := 0, len(s)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if int(s[m].year) < year {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// sumOverTime finds the shortest chain of reported figures whose sums and
// differences give the months of p: sub-periods add up; a cumulative figure
// minus an earlier cumulative figure gives the months between. Month
// boundaries run 0..12; a figure spans (from, to].
func (d *Dataset) sumOverTime(s series, p planwatch.Period) Figure {
	ys := yearEntries(s, p.Year)
	if f, ok := d.sumOfMonths(ys, p); ok {
		return f
	}
	start, end := p.First-1, p.Last
	// The edges out of every month boundary, in the order of the entries
	// (forward before backward for one entry), so that the search finds the
	// same chain whatever the layout: a counting sort into one buffer.
	type edge struct {
		to    int8
		sign  int8
		entry int32
	}
	var counts [14]int
	var buf [96]edge
	edges := buf[:0]
	n := 0
	for i := range ys {
		e := &ys[i]
		if e.ok() && d.usable(e) {
			from := int(e.first) - 1
			if e.cumulative() {
				from = 0 // lũy kế: from 1 January
			}
			counts[from+1]++
			counts[int(e.last)+1]++
			n += 2
		}
	}
	if n > len(buf) {
		edges = make([]edge, 0, n)
	}
	edges = edges[:n]
	for b := 1; b < len(counts); b++ {
		counts[b] += counts[b-1]
	}
	var fill [13]int
	copy(fill[:], counts[:13])
	for i := range ys {
		e := &ys[i]
		if !e.ok() || !d.usable(e) {
			continue
		}
		from, to := int(e.first)-1, int(e.last)
		if e.cumulative() {
			from = 0
		}
		edges[fill[from]] = edge{int8(to), 1, int32(i)}
		fill[from]++
		edges[fill[to]] = edge{int8(from), -1, int32(i)}
		fill[to]++
	}
	type step struct {
		value   float64
		vintage planwatch.Vintage
	}
	var best [13]step
	var seen [13]bool
	seen[start] = true
	best[start] = step{vintage: planwatch.Official}
	var bufA, bufB [13]int
	frontier := append(bufA[:0], start)
	next := bufB[:0]
	for len(frontier) > 0 && !seen[end] {
		next = next[:0]
		for _, b := range frontier {
			for _, ed := range edges[counts[b]:counts[b+1]] {
				if seen[ed.to] {
					continue
				}
				e := &ys[ed.entry]
				cur := best[b]
				seen[ed.to] = true
				best[ed.to] = step{value: cur.value + float64(ed.sign)*e.value, vintage: minVintage(cur.vintage, planwatch.Vintage(e.vintage))}
				next = append(next, int(ed.to))
			}
		}
		frontier, next = next, frontier
	}
	if !seen[end] {
		return missing()
	}
	return Figure{Value: best[end].value, OK: true, Vintage: best[end].vintage}
}

// sumOfMonths is sumOverTime for the common year of single months, each
// reported once: the only chain is the months of p one after the other.
// ok false: the year holds other figures (quarters, cumulative spans, a
// month twice), for the general search.
func (d *Dataset) sumOfMonths(ys series, p planwatch.Period) (Figure, bool) {
	f := Figure{OK: true, Vintage: planwatch.Official}
	prev, next := 0, p.First
	for i := range ys {
		e := &ys[i]
		if !e.ok() || !d.usable(e) {
			continue
		}
		m := int(e.first)
		if m != int(e.last) || e.cumulative() || m <= prev {
			return Figure{}, false
		}
		prev = m
		if m < p.First || m > p.Last {
			continue
		}
		if m != next {
			f.OK = false // a month of p is missing
		}
		next = m + 1
		f.Value += e.value
		f.Vintage = minVintage(f.Vintage, planwatch.Vintage(e.vintage))
	}
	if !f.OK || next != p.Last+1 {
		return missing(), true
	}
	return f, true
}

// lastOverTime takes the level at the end of p: a stock reported for any
// period that ends when p ends (the shortest, then the most final).
func (d *Dataset) lastOverTime(s series, p planwatch.Period) Figure {
	var f Figure
	bestLen := 13
	for _, e := range yearEntries(s, p.Year) {
		if !e.ok() || !d.usable(&e) || int(e.last) != p.Last {
			continue
		}
		n := int(e.last) - int(e.first) + 1
		if e.cumulative() {
			n = int(e.last)
		}
		if n < bestLen || (n == bestLen && planwatch.Vintage(e.vintage) > f.Vintage) {
			f = Figure{Value: e.value, OK: true, Vintage: planwatch.Vintage(e.vintage)}
			bestLen = n
		}
	}
	return f
}

// avgOverTime is the mean of the monthly figures of p, all months required.
func (d *Dataset) avgOverTime(s series, p planwatch.Period) Figure {
	ys := yearEntries(s, p.Year)
	sum, n := 0.0, 0
	vin := planwatch.Official
	for m := p.First; m <= p.Last; m++ {
		found := false
		for i := range ys {
			e := &ys[i]
			if e.ok() && d.usable(e) && !e.cumulative() && int(e.first) == m && int(e.last) == m {
				sum += e.value
				vin = minVintage(vin, planwatch.Vintage(e.vintage))
				found = true
				break
			}
		}
		if !found {
			return missing()
		}
		n++
	}
	return Figure{Value: sum / float64(n), OK: true, Vintage: vin}
}

func minVintage(a, b planwatch.Vintage) planwatch.Vintage {
	if a == 0 {
		return b
	}
	if b < a {
		return b
	}
	return a
}

// monthEnd is the last day of a month.
func monthEnd(year, month int) time.Time {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC)
}

// yearParents is where a unit stood at the end of each month of a year:
// its parent, and whether a version of it was in force (a unit that no
// longer exists is judged by its last version, inForce false).
type yearParents struct {
	year    int
	parent  [13]string
	inForce [13]bool
}

// parentAt is the parent of a unit on day t; a unit that no longer exists
// is judged by its last version, so that history stays attached.
func (d *Dataset) parentAt(code string, t time.Time) (string, bool) {
	if u, ok := d.Units().At(code, t); ok {
		return u.Parent, true
	}
	if u, ok := d.Units().Latest(code); ok && !u.ValidTo.IsZero() && !t.Before(u.ValidTo) {
		return u.Parent, false
	}
	return "", false
}

// childPart says which months of p a child counts for under parent: the
// months in which it was in force under parent, and the months of its own
// figures that end while it was under parent (a quarter belongs to the
// parent of the unit that reported it at the quarter's end). atEnd: the
// child is under parent at the end of p, so a missing figure is a gap.
// (rollUpMany first recognises, from the versions, a child that stood under
// parent the whole period.) ys: the child's entries of p's year; the caller
// holds mu.
func (d *Dataset) childPart(ind *planwatch.Indicator, child *node, ys series, parent string, p planwatch.Period) (first, last int, atEnd bool) {
	first, last = 13, 0
	add := func(a, b int) {
		first, last = min(first, a), max(last, b)
	}
	yp := d.yearParentsOf(child, p.Year)
	for m := p.First; m <= p.Last; m++ {
		if yp.parent[m] == parent && yp.inForce[m] {
			add(m, m)
			if m == p.Last {
				atEnd = true
			}
		}
	}
	if first == p.First && last == p.Last {
		return
	}
	for i := range ys {
		e := &ys[i]
		a, b := int(e.first), int(e.last)
		if e.cumulative() {
			a = 1
		}
		if a < p.First || b > p.Last || !e.ok() {
			continue
		}
		if yp.parent[b] == parent {
			add(a, b)
		}
	}
	if last == 0 && ind.TimeAgg != planwatch.TimeLast {
		// A unit that ceased before p, still reporting: its history stays
		// with its last parent.
		if n := len(child.versions); n > 0 && child.versions[n-1].Parent == parent && !child.versions[n-1].ValidTo.IsZero() && !p.Start().Before(child.versions[n-1].ValidTo) {
			return p.First, p.Last, false
		}
	}
	return
}

// rollUp combines the figures of the units within the unit month by month,
// by the aggregation over units: each child counts for the months it was
// under the unit, so a total over a span that crosses a reform adds the
// former units' months and the new units' months.
func (d *Dataset) rollUp(ind *planwatch.Indicator, unit string, p planwatch.Period, depth int) Figure {
	out := make([]Figure, 1)
	d.rollUpMany(ind, unit, []planwatch.Period{p}, depth, out)
	return out[0]
}

// scratch is what a roll-up works in, taken from scratchPool and given
// back: the country's roll-up makes some 50,000 of them, and made anew they
// cost more than the additions.
type scratch struct {
	sums         []float64
	parts, batch []planwatch.Period
	atEnds       []bool
	figs, out    []Figure
	starts, ends []time.Time
	startSecs    []int64
	endSecs      []int64
	todo         []int
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// sized is s with length n, cleared.
func sized[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// rollUpMany is rollUp for several periods at once, into out (one figure
// per period): each child is visited once for all of them (the national
// roll-up of a status row asks for a dozen periods of the same indicator).
func (d *Dataset) rollUpMany(ind *planwatch.Indicator, unit string, ps []planwatch.Period, depth int, out []Figure) {
	clear(out)
	if ind.UnitAgg != planwatch.UnitSum && ind.UnitAgg != planwatch.UnitAvg {
		return // rates, indices: never summed or averaged over units
	}
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	n := len(ps)
	sc.sums, sc.parts, sc.atEnds, sc.figs = sized(sc.sums, n), sized(sc.parts, n), sized(sc.atEnds, n), sized(sc.figs, n)
	sc.starts, sc.ends = sized(sc.starts, n), sized(sc.ends, n)
	sc.startSecs, sc.endSecs = sized(sc.startSecs, n), sized(sc.endSecs, n)
	sums, parts, atEnds, figs, starts, ends := sc.sums, sc.parts, sc.atEnds, sc.figs, sc.starts, sc.ends
	startSecs, endSecs := sc.startSecs, sc.endSecs
	for i := range out {
		out[i].Vintage = planwatch.Official
	}
	for i, p := range ps {
		starts[i], ends[i] = p.Start(), p.End()
		startSecs[i], endSecs[i] = starts[i].Unix(), ends[i].Unix()
	}
	// The read lock is held across the children, so that the communes
	// under a unit cost no locking each; it is let go around whatever takes
	// locks of its own (a unit with units under it).
	d.mu.RLock()
	locked := true
	relock := func() {
		if !locked {
			d.mu.RLock()
			locked = true
		}
	}
	unlock := func() {
		if locked {
			d.mu.RUnlock()
			locked = false
		}
	}
	defer unlock()
	us := d.values[ind.Code] // the indicator's series by unit id
	for _, cn := range d.nodeOf(unit).kids {
		c, vs := cn.code, cn.versions
		relock()
		cs := d.nodeSeries(us, cn)
		if len(cs) == 0 && !cn.leaf {
			unlock() // held reads the units under it
		}
		if !d.held(ind, cn, cs, depth) {
			// Nothing of the indicator was ever reported within it: it is only
			// counted as expected where it stood under the unit at the end.
			for i := range ps {
				for _, v := range vs {
					if v.Parent == unit && v.ValidAt(ends[i]) {
						out[i].Expected++
						break
					}
				}
			}
			continue
		}
		relock()
		any := false
		ys, year := series(nil), -1 // the child's entries of one year, sliced once per year
		yearOf := func(y int) series {
			if y != year {
				ys, year = yearEntries(cs, y), y
			}
			return ys
		}
		for i, p := range ps {
			var first, last int
			var atEnd, whole bool
			for k := range cn.spans { // most units stood under one parent the whole period
				if cn.spans[k].under(unit, startSecs[i], endSecs[i]) {
					first, last, atEnd, whole = p.First, p.Last, true, true
					break
				}
			}
			if cn.spans == nil {
				for _, v := range vs {
					if v.Parent == unit && !starts[i].Before(v.ValidFrom) && (v.ValidTo.IsZero() || ends[i].Before(v.ValidTo)) {
						first, last, atEnd, whole = p.First, p.Last, true, true
						break
					}
				}
			}
			if !whole && cn.mayCount(unit, starts[i], ends[i], startSecs[i], endSecs[i]) {
				first, last, atEnd = d.childPart(ind, cn, yearOf(p.Year), unit, p)
			}
			if ind.TimeAgg == planwatch.TimeLast {
				// A level is the sum of the levels of the units under the unit at the end.
				yp := d.yearParentsOf(cn, p.Year)
				par, inForce := yp.parent[p.Last], yp.inForce[p.Last]
				if par != unit || (!inForce && !d.hasData(ind, c, p)) {
					last = 0
				} else {
					first, last, atEnd = p.First, p.Last, inForce
				}
			}
			parts[i], atEnds[i] = planwatch.Period{}, atEnd
			if last == 0 {
				continue
			}
			any = true
			parts[i] = p
			if first != p.First || last != p.Last {
				parts[i] = periodOf(p.Year, first, last)
			}
		}
		if !any {
			continue
		}
		if len(vs) > 0 && cn.leaf && ind.UnitAgg != planwatch.UnitRatio {
			d.leafFigures(ind, cs, parts, figs) // a leaf: its own figures, nothing to remember
		} else {
			unlock()
			d.reportedMany(ind, c, parts, depth+1, figs)
		}
		for i, cf := range figs {
			if parts[i].IsZero() {
				continue
			}
			f := &out[i]
			if atEnds[i] || cf.OK {
				f.Expected++
			}
			if !cf.OK {
				continue
			}
			sums[i] += cf.Value
			f.Units++
			f.Vintage = minVintage(f.Vintage, cf.Vintage)
			f.Partial = f.Partial || cf.Partial
		}
	}
	unlock()
	for i := range out {
		f := &out[i]
		if f.Units == 0 {
			*f = missing()
			continue
		}
		f.OK = true
		f.Partial = f.Partial || f.Units < f.Expected
		f.Value = sums[i]
		if ind.UnitAgg == planwatch.UnitAvg {
			f.Value = sums[i] / float64(f.Units)
		}
	}
}

// reportedMany is reported for several periods, into out (zero periods
// give missing figures): a leaf's own figures under one lock; a unit
// without figures of its own rolled up for all the periods not yet
// remembered at once.
func (d *Dataset) reportedMany(ind *planwatch.Indicator, unit string, ps []planwatch.Period, depth int, out []Figure) {
	clear(out)
	if len(d.Units().EverChildren(unit)) == 0 && ind.UnitAgg != planwatch.UnitRatio {
		d.mu.RLock()
		d.leafFigures(ind, d.seriesOf(ind.Code, unit), ps, out)
		d.mu.RUnlock()
		return
	}
	d.mu.RLock()
	own := len(d.seriesOf(ind.Code, unit)) > 0
	d.mu.RUnlock()
	// The figures of the units two levels or more below the unit asked for
	// are not remembered: the country's roll-up would otherwise fill the
	// memo with every district's, each asked once (issue 12).
	remember := depth < 2
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	todo := sc.todo[:0]
	for i, p := range ps {
		if p.IsZero() {
			continue
		}
		if own || ind.UnitAgg == planwatch.UnitRatio || depth > 8 || !d.hasYear(ind, p.Year) {
			out[i] = d.reported(ind, unit, p, depth)
			continue
		}
		if !remember {
			todo = append(todo, i)
			continue
		}
		d.memoMu.Lock()
		f, ok := d.figureLocked(keyOf(ind, unit, p, -1))
		d.memoMu.Unlock()
		if ok {
			out[i] = f
			continue
		}
		todo = append(todo, i)
	}
	sc.todo = todo
	if len(todo) == 0 {
		return
	}
	sc.batch, sc.out = sized(sc.batch, len(todo)), sized(sc.out, len(todo))
	batch, figs := sc.batch, sc.out
	for k, i := range todo {
		batch[k] = ps[i]
	}
	d.memoMu.Lock()
	gen := d.forgets
	d.memoMu.Unlock()
	d.rollUpMany(ind, unit, batch, depth, figs)
	if !remember {
		for k, i := range todo {
			out[i] = figs[k]
		}
		return
	}
	d.memoMu.Lock()
	for k, i := range todo {
		out[i] = figs[k]
		if d.forgets == gen && len(d.figures) < maxMemoFigures {
			d.figures[keyOf(ind, unit, ps[i], -1)] = figs[k]
		}
	}
	d.memoMu.Unlock()
}

// hasData says whether the unit or any unit that was ever under it has a
// value of the indicator in p's year.
// The caller holds mu.
func (d *Dataset) hasData(ind *planwatch.Indicator, unit string, p planwatch.Period) bool {
	if len(yearEntries(d.seriesOf(ind.Code, unit), p.Year)) > 0 {
		return true
	}
	for _, c := range d.Units().EverChildren(unit) {
		if d.hasData(ind, c, p) {
			return true
		}
	}
	return false
}

var _ = math.NaN

// mayCount says whether a unit with these versions can count under parent
// for a period from start to end: a version under parent overlaps it, or
// the unit had ceased before it with parent as its last parent (its late
// figures stay there). Otherwise childPart would find nothing.
func mayCount(vs []planwatch.OrgUnit, parent string, start, end time.Time) bool {
	for _, v := range vs {
		if v.Parent == parent && !v.ValidFrom.After(end) && (v.ValidTo.IsZero() || v.ValidTo.After(start)) {
			return true
		}
	}
	if n := len(vs); n > 0 {
		last := vs[n-1]
		return last.Parent == parent && !last.ValidTo.IsZero() && !start.Before(last.ValidTo)
	}
	return false
}

// mayCount is mayCount for a node: on its spans when it has them (start
// and end also in seconds), else on its versions.
func (n *node) mayCount(parent string, start, end time.Time, startSec, endSec int64) bool {
	if n.spans == nil {
		return mayCount(n.versions, parent, start, end)
	}
	for k := range n.spans {
		sp := &n.spans[k]
		if sp.from <= endSec && sp.to > startSec && sp.parent == parent {
			return true
		}
	}
	if k := len(n.spans); k > 0 {
		last := &n.spans[k-1]
		return last.parent == parent && last.to != math.MaxInt64 && startSec >= last.to
	}
	return false
}
