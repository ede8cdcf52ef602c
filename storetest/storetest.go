// Package storetest is the conformance suite of planwatch.Store: every storage
// engine (sqlite now, postgres later) runs Run against itself, so that they
// behave the same down to counts, ordering and error details.
//
// It also offers Seed, which loads the embedded reference data into a store.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"planwatch"
)

// AuditTamperer is implemented by the store handed to Run (typically a test
// wrapper around the engine, with a raw connection of its own) so that the
// suite can check that the audit trail refuses changes made behind the
// application's back. Each method must attempt the change directly in the
// database and return the database's error.
type AuditTamperer interface {
	UpdateAuditRaw(ctx context.Context, id int64, newText string) error
	DeleteAuditRaw(ctx context.Context, id int64) error
}

// Run runs the conformance suite. open must return a new, empty store for each
// call; Run closes it.
func Run(t *testing.T, open func(t *testing.T) planwatch.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, ctx context.Context, s planwatch.Store)
	}{
		{"Indicators", testIndicators},
		{"AuditChain", testAuditChain},
		{"OrgUnits", testOrgUnits},
		{"ApplyAllOrNothing", testApplyAllOrNothing},
		{"ApplyProblemRows", testApplyProblemRows},
		{"ApplyValidation", testApplyValidation},
		{"UnitValidity", testUnitValidity},
		{"Revisions", testRevisions},
		{"Withdraw", testWithdraw},
		{"Ignored", testIgnored},
		{"KeepUnsaid", testKeepUnsaid},
		{"DryRun", testDryRun},
		{"ValueRoundTrip", testValueRoundTrip},
		{"PeriodRange", testPeriodRange},
		{"Targets", testTargets},
		{"Milestones", testMilestones},
		{"Notes", testNotes},
		{"Tasks", testTasks},
		{"AuditPerChange", testAuditPerChange},
		{"AuditQuery", testAuditQuery},
		{"AuditImmutable", testAuditImmutable},
		{"Concurrency", testConcurrency},
		{"LargeApply", testLargeApply},
		{"LargeRepeats", testLargeRepeats},
		{"ApplyStream", testApplyStream},
		{"Seed", testSeed},
		{"ReportSettings", testReportSettings},
		{"IndicatorVersions", testIndicatorVersions},
		{"ChangeOfMeaning", testChangeOfMeaning},
		{"IndicatorSets", testIndicatorSets},
		{"UnitGroups", testUnitGroups},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tt.fn(t, t.Context(), s)
		})
	}
}

// The fixture: a small catalogue and a province with a district and communes,
// one of which changed parent and type in the 2025 reform.
var (
	dayStart  = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	dayReform = planwatch.ReformDate

	fixtureIndicators = []planwatch.Indicator{
		{Code: "trade.retail", NameVI: "Tổng mức bán lẻ", NameEN: "Retail sales", Unit: "tỷ đồng", Sector: "Thương mại",
			Kind: planwatch.KindFlow, TimeAgg: planwatch.TimeSum, UnitAgg: planwatch.UnitSum, Direction: planwatch.HigherIsBetter,
			Decimals: 1, Periodicity: "month"},
		{Code: "bank.deposits", NameVI: "Huy động vốn", NameEN: "Deposits", Unit: "tỷ đồng", Sector: "Ngân hàng",
			Kind: planwatch.KindStock, TimeAgg: planwatch.TimeLast, UnitAgg: planwatch.UnitSum, Direction: planwatch.HigherIsBetter,
			Decimals: 1, Periodicity: "month"},
		{Code: "price.cpi", NameVI: "Chỉ số giá tiêu dùng", NameEN: "CPI", Unit: "%", Sector: "Giá cả",
			Kind: planwatch.KindIndex, TimeAgg: planwatch.TimeNone, UnitAgg: planwatch.UnitNone, Direction: planwatch.LowerIsBetter,
			Decimals: 2, Periodicity: "month"},
		{Code: "invest.rate", NameVI: "Tỷ lệ giải ngân", NameEN: "Disbursement rate", Unit: "%", Sector: "Đầu tư",
			Kind: planwatch.KindRate, TimeAgg: planwatch.TimeLast, UnitAgg: planwatch.UnitRatio, Direction: planwatch.HigherIsBetter,
			Decimals: 1, Numerator: "trade.retail", Denominator: "bank.deposits", Periodicity: "quarter"},
	}
	fixtureUnits = []planwatch.OrgUnit{
		{Code: "20", Name: "Lạng Sơn", FullName: "Tỉnh Lạng Sơn", Type: "Tỉnh", NameEN: "Lang Son", Level: planwatch.LevelProvince, ValidFrom: dayStart},
		{Code: "178", Name: "Cao Lộc", FullName: "Huyện Cao Lộc", Type: "Huyện", Parent: "20", Level: planwatch.LevelDistrict, ValidFrom: dayStart, ValidTo: dayReform},
		{Code: "05977", Name: "Hợp Thành", FullName: "Xã Hợp Thành", Type: "Xã", Parent: "178", Level: planwatch.LevelCommune, ValidFrom: dayStart, ValidTo: dayReform},
		{Code: "06000", Name: "Đồng Đăng", FullName: "Thị trấn Đồng Đăng", Type: "Thị trấn", Parent: "178", Level: planwatch.LevelCommune, ValidFrom: dayStart, ValidTo: dayReform},
		{Code: "06000", Name: "Đồng Đăng", FullName: "Xã Đồng Đăng", Type: "Xã", Parent: "20", Level: planwatch.LevelCommune, ValidFrom: dayReform},
	}
	fixtureTransitions = []planwatch.Transition{
		{Old: "05977", New: "06000", Full: true, Basis: "1654/NQ-UBTVQH15", Date: dayReform},
		{Old: "06000", New: "06000", Full: true, Basis: "1654/NQ-UBTVQH15", Date: dayReform},
	}
)

func fixture(t *testing.T, ctx context.Context, s planwatch.Store) {
	t.Helper()
	if err := s.SaveIndicators(ctx, fixtureIndicators, "test"); err != nil {
		t.Fatalf("SaveIndicators: %v", err)
	}
	if err := s.SaveOrgUnits(ctx, fixtureUnits, fixtureTransitions, "test"); err != nil {
		t.Fatalf("SaveOrgUnits: %v", err)
	}
}

// value builds a period-basis value.
func value(ind, unit, period string, vin planwatch.Vintage, v float64) planwatch.DataValue {
	return planwatch.DataValue{
		Key:   planwatch.Key{Indicator: ind, Unit: unit, Period: planwatch.MustPeriod(period)},
		Basis: planwatch.BasisPeriod, Vintage: vin, Value: planwatch.Float(v),
		Source: planwatch.Source{Kind: planwatch.SourceForm, Ref: "test"},
	}
}

func apply(t *testing.T, ctx context.Context, s planwatch.Store, cs *planwatch.ChangeSet) planwatch.ApplyResult {
	t.Helper()
	if cs.By == "" {
		cs.By = "tester"
	}
	res, err := s.Apply(ctx, cs)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	return res
}

func values(t *testing.T, ctx context.Context, s planwatch.Store, q planwatch.ValueQuery) []planwatch.DataValue {
	t.Helper()
	vs, err := s.Values(ctx, q)
	if err != nil {
		t.Fatalf("Values: %v", err)
	}
	return vs
}

func revisions(t *testing.T, ctx context.Context, s planwatch.Store, k planwatch.Key) []planwatch.DataValue {
	t.Helper()
	vs, err := s.Revisions(ctx, k)
	if err != nil {
		t.Fatalf("Revisions: %v", err)
	}
	return vs
}

func audit(t *testing.T, ctx context.Context, s planwatch.Store, q planwatch.AuditQuery) []planwatch.AuditEntry {
	t.Helper()
	es, err := s.Audit(ctx, q)
	if err != nil {
		t.Fatalf("Audit: %v", err)
	}
	return es
}

// invalidErr asserts that err is an EINVALID *planwatch.Error and returns it.
func invalidErr(t *testing.T, err error) *planwatch.Error {
	t.Helper()
	var e *planwatch.Error
	if !errors.As(err, &e) || e.Code != planwatch.EINVALID {
		t.Fatalf("error = %v, want EINVALID *planwatch.Error", err)
	}
	return e
}

func hasProblem(ps []planwatch.Problem, row int, column string) bool {
	for _, p := range ps {
		if p.Row == row && p.Column == column {
			return true
		}
	}
	return false
}

func f64(p *float64) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(*p)
}

// figure describes the stored content of a value, for comparisons.
func figure(v planwatch.DataValue) string {
	return fmt.Sprintf("%s %s %s r%d value=%s yoy=%s plan=%s ref=%s deleted=%v comment=%q source=%+v by=%s",
		v.Key, v.Basis, v.Vintage, v.Revision, f64(v.Value), f64(v.YoY), f64(v.PlanPct), f64(v.VsRef), v.Deleted, v.Comment, v.Source, v.By)
}

func testIndicators(t *testing.T, ctx context.Context, s planwatch.Store) {
	// Saved out of order; listed by code.
	in := slices.Clone(fixtureIndicators)
	slices.Reverse(in)
	if err := s.SaveIndicators(ctx, in, "test"); err != nil {
		t.Fatal(err)
	}
	got, err := s.Indicators(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := slices.Clone(fixtureIndicators)
	slices.SortFunc(want, func(a, b planwatch.Indicator) int { return strings.Compare(a.Code, b.Code) })
	if !slices.Equal(got, want) {
		t.Fatalf("Indicators:\n got %+v\nwant %+v", got, want)
	}
	// Replace by code.
	changed := fixtureIndicators[0]
	changed.NameEN, changed.Decimals = "Retail sales of goods and services", 2
	// The fields other parts give meaning to are stored as given.
	// (A derived indicator is not broken down: the category goes on another.)
	changed.Formula, changed.Retired = "bank.deposits / 2", true // (its own code would be a cycle, refused)
	split := fixtureIndicators[1]
	split.Category = "ownership"
	if err := s.SaveIndicators(ctx, []planwatch.Indicator{changed, split}, "test"); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Indicators(ctx)
	if len(got) != len(fixtureIndicators) {
		t.Fatalf("after replace: %d indicators, want %d", len(got), len(fixtureIndicators))
	}
	for _, want := range []planwatch.Indicator{changed, split} {
		i := slices.IndexFunc(got, func(ind planwatch.Indicator) bool { return ind.Code == want.Code })
		if i < 0 || got[i] != want {
			t.Errorf("replaced indicator %s = %+v, want %+v", want.Code, got, want)
		}
	}
	// An invalid indicator (a stock summed over time) rejects the whole batch.
	bad := planwatch.Indicator{Code: "bad.stock", NameVI: "Sai", Kind: planwatch.KindStock, TimeAgg: planwatch.TimeSum,
		UnitAgg: planwatch.UnitSum, Direction: planwatch.HigherIsBetter}
	good := planwatch.Indicator{Code: "good.flow", NameVI: "Đúng", Kind: planwatch.KindFlow, TimeAgg: planwatch.TimeSum,
		UnitAgg: planwatch.UnitSum, Direction: planwatch.HigherIsBetter}
	e := invalidErr(t, s.SaveIndicators(ctx, []planwatch.Indicator{good, bad}, "test"))
	if !hasProblem(e.Problems, 2, "aggregation") {
		t.Errorf("problems %v: want row 2, column aggregation", e.Problems)
	}
	got, _ = s.Indicators(ctx)
	if len(got) != len(fixtureIndicators) {
		t.Errorf("a rejected batch stored something: %d indicators", len(got))
	}
}

func testOrgUnits(t *testing.T, ctx context.Context, s planwatch.Store) {
	fixture(t, ctx, s)
	units, err := s.OrgUnits(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(units) != len(fixtureUnits) {
		t.Fatalf("OrgUnits: %d versions, want %d", len(units), len(fixtureUnits))
	}
	for _, want := range fixtureUnits {
		i := slices.IndexFunc(units, func(u planwatch.OrgUnit) bool {
			return u.Code == want.Code && u.ValidFrom.Equal(want.ValidFrom)
		})
		if i < 0 {
			t.Errorf("version %s from %s missing", want.Code, want.ValidFrom.Format(time.DateOnly))
			continue
		}
		got := units[i]
		if got.Name != want.Name || got.FullName != want.FullName || got.Type != want.Type || got.NameEN != want.NameEN ||
			got.Parent != want.Parent || got.Level != want.Level || !got.ValidTo.Equal(want.ValidTo) {
			t.Errorf("version %s:\n got %+v\nwant %+v", want.Code, got, want)
		}
	}
	h := planwatch.NewHierarchy(units, nil)
	if u, ok := h.At("06000", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)); !ok || u.Parent != "178" {
		t.Errorf("06000 in 2024 = %+v, %v; want parent 178", u, ok)
	}
	if u, ok := h.At("06000", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); !ok || u.Parent != "20" {
		t.Errorf("06000 in 2026 = %+v, %v; want parent 20", u, ok)
	}
	trans, err := s.Transitions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(trans) != len(fixtureTransitions) {
		t.Fatalf("Transitions: %d, want %d", len(trans), len(fixtureTransitions))
	}
	for _, want := range fixtureTransitions {
		if !slices.ContainsFunc(trans, func(tr planwatch.Transition) bool {
			return tr.Old == want.Old && tr.New == want.New && tr.Full == want.Full && tr.Basis == want.Basis &&
				tr.Date.Equal(want.Date) && tr.Weight == want.Weight
		}) {
			t.Errorf("transition %+v missing from %+v", want, trans)
		}
	}
	// Saving again replaces by key: a renamed version, a weighted transition.
	renamed := fixtureUnits[1]
	renamed.Name = "Cao Lộc (đổi tên)"
	tr := fixtureTransitions[0]
	tr.Full, tr.Weight = false, 0.4
	if err := s.SaveOrgUnits(ctx, []planwatch.OrgUnit{renamed}, []planwatch.Transition{tr}, "test"); err != nil {
		t.Fatal(err)
	}
	units, _ = s.OrgUnits(ctx)
	trans, _ = s.Transitions(ctx)
	if len(units) != len(fixtureUnits) || len(trans) != len(fixtureTransitions) {
		t.Fatalf("after replace: %d versions, %d transitions; want %d, %d", len(units), len(trans), len(fixtureUnits), len(fixtureTransitions))
	}
	if !slices.ContainsFunc(units, func(u planwatch.OrgUnit) bool { return u.Code == "178" && u.Name == renamed.Name }) {
		t.Errorf("unit 178 not renamed: %+v", units)
	}
	if !slices.ContainsFunc(trans, func(x planwatch.Transition) bool {
		return x.Old == tr.Old && x.New == tr.New && !x.Full && x.Weight == 0.4
	}) {
		t.Errorf("transition not replaced: %+v", trans)
	}
}

func testApplyAllOrNothing(t *testing.T, ctx context.Context, s planwatch.Store) {
	fixture(t, ctx, s)
	var vs []planwatch.DataValue
	for i := range 1000 {
		vs = append(vs, value("trade.retail", "20", fmt.Sprintf("%04d%02d", 1900+i/12, i%12+1), planwatch.Official, float64(i)))
	}
	vs[499].Unit = "99999" // row 500: unknown unit
	cs := &planwatch.ChangeSet{By: "tester", Values: vs,
		Targets: []planwatch.Target{{Indicator: "trade.retail", Unit: "20", Year: 2022, Kind: planwatch.TargetPlan, Value: 1e12}},
		Notes:   []planwatch.Note{{Unit: "20", Period: planwatch.MustPeriod("2022Q1"), Text: "ghi chú"}},
	}
	_, err := s.Apply(ctx, cs)
	e := invalidErr(t, err)
	if len(e.Problems) != 1 || !hasProblem(e.Problems, 500, "orgunit") || e.Problems[0].Value != "99999" {
		t.Errorf("problems = %v; want exactly row 500, column orgunit, value 99999", e.Problems)
	}
	if !strings.Contains(e.Error(), "500") {
		t.Errorf("message %q does not name the row", e.Error())
	}
	if got := values(t, ctx, s, planwatch.ValueQuery{}); len(got) != 0 {
		t.Errorf("a rejected change set stored %d values", len(got))
	}
	if got, _ := s.Targets(ctx, planwatch.TargetQuery{}); len(got) != 0 {
		t.Errorf("a rejected change set stored %d targets", len(got))
	}
	if got, _ := s.Notes(ctx, "20", planwatch.MustPeriod("2022")); len(got) != 0 {
		t.Errorf("a rejected change set stored %d notes", len(got))
	}
	if got := audit(t, ctx, s, planwatch.AuditQuery{Action: "value."}); len(got) != 0 {
		t.Errorf("a rejected change set wrote %d audit entries", len(got))
	}
	if cs.Values[0].Revision != 0 || cs.Values[0].At != (time.Time{}) {
		t.Errorf("Apply modified the caller's values: %+v", cs.Values[0])
	}
	// Fixed, the same change set goes through whole.
	vs[499].Unit = "20"
	res := apply(t, ctx, s, cs)
	if want := (planwatch.ApplyResult{Imported: 1002}); res != want {
		t.Errorf("result = %+v, want %+v", res, want)
	}
	if got := values(t, ctx, s, planwatch.ValueQuery{}); len(got) != 1000 {
		t.Errorf("%d values stored, want 1000", len(got))
	}
}

func testApplyProblemRows(t *testing.T, ctx context.Context, s planwatch.Store) {
	fixture(t, ctx, s)
	good := value("trade.retail", "20", "202201", planwatch.Official, 1)
	badInd := value("nope.nope", "20", "202202", planwatch.Official, 1)
	badBasis := value("trade.retail", "20", "202203", planwatch.Official, 1)
	badBasis.Basis = "weekly"
	badBasis.Source.Row = 42 // a file's line number wins over the index
	noValue := value("trade.retail", "20", "202204", planwatch.Official, 1)
	noValue.Value = nil
	badVintage := value("trade.retail", "20", "202205", planwatch.Official, 1)
	badVintage.Vintage = 9
	noPeriod := value("trade.retail", "20", "202206", planwatch.Official, 1)
	noPeriod.Period = planwatch.Period{}
	badTarget := planwatch.Target{Indicator: "trade.retail", Unit: "nowhere", Year: 2022, Kind: "XX", Value: 1}
	_, err := s.Apply(ctx, &planwatch.ChangeSet{By: "tester",
		Values:  []planwatch.DataValue{good, badInd, badBasis, noValue, badVintage, noPeriod},
		Targets: []planwatch.Target{badTarget},
	})
	e := invalidErr(t, err)
	for _, want := range []struct {
		row    int
		column string
	}{{2, "indicator"}, {42, "basis"}, {4, "value"}, {5, "vintage"}, {6, "period"}, {1, "unit"}, {1, "kind"}} {
		if !hasProblem(e.Problems, want.row, want.column) {
			t.Errorf("no problem for row %d, column %q in %v", want.row, want.column, e.Problems)
		}
	}
	for _, p := range e.Problems {
		if p.Reason == "" {
			t.Errorf("problem without a reason: %+v", p)
		}
	}
	if got := values(t, ctx, s, planwatch.ValueQuery{}); len(got) != 0 {
		t.Errorf("stored %d values despite problems", len(got))
	}
}

func testApplyValidation(t *testing.T, ctx context.Context, s planwatch.Store) {
	fixture(t, ctx, s)
	if _, err := s.Apply(ctx, nil); planwatch.ErrorCode(err) != planwatch.EINVALID {
		t.Errorf("Apply(nil) = %v, want EINVALID", err)
	}
	// An empty change set is valid and does nothing.
	if res := apply(t, ctx, s, &planwatch.ChangeSet{}); res != (planwatch.ApplyResult{}) {
		t.Errorf("empty change set: %+v", res)
	}
	// A comparison alone is a value (index and growth-only statements).
	growthOnly := value("price.cpi", "20", "2022Q1", planwatch.Estimate, 0)
	growthOnly.Value, growthOnly.YoY = nil, planwatch.Float(1.8)
	if res := apply(t, ctx, s, &planwatch.ChangeSet{Values: []planwatch.DataValue{growthOnly}}); res.Imported != 1 {
		t.Errorf("growth-only value: %+v", res)
	}
	cases := []struct {
		name   string
		cs     planwatch.ChangeSet
		column string
	}{
		{"task status", planwatch.ChangeSet{Tasks: []planwatch.Task{{Unit: "20", Text: "x", Due: planwatch.MustPeriod("2022Q2"), Status: "later"}}}, "task.status"},
		{"task indicator", planwatch.ChangeSet{Tasks: []planwatch.Task{{Unit: "20", Text: "x", Due: planwatch.MustPeriod("2022Q2"), Indicators: []string{"nope"}}}}, "task.indicators"},
		{"task unknown id", planwatch.ChangeSet{Tasks: []planwatch.Task{{ID: 999, Unit: "20", Text: "x", Due: planwatch.MustPeriod("2022Q2")}}}, "task.id"},
		{"note text", planwatch.ChangeSet{Notes: []planwatch.Note{{Unit: "20", Period: planwatch.MustPeriod("2022Q1")}}}, "note.text"},
		{"note unknown id", planwatch.ChangeSet{Notes: []planwatch.Note{{ID: 999, Unit: "20", Period: planwatch.MustPeriod("2022Q1"), Text: "x"}}}, "note.id"},
		{"milestone bound", planwatch.ChangeSet{Milestones: []planwatch.Milestone{{Indicator: "trade.retail", Unit: "20", Period: planwatch.MustPeriod("2022S1"), Share: 60, Bound: "around"}}}, "milestone.bound"},
		{"milestone unit", planwatch.ChangeSet{Milestones: []planwatch.Milestone{{Indicator: "trade.retail", Unit: "0", Period: planwatch.MustPeriod("2022S1"), Share: 60}}}, "milestone.unit"},
		{"target year", planwatch.ChangeSet{Targets: []planwatch.Target{{Indicator: "trade.retail", Unit: "20", Kind: planwatch.TargetPlan, Value: 1}}}, "year"},
		{"target indicator", planwatch.ChangeSet{Targets: []planwatch.Target{{Indicator: "x", Unit: "20", Year: 2022, Kind: planwatch.TargetPlan, Value: 1}}}, "indicator"},
	}
	for _, c := range cases {
		c.cs.By = "tester"
		_, err := s.Apply(ctx, &c.cs)
		if planwatch.ErrorCode(err) != planwatch.EINVALID {
			t.Errorf("%s: error %v, want EINVALID", c.name, err)
			continue
		}
		e := invalidErr(t, err)
		if !hasProblem(e.Problems, 1, c.column) {
			t.Errorf("%s: problems %v, want row 1 column %q", c.name, e.Problems, c.column)
		}
	}
}

// testRevisions checks the current-value rule: the latest revision of the
// most final vintage.
func testRevisions(t *testing.T, ctx context.Context, s planwatch.Store) {
	fixture(t, ctx, s)
	k := planwatch.Key{Indicator: "trade.retail", Unit: "20", Period: planwatch.MustPeriod("2022Q1")}
	steps := []struct {
		v    planwatch.DataValue
		want planwatch.ApplyResult
		cur  float64
	}{
		{value("trade.retail", "20", "2022Q1", planwatch.Estimate, 100), planwatch.ApplyResult{Imported: 1}, 100},
		{value("trade.retail", "20", "2022Q1", planwatch.Official, 120), planwatch.ApplyResult{Updated: 1}, 120},
		{value("trade.retail", "20", "2022Q1", planwatch.Estimate, 110), planwatch.ApplyResult{Updated: 1}, 120}, // a late estimate does not displace the official figure
		{value("trade.retail", "20", "2022Q1", planwatch.Preliminary, 115), planwatch.ApplyResult{Updated: 1}, 120},
		{value("trade.retail", "20", "2022Q1", planwatch.Official, 121), planwatch.ApplyResult{Updated: 1}, 121},
	}
	for i, st := range steps {
		if res := apply(t, ctx, s, &planwatch.ChangeSet{Values: []planwatch.DataValue{st.v}}); res != st.want {
			t.Errorf("step %d: result %+v, want %+v", i+1, res, st.want)
		}
		cur := values(t, ctx, s, planwatch.ValueQuery{})
		if len(cur) != 1 || cur[0].Value == nil || *cur[0].Value != st.cur {
			t.Fatalf("step %d: current = %v, want one value %v", i+1, cur, st.cur)
		}
	}
	revs := revisions(t, ctx, s, k)
	type rv struct {
		vin planwatch.Vintage
		rev int
		val float64
	}
	want := []rv{{planwatch.Estimate, 1, 100}, {planwatch.Official, 1, 120}, {planwatch.Estimate, 2, 110}, {planwatch.Preliminary, 1, 115}, {planwatch.Official, 2, 121}}
	if len(revs) != len(want) {
		t.Fatalf("%d revisions, want %d: %v", len(revs), len(want), revs)
	}
	for i, w := range want {
		r := revs[i]
		if r.Vintage != w.vin || r.Revision != w.rev || r.Value == nil || *r.Value != w.val || r.Key != k {
			t.Errorf("revision %d = %s, want %v", i, figure(r), w)
		}
		if r.By != "tester" || r.At.IsZero() {
			t.Errorf("revision %d: by %q at %v; want the change set's author and a time", i, r.By, r.At)
		}
	}
	// The store's choice agrees with the domain's rule.
	cur := values(t, ctx, s, planwatch.ValueQuery{})
	if dc, ok := planwatch.Current(revs); !ok || figure(dc) != figure(cur[0]) {
		t.Errorf("store current %s, planwatch.Current %s", figure(cur[0]), figure(dc))
	}
}

func testWithdraw(t *testing.T, ctx context.Context, s planwatch.Store) {
	fixture(t, ctx, s)
	k := planwatch.Key{Indicator: "bank.deposits", Unit: "20", Period: planwatch.MustPeriod("202203")}
	est := value("bank.deposits", "20", "202203", planwatch.Estimate, 50)
	off := value("bank.deposits", "20", "202203", planwatch.Official, 55)
	apply(t, ctx, s, &planwatch.ChangeSet{Values: []planwatch.DataValue{est, off}})
	del := func(vin planwatch.Vintage) planwatch.DataValue {
		return planwatch.DataValue{Key: k, Basis: planwatch.BasisPeriod, Vintage: vin, Deleted: true}
	}
	// Withdrawing the official figure falls back to the estimate.
	if res := apply(t, ctx, s, &planwatch.ChangeSet{Values: []planwatch.DataValue{del(planwatch.Official)}}); res != (planwatch.ApplyResult{Deleted: 1}) {
		t.Errorf("withdraw official: %+v", res)
	}
	cur := values(t, ctx, s, planwatch.ValueQuery{})
	if len(cur) != 1 || cur[0].Vintage != planwatch.Estimate || *cur[0].Value != 50 {
		t.Fatalf("after withdrawing official: %v, want the estimate 50", cur)
	}
	// Withdrawing what is not there does nothing.
	if res := apply(t, ctx, s, &planwatch.ChangeSet{Values: []planwatch.DataValue{del(planwatch.Official), del(planwatch.Preliminary)}}); res != (planwatch.ApplyResult{Ignored: 2}) {
		t.Errorf("withdraw again: %+v", res)
	}
	// Withdrawing the estimate leaves nothing current; the history stays.
	apply(t, ctx, s, &planwatch.ChangeSet{Values: []planwatch.DataValue{del(planwatch.Estimate)}})
	if cur := values(t, ctx, s, planwatch.ValueQuery{}); len(cur) != 0 {
		t.Errorf("after withdrawing everything: %v", cur)
	}
	revs := revisions(t, ctx, s, k)
	if len(revs) != 4 || !revs[2].Deleted || revs[2].Revision != 2 || !revs[3].Deleted {
		t.Errorf("revisions after withdrawals: %v", revs)
	}
	// A new figure after a withdrawal is a new value again.
	again := value("bank.deposits", "20", "202203", planwatch.Official, 55)
	if res := apply(t, ctx, s, &planwatch.ChangeSet{Values: []planwatch.DataValue{again}}); res != (planwatch.ApplyResult{Imported: 1}) {
		t.Errorf("re-entered after withdrawal: %+v", res)
	}
	cur = values(t, ctx, s, planwatch.ValueQuery{})
	if len(cur) != 1 || cur[0].Revision != 3 || *cur[0].Value != 55 {
		t.Errorf("re-entered: %v, want official revision 3", cur)
	}
}

func testIgnored(t *testing.T, ctx context.Context, s planwatch.Store) {
	fixture(t, ctx, s)
	a := value("trade.retail", "20", "202201", planwatch.Estimate, 10)
	b := value("trade.retail", "20", "202202", planwatch.Estimate, 20)
	apply(t, ctx, s, &planwatch.ChangeSet{Values: []planwatch.DataValue{a, b}})
	before := len(audit(t, ctx, s, planwatch.AuditQuery{}))
	// The same figures again, from another file: nothing new.
	a2, b2 := a, b
	a2.Source.Ref, b2.Source.Ref = "other.csv", "other.csv"
	b3 := b
	b3.Value = planwatch.Float(21)
	res := apply(t, ctx, s, &planwatch.ChangeSet{Values: []planwatch.DataValue{a2, b2, b3, b3}})
	if want := (planwatch.ApplyResult{Ignored: 3, Updated: 1}); res != want {
		t.Errorf("result %+v, want %+v", res, want)
	}
	if n := len(revisions(t, ctx, s, a.Key)); n != 1 {
		t.Errorf("unchanged value got a new revision: %d revisions", n)
	}
	if n := len(revisions(t, ctx, s, b.Key)); n != 2 {
		t.Errorf("%d revisions of b, want 2", n)
	}
	// One entry for the change set, one for the one value it changed.
	if after := len(audit(t, ctx, s, planwatch.AuditQuery{})); after != before+2 {
		t.Errorf("%d audit entries added, want 2", after-before)
	}
	// A different vintage with the same figure is not the same value.
	off := value("trade.retail", "20", "202201", planwatch.Official, 10)
	if res := apply(t, ctx, s, &planwatch.ChangeSet{Values: []planwatch.DataValue{off}}); res != (planwatch.ApplyResult{Updated: 1}) {
		t.Errorf("same figure, official: %+v", res)
	}
	// Nor is a changed comparison or basis.
	withYoY := off
	withYoY.YoY = planwatch.Float(7.35)
	cum := withYoY
	cum.Basis = planwatch.BasisCumulative
	if res := apply(t, ctx, s, &planwatch.ChangeSet{Values: []planwatch.DataValue{withYoY, cum}}); res != (planwatch.ApplyResult{Updated: 2}) {
		t.Errorf("changed comparison and basis: %+v", res)
	}
}

// testKeepUnsaid: a change set that keeps what its values do not say
// (ChangeSet.Keep) takes the comment and comparisons from the current value
// of each key and vintage, changes nothing when only those differ, and
// takes nothing from another vintage nor from a withdrawn value.
func testKeepUnsaid(t *testing.T, ctx context.Context, s planwatch.Store) {
	fixture(t, ctx, s)
	keep := planwatch.KeepComment | planwatch.KeepYoY | planwatch.KeepPlanPct | planwatch.KeepVsRef
	a := value("trade.retail", "20", "202201", planwatch.Official, 10)
	a.Comment, a.YoY, a.PlanPct = "đo lại", planwatch.Float(4.5), planwatch.Float(80)
	est := value("trade.retail", "20", "202202", planwatch.Estimate, 20)
	est.Comment = "ước"
	gone := value("trade.retail", "20", "202203", planwatch.Official, 30)
	gone.Comment = "rút"
	apply(t, ctx, s, &planwatch.ChangeSet{Values: []planwatch.DataValue{a, est, gone}})
	w := gone
	w.Deleted, w.Value, w.Comment = true, nil, ""
	apply(t, ctx, s, &planwatch.ChangeSet{Values: []planwatch.DataValue{w}})

	// The same figure saying nothing else: nothing new.
	same := value("trade.retail", "20", "202201", planwatch.Official, 10)
	if res := apply(t, ctx, s, &planwatch.ChangeSet{Values: []planwatch.DataValue{same}, Keep: keep}); res != (planwatch.ApplyResult{Ignored: 1}) {
		t.Errorf("same figure, kept comment and comparisons: %+v", res)
	}
	// A new figure keeps them; the official figure of the estimated key and
	// the withdrawn key take nothing.
	a2 := value("trade.retail", "20", "202201", planwatch.Official, 11)
	a2.VsRef = planwatch.Float(3) // said: not kept, though the flag says keep
	off := value("trade.retail", "20", "202202", planwatch.Official, 21)
	back := value("trade.retail", "20", "202203", planwatch.Official, 31)
	res := apply(t, ctx, s, &planwatch.ChangeSet{Values: []planwatch.DataValue{a2, off, back}, Keep: keep &^ planwatch.KeepVsRef})
	if res != (planwatch.ApplyResult{Updated: 2, Imported: 1}) {
		t.Errorf("result %+v", res)
	}
	got := map[string]planwatch.DataValue{}
	for _, v := range values(t, ctx, s, planwatch.ValueQuery{Indicators: []string{"trade.retail"}, Units: []string{"20"}}) {
		got[v.Period.ID()] = v
	}
	if v := got["202201"]; f64(v.Value) != "11" || v.Comment != "đo lại" || f64(v.YoY) != "4.5" || f64(v.PlanPct) != "80" || f64(v.VsRef) != "3" {
		t.Errorf("kept: %s comment %q", figure(v), v.Comment)
	}
	if v := got["202202"]; f64(v.Value) != "21" || v.Comment != "" {
		t.Errorf("another vintage: %s comment %q", figure(v), v.Comment)
	}
	if v := got["202203"]; f64(v.Value) != "31" || v.Comment != "" {
		t.Errorf("after a withdrawal: %s comment %q", figure(v), v.Comment)
	}
	// Without Keep, what a value does not say is empty.
	a3 := value("trade.retail", "20", "202201", planwatch.Official, 11)
	apply(t, ctx, s, &planwatch.ChangeSet{Values: []planwatch.DataValue{a3}})
	if v := values(t, ctx, s, planwatch.ValueQuery{Indicators: []string{"trade.retail"}, Units: []string{"20"}, FromMonth: 202201, ToMonth: 202201}); len(v) != 1 || v[0].Comment != "" || v[0].YoY != nil {
		t.Errorf("without Keep: %+v", v)
	}
}

func testDryRun(t *testing.T, ctx context.Context, s planwatch.Store) {
	fixture(t, ctx, s)
	apply(t, ctx, s, &planwatch.ChangeSet{Values: []planwatch.DataValue{value("trade.retail", "20", "202201", planwatch.Estimate, 10)}})
	before := len(audit(t, ctx, s, planwatch.AuditQuery{}))
	cs := &planwatch.ChangeSet{DryRun: true, Values: []planwatch.DataValue{
		value("trade.retail", "20", "202201", planwatch.Estimate, 10),
		value("trade.retail", "20", "202201", planwatch.Estimate, 11),
		value("trade.retail", "20", "202202", planwatch.Estimate, 12),
	}, Targets: []planwatch.Target{{Indicator: "trade.retail", Unit: "20", Year: 2022, Kind: planwatch.TargetPlan, Value: 5}}}
	res := apply(t, ctx, s, cs)
	if want := (planwatch.ApplyResult{Ignored: 1, Updated: 1, Imported: 2}); res != want {
		t.Errorf("dry run: %+v, want %+v", res, want)
	}
	if got := values(t, ctx, s, planwatch.ValueQuery{}); len(got) != 1 || *got[0].Value != 10 {
		t.Errorf("dry run stored values: %v", got)
	}
	if got, _ := s.Targets(ctx, planwatch.TargetQuery{}); len(got) != 0 {
		t.Errorf("dry run stored targets: %v", got)
	}
	if after := len(audit(t, ctx, s, planwatch.AuditQuery{})); after != before {
		t.Errorf("dry run wrote %d audit entries", after-before)
	}
	// A dry run reports problems like a real one.
	cs.Values[0].Unit = "nope"
	_, err := s.Apply(ctx, cs)
	if e := invalidErr(t, err); !hasProblem(e.Problems, 1, "orgunit") {
		t.Errorf("dry run problems: %v", e.Problems)
	}
}

func testValueRoundTrip(t *testing.T, ctx context.Context, s planwatch.Store) {
	fixture(t, ctx, s)
	full := planwatch.DataValue{
		Key:   planwatch.Key{Indicator: "trade.retail", Unit: "05977", Period: planwatch.MustPeriod("2022Q1-Q3")},
		Basis: planwatch.BasisCumulative, Vintage: planwatch.Preliminary,
		Value: planwatch.Float(5953e9), YoY: planwatch.Float(7.35), PlanPct: planwatch.Float(26.3), VsRef: planwatch.Float(-1.8),
		Comment: "ước tính, chưa gồm hộ kinh doanh",
		Source: planwatch.Source{Kind: planwatch.SourceDocument, Ref: "Báo cáo 123/BC-UBND", Row: 0,
			Sentence: "Tổng mức bán lẻ hàng hóa ước đạt 5.953 tỷ đồng", Formula: ""},
		By: "nguyen.van.a",
	}
	derived := planwatch.DataValue{
		Key:   planwatch.Key{Indicator: "trade.retail", Unit: "20", Period: planwatch.MustPeriod("202201-202204")},
		Basis: planwatch.BasisPeriod, Vintage: planwatch.Official, Value: planwatch.Float(0),
		Source: planwatch.Source{Kind: planwatch.SourceDerived, Formula: "a / (1 + g)", Ref: "seed", Row: 7},
	}
	half := value("bank.deposits", "06000", "2022S1", planwatch.Official, 3.5)
	year := value("bank.deposits", "06000", "2021", planwatch.Official, 3)
	at := time.Date(2022, 4, 5, 6, 7, 8, 9, time.UTC)
	year.At = at
	apply(t, ctx, s, &planwatch.ChangeSet{By: "importer", From: "10.0.0.1", Values: []planwatch.DataValue{full, derived, half, year}})
	got := values(t, ctx, s, planwatch.ValueQuery{})
	if len(got) != 4 {
		t.Fatalf("%d values, want 4", len(got))
	}
	find := func(k planwatch.Key) planwatch.DataValue {
		for _, v := range got {
			if v.Key == k {
				return v
			}
		}
		t.Fatalf("key %s missing from %v", k, got)
		return planwatch.DataValue{}
	}
	for _, want := range []planwatch.DataValue{full, derived, half, year} {
		v := find(want.Key)
		want.Revision = 1
		if want.By == "" {
			want.By = "importer"
		}
		if figure(v) != figure(want) {
			t.Errorf("round trip:\n got %s\nwant %s", figure(v), figure(want))
		}
		if v.Period.ID() != want.Period.ID() || v.Period.Type != want.Period.Type {
			t.Errorf("period %s came back as %s", want.Period.ID(), v.Period.ID())
		}
	}
	if v := find(year.Key); !v.At.Equal(at) {
		t.Errorf("a given time is kept: %v, want %v", v.At, at)
	}
	if v := find(half.Key); v.At.IsZero() {
		t.Errorf("no time recorded")
	}
}

func testPeriodRange(t *testing.T, ctx context.Context, s planwatch.Store) {
	fixture(t, ctx, s)
	var vs []planwatch.DataValue
	for m := 1; m <= 12; m++ {
		vs = append(vs, value("trade.retail", "20", fmt.Sprintf("2022%02d", m), planwatch.Official, float64(m)))
	}
	for _, p := range []string{"2021Q4", "2022Q1", "2022Q2", "2022S1", "2022Q1-Q3", "2022", "2023Q1"} {
		vs = append(vs, value("trade.retail", "20", p, planwatch.Official, 100))
	}
	vs = append(vs, value("bank.deposits", "20", "202205", planwatch.Official, 1), value("trade.retail", "178", "202205", planwatch.Official, 1))
	apply(t, ctx, s, &planwatch.ChangeSet{Values: vs})
	ids := func(q planwatch.ValueQuery) []string {
		var out []string
		for _, v := range values(t, ctx, s, q) {
			out = append(out, v.Key.String())
		}
		slices.Sort(out)
		return out
	}
	cases := []struct {
		q    planwatch.ValueQuery
		want []string
	}{
		{planwatch.ValueQuery{Indicators: []string{"trade.retail"}, Units: []string{"20"}, FromMonth: 202204, ToMonth: 202206},
			[]string{"trade.retail/20/202204", "trade.retail/20/202205", "trade.retail/20/202206", "trade.retail/20/2022Q2"}},
		{planwatch.ValueQuery{Indicators: []string{"trade.retail"}, Units: []string{"20"}, FromMonth: 202201, ToMonth: 202203},
			[]string{"trade.retail/20/202201", "trade.retail/20/202202", "trade.retail/20/202203", "trade.retail/20/2022Q1"}},
		{planwatch.ValueQuery{FromMonth: 202210},
			[]string{"trade.retail/20/202210", "trade.retail/20/202211", "trade.retail/20/202212", "trade.retail/20/2023Q1"}},
		{planwatch.ValueQuery{ToMonth: 202112}, []string{"trade.retail/20/2021Q4"}},
		{planwatch.ValueQuery{Indicators: []string{"trade.retail"}, Units: []string{"20"}, FromMonth: 202201, ToMonth: 202212}, nil}, // filled below
		{planwatch.ValueQuery{FromMonth: 202205, ToMonth: 202205},
			[]string{"bank.deposits/20/202205", "trade.retail/178/202205", "trade.retail/20/202205"}},
		{planwatch.ValueQuery{Units: []string{"178", "nowhere"}}, []string{"trade.retail/178/202205"}},
		{planwatch.ValueQuery{Indicators: []string{"bank.deposits", "price.cpi"}}, []string{"bank.deposits/20/202205"}},
	}
	for m := 1; m <= 12; m++ {
		cases[4].want = append(cases[4].want, fmt.Sprintf("trade.retail/20/2022%02d", m))
	}
	cases[4].want = append(cases[4].want, "trade.retail/20/2022", "trade.retail/20/2022Q1", "trade.retail/20/2022Q1-Q3", "trade.retail/20/2022Q2", "trade.retail/20/2022S1")
	slices.Sort(cases[4].want)
	for i, c := range cases {
		if got := ids(c.q); !slices.Equal(got, c.want) {
			t.Errorf("case %d %+v:\n got %v\nwant %v", i, c.q, got, c.want)
		}
	}
	// A limit stops the read at that many values of those selected.
	for _, limit := range []int{1, 5, 19, 20} {
		q := planwatch.ValueQuery{FromMonth: 202201, ToMonth: 202212, Limit: limit}
		if got := values(t, ctx, s, q); len(got) != min(limit, 19) {
			t.Errorf("limit %d: %d values, want %d", limit, len(got), min(limit, 19))
		}
	}
	// Periods keeps exactly those periods, and before the limit counts: the
	// year asked among its months, quarters and half-year is the one value
	// a limit of 1 returns.
	q := planwatch.ValueQuery{Indicators: []string{"trade.retail"}, Units: []string{"20"}, FromMonth: 202201, ToMonth: 202212,
		Periods: []planwatch.Period{planwatch.MustPeriod("2022")}, Limit: 1}
	if got := values(t, ctx, s, q); len(got) != 1 || got[0].Period.ID() != "2022" {
		t.Errorf("periods 2022, limit 1: %v, want the year's value alone", got)
	}
	q = planwatch.ValueQuery{Periods: []planwatch.Period{planwatch.MustPeriod("2022Q1"), planwatch.MustPeriod("202205")}}
	if got, want := ids(q), []string{"bank.deposits/20/202205", "trade.retail/178/202205", "trade.retail/20/202205", "trade.retail/20/2022Q1"}; !slices.Equal(got, want) {
		t.Errorf("periods 2022Q1 and 202205:\n got %v\nwant %v", got, want)
	}
	// Values come ordered by indicator, unit and period start.
	all := values(t, ctx, s, planwatch.ValueQuery{Indicators: []string{"trade.retail"}, Units: []string{"20"}})
	if !slices.IsSortedFunc(all, func(a, b planwatch.DataValue) int {
		return (a.Period.Year*100 + a.Period.First) - (b.Period.Year*100 + b.Period.First)
	}) {
		t.Errorf("values not ordered by period start")
	}
}

func testTargets(t *testing.T, ctx context.Context, s planwatch.Store) {
	fixture(t, ctx, s)
	plan := planwatch.Target{Indicator: "trade.retail", Unit: "20", Year: 2022, Kind: planwatch.TargetPlan, Value: 22600e9,
		Adopted: time.Date(2021, 12, 10, 0, 0, 0, 0, time.UTC),
		Source:  planwatch.Source{Kind: planwatch.SourceDocument, Ref: "NQ 45/NQ-HĐND", Sentence: "đạt 22.600 tỷ đồng"}}
	central := planwatch.Target{Indicator: "trade.retail", Unit: "20", Year: 2022, Kind: planwatch.TargetCentralEst, Value: 20000e9}
	other := planwatch.Target{Indicator: "bank.deposits", Unit: "178", Year: 2023, Kind: planwatch.TargetPlan, Value: 1}
	if res := apply(t, ctx, s, &planwatch.ChangeSet{Targets: []planwatch.Target{plan, central, other}}); res != (planwatch.ApplyResult{Imported: 3}) {
		t.Errorf("first targets: %+v", res)
	}
	adjusted := plan
	adjusted.Value, adjusted.Adjusted, adjusted.Adopted = 24000e9, true, time.Date(2022, 7, 15, 0, 0, 0, 0, time.UTC)
	if res := apply(t, ctx, s, &planwatch.ChangeSet{Targets: []planwatch.Target{plan, adjusted}}); res != (planwatch.ApplyResult{Ignored: 1, Updated: 1}) {
		t.Errorf("adjustment: %+v", res)
	}
	cur, err := s.Targets(ctx, planwatch.TargetQuery{Indicators: []string{"trade.retail"}, Units: []string{"20"}, Years: []int{2022}})
	if err != nil {
		t.Fatal(err)
	}
	if len(cur) != 2 {
		t.Fatalf("current targets: %+v", cur)
	}
	byKind := map[planwatch.TargetKind]planwatch.Target{}
	for _, c := range cur {
		byKind[c.Kind] = c
	}
	if p := byKind[planwatch.TargetPlan]; p.Version != 2 || p.Value != 24000e9 || !p.Adjusted || !p.Adopted.Equal(adjusted.Adopted) {
		t.Errorf("current plan = %+v, want version 2 adjusted", p)
	}
	if c := byKind[planwatch.TargetCentralEst]; c.Version != 1 || c.Value != 20000e9 || c.By != "tester" {
		t.Errorf("central estimate = %+v", c)
	}
	hist, err := s.TargetHistory(ctx, "trade.retail", "20")
	if err != nil {
		t.Fatal(err)
	}
	var plans []planwatch.Target
	for _, h := range hist {
		if h.Kind == planwatch.TargetPlan {
			plans = append(plans, h)
		}
	}
	if len(hist) != 3 || len(plans) != 2 || plans[0].Version != 1 || plans[1].Version != 2 || plans[0].Value != 22600e9 {
		t.Errorf("history = %+v", hist)
	}
	if p := plans[0]; p.Source != plan.Source || !p.Adopted.Equal(plan.Adopted) || p.Adjusted {
		t.Errorf("version 1 round trip: %+v, want %+v", p, plan)
	}
	// Filters.
	if got, _ := s.Targets(ctx, planwatch.TargetQuery{Years: []int{2023}}); len(got) != 1 || got[0].Unit != "178" {
		t.Errorf("by year: %+v", got)
	}
	if got, _ := s.Targets(ctx, planwatch.TargetQuery{}); len(got) != 3 {
		t.Errorf("all current targets: %d, want 3", len(got))
	}
	// An explicit version: the same again is ignored, another value conflicts.
	v2 := adjusted
	v2.Version = 2
	if res := apply(t, ctx, s, &planwatch.ChangeSet{Targets: []planwatch.Target{v2}}); res != (planwatch.ApplyResult{Ignored: 1}) {
		t.Errorf("same explicit version: %+v", res)
	}
	v2.Value = 1
	_, err = s.Apply(ctx, &planwatch.ChangeSet{By: "tester", Targets: []planwatch.Target{v2}})
	if e := invalidErr(t, err); !hasProblem(e.Problems, 1, "version") {
		t.Errorf("conflicting version: %v", e.Problems)
	}
	// A later explicit version becomes current.
	v5 := adjusted
	v5.Version, v5.Value = 5, 25000e9
	apply(t, ctx, s, &planwatch.ChangeSet{Targets: []planwatch.Target{v5}})
	cur, _ = s.Targets(ctx, planwatch.TargetQuery{Indicators: []string{"trade.retail"}, Years: []int{2022}})
	if !slices.ContainsFunc(cur, func(c planwatch.Target) bool {
		return c.Kind == planwatch.TargetPlan && c.Version == 5 && c.Value == 25000e9
	}) {
		t.Errorf("version 5 not current: %+v", cur)
	}
}

func testMilestones(t *testing.T, ctx context.Context, s planwatch.Store) {
	fixture(t, ctx, s)
	m := planwatch.Milestone{Indicator: "trade.retail", Unit: "20", Period: planwatch.MustPeriod("2022S1"), Share: 60,
		Bound: planwatch.BoundMin, TargetKind: planwatch.TargetPlan,
		Source: planwatch.Source{Kind: planwatch.SourceDocument, Sentence: "phấn đấu hết quý II/2022 đạt trên 60% kế hoạch"}}
	defaults := planwatch.Milestone{Indicator: "bank.deposits", Unit: "178", Period: planwatch.MustPeriod("2022Q1-Q3"), Share: 1}
	next := planwatch.Milestone{Indicator: "trade.retail", Unit: "20", Period: planwatch.MustPeriod("2023S1"), Share: 50, Bound: planwatch.BoundMax}
	if res := apply(t, ctx, s, &planwatch.ChangeSet{Milestones: []planwatch.Milestone{m, defaults, next}}); res != (planwatch.ApplyResult{Imported: 3}) {
		t.Errorf("milestones: %+v", res)
	}
	got, err := s.Milestones(ctx, "20", 2022)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("Milestones(20, 2022) = %+v", got)
	}
	g := got[0]
	if g.Indicator != m.Indicator || g.Unit != m.Unit || g.Period != m.Period || g.Share != 60 || g.Bound != planwatch.BoundMin ||
		g.TargetKind != planwatch.TargetPlan || g.Source != m.Source || g.By != "tester" || g.At.IsZero() {
		t.Errorf("round trip: %+v, want %+v", g, m)
	}
	all, _ := s.Milestones(ctx, "", 2022)
	if len(all) != 2 {
		t.Fatalf("Milestones(\"\", 2022) = %+v", all)
	}
	for _, a := range all {
		if a.Unit == "178" && (a.Bound != planwatch.BoundMin || a.TargetKind != planwatch.TargetPlan || a.Period.ID() != "2022Q1-Q3") {
			t.Errorf("defaults: %+v, want bound min, kind KH", a)
		}
	}
	// Setting again replaces; the same again is ignored.
	m.Share = 65
	if res := apply(t, ctx, s, &planwatch.ChangeSet{Milestones: []planwatch.Milestone{m, m}}); res != (planwatch.ApplyResult{Updated: 1, Ignored: 1}) {
		t.Errorf("replace milestone: %+v", res)
	}
	if got, _ := s.Milestones(ctx, "20", 2022); len(got) != 1 || got[0].Share != 65 {
		t.Errorf("after replace: %+v", got)
	}
}

func testNotes(t *testing.T, ctx context.Context, s planwatch.Store) {
	fixture(t, ctx, s)
	notes := []planwatch.Note{
		{Sector: "Thương mại", Unit: "20", Period: planwatch.MustPeriod("2022Q1"), Text: "Sức mua tăng dịp Tết."},
		{Sector: "Ngân hàng", Unit: "20", Period: planwatch.MustPeriod("202204"), Text: "Tín dụng tăng chậm."},
		{Sector: "Thương mại", Unit: "20", Period: planwatch.MustPeriod("2022Q3"), Text: "Sau kỳ."},
		{Sector: "Thương mại", Unit: "20", Period: planwatch.MustPeriod("2021Q1"), Text: "Năm trước."},
		{Sector: "Thương mại", Unit: "178", Period: planwatch.MustPeriod("2022Q1"), Text: "Đơn vị khác."},
	}
	if res := apply(t, ctx, s, &planwatch.ChangeSet{Notes: notes}); res != (planwatch.ApplyResult{Imported: 5}) {
		t.Errorf("notes: %+v", res)
	}
	got, err := s.Notes(ctx, "20", planwatch.MustPeriod("2022S1"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Text != notes[0].Text || got[1].Text != notes[1].Text {
		t.Fatalf("Notes(20, 2022S1) = %+v", got)
	}
	n := got[0]
	if n.ID == 0 || n.Sector != "Thương mại" || n.Period != notes[0].Period || n.By != "tester" || n.At.IsZero() {
		t.Errorf("note round trip: %+v", n)
	}
	// Editing by ID.
	n.Text = "Sức mua tăng mạnh dịp Tết Nguyên đán."
	if res := apply(t, ctx, s, &planwatch.ChangeSet{Notes: []planwatch.Note{n}}); res != (planwatch.ApplyResult{Updated: 1}) {
		t.Errorf("edit note: %+v", res)
	}
	got, _ = s.Notes(ctx, "20", planwatch.MustPeriod("2022Q1"))
	if len(got) != 1 || got[0].ID != n.ID || got[0].Text != n.Text {
		t.Errorf("after edit: %+v", got)
	}
	if es := audit(t, ctx, s, planwatch.AuditQuery{Action: "note.update"}); len(es) != 1 || !strings.Contains(es[0].Old, "dịp Tết.") || !strings.Contains(es[0].New, "Nguyên đán") {
		t.Errorf("note.update audit: %+v", es)
	}
}

func testTasks(t *testing.T, ctx context.Context, s planwatch.Store) {
	fixture(t, ctx, s)
	tasks := []planwatch.Task{
		{Unit: "20", Sector: "Thương mại", Text: "Đẩy mạnh kích cầu tiêu dùng", Owner: "Sở Công Thương",
			Due: planwatch.MustPeriod("2022Q2"), Indicators: []string{"trade.retail"}},
		{Unit: "20", Text: "Rà soát tín dụng", Owner: "NHNN chi nhánh", Due: planwatch.MustPeriod("2022"), Status: planwatch.TaskInProgress,
			Indicators: []string{"bank.deposits", "invest.rate"}},
		{Unit: "20", Text: "Năm sau", Due: planwatch.MustPeriod("2023Q1")},
	}
	if res := apply(t, ctx, s, &planwatch.ChangeSet{Tasks: tasks}); res != (planwatch.ApplyResult{Imported: 3}) {
		t.Errorf("tasks: %+v", res)
	}
	got, err := s.Tasks(ctx, "20", planwatch.MustPeriod("2022Q1"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("Tasks(20, 2022Q1) = %+v", got)
	}
	first := got[slices.IndexFunc(got, func(x planwatch.Task) bool { return x.Owner == "Sở Công Thương" })]
	if first.ID == 0 || first.Status != planwatch.TaskOpen || first.Sector != "Thương mại" || first.Due != tasks[0].Due ||
		!slices.Equal(first.Indicators, tasks[0].Indicators) || first.By != "tester" || first.At.IsZero() {
		t.Errorf("task round trip: %+v (status defaults to open)", first)
	}
	second := got[slices.IndexFunc(got, func(x planwatch.Task) bool { return x.Owner == "NHNN chi nhánh" })]
	if !slices.Equal(second.Indicators, tasks[1].Indicators) || second.Status != planwatch.TaskInProgress {
		t.Errorf("task 2: %+v", second)
	}
	first.Status = planwatch.TaskDone
	if res := apply(t, ctx, s, &planwatch.ChangeSet{Tasks: []planwatch.Task{first, second}}); res != (planwatch.ApplyResult{Updated: 1, Ignored: 1}) {
		t.Errorf("task update: %+v", res)
	}
	got, _ = s.Tasks(ctx, "20", planwatch.MustPeriod("2022"))
	if i := slices.IndexFunc(got, func(x planwatch.Task) bool { return x.ID == first.ID }); i < 0 || got[i].Status != planwatch.TaskDone {
		t.Errorf("after update: %+v", got)
	}
	if got, _ := s.Tasks(ctx, "178", planwatch.MustPeriod("2022")); len(got) != 0 {
		t.Errorf("another unit's tasks: %+v", got)
	}
}

func testAuditPerChange(t *testing.T, ctx context.Context, s planwatch.Store) {
	fixture(t, ctx, s)
	k := "trade.retail/20/2022Q1"
	v1 := value("trade.retail", "20", "2022Q1", planwatch.Estimate, 100)
	v2 := value("trade.retail", "20", "2022Q1", planwatch.Estimate, 101)
	other := value("trade.retail", "178", "2022Q1", planwatch.Estimate, 5)
	apply(t, ctx, s, &planwatch.ChangeSet{By: "an", From: "import.csv", Values: []planwatch.DataValue{v1, other, v1}})
	apply(t, ctx, s, &planwatch.ChangeSet{By: "binh", From: "10.1.2.3", Values: []planwatch.DataValue{v2},
		Targets:    []planwatch.Target{{Indicator: "trade.retail", Unit: "20", Year: 2022, Kind: planwatch.TargetPlan, Value: 7}},
		Milestones: []planwatch.Milestone{{Indicator: "trade.retail", Unit: "20", Period: planwatch.MustPeriod("2022S1"), Share: 60}},
		Notes:      []planwatch.Note{{Unit: "20", Period: planwatch.MustPeriod("2022Q1"), Text: "x"}},
		Tasks:      []planwatch.Task{{Unit: "20", Due: planwatch.MustPeriod("2022Q2"), Text: "y"}},
	})
	del := planwatch.DataValue{Key: v1.Key, Basis: planwatch.BasisPeriod, Vintage: planwatch.Estimate, Deleted: true}
	apply(t, ctx, s, &planwatch.ChangeSet{By: "chi", From: "form", Values: []planwatch.DataValue{del}})

	es := audit(t, ctx, s, planwatch.AuditQuery{Entity: k})
	if len(es) != 3 {
		t.Fatalf("audit of %s: %d entries, want 3 (create, update, delete): %+v", k, len(es), es)
	}
	// Newest first.
	del3, upd, cre := es[0], es[1], es[2]
	if cre.Action != "value.create" || cre.By != "an" || cre.From != "import.csv" || cre.Old != "" || !strings.Contains(cre.New, "100") {
		t.Errorf("create entry: %+v", cre)
	}
	if upd.Action != "value.update" || upd.By != "binh" || upd.From != "10.1.2.3" || !strings.Contains(upd.Old, "100") || !strings.Contains(upd.New, "101") {
		t.Errorf("update entry: %+v", upd)
	}
	if del3.Action != "value.delete" || del3.By != "chi" || !strings.Contains(del3.Old, "101") {
		t.Errorf("delete entry: %+v", del3)
	}
	if !(del3.ID > upd.ID && upd.ID > cre.ID) || del3.At.Before(cre.At) {
		t.Errorf("entries not newest first: %+v", es)
	}
	for _, e := range es {
		if e.Entity != k || e.At.IsZero() {
			t.Errorf("entry %+v: entity %q, time %v", e, e.Entity, e.At)
		}
	}
	for action, n := range map[string]int{"target.set": 1, "milestone.set": 1, "note.add": 1, "task.add": 1, "value.": 4} {
		if got := audit(t, ctx, s, planwatch.AuditQuery{Action: action}); len(got) != n {
			t.Errorf("%s: %d entries, want %d: %+v", action, len(got), n, got)
		}
	}
	ts := audit(t, ctx, s, planwatch.AuditQuery{Action: "target.set"})
	if ts[0].Entity == "" || !strings.Contains(ts[0].New, "7") || ts[0].By != "binh" {
		t.Errorf("target.set entry: %+v", ts[0])
	}
	ns := audit(t, ctx, s, planwatch.AuditQuery{Action: "note.add"})
	ks := audit(t, ctx, s, planwatch.AuditQuery{Action: "task.add"})
	if ns[0].Entity == "" || ks[0].Entity == "" || ns[0].Entity == ks[0].Entity {
		t.Errorf("note and task entries need distinct entities: %q, %q", ns[0].Entity, ks[0].Entity)
	}
}

func testAuditQuery(t *testing.T, ctx context.Context, s planwatch.Store) {
	day := func(d int) time.Time { return time.Date(2022, 3, d, 8, 0, 0, 0, time.UTC) }
	entries := []planwatch.AuditEntry{
		{At: day(1), By: "an", From: "10.0.0.1", Action: "login"},
		{At: day(2), By: "an", From: "10.0.0.1", Action: "permission.grant", Entity: "user/binh", Detail: "editor of 20"},
		{At: day(3), By: "binh", From: "10.0.0.2", Action: "login"},
		{At: day(4), By: "binh", Action: "permission.revoke", Entity: "user/an", Old: "admin", New: "editor"},
	}
	if err := s.RecordAudit(ctx, entries...); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordAudit(ctx, planwatch.AuditEntry{By: "chi", Action: "login"}); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordAudit(ctx, planwatch.AuditEntry{By: "chi"}); planwatch.ErrorCode(err) != planwatch.EINVALID {
		t.Errorf("entry without action: %v, want EINVALID", err)
	}
	all := audit(t, ctx, s, planwatch.AuditQuery{})
	if len(all) != 5 {
		t.Fatalf("%d entries, want 5", len(all))
	}
	if all[0].By != "chi" || all[0].At.IsZero() {
		t.Errorf("an entry without a time gets the store's: %+v", all[0])
	}
	got := all[1]
	if want := entries[3]; got.By != want.By || !got.At.Equal(want.At) || got.Action != want.Action || got.Entity != want.Entity ||
		got.Old != want.Old || got.New != want.New || got.ID == 0 {
		t.Errorf("round trip: %+v, want %+v", got, want)
	}
	if e := all[3]; e.Detail != "editor of 20" || e.From != "10.0.0.1" {
		t.Errorf("round trip: %+v", e)
	}
	cases := []struct {
		q    planwatch.AuditQuery
		want []string // actions, newest first
	}{
		{planwatch.AuditQuery{By: "an"}, []string{"permission.grant", "login"}},
		{planwatch.AuditQuery{Action: "permission."}, []string{"permission.revoke", "permission.grant"}},
		{planwatch.AuditQuery{Action: "log"}, []string{"login", "login", "login"}},
		{planwatch.AuditQuery{Entity: "user/"}, []string{"permission.revoke", "permission.grant"}},
		{planwatch.AuditQuery{Entity: "user/b"}, []string{"permission.grant"}},
		{planwatch.AuditQuery{From: day(2), To: day(4)}, []string{"login", "permission.grant"}},
		{planwatch.AuditQuery{From: day(2), To: day(4), By: "binh"}, []string{"login"}},
		{planwatch.AuditQuery{Limit: 2, To: day(5)}, []string{"permission.revoke", "login"}},
	}
	for _, c := range cases {
		var got []string
		for _, e := range audit(t, ctx, s, c.q) {
			got = append(got, e.Action)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%+v: %v, want %v", c.q, got, c.want)
		}
	}
}

func testAuditImmutable(t *testing.T, ctx context.Context, s planwatch.Store) {
	fixture(t, ctx, s)
	apply(t, ctx, s, &planwatch.ChangeSet{Values: []planwatch.DataValue{value("trade.retail", "20", "202201", planwatch.Official, 1)}})
	before := audit(t, ctx, s, planwatch.AuditQuery{})
	// What a reader gets is a copy.
	before[0].New = "tampered"
	before = audit(t, ctx, s, planwatch.AuditQuery{})
	if before[0].New == "tampered" {
		t.Fatal("Audit returns the store's own entries")
	}
	tam, ok := s.(AuditTamperer)
	if !ok {
		t.Fatalf("the store given to storetest.Run must implement storetest.AuditTamperer (wrap it in the engine's test)")
	}
	id := before[0].ID
	if err := tam.UpdateAuditRaw(ctx, id, "tampered"); err == nil {
		t.Error("UPDATE of an audit entry succeeded")
	}
	if err := tam.DeleteAuditRaw(ctx, id); err == nil {
		t.Error("DELETE of an audit entry succeeded")
	}
	after := audit(t, ctx, s, planwatch.AuditQuery{})
	if len(after) != len(before) || after[0] != before[0] {
		t.Errorf("audit changed:\n before %+v\n after  %+v", before, after)
	}
}

func testConcurrency(t *testing.T, ctx context.Context, s planwatch.Store) {
	fixture(t, ctx, s)
	const writers, each = 8, 10
	k := planwatch.Key{Indicator: "trade.retail", Unit: "20", Period: planwatch.MustPeriod("202201")}
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				v := value(k.Indicator, k.Unit, k.Period.ID(), planwatch.Estimate, float64(w*1000+i))
				// Each writer also touches a key of its own.
				mine := value("bank.deposits", "20", fmt.Sprintf("2022%02d", w+1), planwatch.Official, float64(i))
				res, err := s.Apply(ctx, &planwatch.ChangeSet{By: fmt.Sprintf("w%d", w), Values: []planwatch.DataValue{v, mine}})
				if err != nil {
					errs <- err
					continue
				}
				if res.Imported+res.Updated != 2 {
					errs <- fmt.Errorf("writer %d apply %d: %+v", w, i, res)
				}
			}
		})
	}
	// Readers run alongside.
	wg.Go(func() {
		for range 20 {
			if _, err := s.Values(ctx, planwatch.ValueQuery{Indicators: []string{"trade.retail"}}); err != nil {
				errs <- err
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	revs := revisions(t, ctx, s, k)
	if len(revs) != writers*each {
		t.Fatalf("%d revisions, want %d", len(revs), writers*each)
	}
	seen := map[int]bool{}
	for _, r := range revs {
		if seen[r.Revision] {
			t.Errorf("revision %d given twice", r.Revision)
		}
		seen[r.Revision] = true
	}
	for i := 1; i <= writers*each; i++ {
		if !seen[i] {
			t.Errorf("revision %d missing", i)
		}
	}
	cur := values(t, ctx, s, planwatch.ValueQuery{Indicators: []string{"trade.retail"}})
	if last := revs[len(revs)-1]; len(cur) != 1 || cur[0].Revision != writers*each || *cur[0].Value != *last.Value {
		t.Errorf("current %v, want the last revision %s", cur, figure(last))
	}
	if n := len(audit(t, ctx, s, planwatch.AuditQuery{Entity: k.String()})); n != writers*each {
		t.Errorf("%d audit entries for %s, want %d", n, k, writers*each)
	}
}

// testLargeApply imports 10,000 rows: one bad row rejects all of them.
func testLargeApply(t *testing.T, ctx context.Context, s planwatch.Store) {
	fixture(t, ctx, s)
	vs := LargeChangeSet(10000)
	bad := 7321
	vs[bad].Indicator = "trade.unknown"
	_, err := s.Apply(ctx, &planwatch.ChangeSet{By: "tester", Values: vs})
	e := invalidErr(t, err)
	if len(e.Problems) != 1 || !hasProblem(e.Problems, bad+1, "indicator") {
		t.Fatalf("problems %v, want row %d column indicator", e.Problems, bad+1)
	}
	if got := values(t, ctx, s, planwatch.ValueQuery{}); len(got) != 0 {
		t.Fatalf("stored %d values", len(got))
	}
	vs[bad].Indicator = "trade.retail"
	start := time.Now()
	res := apply(t, ctx, s, &planwatch.ChangeSet{By: "tester", From: "large-import", Values: vs})
	t.Logf("10,000 values applied in %v", time.Since(start))
	if res != (planwatch.ApplyResult{Imported: 10000}) {
		t.Errorf("result %+v", res)
	}
	if got := values(t, ctx, s, planwatch.ValueQuery{}); len(got) != 10000 {
		t.Errorf("%d values stored", len(got))
	}
	// A file import is one change set: one audit entry with who, from where,
	// the file and the counts, none per value (their revisions keep who,
	// when and source).
	if got := audit(t, ctx, s, planwatch.AuditQuery{Action: "value."}); len(got) != 0 {
		t.Errorf("%d value audit entries for a 10,000-value change set, want none", len(got))
	}
	cs := audit(t, ctx, s, planwatch.AuditQuery{Action: "changes.apply"})
	if len(cs) != 1 || cs[0].By != "tester" || cs[0].From != "large-import" || !strings.Contains(cs[0].Detail, "imported 10000") ||
		!strings.Contains(cs[0].Detail, "large.csv") || !strings.HasPrefix(cs[0].Entity, "changeset/") {
		t.Errorf("change set audit entries %+v", cs)
	}
	revs := revisions(t, ctx, s, vs[9999].Key)
	if len(revs) != 1 || revs[0].By != "tester" || revs[0].Source.Ref != "large.csv" || revs[0].Source.Row != 10000 || revs[0].At.IsZero() {
		t.Errorf("revision of the last value: %+v", revs)
	}
	// The same file again changes nothing.
	if res := apply(t, ctx, s, &planwatch.ChangeSet{By: "tester", Values: vs}); res != (planwatch.ApplyResult{Ignored: 10000}) {
		t.Errorf("re-import: %+v", res)
	}
}

// testLargeRepeats: in a change set too large for an audit entry a value,
// new series that come back to a key are planned value by value as small
// ones are: a key given twice gets two revisions (imported, then updated),
// the same figure again is ignored, an earlier key after a later one is
// still new, and withdrawing a key never stored is ignored.
func testLargeRepeats(t *testing.T, ctx context.Context, s planwatch.Store) {
	fixture(t, ctx, s)
	vs := LargeChangeSet(200) // trade.retail and bank.deposits, 1900–1902
	k1 := value("price.cpi", "20", "202201", planwatch.Official, 101)
	k2 := value("price.cpi", "20", "202202", planwatch.Official, 102)
	again := k1
	again.Value = planwatch.Float(103)
	same := again
	earlier := value("price.cpi", "178", "202203", planwatch.Official, 104)
	later := value("price.cpi", "178", "202201", planwatch.Official, 105)
	gone := value("price.cpi", "06000", "202201", planwatch.Official, 0)
	gone.Value, gone.Deleted = nil, true
	vs = append(vs, k1, k2, again, same, earlier, later, gone)
	res := apply(t, ctx, s, &planwatch.ChangeSet{By: "tester", Values: vs})
	if want := (planwatch.ApplyResult{Imported: 200 + 4, Updated: 1, Ignored: 2}); res != want {
		t.Errorf("result %+v, want %+v", res, want)
	}
	revs := revisions(t, ctx, s, k1.Key)
	if len(revs) != 2 || revs[0].Revision != 1 || *revs[0].Value != 101 || revs[1].Revision != 2 || *revs[1].Value != 103 {
		t.Errorf("revisions of a key given twice: %+v", revs)
	}
	for _, v := range []planwatch.DataValue{k2, earlier, later} {
		if revs := revisions(t, ctx, s, v.Key); len(revs) != 1 || revs[0].Revision != 1 || *revs[0].Value != *v.Value {
			t.Errorf("revisions of %s: %+v", v.Key, revs)
		}
	}
	if revs := revisions(t, ctx, s, gone.Key); len(revs) != 0 {
		t.Errorf("a withdrawal of nothing stored: %+v", revs)
	}
}

// LargeChangeSet returns n distinct valid values for the suite's fixture
// (indicators trade.retail and bank.deposits, units 20, 178, 05977, 06000),
// each with its file row set, for load tests and benchmarks.
func LargeChangeSet(n int) []planwatch.DataValue {
	units := []string{"20", "178", "05977", "06000"}
	inds := []string{"trade.retail", "bank.deposits"}
	out := make([]planwatch.DataValue, 0, n)
	for i := range n { // distinct keys for n up to 28,896 (years 1900–2200)
		unit := units[i%len(units)]
		ind := inds[(i/4)%len(inds)]
		month := (i / 8) % 12
		year := 1900 + i/96
		v := value(ind, unit, fmt.Sprintf("%04d%02d", year, month+1), planwatch.Official, float64(i)*1.5)
		v.Source = planwatch.Source{Kind: planwatch.SourceFile, Ref: "large.csv", Row: i + 1}
		out = append(out, v)
	}
	return out
}

// Fixture loads the suite's small catalogue and units into s, for engine
// tests and benchmarks that need a few valid codes.
func Fixture(ctx context.Context, s planwatch.CatalogStore) error {
	if err := s.SaveIndicators(ctx, fixtureIndicators, "test"); err != nil {
		return err
	}
	return s.SaveOrgUnits(ctx, fixtureUnits, fixtureTransitions, "test")
}

func testSeed(t *testing.T, ctx context.Context, s planwatch.Store) {
	start := time.Now()
	if err := Seed(ctx, s); err != nil {
		t.Fatal(err)
	}
	t.Logf("seeded in %v", time.Since(start))
	units, err := s.OrgUnits(ctx)
	if err != nil {
		t.Fatal(err)
	}
	trans, err := s.Transitions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	inds, err := s.Indicators(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(units) < 10000 || len(trans) < 10000 || len(inds) < 50 {
		t.Errorf("seeded %d unit versions, %d transitions, %d indicators", len(units), len(trans), len(inds))
	}
	h := planwatch.NewHierarchy(units, trans)
	if u, ok := h.At("20", time.Date(2022, 3, 31, 0, 0, 0, 0, time.UTC)); !ok || u.Name != "Lạng Sơn" {
		t.Errorf("province 20 in 2022: %+v, %v", u, ok)
	}
	// Seeding again replaces and adds nothing.
	if err := Seed(ctx, s); err != nil {
		t.Fatal(err)
	}
	again, _ := s.OrgUnits(ctx)
	if len(again) != len(units) {
		t.Errorf("second seed: %d versions, want %d", len(again), len(units))
	}
}
