package calc_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"planwatch"
	"planwatch/calc"
	"planwatch/sqlite"
	"planwatch/storetest"
)

// An index snapshot is used only with the history it was made from: a
// backup copied over the database, then another change, brings the store
// back to the snapshot's change number with other figures; the snapshot
// (and the figures kept beside it) must not answer for it.
func TestSnapshotOfAnotherHistory(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "pw.db")
	clock := time.Date(2025, 1, 1, 8, 0, 0, 0, time.UTC)
	open := func() *sqlite.DB {
		t.Helper()
		db, err := sqlite.Open(ctx, path, sqlite.WithNow(func() time.Time { clock = clock.Add(time.Second); return clock }))
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	db := open()
	if err := storetest.Fixture(ctx, db); err != nil {
		t.Fatal(err)
	}
	db.Close()
	copyFile(t, path, path+".backup") // the backup, before the value

	set := func(db *sqlite.DB, x float64) {
		t.Helper()
		v := planwatch.DataValue{Key: planwatch.Key{Indicator: "trade.retail", Unit: "178", Period: planwatch.MustPeriod("2022Q1")},
			Basis: planwatch.BasisPeriod, Vintage: planwatch.Official, Value: planwatch.Float(x)}
		if _, err := db.Apply(ctx, &planwatch.ChangeSet{By: "test", Values: []planwatch.DataValue{v}}); err != nil {
			t.Fatal(err)
		}
	}
	figure := func(db *sqlite.DB) float64 {
		t.Helper()
		live, err := calc.OpenSnapshot(ctx, db, false, calc.SnapshotPath(path))
		if err != nil {
			t.Fatal(err)
		}
		f := live.Dataset().Value("trade.retail", "178", planwatch.MustPeriod("2022Q1"))
		if err := live.SaveSnapshot(calc.SnapshotPath(path)); err != nil {
			t.Fatal(err)
		}
		return f.Value
	}
	db = open()
	set(db, 11111)
	if got := figure(db); got != 11111 {
		t.Fatalf("before the restore: %v", got)
	}
	seq, _ := db.ChangeSeq(ctx)
	db.Close()
	if _, err := os.Stat(calc.SnapshotPath(path)); err != nil {
		t.Fatalf("no snapshot was saved: %v", err)
	}

	// The backup over the database (the snapshot stays beside it), then
	// another value: the same change number, another change.
	os.Remove(path + "-wal")
	os.Remove(path + "-shm")
	copyFile(t, path+".backup", path)
	db = open()
	defer db.Close()
	set(db, 22222)
	if now, _ := db.ChangeSeq(ctx); now != seq {
		t.Fatalf("the store is at change %d, the snapshot at %d: the test wants them equal", now, seq)
	}
	if got := figure(db); got != 22222 {
		t.Errorf("after the restore and another change: %v from the other history's snapshot, want 22222", got)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
