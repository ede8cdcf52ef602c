package calc

import (
	"context"
	"testing"

	"planwatch"
)

// plainStore is feedStore without its change feed: the index cannot ask
// it what changed.
type plainStore struct {
	Source
	fs *feedStore
}

func (p plainStore) Values(context.Context, planwatch.ValueQuery) ([]planwatch.DataValue, error) {
	p.fs.mu.Lock()
	defer p.fs.mu.Unlock()
	var out []planwatch.DataValue
	for _, v := range p.fs.current {
		out = append(out, v)
	}
	return out, nil
}

// Without a change feed, Refresh still brings in a change set whose values
// were streamed into the store (Store.ApplyStream: the change set holds
// none of them), and one that withdrew values; the index then holds what
// a fresh load holds.
func TestRefreshWithoutFeedTakesStreamedValues(t *testing.T) {
	ctx := context.Background()
	st := newFeedStore()
	src := plainStore{Source: st, fs: st}
	if _, ok := Source(src).(ChangeFeed); ok {
		t.Fatal("the plain store has a change feed")
	}
	live, err := Open(ctx, src, false)
	if err != nil {
		t.Fatal(err)
	}
	q1 := planwatch.MustPeriod("2022Q1")
	before := live.Dataset().Value("flow", "D1", q1).Value
	var gone planwatch.DataValue
	for _, v := range live.Dataset().Values(planwatch.ValueQuery{}) {
		if v.Indicator != "flow" {
			gone = v
			break
		}
	}
	gone.Deleted = true
	// Streamed: neither value is in the change set.
	st.commit(pv("flow", "C2", "2022Q1", 100), gone)
	if err := live.Refresh(ctx, &planwatch.ChangeSet{By: "api"}); err != nil {
		t.Fatal(err)
	}
	if got := live.Dataset().Value("flow", "D1", q1).Value; got == before {
		t.Errorf("flow D1 after a streamed change: %v, as before", got)
	}
	for _, v := range live.Dataset().Values(planwatch.ValueQuery{Indicators: []string{gone.Indicator}, Units: []string{gone.Unit}}) {
		if v.Key == gone.Key {
			t.Errorf("a value withdrawn is still in the index: %+v", v)
		}
	}
	fresh, err := Load(ctx, src, false)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(live.Dataset().Values(planwatch.ValueQuery{})), len(fresh.Values(planwatch.ValueQuery{})); got != want {
		t.Errorf("%d values in the index, a fresh load has %d", got, want)
	}
	if got, want := live.Dataset().Value("flow", "D1", q1).Value, fresh.Value("flow", "D1", q1).Value; got != want {
		t.Errorf("flow D1 = %v, a fresh load says %v", got, want)
	}
}
