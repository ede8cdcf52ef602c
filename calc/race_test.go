package calc

import (
	"context"
	"sync"
	"testing"

	"planwatch"
)

// A catalogue reload (another process changed indicators and units) swaps
// the index's catalogue while readers compute figures: under -race, readers
// must never see the swap half done (the race detector names it otherwise).
func TestCatalogueReloadBesideReaders(t *testing.T) {
	ctx := context.Background()
	st := newFeedStore()
	live, err := Open(ctx, st, false)
	if err != nil {
		t.Fatal(err)
	}
	q1 := planwatch.MustPeriod("2022Q1")
	done := make(chan struct{})
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				ds := live.Dataset()
				if f := ds.Value("flow", "D1", q1); !f.OK {
					t.Error("flow D1 2022Q1 missing during reloads")
					return
				}
				ds.Status("P", q1, DefaultOptions())
				_ = ds.Indicators()["flow"]
				_ = ds.Units().EverChildren("P")
			}
		}()
	}
	for i := range 20 {
		inds := append([]planwatch.Indicator(nil), st.inds...)
		for j := range inds {
			if inds[j].Code == "flow" {
				inds[j].NameVI = "Chỉ tiêu " + string(rune('a'+i))
			}
		}
		units := append([]planwatch.OrgUnit(nil), st.rawU...)
		units[len(units)-1].Name += "x" // a unit renamed: the hierarchy is made again
		st.mu.Lock()
		st.rawU = units
		st.mu.Unlock()
		st.commitCatalogue(inds)
		if err := live.Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	wg.Wait()
	if got := live.Dataset().Indicators()["flow"].NameVI; got != "Chỉ tiêu t" {
		t.Fatalf("flow named %q after the reloads, want the last name", got)
	}
}
