package calc

import (
	"testing"

	"planwatch"
	"planwatch/data"
)

// Lạng Sơn's communes before and after the 1 July 2025 reform, from the
// embedded GSO lists and mapping: old 05977 Vĩnh Trại, 05980 Đông Kinh and
// 05992 Mai Pha (among others) formed the new Phường Đông Kinh, which kept code 05977.
func TestReformRollUpWithRealUnits(t *testing.T) {
	inds, err := data.Indicators()
	if err != nil {
		t.Fatal(err)
	}
	units, trans, err := data.OrgUnits()
	if err != nil {
		t.Fatal(err)
	}
	h := planwatch.NewHierarchy(units, trans)
	const code = "trade.retail_sales_services"
	vals := []planwatch.DataValue{
		pv(code, "05977", "2022Q1", 5), pv(code, "05980", "2022Q1", 10), pv(code, "05992", "2022Q1", 2),
		// A late figure for a pre-reform commune, for a period after the reform.
		pv(code, "05980", "2025Q3", 7),
		// A figure of a new commune after the reform.
		pv(code, "06187", "2025Q3", 4),
	}
	d := NewDataset(inds, h, vals, nil, nil)

	if f := d.Value(code, "20", planwatch.MustPeriod("2022Q1")); !f.OK || f.Value != 17 {
		t.Errorf("province 20, 2022Q1 = %v (ok=%v), want 17", f.Value, f.OK)
	}
	if f := d.Value(code, "20", planwatch.MustPeriod("2025Q3")); !f.OK || f.Value != 11 {
		t.Errorf("province 20, 2025Q3 = %v (ok=%v), want 11 (7 from old commune 05980 + 4 from new 06187)", f.Value, f.OK)
	}
	// The district level of 2022 still exists for 2022 periods.
	if f := d.Value(code, "178", planwatch.MustPeriod("2022Q1")); !f.OK || f.Value != 17 {
		t.Errorf("district 178 (Thành phố Lạng Sơn), 2022Q1 = %v, want 17", f.Value)
	}
	// Code 05977 before the reform names old Vĩnh Trại …
	if f := d.Value(code, "05977", planwatch.MustPeriod("2022Q1")); !f.OK || f.Value != 5 {
		t.Errorf("old 05977, 2022Q1 = %v, want 5", f.Value)
	}
	// … and the new-commune view of that history sums the communes it was formed of.
	f := d.RebasedValue(code, "05977", planwatch.MustPeriod("2022Q1"))
	if !f.OK || f.Value != 17 {
		t.Errorf("new 05977 (Đông Kinh) rebased 2022Q1 = %v (ok=%v), want 17", f.Value, f.OK)
	}
	if f.Expected <= f.Units || !f.Partial {
		// Other predecessors reported nothing: the figure must say it is incomplete.
		t.Errorf("rebased figure should be marked partial: units %d of %d", f.Units, f.Expected)
	}
	// New commune 06187 (Kỳ Lừa) was formed wholly of old 05971, which has no data: missing, not zero.
	if f := d.RebasedValue(code, "06187", planwatch.MustPeriod("2022Q1")); f.OK {
		t.Errorf("06187 rebased = %v, want missing", f.Value)
	}
	// 65 communes under Lạng Sơn after the reform; 11 districts before.
	if n := len(h.ChildrenAt("20", planwatch.MustPeriod("2025Q3").End())); n != 65 {
		t.Errorf("Lạng Sơn has %d children after the reform, want 65", n)
	}
	if n := len(h.ChildrenAt("20", planwatch.MustPeriod("2022Q1").End())); n != 11 {
		t.Errorf("Lạng Sơn has %d children in 2022, want 11", n)
	}
}
