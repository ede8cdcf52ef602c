package exchange

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"planwatch"
)

// DHIS2 category option combos map onto breakdown options through the
// mapping: a dataElement entry "element.categoryOptionCombo" names the
// sub-indicator CODE~option; the default combo names the total.
func TestCategoryOptionCombosMapOntoBreakdowns(t *testing.T) {
	total := planwatch.Indicator{Code: "invest.total_social_investment", NameVI: "Vốn đầu tư", Unit: "tỷ đồng", Kind: planwatch.KindFlow,
		TimeAgg: planwatch.TimeSum, UnitAgg: planwatch.UnitSum, Direction: 1, Category: "ownership"}
	inds := []planwatch.Indicator{total}
	for _, o := range []string{"state", "non_state", "fdi"} {
		sub := total
		sub.Code, sub.Category = planwatch.SubIndicatorCode(total.Code, o), ""
		inds = append(inds, sub)
	}
	var opts Options
	opts.SetCatalogue(inds, []planwatch.OrgUnit{{Code: "20", Name: "Lạng Sơn"}})
	opts.Mapping = &planwatch.Mapping{Name: "ownership", Entries: []planwatch.MappingEntry{
		{Kind: planwatch.MapDataElement, PartnerID: "vDT1xYz0001", Code: total.Code},
		{Kind: planwatch.MapDataElement, PartnerID: "vDT1xYz0001.cocState001", Code: total.Code + "~state"},
		{Kind: planwatch.MapDataElement, PartnerID: "vDT1xYz0001.cocNonSt001", Code: total.Code + "~non_state"},
		{Kind: planwatch.MapDataElement, PartnerID: "vDT1xYz0001.cocFdi00001", Code: total.Code + "~fdi"},
		{Kind: planwatch.MapOrgUnit, PartnerID: "ouLangSon01", Code: "20"},
	}}
	if ps := CheckMapping(*opts.Mapping, opts.Indicators, opts.Units); len(ps) > 0 {
		t.Fatalf("the mapping names codes the catalogue lacks: %+v", ps)
	}
	in := "dataelement,period,orgunit,categoryoptioncombo,value\n" +
		"vDT1xYz0001,2023Q2,ouLangSon01,HllvX50cXC0,1000\n" + // DHIS2's default combo: the total
		"vDT1xYz0001,2023Q2,ouLangSon01,cocState001,300\n" +
		"vDT1xYz0001,2023Q2,ouLangSon01,cocNonSt001,500\n" +
		"vDT1xYz0001,2023Q2,ouLangSon01,cocFdi00001,200\n"
	store := &problemStore{}
	s, err := Import(context.Background(), store, DHIS2CSV, strings.NewReader(in), opts)
	if err != nil {
		t.Fatal(err)
	}
	if s.Status != StatusSuccess {
		t.Fatalf("summary %+v", s)
	}
	var got []string
	for _, v := range store.stored {
		got = append(got, fmt.Sprintf("%s=%g", v.Indicator, *v.Value))
	}
	sort.Strings(got)
	want := "invest.total_social_investment=1000|invest.total_social_investment~fdi=200|invest.total_social_investment~non_state=500|invest.total_social_investment~state=300"
	if strings.Join(got, "|") != want {
		t.Errorf("stored %s\nwant   %s", strings.Join(got, "|"), want)
	}
}
