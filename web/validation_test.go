package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"planwatch"
)

// The data-quality answer is open to readers: a repeated question is
// answered from what was computed, a changed rule is checked afresh, and
// computations beyond the bound wait for a free slot (or for their client
// to leave) instead of running at once.
func TestValidationKeptAndBounded(t *testing.T) {
	st := newTestStore(t, true)
	rule := planwatch.ValidationRule{Code: "area.cap", NameVI: "Diện tích tối đa", Left: "agri.planted_area", Op: planwatch.OpLessEqual,
		Right: "20000", Importance: "high", Action: planwatch.RuleWarn}
	if err := st.(planwatch.RuleStore).SaveRules(context.Background(), []planwatch.ValidationRule{rule}, "test", "test"); err != nil {
		t.Fatal(err)
	}
	s := newTestServer(t, Config{Store: st})
	c := newClient(t, s)
	const q = "/api/validation?unit=20&period=2022Q1"
	first := body(c.get(q))
	if !strings.Contains(first, `"rule": "area.cap"`) || !strings.Contains(first, `"capped": false`) {
		t.Fatalf("first answer: %s", first)
	}
	for _, target := range []string{q, "/quality?unit=20&period=2022Q1"} {
		if rec := c.get(target); rec.Code != http.StatusOK {
			t.Fatalf("%s: %d", target, rec.Code)
		}
	}
	if n := s.validations.runs.Load(); n != 1 {
		t.Errorf("three identical questions computed %d times, want 1", n)
	}
	if got := body(c.get(q)); got != first {
		t.Errorf("the kept answer differs:\n%s\n%s", got, first)
	}
	// Another rules version is another answer.
	rule.Right = "50000"
	if err := st.(planwatch.RuleStore).SaveRules(context.Background(), []planwatch.ValidationRule{rule}, "test", "test"); err != nil {
		t.Fatal(err)
	}
	if b := body(c.get(q)); strings.Contains(b, `"rule": "area.cap"`) || s.validations.runs.Load() != 2 {
		t.Errorf("after the rule changed: %d runs, %s", s.validations.runs.Load(), b)
	}

	// Every slot taken: a new question waits, computes nothing, and is
	// answered once a slot is free.
	for range cap(s.validations.sem) {
		s.validations.sem <- struct{}{}
	}
	done := make(chan *httptest.ResponseRecorder, 1)
	go func() { done <- newClient(t, s).get("/api/validation?unit=178&period=2022Q1") }()
	waitFor(t, func() bool { return s.validations.waiting.Load() == 1 })
	select {
	case rec := <-done:
		t.Fatalf("answered with every slot taken: %d %s", rec.Code, body(rec))
	default:
	}
	if n := s.validations.runs.Load(); n != 2 {
		t.Errorf("computed with every slot taken: %d runs", n)
	}
	// A client leaving while it waits takes nothing.
	ctx, cancel := context.WithCancel(context.Background())
	left := make(chan int, 1)
	go func() {
		req := httptest.NewRequest("GET", "/api/validation?unit=180&period=2022Q1", nil).WithContext(ctx)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		left <- rec.Code
	}()
	waitFor(t, func() bool { return s.validations.waiting.Load() == 2 })
	cancel()
	<-left
	<-s.validations.sem
	if rec := <-done; rec.Code != http.StatusOK || !strings.Contains(body(rec), `"orgunit": "178"`) {
		t.Errorf("the waiting question: %d %s", rec.Code, body(rec))
	}
	if n := s.validations.runs.Load(); n != 3 {
		t.Errorf("%d runs, want 3 (the client that left computed nothing)", n)
	}
}

// waitFor polls cond until it holds (the test fails after a minute).
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition never held")
		}
	}
}

// Rules, categories and the indicators a breakdown changes, changed on
// their pages, are kept with the client's address.
func TestRuleChangesAuditedFromTheClient(t *testing.T) {
	st := newTestStore(t, true)
	s := newTestServer(t, Config{Store: st})
	c := newClient(t, s)
	c.get("/rules") // the form's token
	if rec := c.postForm("/rules", url.Values{"code": {"area.cap"}, "name_vi": {"Diện tích tối đa"}, "left": {"agri.planted_area"},
		"op": {"<="}, "right": {"20000"}, "importance": {"high"}, "action": {"warn"}}); rec.Code != http.StatusOK {
		t.Fatalf("saving a rule: %d %s", rec.Code, body(rec))
	}
	if rec := c.postForm("/categories", url.Values{"code": {"sex"}, "name_vi": {"Giới tính"}, "options": {"male | Nam\nfemale | Nữ"}}); rec.Code != http.StatusOK {
		t.Fatalf("saving a category: %d %s", rec.Code, body(rec))
	}
	if rec := c.postForm("/rules/delete", url.Values{"code": {"area.cap"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("deleting a rule: %d %s", rec.Code, body(rec))
	}
	if rec := c.postForm("/categories/attach", url.Values{"indicator": {"trade.retail_sales_services"}, "category": {"sex"}}); rec.Code != http.StatusOK {
		t.Fatalf("attaching: %d %s", rec.Code, body(rec))
	}
	for code, cat := range map[string]string{"trade.retail_sales_services": "sex", "trade.retail_sales_services~male": ""} {
		vs, err := st.(planwatch.CatalogueEditor).IndicatorHistory(context.Background(), code)
		if err != nil || len(vs) == 0 || vs[len(vs)-1].From != "192.0.2.1" || vs[len(vs)-1].Category != cat {
			t.Errorf("%s: versions %+v (%v), want the last one from 192.0.2.1", code, vs, err)
		}
	}
	for _, action := range []string{"rule.set", "category.set", "rule.delete"} {
		audit, err := st.Audit(context.Background(), planwatch.AuditQuery{Action: action})
		if err != nil || len(audit) != 1 || audit[0].From != "192.0.2.1" {
			t.Errorf("%s audited as %+v (%v), want from 192.0.2.1", action, audit, err)
		}
	}
}

// The indicator page lists the options of the indicator's current
// breakdown only: those of a category it was attached to before are
// retired.
func TestIndicatorPartsAreTheCurrentOptions(t *testing.T) {
	s := newTestServer(t, Config{})
	c := newClient(t, s)
	c.get("/categories") // the form's token
	for _, form := range []url.Values{
		{"code": {"own"}, "name_vi": {"Sở hữu"}, "options": {"state | Nhà nước\nfdi | FDI"}},
		{"code": {"sec"}, "name_vi": {"Ngành"}, "options": {"goods | Hàng hóa\nsvc | Dịch vụ"}},
		{"indicator": {"trade.retail_sales_services"}, "category": {"own"}},
		{"indicator": {"trade.retail_sales_services"}, "category": {"sec"}},
	} {
		target := "/categories"
		if form.Has("indicator") {
			target = "/categories/attach"
		}
		if rec := c.postForm(target, form); rec.Code != http.StatusOK {
			t.Fatalf("%s %v: %d", target, form, rec.Code)
		}
	}
	b := body(c.get("/indicators/trade.retail_sales_services?unit=20&period=2022Q1"))
	for code, want := range map[string]bool{"goods": true, "svc": true, "state": false, "fdi": false} {
		if got := strings.Contains(b, `<tr data-code="trade.retail_sales_services~`+code+`">`); got != want {
			t.Errorf("option %s listed: %v, want %v", code, got, want)
		}
	}
}
