package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"planwatch"
	"planwatch/sqlite"
	"planwatch/storetest"
)

// tamperable is the store with a raw connection of its own, so that the
// suite can check that the database itself refuses changes to the audit trail.
type tamperable struct {
	*sqlite.DB
	raw *sql.DB
}

func (s tamperable) UpdateAuditRaw(ctx context.Context, id int64, text string) error {
	_, err := s.raw.ExecContext(ctx, `UPDATE audit SET new = ? WHERE id = ?`, text, id)
	return err
}

func (s tamperable) DeleteAuditRaw(ctx context.Context, id int64) error {
	_, err := s.raw.ExecContext(ctx, `DELETE FROM audit WHERE id = ?`, id)
	return err
}

func (s tamperable) Close() error {
	s.raw.Close()
	return s.DB.Close()
}

func openTemp(t testing.TB) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "planwatch.db"))
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) planwatch.Store {
		db := openTemp(t)
		raw, err := sql.Open("sqlite", db.Path()+"?_pragma=busy_timeout(10000)")
		if err != nil {
			t.Fatal(err)
		}
		return tamperable{db, raw}
	})
}

func TestAccounts(t *testing.T) {
	storetest.RunAccounts(t, func(t *testing.T) planwatch.Store { return openTemp(t) })
}

func TestMemory(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := storetest.Fixture(ctx, db); err != nil {
		t.Fatal(err)
	}
	res, err := db.Apply(ctx, &planwatch.ChangeSet{By: "t", Values: storetest.LargeChangeSet(10)})
	if err != nil || res.Imported != 10 {
		t.Fatalf("Apply: %+v, %v", res, err)
	}
	if vs, err := db.Values(ctx, planwatch.ValueQuery{}); err != nil || len(vs) != 10 {
		t.Fatalf("Values: %d, %v", len(vs), err)
	}
}

func TestReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", "dir", "planwatch.db") // directories are created
	now := time.Date(2022, 4, 1, 9, 30, 0, 0, time.FixedZone("ICT", 7*3600))
	db, err := sqlite.Open(ctx, path, sqlite.WithNow(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	if err := storetest.Fixture(ctx, db); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Apply(ctx, &planwatch.ChangeSet{By: "t", Values: storetest.LargeChangeSet(3)}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	vs, err := db.Values(ctx, planwatch.ValueQuery{})
	if err != nil || len(vs) != 3 {
		t.Fatalf("after reopening: %d values, %v", len(vs), err)
	}
	if !vs[0].At.Equal(now) {
		t.Errorf("time from the injected clock: %v, want %v", vs[0].At, now)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n, version int
	if err := raw.QueryRow(`SELECT count(*), max(version) FROM schema_migrations`).Scan(&n, &version); err != nil {
		t.Fatal(err)
	}
	// Every migration file ran once (numbers may have gaps while helpers
	// land theirs in parallel).
	files, _ := filepath.Glob("migrations/*.sql")
	if n != len(files) || n < 1 || version < n {
		t.Errorf("schema_migrations: %d rows, latest %d; %d migration files", n, version, len(files))
	}
	var mode string
	if err := raw.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
}

// TestTwoHandles runs two stores on one file, as a server and a CLI import
// would: every revision is kept with its own number.
func TestTwoHandles(t *testing.T) {
	ctx := context.Background()
	a := openTemp(t)
	defer a.Close()
	b, err := sqlite.Open(ctx, a.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := storetest.Fixture(ctx, a); err != nil {
		t.Fatal(err)
	}
	k := planwatch.Key{Indicator: "trade.retail", Unit: "20", Period: planwatch.MustPeriod("2022Q1")}
	const each = 25
	var wg sync.WaitGroup
	for w, db := range []*sqlite.DB{a, b} {
		wg.Go(func() {
			for i := range each {
				v := planwatch.DataValue{Key: k, Basis: planwatch.BasisPeriod, Vintage: planwatch.Estimate, Value: planwatch.Float(float64(w*1000 + i))}
				if _, err := db.Apply(ctx, &planwatch.ChangeSet{By: "t", Values: []planwatch.DataValue{v}}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	revs, err := b.Revisions(ctx, k)
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 2*each {
		t.Fatalf("%d revisions, want %d", len(revs), 2*each)
	}
	for i, r := range revs {
		if r.Revision != i+1 {
			t.Errorf("revision %d numbered %d", i+1, r.Revision)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	for _, path := range []string{"", "a?b"} {
		if _, err := sqlite.Open(context.Background(), path); planwatch.ErrorCode(err) != planwatch.EINVALID {
			t.Errorf("Open(%q): %v, want EINVALID", path, err)
		}
	}
}

// BenchmarkApply10k imports 10,000 new values in one change set.
func BenchmarkApply10k(b *testing.B) {
	ctx := context.Background()
	vs := storetest.LargeChangeSet(10000)
	for b.Loop() {
		b.StopTimer()
		db := openTemp(b)
		if err := storetest.Fixture(ctx, db); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := db.Apply(ctx, &planwatch.ChangeSet{By: "bench", Values: vs})
		b.StopTimer()
		if err != nil || res.Imported != len(vs) {
			b.Fatalf("Apply: %+v, %v", res, err)
		}
		db.Close()
		b.StartTimer()
	}
}

func TestCommitObserver(t *testing.T) {
	storetest.RunObserver(t, func(t *testing.T, observe func([]planwatch.DataValue)) planwatch.Store {
		db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "planwatch.db"), sqlite.WithCommitObserver(observe))
		if err != nil {
			t.Fatal(err)
		}
		return db
	})
}

func TestMappings(t *testing.T) {
	storetest.RunMappings(t, func(t *testing.T) planwatch.Store { return openTemp(t) })
}

func TestRules(t *testing.T) {
	storetest.RunRules(t, func(t *testing.T) planwatch.Store { return openTemp(t) })
}

func TestChangeFeed(t *testing.T) {
	storetest.RunChangeFeed(t, func(t *testing.T, observe func(planwatch.Change)) storetest.FeedStore {
		db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "feed.db"), sqlite.WithChangeObserver(observe))
		if err != nil {
			t.Fatal(err)
		}
		return db
	})
}

// TestOpenPrivate: a new database file holds password hashes, so it is
// readable by its owner only, as is a directory made for it.
func TestOpenPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	path := filepath.Join(dir, "new.db")
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	for p, want := range map[string]os.FileMode{path: 0o600, dir: 0o700} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: %v %v, want mode %o", p, fi.Mode(), err, want)
		}
	}
}

// TestUnitCodes: every unit's code once, the codes OrgUnits gives.
func TestUnitCodes(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	defer db.Close()
	if err := storetest.Seed(ctx, db); err != nil {
		t.Fatal(err)
	}
	units, err := db.OrgUnits(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, u := range units {
		if len(want) == 0 || want[len(want)-1] != u.Code {
			want = append(want, u.Code)
		}
	}
	got, err := db.UnitCodes(ctx)
	if err != nil || !slices.Equal(got, want) || len(got) < 2 || len(got) == len(units) {
		t.Errorf("UnitCodes %d codes %v, want the %d of %d versions (%v)", len(got), err, len(want), len(units), got)
	}
}
