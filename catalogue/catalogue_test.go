package catalogue

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"planwatch"
	"planwatch/data"
)

// The embedded catalogue written and read back is the same, field by field.
func TestIndicatorsRoundTrip(t *testing.T) {
	inds, err := data.Indicators()
	if err != nil {
		t.Fatal(err)
	}
	inds[0].Formula, inds[0].Category, inds[0].Retired = "=macro.grdp / macro.population", "ownership", true
	inds[1].NameVI = "+1 dòng, có \"ngoặc\""
	var buf bytes.Buffer
	if err := WriteIndicators(&buf, inds); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), ",=macro") {
		t.Errorf("a formula cell is written so that a spreadsheet runs it")
	}
	got, lines, err := ReadIndicators(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, inds) {
		for i := range inds {
			if got[i] != inds[i] {
				t.Fatalf("row %d:\n got %+v\nwant %+v", i, got[i], inds[i])
			}
		}
		t.Fatalf("%d indicators read, %d written", len(got), len(inds))
	}
	if lines[0] != 2 || lines[len(lines)-1] != len(inds)+1 {
		t.Errorf("lines %v…", lines[:3])
	}
}

// The columns of provincial-core.csv and of overrides.csv are read as the
// embedded catalogue reads them.
func TestIndicatorsCoreAndOverrideColumns(t *testing.T) {
	in := "code,name_vi,name_en,unit,kind,time_agg,periodicity,sector,direction,decimals,unit_agg,numerator,denominator\n" +
		"macro.grdp_per_capita,GRDP bình quân đầu người,GRDP per capita,triệu đồng/người,average,,year,Tài khoản quốc gia,1,1,none,,\n" +
		"price.cpi,Chỉ số giá tiêu dùng,,%,index,none,month,Giá cả,-1,,,,\n"
	got, _, err := ReadIndicators(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if g := got[0]; g.TimeAgg != planwatch.TimeLast || g.UnitAgg != planwatch.UnitNone || g.Decimals != 1 || g.Unit != "triệu đồng/người" {
		t.Errorf("defaults and overrides: %+v", g)
	}
	if g := got[1]; g.Direction != planwatch.LowerIsBetter || g.Decimals != 1 || g.UnitAgg != planwatch.UnitNone {
		t.Errorf("%+v", g)
	}
}

// Every bad row is named with its line and column, and nothing is returned.
func TestIndicatorsProblems(t *testing.T) {
	in := "code,name_vi,kind,aggregation,direction,decimals,retired\n" +
		"a.ok,Được,flow,sum,1,0,\n" +
		"b.stock,Số dư,stock,sum,1,0,\n" + // line 3: a stock summed over time
		",Không mã,flow,,,,\n" + // line 4: no code
		"c bad,Có dấu cách,flow,,,,\n" + // line 5: a space in the code
		"d.kind,Loại lạ,tiền,,,,\n" + // line 6: unknown kind
		"e.dir,Chiều,flow,,2,x,maybe\n" + // line 7: direction, decimals, retired
		"a.ok,Lần hai,flow,,,,\n" + // line 8: code twice
		"f.name,,flow,,,,\n" // line 9: no name
	_, _, err := ReadIndicators(strings.NewReader(in))
	var e *planwatch.Error
	if !errors.As(err, &e) || e.Code != planwatch.EINVALID {
		t.Fatalf("err = %v", err)
	}
	want := [][2]any{{3, "aggregation"}, {4, "code"}, {5, "code"}, {6, "kind"}, {7, "direction"}, {7, "decimals"}, {7, "retired"}, {8, "code"}, {9, "name_vi"}}
	for _, w := range want {
		if !slices.ContainsFunc(e.Problems, func(p planwatch.Problem) bool { return p.Row == w[0] && p.Column == w[1] }) {
			t.Errorf("no problem at line %v, column %v in %v", w[0], w[1], e.Problems)
		}
	}
	for _, p := range e.Problems {
		if !strings.Contains(p.Reason, "(") {
			t.Errorf("problem %v has no English", p)
		}
	}
	if _, _, err := ReadIndicators(strings.NewReader("code,name,kind\n")); err == nil || !strings.Contains(err.(*planwatch.Error).Problems[0].Reason, "cột") {
		t.Errorf("an unknown column: %v", err)
	}
}

func TestSetsAndGroupsRoundTrip(t *testing.T) {
	sets := []planwatch.IndicatorSet{
		{Unit: "20", Year: 2022, Source: "NQ 35/NQ-HĐND", Items: []planwatch.SetItem{
			{Indicator: "trade.retail", TargetKinds: []planwatch.TargetKind{planwatch.TargetPlan, planwatch.TargetCouncilEst}},
			{Indicator: "bank.deposits"}}},
		{Unit: "178", Year: 2023, Items: []planwatch.SetItem{{Indicator: "price.cpi"}}},
	}
	var buf bytes.Buffer
	if err := WriteSets(&buf, sets); err != nil {
		t.Fatal(err)
	}
	got, lines, err := ReadSets(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Source != sets[0].Source || !slices.Equal(got[0].Items[0].TargetKinds, sets[0].Items[0].TargetKinds) ||
		got[1].Items[0].Indicator != "price.cpi" || !slices.Equal(lines, []int{2, 3, 4}) {
		t.Errorf("sets read back: %+v, lines %v", got, lines)
	}
	groups := []planwatch.UnitGroup{{Code: "border", NameVI: "Xã biên giới", NameEN: "Border communes", Units: []string{"05977", "06000"}}}
	buf.Reset()
	if err := WriteGroups(&buf, groups); err != nil {
		t.Fatal(err)
	}
	gg, _, err := ReadGroups(&buf)
	if err != nil || len(gg) != 1 || gg[0].NameVI != groups[0].NameVI || gg[0].NameEN != groups[0].NameEN || !slices.Equal(gg[0].Units, groups[0].Units) {
		t.Errorf("groups read back: %+v, %v", gg, err)
	}
	_, _, err = ReadSets(strings.NewReader("unit,year,indicator,target_kinds\n20,năm,a,KH\n20,2022,a,XX\n"))
	if e, ok := err.(*planwatch.Error); !ok || len(e.Problems) != 2 || e.Problems[0].Row != 2 || e.Problems[1].Column != "target_kinds" {
		t.Errorf("bad sets: %v", err)
	}
}

// Remap gives the store's problems the file's lines.
func TestRemap(t *testing.T) {
	err := &planwatch.Error{Code: planwatch.EINVALID, Problems: []planwatch.Problem{{Row: 2, Column: "indicator"}}}
	got := Remap(err, []int{5, 9})
	if got.(*planwatch.Error).Problems[0].Row != 9 || err.Problems[0].Row != 2 {
		t.Errorf("Remap: %v", got)
	}
}

func FuzzReadIndicators(f *testing.F) {
	f.Add("code,name_vi,kind\na,Á,flow\n")
	f.Add("code,name_vi,kind,aggregation,retired\n\"a\",\"x\ny\",stock,sum,có\n")
	f.Fuzz(func(t *testing.T, in string) {
		inds, lines, err := ReadIndicators(strings.NewReader(in))
		if err != nil {
			if inds != nil {
				t.Fatalf("indicators returned with an error")
			}
			return
		}
		if len(lines) != len(inds) {
			t.Fatalf("%d lines for %d indicators", len(lines), len(inds))
		}
		for _, ind := range inds {
			if err := ind.Validate(); err != nil {
				t.Fatalf("an invalid indicator read: %v", err)
			}
		}
		var buf bytes.Buffer
		if err := WriteIndicators(&buf, inds); err != nil {
			t.Fatal(err)
		}
		again, _, err := ReadIndicators(&buf)
		if err != nil || !slices.Equal(again, inds) {
			t.Fatalf("written and read again: %v\n%+v\n%+v", err, again, inds)
		}
	})
}
