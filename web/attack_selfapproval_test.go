package web

import (
	"database/sql"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"planwatch"
	"planwatch/sqlite"
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

// TestSelfApprovalNobodyElse: the rule asks for another person only when
// there is one who may approve. An admin with two reporters (who may
// submit, not approve) approves what a reporter submitted, their own
// imported figures among it; once a second planner exists, the admin may
// not.
func TestSelfApprovalNobodyElse(t *testing.T) {
	st := newTestStore(t, true)
	as := st.(planwatch.AccountStore)
	addAccounts(t, as, planwatch.Account{Name: "root", Role: planwatch.RoleAdmin},
		planwatch.Account{Name: "xa1", Role: planwatch.RoleReporter, Units: []string{"178"}},
		planwatch.Account{Name: "xa2", Role: planwatch.RoleReporter, Units: []string{"180"}})
	s := newTestServer(t, Config{Store: st, Accounts: as})
	root := signedIn(t, s, "root")
	root.get("/approvals")
	req := httptest.NewRequest("POST", "/api/values", strings.NewReader(
		`[{"indicator":"trade.retail_sales_services","orgunit":"178","period":"2022Q2","value":3300e9},
		  {"indicator":"trade.retail_sales_services","orgunit":"180","period":"2022Q2","value":2700e9}]`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(csrfHeader, root.csrf)
	if rec := root.do(req); rec.Code != http.StatusOK {
		t.Fatalf("entry: %d %s", rec.Code, body(rec))
	}
	for _, r := range []struct{ who, unit string }{{"xa1", "178"}, {"xa2", "180"}} {
		c := signedIn(t, s, r.who)
		c.get("/approvals")
		if rec := c.postForm("/approvals/submit", url.Values{"unit": {r.unit}, "period": {"2022Q2"}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("%s submits %s: %d %s", r.who, r.unit, rec.Code, body(rec))
		}
	}
	if rec := root.postForm("/approvals/approve", url.Values{"unit": {"178"}, "period": {"2022Q2"}}); rec.Code != http.StatusSeeOther {
		t.Errorf("the only one who may approve approves 178: %d %s", rec.Code, body(rec))
	}
	addAccounts(t, as, planwatch.Account{Name: "lan", Role: planwatch.RolePlanner})
	if rec := root.postForm("/approvals/approve", url.Values{"unit": {"180"}, "period": {"2022Q2"}}); rec.Code != http.StatusForbidden {
		t.Errorf("with another planner, root approves their own figure of 180: %d, want 403", rec.Code)
	}
}

// TestLegacyNameSignsIn: an account named before names were kept in NFC
// (decomposed Vietnamese letters, as some keyboards type them; the command
// line stored names as typed) still signs in as typed.
func TestLegacyNameSignsIn(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pw.db")
	st, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	addAccounts(t, st, planwatch.Account{Name: "thảo", Role: planwatch.RolePlanner}, planwatch.Account{Name: "root", Role: planwatch.RoleAdmin})
	legacy := "tha\u0309o" // "thảo", decomposed, as an older version kept it
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE accounts SET name = ? WHERE name = ?`, legacy, "thảo"); err != nil {
		t.Fatal(err)
	}
	s := newTestServer(t, Config{Store: st, Accounts: st})
	c := newClient(t, s)
	if rec := c.signIn("192.0.2.8:1000", "", legacy, testPassword); rec.Code != http.StatusSeeOther {
		t.Errorf("legacy name signs in: %d", rec.Code)
	}
}
