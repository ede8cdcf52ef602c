package calc

import (
	"math"
	"testing"

	"planwatch"
	"planwatch/data"
)

// Lạng Sơn's communes before and after the 1 July 2025 reform, from the
// embedded GSO lists and mapping: old 05977 Vĩnh Trại, 05980 Đông Kinh and
// 05992 Mai Pha (among others) formed the new Phường Đông Kinh, which kept code 05977.
func TestReformRollUpWithRealUnits(t *testing.T) {
	inds, err := data.Indicators()
	if err != nil {
		t.Fatal(err)
	}
	units, trans, err := data.OrgUnits()
	if err != nil {
		t.Fatal(err)
	}
	h := planwatch.NewHierarchy(units, trans)
	const code = "trade.retail_sales_services"
	vals := []planwatch.DataValue{
		pv(code, "05977", "2022Q1", 5), pv(code, "05980", "2022Q1", 10), pv(code, "05992", "2022Q1", 2),
		// A late figure for a pre-reform commune, for a period after the reform.
		pv(code, "05980", "2025Q3", 7),
		// A figure of a new commune after the reform.
		pv(code, "06187", "2025Q3", 4),
	}
	d := NewDataset(inds, h, vals, nil, nil)

	if f := d.Value(code, "20", planwatch.MustPeriod("2022Q1")); !f.OK || f.Value != 17 {
		t.Errorf("province 20, 2022Q1 = %v (ok=%v), want 17", f.Value, f.OK)
	}
	if f := d.Value(code, "20", planwatch.MustPeriod("2025Q3")); !f.OK || f.Value != 11 {
		t.Errorf("province 20, 2025Q3 = %v (ok=%v), want 11 (7 from old commune 05980 + 4 from new 06187)", f.Value, f.OK)
	}
	// The district level of 2022 still exists for 2022 periods.
	if f := d.Value(code, "178", planwatch.MustPeriod("2022Q1")); !f.OK || f.Value != 17 {
		t.Errorf("district 178 (Thành phố Lạng Sơn), 2022Q1 = %v, want 17", f.Value)
	}
	// Code 05977 before the reform names old Vĩnh Trại …
	if f := d.Value(code, "05977", planwatch.MustPeriod("2022Q1")); !f.OK || f.Value != 5 {
		t.Errorf("old 05977, 2022Q1 = %v, want 5", f.Value)
	}
	// … and the new-commune view of that history sums the communes it was formed of.
	f := d.RebasedValue(code, "05977", planwatch.MustPeriod("2022Q1"))
	if !f.OK || f.Value != 17 {
		t.Errorf("new 05977 (Đông Kinh) rebased 2022Q1 = %v (ok=%v), want 17", f.Value, f.OK)
	}
	if f.Expected <= f.Units || !f.Partial {
		// Other predecessors reported nothing: the figure must say it is incomplete.
		t.Errorf("rebased figure should be marked partial: units %d of %d", f.Units, f.Expected)
	}
	// New commune 06187 (Kỳ Lừa) was formed wholly of old 05971, which has no data: missing, not zero.
	if f := d.RebasedValue(code, "06187", planwatch.MustPeriod("2022Q1")); f.OK {
		t.Errorf("06187 rebased = %v, want missing", f.Value)
	}
	// 65 communes under Lạng Sơn after the reform; 11 districts before.
	if n := len(h.ChildrenAt("20", planwatch.MustPeriod("2025Q3").End())); n != 65 {
		t.Errorf("Lạng Sơn has %d children after the reform, want 65", n)
	}
	if n := len(h.ChildrenAt("20", planwatch.MustPeriod("2022Q1").End())); n != 11 {
		t.Errorf("Lạng Sơn has %d children in 2022, want 11", n)
	}
}

func realDataset(t *testing.T, vals []planwatch.DataValue, targets []planwatch.Target) *Dataset {
	t.Helper()
	inds, err := data.Indicators()
	if err != nil {
		t.Fatal(err)
	}
	units, trans, err := data.OrgUnits()
	if err != nil {
		t.Fatal(err)
	}
	return NewDataset(inds, planwatch.NewHierarchy(units, trans), vals, targets, nil)
}

// Issue 16's example: new Tuyên Quang (08) = old Tuyên Quang (08) + Hà Giang (02).
func TestReformGrowthComparesTheSameTerritory(t *testing.T) {
	const code = "trade.retail_sales_services"
	q3 := planwatch.MustPeriod("2025Q3")
	vals := []planwatch.DataValue{pv(code, "02", "2024Q3", 1000), pv(code, "08", "2024Q3", 2000), pv(code, "08", "2025Q3", 3150)}
	d := realDataset(t, vals, nil)
	r := d.Row(code, "08", q3, DefaultOptions())
	if r.YoY == nil || *r.YoY != 5 {
		t.Fatalf("growth of new 08 = %v, want +5 (3150 against 1000 + 2000)", r.YoY)
	}
	if got := r.LastYear.DerivedFrom; len(got) != 2 || got[0] != "02" || got[1] != "08" {
		t.Errorf("last year derived from %v, want [02 08]", got)
	}
	// Old Tuyên Quang's own 2024 figure is still what 08 reported in 2024.
	if f := d.Value(code, "08", planwatch.MustPeriod("2024Q3")); f.Value != 2000 || len(f.DerivedFrom) != 0 {
		t.Errorf("08 in 2024Q3 = %v from %v, want 2000 as reported", f.Value, f.DerivedFrom)
	}
	// A value restated for the new territory wins over the derived one.
	re := pv(code, "08", "2024Q3", 3100)
	re.Source.Kind = planwatch.SourceRestated
	d.Apply([]planwatch.DataValue{re})
	r = d.Row(code, "08", q3, DefaultOptions())
	if r.YoY == nil || *r.YoY != 1.61 || !r.LastYear.Restated {
		t.Fatalf("growth against the restated figure = %v (restated %v), want +1.61", r.YoY, r.LastYear.Restated)
	}
	// The country counts each province once: 02 and 08 in 2024, new 08 in 2025.
	if f := d.Value(code, planwatch.CountryCode, planwatch.MustPeriod("2024Q3")); f.Value != 3100+1000 {
		// 08 restated its 2024Q3 (3100) — that replaces old 08's own figure of the same key.
		t.Errorf("country 2024Q3 = %v, want 4100", f.Value)
	}
	if f := d.Value(code, planwatch.CountryCode, q3); f.Value != 3150 {
		t.Errorf("country 2025Q3 = %v, want 3150", f.Value)
	}
}

// Totals over a span that crosses the reform add the former units' months
// and the new unit's months; so does the country.
func TestReformSpanCountsEveryMonth(t *testing.T) {
	const code = "trade.retail_sales_services"
	var vals []planwatch.DataValue
	for m := 1; m <= 9; m++ {
		p := planwatch.MonthOf(2025, m).ID()
		if m <= 6 {
			vals = append(vals, pv(code, "02", p, 10), pv(code, "08", p, 20))
		} else {
			vals = append(vals, pv(code, "08", p, 31))
		}
	}
	d := realDataset(t, vals, nil)
	nine := planwatch.YearToDateOf(2025, 9)
	if f := d.Value(code, "08", nine); !f.OK || f.Value != 6*30+3*31 {
		t.Errorf("new 08, 9 months 2025 = %v (ok %v), want %v", f.Value, f.OK, 6*30+3*31)
	}
	if f := d.Value(code, planwatch.CountryCode, nine); !f.OK || f.Value != 6*30+3*31 {
		t.Errorf("country, 9 months 2025 = %v (ok %v), want %v", f.Value, f.OK, 6*30+3*31)
	}
	// Hà Giang's own figure for the first half is still its own.
	if f := d.Value(code, "02", planwatch.HalfOf(2025, 1)); f.Value != 60 {
		t.Errorf("02, 2025S1 = %v, want 60", f.Value)
	}
}

// Table test over the kinds of transition and aggregation, on the small
// hierarchy of calc_test (N1 = C1 + 0.5 × C2; C3 kept its code and moved
// under P): the figure of the new unit for a pre-reform period and for a
// span that crosses the reform.
func TestReformTable(t *testing.T) {
	inds := []planwatch.Indicator{
		ind("flow", planwatch.KindFlow, planwatch.TimeSum, planwatch.UnitSum),
		ind("stock", planwatch.KindStock, planwatch.TimeLast, planwatch.UnitSum),
		ind("avg", planwatch.KindAverage, planwatch.TimeAvg, planwatch.UnitAvg),
		ind("rate", planwatch.KindRate, planwatch.TimeLast, planwatch.UnitNone),
		ind("num", planwatch.KindCount, planwatch.TimeSum, planwatch.UnitSum),
		ind("den", planwatch.KindCount, planwatch.TimeSum, planwatch.UnitSum),
		{Code: "ratio", NameVI: "ratio", Unit: "%", Kind: planwatch.KindRate, TimeAgg: planwatch.TimeNone, UnitAgg: planwatch.UnitRatio, Numerator: "num", Denominator: "den", Direction: 1},
	}
	var vals []planwatch.DataValue
	for m := 1; m <= 12; m++ {
		p := planwatch.MonthOf(2025, m).ID()
		if m <= 6 {
			vals = append(vals, pv("flow", "C1", p, 1), pv("flow", "C2", p, 10), pv("flow", "C3", p, 100),
				pv("avg", "C1", p, 2), pv("avg", "C2", p, 4), pv("avg", "C3", p, 6),
				pv("num", "C1", p, 1), pv("den", "C1", p, 4), pv("num", "C2", p, 2), pv("den", "C2", p, 4))
		} else {
			vals = append(vals, pv("flow", "N1", p, 7), pv("flow", "C3", p, 101), pv("avg", "N1", p, 5), pv("avg", "C3", p, 7),
				pv("num", "N1", p, 2), pv("den", "N1", p, 6))
		}
	}
	vals = append(vals, pv("stock", "C1", "202406", 50), pv("stock", "C2", "202406", 80), pv("stock", "N1", "202509", 95),
		pv("rate", "C1", "202406", 12), pv("rate", "N1", "202509", 13))
	h := testUnits()
	d := NewDataset(inds, h, vals, nil, nil)
	tests := []struct {
		name, indicator, unit, period string
		want                          float64 // NaN: missing
		partial                       bool
	}{
		{"full + weighted split, flow, before", "flow", "N1", "2025Q2", 3*1 + 0.5*3*10, false},
		{"flow across the reform", "flow", "N1", "202501-202509", 6*1 + 0.5*6*10 + 3*7, false},
		{"kept its code, flow across", "flow", "C3", "202501-202509", 6*100 + 3*101, false},
		{"province counts every month", "flow", "P", "202501-202509", 6*(1+10+100) + 3*(7+101), false},
		{"stock: the level at the end, before", "stock", "N1", "202406", 50 + 0.5*80, false},
		{"stock across: the level at the end", "stock", "N1", "202509", 95, false},
		{"average over units, before", "avg", "N1", "2025Q2", (2 + 0.5*4) / 2, false},
		{"monthly average across", "avg", "N1", "202501-202509", (6*((2+0.5*4)/2) + 3*5) / 9, false},
		{"rate never rebased over units", "rate", "N1", "202406", math.NaN(), false},
		{"ratio from rebased parts", "ratio", "N1", "2025Q2", (3*1 + 0.5*3*2) / (3*4 + 0.5*3*4) * 100, false},
		{"province is untouched by the mapping before", "flow", "P", "2025Q2", 3 * (1 + 10 + 100), false},
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
			if !f.OK || math.Abs(f.Value-tt.want) > 1e-9 || f.Partial != tt.partial {
				t.Fatalf("got %v (ok %v, partial %v), want %v (partial %v)", f.Value, f.OK, f.Partial, tt.want, tt.partial)
			}
		})
	}
}

// Plans set before the reform for the former units: the new unit's target
// adds them up (flows), and a milestone all of them set alike is carried over.
func TestReformPlansRollOn(t *testing.T) {
	const code = "trade.retail_sales_services"
	adopted := planwatch.MustPeriod("2024Q4").End()
	target := func(unit string, v float64) planwatch.Target {
		return planwatch.Target{Indicator: code, Unit: unit, Year: 2025, Kind: planwatch.TargetPlan, Value: v, Version: 1, Adopted: adopted}
	}
	d := realDataset(t, []planwatch.DataValue{pv(code, "08", "2025Q3", 3150)}, []planwatch.Target{target("02", 4000), target("08", 8000)})
	d.SetTargets([]planwatch.Target{target("02", 4000), target("08", 8000)}, nil)
	r := d.Row(code, "08", planwatch.MustPeriod("2025Q3"), DefaultOptions())
	if r.Target == nil || *r.Target != 12000 || len(r.TargetFrom) != 2 {
		t.Fatalf("target of new 08 = %v from %v, want 4000 + 8000 from [02 08]", r.Target, r.TargetFrom)
	}
	// A missing former target is flagged.
	d.SetTargets([]planwatch.Target{target("08", 8000)}, nil)
	r = d.Row(code, "08", planwatch.MustPeriod("2025Q3"), DefaultOptions())
	if r.Target == nil || *r.Target != 8000 || !r.TargetPartial {
		t.Errorf("with Hà Giang's plan missing: target %v partial %v, want 8000 marked partial", r.Target, r.TargetPartial)
	}
	// Milestones: N1 (a new code) takes over the one C1 and C2 both set, not ones that differ.
	inds := []planwatch.Indicator{ind("flow", planwatch.KindFlow, planwatch.TimeSum, planwatch.UnitSum)}
	half := planwatch.HalfOf(2025, 1)
	ms := func(unit string, share float64) planwatch.Milestone {
		return planwatch.Milestone{Indicator: "flow", Unit: unit, Period: half, Share: share, Bound: planwatch.BoundMin, TargetKind: planwatch.TargetPlan}
	}
	small := NewDataset(inds, testUnits(), []planwatch.DataValue{pv("flow", "N1", "2025Q3", 1)}, nil, []planwatch.Milestone{ms("C1", 45), ms("C2", 45)})
	if r := small.Row("flow", "N1", planwatch.MustPeriod("2025Q3"), DefaultOptions()); len(r.Milestones) != 1 || r.Milestones[0].Share != 45 || len(r.Milestones[0].From) != 2 {
		t.Fatalf("milestones of N1 = %+v, want the 45%% both C1 and C2 set", r.Milestones)
	}
	small = NewDataset(inds, testUnits(), []planwatch.DataValue{pv("flow", "N1", "2025Q3", 1)}, nil, []planwatch.Milestone{ms("C1", 45), ms("C2", 50)})
	if r := small.Row("flow", "N1", planwatch.MustPeriod("2025Q3"), DefaultOptions()); len(r.Milestones) != 0 {
		t.Errorf("milestones that differ were carried over: %+v", r.Milestones)
	}
	// A target adopted after the reform is the new unit's own.
	d.SetTargets([]planwatch.Target{{Indicator: code, Unit: "08", Year: 2025, Kind: planwatch.TargetPlan, Value: 13000, Version: 2, Adopted: planwatch.MustPeriod("2025Q3").End()}}, nil)
	if r := d.Row(code, "08", planwatch.MustPeriod("2025Q3"), DefaultOptions()); r.Target == nil || *r.Target != 13000 || len(r.TargetFrom) != 0 {
		t.Errorf("a plan adopted after the reform: %v from %v, want 13000 as the unit's own", r.Target, r.TargetFrom)
	}
}
