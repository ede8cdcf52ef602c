package storetest

import (
	"context"
	"slices"
	"strings"
	"testing"

	"planwatch"
)

func editor(t *testing.T, s planwatch.Store) planwatch.CatalogueEditor {
	t.Helper()
	ce, ok := s.(planwatch.CatalogueEditor)
	if !ok {
		t.Fatalf("%T is not a planwatch.CatalogueEditor", s)
	}
	return ce
}

func history(t *testing.T, ctx context.Context, ce planwatch.CatalogueEditor, code string) []planwatch.IndicatorVersion {
	t.Helper()
	h, err := ce.IndicatorHistory(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// Every change of an indicator is a new version with who, when, from where
// and why; an unchanged one is not.
func testIndicatorVersions(t *testing.T, ctx context.Context, s planwatch.Store) {
	fixture(t, ctx, s)
	ce := editor(t, s)
	h := history(t, ctx, ce, "trade.retail")
	if len(h) != 1 || h[0].Version != 1 || h[0].By != "test" || h[0].Indicator != fixtureIndicators[0] {
		t.Fatalf("history after the first save: %+v", h)
	}
	changed := fixtureIndicators[0]
	changed.NameVI, changed.Retired = "Tổng mức bán lẻ hàng hóa", true
	res, err := ce.ApplyCatalogue(ctx, &planwatch.CatalogueChange{By: "an", From: "10.0.0.1", Note: "theo NQ 12",
		Indicators: []planwatch.Indicator{changed, fixtureIndicators[1]}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Indicators != 1 {
		t.Errorf("result %+v: want 1 new version (the unchanged indicator is not one)", res)
	}
	h = history(t, ctx, ce, "trade.retail")
	if len(h) != 2 || h[0].Indicator != fixtureIndicators[0] || h[1].Indicator != changed {
		t.Fatalf("history: %+v", h)
	}
	if v := h[1]; v.Version != 2 || v.By != "an" || v.From != "10.0.0.1" || v.Note != "theo NQ 12" || !v.At.Equal(h[1].At) || v.At.IsZero() {
		t.Errorf("version 2 = %+v", v)
	}
	if len(history(t, ctx, ce, "bank.deposits")) != 1 {
		t.Errorf("an unchanged indicator got a version")
	}
	if h := history(t, ctx, ce, "nope"); len(h) != 0 {
		t.Errorf("history of an unknown code: %+v", h)
	}
	entries, err := s.Audit(ctx, planwatch.AuditQuery{Action: "indicator.set", Entity: "trade.retail"})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || entries[0].By != "an" || entries[0].From != "10.0.0.1" || entries[0].Old == "" {
		t.Errorf("audit of the change: %+v", entries)
	}
	// A dry run changes nothing.
	changed.NameEN = "dry"
	if _, err := ce.ApplyCatalogue(ctx, &planwatch.CatalogueChange{By: "an", DryRun: true, Indicators: []planwatch.Indicator{changed}}); err != nil {
		t.Fatal(err)
	}
	if len(history(t, ctx, ce, "trade.retail")) != 2 {
		t.Errorf("a dry run stored a version")
	}
}

// A change that would alter what stored values mean is refused with the
// count of values; a change of unit goes through with an explicit factor,
// converting values and targets in the same change.
func testChangeOfMeaning(t *testing.T, ctx context.Context, s planwatch.Store) {
	fixture(t, ctx, s)
	ce := editor(t, s)
	apply(t, ctx, s, &planwatch.ChangeSet{
		Values: []planwatch.DataValue{
			value("trade.retail", "20", "2022Q1", planwatch.Official, 5953e9),
			value("trade.retail", "20", "2022Q2", planwatch.Official, 6000e9),
		},
		Targets: []planwatch.Target{{Indicator: "trade.retail", Unit: "20", Year: 2022, Kind: planwatch.TargetPlan, Value: 22600e9}},
	})
	before, _ := s.Audit(ctx, planwatch.AuditQuery{})
	base := fixtureIndicators[0]
	for _, tc := range []struct {
		name   string
		change func(*planwatch.Indicator)
		column string
	}{
		{"time aggregation", func(i *planwatch.Indicator) { i.TimeAgg = planwatch.TimeAvg }, "time_agg"},
		{"unit aggregation", func(i *planwatch.Indicator) { i.UnitAgg = planwatch.UnitAvg }, "unit_agg"},
		{"kind", func(i *planwatch.Indicator) { i.Kind = planwatch.KindCount }, "kind"},
		{"unit scale", func(i *planwatch.Indicator) { i.Unit = "triệu đồng" }, "unit"},
		{"base unit", func(i *planwatch.Indicator) { i.Unit = "triệu USD" }, "unit"},
	} {
		ind := base
		tc.change(&ind)
		e := invalidErr(t, s.SaveIndicators(ctx, []planwatch.Indicator{ind}, "an"))
		if !hasProblem(e.Problems, 1, tc.column) || !strings.Contains(e.Problems[0].Reason, "2 ") {
			t.Errorf("%s: problems %v, want row 1, column %s naming the 2 values", tc.name, e.Problems, tc.column)
		}
	}
	// Aggregations cannot change even with a factor.
	agg := base
	agg.TimeAgg = planwatch.TimeAvg
	invalidErr(t, func() error {
		_, err := ce.ApplyCatalogue(ctx, &planwatch.CatalogueChange{By: "an", Indicators: []planwatch.Indicator{agg}, Convert: map[string]float64{agg.Code: 1}})
		return err
	}())
	after, _ := s.Audit(ctx, planwatch.AuditQuery{})
	if len(after) != len(before) || len(history(t, ctx, ce, base.Code)) != 1 {
		t.Fatalf("refused changes stored something: audit %d → %d", len(before), len(after))
	}
	// An indicator without values changes freely.
	free := fixtureIndicators[1]
	free.TimeAgg, free.Unit = planwatch.TimeAvg, "triệu đồng"
	if err := s.SaveIndicators(ctx, []planwatch.Indicator{free}, "an"); err != nil {
		t.Fatalf("change of an indicator without values: %v", err)
	}
	// "tỷ đồng" → "triệu đồng" keeping the figures as entered: × 1e-3.
	ind := base
	ind.Unit = "triệu đồng"
	res, err := ce.ApplyCatalogue(ctx, &planwatch.CatalogueChange{By: "an", From: "cli", Indicators: []planwatch.Indicator{ind},
		Convert: map[string]float64{ind.Code: planwatch.UnitFactor(&base, &ind)}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Indicators != 1 || res.Converted.Updated != 3 {
		t.Errorf("result %+v: want 1 version, 2 values and 1 target converted", res)
	}
	vs := values(t, ctx, s, planwatch.ValueQuery{Indicators: []string{ind.Code}})
	if len(vs) != 2 || *vs[0].Value != 5953e6 || *vs[1].Value != 6000e6 || vs[0].By != "an" {
		t.Errorf("converted values: %+v", vs)
	}
	ts, err := s.Targets(ctx, planwatch.TargetQuery{Indicators: []string{ind.Code}})
	if err != nil || len(ts) != 1 || ts[0].Value != 22600e6 || ts[0].Version != 2 {
		t.Errorf("converted targets: %+v, %v", ts, err)
	}
	if revs, _ := s.Revisions(ctx, vs[0].Key); len(revs) != 2 || *revs[0].Value != 5953e9 {
		t.Errorf("the value before conversion is not kept: %+v", revs)
	}
	// Factor 1 keeps the stored amounts (base units) as they are.
	ind2 := ind
	ind2.Unit = "nghìn đồng"
	if _, err := ce.ApplyCatalogue(ctx, &planwatch.CatalogueChange{By: "an", Indicators: []planwatch.Indicator{ind2},
		Convert: map[string]float64{ind.Code: 1}}); err != nil {
		t.Fatal(err)
	}
	if vs := values(t, ctx, s, planwatch.ValueQuery{Indicators: []string{ind.Code}}); *vs[0].Value != 5953e6 {
		t.Errorf("factor 1 changed a value: %+v", vs[0])
	}
	if h := history(t, ctx, ce, ind.Code); len(h) != 3 || h[2].Unit != "nghìn đồng" {
		t.Errorf("history: %+v", h)
	}
}

func testIndicatorSets(t *testing.T, ctx context.Context, s planwatch.Store) {
	fixture(t, ctx, s)
	ce := editor(t, s)
	set := planwatch.IndicatorSet{Unit: "20", Year: 2022, Source: "NQ 35/NQ-HĐND", Items: []planwatch.SetItem{
		{Indicator: "trade.retail", TargetKinds: []planwatch.TargetKind{planwatch.TargetPlan}},
		{Indicator: "bank.deposits"},
	}}
	res, err := ce.ApplyCatalogue(ctx, &planwatch.CatalogueChange{By: "an", From: "cli", Sets: []planwatch.IndicatorSet{set,
		{Unit: "178", Year: 2022, Items: []planwatch.SetItem{{Indicator: "price.cpi"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Sets != 2 {
		t.Errorf("result %+v", res)
	}
	got, err := ce.IndicatorSets(ctx, "20", 2022)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Source != set.Source || got[0].By != "an" || got[0].At.IsZero() || len(got[0].Items) != 2 ||
		got[0].Items[0].Indicator != "bank.deposits" || !slices.Equal(got[0].Items[1].TargetKinds, []planwatch.TargetKind{planwatch.TargetPlan}) {
		t.Fatalf("IndicatorSets(20, 2022) = %+v", got)
	}
	if all, _ := ce.IndicatorSets(ctx, "", 0); len(all) != 2 || all[0].Unit != "178" {
		t.Errorf("every set: %+v", all)
	}
	if none, _ := ce.IndicatorSets(ctx, "20", 2023); len(none) != 0 {
		t.Errorf("a year without a set: %+v", none)
	}
	// Unknown indicator, unit and target kind: every problem named, nothing stored.
	bad := []planwatch.IndicatorSet{
		{Unit: "20", Year: 2022, Items: []planwatch.SetItem{{Indicator: "price.cpi"}, {Indicator: "nope"}}},
		{Unit: "nowhere", Year: 2023, Items: []planwatch.SetItem{{Indicator: "price.cpi", TargetKinds: []planwatch.TargetKind{"XX"}}}},
	}
	_, err = ce.ApplyCatalogue(ctx, &planwatch.CatalogueChange{By: "an", Sets: bad})
	e := invalidErr(t, err)
	if !hasProblem(e.Problems, 2, "indicator") || !hasProblem(e.Problems, 3, "unit") || !hasProblem(e.Problems, 3, "target_kinds") {
		t.Errorf("problems: %v", e.Problems)
	}
	if got, _ := ce.IndicatorSets(ctx, "20", 2022); len(got[0].Items) != 2 {
		t.Errorf("a refused change altered the set: %+v", got)
	}
	// Replacing, then removing (no items), each audited.
	set.Items = set.Items[:1]
	if _, err := ce.ApplyCatalogue(ctx, &planwatch.CatalogueChange{By: "an", Sets: []planwatch.IndicatorSet{set}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := ce.IndicatorSets(ctx, "20", 2022); len(got) != 1 || len(got[0].Items) != 1 {
		t.Errorf("after replacing: %+v", got)
	}
	if _, err := ce.ApplyCatalogue(ctx, &planwatch.CatalogueChange{By: "an", Sets: []planwatch.IndicatorSet{{Unit: "20", Year: 2022}}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := ce.IndicatorSets(ctx, "20", 2022); len(got) != 0 {
		t.Errorf("after removing: %+v", got)
	}
	entries, _ := s.Audit(ctx, planwatch.AuditQuery{Action: "indicator_set.", Entity: "20/2022"})
	if len(entries) != 3 || entries[0].Action != "indicator_set.delete" || entries[0].Old == "" || entries[2].From != "cli" {
		t.Errorf("audit: %+v", entries)
	}
}

func testUnitGroups(t *testing.T, ctx context.Context, s planwatch.Store) {
	fixture(t, ctx, s)
	ce := editor(t, s)
	g := planwatch.UnitGroup{Code: "border", NameVI: "Xã biên giới", NameEN: "Border communes", Units: []string{"06000", "05977"}}
	if _, err := ce.ApplyCatalogue(ctx, &planwatch.CatalogueChange{By: "an", Groups: []planwatch.UnitGroup{g}}); err != nil {
		t.Fatal(err)
	}
	got, err := ce.UnitGroups(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].NameVI != g.NameVI || got[0].NameEN != g.NameEN || !slices.Equal(got[0].Units, []string{"05977", "06000"}) || got[0].By != "an" {
		t.Fatalf("UnitGroups = %+v", got)
	}
	_, err = ce.ApplyCatalogue(ctx, &planwatch.CatalogueChange{By: "an", Groups: []planwatch.UnitGroup{
		{Code: "poor", NameVI: "Huyện nghèo", Units: []string{"178", "nowhere"}}, {Code: "", NameVI: "x", Units: []string{"20"}}}})
	e := invalidErr(t, err)
	if !hasProblem(e.Problems, 2, "unit") || !hasProblem(e.Problems, 3, "group") {
		t.Errorf("problems: %v", e.Problems)
	}
	if got, _ := ce.UnitGroups(ctx); len(got) != 1 {
		t.Errorf("a refused change stored a group: %+v", got)
	}
	if _, err := ce.ApplyCatalogue(ctx, &planwatch.CatalogueChange{By: "an", Groups: []planwatch.UnitGroup{{Code: "border"}}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := ce.UnitGroups(ctx); len(got) != 0 {
		t.Errorf("after removing: %+v", got)
	}
	if entries, _ := s.Audit(ctx, planwatch.AuditQuery{Action: "unit_group.", Entity: "border"}); len(entries) != 2 {
		t.Errorf("audit: %+v", entries)
	}
}
