package rules

import (
	"math"
	"strings"
	"testing"

	"planwatch"
	"planwatch/calc"
	"planwatch/data"
)

// withSaved is the catalogue after a store saved the indicators given
// (replaced by code, the new ones added).
func withSaved(inds, save []planwatch.Indicator) []planwatch.Indicator {
	at := map[string]int{}
	out := append([]planwatch.Indicator(nil), inds...)
	for i, ind := range out {
		at[ind.Code] = i
	}
	for _, ind := range save {
		if i, ok := at[ind.Code]; ok {
			out[i] = ind
		} else {
			at[ind.Code] = len(out)
			out = append(out, ind)
		}
	}
	return out
}

// An indicator attached to one category, then to another: its total is the
// sum of the second category's options only, and the generated rule reads
// those; the first category's sub-indicators are retired (their values
// kept). Removing an option retires its sub-indicator too.
func TestReattachCountsTheCurrentOptionsOnly(t *testing.T) {
	inds, err := data.Indicators()
	if err != nil {
		t.Fatal(err)
	}
	units, trans, err := data.OrgUnits()
	if err != nil {
		t.Fatal(err)
	}
	const total = "trade.retail_sales_services"
	own := planwatch.Category{Code: "own", NameVI: "Sở hữu", Options: []planwatch.CategoryOption{{Code: "state", NameVI: "Nhà nước"}, {Code: "fdi", NameVI: "FDI"}}}
	sec := planwatch.Category{Code: "sec", NameVI: "Ngành", Options: []planwatch.CategoryOption{{Code: "goods", NameVI: "Hàng hóa"}, {Code: "svc", NameVI: "Dịch vụ"}}}
	attach := func(cat planwatch.Category) {
		t.Helper()
		save, err := Attach(inds, total, cat)
		if err != nil {
			t.Fatal(err)
		}
		inds = withSaved(inds, save)
	}
	val := func(option string, v float64) planwatch.DataValue {
		return planwatch.DataValue{Key: planwatch.Key{Indicator: planwatch.SubIndicatorCode(total, option), Unit: "05977", Period: planwatch.MustPeriod("2022Q1")},
			Vintage: planwatch.Official, Value: planwatch.Float(v)}
	}
	vals := []planwatch.DataValue{val("state", 40), val("fdi", 60), val("goods", 70), val("svc", 30)}
	q1 := planwatch.MustPeriod("2022Q1")
	check := func(when string, want float64, parts ...string) {
		t.Helper()
		d := calc.NewDataset(inds, planwatch.NewHierarchy(units, trans), vals, nil, nil)
		if f := d.Value(total, "20", q1); !f.OK || math.Abs(f.Value-want) > 1e-9 {
			t.Errorf("%s: total of 20 = %v (ok=%v), want %v", when, f.Value, f.OK, want)
		}
		var right string
		for _, r := range Generated(inds) {
			if r.Code == BreakdownRulePrefix+total {
				right = r.Right
			}
		}
		var codes []string
		for _, p := range parts {
			codes = append(codes, planwatch.SubIndicatorCode(total, p))
		}
		if want := strings.Join(codes, " + "); right != want {
			t.Errorf("%s: generated rule reads %q, want %q", when, right, want)
		}
		live := map[string]bool{}
		for _, p := range parts {
			live[planwatch.SubIndicatorCode(total, p)] = true
		}
		for _, ind := range inds {
			if parent, _, ok := planwatch.SplitSubIndicator(ind.Code); ok && parent == total && ind.Retired == live[ind.Code] {
				t.Errorf("%s: %s retired=%v", when, ind.Code, ind.Retired)
			}
		}
	}
	attach(own)
	check("own", 100, "fdi", "state")
	attach(sec)
	check("own then sec", 100, "goods", "svc")
	attach(own)
	check("back to own", 100, "fdi", "state")

	// An option removed from the category the indicator is attached to.
	own.Options = own.Options[:1]
	attach(own)
	check("fdi removed", 40, "state")
}

// CheckTreeWithin stops at its limits and says so.
func TestCheckTreeWithinLimits(t *testing.T) {
	inds, err := data.Indicators()
	if err != nil {
		t.Fatal(err)
	}
	units, trans, err := data.OrgUnits()
	if err != nil {
		t.Fatal(err)
	}
	ds := calc.NewDataset(inds, planwatch.NewHierarchy(units, trans), nil, nil, nil)
	set, ps := Compile([]planwatch.ValidationRule{{Code: "never", NameVI: "Luôn sai", Left: "1", Op: planwatch.OpEqual, Right: "2", Importance: "low", Action: planwatch.RuleWarn}}, inds)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	p := planwatch.MustPeriod("2022Q1")
	all := set.CheckTree(ds, "20", p)
	if len(all) < 20 {
		t.Fatalf("a rule broken everywhere: %d violations under 20", len(all))
	}
	for _, tc := range []struct {
		lim         Limits
		want, units int
		capped      bool
	}{
		{Limits{}, len(all), len(all), false},
		{Limits{Units: len(all)}, len(all), len(all), false},
		{Limits{Units: 5}, 5, 5, true},
		{Limits{Violations: 3}, 3, 3, true},
		{Limits{Units: 10, Violations: 7}, 7, 7, true},
	} {
		vs, res := set.CheckTreeWithin(ds, "20", p, tc.lim)
		if len(vs) != tc.want || res.Units != tc.units || res.Capped != tc.capped {
			t.Errorf("%+v: %d violations, %+v; want %d, %d units, capped %v", tc.lim, len(vs), res, tc.want, tc.units, tc.capped)
		}
		if len(vs) > 0 && vs[0].Unit != "20" {
			t.Errorf("%+v: the asked unit is not checked first: %s", tc.lim, vs[0].Unit)
		}
	}
}
