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
	"planwatch/colstore"
	"planwatch/cube"
)

func load(t *testing.T, dir string) (*colstore.DB, string, LoadStats) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "planwatch.db")
	db, err := colstore.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := Load(ctx, db, dir)
	if err != nil {
		t.Fatal(err)
	}
	return db, path, st
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

func checkAll(t *testing.T, c *cube.Cube, exp Expected, refDir string) {
	t.Helper()
	q1 := RenderQ1(Q1(c))
	if got := Checksum(q1); got != exp.Q1 {
		t.Errorf("Q1 checksum %s, want %s", got, exp.Q1)
		diffLines(t, "Q1", q1, filepath.Join(refDir, "q1.tsv"))
	}
	r2, err := Q2(c)
	if err != nil {
		t.Fatal(err)
	}
	q2 := RenderQ2(r2)
	if got := Checksum(q2); got != exp.Q2 {
		t.Errorf("Q2 checksum %s, want %s", got, exp.Q2)
		diffLines(t, "Q2", q2, filepath.Join(refDir, "q2.tsv"))
	}
	r3, err := Q3(c)
	if err != nil {
		t.Fatal(err)
	}
	q3 := RenderQ3(r3)
	if got := Checksum(q3); got != exp.Q3 {
		t.Errorf("Q3 checksum %s, want %s", got, exp.Q3)
		diffLines(t, "Q3", q3, filepath.Join(refDir, "q3.tsv"))
	}
	sum, found := Q4(c, NewLookupKeys(c))
	if found != Lookups {
		t.Errorf("Q4 found %d of %d keys", found, Lookups)
	}
	if got := fmt.Sprintf("%.2f", sum); got != exp.Q4 {
		t.Errorf("Q4 sum %s, want %s", got, exp.Q4)
	}
}

func TestSampleChecksums(t *testing.T) {
	db, path, st := load(t, "testdata/sample")
	exp, ok := ExpectedFor(st.Units, st.Values)
	if !ok || exp.Scale != "sample" {
		t.Fatalf("scale not recognised: %+v", st)
	}
	checkAll(t, db.Cube(), exp, "testdata/sample")
	db.Close()

	// Start-up rebuilds the same cube from disk.
	db, err := colstore.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checkAll(t, db.Cube(), exp, "testdata/sample")
}

// TestWriteVisibleInNextReport checks that a value written after start-up
// shows in the next quarter report, and still after a restart.
func TestWriteVisibleInNextReport(t *testing.T) {
	ctx := context.Background()
	db, path, _ := load(t, "testdata/sample")
	db.Close()
	db, err := colstore.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	find := func(c *cube.Cube) cube.ReportRow {
		for _, r := range Q1(c) {
			if r.Province == "P01" && r.Indicator == "I001" {
				return r
			}
		}
		t.Fatal("no row P01/I001")
		return cube.ReportRow{}
	}
	before := find(db.Cube())
	old, ok := db.Cube().Value("I001", "P01C0001", 202502)
	if !ok {
		t.Fatal("no value P01C0001 202502")
	}
	v := planwatch.DataValue{Key: planwatch.Key{Indicator: "I001", Unit: "P01C0001", Period: planwatch.MonthOf(2025, 2)},
		Basis: planwatch.BasisPeriod, Vintage: planwatch.Official, Value: planwatch.Float(old + 1000), By: "test"}
	if err := db.Put(ctx, v); err != nil {
		t.Fatal(err)
	}
	after := find(db.Cube())
	if after.Cur != before.Cur+1000 {
		t.Errorf("cur after write = %v, want %v", after.Cur, before.Cur+1000)
	}
	// A month beyond the data grows the cube; the next report of that quarter sees it.
	v.Period = planwatch.MonthOf(2026, 1)
	v.Value = planwatch.Float(7)
	if err := db.Put(ctx, v); err != nil {
		t.Fatal(err)
	}
	if got, err := db.Cube().Aggregate("I001", "P01", planwatch.QuarterOf(2026, 1)); err != nil || got != 7 {
		t.Errorf("2026Q1 aggregate = %v, %v; want 7", got, err)
	}
	db.Close()

	db, err = colstore.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := find(db.Cube()); got.Cur != before.Cur+1000 {
		t.Errorf("after restart cur = %v, want %v", got.Cur, before.Cur+1000)
	}
	if got, _ := db.Cube().Aggregate("I001", "CTRY", planwatch.QuarterOf(2026, 1)); got != 7 {
		t.Errorf("after restart 2026Q1 national = %v, want 7", got)
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
	db, _, st := load(t, dir)
	defer db.Close()
	exp, ok := ExpectedFor(st.Units, st.Values)
	if !ok {
		t.Fatalf("scale not recognised: %+v", st)
	}
	ref := "/work/shared/bench/expected/" + exp.Scale
	if _, err := os.Stat("../../shared/bench/expected"); err == nil {
		ref = "../../shared/bench/expected/" + exp.Scale
	}
	checkAll(t, db.Cube(), exp, ref)
}

// benchCube loads PLANWATCH_BENCH_DATA (default: the sample) once per benchmark.
func benchCube(b *testing.B) *cube.Cube {
	b.Helper()
	dir := os.Getenv("PLANWATCH_BENCH_DATA")
	if dir == "" {
		dir = "testdata/sample"
	}
	ctx := context.Background()
	db, err := colstore.Open(ctx, filepath.Join(b.TempDir(), "planwatch.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := Load(ctx, db, dir); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	return db.Cube()
}

func BenchmarkQ1(b *testing.B) {
	c := benchCube(b)
	for b.Loop() {
		Q1(c)
	}
}

func BenchmarkQ2(b *testing.B) {
	c := benchCube(b)
	for b.Loop() {
		Q2(c)
	}
}

func BenchmarkQ3(b *testing.B) {
	c := benchCube(b)
	for b.Loop() {
		Q3(c)
	}
}

// BenchmarkQ4 reports the time of one lookup.
func BenchmarkQ4(b *testing.B) {
	c := benchCube(b)
	k := NewLookupKeys(c)
	n := 0
	for b.Loop() {
		c.Value(k.Indicators[n%Lookups], k.Units[n%Lookups], k.Months[n%Lookups])
		n++
	}
}
