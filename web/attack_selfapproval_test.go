package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"planwatch"
)

// TestAttackSelfApproval (sixth session): a planner could approve figures
// they had entered themselves, or a unit-period they had submitted
// themselves, and so lock their own numbers as checked: the approval of
// submitted data (PRODUCT.md, web application) is a second person's check.
// Approving is refused to whoever entered a current figure of the
// unit-period (of the unit or a unit under it, which the approval locks
// too) or submitted it; another planner approves. A deployment of one
// account has nobody else to ask, and approves as before
// (TestSelfApprovalSingleUser).
func TestAttackSelfApproval(t *testing.T) {
	s := newTestServer(t, Config{Authenticate: headerUser})
	if rec := asUser(t, s, "planner", "POST", "/api/values", "application/json",
		`[{"indicator":"trade.retail_sales_services","orgunit":"178","period":"2022Q2","value":3300e9}]`); rec.Code != http.StatusOK {
		t.Fatalf("planner's entry: %d %s", rec.Code, body(rec))
	}
	if rec := postStep(t, s, "reporter-178", "submit", "178", "2022Q2", ""); rec.Code != http.StatusOK {
		t.Fatalf("submit: %d %s", rec.Code, body(rec))
	}
	for _, unit := range []string{"178", "20"} { // its own unit, and the province above, whose approval locks 178 too
		if unit == "20" {
			if rec := postStep(t, s, "admin", "submit", "20", "2022Q2", ""); rec.Code != http.StatusOK {
				t.Fatalf("submit 20: %d %s", rec.Code, body(rec))
			}
		}
		rec := postStep(t, s, "planner", "approve", unit, "2022Q2", "")
		if rec.Code != http.StatusForbidden || !strings.Contains(body(rec), "planner") {
			t.Errorf("planner approves %s 2022Q2 with their own figure: %d, want 403 naming them\n%s", unit, rec.Code, body(rec))
		}
	}
	// The approvals page offers them to return it, not to approve it.
	rec := asUser(t, s, "planner", "GET", "/approvals?unit=178&period=2022Q2", "", "")
	if b := body(rec); rec.Code != http.StatusOK || strings.Contains(b, `action="/approvals/approve"`) || !strings.Contains(b, `action="/approvals/return"`) {
		t.Errorf("approvals page of a planner with their own figure: %d, approve offered or return not", rec.Code)
	}
	// A unit-period a planner submitted is approved by another.
	if rec := postStep(t, s, "planner", "submit", "180", "2022Q2", ""); rec.Code != http.StatusOK {
		t.Fatalf("planner submits 180: %d %s", rec.Code, body(rec))
	}
	if rec := postStep(t, s, "planner", "approve", "180", "2022Q2", ""); rec.Code != http.StatusForbidden {
		t.Errorf("planner approves their own submission: %d, want 403", rec.Code)
	}
	for _, unit := range []string{"178", "180"} {
		if rec := postStep(t, s, "admin", "approve", unit, "2022Q2", ""); rec.Code != http.StatusOK {
			t.Errorf("another approves %s: %d %s", unit, rec.Code, body(rec))
		}
	}
	a, err := s.approvalOf(t.Context(), "178", planwatch.MustPeriod("2022Q2"))
	if err != nil || a.State != planwatch.ApprovalApproved || a.By != "admin" {
		t.Errorf("178 2022Q2: %+v %v", a, err)
	}
}

// TestSelfApprovalSingleUser: with one account (the demo, a single-user
// deployment), its user enters, submits and approves.
func TestSelfApprovalSingleUser(t *testing.T) {
	st := newTestStore(t, true)
	as := st.(planwatch.AccountStore)
	addAccounts(t, as, planwatch.Account{Name: "root", Role: planwatch.RoleAdmin})
	s := newTestServer(t, Config{Store: st, Accounts: as})
	c := signedIn(t, s, "root")
	c.get("/approvals")
	req := httptest.NewRequest("POST", "/api/values", strings.NewReader(
		`[{"indicator":"trade.retail_sales_services","orgunit":"178","period":"2022Q2","value":3300e9}]`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(csrfHeader, c.csrf)
	if rec := c.do(req); rec.Code != http.StatusOK {
		t.Fatalf("entry: %d %s", rec.Code, body(rec))
	}
	for _, action := range []string{"submit", "approve"} {
		rec := c.postForm("/approvals/"+action, url.Values{"unit": {"178"}, "period": {"2022Q2"}})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("%s as the only account: %d %s", action, rec.Code, body(rec))
		}
	}
}
