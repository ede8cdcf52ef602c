package postgres_test

import (
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"time"

	"planwatch"
	"planwatch/postgres"
	"planwatch/postgres/pgtest"
	"planwatch/storetest"
)

func retail(vintage planwatch.Vintage, v float64) planwatch.DataValue {
	return planwatch.DataValue{Key: planwatch.Key{Indicator: "trade.retail", Unit: "20", Period: planwatch.MustPeriod("2022Q1")},
		Basis: planwatch.BasisPeriod, Vintage: vintage, Value: planwatch.Float(v)}
}

// TestTwoInstances runs writers on two stores (two application instances) on
// one database, all writing the same key.
func TestTwoInstances(t *testing.T) {
	ctx := t.Context()
	dsn := pgtest.NewDatabase(t)
	// Both instances start at once: the migration runs once, under its lock.
	var a, b *postgres.DB
	var errA, errB error
	var wg sync.WaitGroup
	wg.Go(func() { a, errA = postgres.Open(ctx, dsn) })
	wg.Go(func() { b, errB = postgres.Open(ctx, dsn) })
	wg.Wait()
	if errA != nil || errB != nil {
		t.Fatalf("open: %v, %v", errA, errB)
	}
	defer a.Close()
	defer b.Close()
	if err := storetest.Fixture(ctx, a); err != nil {
		t.Fatal(err)
	}

	// A committed write on one instance is seen by the other at once.
	if _, err := a.Apply(ctx, &planwatch.ChangeSet{By: "a", Values: []planwatch.DataValue{retail(planwatch.Official, 1)}}); err != nil {
		t.Fatal(err)
	}
	got, err := b.Values(ctx, planwatch.ValueQuery{Indicators: []string{"trade.retail"}})
	if err != nil || len(got) != 1 || *got[0].Value != 1 {
		t.Fatalf("instance b reads %v, %v; want the value a wrote", got, err)
	}

	const writers, each = 6, 15
	instances := []*postgres.DB{a, b}
	errs := make(chan error, writers*each)
	for w := range writers {
		s := instances[w%2]
		wg.Go(func() {
			for i := range each {
				// Alternate vintages so that the current value moves between them.
				vin := planwatch.Estimate
				if i%3 == 2 {
					vin = planwatch.Preliminary
				}
				v := retail(vin, float64(1000*w+i+2))
				if _, err := s.Apply(ctx, &planwatch.ChangeSet{By: fmt.Sprintf("w%d", w), Values: []planwatch.DataValue{v}}); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	k := retail(0, 0).Key
	for _, s := range instances {
		revs, err := s.Revisions(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		if len(revs) != 1+writers*each {
			t.Fatalf("%d revisions, want %d", len(revs), 1+writers*each)
		}
		// Per vintage, revisions are numbered 1..n without gaps or repeats.
		seen := map[planwatch.Vintage]map[int]bool{}
		for _, r := range revs {
			if seen[r.Vintage] == nil {
				seen[r.Vintage] = map[int]bool{}
			}
			if seen[r.Vintage][r.Revision] {
				t.Errorf("%s revision %d given twice", r.Vintage, r.Revision)
			}
			seen[r.Vintage][r.Revision] = true
		}
		for vin, nums := range seen {
			for i := 1; i <= len(nums); i++ {
				if !nums[i] {
					t.Errorf("%s revision %d missing", vin, i)
				}
			}
		}
		// The current value is the rule's pick among all revisions: the
		// official one written first, whatever the writers did after.
		want, _ := planwatch.Current(revs)
		cur, err := s.Values(ctx, planwatch.ValueQuery{Indicators: []string{"trade.retail"}})
		if err != nil || len(cur) != 1 || cur[0].Vintage != want.Vintage || cur[0].Revision != want.Revision || *cur[0].Value != *want.Value {
			t.Errorf("current %v (%v), want %s revision %d", cur, err, want.Vintage, want.Revision)
		}
	}

	// Withdraw the official figure on b: a sees the latest preliminary one.
	withdraw := retail(planwatch.Official, 0)
	withdraw.Value, withdraw.Deleted = nil, true
	if _, err := b.Apply(ctx, &planwatch.ChangeSet{By: "b", Values: []planwatch.DataValue{withdraw}}); err != nil {
		t.Fatal(err)
	}
	revs, _ := a.Revisions(ctx, k)
	want, _ := planwatch.Current(revs)
	cur, err := a.Values(ctx, planwatch.ValueQuery{Indicators: []string{"trade.retail"}})
	if err != nil || len(cur) != 1 || want.Vintage != planwatch.Preliminary || cur[0].Vintage != want.Vintage || cur[0].Revision != want.Revision {
		t.Errorf("after withdrawal: current %v (%v), want preliminary revision %d", cur, err, want.Revision)
	}
}

// TestReplica starts a primary and a streaming replica: writes go to the
// primary, dashboard reads to the replica, and while the replica lags those
// reads are stale but Primary() and Revisions are not.
func TestReplica(t *testing.T) {
	ctx := t.Context()
	primary, err := pgtest.Start()
	if err != nil {
		pgtest.Unavailable(t, err)
	}
	t.Cleanup(func() { primary.Stop() })
	dsn, err := primary.CreateDatabase(ctx)
	if err != nil {
		t.Fatal(err)
	}
	setup, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if err := storetest.Fixture(ctx, setup); err != nil {
		t.Fatal(err)
	}
	setup.Close()

	replica, err := primary.StartReplica()
	if err != nil {
		pgtest.Unavailable(t, err)
	}
	t.Cleanup(func() { replica.Stop() })
	replicaDSN := replica.DSN(dbName(t, dsn))

	db, err := postgres.Open(ctx, dsn, postgres.WithReplica(replicaDSN))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	raw := func(d string) *sql.DB {
		c, err := sql.Open("pgx", d)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	onPrimary, onReplica := raw(dsn), raw(replicaDSN)
	var inRecovery bool
	if err := onReplica.QueryRowContext(ctx, `SELECT pg_is_in_recovery()`).Scan(&inRecovery); err != nil || !inRecovery {
		t.Fatalf("replica in recovery: %v, %v", inRecovery, err)
	}
	caughtUp := func() {
		t.Helper()
		var lsn string
		if err := onPrimary.QueryRowContext(ctx, `SELECT pg_current_wal_insert_lsn()::text`).Scan(&lsn); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(time.Minute)
		for {
			var ok bool
			if err := onReplica.QueryRowContext(ctx, `SELECT coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false)`, lsn).Scan(&ok); err != nil {
				t.Fatal(err)
			}
			if ok {
				return
			}
			if time.Now().After(deadline) {
				t.Fatal("the replica did not catch up within a minute")
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	read := func(s planwatch.Store) []float64 {
		t.Helper()
		vs, err := s.Values(ctx, planwatch.ValueQuery{Indicators: []string{"trade.retail"}})
		if err != nil {
			t.Fatal(err)
		}
		var out []float64
		for _, v := range vs {
			out = append(out, *v.Value)
		}
		return out
	}

	// Writes go to the primary (the replica would refuse them).
	if _, err := db.Apply(ctx, &planwatch.ChangeSet{By: "an", Values: []planwatch.DataValue{retail(planwatch.Official, 1)}}); err != nil {
		t.Fatalf("Apply through a store with a replica: %v", err)
	}
	caughtUp()
	if got := read(db); len(got) != 1 || got[0] != 1 {
		t.Fatalf("after catching up the replica path reads %v, want [1]", got)
	}

	// The replica lags: replay paused.
	if _, err := onReplica.ExecContext(ctx, `SELECT pg_wal_replay_pause()`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Apply(ctx, &planwatch.ChangeSet{By: "an", Values: []planwatch.DataValue{retail(planwatch.Official, 2)}}); err != nil {
		t.Fatal(err)
	}
	if got := read(db); len(got) != 1 || got[0] != 1 {
		t.Errorf("while the replica lags, Values reads %v from it, want the stale [1]", got)
	}
	if got := read(db.Primary()); len(got) != 1 || got[0] != 2 {
		t.Errorf("Primary().Values reads %v, want its own write [2]", got)
	}
	if revs, err := db.Revisions(ctx, retail(0, 0).Key); err != nil || len(revs) != 2 {
		t.Errorf("Revisions (primary) while the replica lags: %d, %v; want 2", len(revs), err)
	}
	// Apply checks and numbers against the primary, so a lagging replica
	// cannot make it reuse a revision number.
	res, err := db.Apply(ctx, &planwatch.ChangeSet{By: "an", Values: []planwatch.DataValue{retail(planwatch.Official, 2)}})
	if err != nil || res.Ignored != 1 {
		t.Errorf("re-applying the primary's current value: %+v, %v; want it ignored", res, err)
	}

	if _, err := onReplica.ExecContext(ctx, `SELECT pg_wal_replay_resume()`); err != nil {
		t.Fatal(err)
	}
	caughtUp()
	if got := read(db); len(got) != 1 || got[0] != 2 {
		t.Errorf("after the replica catches up, Values reads %v, want [2]", got)
	}
}

// dbName is the database of a pgtest URL.
func dbName(t *testing.T, dsn string) string {
	t.Helper()
	var name string
	if _, err := fmt.Sscanf(dsn, "postgres:///%s", &name); err != nil {
		t.Fatal(err)
	}
	for i, r := range name {
		if r == '?' {
			return name[:i]
		}
	}
	return name
}

// TestExternalChangeNotification: a commit on one instance reaches the
// other's OnExternalChange (to drop its caches); its own commits, dry runs
// and refused change sets do not.
func TestExternalChangeNotification(t *testing.T) {
	ctx := t.Context()
	dsn := pgtest.NewDatabase(t)
	a, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := storetest.Fixture(ctx, a); err != nil {
		t.Fatal(err)
	}
	events := make(chan struct{}, 100)
	b.OnExternalChange(func() { events <- struct{}{} })
	// The listener signals once when it is connected.
	wait := func(what string) {
		t.Helper()
		select {
		case <-events:
		case <-time.After(30 * time.Second):
			t.Fatalf("no notification %s", what)
		}
	}
	wait("on connecting")
	if _, err := b.Apply(ctx, &planwatch.ChangeSet{By: "b", Values: []planwatch.DataValue{retail(planwatch.Official, 7)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Apply(ctx, &planwatch.ChangeSet{By: "a", DryRun: true, Values: []planwatch.DataValue{retail(planwatch.Official, 8)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Apply(ctx, &planwatch.ChangeSet{By: "a", Values: []planwatch.DataValue{retail(planwatch.Official, 9)}}); err != nil {
		t.Fatal(err)
	}
	wait("for a's commit")
	// Nothing else arrives: b's own commit and a's dry run were not announced.
	// A marker commit by a, announced, must be the next event.
	if _, err := a.Apply(ctx, &planwatch.ChangeSet{By: "a", Values: []planwatch.DataValue{retail(planwatch.Official, 10)}}); err != nil {
		t.Fatal(err)
	}
	wait("for a's second commit")
	// An approval set on a is announced too.
	if err := a.SetApproval(ctx, planwatch.Approval{Unit: "20", Period: planwatch.MustPeriod("2022Q1"), State: planwatch.ApprovalApproved, By: "a"}); err != nil {
		t.Fatal(err)
	}
	wait("for a's approval")
	select {
	case <-events:
		t.Fatal("an extra notification arrived (own commit or dry run announced)")
	case <-time.After(500 * time.Millisecond):
	}
}
