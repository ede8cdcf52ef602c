package calc

import (
	"math"
	"testing"

	"planwatch"
	"planwatch/data"
)

// Derived indicators and breakdown totals on the real units of Lạng Sơn:
// old communes 05977, 05980 and 05992 (district 178) formed, with others,
// the new commune 05977 on 1 July 2025.
func TestDerivedIndicator(t *testing.T) {
	inds, err := data.Indicators()
	if err != nil {
		t.Fatal(err)
	}
	units, trans, err := data.OrgUnits()
	if err != nil {
		t.Fatal(err)
	}
	const (
		total = "trade.retail_sales_services"
		goods = "trade.retail_sales_goods"
	)
	share := planwatch.Indicator{Code: "x.goods_share", NameVI: "Tỷ trọng hàng hóa", Unit: "%", Kind: planwatch.KindRate,
		TimeAgg: planwatch.TimeLast, UnitAgg: planwatch.UnitNone, Direction: 1, Formula: goods + " ÷ " + total + " × 100"}
	growth := planwatch.Indicator{Code: "x.total_growth", NameVI: "Tăng trưởng", Unit: "%", Kind: planwatch.KindRate,
		TimeAgg: planwatch.TimeNone, UnitAgg: planwatch.UnitNone, Direction: 1, Formula: "(" + total + " - " + total + "[-1y]) / " + total + "[-1y] * 100"}
	twice := planwatch.Indicator{Code: "x.twice_share", NameVI: "Gấp đôi", Unit: "%", Kind: planwatch.KindRate,
		TimeAgg: planwatch.TimeLast, UnitAgg: planwatch.UnitNone, Direction: 1, Formula: "2 * x.goods_share"}
	inds = append(inds, share, growth, twice)
	vals := []planwatch.DataValue{
		pv(total, "05977", "2022Q1", 5), pv(total, "05980", "2022Q1", 10), pv(total, "05992", "2022Q1", 2),
		pv(total, "05977", "2021Q1", 4), pv(total, "05980", "2021Q1", 8), pv(total, "05992", "2021Q1", 2),
		pv(goods, "05977", "2022Q1", 3), pv(goods, "05980", "2022Q1", 6), pv(goods, "05992", "2022Q1", 1),
		// A value reported for the derived indicator itself wins where it is given.
		pv("x.goods_share", "05992", "2022Q1", 49),
	}
	d := NewDataset(inds, planwatch.NewHierarchy(units, trans), vals, nil, nil)
	q1 := planwatch.MustPeriod("2022Q1")
	for _, tc := range []struct {
		name, ind, unit string
		rebased         bool
		want            float64
		ok, partial     bool
	}{
		{"commune", "x.goods_share", "05977", false, 3.0 / 5 * 100, true, false},
		{"commune reporting it", "x.goods_share", "05992", false, 49, true, false},
		{"district", "x.goods_share", "178", false, 10.0 / 17 * 100, true, true},
		{"province", "x.goods_share", "20", false, 10.0 / 17 * 100, true, true},
		{"country", "x.goods_share", "VN", false, 10.0 / 17 * 100, true, true},
		{"new commune, rebased", "x.goods_share", "05977", true, 10.0 / 17 * 100, true, true},
		{"operand missing", "x.goods_share", "05971", false, 0, false, false},
		{"growth, province", "x.total_growth", "20", false, (17.0 - 14) / 14 * 100, true, true},
		{"growth, district", "x.total_growth", "178", false, (17.0 - 14) / 14 * 100, true, true},
		{"derived of derived", "x.twice_share", "20", false, 2 * 10.0 / 17 * 100, true, true},
	} {
		var f Figure
		if tc.rebased {
			f = d.RebasedValue(tc.ind, tc.unit, q1)
		} else {
			f = d.Value(tc.ind, tc.unit, q1)
		}
		if f.OK != tc.ok || (tc.ok && math.Abs(f.Value-tc.want) > 1e-9) || f.Partial != tc.partial {
			t.Errorf("%s: %s of %s = %v (ok=%v partial=%v), want %v (ok=%v partial=%v)", tc.name, tc.ind, tc.unit, f.Value, f.OK, f.Partial, tc.want, tc.ok, tc.partial)
		}
	}

	// Its growth and % of plan work as for any indicator.
	d = NewDataset(inds, planwatch.NewHierarchy(units, trans), append(vals,
		pv(goods, "05977", "2021Q1", 2), pv(goods, "05980", "2021Q1", 5), pv(goods, "05992", "2021Q1", 0)),
		[]planwatch.Target{{Indicator: "x.goods_share", Unit: "20", Year: 2022, Kind: planwatch.TargetPlan, Value: 50}}, nil)
	r := d.Row("x.goods_share", "20", q1, Options{})
	if !r.Current.OK || !r.LastYear.OK || math.Abs(r.LastYear.Value-50) > 1e-9 {
		t.Fatalf("row: current %+v, last year %+v (want 7/14 = 50 %%)", r.Current, r.LastYear)
	}
	if r.PPChange == nil || math.Abs(*r.PPChange-(1000.0/17-50)) > 0.01 {
		t.Errorf("change in points = %v, want %v", deref(r.PPChange), 1000.0/17-50)
	}
	if r.PlanPct == nil || math.Abs(*r.PlanPct-1000.0/17/50*100) > 0.01 {
		t.Errorf("%% of plan = %v, want %v", deref(r.PlanPct), 1000.0/17/50*100)
	}

	// A change to an operand reaches the derived figure (memos are dropped).
	d.Apply([]planwatch.DataValue{pv(goods, "05977", "2022Q1", 4)})
	if f := d.Value("x.twice_share", "20", q1); math.Abs(f.Value-2*11.0/17*100) > 1e-9 {
		t.Errorf("after a change of an operand, derived of derived = %v, want %v", f.Value, 2*11.0/17*100)
	}
}

func TestBreakdownTotal(t *testing.T) {
	total := planwatch.Indicator{Code: "inv", NameVI: "Vốn đầu tư", Unit: "tỷ đồng", Kind: planwatch.KindFlow, TimeAgg: planwatch.TimeSum,
		UnitAgg: planwatch.UnitSum, Direction: 1, Category: "ownership"}
	inds := []planwatch.Indicator{total}
	for _, o := range []string{"state", "non_state", "fdi"} {
		sub := total
		sub.Code, sub.Category = planwatch.SubIndicatorCode("inv", o), ""
		inds = append(inds, sub)
	}
	units := []planwatch.OrgUnit{{Code: "P", Name: "P", Level: 1}, {Code: "D1", Name: "D1", Parent: "P", Level: 2}, {Code: "D2", Name: "D2", Parent: "P", Level: 2}}
	vals := []planwatch.DataValue{
		pv("inv~state", "D1", "2022Q1", 1), pv("inv~non_state", "D1", "2022Q1", 2), pv("inv~fdi", "D1", "2022Q1", 3),
		pv("inv~state", "D2", "2022Q1", 10), pv("inv~non_state", "D2", "2022Q1", 20), // fdi not reported
		pv("inv", "D2", "2022Q2", 99), pv("inv~state", "D2", "2022Q2", 1), pv("inv~non_state", "D2", "2022Q2", 1), pv("inv~fdi", "D2", "2022Q2", 1),
	}
	d := NewDataset(inds, planwatch.NewHierarchy(units, nil), vals, nil, nil)
	for _, tc := range []struct {
		unit, period string
		want         float64
		partial      bool
	}{
		{"D1", "2022Q1", 6, false},
		{"D2", "2022Q1", 30, true},  // an option missing
		{"P", "2022Q1", 36, true},   // the parts of P, rolled up from D1 and D2
		{"D2", "2022Q2", 99, false}, // a reported total is kept, not replaced by its parts (3)
		// Over a span where the total was reported for some months only, the
		// total is the parts' (the reported Q2 total, 99, differs from its
		// parts, 3: the breakdown rule flags it).
		{"D2", "2022S1", 32, true},
	} {
		f := d.Value("inv", tc.unit, planwatch.MustPeriod(tc.period))
		if !f.OK || math.Abs(f.Value-tc.want) > 1e-9 || f.Partial != tc.partial {
			t.Errorf("inv %s %s = %v (ok=%v partial=%v), want %v (partial=%v)", tc.unit, tc.period, f.Value, f.OK, f.Partial, tc.want, tc.partial)
		}
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
