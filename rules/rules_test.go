package rules

import (
	"bytes"
	"strings"
	"testing"

	"planwatch"
	"planwatch/calc"
	"planwatch/data"
	"planwatch/formula"
)

func TestStarterSetCompilesAgainstTheCatalogue(t *testing.T) {
	inds, err := data.Indicators()
	if err != nil {
		t.Fatal(err)
	}
	rs := Starter()
	if len(rs) < 10 {
		t.Fatalf("starter set has %d rules", len(rs))
	}
	if err := CheckAgainst(rs, inds); err != nil {
		t.Fatal(errorText(err))
	}
	set, _ := Compile(rs, inds)
	// Shares: rates in % but not growth rates.
	shares := map[string]bool{}
	for _, c := range set.checks {
		if c.rule.Code == "share.max" {
			shares[c.indicator] = true
		}
	}
	if !shares["forest.cover_rate"] || !shares["invest.public_disbursement_rate"] || shares["macro.grdp_growth"] || shares["living.poverty_rate_reduction"] {
		t.Errorf("share.max applies to %v", shares)
	}
}

func errorText(err error) string {
	s := err.Error()
	if pe, ok := err.(*planwatch.Error); ok {
		for _, p := range pe.Problems {
			s += "\n" + p.Column + " " + p.Value + " " + p.Reason
		}
	}
	return s
}

func TestBroken(t *testing.T) {
	v := func(x float64) formula.Value { return formula.Value{V: x, OK: true} }
	none := formula.Value{}
	for _, tc := range []struct {
		op   planwatch.RuleOp
		l, r formula.Value
		tol  float64
		want bool
	}{
		{planwatch.OpLessEqual, v(1), v(2), 0, false},
		{planwatch.OpLessEqual, v(2), v(2), 0, false},
		{planwatch.OpLessEqual, v(2.1), v(2), 0, true},
		{planwatch.OpLessEqual, v(5), none, 0, false}, // a side missing: skipped
		{planwatch.OpLess, v(2), v(2), 0, true},
		{planwatch.OpGreater, v(2), v(2), 0, true},
		{planwatch.OpGreaterEqual, v(1.9), v(2), 0, true},
		{planwatch.OpEqual, v(0.1 + 0.2), v(0.3), 0, false}, // floating noise is not a difference
		{planwatch.OpEqual, v(1000), v(999.5), 0.1, false},
		{planwatch.OpEqual, v(1000), v(998), 0.1, true},
		{planwatch.OpNotEqual, v(3), v(3), 0, true},
		{planwatch.OpNotEqual, v(3), v(4), 0, false},
		{planwatch.OpCompulsoryPair, v(3), none, 0, true},
		{planwatch.OpCompulsoryPair, none, v(3), 0, true},
		{planwatch.OpCompulsoryPair, none, none, 0, false},
		{planwatch.OpCompulsoryPair, v(1), v(3), 0, false},
	} {
		if got := broken(tc.op, tc.l, tc.r, tc.tol); got != tc.want {
			t.Errorf("%v %s %v (tol %v): broken = %v, want %v", tc.l, tc.op, tc.r, tc.tol, got, tc.want)
		}
	}
}

func TestSelector(t *testing.T) {
	inds := []planwatch.Indicator{
		{Code: "a", Kind: planwatch.KindFlow, TimeAgg: planwatch.TimeSum, Unit: "ha"},
		{Code: "b", Kind: planwatch.KindRate, TimeAgg: planwatch.TimeLast, Unit: "%"},
		{Code: "c", Kind: planwatch.KindRate, TimeAgg: planwatch.TimeLast, Unit: "%"},
		{Code: "d", Kind: planwatch.KindFlow, TimeAgg: planwatch.TimeSum, Retired: true},
	}
	for _, tc := range []struct{ sel, want string }{
		{"time_agg=sum", "a"},
		{"kind=rate;unit=%", "b,c"},
		{"kind=rate; code!=b", "c"},
		{"code=a,c", "a,c"},
	} {
		s, err := ParseSelector(tc.sel)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(s.Select(inds), ","); got != tc.want {
			t.Errorf("%s selects %s, want %s", tc.sel, got, tc.want)
		}
	}
	for _, bad := range []string{"", "colour=red", "kind", "code="} {
		if _, err := ParseSelector(bad); err == nil {
			t.Errorf("selector %q accepted", bad)
		}
	}
}

func TestCSVRoundTripAndProblems(t *testing.T) {
	rs := Starter()
	var buf bytes.Buffer
	if err := WriteRules(&buf, rs); err != nil {
		t.Fatal(err)
	}
	back, err := ReadRules(&buf)
	if err != nil {
		t.Fatal(errorText(err))
	}
	if len(back) != len(rs) {
		t.Fatalf("%d rules back, want %d", len(back), len(rs))
	}
	for i := range rs {
		if back[i] != rs[i] {
			t.Errorf("rule %d: %+v, want %+v", i, back[i], rs[i])
		}
	}
	_, err = ReadRules(strings.NewReader("code,name_vi,left,op,right\nfine,Tốt,a,<=,b\nbad,,a +,~,b\n"))
	pe, ok := err.(*planwatch.Error)
	if !ok {
		t.Fatalf("bad rules: %v", err)
	}
	cols := map[string]int{}
	for _, p := range pe.Problems {
		cols[p.Column] = p.Row
	}
	if cols["name_vi"] != 3 || cols["left"] != 3 || cols["op"] != 3 {
		t.Errorf("problems %+v, want name_vi, left and op on line 3", pe.Problems)
	}
	_, err = ReadCategories(strings.NewReader("category,name_vi,option,option_name_vi\nsex,Giới tính,male,Nam\nsex,Giới tính,male,Nam\n"))
	if pe, ok := err.(*planwatch.Error); !ok || len(pe.Problems) == 0 || pe.Problems[0].Row != 3 {
		t.Errorf("an option given twice: %v", err)
	}
}

func TestGuardBlocks(t *testing.T) {
	inds, err := data.Indicators()
	if err != nil {
		t.Fatal(err)
	}
	units, trans, err := data.OrgUnits()
	if err != nil {
		t.Fatal(err)
	}
	val := func(code, unit, period string, v float64, row int) planwatch.DataValue {
		return planwatch.DataValue{Key: planwatch.Key{Indicator: code, Unit: unit, Period: planwatch.MustPeriod(period)},
			Vintage: planwatch.Official, Value: planwatch.Float(v), Source: planwatch.Source{Row: row}}
	}
	ds := calc.NewDataset(inds, planwatch.NewHierarchy(units, trans), []planwatch.DataValue{
		val("agri.planted_area", "20", "2023Q2", 1000, 0),
		val("forest.cover_rate", "20", "2023Q2", 120, 0), // already wrong: not the fault of an unrelated entry
	}, nil, nil)
	rs := []planwatch.ValidationRule{
		{Code: "rice", NameVI: "Lúa", Left: "agri.rice_planted_area", Op: "<=", Right: "agri.planted_area", Importance: "high", Action: planwatch.RuleBlock},
		{Code: "share", NameVI: "Tỷ lệ", Each: "code=forest.cover_rate", Left: "$", Op: "<=", Right: "100", Importance: "high", Action: planwatch.RuleBlock},
		{Code: "warn", NameVI: "Cảnh báo", Left: "agri.rice_planted_area", Op: "<=", Right: "1", Importance: "low", Action: planwatch.RuleWarn},
	}
	set, ps := Compile(rs, inds)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	g := NewGuard(set, ds)
	if !g.Wants("agri.planted_area") || g.Wants("trade.export") {
		t.Errorf("Wants")
	}
	if ps := g.Check([]planwatch.DataValue{val("agri.rice_planted_area", "20", "2023Q2", 900, 2)}); len(ps) != 0 {
		t.Errorf("a value within the rule was refused: %+v", ps)
	}
	ps = g.Check([]planwatch.DataValue{val("trade.export", "20", "2023Q2", 5, 2), val("agri.rice_planted_area", "20", "2023Q2", 1100, 3)})
	if len(ps) != 1 || ps[0].Row != 3 || !strings.Contains(ps[0].Reason, "rice") {
		t.Errorf("problems %+v, want rule rice on row 3", ps)
	}
	// The entry's own values count: lowering the total in the same change breaks the rule too.
	ps = g.Check([]planwatch.DataValue{val("agri.rice_planted_area", "20", "2023Q2", 900, 2), val("agri.planted_area", "20", "2023Q2", 800, 3)})
	if len(ps) != 1 {
		t.Errorf("problems %+v, want one", ps)
	}
	if NewGuard(&Set{}, ds) != nil {
		t.Errorf("a guard without blocking rules")
	}
}

// FuzzReadRules: any file is read or refused with problems, never a panic;
// what is read writes back and reads the same.
func FuzzReadRules(f *testing.F) {
	var buf bytes.Buffer
	WriteRules(&buf, Starter()[:3])
	f.Add(buf.String())
	f.Add("code,name_vi,left,op,right\na,b,c,<=,d\n")
	f.Add("category,name_vi,option,option_name_vi\nsex,Giới tính,male,Nam\nsex,Giới tính,female,Nữ\n")
	f.Fuzz(func(t *testing.T, s string) {
		if rs, err := ReadRules(strings.NewReader(s)); err == nil {
			var out bytes.Buffer
			if err := WriteRules(&out, rs); err != nil {
				t.Fatal(err)
			}
			back, err := ReadRules(&out)
			if err != nil || len(back) != len(rs) {
				t.Fatalf("rules read from %q do not read back: %v", s, err)
			}
		} else if _, ok := err.(*planwatch.Error); !ok {
			t.Fatalf("ReadRules(%q): %T %v", s, err, err)
		}
		if cats, err := ReadCategories(strings.NewReader(s)); err == nil {
			var out bytes.Buffer
			WriteCategories(&out, cats)
			if back, err := ReadCategories(&out); err != nil || len(back) != len(cats) {
				t.Fatalf("categories read from %q do not read back: %v", s, err)
			}
		} else if _, ok := err.(*planwatch.Error); !ok {
			t.Fatalf("ReadCategories(%q): %T %v", s, err, err)
		}
	})
}
