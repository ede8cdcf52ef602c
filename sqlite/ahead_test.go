package sqlite

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"planwatch"
	"planwatch/storetest"
)

// TestUnitsReadAhead: a large change set's units are read ahead of its
// transaction and serve its checks (a unit outside its life refused, the
// others stored) when nothing changed meanwhile; when a unit's life
// changed after they were read (the same number of units and transitions),
// the Apply sees the change: what was read ahead is not used.
func TestUnitsReadAhead(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "planwatch.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := storetest.Fixture(ctx, db); err != nil {
		t.Fatal(err)
	}
	var events []string
	read := make(chan struct{}, 1)
	db.largeApply = 2
	db.aheadEvent = func(e string) {
		events = append(events, e)
		if e == "read" {
			read <- struct{}{}
		}
	}
	value := func(unit, period string, f float64) planwatch.DataValue {
		return planwatch.DataValue{Key: planwatch.Key{Indicator: "trade.retail", Unit: unit, Period: planwatch.MustPeriod(period)},
			Value: planwatch.Float(f), Basis: planwatch.BasisPeriod, Vintage: planwatch.Official}
	}
	// meanwhile runs after the second value, once the units are read.
	apply := func(dry bool, meanwhile func(), vs ...planwatch.DataValue) (planwatch.ApplyResult, error) {
		events = nil
		return db.ApplyStream(ctx, &planwatch.ChangeSet{By: "an", DryRun: dry}, func(yield func(planwatch.DataValue, error) bool) {
			for i, v := range vs {
				if !yield(v, nil) {
					return
				}
				if i == 1 {
					<-read
					if meanwhile != nil {
						meanwhile()
					}
				}
			}
		})
	}
	ok := []planwatch.DataValue{value("20", "202201", 1), value("06000", "202202", 2), value("178", "202203", 3)}
	outside := append(slices.Clone(ok), value("05977", "202508", 4))
	for _, dry := range []bool{true, false} {
		_, err := apply(dry, nil, outside...)
		if planwatch.ErrorCode(err) != planwatch.EINVALID || !slices.Equal(events, []string{"read", "used"}) {
			t.Fatalf("a unit outside its life (dry run %v): %v, events %v", dry, err, events)
		}
	}
	if res, err := apply(false, nil, ok...); err != nil || res.Imported != 3 || !slices.Equal(events, []string{"read", "used"}) {
		t.Fatalf("units in their life: %+v %v, events %v", res, err, events)
	}
	// Province 20 ceases at the end of 2021 while the file is read.
	ceases := func() {
		u := planwatch.OrgUnit{Code: "20", Name: "Lạng Sơn", Level: planwatch.LevelProvince,
			ValidFrom: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), ValidTo: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)}
		units, err := db.OrgUnits(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range units {
			if v.Code == "20" {
				u = v
			}
		}
		u.ValidTo = time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)
		if err := db.SaveOrgUnits(ctx, []planwatch.OrgUnit{u}, nil, "an"); err != nil {
			t.Fatal(err)
		}
	}
	later := []planwatch.DataValue{value("06000", "202302", 5), value("178", "202303", 6), value("20", "202304", 7)}
	_, err = apply(false, ceases, later...)
	if planwatch.ErrorCode(err) != planwatch.EINVALID || !slices.Equal(events, []string{"read", "unused"}) {
		t.Fatalf("a unit that ceased meanwhile: %v, events %v", err, events)
	}
}
