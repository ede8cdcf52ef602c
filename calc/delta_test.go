package calc

import (
	"bytes"
	"context"
	"fmt"
	"hash/maphash"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"planwatch"
)

// sameValues fails unless the index holds exactly the current values of a
// fresh load from the store.
func sameValues(t *testing.T, what string, got *Live, st Source) {
	t.Helper()
	fresh, err := Open(context.Background(), st, false)
	if err != nil {
		t.Fatal(err)
	}
	a, b := got.Dataset().Values(planwatch.ValueQuery{}), fresh.Dataset().Values(planwatch.ValueQuery{})
	if len(a) != len(b) {
		t.Fatalf("%s: %d values, a fresh load has %d", what, len(a), len(b))
	}
	for i := range a {
		if !reflect.DeepEqual(a[i], b[i]) {
			t.Fatalf("%s: value %d is %+v, a fresh load has %+v", what, i, a[i], b[i])
		}
	}
}

// monthsOfC3 is a value of each indicator for C3 in every month of
// 2020–2021, many entries beside which a change of a few series is little.
func monthsOfC3(codes ...string) []planwatch.DataValue {
	var out []planwatch.DataValue
	for _, code := range codes {
		for m := 1; m <= 24; m++ {
			out = append(out, pv(code, "C3", fmt.Sprintf("%dM%02d", 2020+(m-1)/12, (m-1)%12+1), float64(m)))
		}
	}
	return out
}

// apprStore is a feed store with approvals.
type apprStore struct {
	*feedStore
	appr []planwatch.Approval
}

func (s *apprStore) Approvals(context.Context, planwatch.ApprovalQuery) ([]planwatch.Approval, error) {
	return s.appr, nil
}

// An approval after the full snapshot changes no value but the approved
// flags of a unit's values: the delta carries those series, so that a
// start from snapshot + delta shows them approved (approved-only readers
// see them) and check finds the snapshot sound; found by review — the
// flags were those of the full snapshot, for good.
func TestDeltaCarriesApprovals(t *testing.T) {
	ctx := context.Background()
	st := &apprStore{feedStore: newFeedStore()}
	st.commit(append(monthsOfC3("num", "avg", "den"), pv("flow", "C1", "2022Q1", 1000))...)
	path := filepath.Join(t.TempDir(), "db.index")
	if _, err := OpenSnapshot(ctx, st, true, path); err != nil {
		t.Fatal(err)
	}
	st.appr = []planwatch.Approval{{Unit: "C1", Period: planwatch.MustPeriod("2022Q1"), State: planwatch.ApprovalApproved}}
	st.commit()                                                  // the approval: a change of its own, no value changed
	if _, err := OpenSnapshot(ctx, st, true, path); err != nil { // writes the delta
		t.Fatal(err)
	}
	if _, err := os.Stat(deltaPath(path)); err != nil {
		t.Fatalf("no delta: %v", err)
	}
	third, err := OpenSnapshot(ctx, st, true, path)
	if err != nil {
		t.Fatal(err)
	}
	q := planwatch.ValueQuery{ApprovedOnly: true}
	fresh, err := Open(ctx, st, true)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := len(third.Dataset().Values(q)), len(fresh.Dataset().Values(q)); a != b || b == 0 {
		t.Fatalf("from snapshot + delta: %d approved values, a fresh load has %d", a, b)
	}
	sameValues(t, "snapshot + delta after an approval", third, st)
	if c, err := VerifySnapshot(ctx, st, path); err != nil || len(c.Problems) > 0 {
		t.Fatalf("check of snapshot + delta: %v %v", c.Problems, err)
	}
	// check compares approved flags too.
	seed := maphash.MakeSeed()
	before := third.ds.digest(seed)["flow"]
	third.ds.values["flow"].byID[third.ds.unitIDs["C1"]][0].flags ^= flagApproved
	if third.ds.digest(seed)["flow"] == before {
		t.Fatal("check's digest does not see an approved flag")
	}
}

// A delta is written only over the full snapshot the index read or wrote:
// once another process has written the full snapshot again, the next save
// writes the full snapshot (a delta of the old one would be ignored by
// every start).
func TestDeltaOnlyOverItsOwnSnapshot(t *testing.T) {
	ctx := context.Background()
	st := newFeedStore()
	st.commit(monthsOfC3("num")...)
	path := filepath.Join(t.TempDir(), "db.index")
	if _, err := OpenSnapshot(ctx, st, false, path); err != nil {
		t.Fatal(err)
	}
	mine, err := OpenSnapshot(ctx, st, false, path)
	if err != nil {
		t.Fatal(err)
	}
	other, err := Open(ctx, st, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := other.ds.saveSnapshot(path); err != nil { // another process's full snapshot
		t.Fatal(err)
	}
	st.commit(pv("flow", "C1", "2022Q1", 3))
	if err := mine.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if err := mine.SaveSnapshot(path); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(deltaPath(path)); err == nil {
		t.Fatal("a delta written over another process's full snapshot")
	}
	again, err := OpenSnapshot(ctx, st, false, path)
	if err != nil {
		t.Fatal(err)
	}
	if again.seq != st.seq {
		t.Fatalf("start at change %d, the store is at %d: the change was not in the snapshot", again.seq, st.seq)
	}
	sameValues(t, "after another process's full snapshot", again, st)
}

// A few changes after the full snapshot are kept in a delta beside it (the
// full snapshot is not written again); a start reads both; many changes
// write the full snapshot again; a delta of another full snapshot, or a
// damaged one, is not used.
func TestDeltaSnapshot(t *testing.T) {
	ctx := context.Background()
	st := newFeedStore()
	st.commit(monthsOfC3("num", "avg", "den")...) // so that a change of two series is little beside the whole
	path := filepath.Join(t.TempDir(), "db.index")
	if _, err := OpenSnapshot(ctx, st, false, path); err != nil { // everything read: a full snapshot
		t.Fatal(err)
	}
	full, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(deltaPath(path)); err == nil {
		t.Fatal("a delta written beside the first full snapshot")
	}
	q1 := planwatch.MustPeriod("2022Q1")
	st.commit(pv("flow", "C1", "2022Q1", 1000), pv("flow", "C2", "2022Q1", 100))
	second, err := OpenSnapshot(ctx, st, false, path) // snapshot + one change: a delta
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := os.ReadFile(path); !bytes.Equal(again, full) {
		t.Fatal("the full snapshot was written again for one change")
	}
	if _, err := os.Stat(deltaPath(path)); err != nil {
		t.Fatalf("no delta after one change: %v", err)
	}
	gone := pv("flow", "C2", "2022Q1", 0)
	gone.Value, gone.Deleted = nil, true
	st.commit(gone)
	if err := second.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	before := second.Dataset().Value("flow", "D1", q1)
	if err := second.SaveSnapshot(path); err != nil { // the delta holds both changes
		t.Fatal(err)
	}
	third, err := OpenSnapshot(ctx, st, false, path)
	if err != nil {
		t.Fatal(err)
	}
	if third.seq != st.seq {
		t.Fatalf("start from snapshot + delta at change %d, the store is at %d", third.seq, st.seq)
	}
	if f := third.Dataset().Value("flow", "D1", q1); f.Value != before.Value || f.Value == 1100 {
		t.Fatalf("from snapshot + delta: flow D1 = %v, want %v (C2's 100 withdrawn)", f.Value, before.Value)
	}
	sameValues(t, "snapshot + delta", third, st)
	if c, err := VerifySnapshot(ctx, st, path); err != nil || len(c.Problems) > 0 || c.Seq != st.seq {
		t.Fatalf("check of snapshot + delta: %+v, %v", c, err)
	}

	// A start from snapshot + delta, then another change: the new delta
	// keeps the old delta's series too.
	st.commit(pv("flow", "C3", "2022Q1", 7))
	if err := third.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if err := third.SaveSnapshot(path); err != nil {
		t.Fatal(err)
	}
	if again, _ := os.ReadFile(path); !bytes.Equal(again, full) {
		t.Fatal("the full snapshot was written again for a third change")
	}
	third, err = OpenSnapshot(ctx, st, false, path)
	if err != nil {
		t.Fatal(err)
	}
	if third.seq != st.seq {
		t.Fatalf("start from snapshot + second delta at change %d, the store is at %d", third.seq, st.seq)
	}
	sameValues(t, "snapshot + second delta", third, st)

	// A damaged delta is not used: the changes are read from the store.
	delta, _ := os.ReadFile(deltaPath(path))
	if err := os.WriteFile(deltaPath(path), delta[:len(delta)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	damaged, err := OpenSnapshot(ctx, st, false, path)
	if err != nil {
		t.Fatal(err)
	}
	sameValues(t, "snapshot + damaged delta", damaged, st)

	// Another process writes the full snapshot again (a new ID): a delta
	// of the old one is not used with it.
	if err := os.WriteFile(deltaPath(path), delta, 0o600); err != nil {
		t.Fatal(err)
	}
	other := newFeedStore()
	other.commit(pv("flow", "C1", "2022Q1", 5))
	for other.seq < st.seq {
		other.commit(pv("flow", "C3", "2022Q1", 9))
	}
	o, err := Open(ctx, other, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.ds.saveSnapshot(path); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(deltaPath(path), delta, 0o600); err != nil { // the old delta, put back
		t.Fatal(err)
	}
	fourth, err := OpenSnapshot(ctx, other, false, path)
	if err != nil {
		t.Fatal(err)
	}
	if f := fourth.Dataset().Value("flow", "C1", q1); f.Value != 5 {
		t.Fatalf("a delta of another full snapshot was used: flow C1 = %v, want 5", f.Value)
	}
	sameValues(t, "new snapshot + a delta of the old", fourth, other)

	// Many changes: the full snapshot is written again and the delta removed.
	full, _ = os.ReadFile(path)
	var many []planwatch.DataValue
	for _, v := range fourth.Dataset().Values(planwatch.ValueQuery{}) {
		v.Value = planwatch.Float(*v.Value + 1)
		many = append(many, v)
	}
	other.commit(many...)
	if err := fourth.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if err := fourth.SaveSnapshot(path); err != nil {
		t.Fatal(err)
	}
	if again, _ := os.ReadFile(path); bytes.Equal(again, full) {
		t.Fatal("every value changed, yet the full snapshot was not written again")
	}
	if _, err := os.Stat(deltaPath(path)); err == nil {
		t.Fatal("the delta of the old full snapshot was left")
	}
	fifth, err := OpenSnapshot(ctx, other, false, path)
	if err != nil {
		t.Fatal(err)
	}
	sameValues(t, "rewritten full snapshot", fifth, other)
	// After it, a delta holds the series changed since, not those before.
	other.commit(pv("flow", "C3", "2022Q1", 11))
	if err := fourth.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if err := fourth.SaveSnapshot(path); err != nil {
		t.Fatal(err)
	}
	img, err := os.ReadFile(deltaPath(path))
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if _, _, err := walkSnapshot(img, func([]byte) {}, func(string, int) {}, func(int, series, []entryMeta) { n++ }, func(map[int]bool) {}); err != nil || n != 1 {
		t.Fatalf("the delta after a full snapshot holds %d series (%v), want the 1 changed since", n, err)
	}
}
