package storetest

import (
	"context"
	"errors"
	"testing"

	"planwatch"
)

// testApplyStream: a streamed change set is checked whole, the reader's
// problems named with the store's, and stored all or nothing.
func testApplyStream(t *testing.T, ctx context.Context, s planwatch.Store) {
	sa, ok := s.(planwatch.StreamApplier)
	if !ok {
		t.Skip("the store takes no streams")
	}
	fixture(t, ctx, s)
	good := LargeChangeSet(50)
	stream := func(vs []planwatch.DataValue, bad map[int]error) func(func(planwatch.DataValue, error) bool) {
		return func(yield func(planwatch.DataValue, error) bool) {
			for i, v := range vs {
				if err := bad[i]; err != nil {
					if !yield(planwatch.DataValue{}, err) {
						return
					}
					continue
				}
				if !yield(v, nil) {
					return
				}
			}
		}
	}
	unreadable := &planwatch.Error{Code: planwatch.EINVALID, Problems: []planwatch.Problem{{Row: 11, Column: "value", Value: "x", Reason: "not a number"}}}
	vs := append([]planwatch.DataValue(nil), good...)
	vs[30].Unit = "99999"
	_, err := sa.ApplyStream(ctx, &planwatch.ChangeSet{By: "t"}, stream(vs, map[int]error{10: unreadable}))
	e := invalidErr(t, err)
	if !hasProblem(e.Problems, 11, "value") || !hasProblem(e.Problems, 31, "orgunit") || len(e.Problems) != 2 {
		t.Errorf("problems %v, want the reader's row 11 and the unknown unit of row 31", e.Problems)
	}
	broken := errors.New("disk gone")
	if _, err := sa.ApplyStream(ctx, &planwatch.ChangeSet{By: "t"}, stream(good, map[int]error{40: broken})); !errors.Is(err, broken) {
		t.Errorf("a failing stream: %v, want its error", err)
	}
	if got := values(t, ctx, s, planwatch.ValueQuery{}); len(got) != 0 {
		t.Fatalf("refused streams stored %d values", len(got))
	}
	res, err := sa.ApplyStream(ctx, &planwatch.ChangeSet{By: "t", From: "big.csv"}, stream(good, nil))
	if err != nil || res != (planwatch.ApplyResult{Imported: 50}) {
		t.Fatalf("stream: %+v %v", res, err)
	}
	if got := values(t, ctx, s, planwatch.ValueQuery{}); len(got) != 50 {
		t.Errorf("%d values stored, want 50", len(got))
	}
}
