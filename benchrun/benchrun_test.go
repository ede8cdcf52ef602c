package benchrun

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"planwatch"
	"planwatch/sqlite"
)

func load(t testing.TB, dir, mode string) (*Loaded, LoadStats) {
	t.Helper()
	l, st, err := Load(context.Background(), dir, filepath.Join(t.TempDir(), "planwatch.db"), mode)
	if err != nil {
		t.Fatal(err)
	}
	return l, st
}

// diffLines reports the first differences of rendered rows against a reference file.
func diffLines(t *testing.T, name string, got []string, refPath string) {
	t.Helper()
	b, err := os.ReadFile(refPath)
	if err != nil {
		t.Logf("%s: no reference file: %v", name, err)
		return
	}
	want := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	g := append([]string(nil), got...)
	sort.Strings(g)
	sort.Strings(want)
	if len(g) != len(want) {
		t.Errorf("%s: %d rows, want %d", name, len(g), len(want))
	}
	n := 0
	for i := 0; i < len(g) && i < len(want) && n < 5; i++ {
		if g[i] != want[i] {
			t.Errorf("%s: row %d\n got %s\nwant %s", name, i, g[i], want[i])
			n++
		}
	}
}

func checkAll(t *testing.T, l *Loaded, exp Expected, refDir string) {
	t.Helper()
	q1 := RenderQ1(Q1(l))
	if got := Checksum(q1); got != exp.Q1 {
		t.Errorf("Q1 checksum %s, want %s", got, exp.Q1)
		diffLines(t, "Q1", q1, filepath.Join(refDir, "q1.tsv"))
	}
	q2 := RenderQ2(Q2(l))
	if got := Checksum(q2); got != exp.Q2 {
		t.Errorf("Q2 checksum %s, want %s", got, exp.Q2)
		diffLines(t, "Q2", q2, filepath.Join(refDir, "q2.tsv"))
	}
	q3 := RenderQ3(Q3(l))
	if got := Checksum(q3); got != exp.Q3 {
		t.Errorf("Q3 checksum %s, want %s", got, exp.Q3)
		diffLines(t, "Q3", q3, filepath.Join(refDir, "q3.tsv"))
	}
	sum, found := Q4(l, NewLookupKeys(l))
	if found != Lookups {
		t.Errorf("Q4 found %d of %d keys", found, Lookups)
	}
	if got := fmt.Sprintf("%.2f", sum); got != exp.Q4 {
		t.Errorf("Q4 sum %s, want %s", got, exp.Q4)
	}
}

// The sample's checksums, loaded either way, and again after a restart
// (store, then the index from its snapshot and the changes after it).
func TestSampleChecksums(t *testing.T) {
	for _, mode := range []string{LoadIndex, LoadStore} {
		t.Run(mode, func(t *testing.T) {
			l, st := load(t, "testdata/sample", mode)
			exp, ok := ExpectedFor(st.Units, st.Values)
			if !ok || exp.Scale != "sample" {
				t.Fatalf("scale not recognised: %+v", st)
			}
			if l.Dataset().Len() != int(st.Values) {
				t.Fatalf("index holds %d values, loaded %d", l.Dataset().Len(), st.Values)
			}
			checkAll(t, l, exp, "testdata/sample")
			l.Close()

			l, err := Reopen(context.Background(), l.Path)
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			if l.Dataset().Len() != int(st.Values) {
				t.Fatalf("after restart the index holds %d values, want %d", l.Dataset().Len(), st.Values)
			}
			checkAll(t, l, exp, "testdata/sample")
		})
	}
}

// A value committed through the store shows in the next quarter report:
// committed by this process (Live.Refresh) or by another process on the same
// database (Live.Sync); a withdrawal removes it; after a restart the index
// still has it.
func TestWriteVisibleInNextReport(t *testing.T) {
	for _, mode := range []string{LoadIndex, LoadStore} {
		t.Run(mode, func(t *testing.T) {
			ctx := context.Background()
			l, _ := load(t, "testdata/sample", mode)
			find := func(l *Loaded) ReportRow {
				t.Helper()
				for _, r := range Q1(l) {
					if r.Province == "P01" && r.Indicator == "I001" {
						return r
					}
				}
				t.Fatal("no row P01/I001")
				return ReportRow{}
			}
			before := find(l)
			key := planwatch.Key{Indicator: "I001", Unit: "P01C0001", Period: planwatch.MonthOf(2025, 2)}
			old, ok := l.Dataset().Reported(key.Indicator, key.Unit, key.Period)
			if !ok {
				t.Fatal("no value P01C0001 202502")
			}
			value := func(x float64) planwatch.DataValue {
				return planwatch.DataValue{Key: key, Basis: planwatch.BasisPeriod, Vintage: planwatch.Official, Value: planwatch.Float(x)}
			}
			// This process.
			cs := &planwatch.ChangeSet{By: "test", Values: []planwatch.DataValue{value(*old.Value + 1000)}}
			if _, err := l.Store.Apply(ctx, cs); err != nil {
				t.Fatal(err)
			}
			if err := l.Live.Refresh(ctx, cs); err != nil {
				t.Fatal(err)
			}
			if got := find(l); got.Cur != before.Cur+1000 {
				t.Fatalf("after this process's write cur = %v, want %v", got.Cur, before.Cur+1000)
			}
			// Another process on the same database.
			other, err := sqlite.Open(ctx, l.Path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := other.Apply(ctx, &planwatch.ChangeSet{By: "other", Values: []planwatch.DataValue{value(*old.Value + 500)}}); err != nil {
				t.Fatal(err)
			}
			if err := l.Live.Sync(ctx); err != nil {
				t.Fatal(err)
			}
			if got := find(l); got.Cur != before.Cur+500 {
				t.Fatalf("after another process's write cur = %v, want %v", got.Cur, before.Cur+500)
			}
			l.Close()

			// A restart keeps it; a withdrawal by another process removes it.
			l, err = Reopen(ctx, l.Path)
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			if got := find(l); got.Cur != before.Cur+500 {
				t.Fatalf("after restart cur = %v, want %v", got.Cur, before.Cur+500)
			}
			commune := l.Dataset().Value(key.Indicator, key.Unit, ReportPeriod)
			gone := value(0)
			gone.Value, gone.Deleted = nil, true
			if _, err := other.Apply(ctx, &planwatch.ChangeSet{By: "other", Values: []planwatch.DataValue{gone}}); err != nil {
				t.Fatal(err)
			}
			other.Close()
			if err := l.Live.Sync(ctx); err != nil {
				t.Fatal(err)
			}
			if _, ok := l.Dataset().Reported(key.Indicator, key.Unit, key.Period); ok {
				t.Fatal("a withdrawn value is still in the index")
			}
			// The quarter now lacks a month of one commune: its quarter is
			// missing (never counted as zero) and the province's total,
			// without it, says it is partial.
			if f := l.Dataset().Value(key.Indicator, key.Unit, ReportPeriod); f.OK {
				t.Fatalf("the commune's quarter without February = %v, want missing", f.Value)
			}
			want := before.Cur + 500 - commune.Value
			if got := find(l); got.Cur != want {
				t.Fatalf("after withdrawal cur = %v, want %v", got.Cur, want)
			}
			if f := l.Dataset().Value(key.Indicator, "P01", ReportPeriod); !f.Partial || f.Units != f.Expected-1 {
				t.Fatalf("after withdrawal the province's figure is %+v, want partial with one commune missing", f)
			}
		})
	}
}

// provinceData returns a directory with the province-scale files:
// PLANWATCH_BENCH_DATA if set, else generated when PLANWATCH_BENCH_PROVINCE=1.
func provinceData(t *testing.T) string {
	if testing.Short() {
		t.Skip("province scale skipped under -short")
	}
	if d := os.Getenv("PLANWATCH_BENCH_DATA"); d != "" {
		return d
	}
	if os.Getenv("PLANWATCH_BENCH_PROVINCE") != "1" {
		t.Skip("set PLANWATCH_BENCH_PROVINCE=1 (generates 89 MB) or PLANWATCH_BENCH_DATA=DIR")
	}
	var gen string
	for _, g := range []string{"../../shared/bench/gen", "/work/shared/bench/gen"} {
		if _, err := os.Stat(filepath.Join(g, "main.go")); err == nil {
			gen, _ = filepath.Abs(g)
			break
		}
	}
	if gen == "" {
		t.Skip("benchmark generator not found")
	}
	out := t.TempDir()
	cmd := exec.Command("go", "run", ".", "--scale", "province", "--out", out)
	cmd.Dir = gen
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("generate: %v\n%s", err, b)
	}
	return out
}

func TestProvinceChecksums(t *testing.T) {
	dir := provinceData(t)
	l, st := load(t, dir, LoadIndex)
	defer l.Close()
	exp, ok := ExpectedFor(st.Units, st.Values)
	if !ok {
		t.Fatalf("scale not recognised: %+v", st)
	}
	ref := "/work/shared/bench/expected/" + exp.Scale
	if _, err := os.Stat("../../shared/bench/expected"); err == nil {
		ref = "../../shared/bench/expected/" + exp.Scale
	}
	checkAll(t, l, exp, ref)
}

// benchLoaded loads PLANWATCH_BENCH_DATA (default: the sample) once per
// benchmark; the figures are computed at the first op and kept by the index.
func benchLoaded(b *testing.B) *Loaded {
	b.Helper()
	dir := os.Getenv("PLANWATCH_BENCH_DATA")
	if dir == "" {
		dir = "testdata/sample"
	}
	l, _ := load(b, dir, LoadIndex)
	b.Cleanup(func() { l.Close() })
	b.ResetTimer()
	return l
}

func BenchmarkQ1(b *testing.B) {
	l := benchLoaded(b)
	for b.Loop() {
		Q1(l)
	}
}

func BenchmarkQ2(b *testing.B) {
	l := benchLoaded(b)
	for b.Loop() {
		Q2(l)
	}
}

func BenchmarkQ3(b *testing.B) {
	l := benchLoaded(b)
	for b.Loop() {
		Q3(l)
	}
}

// BenchmarkQ4 reports the time of one lookup.
func BenchmarkQ4(b *testing.B) {
	l := benchLoaded(b)
	k := NewLookupKeys(l)
	ds := l.Dataset()
	n := 0
	for b.Loop() {
		ds.Reported(k.Indicators[n%Lookups], k.Units[n%Lookups], k.Months[n%Lookups])
		n++
	}
}
