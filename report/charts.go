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
