package engine

import (
	"fmt"
	"testing"
	"time"

	"planwatch"
)

// TestCollectGathersSeries: a file that comes back to a series, across
// many blocks, gives each series its entries in file order, each with its
// position, row, figure and extra fields, and nothing else.
// More values than a chunk of gather (runs of 997 values of 40 series in
// turn) are gathered the same way.
func TestCollectGathersSeries(t *testing.T) {
	units := []string{"20", "178", "05977"}
	checkGathered(t, units, 20000, func(i int) string {
		// Runs of 1 to 7 values of a series, the series in turn.
		return units[(i/(1+i%7))%len(units)]
	})
	var many []string
	for i := range 40 {
		many = append(many, fmt.Sprintf("%05d", i))
	}
	checkGathered(t, many, 3*gatherChunk, func(i int) string { return many[(i/997)%len(many)] })
}

func checkGathered(t *testing.T, units []string, count int, unit func(int) string) {
	t.Helper()
	var vs []planwatch.DataValue
	for i := range count {
		u := unit(i)
		vs = append(vs, planwatch.DataValue{
			Key:   planwatch.Key{Indicator: "trade.retail", Unit: u, Period: planwatch.MonthOf(2000+i%100, 1+i/100%12)},
			Basis: planwatch.BasisPeriod, Vintage: planwatch.Official, Value: planwatch.Float(float64(i)),
			Source: planwatch.Source{Kind: planwatch.SourceFile, Ref: "v.csv", Row: i + 2}})
		if i%11 == 0 { // some with extra fields
			vs[i].Comment = fmt.Sprint("c", i)
		}
	}
	b, err := Collect(&planwatch.ChangeSet{By: "an"}, Values(vs), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Problems) > 0 {
		t.Fatalf("%d problems, the first %+v", len(b.Problems), b.Problems[0])
	}
	b.wait()
	n := 0
	for _, sb := range b.Series {
		last := -1
		for _, e := range sb.Entries {
			v := vs[e.Index]
			if v.Unit != sb.Unit || int(e.Index) <= last || int(e.Row) != v.Source.Row || e.Value != *v.Value || PeriodOf(e.Code) != v.Period {
				t.Fatalf("series %s: entry %+v for value %d %s", sb.Unit, e, e.Index, fmt.Sprint(v.Key))
			}
			if (e.Extra == nil) != (v.Comment == "") || (e.Extra != nil && e.Extra.Comment != v.Comment) {
				t.Fatalf("value %d: extra %+v, comment %q", e.Index, e.Extra, v.Comment)
			}
			last = int(e.Index)
		}
		n += len(sb.Entries)
		if cap(sb.Entries) != len(sb.Entries) {
			t.Errorf("series %s: capacity %d beyond its %d entries", sb.Unit, cap(sb.Entries), len(sb.Entries))
		}
	}
	if n != len(vs) || len(b.Series) != len(units) {
		t.Errorf("%d entries in %d series, want %d in %d", n, len(b.Series), len(vs), len(units))
	}
}
