package cube

import (
	"planwatch"
)

// ReportRow is one row of a period report per province × indicator.
// Numbers are Null when undefined (no data, or a zero or missing denominator).
type ReportRow struct {
	Province  string
	Indicator string
	Cur       float64 // aggregate over the period
	Prev      float64 // same period of the previous year
	YoYPct    float64 // (Cur/Prev − 1) × 100
	PlanPct   float64 // year-to-date aggregate / annual target × 100
}

// DrillRow is one row of a drill-down per unit × indicator.
type DrillRow struct {
	Unit      string
	Indicator string
	Cur       float64
	Prev      float64
	YoYPct    float64
}

// Point is one month of a series.
type Point struct {
	Month int // YYYYMM
	Value float64
}

// rule is how one indicator combines over months and units.
type rule uint8

const (
	ruleSum     rule = iota // TimeSum, UnitSum
	ruleAvg                 // TimeAvg, UnitAvg: mean of unit-months
	ruleLast                // TimeLast, UnitSum: sum of units' last-month values
	ruleLastAvg             // TimeLast, UnitAvg: mean of units' last-month values
	ruleAvgSum              // TimeAvg, UnitSum: mean over months of the units' sum
	ruleSumAvg              // TimeSum, UnitAvg: mean over units of their sums
	ruleNone                // cannot be derived
)

func ruleOf(ind *planwatch.Indicator) rule {
	switch {
	case ind.TimeAgg == planwatch.TimeSum && ind.UnitAgg == planwatch.UnitSum:
		return ruleSum
	case ind.TimeAgg == planwatch.TimeAvg && ind.UnitAgg == planwatch.UnitAvg:
		return ruleAvg
	case ind.TimeAgg == planwatch.TimeLast && ind.UnitAgg == planwatch.UnitSum:
		return ruleLast
	case ind.TimeAgg == planwatch.TimeLast && ind.UnitAgg == planwatch.UnitAvg:
		return ruleLastAvg
	case ind.TimeAgg == planwatch.TimeAvg && ind.UnitAgg == planwatch.UnitSum:
		return ruleAvgSum
	case ind.TimeAgg == planwatch.TimeSum && ind.UnitAgg == planwatch.UnitAvg:
		return ruleSumAvg
	}
	return ruleNone
}

// span converts a period to month indexes clipped to the cube, and the
// unclipped index of its last month.
func (c *Cube) span(p planwatch.Period) (lo, hi, last int) {
	a := p.Year*12 + p.First - 1 - c.first
	b := p.Year*12 + p.Last - 1 - c.first
	return max(a, 0), min(b, c.nMonths-1), b
}

// aggPartials aggregates group g's partials of indicator i over the months
// [lo, hi] (clipped) whose last month is last.
func (c *Cube) aggPartials(r rule, g, i, lo, hi, last int) float64 {
	base := (g*c.nInd + i) * c.nMonths
	switch r {
	case ruleLast, ruleLastAvg:
		if last != hi || hi < lo {
			return Null
		}
		n := c.pcnt[base+last]
		if n == 0 {
			return Null
		}
		if r == ruleLastAvg {
			return c.psum[base+last] / float64(n)
		}
		return c.psum[base+last]
	case ruleNone:
		return Null
	}
	var s float64
	var n int32
	months := 0
	for m := lo; m <= hi; m++ {
		s += c.psum[base+m]
		n += c.pcnt[base+m]
		if c.pcnt[base+m] > 0 {
			months++
		}
	}
	if n == 0 {
		return Null
	}
	switch r {
	case ruleAvg:
		return s / float64(n)
	case ruleAvgSum:
		return s / float64(months)
	case ruleSumAvg:
		return s * float64(months) / float64(n)
	}
	return s
}

// aggUnit aggregates one unit's own values of indicator i over [lo, hi].
func (c *Cube) aggUnit(r rule, u, i, lo, hi, last int) float64 {
	stride := c.nInd * c.nUnit
	off := i*c.nUnit + u
	switch r {
	case ruleLast, ruleLastAvg:
		if last != hi || hi < lo {
			return Null
		}
		return c.vals[last*stride+off]
	case ruleNone:
		return Null
	}
	var s float64
	n := 0
	for m := lo; m <= hi; m++ {
		if v := c.vals[m*stride+off]; v == v {
			s += v
			n++
		}
	}
	switch {
	case n == 0:
		return Null
	case r == ruleAvg || r == ruleAvgSum:
		return s / float64(n)
	}
	return s
}

func ratioPct(a, b float64) float64 {
	if a != a || b != b || b == 0 {
		return Null
	}
	return (a/b - 1) * 100
}

func sharePct(a, b float64) float64 {
	if a != a || b != b || b == 0 {
		return Null
	}
	return a / b * 100
}

// Report answers the period report for every province × indicator, ordered
// by province code then indicator id (catalogue order): the aggregate over
// p, over the same period of the previous year, the growth, and the share of
// the annual target reached by the year-to-date aggregate.
func (c *Cube) Report(p planwatch.Period) []ReportRow {
	c.mu.RLock()
	defer c.mu.RUnlock()
	rules := c.rules()
	out := make([]ReportRow, 0, c.provGroups*c.nInd)
	clo, chi, cl := c.span(p)
	plo, phi, pl := c.span(p.SamePeriodLastYear())
	ylo, yhi, yl := c.span(p.YearToDate())
	for g := 0; g < c.provGroups; g++ {
		prov := c.units[c.groups[g]].Code
		for i := 0; i < c.nInd; i++ {
			r := rules[i]
			cur := c.aggPartials(r, g, i, clo, chi, cl)
			prev := c.aggPartials(r, g, i, plo, phi, pl)
			ytd := c.aggPartials(r, g, i, ylo, yhi, yl)
			out = append(out, ReportRow{
				Province: prov, Indicator: c.inds[i].Code,
				Cur: cur, Prev: prev, YoYPct: ratioPct(cur, prev),
				PlanPct: sharePct(ytd, c.target(g, i, p.Year)),
			})
		}
	}
	return out
}

func (c *Cube) rules() []rule {
	rs := make([]rule, c.nInd)
	for i := range c.inds {
		rs[i] = ruleOf(&c.inds[i])
	}
	return rs
}

// Aggregate returns the aggregate of one indicator over one unit and period:
// from the partials for a province or the country, from the unit's own values
// otherwise. ENOTFOUND for an unknown code.
func (c *Cube) Aggregate(indicator, unit string, p planwatch.Period) (float64, error) {
	i, ok1 := c.indID[indicator]
	u, ok2 := c.unitID[unit]
	if !ok1 || !ok2 {
		return Null, planwatch.Errorf(planwatch.ENOTFOUND, "cube: %s/%s: unknown indicator or unit", indicator, unit)
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	r := ruleOf(&c.inds[i])
	lo, hi, last := c.span(p)
	if g := c.groupIndex(u); g >= 0 {
		return c.aggPartials(r, g, int(i), lo, hi, last), nil
	}
	return c.aggUnit(r, int(u), int(i), lo, hi, last), nil
}

// Drilldown answers, for every unit of a province (ascending code) × every
// indicator, the unit's own aggregate over p and over the same period of the
// previous year, and the growth. ENOTFOUND for an unknown province.
func (c *Cube) Drilldown(province string, p planwatch.Period) ([]DrillRow, error) {
	u, ok := c.unitID[province]
	g := -1
	if ok {
		g = c.groupIndex(u)
	}
	if g < 0 || g >= c.provGroups {
		return nil, planwatch.Errorf(planwatch.ENOTFOUND, "cube: %s is not a province", province)
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	rules := c.rules()
	clo, chi, cl := c.span(p)
	plo, phi, pl := c.span(p.SamePeriodLastYear())
	mem := c.membersByCode[g]
	// Read month by month, indicator by indicator: each (month, indicator)
	// row of the province's units is one short stretch of memory, where a
	// unit-by-unit walk would jump across the whole array for every value.
	cur := c.aggUnits(rules, mem, clo, chi, cl)
	prev := c.aggUnits(rules, mem, plo, phi, pl)
	out := make([]DrillRow, len(mem)*c.nInd)
	for k, m := range mem {
		code := c.units[m].Code
		for i := 0; i < c.nInd; i++ {
			j := k*c.nInd + i
			out[j] = DrillRow{Unit: code, Indicator: c.inds[i].Code, Cur: cur[j], Prev: prev[j], YoYPct: ratioPct(cur[j], prev[j])}
		}
	}
	return out, nil
}

// aggUnits is aggUnit for every unit of mem × every indicator, indexed
// [unit position][indicator].
func (c *Cube) aggUnits(rules []rule, mem []int32, lo, hi, last int) []float64 {
	n := len(mem) * c.nInd
	sum := make([]float64, n)
	cnt := make([]int32, n)
	lastV := make([]float64, n)
	fillNaN(lastV)
	for m := lo; m <= hi; m++ {
		for i := 0; i < c.nInd; i++ {
			row := c.vals[(m*c.nInd+i)*c.nUnit:][:c.nUnit]
			for k, u := range mem {
				if v := row[u]; v == v {
					sum[k*c.nInd+i] += v
					cnt[k*c.nInd+i]++
					if m == last {
						lastV[k*c.nInd+i] = v
					}
				}
			}
		}
	}
	for j := range sum {
		switch r := rules[j%c.nInd]; {
		case r == ruleLast || r == ruleLastAvg:
			if last != hi || hi < lo {
				sum[j] = Null
			} else {
				sum[j] = lastV[j]
			}
		case r == ruleNone || cnt[j] == 0:
			sum[j] = Null
		case r == ruleAvg || r == ruleAvgSum:
			sum[j] /= float64(cnt[j])
		}
	}
	return sum
}

// Series returns the monthly aggregate of one indicator over a unit (the
// country, a province, or a single unit) for every month of the cube that
// has data, in month order.
func (c *Cube) Series(indicator, unit string) ([]Point, error) {
	i, ok1 := c.indID[indicator]
	u, ok2 := c.unitID[unit]
	if !ok1 || !ok2 {
		return nil, planwatch.Errorf(planwatch.ENOTFOUND, "cube: %s/%s: unknown indicator or unit", indicator, unit)
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	r := ruleOf(&c.inds[i])
	out := make([]Point, 0, c.nMonths)
	g := c.groupIndex(u)
	for m := 0; m < c.nMonths; m++ {
		var v float64
		if g >= 0 {
			v = c.aggPartials(r, g, int(i), m, m, m)
		} else {
			v = c.aggUnit(r, int(u), int(i), m, m, m)
		}
		if v == v {
			out = append(out, Point{YYYYMM(c.first + m), v})
		}
	}
	return out, nil
}

// Value returns the stored value of one key (false if none).
func (c *Cube) Value(indicator, unit string, yyyymm int) (float64, bool) {
	i, ok1 := c.indID[indicator]
	u, ok2 := c.unitID[unit]
	if !ok1 || !ok2 {
		return Null, false
	}
	return c.ValueID(i, u, yyyymm)
}

// ValueID is Value by dense ids.
func (c *Cube) ValueID(ind, unit int32, yyyymm int) (float64, bool) {
	c.mu.RLock()
	m := Month(yyyymm) - c.first
	if m < 0 || m >= c.nMonths || ind < 0 || int(ind) >= c.nInd || unit < 0 || int(unit) >= c.nUnit {
		c.mu.RUnlock()
		return Null, false
	}
	v := c.vals[(m*c.nInd+int(ind))*c.nUnit+int(unit)]
	c.mu.RUnlock()
	return v, v == v
}
