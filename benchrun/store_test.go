package benchrun

import (
	"context"
	"testing"

	"planwatch"
	"planwatch/colstore"
	"planwatch/cube"
	"planwatch/sqlite"
)

// A value committed through the planwatch store (Store.Apply, with revision
// and audit) reaches the cube through the store's commit observer: the next
// quarter report shows it, a withdrawal removes it, and after a restart the
// cube replays the store's current values.
func TestStoreApplyVisibleInNextReport(t *testing.T) {
	ctx := context.Background()
	col, path, _ := load(t, "testdata/sample")
	c := col.Cube()
	// The planwatch store shares the bench's catalogue.
	st, err := sqlite.Open(ctx, path+".store", sqlite.WithCommitObserver(col.Observe))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SaveIndicators(ctx, c.Indicators(), "test"); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveOrgUnits(ctx, c.Units(), nil, "test"); err != nil {
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
	before := find(col.Cube())
	old, _ := col.Cube().Value("I001", "P01C0001", 202502)
	key := planwatch.Key{Indicator: "I001", Unit: "P01C0001", Period: planwatch.MonthOf(2025, 2)}
	apply := func(v planwatch.DataValue) {
		t.Helper()
		if _, err := st.Apply(ctx, &planwatch.ChangeSet{By: "test", Values: []planwatch.DataValue{v}}); err != nil {
			t.Fatal(err)
		}
	}
	apply(planwatch.DataValue{Key: key, Basis: planwatch.BasisPeriod, Vintage: planwatch.Official, Value: planwatch.Float(old + 500)})
	if got := find(col.Cube()); got.Cur != before.Cur+500 {
		t.Fatalf("after Apply cur = %v, want %v", got.Cur, before.Cur+500)
	}
	// Restart: segments and log, then the store's current values.
	col.Close()
	col, err = colstore.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer col.Close()
	if got := find(col.Cube()); got.Cur != before.Cur {
		t.Fatalf("reopened before replay: cur = %v, want the loaded %v", got.Cur, before.Cur)
	}
	if err := col.Replay(ctx, st); err != nil {
		t.Fatal(err)
	}
	if got := find(col.Cube()); got.Cur != before.Cur+500 {
		t.Fatalf("after restart and replay cur = %v, want %v", got.Cur, before.Cur+500)
	}
	st.Close()
	// A withdrawal through a store observed by the reopened cube empties the cell.
	st, err = sqlite.Open(ctx, path+".store", sqlite.WithCommitObserver(col.Observe))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	apply(planwatch.DataValue{Key: key, Basis: planwatch.BasisPeriod, Vintage: planwatch.Official, Deleted: true})
	if _, ok := col.Cube().Value("I001", "P01C0001", 202502); ok {
		t.Fatal("a withdrawn value is still in the cube")
	}
	if got := find(col.Cube()); got.Cur != before.Cur-old {
		t.Fatalf("after withdrawal cur = %v, want %v", got.Cur, before.Cur-old)
	}
}
