package calc_test

import (
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"planwatch"
	"planwatch/calc"
	"planwatch/data"
	"planwatch/nativecsv"
)

// productSet writes the realistic province set of ../shared/bench/product
// (Lạng Sơn's communes, 2020–2025, switching to the 2025 lists in March and
// July 2025) and reads it back as a change set; it skips where ../shared is
// absent.
func productSet(t *testing.T) *planwatch.ChangeSet {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	repo := filepath.Dir(filepath.Dir(file))
	gen := filepath.Join(repo, "..", "shared", "bench", "product")
	if _, err := os.Stat(filepath.Join(gen, "main.go")); err != nil {
		t.Skip("../shared/bench/product is absent: the realistic data set cannot be generated here")
	}
	if testing.Short() {
		t.Skip("-short: the realistic province set takes a while to generate")
	}
	out := t.TempDir()
	cmd := exec.Command("go", "run", ".", "--project", repo, "--scale", "province", "--out", out)
	cmd.Dir = gen
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("generator: %v\n%s", err, b)
	}
	f, err := os.Open(filepath.Join(out, "values-000.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cs, err := nativecsv.Read(f, "values-000.csv")
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// On the realistic province set: the 9-month 2025 totals of province 20
// equal the sums of the file's figures for January–September (the former
// communes until June, the new ones from July), every quarter total equals
// the file's, and every new commune's 2025Q3 growth against the communes it
// was formed of stays near the generator's trend (+5 %/year, ±15 % noise).
func TestProductProvinceTotalsAndGrowth(t *testing.T) {
	cs := productSet(t)
	inds, err := data.Indicators()
	if err != nil {
		t.Fatal(err)
	}
	units, trans, err := data.OrgUnits()
	if err != nil {
		t.Fatal(err)
	}
	h := planwatch.NewHierarchy(units, trans)
	d := calc.NewDataset(inds, h, cs.Values, nil, nil)

	// Independent sums of the file, by indicator and span of months.
	type span struct {
		ind         string
		year        int
		first, last int
	}
	sums := map[span]float64{}
	codes := map[string]bool{}
	for _, v := range cs.Values {
		codes[v.Indicator] = true
		p := v.Period
		add := func(s span) {
			if p.Year == s.year && p.First >= s.first && p.Last <= s.last {
				sums[s] += *v.Value
			}
		}
		add(span{v.Indicator, 2025, 1, 9})
		for q := 1; q <= 4; q++ {
			for _, y := range []int{2022, 2024, 2025} {
				add(span{v.Indicator, y, 3*q - 2, 3 * q})
			}
		}
	}
	close := func(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }
	checked := 0
	for s, want := range sums {
		if s.year == 2025 && s.last > 9 {
			continue
		}
		p := planwatch.YearToDateOf(s.year, s.last)
		p.First = s.first
		if s.first != 1 {
			p = planwatch.QuarterOf(s.year, s.last/3)
		}
		f := d.Value(s.ind, "20", p)
		if !f.OK || !close(f.Value, want) {
			t.Errorf("%s, province 20, %s = %v (ok %v), the file sums to %v", s.ind, p.ID(), f.Value, f.OK, want)
		}
		checked++
	}
	if checked < len(codes)*5 {
		t.Fatalf("only %d totals checked for %d indicators", checked, len(codes))
	}

	// Growth of the new communes, like for like.
	q3 := planwatch.QuarterOf(2025, 3)
	var n int
	worst := 0.0
	unweighted := map[string]bool{}
	for _, c := range h.ChildrenAt("20", q3.End()) {
		for code := range codes {
			r := d.Row(code, c, q3, calc.DefaultOptions())
			if len(r.LastYear.Unweighted) > 0 {
				// Formed in part of a commune split with no known share:
				// no growth is given, and the figure says why.
				if r.YoY != nil || !r.LastYear.Partial {
					t.Errorf("commune %s, %s: growth %v against a base lacking %v", c, code, *r.YoY, r.LastYear.Unweighted)
				}
				unweighted[c] = true
				continue
			}
			if r.YoY == nil {
				continue
			}
			n++
			if g := *r.YoY; math.Abs(g-5) > math.Abs(worst-5) {
				worst = g
			}
			if g := *r.YoY; g < -30 || g > 45 {
				t.Errorf("commune %s, %s, 2025Q3 growth %+.1f%%: far from the trend (+5%%/year ±15%% noise)", c, code, g)
			}
		}
	}
	if n < 65*len(codes)/2 {
		t.Fatalf("only %d growth figures for %d communes", n, len(h.ChildrenAt("20", q3.End())))
	}
	t.Logf("%d totals and %d commune growth figures checked; the growth farthest from the trend: %+.1f%%; no growth for %d communes formed in part of split communes with no known share", checked, n, worst, len(unweighted))
}
