package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"planwatch"
	"planwatch/calc"
	"planwatch/vi"
)

// statusRow is one line of `planwatch status`; the JSON form gives numbers as numbers.
type statusRow struct {
	Indicator    string          `json:"indicator"`
	Name         string          `json:"name"`
	Unit         string          `json:"unit"`      // display unit
	BaseUnit     string          `json:"base_unit"` // unit of value and plan
	Value        *float64        `json:"value"`
	ValueText    string          `json:"value_text"`
	Estimate     bool            `json:"estimate"`
	YTD          *float64        `json:"ytd,omitempty"` // lũy kế from 1 January, for flows when the period is not itself year-to-date
	YTDText      string          `json:"ytd_text,omitempty"`
	Plan         *float64        `json:"plan"`
	PlanPct      *float64        `json:"plan_pct"`
	PlanPctFrom  string          `json:"plan_pct_from,omitempty"` // reported | computed
	YoYPct       *float64        `json:"yoy_pct"`
	YoYFrom      string          `json:"yoy_from,omitempty"`
	PPChange     *float64        `json:"pp_change,omitempty"`
	VsRef        *vsRef          `json:"vs_ref"`
	ExpectedPct  *float64        `json:"expected_pct"`
	Pace         string          `json:"pace,omitempty"`
	Projection   *float64        `json:"projection"`
	Status       calc.Status     `json:"status"`
	Completeness *completeness   `json:"completeness,omitempty"`
	Milestones   []milestoneJSON `json:"milestones,omitempty"`
	Formula      string          `json:"formula,omitempty"` // a derived indicator's formula
}

type vsRef struct {
	Pct  float64 `json:"pct"`
	Ref  string  `json:"ref"`
	From string  `json:"from"`
}

type completeness struct {
	Units    int `json:"units"`
	Expected int `json:"expected"`
}

type milestoneJSON struct {
	Period   string   `json:"period"`
	SharePct float64  `json:"share_pct"`
	Bound    string   `json:"bound"`
	Due      bool     `json:"due"`
	Reached  *float64 `json:"reached_pct"`
	Met      *bool    `json:"met"`
}

func cmdStatus(ctx context.Context, env *Env, args []string) error {
	fs, db := storeFlags(env, "status")
	unit := fs.String("unit", "", "mã đơn vị hành chính / GSO unit code (e.g. 20)")
	period := fs.String("period", "", "kỳ báo cáo / period id (2022Q1, 202203, 2022S1, 2022Q1-Q3 …)")
	format := fs.String("format", "table", "table | json")
	lang := fs.String("lang", "vi", "vi | en")
	approved := fs.Bool("approved-only", false, "chỉ số liệu đã duyệt / approved data only")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	s, p, err := openForPeriod(ctx, env, *db, *unit, *period)
	if err != nil {
		return err
	}
	defer s.Close()
	live, err := openIndex(ctx, env, s, *approved)
	if err != nil {
		return err
	}
	ds := live.Dataset()
	if _, ok := ds.Units().Latest(*unit); !ok {
		return planwatch.Errorf(planwatch.ENOTFOUND, "không có đơn vị %q / unknown unit", *unit)
	}
	opt := calc.DefaultOptions()
	if opt.Set, err = indicatorSet(ctx, s, *unit, p.Year); err != nil {
		return err
	}
	rows := statusRows(ds, *unit, p, opt)
	// The figures computed are kept for the next command over the same
	// state (calc.Live.SaveFigures); a cache: the answer stands without it.
	_ = live.SaveFigures()
	switch *format {
	case "json":
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"unit": *unit, "period": p.ID(), "label": p.Label(*lang), "rows": rows})
	case "table":
		return printStatusTable(env.Stdout, ds, *unit, p, rows, *lang)
	}
	return fmt.Errorf("--format %q: table | json", *format)
}

func statusRows(ds *calc.Dataset, unit string, p planwatch.Period, opt calc.Options) []statusRow {
	var out []statusRow
	for _, r := range ds.Status(unit, p, opt) {
		base, _ := r.Indicator.BaseUnit()
		row := statusRow{
			Indicator: r.Indicator.Code, Name: r.Indicator.NameVI, Unit: r.Indicator.Unit, BaseUnit: base,
			Estimate: r.Estimate, Plan: r.Target, PlanPct: r.PlanPct, YoYPct: r.YoY, PPChange: r.PPChange,
			ExpectedPct: r.ExpectedPct, Pace: r.PaceMethod, Projection: r.Projection, Status: r.Status,
			Formula: r.Indicator.Formula,
		}
		if r.Current.OK {
			row.Value = &r.Current.Value
			row.ValueText = displayValue(&r.Indicator, r.Current.Value)
			if r.Current.Expected > 0 {
				row.Completeness = &completeness{r.Current.Units, r.Current.Expected}
			}
		}
		if r.YTD.OK && !p.SameMonths(p.YearToDate()) && r.Indicator.TimeAgg == planwatch.TimeSum {
			row.YTD = &r.YTD.Value
			row.YTDText = displayValue(&r.Indicator, r.YTD.Value)
		}
		if r.PlanPct != nil {
			row.PlanPctFrom = from(r.PlanPctReported)
		}
		if r.YoY != nil {
			row.YoYFrom = from(r.YoYReported)
		}
		if r.VsRef != nil {
			row.VsRef = &vsRef{Pct: *r.VsRef, Ref: r.RefDate.Format("2006-01-02"), From: from(r.VsRefReported)}
		}
		for _, m := range r.Milestones {
			row.Milestones = append(row.Milestones, milestoneJSON{Period: m.Period.ID(), SharePct: m.Share,
				Bound: string(m.Bound), Due: m.Due, Reached: m.Reached, Met: m.Met})
		}
		out = append(out, row)
	}
	return out
}

func from(reported bool) string {
	if reported {
		return "reported"
	}
	return "computed"
}

// displayValue writes a base-unit value in the indicator's display unit: "5.953 tỷ đồng".
func displayValue(ind *planwatch.Indicator, base float64) string {
	_, scale := ind.BaseUnit()
	return vi.FormatAmount(base, ind.Unit, scale, ind.Decimals)
}

var statusLabels = map[calc.Status][2]string{
	calc.OnTrack:  {"đúng tiến độ", "on track"},
	calc.AtRisk:   {"có nguy cơ chậm", "at risk"},
	calc.Lagging:  {"chậm tiến độ", "lagging"},
	calc.Achieved: {"đã đạt kế hoạch", "achieved"},
	calc.NoTarget: {"chưa có chỉ tiêu", "no target"},
	calc.NoData:   {"chưa có số liệu", "no data"},
}

func statusLabel(s calc.Status, lang string) string {
	if lang == "en" {
		return statusLabels[s][1]
	}
	return statusLabels[s][0]
}

func pct(x *float64) string {
	if x == nil {
		return "–"
	}
	return vi.FormatPercent(*x, 2)
}

func signedPct(x *float64) string {
	if x == nil {
		return "–"
	}
	s := vi.FormatPercent(*x, 2)
	if *x > 0 {
		s = "+" + s
	}
	return s
}

func printStatusTable(w io.Writer, ds *calc.Dataset, unit string, p planwatch.Period, rows []statusRow, lang string) error {
	name := unit
	if u, ok := ds.Units().Latest(unit); ok {
		name = u.FullName
	}
	head := []string{"Mã", "Chỉ tiêu", "Giá trị", "Kế hoạch", "% KH", "Tiến độ dự kiến", "So cùng kỳ", "So 31/12", "Tình trạng"}
	title := fmt.Sprintf("%s — %s", name, p.LabelVI())
	if lang == "en" {
		head = []string{"Code", "Indicator", "Value", "Plan", "% of plan", "Expected pace", "vs same period", "vs 31/12", "Status"}
		title = fmt.Sprintf("%s — %s", name, p.LabelEN())
	}
	fmt.Fprintln(w, title)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for i, h := range head {
		if i > 0 {
			fmt.Fprint(tw, "\t")
		}
		fmt.Fprint(tw, h)
	}
	fmt.Fprintln(tw)
	for _, r := range rows {
		ind := ds.Indicators()[r.Indicator]
		value := "–"
		if r.Value != nil {
			value = r.ValueText
			if r.Estimate {
				value = "ước " + value
			}
		}
		if r.YTD != nil {
			value += " (lũy kế " + r.YTDText + ")"
		}
		plan := "–"
		if r.Plan != nil {
			plan = displayValue(&ind, *r.Plan)
		}
		ref := "–"
		if r.VsRef != nil {
			ref = signedPct(&r.VsRef.Pct)
		}
		growth := signedPct(r.YoYPct)
		if r.PPChange != nil {
			growth = vi.FormatNumber(*r.PPChange, 2) + " điểm %"
		}
		status := statusLabel(r.Status, lang)
		for _, m := range r.Milestones {
			status += fmt.Sprintf("; mốc %s ≥ %s", planwatch.MustPeriod(m.Period).LabelVI(), vi.FormatPercent(m.SharePct, 1))
		}
		name := ind.NameVI
		if lang == "en" && ind.NameEN != "" {
			name = ind.NameEN
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Indicator, name, value, plan, pct(r.PlanPct), pct(r.ExpectedPct), growth, ref, status)
	}
	return tw.Flush()
}
