package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"planwatch"
)

// TestAttackPlanTexts (fifth session, reviewer 5): a value's texts pass the
// text rule (planwatch.TextProblem) and are kept in NFC, but a target's or
// a milestone's source reference, sentence and formula and its author were
// stored as sent: POST /api/targets with a NUL and a terminal escape in
// "source.ref" answered 200 (PostgreSQL refuses a NUL: an internal error
// there, and a SQLite database holding one cannot be copied to it), and so
// did a plan document's import (POST /plans/import), whose sentences go the
// same way. Approval comments, notes and tasks passed the rule but were kept
// in decomposed form (NFD). The engine, which both stores use, refuses
// control characters in every plan text, naming the column, and keeps every
// text in NFC.
func TestAttackPlanTexts(t *testing.T) {
	st := newTestStore(t, true)
	s := newTestServer(t, Config{Store: st, Authenticate: headerUser})
	p := newClient(t, s)
	p.user = "planner"
	ctx := t.Context()
	for _, text := range []string{`x\u0000y\u001b[31m`, `bell\u0007`, `c1\u009bcontrol`} {
		rec := p.postJSON("/api/targets", `[{"indicator":"trade.retail_sales_services","unit":"178","year":2023,"value":5,"source":{"ref":"`+text+`"}}]`)
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body(rec), "control character") || !strings.Contains(body(rec), "source.ref") {
			t.Errorf("target with source.ref %s: %d, want 422 naming source.ref and the control character\n%.400s", text, rec.Code, body(rec))
		}
	}
	ts, err := st.Targets(ctx, planwatch.TargetQuery{Indicators: []string{"trade.retail_sales_services"}, Units: []string{"178"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range ts {
		if planwatch.TextProblem(tg.Source.Ref) != "" {
			t.Errorf("stored a target whose source ref is %q", tg.Source.Ref)
		}
	}

	// Every plan text, on the path every writer (API, plan import, CLI) takes.
	const bad = "nul\x00here"
	src := planwatch.Source{Kind: planwatch.SourceDocument, Ref: "Nghị quyết", Sentence: "đạt 5%", Formula: "a+b"}
	target := planwatch.Target{Indicator: "trade.retail_sales_services", Unit: "178", Year: 2024, Kind: planwatch.TargetPlan, Value: 5, Source: src}
	milestone := planwatch.Milestone{Indicator: "trade.retail_sales_services", Unit: "178", Period: planwatch.MustPeriod("2024Q2"),
		Share: 50, Bound: planwatch.BoundMin, TargetKind: planwatch.TargetPlan, Source: src}
	for _, c := range []struct {
		column string
		set    func(*planwatch.Source, *string)
	}{
		{"source.ref", func(s *planwatch.Source, _ *string) { s.Ref = bad }},
		{"source.sentence", func(s *planwatch.Source, _ *string) { s.Sentence = bad }},
		{"source.formula", func(s *planwatch.Source, _ *string) { s.Formula = bad }},
		{"by", func(_ *planwatch.Source, by *string) { *by = bad }},
	} {
		tg, m := target, milestone
		c.set(&tg.Source, &tg.By)
		c.set(&m.Source, &m.By)
		for _, cs := range []*planwatch.ChangeSet{{By: "planner", Targets: []planwatch.Target{tg}}, {By: "planner", Milestones: []planwatch.Milestone{m}}} {
			_, err := st.Apply(ctx, cs)
			want := c.column
			if len(cs.Milestones) > 0 {
				want = "milestone." + c.column
			}
			if !hasProblem(err, want) {
				t.Errorf("%s holding a NUL: %v, want EINVALID naming %s", want, err, want)
			}
		}
	}
	if ts, _ := st.Targets(ctx, planwatch.TargetQuery{Indicators: []string{"trade.retail_sales_services"}, Years: []int{2024}}); len(ts) > 0 {
		t.Errorf("stored %+v", ts)
	}

	// Decomposed texts (NFD, as some keyboards and macOS files send them) are kept in NFC.
	const nfd, nfc = "Ta\u0306ng tru\u031bo\u031b\u0309ng", "Tăng trưởng"
	if rec := p.postJSON("/api/targets", `[{"indicator":"trade.retail_sales_services","unit":"178","year":2025,"value":5,"source":{"ref":"`+nfd+`"}}]`); rec.Code != http.StatusOK {
		t.Fatalf("a target with an NFD reference: %d\n%.400s", rec.Code, body(rec))
	}
	ts, err = st.Targets(ctx, planwatch.TargetQuery{Indicators: []string{"trade.retail_sales_services"}, Years: []int{2025}})
	if err != nil || len(ts) != 1 || ts[0].Source.Ref != nfc {
		t.Errorf("stored %+v (%v), want the reference in NFC %q", ts, err, nfc)
	}
	tg := target
	tg.Year, tg.Source.Sentence, tg.By = 2026, nfd, nfd
	m := milestone
	m.Period, m.Source.Sentence = planwatch.MustPeriod("2026Q2"), nfd
	if _, err := st.Apply(ctx, &planwatch.ChangeSet{By: "planner", Targets: []planwatch.Target{tg}, Milestones: []planwatch.Milestone{m}}); err != nil {
		t.Fatal(err)
	}
	ts, err = st.Targets(ctx, planwatch.TargetQuery{Indicators: []string{"trade.retail_sales_services"}, Years: []int{2026}})
	if err != nil || len(ts) != 1 || ts[0].Source.Sentence != nfc || ts[0].By != nfc {
		t.Errorf("stored %+v (%v), want the sentence and author in NFC %q", ts, err, nfc)
	}
	if rec := postStep(t, s, "reporter-178", "submit", "178", "2022Q1", nfd); rec.Code != http.StatusOK && rec.Code != http.StatusSeeOther {
		t.Fatalf("submit with an NFD comment: %d\n%.300s", rec.Code, body(rec))
	}
	as, err := st.(planwatch.ApprovalStore).Approvals(ctx, planwatch.ApprovalQuery{Units: []string{"178"}})
	if err != nil || len(as) != 1 || as[0].Comment != nfc {
		t.Errorf("approvals %+v (%v), want the comment in NFC %q", as, err, nfc)
	}
	p.get("/report?unit=20&period=2022Q1")
	if rec := p.postForm("/report/notes", url.Values{"unit": {"20"}, "period": {"2022Q1"}, "section": {"trade"}, "text": {nfd}}); rec.Code >= 400 {
		t.Fatalf("note in NFD: %d\n%.300s", rec.Code, body(rec))
	}
	ns, err := st.Notes(ctx, "20", planwatch.MustPeriod("2022Q1"))
	if err != nil || len(ns) != 1 || ns[0].Text != nfc {
		t.Errorf("notes %+v (%v), want the text in NFC %q", ns, err, nfc)
	}
}

// hasProblem says whether err is EINVALID with a problem naming column.
func hasProblem(err error, column string) bool {
	e, ok := err.(*planwatch.Error)
	if !ok || e.Code != planwatch.EINVALID {
		return false
	}
	for _, p := range e.Problems {
		if p.Column == column {
			return true
		}
	}
	return false
}
