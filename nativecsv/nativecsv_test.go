package nativecsv

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"planwatch"
)

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"5953", 5953, true}, {"5.953", 5953, true}, {"2.498,3", 2498.3, true}, {"12.5", 12.5, true},
		{"1.234.567", 1234567, true}, {"5545412203074.058", 5545412203074.058, true}, {"1.1250", 1.125, true}, {"-3,2", -3.2, true}, {"14,03", 14.03, true}, {" 7 ", 7, true},
		{"1e9", 0, false}, {"abc", 0, false}, {"", 0, false}, {"1,2,3", 0, false}, {"NaN", 0, false},
		{"Inf", 0, false}, {"0x10", 0, false}, {".5", 0, false}, {"5.", 0, false}, {"--1", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseNumber(tt.in)
		if (err == nil) != tt.ok || (tt.ok && got != tt.want) {
			t.Errorf("ParseNumber(%q) = %v, %v; want %v ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestReadValues(t *testing.T) {
	in := "indicator,orgunit,period,value,unit,basis,vintage,yoy_pct,plan_pct,comment\n" +
		"trade.retail_sales_services,20,2022Q1,\"5.953\",tỷ đồng,period,official,\"7,35\",26.3,\n" +
		"industry.iip_index,20,2022Q1,,,,estimate,6.4,,tăng trưởng\n" +
		"\n" +
		"bank.deposits_mobilised,20,202201-202203,34050000000000,,cumulative,sơ bộ,,,\n"
	cs, err := Read(strings.NewReader(in), "f.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(cs.Values) != 3 {
		t.Fatalf("%d values", len(cs.Values))
	}
	v := cs.Values[0]
	if *v.Value != 5.953e12 || *v.YoY != 7.35 || *v.PlanPct != 26.3 || v.Source.Row != 2 || v.Source.Ref != "f.csv" {
		t.Errorf("row 2: %+v", v)
	}
	if cs.Values[1].Value != nil || *cs.Values[1].YoY != 6.4 || cs.Values[1].Vintage != planwatch.Estimate {
		t.Errorf("growth-only row: %+v", cs.Values[1])
	}
	if cs.Values[2].Basis != planwatch.BasisCumulative || cs.Values[2].Vintage != planwatch.Preliminary || cs.Values[2].Source.Row != 5 {
		t.Errorf("row 5: %+v", cs.Values[2])
	}
}

func TestReadReportsEveryProblem(t *testing.T) {
	in := "indicator,orgunit,period,value\n" +
		"a,20,2022Q1,1\n" +
		",20,2022Q5,x\n" +
		"a,20,2022Q1,\n"
	_, err := Read(strings.NewReader(in), "f.csv")
	e, ok := err.(*planwatch.Error)
	if !ok || e.Code != planwatch.EINVALID {
		t.Fatalf("err = %v", err)
	}
	want := []planwatch.Problem{
		{Row: 3, Column: "indicator"}, {Row: 3, Column: "period"}, {Row: 3, Column: "value"}, {Row: 4, Column: "value"},
	}
	if len(e.Problems) != len(want) {
		t.Fatalf("problems: %v", e.Problems)
	}
	for i, w := range want {
		if e.Problems[i].Row != w.Row || e.Problems[i].Column != w.Column {
			t.Errorf("problem %d = %+v, want row %d column %s", i, e.Problems[i], w.Row, w.Column)
		}
	}
}

func TestReadTargets(t *testing.T) {
	in := "indicator,orgunit,year,value,kind,unit,version,adjusted,adopted\n" +
		"budget.revenue_total,20,2022,\"10.000\",DT_TW,tỷ đồng,2,true,2022-07-15\n"
	cs, err := Read(strings.NewReader(in), "t.csv")
	if err != nil {
		t.Fatal(err)
	}
	tg := cs.Targets[0]
	if tg.Value != 1e13 || tg.Kind != planwatch.TargetCentralEst || tg.Version != 2 || !tg.Adjusted || tg.Adopted.Day() != 15 {
		t.Errorf("%+v", tg)
	}
	if _, err := Read(strings.NewReader("indicator,orgunit,year,value,kind\na,20,20x2,1,XYZ\n"), "t.csv"); err == nil ||
		!strings.Contains(err.Error(), `cột "year"`) || !strings.Contains(err.Error(), `cột "kind"`) {
		t.Errorf("bad targets: %v", err)
	}
}

func TestWriteValuesDefusesFormulas(t *testing.T) {
	var b bytes.Buffer
	v := planwatch.DataValue{Key: planwatch.Key{Indicator: "=HYPERLINK(\"x\")", Unit: "20", Period: planwatch.MustPeriod("2022Q1")},
		Basis: planwatch.BasisPeriod, Vintage: planwatch.Official, Value: planwatch.Float(-5), Comment: "@SUM(A1)"}
	if err := WriteValues(&b, []planwatch.DataValue{v}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.Contains(out, `'=HYPERLINK`) || !strings.Contains(out, "'@SUM") || !strings.Contains(out, ",-5,") {
		t.Errorf("output:\n%s", out)
	}
}

func FuzzRead(f *testing.F) {
	f.Add("indicator,orgunit,period,value\na,20,2022Q1,1\n")
	f.Add("indicator,orgunit,year,value,kind\na,20,2022,1.000,KH\n")
	f.Add("indicator,orgunit,period,value,unit,basis,vintage\na,20,202201-202204,\"2.498,3\",tỷ đồng,cumulative,ước\n")
	f.Add("\"unterminated\n")
	f.Fuzz(func(t *testing.T, in string) {
		cs, err := Read(strings.NewReader(in), "fuzz.csv")
		if err != nil {
			if cs != nil {
				t.Fatal("error with a partial change set")
			}
			if planwatch.ErrorCode(err) != planwatch.EINVALID {
				t.Fatalf("error code %s: %v", planwatch.ErrorCode(err), err)
			}
			return
		}
		for _, v := range cs.Values {
			if v.Indicator == "" || v.Unit == "" || v.Period.IsZero() || v.Source.Row < 2 {
				t.Fatalf("accepted an incomplete row: %+v", v)
			}
		}
	})
}

func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"5.953", "2.498,3", "-1", "1e9", "", "1.2.3,4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = ParseNumber(s)
	})
}

func TestNumberRoundTrip(t *testing.T) {
	for _, x := range []float64{1.125, -1.125, 5953, 5545412203074.058, 0.001, 123.456, 14.03} {
		got, err := ParseNumber(num(&x))
		if err != nil || got != x {
			t.Errorf("ParseNumber(num(%v)) = %v, %v (written %q)", x, got, err, num(&x))
		}
	}
}

// TestSafeCell: every place a spreadsheet could start a cell is guarded,
// and the guard comes off exactly.
func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "x=1": "x=1", "": "", "'x": "'x", "'=x": "''=x", "-5": "'-5",
		" =1": "' =1", "\n=1": "'\n'=1", "a;=1": "a;'=1", "a; @x": "a;' @x", "a,=1": "a,'=1", "a\t+1": "a\t'+1",
		`a;"=1"`: `a;'"=1"`, "\tx": "'\tx", "bình thường; không sao": "bình thường; không sao", "a;'=1": "a;''=1",
	} {
		if got := SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
		if got := unsafeCell(SafeCell(in)); got != in {
			t.Errorf("unsafeCell(SafeCell(%q)) = %q", in, got)
		}
	}
}

func FuzzSafeCell(f *testing.F) {
	for _, s := range []string{"=1", "a;=1", "'=1", "\t\r\n", `"'"=`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g := SafeCell(s)
		if unsafeCell(g) != s {
			t.Fatalf("unsafeCell(SafeCell(%q)) = %q", s, unsafeCell(g))
		}
		for i := range len(g) {
			if cellStart(g, i) && formulaAt(g[i:]) && g[i] != '\'' {
				t.Fatalf("SafeCell(%q) = %q: a cell at %d starts like a formula", s, g, i)
			}
		}
	})
}

// TestStreamValues: a values file streams row by row, in order across
// chunks, each bad row as an error naming its line and columns, and a
// malformed line ends it with its problem; a caller may stop early.
func TestStreamValues(t *testing.T) {
	var b strings.Builder
	b.WriteString("indicator,orgunit,period,value,unit\n")
	const n = 3000 // more than one chunk
	for i := 0; i < n; i++ {
		switch i {
		case 1500:
			b.WriteString("a,20,2022Q5,x,\n") // line 1502
		default:
			fmt.Fprintf(&b, "a,%d,2022Q1,\"%d,5\",tỷ đồng\n", i, i)
		}
	}
	b.WriteString("a,20,\"2022Q1,1\n") // malformed: an open quote
	st, err := NewStream(strings.NewReader(b.String()), "f.csv")
	if err != nil {
		t.Fatal(err)
	}
	var got int
	var bad []planwatch.Problem
	for v, err := range st.Values() {
		if err != nil {
			var pe *planwatch.Error
			if !errors.As(err, &pe) || pe.Code != planwatch.EINVALID {
				t.Fatalf("row error %v, want EINVALID with problems", err)
			}
			bad = append(bad, pe.Problems...)
			continue
		}
		if want := fmt.Sprint(got + boolInt(got >= 1500)); v.Unit != want || v.Source.Row != got+2+boolInt(got >= 1500) {
			t.Fatalf("value %d: unit %s row %d", got, v.Unit, v.Source.Row)
		}
		if w := (float64(got+boolInt(got >= 1500)) + 0.5) * 1e9; *v.Value != w {
			t.Fatalf("value %d = %v, want %v", got, *v.Value, w)
		}
		got++
	}
	if got != n-1 {
		t.Errorf("%d values, want %d", got, n-1)
	}
	if len(bad) != 3 || bad[0].Row != 1502 || bad[0].Column != "period" || bad[1].Column != "value" || bad[2].Row != n+2 {
		t.Errorf("problems %+v", bad)
	}
	// Stopping early ends the reading.
	st, _ = NewStream(strings.NewReader(b.String()), "f.csv")
	for range st.Values() {
		break
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// FuzzParseSimple: the one-pass reading of common numbers gives what the
// general one gives, bit for bit, whenever it answers.
func FuzzParseSimple(f *testing.F) {
	for _, s := range []string{"279,6", "5.953,5", "5.953", "12.5", "-3", "-0", "1.234.567", "5,3.2", "..5,3", "5.,3",
		"0,000000000000001", "999999999999999", "1.2.3", ",5", "5,", "123456789012,345", "0.1", "-12.345,678"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseSimple(s)
		if !ok {
			return
		}
		want, err := parseNumber(s)
		if err != nil || math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("parseSimple(%q) = %v, parseNumber %v, %v", s, got, want, err)
		}
	})
}
