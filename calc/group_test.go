package calc

import (
	"testing"

	"planwatch"
)

// A group's figure combines its units' by the indicator's aggregation over
// units: a group of a district's communes equals the district's roll-up.
func TestGroupValue(t *testing.T) {
	d := testDataset()
	q1 := planwatch.MustPeriod("2022Q1")
	for _, tc := range []struct {
		ind   string
		units []string
		want  float64
		ok    bool
	}{
		{"flow", []string{"C1", "C2"}, d.Value("flow", "D1", q1).Value, true}, // sum: as the district
		{"flow", []string{"C1", "C2", "C3"}, 166, true},
		{"avg", []string{"C1", "C3"}, 14, true},   // mean of the units with a figure
		{"ratio", []string{"C1", "C2"}, 50, true}, // (1+3)/(4+4)
		{"rate", []string{"C1", "C2"}, 0, false},  // rates are not combined
		{"flow", []string{"nowhere"}, 0, false},
	} {
		f := d.GroupValue(tc.ind, tc.units, q1)
		if f.OK != tc.ok || (tc.ok && f.Value != tc.want) {
			t.Errorf("GroupValue(%s, %v) = %v %v, want %v %v", tc.ind, tc.units, f.Value, f.OK, tc.want, tc.ok)
		}
	}
	if f := d.GroupValue("avg", []string{"C1", "nowhere"}, q1); !f.Partial || f.Units != 1 || f.Expected != 2 {
		t.Errorf("a group with a unit without a figure: %+v", f)
	}
	r := d.GroupRow("flow", []string{"C1", "C2"}, q1, DefaultOptions())
	if !r.Current.OK || r.Current.Value != 66 || r.Status != NoTarget {
		t.Errorf("GroupRow: %+v", r)
	}
	ranked := d.RankUnits("flow", []string{"C1", "C2", "C3"}, q1, DefaultOptions())
	if len(ranked) != 3 || ranked[0].Unit != "C3" || ranked[2].Unit != "C1" {
		t.Errorf("RankUnits: %+v", ranked)
	}
}

// An indicator set's target kind for an indicator is what its row is
// measured against.
func TestStatusTargetKindOfSet(t *testing.T) {
	d := testDataset()
	q1 := planwatch.MustPeriod("2022Q1")
	d.SetTargets([]planwatch.Target{
		{Indicator: "flow", Unit: "D1", Year: 2022, Kind: planwatch.TargetPlan, Value: 660, Version: 1},
		{Indicator: "flow", Unit: "D1", Year: 2022, Kind: planwatch.TargetCouncilEst, Value: 330, Version: 1},
	}, nil)
	opt := DefaultOptions()
	opt.Set = &planwatch.IndicatorSet{Unit: "D1", Year: 2022, Items: []planwatch.SetItem{{Indicator: "flow", TargetKinds: []planwatch.TargetKind{planwatch.TargetCouncilEst}}}}
	rows := d.Status("D1", q1, opt)
	if len(rows) != 1 || rows[0].Indicator.Code != "flow" || rows[0].Target == nil || *rows[0].Target != 330 {
		t.Fatalf("rows with a set monitoring flow against DT_HDND: %+v", rows)
	}
	opt.Set.Items[0].TargetKinds = nil
	if rows := d.Status("D1", q1, opt); len(rows) != 1 || *rows[0].Target != 660 {
		t.Errorf("without a kind in the set: %+v", rows)
	}
}
