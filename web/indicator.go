package web

import (
	"html/template"
	"math"
	"net/http"
	"sort"
	"strings"
	"time"

	"planwatch"
	"planwatch/calc"
	"planwatch/chart"
	"planwatch/web/i18n"
)

type indicatorData struct {
	Ind       planwatch.Indicator
	UnitName  string
	Row       calc.Row
	Trend     template.HTML
	Bars      template.HTML
	Breakdown []breakdownRow
	Values    []valueHistory
	Targets   []planwatch.Target
	// Lineage: what the unit was formed of and what it became (reforms).
	FormedOf []lineageLink
	Became   []lineageLink
	// Names of the former units behind like-for-like figures.
	LastYearFrom, LastYearUnweighted, TargetFrom []string
	// Group is the unit group shown instead of the unit (?group=), when one is.
	Group string
	// Parts are the options of the indicator's breakdown (indicator_parts.go).
	Parts []partRow
}

// lineageLink is one transition of a unit, for the page.
type lineageLink struct {
	Code, Name string
	Date       string
	Full       bool
	Weight     float64
}

type breakdownRow struct {
	calc.Ranked
	Name string
}

// valueHistory is one stored key with all its revisions, newest first.
type valueHistory struct {
	Current   planwatch.DataValue
	Revisions []planwatch.DataValue
}

// handleIndicator shows one indicator for a unit: where it stands, its trend
// against last year and the plan, its breakdown by child unit, and every
// stored value with its source and revisions.
func (s *Server) handleIndicator(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	snap, err := s.snapshot(ctx)
	if err != nil {
		return err
	}
	code := r.PathValue("code")
	ind, ok := snap.ds.Indicators()[code]
	if !ok {
		return notFound("không có chỉ tiêu %q / no indicator %q", code, code)
	}
	sel, err := s.selectionOf(r, snap)
	if err != nil {
		return err
	}
	p := s.newPage(w, r, "indicator")
	s.fillPickers(p, snap, sel)
	p.Title = indicatorName(p.Lang, ind)
	d := indicatorData{Ind: ind, UnitName: unitName(snap, sel.Unit, sel.Period)}
	key := code + "|" + sel.Unit + "|" + sel.Period.ID()
	g, err := s.groupOf(r)
	if err != nil {
		return err
	}
	if g != nil {
		// A unit group (catalogue.go): its figures combined, its units ranked.
		gkey := code + "|group|" + g.Code + "|" + strings.Join(g.Units, ",") + "|" + sel.Period.ID()
		d.UnitName, d.Group = g.NameVI, g.Code
		d.Row = snap.memo("row|"+gkey, func() any { return snap.ds.GroupRow(code, g.Units, sel.Period, calc.DefaultOptions()) }).(calc.Row)
		d.Trend = snap.memo("trend|"+p.Lang+"|"+key, func() any { return s.trendSVG(p.Lang, snap, ind, sel) }).(template.HTML)
		ranked := snap.memo("rank|"+gkey, func() any { return snap.ds.RankUnits(code, g.Units, sel.Period, calc.DefaultOptions()) }).([]calc.Ranked)
		return s.renderIndicator(w, r, p, snap, sel, d, ranked)
	}
	d.Row = snap.memo("row|"+key, func() any { return snap.ds.Row(code, sel.Unit, sel.Period, calc.DefaultOptions()) }).(calc.Row)
	d.Parts = indicatorParts(snap, code, sel)
	d.Trend = snap.memo("trend|"+p.Lang+"|"+key, func() any { return s.trendSVG(p.Lang, snap, ind, sel) }).(template.HTML)
	ranked := snap.memo("rank|"+key, func() any { return snap.ds.Rank(code, sel.Unit, sel.Period, calc.DefaultOptions()) }).([]calc.Ranked)
	return s.renderIndicator(w, r, p, snap, sel, d, ranked)
}

// renderIndicator shows the indicator page with its ranking of units.
func (s *Server) renderIndicator(w http.ResponseWriter, r *http.Request, p *page, snap *snapshot, sel selection, d indicatorData, ranked []calc.Ranked) error {
	ctx, ind, code := r.Context(), d.Ind, d.Ind.Code
	for _, rk := range ranked {
		d.Breakdown = append(d.Breakdown, breakdownRow{rk, unitName(snap, rk.Unit, sel.Period)})
	}
	if len(d.Breakdown) > 0 {
		labels := make([]string, len(d.Breakdown))
		vals := make([]float64, len(d.Breakdown))
		for i, b := range d.Breakdown {
			labels[i] = b.Name
			vals[i] = math.NaN()
			if b.Value.OK {
				vals[i], _ = displayValue(ind, b.Value.Value)
			}
		}
		_, dec := displayValue(ind, 0)
		d.Bars = chart.Bars([]chart.Series{{Name: sel.Period.Label(p.Lang), Values: vals}}, chart.Options{
			Title:  i18n.T(p.Lang, "ind.breakdown"),
			Width:  max(640, 90*len(labels)),
			Unit:   unitLabel(p.Lang, ind.Unit),
			Labels: labels,
			Format: func(v float64) string { return formatNumber(p.Lang, v, max(dec, ind.Decimals)) },
		})
	}

	vals, err := s.store.Values(ctx, planwatch.ValueQuery{Indicators: []string{code}, Units: []string{sel.Unit}})
	if err != nil {
		return err
	}
	hideNames(ctx, vals, nil)
	sort.Slice(vals, func(i, j int) bool {
		a, b := vals[i].Period, vals[j].Period
		if a.Year != b.Year {
			return a.Year > b.Year
		}
		if a.Last != b.Last {
			return a.Last > b.Last
		}
		return a.First > b.First
	})
	for _, v := range vals {
		revs, err := s.store.Revisions(ctx, v.Key)
		if err != nil {
			return err
		}
		sort.SliceStable(revs, func(i, j int) bool { return revs[i].At.After(revs[j].At) })
		hideNames(ctx, revs, nil)
		d.Values = append(d.Values, valueHistory{Current: v, Revisions: revs})
	}
	names := func(codes []string) []string {
		out := make([]string, len(codes))
		for i, c := range codes {
			out[i] = unitName(snap, c, planwatch.YearOf(sel.Period.Year-1)) + " (" + c + ")"
		}
		return out
	}
	d.LastYearFrom, d.LastYearUnweighted, d.TargetFrom = names(d.Row.LastYear.DerivedFrom), names(d.Row.LastYear.Unweighted), names(d.Row.TargetFrom)
	h := snap.ds.Units()
	for _, tr := range h.Predecessors(sel.Unit) {
		if tr.Old == sel.Unit && tr.Full && len(h.Predecessors(sel.Unit)) == 1 {
			continue // the unit simply continued
		}
		d.FormedOf = append(d.FormedOf, lineageLink{tr.Old, unitNameOn(snap, tr.Old, tr.Date.AddDate(0, 0, -1)), tr.Date.Format("02/01/2006"), tr.Full, tr.Weight})
	}
	for _, tr := range h.Successors(sel.Unit) {
		if tr.New == sel.Unit && tr.Full && len(h.Successors(sel.Unit)) == 1 {
			continue
		}
		d.Became = append(d.Became, lineageLink{tr.New, unitNameOn(snap, tr.New, tr.Date), tr.Date.Format("02/01/2006"), tr.Full, tr.Weight})
	}
	if d.Targets, err = s.store.TargetHistory(ctx, code, sel.Unit); err != nil {
		return err
	}
	p.D = d
	s.render(w, r, http.StatusOK, "indicator", p)
	return nil
}

// trendSVG draws this year against last year by quarter (year-to-date for
// flows, levels otherwise) with the annual plan as a line, with the chart
// package the report uses, so the page and the report look alike.
func (s *Server) trendSVG(lang string, snap *snapshot, ind planwatch.Indicator, sel selection) template.HTML {
	year := sel.Period.Year
	flow := ind.TimeAgg == planwatch.TimeSum
	// Both years for the territory the unit covers in the period shown, so
	// that a series crossing a reform compares like with like.
	asOf := snap.ds.SeriesDay(sel.Unit, year)
	point := func(y, q int) float64 {
		var f calc.Figure
		if flow {
			f = snap.ds.ValueAsOf(ind.Code, sel.Unit, planwatch.YearToDateOf(y, 3*q), asOf)
		} else {
			f = snap.ds.ValueAsOf(ind.Code, sel.Unit, planwatch.QuarterOf(y, q), asOf)
		}
		if !f.OK {
			return math.NaN()
		}
		v, _ := displayValue(ind, f.Value)
		return v
	}
	var labels []string
	cur := chart.Series{Name: planwatch.YearOf(year).Label(lang)}
	last := chart.Series{Name: planwatch.YearOf(year - 1).Label(lang), Style: "dashed"}
	for q := 1; q <= 4; q++ {
		key := "chart.q"
		if flow {
			key = "chart.ytd_q"
		}
		labels = append(labels, i18n.T(lang, key, q))
		cur.Values = append(cur.Values, point(year, q))
		last.Values = append(last.Values, point(year-1, q))
	}
	series := []chart.Series{cur, last}
	if t, ok := snap.ds.PlanTarget(ind.Code, sel.Unit, year, planwatch.TargetPlan); ok {
		v, _ := displayValue(ind, t.Value)
		series = append(series, chart.Series{Name: i18n.T(lang, "chart.plan"), Values: []float64{v, v, v, v}, Style: "dotted"})
	}
	_, dec := displayValue(ind, 0)
	return chart.Line(series, chart.Options{
		Title:  indicatorName(lang, ind),
		Unit:   unitLabel(lang, ind.Unit),
		Labels: labels,
		Format: func(v float64) string { return formatNumber(lang, v, max(dec, ind.Decimals)) },
	})
}

// unitNameOn is the name of a unit on a day (its latest name otherwise).
func unitNameOn(snap *snapshot, code string, day time.Time) string {
	if u, ok := snap.ds.Units().At(code, day); ok && u.Name != "" {
		return u.Name
	}
	return unitName(snap, code, planwatch.MonthOf(day.Year(), int(day.Month())))
}
