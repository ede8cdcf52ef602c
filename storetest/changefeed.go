package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"planwatch"
)

// FeedStore is a store with a change feed.
type FeedStore interface {
	planwatch.Store
	planwatch.ChangeFeed
}

// RunChangeFeed checks a store's planwatch.ChangeFeed and its change
// observer: every committed Apply that changes something, every approval
// change and every catalogue change advances the sequence by the number the
// observer receives; ignored, dry-run and refused change sets do not;
// CurrentSince gives every current value from 0, and from a later number
// exactly the keys written since, withdrawn ones as Deleted. open returns a
// new, empty store that calls observe after each numbered change; it is
// closed by RunChangeFeed.
func RunChangeFeed(t *testing.T, open func(t *testing.T, observe func(planwatch.Change)) FeedStore) {
	ctx := context.Background()
	var mu sync.Mutex
	var changes []planwatch.Change
	s := open(t, func(c planwatch.Change) {
		mu.Lock()
		changes = append(changes, c)
		mu.Unlock()
	})
	defer s.Close()
	lastChange := func() planwatch.Change {
		mu.Lock()
		defer mu.Unlock()
		if len(changes) == 0 {
			return planwatch.Change{}
		}
		return changes[len(changes)-1]
	}
	seq := func() int64 {
		t.Helper()
		n, err := s.ChangeSeq(ctx)
		if err != nil {
			t.Fatalf("ChangeSeq: %v", err)
		}
		return n
	}
	since := func(from int64) (map[string]planwatch.DataValue, int64) {
		t.Helper()
		got := map[string]planwatch.DataValue{}
		upTo, err := s.CurrentSince(ctx, from, func(v planwatch.DataValue) error {
			k := v.Key.String()
			if _, dup := got[k]; dup {
				return fmt.Errorf("key %s given twice", k)
			}
			got[k] = v
			return nil
		})
		if err != nil {
			t.Fatalf("CurrentSince(%d): %v", from, err)
		}
		return got, upTo
	}
	keys := func(m map[string]planwatch.DataValue) []string {
		out := make([]string, 0, len(m))
		for k := range m {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	apply := func(cs *planwatch.ChangeSet) {
		t.Helper()
		if _, err := s.Apply(ctx, cs); err != nil {
			t.Fatalf("Apply: %v", err)
		}
	}
	// advanced checks that the sequence moved past before, that the
	// observer was told the new number, and of what kind it was.
	advanced := func(what string, before int64, kind planwatch.ChangeKind) int64 {
		t.Helper()
		now := seq()
		if now <= before {
			t.Fatalf("%s: ChangeSeq %d, want more than %d", what, now, before)
		}
		if c := lastChange(); c.Seq != now || c.Kind != kind {
			t.Fatalf("%s: observer last got change %d (%s), want %d (%s)", what, c.Seq, c.Kind, now, kind)
		}
		return now
	}

	if n := seq(); n != 0 {
		t.Fatalf("ChangeSeq of an empty store = %d, want 0", n)
	}
	if got, upTo := since(0); len(got) != 0 || upTo != 0 {
		t.Fatalf("CurrentSince(0) of an empty store: %d values up to %d", len(got), upTo)
	}
	if err := Fixture(ctx, s); err != nil {
		t.Fatal(err)
	}
	s0 := advanced("catalogue", 0, planwatch.ChangeCatalog)

	at := time.Date(2024, 3, 5, 8, 30, 0, 123456789, time.UTC)
	full := value("trade.retail", "20", "2022Q1", planwatch.Official, 10)
	full.YoY, full.PlanPct, full.VsRef, full.Comment = planwatch.Float(5.2), planwatch.Float(26.3), planwatch.Float(-1.5), "ghi chú"
	full.Source = planwatch.Source{Kind: planwatch.SourceDocument, Ref: "báo cáo 12", Row: 7, Sentence: "Tổng mức bán lẻ đạt 10 tỷ đồng"}
	full.At = at
	cum := value("trade.retail", "178", "2022Q2", planwatch.Preliminary, 4)
	cum.Basis = planwatch.BasisCumulative
	gone := value("bank.deposits", "178", "202203", planwatch.Official, 7)
	apply(&planwatch.ChangeSet{By: "ana", From: "10.0.0.1", Values: []planwatch.DataValue{full, cum, gone}})
	s1 := advanced("first values", s0, planwatch.ChangeData)
	if cf, ok := s.(interface {
		CatalogueChangedSince(context.Context, int64) (bool, error)
	}); ok {
		if changed, err := cf.CatalogueChangedSince(ctx, 0); err != nil || !changed {
			t.Fatalf("CatalogueChangedSince(0) after the fixture's catalogue = %v, %v; want true", changed, err)
		}
		if changed, err := cf.CatalogueChangedSince(ctx, s0); err != nil || changed {
			t.Fatalf("CatalogueChangedSince after only values = %v, %v; want false", changed, err)
		}
	}
	if c := lastChange(); len(c.Values) != 3 {
		t.Fatalf("observer got %d changed values, want 3", len(c.Values))
	}
	pf, plans := s.(interface {
		PlansChangedSince(context.Context, int64) (bool, error)
	})
	plansSince := func(what string, seq int64, want bool) {
		t.Helper()
		if !plans {
			return
		}
		if changed, err := pf.PlansChangedSince(ctx, seq); err != nil || changed != want {
			t.Fatalf("PlansChangedSince(%d) %s = %v, %v; want %v", seq, what, changed, err, want)
		}
	}
	plansSince("after only values", s0, false)
	plansSince("after the catalogue", 0, true)

	got, upTo := since(0)
	if upTo != s1 {
		t.Fatalf("CurrentSince(0) read up to %d, want %d", upTo, s1)
	}
	wantKeys := []string{keyOf(gone), keyOf(cum), keyOf(full)}
	if k := keys(got); !slices.Equal(k, wantKeys) {
		t.Fatalf("CurrentSince(0) keys %v, want %v", k, wantKeys)
	}
	v := got["trade.retail/20/2022Q1"]
	want := full
	want.By, want.Revision = "ana", 1
	if figure(v) != figure(want) || !v.At.Equal(at) {
		t.Fatalf("CurrentSince(0) gave %s at %s, want %s at %s", figure(v), v.At, figure(want), at)
	}
	if c := got[keyOf(cum)]; c.Basis != planwatch.BasisCumulative || c.Vintage != planwatch.Preliminary {
		t.Fatalf("cumulative value came back as %+v", c)
	}
	if got, upTo := since(s1); len(got) != 0 || upTo != s1 {
		t.Fatalf("CurrentSince(latest) gave %v up to %d, want nothing up to %d", keys(got), upTo, s1)
	}

	// Nothing new, a dry run and a refused change set leave the sequence alone.
	apply(&planwatch.ChangeSet{By: "ana", Values: []planwatch.DataValue{cum}})
	apply(&planwatch.ChangeSet{By: "ana", DryRun: true, Values: []planwatch.DataValue{value("trade.retail", "20", "2022Q2", planwatch.Official, 1)}})
	if _, err := s.Apply(ctx, &planwatch.ChangeSet{By: "ana", Values: []planwatch.DataValue{value("no.such", "20", "2022Q2", planwatch.Official, 1)}}); err == nil {
		t.Fatal("a change set with an unknown indicator was stored")
	}
	if n := seq(); n != s1 {
		t.Fatalf("ignored, dry-run or refused writes moved ChangeSeq from %d to %d", s1, n)
	}

	// An estimate under the official figure changes no current value but is
	// a change of that key: it comes again, with its unchanged current value.
	apply(&planwatch.ChangeSet{By: "bo", Values: []planwatch.DataValue{
		value("trade.retail", "20", "2022Q1", planwatch.Estimate, 99),
		value("trade.retail", "20", "2022Q2", planwatch.Official, 12)}})
	s2 := advanced("second values", s1, planwatch.ChangeData)
	got, upTo = since(s1)
	if k := keys(got); upTo != s2 || !slices.Equal(k, []string{"trade.retail/20/2022Q1", "trade.retail/20/2022Q2"}) {
		t.Fatalf("CurrentSince(%d) gave %v up to %d", s1, k, upTo)
	}
	if v := got["trade.retail/20/2022Q1"]; v.Value == nil || *v.Value != 10 || v.By != "ana" {
		t.Fatalf("current value under a later estimate: %+v, want the official 10 by ana", v)
	}

	// Withdrawing the only figure of a key leaves it Deleted since, absent from 0.
	w := value("bank.deposits", "178", "202203", planwatch.Official, 0)
	w.Value, w.Deleted = nil, true
	apply(&planwatch.ChangeSet{By: "bo", Values: []planwatch.DataValue{w}})
	s3 := advanced("withdrawal", s2, planwatch.ChangeData)
	got, _ = since(s2)
	if d := got[keyOf(gone)]; len(got) != 1 || !d.Deleted || d.Key != gone.Key {
		t.Fatalf("CurrentSince after a withdrawal gave %+v", got)
	}
	got, upTo = since(0)
	if k := keys(got); upTo != s3 || len(k) != 3 || slices.Contains(k, keyOf(gone)) {
		t.Fatalf("CurrentSince(0) after a withdrawal gave %v up to %d", k, upTo)
	}
	for _, v := range got {
		if v.Deleted {
			t.Fatalf("CurrentSince(0) gave a Deleted value %s", v.Key)
		}
	}

	plansSince("after values, an estimate and a withdrawal", s0, false)

	// Targets are data too; approvals are numbered, with no values.
	apply(&planwatch.ChangeSet{By: "bo", Targets: []planwatch.Target{{Indicator: "trade.retail", Unit: "20", Year: 2022,
		Kind: planwatch.TargetPlan, Value: 40}}})
	s4 := advanced("target", s3, planwatch.ChangeData)
	if got, _ := since(s3); len(got) != 0 {
		t.Fatalf("a target change gave values %v", keys(got))
	}
	plansSince("after a target", s3, true)
	if as, ok := s.(planwatch.ApprovalStore); ok {
		if err := as.SetApproval(ctx, planwatch.Approval{Unit: "20", Period: planwatch.MustPeriod("2022Q1"),
			State: planwatch.ApprovalApproved, By: "chi"}); err != nil {
			t.Fatal(err)
		}
		s5 := advanced("approval", s4, planwatch.ChangeApproval)
		if got, upTo := since(s4); len(got) != 0 || upTo != s5 {
			t.Fatalf("an approval gave values %v up to %d", keys(got), upTo)
		}
		plansSince("after an approval", s4, true)
		s4 = s5
	}
	// Report settings show on report pages: other processes and instances
	// must hear of their change like of any other.
	if err := s.SaveReportSettings(ctx, planwatch.ReportSettings{Unit: "20", IssuingBody: "ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN",
		Symbol: "BC-UBND", Place: "Lạng Sơn"}, "chi", "10.0.0.2"); err != nil {
		t.Fatal(err)
	}
	s6 := advanced("report settings", s4, planwatch.ChangeSettings)
	if got, upTo := since(s4); len(got) != 0 || upTo != s6 {
		t.Fatalf("a change of report settings gave values %v up to %d", keys(got), upTo)
	}
	// A value and a target in one change set: the target counts.
	apply(&planwatch.ChangeSet{By: "bo", Values: []planwatch.DataValue{value("trade.retail", "20", "2022Q3", planwatch.Official, 13)},
		Targets: []planwatch.Target{{Indicator: "trade.retail", Unit: "20", Year: 2023, Kind: planwatch.TargetPlan, Value: 50}}})
	s7 := advanced("a value and a target", s6, planwatch.ChangeData)
	plansSince("after a value and a target", s6, true)
	apply(&planwatch.ChangeSet{By: "bo", Values: []planwatch.DataValue{value("trade.retail", "20", "2022Q4", planwatch.Official, 14)}})
	advanced("one more value", s7, planwatch.ChangeData)
	plansSince("after one more value", s7, false)
}

// keyOf is the key a value is stored under.
func keyOf(v planwatch.DataValue) string {
	v.Normalize()
	return v.Key.String()
}
