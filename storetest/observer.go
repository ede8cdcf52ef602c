package storetest

import (
	"context"
	"sync"
	"testing"

	"planwatch"
)

// RunObserver checks a store's commit observer: after a committed Apply it
// receives the new current value of every key whose current value changed
// (a withdrawn key as a Deleted value), and nothing for dry runs or refused
// change sets. open returns a new, empty store that calls observe; it is
// closed by RunObserver.
func RunObserver(t *testing.T, open func(t *testing.T, observe func([]planwatch.DataValue)) planwatch.Store) {
	ctx := context.Background()
	var mu sync.Mutex
	var calls [][]planwatch.DataValue
	s := open(t, func(vs []planwatch.DataValue) {
		mu.Lock()
		calls = append(calls, vs)
		mu.Unlock()
	})
	defer s.Close()
	if err := Fixture(ctx, s); err != nil {
		t.Fatal(err)
	}
	last := func() []planwatch.DataValue {
		mu.Lock()
		defer mu.Unlock()
		if len(calls) == 0 {
			return nil
		}
		return calls[len(calls)-1]
	}
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(calls) }
	apply := func(cs *planwatch.ChangeSet) error { _, err := s.Apply(ctx, cs); return err }

	off := value("trade.retail", "20", "2022Q1", planwatch.Official, 10)
	if err := apply(&planwatch.ChangeSet{By: "t", Values: []planwatch.DataValue{off, value("trade.retail", "178", "2022Q1", planwatch.Official, 4)}}); err != nil {
		t.Fatal(err)
	}
	if got := last(); len(got) != 2 || got[0].Value == nil || *got[0].Value != 10 || got[0].Indicator != "trade.retail" {
		t.Fatalf("first commit: observer got %+v", got)
	}
	// A later estimate does not displace the official figure: the current value stays 10.
	if err := apply(&planwatch.ChangeSet{By: "t", Values: []planwatch.DataValue{value("trade.retail", "20", "2022Q1", planwatch.Estimate, 99)}}); err != nil {
		t.Fatal(err)
	}
	if got := last(); len(got) > 1 || (len(got) == 1 && (got[0].Value == nil || *got[0].Value != 10)) {
		t.Fatalf("estimate after official: observer got %+v, want the official 10 (or nothing)", got)
	}
	n := count()
	dry := &planwatch.ChangeSet{By: "t", DryRun: true, Values: []planwatch.DataValue{value("trade.retail", "20", "2022Q2", planwatch.Official, 1)}}
	if err := apply(dry); err != nil {
		t.Fatal(err)
	}
	bad := &planwatch.ChangeSet{By: "t", Values: []planwatch.DataValue{value("no.such", "20", "2022Q2", planwatch.Official, 1)}}
	if err := apply(bad); err == nil {
		t.Fatal("a change set with an unknown indicator was stored")
	}
	if count() != n {
		t.Fatalf("dry run or refused change set reached the observer: %d calls, want %d", count(), n)
	}
	// Withdrawing every revision of a vintage leaves the other; withdrawing all leaves a Deleted key.
	w := value("trade.retail", "178", "2022Q1", planwatch.Official, 0)
	w.Value, w.Deleted = nil, true
	if err := apply(&planwatch.ChangeSet{By: "t", Values: []planwatch.DataValue{w}}); err != nil {
		t.Fatal(err)
	}
	if got := last(); len(got) != 1 || !got[0].Deleted || got[0].Unit != "178" || got[0].Period.ID() != "2022Q1" {
		t.Fatalf("withdrawal: observer got %+v, want a Deleted 178/2022Q1", got)
	}
}
