package calc

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"planwatch"
)

// feedStore is a store in memory that numbers its changes: enough of a
// Source and a ChangeFeed for the index to follow it.
type feedStore struct {
	mu        sync.Mutex
	inds      []planwatch.Indicator
	withdrawn map[string]planwatch.DataValue
	rawU      []planwatch.OrgUnit
	trans     []planwatch.Transition
	current   map[string]planwatch.DataValue // key+basis → value
	changed   map[string]int64               // key+basis → change number
	seq       int64
	catalogAt int64 // change number of the last catalogue change
}

func keyOf2(v planwatch.DataValue) string { return v.Key.String() + "|" + string(v.Basis) }

func (s *feedStore) commit(vals ...planwatch.DataValue) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	for _, v := range vals {
		v.Normalize()
		k := keyOf2(v)
		if v.Deleted {
			s.withdrawn[k] = v
			delete(s.current, k)
		} else {
			s.current[k] = v
		}
		s.changed[k] = s.seq
	}
}

// commitCatalogue replaces the indicators, as another process would.
func (s *feedStore) commitCatalogue(inds []planwatch.Indicator) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	s.inds, s.catalogAt = inds, s.seq
}

// renameAndAdd commits, as another process would, a catalogue in which
// "flow" is named name and a flow indicator code is added.
func (s *feedStore) renameAndAdd(name, code string) {
	inds := append([]planwatch.Indicator(nil), s.inds...)
	for i := range inds {
		if inds[i].Code == "flow" {
			inds[i].NameVI = name
		}
	}
	inds = append(inds, planwatch.Indicator{Code: code, NameVI: "Thêm", Unit: "tấn", Kind: planwatch.KindFlow,
		TimeAgg: planwatch.TimeSum, UnitAgg: planwatch.UnitSum, Direction: planwatch.HigherIsBetter})
	s.commitCatalogue(inds)
}

// commitUnits replaces the units, as another process would.
func (s *feedStore) commitUnits(units []planwatch.OrgUnit) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	s.rawU, s.catalogAt = units, s.seq
}

func (s *feedStore) CatalogueChangedSince(_ context.Context, seq int64) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.catalogAt > seq, nil
}

func (s *feedStore) ChangeSeq(context.Context) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seq, nil
}

func (s *feedStore) CurrentSince(_ context.Context, seq int64, fn func(planwatch.DataValue) error) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := make([]string, 0, len(s.changed))
	for k, at := range s.changed {
		if at > seq {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		v, ok := s.current[k]
		if !ok {
			if seq == 0 {
				continue
			}
			v = s.withdrawn[k]
		}
		if err := fn(v); err != nil {
			return 0, err
		}
	}
	return s.seq, nil
}

func (s *feedStore) Indicators(context.Context) ([]planwatch.Indicator, error)   { return s.inds, nil }
func (s *feedStore) OrgUnits(context.Context) ([]planwatch.OrgUnit, error)       { return s.rawU, nil }
func (s *feedStore) Transitions(context.Context) ([]planwatch.Transition, error) { return s.trans, nil }
func (s *feedStore) SaveIndicators(context.Context, []planwatch.Indicator, string) error {
	return nil
}
func (s *feedStore) SaveOrgUnits(context.Context, []planwatch.OrgUnit, []planwatch.Transition, string) error {
	return nil
}
func (s *feedStore) Values(context.Context, planwatch.ValueQuery) ([]planwatch.DataValue, error) {
	return nil, nil
}
func (s *feedStore) Targets(context.Context, planwatch.TargetQuery) ([]planwatch.Target, error) {
	return nil, nil
}
func (s *feedStore) Milestones(context.Context, string, int) ([]planwatch.Milestone, error) {
	return nil, nil
}

func newFeedStore() *feedStore {
	d := testDataset()
	inds := make([]planwatch.Indicator, 0, len(d.Indicators()))
	for _, ind := range d.Indicators() {
		inds = append(inds, ind)
	}
	units, trans := testUnitList()
	s := &feedStore{inds: inds, rawU: units, trans: trans, current: map[string]planwatch.DataValue{}, changed: map[string]int64{}, withdrawn: map[string]planwatch.DataValue{}}
	s.commit(d.Values(planwatch.ValueQuery{})...)
	return s
}

// The index follows the store's changes and starts again from its snapshot
// plus what changed after it, with the same figures as a full load.
func TestLiveFollowsAndSnapshots(t *testing.T) {
	ctx := context.Background()
	st := newFeedStore()
	path := filepath.Join(t.TempDir(), "db.index")
	q1 := planwatch.MustPeriod("2022Q1")

	live, err := OpenSnapshot(ctx, st, false, path)
	if err != nil {
		t.Fatal(err)
	}
	want := testDataset().Value("flow", "D1", q1).Value
	if f := live.Dataset().Value("flow", "D1", q1); f.Value != want {
		t.Fatalf("first open: flow D1 = %v, want %v", f.Value, want)
	}
	// Another process commits: the next Sync sees it.
	st.commit(pv("flow", "C2", "2022Q1", 100))
	v0 := live.Version()
	if err := live.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if live.Version() == v0 {
		t.Error("version did not move after a change")
	}
	if f := live.Dataset().Value("flow", "D1", q1); f.Value != 106 {
		t.Fatalf("after another process's commit: flow D1 = %v, want 106", f.Value)
	}
	// A withdrawal reaches the index too.
	gone := pv("flow", "C2", "2022Q1", 0)
	gone.Value, gone.Deleted = nil, true
	st.commit(gone)
	if err := live.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if f := live.Dataset().Value("flow", "D1", q1); f.Value != 66 {
		t.Fatalf("after a withdrawal: flow D1 = %v, want 66", f.Value)
	}
	if err := live.SaveSnapshot(path); err != nil {
		t.Fatal(err)
	}
	// A later change, then a new process: snapshot plus the change.
	st.commit(pv("flow", "C1", "2022Q1", 1000))
	wantLen := live.Dataset().Len() + 1
	again, err := OpenSnapshot(ctx, st, false, path)
	if err != nil {
		t.Fatal(err)
	}
	if f := again.Dataset().Value("flow", "D1", q1); f.Value != 1060 {
		t.Fatalf("snapshot + later change: flow D1 = %v, want 1000 + 60", f.Value)
	}
	if a, b := again.Dataset().Len(), wantLen; a != b {
		t.Errorf("reopened index has %d values, want %d", a, b)
	}
	// Nothing changed since: the snapshot alone (catalogue and plans included) serves.
	if err := again.SaveSnapshot(path); err != nil {
		t.Fatal(err)
	}
	third, err := OpenSnapshot(ctx, st, false, path)
	if err != nil {
		t.Fatal(err)
	}
	if f := third.Dataset().Value("flow", "D1", q1); f.Value != 1060 || f.Units != 2 {
		t.Fatalf("from the snapshot alone: flow D1 = %v from %d units, want 1060 from 2", f.Value, f.Units)
	}
	// A snapshot ahead of the store (another database) is not used.
	st2 := newFeedStore()
	other, err := OpenSnapshot(ctx, st2, false, path)
	if err != nil {
		t.Fatal(err)
	}
	if f := other.Dataset().Value("flow", "D1", q1); f.Value != want {
		t.Fatalf("stale snapshot used: flow D1 = %v, want %v", f.Value, want)
	}
}

// slowFeed counts and slows the looks at the change number, so that
// concurrent Syncs overlap.
type slowFeed struct {
	*feedStore
	looks atomic.Int64
}

func (s *slowFeed) ChangeSeq(ctx context.Context) (int64, error) {
	s.looks.Add(1)
	seq, err := s.feedStore.ChangeSeq(ctx)
	time.Sleep(2 * time.Millisecond)
	return seq, err
}

// Concurrent Syncs share looks at the store, yet each sees every change
// committed before it was called.
func TestLiveSyncSharedLooks(t *testing.T) {
	ctx := context.Background()
	st := &slowFeed{feedStore: newFeedStore()}
	live, err := Open(ctx, st, false)
	if err != nil {
		t.Fatal(err)
	}
	const callers = 64
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each caller commits, then syncs: its own change must be in.
			st.commit(pv("flow", "C2", "2022Q1", float64(1000+i)))
			st.mu.Lock()
			committed := st.seq
			st.mu.Unlock()
			if err := live.Sync(ctx); err != nil {
				errs <- err
				return
			}
			if got := live.Dataset().Seq(); got < committed {
				errs <- fmt.Errorf("caller %d: index at change %d after Sync, committed %d before", i, got, committed)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := st.looks.Load(); n >= callers {
		t.Errorf("%d callers made %d looks at the store: not shared", callers, n)
	}
}

// Another process's catalogue change reaches the index at the next Sync,
// and figures are computed with it: an indicator summed over time becomes
// one not combined over time.
func TestLiveFollowsTheCatalogue(t *testing.T) {
	ctx := context.Background()
	st := newFeedStore()
	live, err := Open(ctx, st, false)
	if err != nil {
		t.Fatal(err)
	}
	q1 := planwatch.MustPeriod("2022Q1")
	if f := live.Dataset().Value("flow", "D1", q1); !f.OK {
		t.Fatal("flow D1 2022Q1 missing before the change")
	}
	st.renameAndAdd("Chỉ tiêu mới", "added")
	v0 := live.Version()
	if err := live.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	ds := live.Dataset()
	if _, ok := ds.Indicators()["added"]; !ok || ds.Indicators()["flow"].NameVI != "Chỉ tiêu mới" || live.Version() == v0 {
		t.Fatalf("the index did not take the other process's catalogue: added %v, flow named %q, version %d → %d",
			ok, ds.Indicators()["flow"].NameVI, v0, live.Version())
	}
}

// A figure computed while the values changed (a forgetting in between) is
// returned but not remembered: the next question computes it afresh.
func TestMemoAcrossAForgetting(t *testing.T) {
	d := testDataset()
	ind := d.Indicators()["flow"]
	k := keyOf(&ind, "D1", planwatch.MustPeriod("2022Q1"), -1)
	f := d.memo(k, func() Figure {
		d.forget(map[string]bool{"flow": true}) // an Apply lands meanwhile
		return Figure{Value: 1, OK: true}
	})
	if !f.OK || f.Value != 1 {
		t.Fatalf("memo returned %+v", f)
	}
	d.memoMu.Lock()
	_, kept := d.figures[k]
	d.memoMu.Unlock()
	if kept {
		t.Fatal("a figure computed across a forgetting was remembered")
	}
	if f := d.memo(k, func() Figure { return Figure{Value: 2, OK: true} }); f.Value != 2 {
		t.Fatalf("after the forgetting the figure was not computed afresh: %+v", f)
	}
}

// A new process starting from a snapshot takes the catalogue changes made
// after it (the snapshot's own catalogue is used only while the change feed
// says the store's has not changed), and keeps the snapshot's when nothing
// changed but values.
func TestSnapshotThenCatalogueChange(t *testing.T) {
	ctx := context.Background()
	st := newFeedStore()
	path := filepath.Join(t.TempDir(), "db.index")
	first, err := OpenSnapshot(ctx, st, false, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := first.SaveSnapshot(path); err != nil {
		t.Fatal(err)
	}
	// Values only: the snapshot's catalogue serves, the value is taken in.
	st.commit(pv("flow", "C1", "2022Q1", 1000))
	second, err := OpenSnapshot(ctx, st, false, path)
	if err != nil {
		t.Fatal(err)
	}
	q1 := planwatch.MustPeriod("2022Q1")
	if f := second.Dataset().Value("flow", "C1", q1); f.Value != 1000 {
		t.Fatalf("value committed after the snapshot: flow C1 = %v, want 1000", f.Value)
	}
	if err := second.SaveSnapshot(path); err != nil {
		t.Fatal(err)
	}
	// Another process renames an indicator and adds one, then a value.
	st.renameAndAdd("Tên mới sau ảnh chụp", "later")
	st.commit(pv("flow", "C1", "2022Q1", 7))
	// And a commune added under D2, with a figure.
	d2 := second.Dataset().Value("flow", "D2", q1).Value
	st.commitUnits(append(append([]planwatch.OrgUnit(nil), st.rawU...), planwatch.OrgUnit{Code: "C4", Name: "C4",
		Parent: "D2", Level: planwatch.LevelCommune, ValidFrom: d2020, ValidTo: planwatch.ReformDate}))
	st.commit(pv("flow", "C4", "2022Q1", 500))
	third, err := OpenSnapshot(ctx, st, false, path)
	if err != nil {
		t.Fatal(err)
	}
	ds := third.Dataset()
	if _, ok := ds.Indicators()["later"]; !ok || ds.Indicators()["flow"].NameVI != "Tên mới sau ảnh chụp" {
		t.Fatalf("catalogue changed after the snapshot not taken: later %v, flow named %q", ok, ds.Indicators()["flow"].NameVI)
	}
	if f := ds.Value("flow", "C1", q1); f.Value != 7 {
		t.Fatalf("flow C1 = %v, want 7", f.Value)
	}
	if f := ds.Value("flow", "D2", q1); f.Value != d2+500 {
		t.Fatalf("units changed after the snapshot not taken: flow D2 = %v, want %v + 500 from the new commune", f.Value, d2)
	}
}
