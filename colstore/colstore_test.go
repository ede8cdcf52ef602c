package colstore

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"planwatch"
)

func catalog() ([]planwatch.OrgUnit, []planwatch.Indicator) {
	units := []planwatch.OrgUnit{
		{Code: "VN", Name: "Việt Nam", Level: planwatch.LevelCountry},
		{Code: "P1", Name: "Tỉnh 1", Level: planwatch.LevelProvince},
		{Code: "P1C1", Name: "Xã 1", Level: planwatch.LevelCommune, Parent: "P1"},
		{Code: "P1C2", Name: "Xã 2", Level: planwatch.LevelCommune, Parent: "P1"},
	}
	inds := []planwatch.Indicator{{Code: "S", NameVI: "Tổng", Kind: planwatch.KindFlow, TimeAgg: planwatch.TimeSum,
		UnitAgg: planwatch.UnitSum, Direction: planwatch.HigherIsBetter}}
	return units, inds
}

func value(unit string, month int, v float64) planwatch.DataValue {
	return planwatch.DataValue{Key: planwatch.Key{Indicator: "S", Unit: unit, Period: planwatch.MonthOf(month/100, month%100)},
		Basis: planwatch.BasisPeriod, Vintage: planwatch.Official, Value: planwatch.Float(v)}
}

func open(t *testing.T, path string) *DB {
	t.Helper()
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func TestImportWriteOrderAndRestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pw.db")
	db := open(t, path)
	units, inds := catalog()
	if err := db.SaveCatalog(ctx, units, inds); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveTargets(ctx, []planwatch.Target{{Indicator: "S", Unit: "P1", Year: 2025, Kind: planwatch.TargetPlan, Value: 100}}, "t"); err != nil {
		t.Fatal(err)
	}
	im, err := db.NewImport("t")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []planwatch.DataValue{value("P1C1", 202501, 1), value("P1C2", 202501, 2), value("P1C1", 202502, 3)} {
		if err := im.Add(&v); err != nil {
			t.Fatal(err)
		}
	}
	if bad := value("XX", 202501, 1); im.Add(&bad) == nil {
		t.Error("unknown unit: want an error")
	}
	if n, err := im.Commit(ctx); err != nil || n != 3 {
		t.Fatalf("commit = %d, %v", n, err)
	}
	// A single write after the import wins; a later import wins over it.
	if err := db.Put(ctx, value("P1C1", 202501, 10)); err != nil {
		t.Fatal(err)
	}
	im, _ = db.NewImport("t")
	v := value("P1C2", 202501, 20)
	im.Add(&v)
	if _, err := im.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	check := func(db *DB) {
		t.Helper()
		got, err := db.Cube().Aggregate("S", "P1", planwatch.QuarterOf(2025, 1))
		if err != nil || got != 10+20+3 {
			t.Errorf("P1 2025Q1 = %v, %v; want 33", got, err)
		}
		rows := db.Cube().Report(planwatch.QuarterOf(2025, 1))
		if len(rows) != 1 || rows[0].PlanPct != 33 {
			t.Errorf("report %+v", rows)
		}
	}
	check(db)
	db.Close()

	// An import that crashed before its commit leaves a file that is ignored and removed.
	orphan := filepath.Join(path+".seg", "1"+segExt)
	os.WriteFile(orphan, []byte("partial"), 0o644)
	db = open(t, path)
	check(db)
	if _, err := os.Stat(orphan); !os.IsNotExist(err) {
		t.Errorf("orphan segment still there: %v", err)
	}
	db.Close()

	// A damaged segment is refused, not read as data.
	ents, _ := os.ReadDir(path + ".seg")
	seg := filepath.Join(path+".seg", ents[0].Name())
	b, _ := os.ReadFile(seg)
	b[len(b)-30] ^= 0xff
	os.WriteFile(seg, b, 0o644)
	if db, err := Open(ctx, path); err == nil {
		db.Close()
		t.Error("damaged segment: want an error")
	}
}

func TestPutRejectsNonMonthly(t *testing.T) {
	ctx := context.Background()
	db := open(t, filepath.Join(t.TempDir(), "pw.db"))
	defer db.Close()
	units, inds := catalog()
	db.SaveCatalog(ctx, units, inds)
	v := value("P1C1", 202501, 1)
	v.Period = planwatch.QuarterOf(2025, 1)
	if err := db.Put(ctx, v); err == nil {
		t.Error("quarterly value: want an error")
	}
	v = value("P9", 202501, 1)
	if err := db.Put(ctx, v); err == nil {
		t.Error("unknown unit: want an error")
	}
}

// TestConcurrentReadersAndWriter runs reports while values are written and
// the cube grows (run with -race).
func TestConcurrentReadersAndWriter(t *testing.T) {
	ctx := context.Background()
	db := open(t, filepath.Join(t.TempDir(), "pw.db"))
	defer db.Close()
	units, inds := catalog()
	db.SaveCatalog(ctx, units, inds)
	done := make(chan bool)
	for range 2 {
		go func() {
			for {
				select {
				case <-done:
					return
				default:
					c := db.Cube()
					c.Report(planwatch.QuarterOf(2025, 1))
					c.Value("S", "P1C1", 202501)
				}
			}
		}()
	}
	for m := 1; m <= 12; m++ {
		if err := db.Put(ctx, value("P1C1", 202500+m, float64(m))); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	if got, _ := db.Cube().Aggregate("S", "VN", planwatch.YearOf(2025)); got != 78 {
		t.Errorf("2025 = %v, want 78", got)
	}
}
