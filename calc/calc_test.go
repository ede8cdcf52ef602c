package calc

import (
	"math"
	"testing"
	"time"

	"planwatch"
)

var (
	d2020 = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
)

// A small hierarchy: province P with districts D1, D2; D1 has communes C1, C2.
// After the reform (1 July 2025) communes N1 (from C1 fully and C2 partly, weight 0.5) under P.
func testUnits() *planwatch.Hierarchy { return planwatch.NewHierarchy(testUnitList()) }

func testUnitList() ([]planwatch.OrgUnit, []planwatch.Transition) {
	old := func(code, parent string, level int) planwatch.OrgUnit {
		return planwatch.OrgUnit{Code: code, Name: code, Parent: parent, Level: level, ValidFrom: d2020, ValidTo: planwatch.ReformDate}
	}
	units := []planwatch.OrgUnit{
		{Code: "P", Name: "P", Level: planwatch.LevelProvince, ValidFrom: d2020},
		old("D1", "P", planwatch.LevelDistrict), old("D2", "P", planwatch.LevelDistrict),
		old("C1", "D1", planwatch.LevelCommune), old("C2", "D1", planwatch.LevelCommune),
		old("C3", "D2", planwatch.LevelCommune),
		{Code: "N1", Name: "N1", Parent: "P", Level: planwatch.LevelCommune, ValidFrom: planwatch.ReformDate},
		{Code: "C3", Name: "C3", Parent: "P", Level: planwatch.LevelCommune, ValidFrom: planwatch.ReformDate},
	}
	trans := []planwatch.Transition{
		{Old: "C1", New: "N1", Full: true, Date: planwatch.ReformDate},
		{Old: "C2", New: "N1", Full: false, Weight: 0.5, Date: planwatch.ReformDate},
		{Old: "C3", New: "C3", Full: true, Date: planwatch.ReformDate},
	}
	return units, trans
}

func ind(code string, kind planwatch.Kind, t planwatch.TimeAgg, u planwatch.UnitAgg) planwatch.Indicator {
	return planwatch.Indicator{Code: code, NameVI: code, Unit: "x", Kind: kind, TimeAgg: t, UnitAgg: u, Direction: 1}
}

func val(indicator, unit, period string, v float64, basis planwatch.Basis) planwatch.DataValue {
	return planwatch.DataValue{Key: planwatch.Key{Indicator: indicator, Unit: unit, Period: planwatch.MustPeriod(period)},
		Basis: basis, Vintage: planwatch.Official, Value: planwatch.Float(v)}
}

func pv(indicator, unit, period string, v float64) planwatch.DataValue {
	return val(indicator, unit, period, v, planwatch.BasisPeriod)
}

func testDataset() *Dataset {
	inds := []planwatch.Indicator{
		ind("flow", planwatch.KindFlow, planwatch.TimeSum, planwatch.UnitSum),
		ind("stock", planwatch.KindStock, planwatch.TimeLast, planwatch.UnitSum),
		ind("avg", planwatch.KindAverage, planwatch.TimeLast, planwatch.UnitAvg),
		ind("rate", planwatch.KindRate, planwatch.TimeLast, planwatch.UnitNone),
		ind("num", planwatch.KindCount, planwatch.TimeSum, planwatch.UnitSum),
		ind("den", planwatch.KindCount, planwatch.TimeSum, planwatch.UnitSum),
		{Code: "ratio", NameVI: "ratio", Unit: "%", Kind: planwatch.KindRate, TimeAgg: planwatch.TimeNone, UnitAgg: planwatch.UnitRatio, Numerator: "num", Denominator: "den", Direction: 1},
		ind("cum", planwatch.KindFlow, planwatch.TimeSum, planwatch.UnitSum),
		ind("mavg", planwatch.KindRate, planwatch.TimeAvg, planwatch.UnitNone),
	}
	vals := []planwatch.DataValue{
		// flow: monthly at communes for Q1 2022
		pv("flow", "C1", "202201", 1), pv("flow", "C1", "202202", 2), pv("flow", "C1", "202203", 3),
		pv("flow", "C2", "202201", 10), pv("flow", "C2", "202202", 20), pv("flow", "C2", "202203", 30),
		pv("flow", "C3", "2022Q1", 100),
		// flow after the reform, entered on a pre-reform commune (history kept on C1)
		pv("flow", "C1", "2025Q3", 7),
		// stock: monthly levels
		pv("stock", "C1", "202201", 50), pv("stock", "C1", "202202", 60), pv("stock", "C1", "202203", 70),
		pv("stock", "C3", "202203", 5), pv("stock", "C3", "2021", 4),
		pv("stock", "C1", "2021", 40),
		// average per unit
		pv("avg", "C1", "2022Q1", 10), pv("avg", "C2", "2022Q1", 14), pv("avg", "C3", "2022Q1", 18),
		// rate, at communes only
		pv("rate", "C1", "2022Q1", 40), pv("rate", "C2", "2022Q1", 60),
		// ratio parts
		pv("num", "C1", "2022Q1", 1), pv("den", "C1", "2022Q1", 4),
		pv("num", "C2", "2022Q1", 3), pv("den", "C2", "2022Q1", 4),
		// cumulative basis: Jan–Apr lũy kế 40, Jan–Mar lũy kế 30 → April = 10
		val("cum", "C1", "202201-202204", 40, planwatch.BasisCumulative),
		val("cum", "C1", "2022Q1", 30, planwatch.BasisCumulative),
		// monthly average over time
		pv("mavg", "C1", "202201", 1), pv("mavg", "C1", "202202", 2), pv("mavg", "C1", "202203", 6),
	}
	return NewDataset(inds, testUnits(), vals, nil, nil)
}

func TestAggregationRules(t *testing.T) {
	d := testDataset()
	tests := []struct {
		name      string
		indicator string
		unit      string
		period    string
		want      float64 // NaN = missing
	}{
		{"flow sums months", "flow", "C1", "2022Q1", 6},
		{"flow sums months and units", "flow", "D1", "2022Q1", 66},
		{"flow sums reported quarter with monthly siblings", "flow", "P", "2022Q1", 166},
		{"flow partial period", "flow", "C2", "202201-202202", 30},
		{"flow missing month is missing, not zero", "flow", "C1", "2022S1", math.NaN()},
		{"stock takes the last month, never the sum", "stock", "C1", "2022Q1", 70},
		{"stock sums over units", "stock", "P", "2022Q1", 75},
		{"stock at end of previous year", "stock", "P", "2021", 44},
		{"stock missing at period end", "stock", "C1", "202204", math.NaN()},
		{"per-unit average averages over units", "avg", "D1", "2022Q1", 12},
		{"average of averages by district", "avg", "P", "2022Q1", 15},
		{"rate is never summed over units", "rate", "D1", "2022Q1", math.NaN()},
		{"rate reported at the unit", "rate", "C2", "2022Q1", 60},
		{"ratio recomputed from numerator and denominator", "ratio", "D1", "2022Q1", 50},
		{"cumulative converted to the month", "cum", "C1", "202204", 10},
		{"cumulative is the year-to-date", "cum", "C1", "202201-202204", 40},
		{"monthly average over time", "mavg", "C1", "2022Q1", 3},
		{"pre-reform commune rolls up after the reform", "flow", "P", "2025Q3", 7},
		{"unknown indicator", "nope", "P", "2022Q1", math.NaN()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := d.Value(tt.indicator, tt.unit, planwatch.MustPeriod(tt.period))
			if math.IsNaN(tt.want) {
				if f.OK {
					t.Fatalf("got %v, want missing", f.Value)
				}
				return
			}
			if !f.OK || math.Abs(f.Value-tt.want) > 1e-9 {
				t.Fatalf("got %v (ok=%v), want %v", f.Value, f.OK, tt.want)
			}
		})
	}
}

func TestRebaseToNewUnits(t *testing.T) {
	d := testDataset()
	// N1 = C1 (full) + 0.5 × C2 for Q1 2022: 6 + 0.5 × 60.
	f := d.Value("flow", "N1", planwatch.MustPeriod("2022Q1"))
	if !f.OK || f.Value != 36 {
		t.Fatalf("N1 2022Q1 = %v ok=%v, want 36", f.Value, f.OK)
	}
	// The same code C3 names the old commune before the reform and the new one after.
	if f := d.RebasedValue("flow", "C3", planwatch.MustPeriod("2022Q1")); !f.OK || f.Value != 100 {
		t.Fatalf("C3 rebased = %v ok=%v, want 100", f.Value, f.OK)
	}
	// The province total before the reform is unchanged by the mapping.
	if f := d.Value("flow", "P", planwatch.MustPeriod("2022Q1")); f.Value != 166 {
		t.Fatalf("P = %v", f.Value)
	}
}

func TestValidateRejectsImpossibleAggregations(t *testing.T) {
	bad := []planwatch.Indicator{
		ind("s", planwatch.KindStock, planwatch.TimeSum, planwatch.UnitSum),
		ind("r", planwatch.KindRate, planwatch.TimeLast, planwatch.UnitSum),
		ind("i", planwatch.KindIndex, planwatch.TimeSum, planwatch.UnitNone),
		ind("a", planwatch.KindAverage, planwatch.TimeLast, planwatch.UnitSum),
		ind("q", planwatch.KindRate, planwatch.TimeLast, planwatch.UnitRatio),
	}
	for _, b := range bad {
		if err := b.Validate(); err == nil {
			t.Errorf("%s/%s/%s: accepted", b.Kind, b.TimeAgg, b.UnitAgg)
		}
	}
}

func TestStatusComputations(t *testing.T) {
	inds := []planwatch.Indicator{
		ind("flow", planwatch.KindFlow, planwatch.TimeSum, planwatch.UnitSum),
		ind("stock", planwatch.KindStock, planwatch.TimeLast, planwatch.UnitSum),
	}
	vals := []planwatch.DataValue{
		pv("flow", "P", "2022Q1", 30), pv("flow", "P", "2021Q1", 25),
		pv("stock", "P", "2022Q1", 110), pv("stock", "P", "2021", 100),
	}
	targets := []planwatch.Target{{Indicator: "flow", Unit: "P", Year: 2022, Kind: planwatch.TargetPlan, Value: 100, Version: 1}}
	d := NewDataset(inds, testUnits(), vals, targets, nil)
	r := d.Row("flow", "P", planwatch.MustPeriod("2022Q1"), DefaultOptions())
	if r.PlanPct == nil || *r.PlanPct != 30 {
		t.Fatalf("plan pct %v", r.PlanPct)
	}
	if r.YoY == nil || *r.YoY != 20 {
		t.Fatalf("yoy %v", r.YoY)
	}
	if r.PaceMethod != "linear" || *r.ExpectedPct != 25 || r.Status != OnTrack {
		t.Fatalf("pace %s %v status %s", r.PaceMethod, *r.ExpectedPct, r.Status)
	}
	if r.Projection == nil || *r.Projection != 120 {
		t.Fatalf("projection %v", r.Projection)
	}
	s := d.Row("stock", "P", planwatch.MustPeriod("2022Q1"), DefaultOptions())
	if s.VsRef == nil || *s.VsRef != 10 {
		t.Fatalf("vs 31/12 %v", s.VsRef)
	}
	if s.Status != NoTarget {
		t.Fatalf("stock status %s", s.Status)
	}
	// Thresholds are ordered and configurable.
	opt := DefaultOptions()
	opt.Thresholds = []Threshold{{OnTrack, 1.5}, {AtRisk, 1.1}, {Lagging, math.Inf(-1)}}
	if r := d.Row("flow", "P", planwatch.MustPeriod("2022Q1"), opt); r.Status != AtRisk {
		t.Fatalf("custom thresholds: %s", r.Status)
	}
}

func TestSeasonalPace(t *testing.T) {
	inds := []planwatch.Indicator{ind("flow", planwatch.KindFlow, planwatch.TimeSum, planwatch.UnitSum)}
	var vals []planwatch.DataValue
	// Past years: Q1 carries 10% of the year in every year (at commune level, so the roll-up is computed).
	for _, y := range []string{"2020", "2021"} {
		vals = append(vals, pv("flow", "C1", y+"Q1", 10), pv("flow", "C1", y+"Q2", 30), pv("flow", "C1", y+"Q3", 30), pv("flow", "C1", y+"Q4", 30))
	}
	vals = append(vals, pv("flow", "C1", "2022Q1", 12))
	targets := []planwatch.Target{{Indicator: "flow", Unit: "D1", Year: 2022, Kind: planwatch.TargetPlan, Value: 100}}
	d := NewDataset(inds, testUnits(), vals, targets, nil)
	r := d.Row("flow", "D1", planwatch.MustPeriod("2022Q1"), DefaultOptions())
	if r.PaceMethod != "seasonal" || r.ExpectedPct == nil || *r.ExpectedPct != 10 {
		t.Fatalf("pace %s %v", r.PaceMethod, r.ExpectedPct)
	}
	if r.Status != Achieved && r.Status != OnTrack {
		t.Fatalf("status %s", r.Status)
	}
	if r.Projection == nil || math.Abs(*r.Projection-120) > 1e-9 {
		t.Fatalf("projection %v", r.Projection)
	}
}

func TestNormalizeCumulative(t *testing.T) {
	v := val("cum", "C1", "202204", 40, planwatch.BasisCumulative)
	v.Normalize()
	if v.Period.ID() != "202201-202204" {
		t.Fatalf("cumulative April keyed as %s", v.Period.ID())
	}
	p := pv("flow", "C1", "202204", 10)
	p.Normalize()
	if p.Period.ID() != "202204" {
		t.Fatalf("period April keyed as %s", p.Period.ID())
	}
}

func TestApplyIncremental(t *testing.T) {
	d := testDataset()
	q1 := planwatch.MustPeriod("2022Q1")
	d.Value("flow", "D1", q1)          // memoised: 66
	d.Value("ratio", "D1", q1)         // 50
	stock := d.Value("stock", "P", q1) // 75, untouched
	d.Apply([]planwatch.DataValue{pv("flow", "C2", "2022Q1", 100), pv("num", "C2", "2022Q1", 1)})
	if f := d.Value("flow", "D1", q1); f.Value != 106 {
		t.Errorf("flow D1 after a write = %v, want 6 + 100", f.Value)
	}
	if f := d.Value("ratio", "D1", q1); f.Value != 25 {
		t.Errorf("ratio after its numerator changed = %v, want 25", f.Value)
	}
	if f := d.Value("stock", "P", q1); f.Value != stock.Value {
		t.Errorf("untouched stock = %v", f.Value)
	}
	// A withdrawal removes the value: C2's months count again.
	gone := pv("flow", "C2", "2022Q1", 0)
	gone.Value, gone.Deleted = nil, true
	d.Apply([]planwatch.DataValue{gone})
	if f := d.Value("flow", "D1", q1); f.Value != 66 {
		t.Errorf("flow D1 after the withdrawal = %v, want 66", f.Value)
	}
}
