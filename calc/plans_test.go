package calc

import (
	"context"
	"sync/atomic"
	"testing"

	"planwatch"
)

// planFeed is a feedStore with targets, which says when they changed.
type planFeed struct {
	*feedStore
	targets []planwatch.Target
	plansAt int64
	reads   atomic.Int64 // reads of the targets
}

func (s *planFeed) commitTarget(t planwatch.Target) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	s.targets, s.plansAt = append(s.targets, t), s.seq
}

func (s *planFeed) Targets(context.Context, planwatch.TargetQuery) ([]planwatch.Target, error) {
	s.reads.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]planwatch.Target(nil), s.targets...), nil
}

func (s *planFeed) PlansChangedSince(_ context.Context, seq int64) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.plansAt > seq, nil
}

// The index reads plans again when they changed, and only then: another
// process's values alone leave them as they were.
func TestLiveReadsPlansOnlyWhenTheyChanged(t *testing.T) {
	ctx := context.Background()
	st := &planFeed{feedStore: newFeedStore()}
	live, err := Open(ctx, st, false)
	if err != nil {
		t.Fatal(err)
	}
	read := st.reads.Load()
	st.commit(pv("flow", "C2", "2022Q1", 4321))
	if err := live.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if f := live.Dataset().Value("flow", "C2", planwatch.MustPeriod("2022Q1")); !f.OK || f.Value != 4321 {
		t.Fatalf("the new value is not in: %+v", f)
	}
	if n := st.reads.Load(); n != read {
		t.Errorf("values alone: targets read %d times more", n-read)
	}
	st.commitTarget(planwatch.Target{Indicator: "flow", Unit: "C2", Year: 2022, Kind: planwatch.TargetPlan, Value: 9000})
	if err := live.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if n := st.reads.Load(); n != read+1 {
		t.Errorf("a target: targets read %d times more, want 1", n-read)
	}
	found := false
	for _, tg := range live.Dataset().Targets() {
		found = found || (tg.Unit == "C2" && tg.Indicator == "flow" && tg.Value == 9000)
	}
	if !found {
		t.Error("the new target is not in the index")
	}
}
