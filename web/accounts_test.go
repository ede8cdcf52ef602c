package web

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"planwatch"
)

// accountsServer is a server with accounts kept in the fixture store, one
// administrator "root" (password testPassword) and one reporter "lan"; its
// log goes to the returned buffer.
func accountsServer(t *testing.T, public bool) (*Server, planwatch.AccountStore, *bytes.Buffer) {
	t.Helper()
	st := newTestStore(t, true)
	as := st.(planwatch.AccountStore)
	addAccounts(t, as,
		planwatch.Account{Name: "root", Role: planwatch.RoleAdmin},
		planwatch.Account{Name: "lan", Role: planwatch.RoleReporter, Units: []string{"178"}},
		planwatch.Account{Name: "viewer", Role: planwatch.RoleViewer},
		planwatch.Account{Name: "planner", Role: planwatch.RolePlanner})
	var log bytes.Buffer
	s := newTestServer(t, Config{Store: st, Accounts: as, PublicRead: public, Logger: slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	return s, as, &log
}

// addAccounts creates accounts whose password is testPassword.
func addAccounts(t *testing.T, as planwatch.AccountStore, accounts ...planwatch.Account) {
	t.Helper()
	hash, err := HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range accounts {
		a.PasswordHash = hash
		if err := as.CreateAccount(t.Context(), a); err != nil {
			t.Fatal(err)
		}
	}
}

// signedIn is a browser signed in as name.
func signedIn(t *testing.T, s http.Handler, name string) *client {
	t.Helper()
	c := newClient(t, s)
	if rec := c.signIn("192.0.2.7:1000", "", name, testPassword); rec.Code != http.StatusSeeOther {
		t.Fatalf("sign-in of %s: %d %s", name, rec.Code, bodyStart(body(rec)))
	}
	return c
}

// accountWrites are every account change the page offers, as forms.
var accountWrites = []struct {
	path string
	form url.Values
}{
	{"/accounts", url.Values{"name": {"mallory"}, "role": {"admin"}}},
	{"/accounts/update", url.Values{"name": {"lan"}, "role": {"admin"}}},
	{"/accounts/disable", url.Values{"name": {"root"}}},
	{"/accounts/enable", url.Values{"name": {"root"}}},
	{"/accounts/password", url.Values{"name": {"root"}}},
}

// TestAttackAccountsByNonAdmins: an anonymous visitor (public mode or not),
// a viewer, a reporter and a planner can neither see the accounts page nor
// make any account change; nothing is stored or audited.
func TestAttackAccountsByNonAdmins(t *testing.T) {
	for _, public := range []bool{false, true} {
		s, as, _ := accountsServer(t, public)
		before, _ := as.Accounts(t.Context())
		for _, who := range []string{"", "viewer", "lan", "planner"} {
			var c *client
			if who == "" {
				c = newClient(t, s)
				c.get("/login")
			} else {
				c = signedIn(t, s, who)
			}
			if rec := c.get("/accounts"); rec.Code == http.StatusOK || strings.Contains(body(rec), `id="accounts"`) {
				t.Errorf("public=%v %q opens /accounts: %d", public, who, rec.Code)
			}
			if rec := c.get("/api/accounts"); rec.Code != http.StatusUnauthorized && rec.Code != http.StatusForbidden {
				t.Errorf("public=%v %q reads /api/accounts: %d", public, who, rec.Code)
			}
			for _, w := range accountWrites {
				f := url.Values{}
				for k, v := range w.form {
					f[k] = v
				}
				rec := c.postForm(w.path, f)
				if rec.Code != http.StatusUnauthorized && rec.Code != http.StatusForbidden {
					t.Errorf("public=%v %q posts %s: %d, want 401/403", public, who, w.path, rec.Code)
				}
				if strings.Contains(body(rec), `id="one-time-password"`) {
					t.Errorf("public=%v %q got a one-time password from %s", public, who, w.path)
				}
			}
		}
		after, _ := as.Accounts(t.Context())
		if !reflect.DeepEqual(before, after) {
			t.Errorf("public=%v: accounts changed by non-administrators:\n%+v\n%+v", public, before, after)
		}
		if es, _ := s.store.Audit(t.Context(), planwatch.AuditQuery{Action: "user."}); len(es) != 0 {
			t.Errorf("public=%v: account changes audited: %+v", public, es)
		}
	}
}

// TestAttackAccountsForgery: an administrator's browser tricked into
// posting without the form token, with another browser's token, or from
// another site changes nothing.
func TestAttackAccountsForgery(t *testing.T) {
	s, as, _ := accountsServer(t, false)
	before, _ := as.Accounts(t.Context())
	admin := signedIn(t, s, "root")
	admin.get("/accounts")
	other := newClient(t, s)
	other.get("/login")
	for _, w := range accountWrites {
		for _, token := range []string{"", other.csrf, "x"} {
			f := url.Values{"_csrf": {token}}
			for k, v := range w.form {
				f[k] = v
			}
			if token == "" {
				f.Del("_csrf")
				req := httptest.NewRequest("POST", w.path, strings.NewReader(f.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				if rec := admin.do(req); rec.Code != http.StatusForbidden {
					t.Errorf("%s without a token: %d, want 403", w.path, rec.Code)
				}
				continue
			}
			if rec := admin.postForm(w.path, f); rec.Code != http.StatusForbidden {
				t.Errorf("%s with token %q: %d, want 403", w.path, token, rec.Code)
			}
		}
		f := url.Values{"_csrf": {admin.csrf}}
		for k, v := range w.form {
			f[k] = v
		}
		req := httptest.NewRequest("POST", w.path, strings.NewReader(f.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		if rec := admin.do(req); rec.Code != http.StatusForbidden {
			t.Errorf("%s from another site: %d, want 403", w.path, rec.Code)
		}
	}
	after, _ := as.Accounts(t.Context())
	if !reflect.DeepEqual(before, after) {
		t.Errorf("accounts changed by forged requests:\n%+v\n%+v", before, after)
	}
}

// TestAttackLastAdmin: the last enabled administrator can be neither
// disabled nor given another role, by itself or anyone; with a second
// administrator, it can.
func TestAttackLastAdmin(t *testing.T) {
	s, as, _ := accountsServer(t, false)
	admin := signedIn(t, s, "root")
	admin.get("/accounts")
	for _, w := range []struct {
		path string
		form url.Values
	}{
		{"/accounts/disable", url.Values{"name": {"root"}}},
		{"/accounts/update", url.Values{"name": {"root"}, "role": {"planner"}}},
	} {
		if rec := admin.postForm(w.path, w.form); rec.Code != http.StatusConflict || !strings.Contains(body(rec), "last enabled administrator") {
			t.Errorf("%s of the last admin: %d\n%s", w.path, rec.Code, bodyStart(body(rec)))
		}
	}
	if a, _ := as.Account(t.Context(), "root"); a.Disabled || a.Role != planwatch.RoleAdmin {
		t.Fatalf("the last admin was locked out: %+v", a)
	}
	// A disabled administrator does not count.
	if err := as.CreateAccount(t.Context(), planwatch.Account{Name: "old-admin", Role: planwatch.RoleAdmin, Disabled: true}); err != nil {
		t.Fatal(err)
	}
	if rec := admin.postForm("/accounts/disable", url.Values{"name": {"root"}}); rec.Code != http.StatusConflict {
		t.Errorf("disabling the last enabled admin beside a disabled one: %d", rec.Code)
	}
	if rec := admin.postForm("/accounts/enable", url.Values{"name": {"old-admin"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("enable: %d %s", rec.Code, bodyStart(body(rec)))
	}
	if rec := admin.postForm("/accounts/update", url.Values{"name": {"root"}, "role": {"planner"}}); rec.Code != http.StatusSeeOther {
		t.Errorf("demoting one of two admins: %d %s", rec.Code, bodyStart(body(rec)))
	}
	if a, _ := as.Account(t.Context(), "root"); a.Role != planwatch.RolePlanner {
		t.Errorf("root after demotion: %+v", a)
	}
}

var otpRe = regexp.MustCompile(`<code class="otp">([^<]+)</code>`)

// TestAccountsPage: an administrator creates a reporter with its scopes,
// gets a one-time password shown once, changes the scopes, disables,
// enables and resets the password; every step is audited, sessions end
// where they must, and the password is nowhere but in that one answer.
func TestAccountsPage(t *testing.T) {
	s, as, log := accountsServer(t, false)
	ctx := t.Context()
	admin := signedIn(t, s, "root")
	if rec := admin.get("/accounts"); rec.Code != http.StatusOK || !strings.Contains(body(rec), `data-account="lan"`) {
		t.Fatalf("accounts page: %d %s", rec.Code, bodyStart(body(rec)))
	}
	// The API lists the accounts, never a hash.
	if rec := admin.get("/api/accounts"); rec.Code != http.StatusOK || !strings.Contains(body(rec), `"name": "lan"`) || strings.Contains(body(rec), "argon2") {
		t.Errorf("/api/accounts: %d %s", rec.Code, bodyStart(body(rec)))
	}
	// Unknown scopes are named, and nothing is created.
	rec := admin.postForm("/accounts", url.Values{"name": {"hoa"}, "role": {"reporter"}, "units": {"178, 999"}, "indicators": {"nope.x"}, "sectors": {"Không có"}})
	if rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("bad scopes: %d", rec.Code)
	}
	for _, want := range []string{"999", "nope.x", "Không có"} {
		if !strings.Contains(body(rec), want) {
			t.Errorf("the refusal does not name %q", want)
		}
	}
	if _, err := as.Account(ctx, "hoa"); planwatch.ErrorCode(err) != planwatch.ENOTFOUND {
		t.Errorf("a refused account was created: %v", err)
	}
	for _, bad := range []url.Values{
		{"name": {"lan"}, "role": {"reporter"}},                 // taken
		{"name": {"a b"}, "role": {"reporter"}},                 // space
		{"name": {"x"}, "role": {"superuser"}},                  // no such role
		{"name": {strings.Repeat("n", 65)}, "role": {"viewer"}}, // too long
	} {
		if rec := admin.postForm("/accounts", bad); rec.Code == http.StatusOK || otpRe.MatchString(body(rec)) {
			t.Errorf("account %v: %d", bad, rec.Code)
		}
	}

	rec = admin.postForm("/accounts", url.Values{"name": {"hoa"}, "role": {"reporter"}, "units": {"178 180"}, "sectors": {"Thương mại, dịch vụ"}})
	m := otpRe.FindStringSubmatch(body(rec))
	if rec.Code != http.StatusOK || m == nil {
		t.Fatalf("create: %d %s", rec.Code, bodyStart(body(rec)))
	}
	pw := m[1]
	if len(pw) != oneTimePasswordLen || rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("one-time password %q, Cache-Control %q", pw, rec.Header().Get("Cache-Control"))
	}
	a, err := as.Account(ctx, "hoa")
	if err != nil || a.Role != planwatch.RoleReporter || !reflect.DeepEqual(a.Units, []string{"178", "180"}) || !reflect.DeepEqual(a.Sectors, []string{"Thương mại, dịch vụ"}) {
		t.Fatalf("created account: %+v %v", a, err)
	}
	if strings.Contains(a.PasswordHash, pw) || !strings.HasPrefix(a.PasswordHash, "$argon2id$") || !CheckPassword(a.PasswordHash, pw) {
		t.Errorf("stored hash %q does not hash the shown password", a.PasswordHash)
	}
	if again := admin.get("/accounts"); strings.Contains(body(again), pw) {
		t.Error("the one-time password is shown a second time")
	}
	// The new reporter signs in with it, within its scope.
	hoa := newClient(t, s)
	if rec := hoa.signIn("192.0.2.8:1000", "", "hoa", pw); rec.Code != http.StatusSeeOther {
		t.Fatalf("sign-in with the one-time password: %d", rec.Code)
	}
	// The one-time password opens nothing but the page where the reporter
	// chooses its own.
	if rec := hoa.get("/entry?unit=178"); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/password?next=") {
		t.Errorf("a page before changing the one-time password: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	if rec := hoa.postJSON("/api/values", `[{"indicator":"trade.retail_sales_services","orgunit":"178","period":"2022Q2","value":1}]`); rec.Code != http.StatusForbidden {
		t.Errorf("a write before changing the one-time password: %d", rec.Code)
	}
	noMissing(t, body(hoa.get("/password")))
	for _, bad := range []url.Values{
		{"current": {"wrong password"}, "new": {"mật khẩu mới 1"}, "again": {"mật khẩu mới 1"}},
		{"current": {pw}, "new": {"ngắn"}, "again": {"ngắn"}},
		{"current": {pw}, "new": {"mật khẩu mới 1"}, "again": {"mật khẩu mới 2"}},
		{"current": {pw}, "new": {pw}, "again": {pw}},
	} {
		if rec := hoa.postForm("/password", bad); rec.Code == http.StatusSeeOther {
			t.Errorf("password change %v accepted", bad)
		}
	}
	if rec := hoa.postForm("/password", url.Values{"current": {pw}, "new": {"mật khẩu mới 1"}, "again": {"mật khẩu mới 1"}, "next": {"/entry"}}); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/entry" {
		t.Fatalf("password change: %d %q %s", rec.Code, rec.Header().Get("Location"), bodyStart(body(rec)))
	}
	if a, _ := as.Account(ctx, "hoa"); a.MustChangePassword || !CheckPassword(a.PasswordHash, "mật khẩu mới 1") {
		t.Errorf("after the change: must change %v", a.MustChangePassword)
	}
	if rec := hoa.get("/entry?unit=178"); rec.Code != http.StatusOK {
		t.Errorf("the entry page after the change: %d", rec.Code)
	}
	if rec := hoa.get("/accounts"); rec.Code != http.StatusForbidden {
		t.Errorf("the new reporter opens /accounts: %d", rec.Code)
	}
	if rec := newClient(t, s).signIn("192.0.2.12:1000", "", "hoa", pw); rec.Code == http.StatusSeeOther {
		t.Error("the one-time password works twice")
	}

	// Scope and role changes; the reporter's session ends with them.
	if rec := admin.postForm("/accounts/update", url.Values{"name": {"hoa"}, "role": {"reporter"}, "units": {"180"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("update: %d %s", rec.Code, bodyStart(body(rec)))
	}
	if a, _ := as.Account(ctx, "hoa"); !reflect.DeepEqual(a.Units, []string{"180"}) || a.Sectors != nil {
		t.Errorf("after update: %+v", a)
	}
	if rec := hoa.get("/entry"); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login") {
		t.Error("the session survived a change of scope")
	}
	if rec := admin.postForm("/accounts/update", url.Values{"name": {"hoa"}, "role": {"reporter"}, "units": {"20x"}}); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("update with an unknown unit: %d", rec.Code)
	}
	// Disable: signing in fails; enable: it works again.
	if rec := admin.postForm("/accounts/disable", url.Values{"name": {"hoa"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("disable: %d", rec.Code)
	}
	if rec := newClient(t, s).signIn("192.0.2.9:1000", "", "hoa", pw); rec.Code == http.StatusSeeOther {
		t.Error("a disabled account signs in")
	}
	if rec := admin.postForm("/accounts/enable", url.Values{"name": {"hoa"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("enable: %d", rec.Code)
	}
	// Reset: a new password, the old one no longer works.
	rec = admin.postForm("/accounts/password", url.Values{"name": {"hoa"}})
	m = otpRe.FindStringSubmatch(body(rec))
	if m == nil || m[1] == pw {
		t.Fatalf("reset: %d %v", rec.Code, m)
	}
	pw2 := m[1]
	if rec := newClient(t, s).signIn("192.0.2.10:1000", "", "hoa", "mật khẩu mới 1"); rec.Code == http.StatusSeeOther {
		t.Error("the old password still works after a reset")
	}
	if rec := newClient(t, s).signIn("192.0.2.11:1000", "", "hoa", pw2); rec.Code != http.StatusSeeOther {
		t.Errorf("the reset password does not work: %d", rec.Code)
	}
	if rec := admin.postForm("/accounts/password", url.Values{"name": {"nobody"}}); rec.Code != http.StatusNotFound {
		t.Errorf("reset of an unknown account: %d", rec.Code)
	}

	// Audited, by the administrator, from the client's address (httptest's
	// for the requests after signing in); neither
	// password is in the audit or the log.
	es, err := s.store.Audit(ctx, planwatch.AuditQuery{Entity: "user/hoa"})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range es {
		if strings.HasPrefix(e.Action, "user.") {
			actions = append(actions, e.Action)
			if (e.By != "root" && !(e.By == "hoa" && e.Action == "user.password")) || e.From != "192.0.2.1" {
				t.Errorf("audit entry %+v: by/from", e)
			}
		}
		for _, f := range []string{e.Old, e.New, e.Detail} {
			if strings.Contains(f, pw) || strings.Contains(f, pw2) || strings.Contains(f, "mật khẩu mới") || strings.Contains(f, "argon2") {
				t.Errorf("audit entry %s holds a password or hash: %q", e.Action, f)
			}
		}
	}
	if want := []string{"user.password", "user.enable", "user.disable", "user.set", "user.password", "user.add"}; !reflect.DeepEqual(actions, want) {
		t.Errorf("audited %v, want %v", actions, want)
	}
	if strings.Contains(log.String(), pw) || strings.Contains(log.String(), pw2) || strings.Contains(log.String(), "mật khẩu mới") {
		t.Error("a one-time password is in the log")
	}
}

// TestOneTimePassword: passwords differ and use only the alphabet.
func TestOneTimePassword(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		pw := newOneTimePassword()
		if len(pw) != oneTimePasswordLen || strings.Trim(pw, passwordAlphabet) != "" || seen[pw] {
			t.Fatalf("password %q", pw)
		}
		seen[pw] = true
	}
}

// TestAttackResetUndoesDisable: an administrator disables an account whose
// password another administrator is resetting at that moment (the reset
// hashing its one-time password): the account must stay disabled — the
// reset must not write back the state it read before the disable.
func TestAttackResetUndoesDisable(t *testing.T) {
	s, as, _ := accountsServer(t, false)
	resetter, disabler := signedIn(t, s, "root"), signedIn(t, s, "root")
	resetter.get("/accounts") // each has the page's form token
	disabler.get("/accounts")
	done := make(chan int)
	go func() {
		done <- resetter.postForm("/accounts/password", url.Values{"name": {"lan"}}).Code
	}()
	time.Sleep(20 * time.Millisecond) // the reset is hashing (argon2id takes longer)
	if rec := disabler.postForm("/accounts/disable", url.Values{"name": {"lan"}}); rec.Code != http.StatusOK && rec.Code != http.StatusSeeOther {
		t.Fatalf("disable: %d %s", rec.Code, bodyStart(body(rec)))
	}
	if code := <-done; code != http.StatusOK && code != http.StatusSeeOther {
		t.Fatalf("reset: %d", code)
	}
	a, err := as.Account(t.Context(), "lan")
	if err != nil {
		t.Fatal(err)
	}
	if !a.Disabled {
		t.Fatal("the account was disabled during a password reset and is enabled again: the reset wrote back what it read before")
	}
}
