package storetest

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"planwatch"
)

// RunRules runs the conformance suite of planwatch.RuleStore (validation
// rules and breakdown categories). open must return a new, empty store
// that implements it; RunRules closes it.
func RunRules(t *testing.T, open func(t *testing.T) planwatch.Store) {
	st := open(t)
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	s, ok := st.(interface {
		planwatch.Store
		planwatch.RuleStore
	})
	if !ok {
		t.Fatalf("%T does not implement RuleStore", st)
	}
	ctx := t.Context()
	if rules, err := s.Rules(ctx); err != nil || len(rules) != 0 {
		t.Fatalf("Rules of a new store = %v, %v", rules, err)
	}
	parts := planwatch.ValidationRule{Code: "rice-le-planted", NameVI: "Lúa ≤ tổng diện tích gieo trồng", NameEN: "Rice ≤ planted area",
		Left: "agri.rice_planted_area", Op: planwatch.OpLessEqual, Right: "agri.planted_area", Importance: "high", Action: planwatch.RuleBlock,
		MessageVI: "Diện tích lúa vượt tổng", MessageEN: "Rice exceeds the total"}
	share := planwatch.ValidationRule{Code: "share-le-100", NameVI: "Tỷ lệ ≤ 100%", Each: "code=forest.cover_rate", Left: "$",
		Op: planwatch.OpLessEqual, Right: "100", Importance: "medium", Action: planwatch.RuleWarn, Tolerance: 0.5}
	if err := s.SaveRules(ctx, []planwatch.ValidationRule{share, parts}, "an", "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	got, err := s.Rules(ctx)
	if err != nil || !reflect.DeepEqual(got, []planwatch.ValidationRule{parts, share}) {
		t.Fatalf("Rules = %+v, %v", got, err)
	}

	// A refused set changes nothing and names every problem by row and column.
	changed := parts
	changed.Right = "agri.cereal_output"
	bad := []planwatch.ValidationRule{changed, {Code: "x y", NameVI: "", Left: "a +", Op: "~", Right: "1,5", Importance: "urgent", Action: "stop"}}
	err = s.SaveRules(ctx, bad, "binh", "cli")
	var pe *planwatch.Error
	if planwatch.ErrorCode(err) != planwatch.EINVALID || !asError(err, &pe) {
		t.Fatalf("SaveRules of bad rules: %v, want EINVALID", err)
	}
	cols := map[string]bool{}
	for _, p := range pe.Problems {
		if p.Row != 2 {
			t.Errorf("problem on row %d, want 2: %+v", p.Row, p)
		}
		cols[p.Column] = true
	}
	for _, c := range []string{"code", "name_vi", "left", "op", "right", "importance", "action"} {
		if !cols[c] {
			t.Errorf("no problem named for column %s: %+v", c, pe.Problems)
		}
	}
	if got, _ := s.Rules(ctx); !reflect.DeepEqual(got, []planwatch.ValidationRule{parts, share}) {
		t.Fatalf("a refused SaveRules changed the rules: %+v", got)
	}

	// Saving the same rule again is not a change; changing one is audited with both versions.
	if err := s.SaveRules(ctx, []planwatch.ValidationRule{share, changed}, "binh", "cli"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteRule(ctx, "share-le-100", "binh", "cli"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteRule(ctx, "share-le-100", "binh", "cli"); planwatch.ErrorCode(err) != planwatch.ENOTFOUND {
		t.Errorf("DeleteRule of a deleted rule: %v, want ENOTFOUND", err)
	}
	if got, _ := s.Rules(ctx); len(got) != 1 || got[0].Right != "agri.cereal_output" {
		t.Errorf("after the change and the deletion: %+v", got)
	}
	audit, err := s.Audit(ctx, planwatch.AuditQuery{Action: "rule."})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range audit {
		actions = append(actions, e.Action+" "+e.Entity+" "+e.By+"@"+e.From)
	}
	want := "rule.delete rule/share-le-100 binh@cli|rule.set rule/rice-le-planted binh@cli|rule.set rule/share-le-100 an@10.0.0.1|rule.set rule/rice-le-planted an@10.0.0.1"
	if strings.Join(actions, "|") != want {
		t.Errorf("audit = %s\nwant    %s", strings.Join(actions, "|"), want)
	}
	if len(audit) == 4 && (!strings.Contains(audit[1].Old, `"agri.planted_area"`) || !strings.Contains(audit[1].New, `"agri.cereal_output"`)) {
		t.Errorf("the audit of a change keeps both versions: %+v", audit[1])
	}

	// Derived indicators: a formula naming an unknown code, or closing a
	// cycle, is refused when defined, naming the indicator's row; a good one is stored.
	base := planwatch.Indicator{Code: "a.base", NameVI: "Cơ sở", Unit: "ha", Kind: planwatch.KindFlow, TimeAgg: planwatch.TimeSum,
		UnitAgg: planwatch.UnitSum, Direction: 1}
	d1 := planwatch.Indicator{Code: "a.d1", NameVI: "Suy ra 1", Unit: "%", Kind: planwatch.KindRate, TimeAgg: planwatch.TimeLast,
		UnitAgg: planwatch.UnitNone, Direction: 1, Formula: "a.base[-1y] * 2"}
	if err := s.SaveIndicators(ctx, []planwatch.Indicator{base, d1}, "an"); err != nil {
		t.Fatalf("a good formula: %v", err)
	}
	d2 := d1
	d2.Code, d2.Formula = "a.d2", "a.d1 + a.nothing"
	err = s.SaveIndicators(ctx, []planwatch.Indicator{base, d2}, "an")
	if !asError(err, &pe) || len(pe.Problems) != 1 || pe.Problems[0].Row != 2 || pe.Problems[0].Column != "formula" ||
		!strings.Contains(pe.Problems[0].Reason, "a.nothing") {
		t.Errorf("an unknown code in a formula: %v", err)
	}
	d1b := d1
	d1b.Formula = "a.d2 / 3"
	d2.Formula = "a.d1 + 1"
	err = s.SaveIndicators(ctx, []planwatch.Indicator{d2, d1b}, "an")
	if !asError(err, &pe) || len(pe.Problems) != 1 || !strings.Contains(pe.Problems[0].Reason, "a.d1 → a.d2 → a.d1") {
		t.Errorf("a cycle of formulas: %v", err)
	}
	if inds, _ := s.Indicators(ctx); len(inds) != 2 {
		t.Errorf("refused formulas were stored: %d indicators", len(inds))
	}
	// The same through the catalogue editor (the admin page, catalogue import).
	if ce, ok := st.(planwatch.CatalogueEditor); ok {
		_, err = ce.ApplyCatalogue(ctx, &planwatch.CatalogueChange{By: "an", Indicators: []planwatch.Indicator{d2, d1b}})
		if !asError(err, &pe) || !strings.Contains(errorsText(pe), "a.d1 → a.d2 → a.d1") {
			t.Errorf("ApplyCatalogue of a cycle of formulas: %v", err)
		}
		if inds, _ := s.Indicators(ctx); len(inds) != 2 {
			t.Errorf("refused formulas were stored: %d indicators", len(inds))
		}
	}

	// Categories.
	own := planwatch.Category{Code: "ownership", NameVI: "Thành phần kinh tế", NameEN: "Ownership", Options: []planwatch.CategoryOption{
		{Code: "state", NameVI: "Khu vực nhà nước", NameEN: "State"},
		{Code: "non_state", NameVI: "Khu vực ngoài nhà nước", NameEN: "Non-state"},
		{Code: "fdi", NameVI: "Khu vực có vốn đầu tư nước ngoài", NameEN: "FDI"}}}
	sex := planwatch.Category{Code: "sex", NameVI: "Giới tính", Options: []planwatch.CategoryOption{{Code: "male", NameVI: "Nam"}, {Code: "female", NameVI: "Nữ"}}}
	for _, c := range []planwatch.Category{sex, own} {
		if err := s.SaveCategory(ctx, c, "an", "10.0.0.1"); err != nil {
			t.Fatal(err)
		}
	}
	if cats, err := s.Categories(ctx); err != nil || !reflect.DeepEqual(cats, []planwatch.Category{own, sex}) {
		t.Fatalf("Categories = %+v, %v", cats, err)
	}
	badCat := planwatch.Category{Code: "sex", NameVI: "Giới tính", Options: []planwatch.CategoryOption{{Code: "male", NameVI: "Nam"}, {Code: "male", NameVI: "Nam"}}}
	if err := s.SaveCategory(ctx, badCat, "an", "10.0.0.1"); planwatch.ErrorCode(err) != planwatch.EINVALID {
		t.Errorf("a category with an option twice: %v, want EINVALID", err)
	}
	if err := s.DeleteCategory(ctx, "sex", "binh", "cli"); err != nil {
		t.Fatal(err)
	}
	if cats, _ := s.Categories(ctx); len(cats) != 1 || cats[0].Code != "ownership" {
		t.Errorf("after deleting sex: %+v", cats)
	}
	if audit, _ := s.Audit(ctx, planwatch.AuditQuery{Action: "category."}); len(audit) != 3 || audit[0].Action != "category.delete" || audit[0].From != "cli" || audit[2].From != "10.0.0.1" {
		t.Errorf("category audit = %+v", audit)
	}
	if ce, ok := st.(planwatch.CatalogueEditor); ok {
		t.Run("Breakdowns", func(t *testing.T) { breakdowns(t, s, ce) })
	}
}

// breakdowns: an indicator's parts (CODE~option) follow its category in
// the transaction that changes either. Attaching makes them; saving a
// category makes those of a new option and retires those of an option
// removed, with the category; detaching an indicator, or deleting its
// category, retires them all. Retired parts keep their values.
func breakdowns(t *testing.T, s interface {
	planwatch.Store
	planwatch.RuleStore
}, ce planwatch.CatalogueEditor) {
	ctx := t.Context()
	ind := func(code string) planwatch.Indicator {
		return planwatch.Indicator{Code: code, NameVI: "Tổng " + code, Unit: "tỷ đồng", Kind: planwatch.KindFlow, TimeAgg: planwatch.TimeSum,
			UnitAgg: planwatch.UnitSum, Direction: planwatch.HigherIsBetter, Periodicity: "month"}
	}
	cat := planwatch.Category{Code: "area", NameVI: "Khu vực", Options: []planwatch.CategoryOption{{Code: "urban", NameVI: "Thành thị"}, {Code: "rural", NameVI: "Nông thôn"}}}
	if err := s.SaveCategory(ctx, cat, "an", "cli"); err != nil {
		t.Fatal(err)
	}
	units := []planwatch.OrgUnit{{Code: "20", Name: "Lạng Sơn", Level: 1, ValidFrom: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}}
	if err := s.SaveOrgUnits(ctx, units, nil, "an"); err != nil {
		t.Fatal(err)
	}
	total, other := ind("bd.total"), ind("bd.other")
	if _, err := ce.ApplyCatalogue(ctx, &planwatch.CatalogueChange{By: "an", Indicators: []planwatch.Indicator{total, other}}); err != nil {
		t.Fatal(err)
	}
	// parts returns the codes of the stored sub-indicators of code, those
	// retired marked "-".
	parts := func(code string) string {
		t.Helper()
		inds, err := s.Indicators(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, x := range inds {
			if parent, opt, ok := planwatch.SplitSubIndicator(x.Code); ok && parent == code {
				if x.Retired {
					opt = "-" + opt
				}
				out = append(out, opt)
			}
		}
		slices.Sort(out)
		return strings.Join(out, " ")
	}
	attach := func(i planwatch.Indicator, category string) {
		t.Helper()
		i.Category = category
		if _, err := ce.ApplyCatalogue(ctx, &planwatch.CatalogueChange{By: "an", Indicators: []planwatch.Indicator{i}}); err != nil {
			t.Fatal(err)
		}
	}
	derived := ind("bd.derived")
	derived.Formula, derived.Category = "bd.total * 2", "area"
	if _, err := ce.ApplyCatalogue(ctx, &planwatch.CatalogueChange{By: "an", Indicators: []planwatch.Indicator{derived}}); planwatch.ErrorCode(err) != planwatch.EINVALID {
		t.Errorf("a derived indicator broken down: %v, want EINVALID", err)
	}
	attach(total, "area")
	if got := parts("bd.total"); got != "rural urban" {
		t.Errorf("attached: parts %q, want \"rural urban\"", got)
	}
	v := planwatch.DataValue{Key: planwatch.Key{Indicator: "bd.total~urban", Unit: "20", Period: planwatch.MonthOf(2022, 1)},
		Basis: planwatch.BasisPeriod, Vintage: planwatch.Official, Value: planwatch.Float(7)}
	if _, err := s.Apply(ctx, &planwatch.ChangeSet{By: "an", Values: []planwatch.DataValue{v}}); err != nil {
		t.Fatal(err)
	}
	cat.Options = append(cat.Options, planwatch.CategoryOption{Code: "border", NameVI: "Biên giới"})
	if err := s.SaveCategory(ctx, cat, "an", "cli"); err != nil {
		t.Fatal(err)
	}
	if got := parts("bd.total"); got != "border rural urban" {
		t.Errorf("an option added: parts %q, want \"border rural urban\" (made with the category)", got)
	}
	cat.Options = cat.Options[1:] // urban removed
	if err := s.SaveCategory(ctx, cat, "an", "cli"); err != nil {
		t.Fatal(err)
	}
	if got := parts("bd.total"); got != "-urban border rural" {
		t.Errorf("an option removed: parts %q, want \"-urban border rural\"", got)
	}
	attach(total, "")
	if got := parts("bd.total"); got != "-border -rural -urban" {
		t.Errorf("detached: parts %q, want all retired", got)
	}
	if vs, err := s.Values(ctx, planwatch.ValueQuery{Indicators: []string{"bd.total~urban"}}); err != nil || len(vs) != 1 || *vs[0].Value != 7 {
		t.Errorf("a retired part's values: %+v, %v; want kept", vs, err)
	}
	attach(other, "area")
	if got := parts("bd.other"); got != "border rural" {
		t.Errorf("attached: parts %q", got)
	}
	if err := s.DeleteCategory(ctx, "area", "an", "cli"); err != nil {
		t.Fatal(err)
	}
	if got := parts("bd.other"); got != "-border -rural" {
		t.Errorf("category deleted: parts %q, want all retired", got)
	}
	inds, _ := s.Indicators(ctx)
	for _, x := range inds {
		if x.Code == "bd.other" && x.Category != "" {
			t.Errorf("category deleted: bd.other still broken down by %q", x.Category)
		}
	}
}

func asError(err error, target **planwatch.Error) bool {
	e, ok := err.(*planwatch.Error)
	if ok {
		*target = e
	}
	return ok
}

func errorsText(e *planwatch.Error) string {
	out := e.Message
	for _, p := range e.Problems {
		out += "\n" + p.Column + " " + p.Reason
	}
	return out
}
