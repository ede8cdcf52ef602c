package storetest

import (
	"context"
	"strings"
	"testing"

	"planwatch"
)

// testUnitValidity: a value, target or milestone must fall within the life
// of its unit. A unit formed by the 2025 reform has no figures before it
// was formed; a unit that was merged away has none after; the start of
// the records of a unit that was not formed then (the catalogue begins
// somewhere) is no limit.
func testUnitValidity(t *testing.T, ctx context.Context, s planwatch.Store) {
	fixture(t, ctx, s)
	formed := planwatch.OrgUnit{Code: "26001", Name: "Hợp Thành mới", FullName: "Xã Hợp Thành", Type: "Xã", Parent: "20",
		Level: planwatch.LevelCommune, ValidFrom: dayReform}
	if err := s.SaveOrgUnits(ctx, []planwatch.OrgUnit{formed}, []planwatch.Transition{{Old: "05977", New: "26001", Full: true, Date: dayReform}}, "test"); err != nil {
		t.Fatal(err)
	}
	ok := []planwatch.DataValue{
		value("trade.retail", "05977", "2022", planwatch.Official, 1),   // an old commune in 2022
		value("trade.retail", "20", "2018", planwatch.Official, 1),      // before the records begin
		value("trade.retail", "26001", "2025", planwatch.Official, 1),   // the year it was formed
		value("trade.retail", "06000", "202101", planwatch.Official, 1), // a commune that went on
	}
	apply(t, ctx, s, &planwatch.ChangeSet{Values: ok, Targets: []planwatch.Target{
		{Indicator: "trade.retail", Unit: "26001", Year: 2026, Kind: planwatch.TargetPlan, Value: 1}}})

	_, err := s.Apply(ctx, &planwatch.ChangeSet{By: "tester", Values: []planwatch.DataValue{
		value("trade.retail", "20", "2022Q2", planwatch.Official, 1),
		value("trade.retail", "26001", "2022Q1", planwatch.Official, 1), // before it was formed
		value("trade.retail", "05977", "202508", planwatch.Official, 1), // after it was merged away
	}, Targets: []planwatch.Target{{Indicator: "trade.retail", Unit: "26001", Year: 2024, Kind: planwatch.TargetPlan, Value: 1}},
		Milestones: []planwatch.Milestone{{Indicator: "trade.retail", Unit: "26001", Period: planwatch.MustPeriod("2024Q2"), Share: 50}},
	})
	e := invalidErr(t, err)
	for _, want := range []struct {
		row    int
		column string
		says   string
	}{{2, "orgunit", "2025-07-01"}, {3, "orgunit", "2025-07-01"}, {1, "unit", "2025-07-01"}, {1, "milestone.unit", "2025-07-01"}} {
		found := false
		for _, p := range e.Problems {
			found = found || p.Row == want.row && p.Column == want.column && strings.Contains(p.Reason, want.says)
		}
		if !found {
			t.Errorf("no problem for row %d, column %q naming %s in %v", want.row, want.column, want.says, e.Problems)
		}
	}
	if len(e.Problems) != 4 {
		t.Errorf("%d problems, want 4: %v", len(e.Problems), e.Problems)
	}
	if got := values(t, ctx, s, planwatch.ValueQuery{Units: []string{"20"}, FromMonth: 202201, ToMonth: 202212}); len(got) != 0 {
		t.Errorf("stored %d values of a refused change set", len(got))
	}
}
