package calc

import (
	"sort"

	"planwatch"
)

// Unit groups (issue 13, part 7): a named list of units (border communes,
// poor districts) whose figures combine by each indicator's aggregation
// over units, as a parent's do, and whose units rank against each other.

// GroupValue is the figure of an indicator for a group of units: each
// unit's figure for its territory at the end of p, combined by the
// indicator's aggregation over units: summed (sum), averaged over the units
// with a figure (avg), recomputed from the group's numerator and
// denominator (ratio); rates and indices (none) are not combined. Units
// counts the units with a figure, Expected the group's units; the figure is
// Partial when some have none. A group should not hold a unit and one
// within it: both would count.
func (d *Dataset) GroupValue(indicator string, units []string, p planwatch.Period) Figure {
	ind := d.indicator(indicator)
	if ind.UnitAgg == planwatch.UnitRatio {
		num := d.GroupValue(ind.Numerator, units, p)
		den := d.GroupValue(ind.Denominator, units, p)
		if !num.OK || !den.OK || den.Value == 0 {
			return missing()
		}
		return Figure{Value: num.Value / den.Value * 100, OK: true, Vintage: minVintage(num.Vintage, den.Vintage),
			Units: num.Units, Expected: num.Expected, Partial: num.Partial || den.Partial}
	}
	if ind.UnitAgg != planwatch.UnitSum && ind.UnitAgg != planwatch.UnitAvg {
		return missing()
	}
	f := Figure{Vintage: planwatch.Official, Expected: len(units)}
	for _, u := range units {
		uf := d.territory(ind, u, p, p.End(), 0)
		if !uf.OK {
			continue
		}
		f.Value += uf.Value
		f.Units++
		f.Vintage = minVintage(f.Vintage, uf.Vintage)
		f.Partial = f.Partial || uf.Partial
	}
	if f.Units == 0 {
		return missing()
	}
	f.OK = true
	f.Partial = f.Partial || f.Units < f.Expected
	if ind.UnitAgg == planwatch.UnitAvg {
		f.Value /= float64(f.Units)
	}
	return f
}

// GroupTarget is the group's target: the sum of its units' targets, for an
// indicator summed over units whose every unit has one.
func (d *Dataset) GroupTarget(indicator string, units []string, year int, kind planwatch.TargetKind) (float64, bool) {
	if d.indicator(indicator).UnitAgg != planwatch.UnitSum || len(units) == 0 {
		return 0, false
	}
	sum := 0.0
	for _, u := range units {
		t, ok := d.PlanTarget(indicator, u, year, kind)
		if !ok || t.Partial {
			return 0, false
		}
		sum += t.Value
	}
	return sum, true
}

// GroupRow is where one indicator stands for a group of units: its figures
// (GroupValue), growth against the same period last year, the group's
// target (GroupTarget), % of plan against a pace learnt from the group's
// own past years, and the status, by the rules Row applies to a unit.
func (d *Dataset) GroupRow(indicator string, units []string, p planwatch.Period, opt Options) Row {
	ind := d.Indicators()[indicator]
	if opt.TargetKind == "" {
		opt = DefaultOptions()
	}
	r := Row{Indicator: ind, Period: p}
	r.Current = d.GroupValue(indicator, units, p)
	r.YTD = r.Current
	if d.isFlow(&ind) && !p.SameMonths(p.YearToDate()) {
		r.YTD = d.GroupValue(indicator, units, p.YearToDate())
	}
	r.LastYear = d.GroupValue(indicator, units, p.SamePeriodLastYear())
	r.Estimate = r.Current.OK && r.Current.Vintage == planwatch.Estimate
	switch {
	case r.Current.OK && r.LastYear.OK && (ind.Kind == planwatch.KindRate || ind.Unit == "%"):
		r.PPChange = ptr(round(r.Current.Value-r.LastYear.Value, 4))
	case r.Current.OK && r.LastYear.OK && r.LastYear.Value != 0:
		r.YoY = ptr(round((r.Current.Value/r.LastYear.Value-1)*100, 2))
	}
	if t, ok := d.GroupTarget(indicator, units, p.Year, opt.TargetKind); ok {
		r.Target = ptr(t)
		if t != 0 && r.YTD.OK {
			r.PlanPct = ptr(round(r.YTD.Value/t*100, 2))
		}
	}
	switch {
	case d.isFlow(&ind) && r.PlanPct != nil:
		share, method := p.ShareOfYear(), "linear"
		n, sum, years := opt.HistoryYears, 0.0, 0
		if n <= 0 {
			n = 3
		}
		for y := p.Year - 1; y >= p.Year-n; y-- {
			ytd := d.GroupValue(indicator, units, planwatch.YearToDateOf(y, p.Last))
			full := d.GroupValue(indicator, units, planwatch.YearOf(y))
			if ytd.OK && full.OK && full.Value > 0 && !ytd.Partial && !full.Partial {
				sum += ytd.Value / full.Value
				years++
			}
		}
		if years > 0 {
			share, method = sum/float64(years), "seasonal"
		}
		r.ExpectedPct, r.PaceMethod = ptr(round(share*100, 2)), method
		if r.YTD.OK && share > 0 {
			r.Projection = ptr(r.YTD.Value / share)
		}
		r.Status = classify(*r.PlanPct/(share*100), *r.PlanPct >= 100, opt)
	case r.PlanPct != nil:
		r.ExpectedPct, r.PaceMethod = ptr(100.0), "level"
		ratio := *r.PlanPct / 100
		if ind.Direction == planwatch.LowerIsBetter && ratio > 0 {
			ratio = 1 / ratio
		}
		r.Status = classify(ratio, ratio >= 1, opt)
	case !r.Current.OK:
		r.Status = NoData
	default:
		r.Status = NoTarget
	}
	return r
}

// GroupStatus is Status for a group: the rows of the indicators it
// monitors (opt.Set; retired ones never) that have a figure or a target,
// most severe first.
func (d *Dataset) GroupStatus(units []string, p planwatch.Period, opt Options) []Row {
	codes := make([]string, 0, len(d.Indicators()))
	for c, ind := range d.Indicators() {
		if planwatch.Monitors(opt.Set, &ind) {
			codes = append(codes, c)
		}
	}
	sort.Strings(codes)
	var rows []Row
	for _, c := range codes {
		if r := d.GroupRow(c, units, p, opt); r.Current.OK || r.Target != nil {
			rows = append(rows, r)
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return severity(rows[i].Status) > severity(rows[j].Status) })
	return rows
}
