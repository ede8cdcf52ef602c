package calc

import (
	"math"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"planwatch"
)

// Status is where an indicator stands against its plan.
type Status string

const (
	OnTrack  Status = "on_track"  // đúng tiến độ
	AtRisk   Status = "at_risk"   // có nguy cơ chậm
	Lagging  Status = "lagging"   // chậm tiến độ
	Achieved Status = "achieved"  // đã đạt kế hoạch
	NoTarget Status = "no_target" // chưa có chỉ tiêu
	NoData   Status = "no_data"   // chưa có số liệu
)

// Threshold gives a status to a pace ratio (achieved share of plan over the
// share expected at this point of the year) at or above Min.
type Threshold struct {
	Status Status
	Min    float64
}

// Options configure status computation.
type Options struct {
	// Thresholds are tried in order; the first whose Min the ratio reaches wins.
	Thresholds []Threshold
	// TargetKind is the plan base for % of plan (default the annual plan).
	TargetKind planwatch.TargetKind
	// HistoryYears is how many past years the seasonal pace learns from (default 3).
	HistoryYears int
	// Set is the unit's indicator set for the year of the period: Status
	// lists only the indicators it monitors (planwatch.Monitors; nil: every
	// indicator not retired).
	Set *planwatch.IndicatorSet
}

// For is the options of one indicator's row: against the target kind its
// set lists for it (a budget revenue against the council's estimate), if any.
func (o Options) For(code string) Options {
	if o.Set != nil {
		if o.TargetKind == "" {
			set := o.Set
			o = DefaultOptions()
			o.Set = set
		}
		o.TargetKind = o.Set.TargetKind(code, o.TargetKind)
	}
	return o
}

// DefaultOptions: on track from 95% of the expected pace, at risk from 80%.
func DefaultOptions() Options {
	return Options{
		Thresholds:   []Threshold{{OnTrack, 0.95}, {AtRisk, 0.80}, {Lagging, math.Inf(-1)}},
		TargetKind:   planwatch.TargetPlan,
		HistoryYears: 3,
	}
}

// Row is where one indicator stands for a unit and period.
type Row struct {
	Indicator planwatch.Indicator
	Unit      string
	Period    planwatch.Period

	Current  Figure // the period's figure (for stocks: the level at its end)
	YTD      Figure // cumulative since 1 January (flows); equals Current for stocks
	LastYear Figure // same period last year
	Target   *float64
	// TargetFrom lists the former units whose plans make up the target,
	// when the unit's own plan was set for its territory before a reform.
	TargetFrom    []string
	TargetPartial bool
	// PlanPct is the share of the annual target reached (flows: year-to-date;
	// stocks and rates: the latest level). Reported when the source stated it.
	PlanPct         *float64
	PlanPctReported bool
	// YoY is growth against the same period last year, percent.
	YoY         *float64
	YoYReported bool
	// PPChange is the change of a rate against the same period last year, in percentage points.
	PPChange *float64
	// VsRef is the change of a stock against 31 December of the previous year, percent.
	VsRef         *float64
	VsRefReported bool
	RefDate       time.Time
	// ExpectedPct is the share of the target expected by the end of the
	// period, percent; PaceMethod says how it was learnt ("linear" or "seasonal").
	ExpectedPct *float64
	PaceMethod  string
	// Projection is the expected year-end figure at the current pace.
	Projection *float64
	Status     Status
	Estimate   bool // the current figure is an estimate (ước)
	Milestones []MilestoneCheck
}

// MilestoneCheck is a milestone with what is known of it at the period.
type MilestoneCheck struct {
	planwatch.Milestone
	Due     bool     // the milestone's period has ended by the end of the row's period
	Reached *float64 // share of plan reached by the milestone's period, if known
	Met     *bool
	// From lists the former units that set this milestone, when the unit
	// took it over from them (every one of them had set the same).
	From []string
}

func (d *Dataset) isFlow(ind *planwatch.Indicator) bool { return ind.TimeAgg == planwatch.TimeSum }

// Row computes where one indicator stands.
func (d *Dataset) Row(indicator, unit string, p planwatch.Period, opt Options) Row {
	ind := d.Indicators()[indicator]
	if opt.TargetKind == "" {
		opt = DefaultOptions()
	}
	r := Row{Indicator: ind, Unit: unit, Period: p}
	asOf := p.End() // every figure of the row is for the territory the unit covers now
	d.warm(&ind, unit, p, opt)
	r.Current = d.territory(&ind, unit, p, asOf, 0)
	r.YTD = r.Current
	if d.isFlow(&ind) && !p.SameMonths(p.YearToDate()) {
		r.YTD = d.territory(&ind, unit, p.YearToDate(), asOf, 0)
	}
	r.LastYear = d.territory(&ind, unit, p.SamePeriodLastYear(), asOf, 0)
	r.Estimate = r.Current.OK && r.Current.Vintage == planwatch.Estimate
	reported, hasReported := d.Reported(indicator, unit, p)
	if hasReported && reported.Value == nil {
		r.Estimate = reported.Vintage == planwatch.Estimate
	}

	// Growth vs the same period last year: not against a base that lacks
	// part of today's territory (a former unit split without a known share).
	comparable := len(r.LastYear.Unweighted) == 0
	switch {
	case hasReported && reported.YoY != nil:
		r.YoY, r.YoYReported = ptr(*reported.YoY), true
	case !comparable:
	case r.Current.OK && r.LastYear.OK && (ind.Kind == planwatch.KindRate || ind.Unit == "%"):
		r.PPChange = ptr(round(r.Current.Value-r.LastYear.Value, 4))
	case r.Current.OK && r.LastYear.OK && r.LastYear.Value != 0:
		r.YoY = ptr(round((r.Current.Value/r.LastYear.Value-1)*100, 2))
	}

	// Target and % of plan.
	if t, ok := d.PlanTarget(indicator, unit, p.Year, opt.TargetKind); ok {
		r.Target = ptr(t.Value)
		r.TargetFrom, r.TargetPartial = t.From, t.Partial
	}
	switch {
	case hasReported && reported.PlanPct != nil:
		r.PlanPct, r.PlanPctReported = ptr(*reported.PlanPct), true
	case r.Target != nil && *r.Target != 0 && r.YTD.OK:
		r.PlanPct = ptr(round(r.YTD.Value / *r.Target * 100, 2))
	}

	// Stocks against 31 December of the previous year.
	if ind.TimeAgg == planwatch.TimeLast {
		r.RefDate = p.EndOfPreviousYear()
		if hasReported && reported.VsRef != nil {
			r.VsRef, r.VsRefReported = ptr(*reported.VsRef), true
		} else if ref := d.territory(&ind, unit, planwatch.YearOf(p.Year-1), asOf, 0); ref.OK && ref.Value != 0 && r.Current.OK && ind.Kind != planwatch.KindRate {
			r.VsRef = ptr(round((r.Current.Value/ref.Value-1)*100, 2))
		}
	}

	// Pace, projection, status.
	if d.isFlow(&ind) && r.PlanPct != nil {
		share, method := d.expectedShare(&ind, unit, p, opt)
		r.ExpectedPct, r.PaceMethod = ptr(round(share*100, 2)), method
		if r.YTD.OK && share > 0 {
			r.Projection = ptr(r.YTD.Value / share)
		}
		r.Status = classify(*r.PlanPct/(share*100), *r.PlanPct >= 100, opt)
	} else if r.PlanPct != nil {
		r.ExpectedPct, r.PaceMethod = ptr(100.0), "level"
		ratio := *r.PlanPct / 100
		if ind.Direction == planwatch.LowerIsBetter && ratio > 0 {
			ratio = 1 / ratio
		}
		r.Status = classify(ratio, ratio >= 1, opt)
	} else if !r.Current.OK && !hasReported {
		r.Status = NoData
	} else {
		r.Status = NoTarget
	}

	ms, from := d.PlanMilestones(indicator, unit, p.Year)
	for _, m := range ms {
		mc := MilestoneCheck{Milestone: m, Due: m.Period.Last <= p.Last, From: from}
		if t, ok := d.PlanTarget(indicator, unit, p.Year, m.TargetKind); ok && t.Value != 0 {
			if f := d.territory(&ind, unit, m.Period.YearToDate(), asOf, 0); f.OK && mc.Due {
				reached := round(f.Value/t.Value*100, 2)
				mc.Reached = &reached
				met := reached >= m.Share
				if m.Bound == planwatch.BoundMax {
					met = reached <= m.Share
				}
				mc.Met = &met
			}
		}
		r.Milestones = append(r.Milestones, mc)
	}
	return r
}

func classify(ratio float64, achieved bool, opt Options) Status {
	if achieved {
		return Achieved
	}
	for _, t := range opt.Thresholds {
		if ratio >= t.Min {
			return t.Status
		}
	}
	return Lagging
}

// expectedShare is the share of the annual total a flow normally reaches by
// the end of p: learnt from past years of the same unit where both the
// year-to-date and the full year are known (seasonal), else linear.
func (d *Dataset) expectedShare(ind *planwatch.Indicator, unit string, p planwatch.Period, opt Options) (float64, string) {
	n := opt.HistoryYears
	if n <= 0 {
		n = 3
	}
	sum, years := 0.0, 0
	for y := p.Year - 1; y >= p.Year-n; y-- {
		ytd := d.territory(ind, unit, planwatch.YearToDateOf(y, p.Last), p.End(), 0)
		full := d.territory(ind, unit, planwatch.YearOf(y), p.End(), 0)
		if ytd.OK && full.OK && full.Value > 0 {
			sum += ytd.Value / full.Value
			years++
		}
	}
	if years > 0 {
		return sum / float64(years), "seasonal"
	}
	return p.ShareOfYear(), "linear"
}

// Status computes a row for every indicator with data, a target or a
// milestone for the unit in p's year, lagging ones first, then by code.
func (d *Dataset) Status(unit string, p planwatch.Period, opt Options) []Row {
	var rows []Row
	codes := make([]string, 0, len(d.Indicators()))
	for c, ind := range d.Indicators() {
		if planwatch.Monitors(opt.Set, &ind) {
			codes = append(codes, c)
		}
	}
	sort.Strings(codes)
	// Indicators are independent: compute their rows on every core.
	all := make([]Row, len(codes))
	keep := make([]bool, len(codes))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(codes) {
					return
				}
				c := codes[i]
				o := opt.For(c)
				r := d.Row(c, unit, p, o)
				_, hasTarget := d.PlanTarget(c, unit, p.Year, o.TargetKind)
				_, hasReported := d.Reported(c, unit, p)
				all[i], keep[i] = r, r.Current.OK || hasReported || hasTarget || len(r.Milestones) > 0
			}
		}()
	}
	wg.Wait()
	for i, r := range all {
		if keep[i] {
			rows = append(rows, r)
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return severity(rows[i].Status) > severity(rows[j].Status) })
	return rows
}

func severity(s Status) int {
	switch s {
	case Lagging:
		return 3
	case AtRisk:
		return 2
	}
	return 0
}

// Ranked is one child unit's standing on an indicator.
type Ranked struct {
	Unit    string
	Value   Figure
	PlanPct *float64
	YoY     *float64
	Rank    int // 1 = best by the indicator's direction; 0 = no value
}

// Rank orders the children of a unit on an indicator for a period, best
// first by the indicator's direction; units without a figure come last.
func (d *Dataset) Rank(indicator, parent string, p planwatch.Period, opt Options) []Ranked {
	return d.RankUnits(indicator, d.Units().ChildrenAt(parent, p.End()), p, opt)
}

// RankUnits is Rank over a list of units (a unit group's).
func (d *Dataset) RankUnits(indicator string, units []string, p planwatch.Period, opt Options) []Ranked {
	ind := d.Indicators()[indicator]
	var out []Ranked
	for _, c := range units {
		r := d.Row(indicator, c, p, opt)
		out = append(out, Ranked{Unit: c, Value: r.Current, PlanPct: r.PlanPct, YoY: r.YoY})
	}
	key := func(r Ranked) float64 {
		if r.PlanPct != nil {
			return *r.PlanPct
		}
		return r.Value.Value
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Value.OK != b.Value.OK {
			return a.Value.OK
		}
		if ind.Direction == planwatch.LowerIsBetter {
			return key(a) < key(b)
		}
		return key(a) > key(b)
	})
	for i := range out {
		if out[i].Value.OK {
			out[i].Rank = i + 1
		}
	}
	return out
}

// Completeness counts, for a unit and period, the child units that reported
// any value and the child units expected to: every unit under it in any
// month of the period (across a reform, the former units and the new ones).
func (d *Dataset) Completeness(unit string, p planwatch.Period) (reported, expected int) {
	codes := make([]string, 0, len(d.Indicators()))
	for code := range d.Indicators() {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	for _, c := range d.Units().EverChildren(unit) {
		first, last := 13, 0
		for m := p.First; m <= p.Last; m++ {
			if par, inForce := d.parentAt(c, monthEnd(p.Year, m)); inForce && par == unit {
				first, last = min(first, m), max(last, m)
			}
		}
		if last == 0 {
			continue
		}
		expected++
		part := periodOf(p.Year, first, last)
		for _, code := range codes {
			ind := d.Indicators()[code]
			if f := d.reported(&ind, c, part, 0); f.OK {
				reported++
				break
			}
		}
	}
	return reported, expected
}

// Point is one period of a series.
type Point struct {
	Period planwatch.Period
	Figure Figure
}

// Series returns the figure of every period of the given type from the first
// year to the last year (Month, Quarter, Year), for charts.
func (d *Dataset) Series(indicator, unit string, typ planwatch.PeriodType, fromYear, toYear int) []Point {
	var out []Point
	// The whole series is for the territory the unit covers at its end, so
	// that a series crossing a reform compares like with like.
	asOf := d.SeriesDay(unit, toYear)
	for y := fromYear; y <= toYear; y++ {
		switch typ {
		case planwatch.Month:
			for m := 1; m <= 12; m++ {
				p := planwatch.MonthOf(y, m)
				out = append(out, Point{p, d.ValueAsOf(indicator, unit, p, asOf)})
			}
		case planwatch.Quarter:
			for q := 1; q <= 4; q++ {
				p := planwatch.QuarterOf(y, q)
				out = append(out, Point{p, d.ValueAsOf(indicator, unit, p, asOf)})
			}
		default:
			p := planwatch.YearOf(y)
			out = append(out, Point{p, d.ValueAsOf(indicator, unit, p, asOf)})
		}
	}
	return out
}

func ptr(f float64) *float64 { return &f }

func round(x float64, dec int) float64 {
	p := math.Pow(10, float64(dec))
	return math.Round(x*p) / p
}

// warm computes at once the figures a row will ask for, when they are all
// what was reported within the unit (its territory did not change since the
// earliest of them): a roll-up then visits the units below once for all.
func (d *Dataset) warm(ind *planwatch.Indicator, unit string, p planwatch.Period, opt Options) {
	n := opt.HistoryYears
	if n <= 0 {
		n = 3
	}
	ps := []planwatch.Period{p}
	add := func(q planwatch.Period) {
		for _, o := range ps {
			if o == q {
				return
			}
		}
		ps = append(ps, q)
	}
	add(p.YearToDate())
	add(p.SamePeriodLastYear())
	for y := p.Year - 1; y >= p.Year-n; y-- {
		add(planwatch.YearToDateOf(y, p.Last))
		add(planwatch.YearOf(y))
	}
	if !d.territoryChange(unit, planwatch.YearOf(p.Year-n).Start(), p.End()).IsZero() || len(d.Units().EverChildren(unit)) == 0 {
		return
	}
	d.reportedMany(ind, unit, ps, 0, make([]Figure, len(ps)))
}

// SeriesDay is the day whose territory a series of the unit up to the end
// of lastYear is drawn for: the end of that year, or the unit's last day
// if it ceased before.
func (d *Dataset) SeriesDay(unit string, lastYear int) time.Time {
	day := planwatch.YearOf(lastYear).End()
	if u, ok := d.Units().Latest(unit); ok && !u.ValidTo.IsZero() && u.ValidTo.Before(day) {
		day = u.ValidTo.AddDate(0, 0, -1)
	}
	return day
}
