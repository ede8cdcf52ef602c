package formula

import (
	"errors"
	"math"
	"strings"
	"testing"

	"planwatch"
)

func TestParseCanonical(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"1 + 2 * 3", "1 + 2 * 3"},
		{"(1 + 2) * 3", "(1 + 2) * 3"},
		{"a - (b - c)", "a - (b - c)"},
		{"a - b - c", "a - b - c"},
		{"a / (b * c)", "a / (b * c)"},
		{"econ.grdp ÷ pop.average_population × 1000", "econ.grdp / pop.average_population * 1000"},
		{"x − y", "x - y"},
		{"-x + +y", "-x + y"},
		{"econ.grdp[-1y]", "econ.grdp[-1y]"},
		{"x[-1p] + x[ -2y ]", "x[-1p] + x[-2y]"},
		{"ytd(x)[-1p]", "ytd(x)[-1p]"},
		{"sum_children(agri.planted_area)", "sum_children(agri.planted_area)"},
		{"trade.export~fdi + trade.export~state", "trade.export~fdi + trade.export~state"},
		{".5 * x", "0.5 * x"},
		{"  a  ", "a"},
		{"(a)[-1y]", "a[-1y]"},
		{"-(a + b)", "-(a + b)"},
	} {
		e, err := Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if got := e.Canonical(); got != tc.want {
			t.Errorf("Parse(%q).Canonical() = %q, want %q", tc.in, got, tc.want)
		}
		if e.String() != tc.in {
			t.Errorf("String() = %q, want the source", e.String())
		}
		again, err := Parse(e.Canonical())
		if err != nil || again.Canonical() != tc.want {
			t.Errorf("canonical form of %q does not read back: %v", tc.in, err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		in   string
		pos  int // 1-based column; 0: whole formula
		want string
	}{
		{"", 1, "a number, a code or '(' expected, found end of formula"},
		{"1,5 * x", 1, "decimal comma"},
		{"1.000.000", 1, "one decimal point"},
		{"a +", 4, "found end of formula"},
		{"(a + b", 7, "')' expected"},
		{"a b", 3, "unexpected code b"},
		{"max(a)", 1, `unknown function "max"`},
		{"ytd", 4, "ytd is a function"},
		{"x[1y]", 3, "period shift is written"},
		{"x[-1m]", 5, "ends in y (years) or p"},
		{"x[-0y]", 4, "from 1 to 100"},
		{"x[-1.5y]", 4, "from 1 to 100"},
		{"x[-1y", 6, "']' expected"},
		{"a % b", 3, "unexpected character '%'"},
		{"sum_children(a, b)", 15, "functions take one argument"},
		{"5.", 1, "bad number"},
		{"x\xff", 0, "not valid UTF-8"},
		{strings.Repeat("(", 100) + "a" + strings.Repeat(")", 100), 0, "nested deeper"},
		{strings.Repeat("-", 100) + "a", 0, "nested deeper"},
		{strings.Repeat("a+", 3000) + "a", 0, "longer than"},
	} {
		_, err := Parse(tc.in)
		var fe *Error
		if !errors.As(err, &fe) {
			t.Errorf("Parse(%q) = %v, want a *Error", tc.in, err)
			continue
		}
		if !strings.Contains(fe.Msg, tc.want) {
			t.Errorf("Parse(%q) = %q, want it to say %q", tc.in, fe.Msg, tc.want)
		}
		if tc.pos > 0 && fe.Pos+1 != tc.pos {
			t.Errorf("Parse(%q) at column %d, want %d (%s)", tc.in, fe.Pos+1, tc.pos, fe.Msg)
		}
	}
}

// table is a Source over a map "code unit period" → value; children by unit.
type table struct {
	v        map[string]float64
	partial  map[string]bool
	children map[string][]string
}

func (t table) Value(code, unit string, p planwatch.Period) Value {
	k := code + " " + unit + " " + p.ID()
	v, ok := t.v[k]
	return Value{V: v, OK: ok, Partial: t.partial[k]}
}

func (t table) Children(unit string, p planwatch.Period) []string { return t.children[unit] }

func TestEval(t *testing.T) {
	src := table{v: map[string]float64{
		"grdp 20 2022Q2": 1000,
		"grdp 20 2021Q2": 800,
		"grdp 20 2022Q1": 900,
		"pop 20 2022Q2":  4,
		"zero 20 2022Q2": 0,
		"x 20 2022S1":    60,
		"x 20 2022Q1":    25,
		"x 20 2021":      99,
		"x 178 2022Q2":   7,
		"x 180 2022Q2":   5,
		"x 20 2022Q2":    13,
		"y 178 2022Q2":   1,
	}, partial: map[string]bool{"pop 20 2022Q2": true},
		children: map[string][]string{"20": {"178", "180", "181"}}}
	q2 := planwatch.MustPeriod("2022Q2")
	q1 := planwatch.MustPeriod("2022Q1")
	for _, tc := range []struct {
		f       string
		p       planwatch.Period
		want    float64
		ok      bool
		partial bool
	}{
		{"grdp / pop", q2, 250, true, true},
		{"grdp ÷ pop × 1000", q2, 250000, true, true},
		{"(grdp - grdp[-1y]) / grdp[-1y] * 100", q2, 25, true, false},
		{"grdp - grdp[-1p]", q2, 100, true, false},
		{"grdp[-2p]", q2, 0, false, false},
		{"grdp / zero", q2, 0, false, false},
		{"grdp + missing", q2, 0, false, false},
		{"ytd(x)", q2, 60, true, false},
		{"ytd(x)[-1p]", q2, 25, true, false},
		{"ytd(x)[-1p]", q1, 0, false, false}, // the previous period is in another year
		{"ytd(x)[-1y]", planwatch.MustPeriod("2022"), 99, true, false},
		{"sum_children(x)", q2, 12, true, true}, // 181 has no figure
		{"x - sum_children(x)", q2, 1, true, true},
		{"sum_children(y)", q2, 1, true, true},
		{"sum_children(nothing)", q2, 0, false, false},
		{"-grdp + 2.5", q2, -997.5, true, false},
	} {
		got := MustParse(tc.f).Eval(src, "20", tc.p)
		if got.OK != tc.ok || got.Partial != tc.partial || (tc.ok && math.Abs(got.V-tc.want) > 1e-9) {
			t.Errorf("%s for %s = %+v, want %v ok=%v partial=%v", tc.f, tc.p, got, tc.want, tc.ok, tc.partial)
		}
	}
}

func TestRefs(t *testing.T) {
	e := MustParse("b + a[-1y] / sum_children(c) - a")
	if got := strings.Join(e.Refs(), ","); got != "a,b,c" {
		t.Errorf("Refs = %s", got)
	}
	if !e.UsesChildren() || e.SamePeriodOnly() {
		t.Errorf("UsesChildren/SamePeriodOnly wrong")
	}
	if !MustParse("a+b").SamePeriodOnly() {
		t.Errorf("a+b refers to the same period only")
	}
}

func TestCheckCatalogue(t *testing.T) {
	known := map[string]bool{"a": true, "b": true, "c": true, "d": true, "e": true, "f": true, "g": true}
	errs := CheckCatalogue(map[string]string{
		"a": "b + 1",   // fine: b is a plain indicator
		"c": "d * 2",   // d → e → c: a cycle
		"d": "e[-1y]",  // a shift does not break a cycle
		"e": "c + b",   //
		"f": "f + 1",   // depends on itself
		"g": "zz + yy", // unknown codes
		"b": "",        // not derived
	}, func(c string) bool { return known[c] })
	var got []string
	for _, err := range errs {
		got = append(got, err.Error())
	}
	want := []string{
		"g: unknown indicator code(s): yy, zz",
		"c: formula depends on itself: c → d → e → c",
		"f: formula depends on itself: f → f",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("CheckCatalogue:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if errs := CheckCatalogue(map[string]string{"a": "b + c", "b": "c * 2"}, func(string) bool { return true }); len(errs) != 0 {
		t.Errorf("a chain without a cycle refused: %v", errs)
	}
	if errs := CheckCatalogue(map[string]string{"a": "b +"}, func(string) bool { return true }); len(errs) != 1 || !strings.Contains(errs[0].Error(), "column 4") {
		t.Errorf("a formula that does not parse: %v", errs)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"a + b * 2", "x[-1y] / x[-2p]", "sum_children(ytd(x)[-1p])", "(((a)))", "1,5", "−a ÷ b × c", "a~b.c", ".5e3"} {
		f.Add(s)
	}
	src := table{v: map[string]float64{"a 20 2022Q1": 2, "b 20 2022Q1": 0}, children: map[string][]string{"20": {"20"}}}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := Parse(s)
		if err != nil {
			var fe *Error
			if !errors.As(err, &fe) || fe.Pos > len(s) {
				t.Fatalf("Parse(%q): bad error %v", s, err)
			}
			return
		}
		c := e.Canonical()
		again, err := Parse(c)
		if err != nil {
			t.Fatalf("canonical %q of %q does not parse: %v", c, s, err)
		}
		if again.Canonical() != c {
			t.Fatalf("canonical form not stable: %q → %q", c, again.Canonical())
		}
		v := e.Eval(src, "20", planwatch.MustPeriod("2022Q1"))
		if v.OK && (math.IsNaN(v.V) || math.IsInf(v.V, 0)) {
			t.Fatalf("%q evaluates to %v", s, v.V)
		}
	})
}
