package calc

import (
	"context"
	"testing"

	"planwatch"
)

// A catalogue change committed by another process reaches the index at the
// next Sync: figures of the changed indicator follow its new definition, and
// a new indicator is there.
func TestLiveFollowsCatalogueChanges(t *testing.T) {
	ctx := context.Background()
	st := newFeedStore()
	live, err := Open(ctx, st, false)
	if err != nil {
		t.Fatal(err)
	}
	q1 := planwatch.MustPeriod("2022Q1")
	sum := live.Dataset().Value("flow", "D1", q1)
	if sum.Value != 66 {
		t.Fatalf("flow D1 summed over communes = %v, want 66", sum.Value)
	}
	st.mu.Lock()
	for i := range st.inds {
		if st.inds[i].Code == "flow" {
			st.inds[i].UnitAgg = planwatch.UnitAvg
		}
	}
	st.inds = append(st.inds, planwatch.Indicator{Code: "new", NameVI: "Mới", Kind: planwatch.KindFlow,
		TimeAgg: planwatch.TimeSum, UnitAgg: planwatch.UnitSum, Direction: 1})
	st.seq++ // the catalogue change's number, of kind catalogue
	st.catalogAt = st.seq
	st.mu.Unlock()
	if err := live.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	ds := live.Dataset()
	if _, ok := ds.Indicators()["new"]; !ok {
		t.Errorf("a new indicator did not reach the index")
	}
	if f := ds.Value("flow", "D1", q1); f.Value != 33 {
		t.Errorf("flow D1 after its unit aggregation became avg = %v, want 33 (the memo kept the sum?)", f.Value)
	}
}
