package report

import (
	"fmt"
	"math"
	"time"

	"planwatch"
	"planwatch/calc"
	"planwatch/chart"
)

// maxCharts bounds the charts of a report: the flows with a plan, in report order.
const maxCharts = 6

// charts draws, for each flow with an annual plan, the cumulative figure
// month by month (or quarter by quarter) this year against last year and
// against an even pace to the plan.
func (l lang) charts(ds *calc.Dataset, unit string, p planwatch.Period, items []*item) []Chart {
	var out []Chart
	for _, it := range items {
		if len(out) == maxCharts {
			break
		}
		ind := &it.ind
		if !it.hasData || classOf(ind) != classFlow || it.row.Target == nil {
			continue
		}
		_, scale := ind.BaseUnit()
		c, ok := l.cumulative(ds, ind, unit, p, planwatch.Month, scale)
		if !ok {
			c, ok = l.cumulative(ds, ind, unit, p, planwatch.Quarter, scale)
		}
		if !ok {
			continue
		}
		target := *it.row.Target / scale
		plan := make([]float64, len(c.Labels))
		for i := range plan {
			plan[i] = target * float64(i+1) / float64(len(plan))
		}
		c.Series = append(c.Series, chart.Series{Name: fmt.Sprintf(l.pick("Kế hoạch %d (tiến độ đều)", "Plan %d (even pace)"), p.Year), Values: plan, Style: "dotted"})
		subj, _ := l.subject(ind)
		c.Indicator, c.Title, c.Unit, c.Lang = ind.Code, subj+l.pick(" (lũy kế)", " (cumulative)"), l.unit(ind.Unit), string(l)
		// Each month of the two years, on its own: a real quarterly figure
		// does not vouch for the months that lead up to it.
	check:
		for _, y := range []int{p.Year - 1, p.Year} {
			for m := 1; m <= 12 && (y < p.Year || m <= p.Last); m++ {
				month := planwatch.MonthOf(y, m)
				if illustrativeIn(ds, ind.Code, unit, month, []planwatch.Period{month}, 1) {
					c.Title = subj + l.pick(" (lũy kế, số liệu minh họa)", " (cumulative, illustrative figures)")
					break check
				}
			}
		}
		out = append(out, c)
	}
	return out
}

// cumulative builds this year's (through p) and last year's cumulative series.
func (l lang) cumulative(ds *calc.Dataset, ind *planwatch.Indicator, unit string, p planwatch.Period, typ planwatch.PeriodType, scale float64) (Chart, bool) {
	var c Chart
	n := 12
	if typ == planwatch.Quarter {
		n = 4
	}
	for i := 1; i <= n; i++ {
		if typ == planwatch.Quarter {
			c.Labels = append(c.Labels, l.pick("Quý "+[]string{"", "I", "II", "III", "IV"}[i], fmt.Sprintf("Q%d", i)))
		} else {
			c.Labels = append(c.Labels, l.pick(fmt.Sprintf("T%d", i), time.Month(i).String()[:3]))
		}
	}
	series := func(year, lastMonth int) ([]float64, int) {
		vals := make([]float64, n)
		known := 0
		for i := range vals {
			vals[i] = math.NaN()
			q := planwatch.YearToDateOf(year, (i+1)*12/n)
			if q.Last > lastMonth {
				continue
			}
			if f := ds.Value(ind.Code, unit, q); f.OK {
				vals[i] = f.Value / scale
				known++
			}
		}
		return vals, known
	}
	this, k1 := series(p.Year, p.Last)
	last, k2 := series(p.Year-1, 12)
	// A chart needs more than the one point the report's sentence already gives.
	if k1+k2 < 3 {
		return c, false
	}
	c.Series = []chart.Series{
		{Name: fmt.Sprintf(l.pick("Năm %d", "%d"), p.Year), Values: this},
		{Name: fmt.Sprintf(l.pick("Năm %d", "%d"), p.Year-1), Values: last, Style: "dashed"},
	}
	return c, true
}

// sectionCharts draws, for each section without a trend chart, its
// indicators against their bases: % of the annual plan, % of the same
// period last year, % of 31 December, with the 100% line. A section whose
// figures have no base to compare with gets none.
func (l lang) sectionCharts(r *Report, items []*item, trends []Chart) []Chart {
	hasTrend := map[string]bool{}
	for _, c := range trends {
		hasTrend[c.Indicator] = true
	}
	byCode := map[string]*item{}
	for _, it := range items {
		byCode[it.ind.Code] = it
	}
	var out []Chart
	for _, part := range r.Parts {
		for _, sec := range part.Sections {
			skip := false
			for _, st := range sec.Sentences {
				skip = skip || hasTrend[st.Indicator]
			}
			if skip {
				continue
			}
			nan := math.NaN()
			plan := chart.Series{Name: l.pick("So với kế hoạch năm (%)", "% of annual plan")}
			yoy := chart.Series{Name: l.pick("So với cùng kỳ năm trước (%)", "% of same period last year")}
			ref := chart.Series{Name: l.pick("So với 31/12 năm trước (%)", "% of 31 December last year")}
			c := Chart{Kind: "bars", Section: sec.ID, Title: sec.Title, Unit: "%", Lang: string(l), Reference: 100}
			known := 0
			for _, st := range sec.Sentences {
				it := byCode[st.Indicator]
				if it == nil || !it.hasData {
					continue
				}
				row, cl := &it.row, classOf(&it.ind)
				p, y, v := nan, nan, nan
				if row.PlanPct != nil && (row.PlanPctReported || (cl != classRate && cl != classGrowth && cl != classIndex)) {
					p = *row.PlanPct
				}
				switch {
				case cl == classGrowth && row.Current.OK:
					y = 100 + row.Current.Value
				case row.YoY != nil && cl != classRate:
					y = 100 + *row.YoY
				}
				if row.VsRef != nil {
					v = 100 + *row.VsRef
				}
				if math.IsNaN(p) && math.IsNaN(y) && math.IsNaN(v) {
					continue
				}
				subj, _ := l.subject(&it.ind)
				c.Labels = append(c.Labels, subj)
				plan.Values, yoy.Values, ref.Values = append(plan.Values, p), append(yoy.Values, y), append(ref.Values, v)
				known++
			}
			if known == 0 {
				continue
			}
			for _, s := range []chart.Series{plan, yoy, ref} {
				for _, x := range s.Values {
					if !math.IsNaN(x) {
						c.Series = append(c.Series, s)
						break
					}
				}
			}
			if illustrativeSection(byCode, sec) {
				c.Title += l.pick(" (số liệu minh họa)", " (illustrative figures)")
			}
			out = append(out, c)
		}
	}
	return out
}

func illustrativeSection(byCode map[string]*item, sec Section) bool {
	for _, st := range sec.Sentences {
		if it := byCode[st.Indicator]; it != nil && it.illustrative {
			return true
		}
	}
	return false
}
