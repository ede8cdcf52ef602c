package calc

import (
	"testing"

	"planwatch"
)

func TestMarkApproved(t *testing.T) {
	v := func(unit, p string) planwatch.DataValue {
		return planwatch.DataValue{Key: planwatch.Key{Indicator: "x", Unit: unit, Period: planwatch.MustPeriod(p)}}
	}
	approvals := []planwatch.Approval{
		{Unit: "178", Period: planwatch.MustPeriod("2022Q1"), State: planwatch.ApprovalApproved},
		{Unit: "180", Period: planwatch.MustPeriod("2022Q1"), State: planwatch.ApprovalSubmitted}, // not approved
	}
	vals := []planwatch.DataValue{v("178", "2022Q1"), v("178", "202203"), v("178", "2022Q2"), v("180", "2022Q1"), v("20", "2022Q1")}
	all := MarkApproved(append([]planwatch.DataValue(nil), vals...), approvals, false)
	if len(all) != 5 || !all[0].Approved || !all[1].Approved || all[2].Approved || all[3].Approved || all[4].Approved {
		t.Errorf("marked: %+v", all)
	}
	only := MarkApproved(append([]planwatch.DataValue(nil), vals...), approvals, true)
	if len(only) != 2 || only[0].Period.ID() != "2022Q1" || only[1].Period.ID() != "202203" {
		t.Errorf("approved only: %+v", only)
	}
	if got := MarkApproved(append([]planwatch.DataValue(nil), vals...), nil, true); len(got) != 0 {
		t.Errorf("nothing approved, approved only: %+v", got)
	}
}
