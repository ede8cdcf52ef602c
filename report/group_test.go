package report

import (
	"strings"
	"testing"

	"planwatch"
)

// The report of a unit group (issue 13, part 7, left open by issue 18)
// speaks of the group's figures, which add its units' up by each
// indicator's aggregation over units, and ranks its units.
func TestGroupReport(t *testing.T) {
	in := demoInput(t)
	ds := in.Data
	members := ds.Units().ChildrenAt(in.Unit, in.Period.End())
	if len(members) < 3 {
		t.Fatalf("demo units under %s: %v", in.Unit, members)
	}
	members = members[:3]
	in.Group = &planwatch.UnitGroup{Code: "border", NameVI: "Các huyện biên giới", NameEN: "Border districts", Units: members}
	r := Build(in)
	if r.UnitCode != "border" || r.UnitName != "Các huyện biên giới" || hasTrend(r) {
		t.Errorf("group report: code %q name %q, %d charts", r.UnitCode, r.UnitName, len(r.Charts))
	}
	const code = "trade.retail_sales_services"
	sum := 0.0
	for _, m := range members {
		if f := ds.Value(code, m, in.Period); f.OK {
			sum += f.Value
		}
	}
	if sum == 0 {
		t.Fatalf("the demo has no district figures of %s", code)
	}
	var row *AnnexRow
	for i := range r.Annex {
		if r.Annex[i].Indicator == code {
			row = &r.Annex[i]
		}
	}
	if row == nil {
		t.Fatalf("no annex row of %s in the group report", code)
	}
	ind := ds.Indicators()[code]
	want := langOf("").number(&ind, sum)
	if row.Current != want {
		t.Errorf("group figure %s = %q, want the sum of its units %q", code, row.Current, want)
	}
	md := markdown(t, r)
	if !strings.Contains(md, "Các huyện biên giới") {
		t.Errorf("the markdown does not name the group")
	}
}

// hasTrend reports a trend chart (a unit's own series), which a group has not.
func hasTrend(r *Report) bool {
	for _, c := range r.Charts {
		if c.Kind == "" {
			return true
		}
	}
	return false
}
