package web

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"planwatch"
)

const testPassword = "mật khẩu đúng!"

var (
	testHashOnce sync.Once
	testHash     string
)

// accountStore is the test store with its account side.
type accountStore interface {
	planwatch.Store
	planwatch.AccountStore
	planwatch.ApprovalStore
}

// newAccountServer is a server with sign-in against its store, and the
// accounts an (admin), pha (planner), lan (reporter of 178), xem (viewer).
func newAccountServer(t *testing.T, public bool) (*Server, accountStore) {
	t.Helper()
	st := newTestStore(t, true).(accountStore)
	testHashOnce.Do(func() {
		var err error
		if testHash, err = HashPassword(testPassword); err != nil {
			t.Fatal(err)
		}
	})
	for _, a := range []planwatch.Account{
		{Name: "an", Role: planwatch.RoleAdmin},
		{Name: "pha", Role: planwatch.RolePlanner},
		{Name: "lan", Role: planwatch.RoleReporter, Units: []string{"178"}},
		{Name: "xem", Role: planwatch.RoleViewer},
	} {
		a.PasswordHash = testHash
		if err := st.CreateAccount(t.Context(), a); err != nil {
			t.Fatal(err)
		}
	}
	return newTestServer(t, Config{Store: st, Accounts: st, PublicRead: public}), st
}

// login signs c in through the form.
func login(c *client, name, password string) *httptest.ResponseRecorder {
	c.get("/login")
	return c.postForm("/login", url.Values{"name": {name}, "password": {password}, "next": {"/"}})
}

func TestLoginLogout(t *testing.T) {
	s, st := newAccountServer(t, false)
	c := newClient(t, s)
	// Not signed in: a page sends to the sign-in form, the API says 401.
	if rec := c.get("/entry?unit=178"); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/login?next=%2Fentry%3Funit%3D178" {
		t.Fatalf("anonymous page: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	if rec := c.get("/api/values"); rec.Code != http.StatusUnauthorized {
		t.Fatalf("anonymous API: %d", rec.Code)
	}
	// Session fixation: an id planted before sign-in is not the one after.
	c.jar[sessionCookie] = &http.Cookie{Name: sessionCookie, Value: "planted-by-an-attacker"}
	c.get("/login")
	oldCSRF := c.jar[csrfCookie].Value
	rec := c.postForm("/login", url.Values{"name": {"lan"}, "password": {testPassword}, "next": {"//evil.example/"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/" {
		t.Fatalf("login: %d %q\n%s", rec.Code, rec.Header().Get("Location"), body(rec))
	}
	sess := c.jar[sessionCookie]
	if sess.Value == "planted-by-an-attacker" || len(sess.Value) < 40 {
		t.Fatalf("session id after sign-in: %q", sess.Value)
	}
	if !sess.HttpOnly || sess.SameSite != http.SameSiteLaxMode || sess.Path != "/" {
		t.Errorf("session cookie attributes: %+v", sess)
	}
	if c.jar[csrfCookie].Value == oldCSRF {
		t.Error("the form-token cookie was not renewed at sign-in")
	}
	if b := body(c.get("/")); !strings.Contains(b, `id="whoami"`) || !strings.Contains(b, "lan") {
		t.Error("the page does not say who is signed in")
	}
	// The reporter may open the entry form but not the audit page.
	if rec := c.get("/entry?unit=178"); rec.Code != http.StatusOK {
		t.Errorf("entry: %d", rec.Code)
	}
	if rec := c.get("/audit"); rec.Code != http.StatusForbidden {
		t.Errorf("audit as reporter: %d", rec.Code)
	}
	// Sign out: the session is gone from the store, the old cookie is useless.
	stolen := *sess
	if rec := c.postForm("/logout", url.Values{}); rec.Code != http.StatusSeeOther {
		t.Fatalf("logout: %d", rec.Code)
	}
	c2 := newClient(t, s)
	c2.jar[sessionCookie] = &stolen
	if rec := c2.get("/api/values"); rec.Code != http.StatusUnauthorized {
		t.Errorf("a signed-out session still works: %d", rec.Code)
	}
	entries, err := st.Audit(t.Context(), planwatch.AuditQuery{Entity: "user/lan"})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || entries[0].Action != "logout" || entries[1].Action != "login" || entries[1].From != "192.0.2.1" {
		t.Errorf("audit of sign-in and sign-out: %+v", entries)
	}
}

func TestLoginFailuresAndRateLimit(t *testing.T) {
	fastPasswords(t)
	s, st := newAccountServer(t, false)
	c := newClient(t, s)
	if rec := login(c, "lan", "sai"); rec.Code != http.StatusUnauthorized || !strings.Contains(body(rec), "không đúng") {
		t.Fatalf("wrong password: %d", rec.Code)
	}
	if rec := login(c, "nobody", "sai"); rec.Code != http.StatusUnauthorized {
		t.Fatalf("unknown user: %d", rec.Code)
	}
	for range maxFailsPerUser - 1 {
		login(c, "lan", "sai")
	}
	// Now even the right password is refused for a while.
	if rec := login(c, "lan", testPassword); rec.Code != http.StatusTooManyRequests {
		t.Fatalf("after %d failures: %d", maxFailsPerUser, rec.Code)
	}
	if _, ok := c.jar[sessionCookie]; ok && c.jar[sessionCookie].Value != "" {
		t.Error("a session was started under the rate limit")
	}
	// Another account from another address is not affected…
	other := newClient(t, s)
	req := httptest.NewRequest("GET", "/login", nil)
	req.RemoteAddr = "198.51.100.7:4000"
	other.do(req)
	form := url.Values{"name": {"xem"}, "password": {testPassword}, "_csrf": {other.csrf}}
	req = httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = "198.51.100.7:4000"
	if rec := other.do(req); rec.Code != http.StatusSeeOther {
		t.Errorf("another user from another address: %d", rec.Code)
	}
	// …but one address trying many names is.
	for i := 0; i < maxFailsPerIP; i++ {
		login(c, "name"+itoa(i), "sai")
	}
	if rec := login(c, "an", testPassword); rec.Code != http.StatusTooManyRequests {
		t.Errorf("after %d failures from one address: %d", maxFailsPerIP, rec.Code)
	}
	// The audit has lan's failures (accounts that exist only: names nobody
	// has stay in the login attempts, which are pruned) and, once each, the
	// locks of lan and of the address; refusals are not audited one by one.
	failed, _ := st.Audit(t.Context(), planwatch.AuditQuery{Action: "login.failed"})
	locked, _ := st.Audit(t.Context(), planwatch.AuditQuery{Action: "login.locked"})
	if len(failed) != maxFailsPerUser {
		t.Errorf("failed logins audited: %d, want %d", len(failed), maxFailsPerUser)
	}
	if len(locked) != 2 || locked[0].Entity != "ip/192.0.2.1" || locked[1].Entity != "user/lan" {
		t.Errorf("locks audited: %+v", locked)
	}
	for _, e := range append(failed, locked...) {
		if e.From != "192.0.2.1" {
			t.Errorf("failed login without its address: %+v", e)
		}
	}
}

func TestDisabledAccountCannotSignIn(t *testing.T) {
	s, st := newAccountServer(t, false)
	off := true
	if _, _, err := st.ChangeAccount(t.Context(), planwatch.AccountChange{Name: "xem", Disabled: &off, Audit: planwatch.AuditEntry{Action: "user.disable", By: "test"}}); err != nil {
		t.Fatal(err)
	}
	if rec := login(newClient(t, s), "xem", testPassword); rec.Code != http.StatusUnauthorized {
		t.Errorf("disabled account signed in: %d", rec.Code)
	}
}

// TestPublicReadOnly is the demo's mode: a visitor reads without signing
// in and cannot write anything.
func TestPublicReadOnly(t *testing.T) {
	s, _ := newAccountServer(t, true)
	c := newClient(t, s)
	rec := c.get("/")
	if rec.Code != http.StatusOK || !strings.Contains(body(rec), `id="public-mode"`) || !strings.Contains(body(rec), `id="login-link"`) {
		t.Fatalf("public dashboard: %d", rec.Code)
	}
	if rec := c.get("/api/values?unit=178"); rec.Code != http.StatusOK {
		t.Errorf("public read API: %d", rec.Code)
	}
	c.get("/entry?unit=178&period=2022Q2")
	form := url.Values{"unit": {"178"}, "period": {"2022Q2"}, "sector": {"Thương mại, dịch vụ"}, "v.trade.retail_sales_services": {"1"}}
	if rec := c.postForm("/entry", form); rec.Code != http.StatusUnauthorized {
		t.Errorf("public write through the form: %d", rec.Code)
	}
	if rec := c.postJSON("/api/values", `[{"indicator":"trade.retail_sales_services","orgunit":"178","period":"2022Q2","value":1}]`); rec.Code != http.StatusUnauthorized {
		t.Errorf("public write through the API: %d", rec.Code)
	}
	if rec := c.get("/api/audit"); rec.Code != http.StatusUnauthorized {
		t.Errorf("public audit: %d", rec.Code)
	}
}

func TestCSRF(t *testing.T) {
	s, _ := newAccountServer(t, false)
	c := newClient(t, s)
	login(c, "pha", testPassword)
	c.get("/entry?unit=178&period=2022Q2")
	form := func() url.Values {
		return url.Values{"unit": {"178"}, "period": {"2022Q2"}, "sector": {"Thương mại, dịch vụ"}, "v.trade.retail_sales_services": {"1"},
			"vin.trade.retail_sales_services": {"official"}, "basis.trade.retail_sales_services": {"period"}}
	}
	// No token, a token of another browser, a forged one: all refused.
	noToken := form()
	noToken.Set("_csrf", "")
	req := httptest.NewRequest("POST", "/entry", strings.NewReader(noToken.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if rec := c.do(req); rec.Code != http.StatusForbidden {
		t.Errorf("no token: %d", rec.Code)
	}
	other := newClient(t, s)
	other.get("/login")
	for name, tok := range map[string]string{"another browser's": other.csrf, "forged": "AAAA"} {
		f := form()
		f.Set("_csrf", tok)
		if rec := c.postForm("/entry", f); rec.Code != http.StatusForbidden {
			t.Errorf("%s token: %d", name, rec.Code)
		}
	}
	// A cross-site request is refused whatever it carries.
	f := form()
	f.Set("_csrf", c.csrf)
	req = httptest.NewRequest("POST", "/entry", strings.NewReader(f.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if rec := c.do(req); rec.Code != http.StatusForbidden {
		t.Errorf("cross-site: %d", rec.Code)
	}
	// A form posted as text/plain with the session cookie but no token.
	req = httptest.NewRequest("POST", "/approvals/submit", strings.NewReader("unit=178&period=2022Q1"))
	req.Header.Set("Content-Type", "text/plain")
	if rec := c.do(req); rec.Code != http.StatusForbidden {
		t.Errorf("text/plain without token: %d", rec.Code)
	}
	// Sign-in itself needs the token (login CSRF).
	anon := newClient(t, s)
	req = httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"name": {"pha"}, "password": {testPassword}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	anon.jar[csrfCookie] = &http.Cookie{Name: csrfCookie, Value: "some-cookie-value-long-enough"}
	if rec := anon.do(req); rec.Code != http.StatusForbidden {
		t.Errorf("login without token: %d", rec.Code)
	}
	// With the token the same form goes through.
	if rec := c.postForm("/entry", form()); rec.Code != http.StatusOK {
		t.Errorf("with the token: %d\n%s", rec.Code, body(rec))
	}
}

const injection = `x'; DROP TABLE users;--`

// TestSQLInjection sends a hostile name through the forms and the API:
// every query is parameterised, so it is data, and the tables survive.
func TestSQLInjection(t *testing.T) {
	s, st := newAccountServer(t, false)
	c := newClient(t, s)
	if rec := login(c, injection, injection); rec.Code != http.StatusUnauthorized {
		t.Errorf("login with an injected name: %d", rec.Code)
	}
	login(c, "pha", testPassword)
	for _, path := range []string{
		"/api/values?unit=" + url.QueryEscape(injection),
		"/api/values?indicator=" + url.QueryEscape(injection),
		"/api/audit?by=" + url.QueryEscape(injection) + "&entity=" + url.QueryEscape(injection) + "&action=" + url.QueryEscape(injection),
		"/api/approvals?unit=" + url.QueryEscape(injection),
		"/api/targets?unit=" + url.QueryEscape(injection),
		"/audit?by=" + url.QueryEscape(injection),
	} {
		if rec := c.get(path); rec.Code != http.StatusOK {
			t.Errorf("%s: %d", path, rec.Code)
		}
	}
	if rec := c.get("/?unit=" + url.QueryEscape(injection)); rec.Code != http.StatusNotFound {
		t.Errorf("dashboard of an injected unit: %d", rec.Code)
	}
	req := httptest.NewRequest("POST", "/api/values", strings.NewReader(`[{"indicator":"trade.retail_sales_services","orgunit":"`+injection+`","period":"2022Q2","value":1}]`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(csrfHeader, c.csrf)
	rec := c.do(req)
	if rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("value of an injected unit: %d %s", rec.Code, body(rec))
	}
	c.get("/approvals?unit=178&period=2021Q4")
	c.postForm("/approvals/submit", url.Values{"unit": {"178"}, "period": {"2021Q4"}})
	if rec := c.postForm("/approvals/return", url.Values{"unit": {"178"}, "period": {"2021Q4"}, "comment": {injection}}); rec.Code != http.StatusSeeOther {
		t.Errorf("return with an injected comment: %d", rec.Code)
	}
	// Everything still there, the comment stored as typed.
	if list, err := st.Accounts(t.Context()); err != nil || len(list) != 4 {
		t.Errorf("accounts after the attempts: %d, %v", len(list), err)
	}
	if vals, err := st.Values(t.Context(), planwatch.ValueQuery{}); err != nil || len(vals) == 0 {
		t.Errorf("values after the attempts: %d, %v", len(vals), err)
	}
	as, err := st.Approvals(t.Context(), planwatch.ApprovalQuery{Units: []string{"178"}})
	if err != nil || len(as) != 1 || as[0].Comment != injection {
		t.Errorf("approval comment: %+v, %v", as, err)
	}
}

// TestXSSInAuditAndApprovals: names and comments people type are escaped on
// the pages that show them back.
func TestXSSInAuditAndApprovals(t *testing.T) {
	s, _ := newAccountServer(t, false)
	c := newClient(t, s)
	login(c, xssName, "x") // a failed sign-in under a hostile name is audited
	login(c, "pha", testPassword)
	c.get("/approvals?unit=178&period=2021Q4")
	c.postForm("/approvals/submit", url.Values{"unit": {"178"}, "period": {"2021Q4"}})
	c.postForm("/approvals/return", url.Values{"unit": {"178"}, "period": {"2021Q4"}, "comment": {xssName}})
	for _, path := range []string{"/audit", "/approvals?unit=20&period=2021Q4"} {
		b := body(c.get(path))
		if strings.Contains(b, "<script>alert") {
			t.Errorf("%s: unescaped script", path)
		}
		if !strings.Contains(b, "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;") {
			t.Errorf("%s: the escaped text is not shown", path)
		}
	}
}

// TestExportFormulaInjection: a comment typed as a formula downloads as
// text in CSV and XLSX.
func TestExportFormulaInjection(t *testing.T) {
	s := newTestServer(t, Config{})
	c := newClient(t, s)
	formulas := []string{`=HYPERLINK("http://evil.example","x")`, "+1+1", "-2+3", "@SUM(A1)"}
	var vals []string
	for i, f := range formulas {
		b, _ := json.Marshal(f)
		ind := []string{"trade.retail_sales_services", "agri.planted_area", "bank.deposits", "test.xss"}[i]
		vals = append(vals, `{"indicator":"`+ind+`","orgunit":"20","period":"2022Q2","value":1,"comment":`+string(b)+`}`)
	}
	if rec := c.postJSON("/api/values", "["+strings.Join(vals, ",")+"]"); rec.Code != http.StatusOK {
		t.Fatalf("saving: %d %s", rec.Code, body(rec))
	}
	rec := c.get("/export?unit=20&period=2022Q2&format=csv")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Header().Get("Content-Disposition"), "attachment") {
		t.Fatalf("CSV: %d", rec.Code)
	}
	rows, err := csv.NewReader(strings.NewReader(body(rec))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, row := range rows {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
				t.Errorf("CSV cell %q would run as a formula", cell)
			}
			for _, f := range formulas {
				if cell == "'"+f {
					found++
				}
			}
		}
	}
	if found != len(formulas) {
		t.Errorf("CSV: %d of %d defused comments found", found, len(formulas))
	}

	rec = c.get("/export?unit=20&period=2022Q2&format=xlsx")
	if rec.Code != http.StatusOK {
		t.Fatalf("XLSX: %d", rec.Code)
	}
	f, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	found = 0
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			for col, cell := range row {
				name, _ := excelize.CoordinatesToCellName(col+1, r+1)
				if formula, _ := f.GetCellFormula(sheet, name); formula != "" {
					t.Errorf("XLSX %s!%s holds a formula %q", sheet, name, formula)
				}
				if typ, _ := f.GetCellType(sheet, name); cell != "" && strings.ContainsRune("=+@", rune(cell[0])) && typ != excelize.CellTypeNumber {
					t.Errorf("XLSX %s!%s text %q starts like a formula", sheet, name, cell)
				}
				for _, fm := range formulas {
					if cell == "'"+fm {
						found++
					}
				}
			}
		}
	}
	if found != len(formulas) {
		t.Errorf("XLSX: %d of %d defused comments found", found, len(formulas))
	}
}
