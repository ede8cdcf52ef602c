package report

import (
	"planwatch"
	"planwatch/calc"
)

// Ranking orders the units under the report's unit (a province's districts
// or communes) on one indicator, best first by the indicator's direction:
// where the lagging indicators lag. A report comparing a group of units is
// made of the same tables.
type Ranking struct {
	Indicator string
	Title     string // the indicator's name
	Unit      string // display unit of the figures
	Rows      []RankRow
	// Omitted counts the ranked units left out of the middle of a long table.
	Omitted int
	// Unreported counts the units without a figure (not ranked).
	Unreported int
	// Illustrative marks figures resting on illustrative values (minh họa).
	Illustrative bool
}

// RankRow is one unit's standing; empty cells are missing figures.
type RankRow struct {
	Rank    int
	Unit    string // code
	Name    string
	Value   string
	PlanPct string
	YoY     string
}

// maxRankRows bounds a ranking table: beyond it the table keeps the best
// and the worst units.
const maxRankRows = 15

// comparison ranks the child units on each indicator that lags (behind
// schedule or at risk) where at least two of them have a figure.
// A group's report (members not nil) ranks the group's units.
func (l lang) comparison(ds *calc.Dataset, unit string, members []string, p planwatch.Period, opt calc.Options, items []*item) []Ranking {
	if ds.Units() == nil {
		return nil
	}
	var out []Ranking
	for _, it := range items {
		if !it.hasData || (it.row.Status != calc.Lagging && it.row.Status != calc.AtRisk) {
			continue
		}
		ind := &it.ind
		var ranked []calc.Ranked
		if members != nil {
			ranked = ds.RankUnits(ind.Code, members, p, opt)
		} else {
			ranked = ds.Rank(ind.Code, unit, p, opt)
		}
		rk := Ranking{Indicator: ind.Code, Title: l.name(ind), Unit: l.unit(ind.Unit)}
		for _, r := range ranked {
			if r.Rank == 0 {
				rk.Unreported++
				continue
			}
			row := RankRow{Rank: r.Rank, Unit: r.Unit, Name: r.Unit, Value: l.number(ind, r.Value.Value)}
			if u, ok := ds.Units().At(r.Unit, p.End()); ok {
				row.Name = l.pick(u.FullName, unitNameEN(u))
				if row.Name == "" {
					row.Name = u.Name
				}
			}
			if r.PlanPct != nil {
				row.PlanPct = l.pct(*r.PlanPct, false)
			}
			if r.YoY != nil {
				row.YoY = l.pct(100+*r.YoY, false)
			}
			rk.Illustrative = rk.Illustrative || illustrative(ds, ind.Code, r.Unit, p, 1)
			rk.Rows = append(rk.Rows, row)
		}
		if len(rk.Rows) < 2 {
			continue
		}
		if n := len(rk.Rows); n > maxRankRows {
			keep := maxRankRows / 2
			rk.Omitted = n - 2*keep
			rk.Rows = append(rk.Rows[:keep:keep], rk.Rows[n-keep:]...)
		}
		out = append(out, rk)
	}
	return out
}

// rankColumns are the headings of a ranking table: rank, unit and figure,
// then % of plan and % of last year where some unit has them.
func (l lang) rankColumns(rk *Ranking) (columns []string, plan, yoy bool) {
	for _, r := range rk.Rows {
		plan, yoy = plan || r.PlanPct != "", yoy || r.YoY != ""
	}
	columns = []string{l.pick("Hạng", "Rank"), l.pick("Đơn vị", "Unit"), l.pick("Thực hiện", "Actual") + " (" + rk.Unit + ")"}
	if plan {
		columns = append(columns, l.pick("So với kế hoạch (%)", "% of plan"))
	}
	if yoy {
		columns = append(columns, l.pick("So với cùng kỳ (%)", "% of same period last year"))
	}
	return columns, plan, yoy
}

// cells returns the row's cells in rankColumns order ("–" for missing).
func (r RankRow) cells(plan, yoy bool) []string {
	out := []string{itoa(r.Rank), r.Name, dash(r.Value)}
	if plan {
		out = append(out, dash(r.PlanPct))
	}
	if yoy {
		out = append(out, dash(r.YoY))
	}
	return out
}
