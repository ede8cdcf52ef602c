package web

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"planwatch"
)

// TestBrowserSignIn drives the demo's public read-only mode and sign-in in
// headless Chromium: a visitor reads without signing in and cannot save; a
// reporter signs in, saves a figure and submits the period for approval.
func TestBrowserSignIn(t *testing.T) {
	b := launchBrowser(t)
	st := demoStore(t)
	as := st.(planwatch.AccountStore)
	hash, err := HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if err := as.CreateAccount(t.Context(), planwatch.Account{Name: "lan", Role: planwatch.RoleReporter, Units: []string{"20"}, PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	s := newTestServer(t, Config{Store: st, Accounts: as, PublicRead: true})
	srv := httptest.NewServer(s)
	defer srv.Close()
	art := artifactsDir(t)
	q := func(path string, kv ...string) string {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return srv.URL + path + "?" + v.Encode()
	}
	b.t = t
	b.navigate(q("/", "unit", "20", "period", "2022Q1"))
	b.waitFor("document.querySelectorAll('#dashboard tbody tr').length > 5")
	if b.evalString("(document.querySelector('#public-mode') || {}).innerText || ''") == "" {
		t.Error("the public dashboard does not say it is read-only")
	}
	// A visitor's save is refused.
	b.navigate(q("/entry", "unit", "20", "period", "2022Q2", "sector", "Nông, lâm nghiệp và thủy sản"))
	b.eval("document.querySelector('#entry-form input.numin').value = '12.345'")
	b.submit("document.querySelector('#entry-save').click()")
	if txt := b.evalString("document.body.innerText"); !strings.Contains(txt, "sign-in required") {
		t.Errorf("a visitor's save was not refused: %.400s", txt)
	}
	// Sign in from the link, and come back to a page.
	b.navigate(q("/", "unit", "20", "period", "2022Q1"))
	b.submit("document.querySelector('#login-link').click()")
	b.eval("document.querySelector('#login input[name=name]').value = 'lan'")
	b.eval("document.querySelector('#login input[name=password]').value = " + jsString(testPassword))
	b.submit("document.querySelector('#login button').click()")
	if who := b.evalString("(document.querySelector('#whoami') || {}).innerText || ''"); !strings.Contains(who, "lan") {
		t.Fatalf("not signed in: %.400s", b.evalString("document.body.innerText"))
	}
	b.navigate(q("/entry", "unit", "20", "period", "2022Q2", "sector", "Nông, lâm nghiệp và thủy sản"))
	b.eval("document.querySelector('#entry-form input.numin').value = '12.345'")
	b.submit("document.querySelector('#entry-save').click()")
	if txt := b.evalString("(document.querySelector('.flash.ok') || document.body).innerText"); !strings.Contains(txt, "Đã lưu") {
		t.Fatalf("the reporter's figure was not saved: %.600s", txt)
	}
	b.navigate(q("/approvals", "unit", "20", "period", "2022Q2"))
	b.submit("document.querySelector('#approvals form[action=\"/approvals/submit\"] button').click()")
	if state := b.evalString("document.querySelector('#approvals tr[data-unit=\"20\"] .status').innerText"); state != "chờ duyệt" {
		t.Errorf("state after submitting: %q", state)
	}
	t.Logf("screenshot %s", b.screenshot(art, "approvals.png"))
	b.submit("document.querySelector('#logout').click()")
	if b.evalString("(document.querySelector('#login-link') || {}).innerText || ''") == "" {
		t.Error("still signed in after signing out")
	}
}

// jsString is s as a JavaScript string literal (JSON's, which escapes
// quotes, backslashes, newlines and U+2028/2029).
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
