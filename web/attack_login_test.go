package web

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"planwatch"
)

// The attacks of issue 15 on signing in (2, 3, 9, 10).

// signInFrom posts the sign-in form from a fresh browser at addr (and, when
// forwardedFor is set, through a proxy saying so).
func signInFrom(t *testing.T, s http.Handler, addr, forwardedFor, name, password string) *httptest.ResponseRecorder {
	t.Helper()
	c := newClient(t, s)
	return c.signIn(addr, forwardedFor, name, password)
}

func (c *client) signIn(addr, forwardedFor, name, password string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("GET", "/login", nil)
	req.RemoteAddr = addr
	c.do(req)
	form := url.Values{"name": {name}, "password": {password}, "next": {"/"}, "_csrf": {c.csrf}}
	req = httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = addr
	if forwardedFor != "" {
		req.Header.Set("X-Forwarded-For", forwardedFor)
	}
	return c.do(req)
}

// concurrently runs n sign-ins at once (each from its own browser, prepared
// first) and returns their statuses.
func concurrently(t *testing.T, s http.Handler, n int, attempt func(i int) (addr, name, password string)) []int {
	t.Helper()
	type prepared struct {
		c   *client
		req *http.Request
	}
	reqs := make([]prepared, n)
	for i := range reqs {
		addr, name, password := attempt(i)
		c := newClient(t, s)
		get := httptest.NewRequest("GET", "/login", nil)
		get.RemoteAddr = addr
		c.do(get)
		form := url.Values{"name": {name}, "password": {password}, "next": {"/"}, "_csrf": {c.csrf}}
		req := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.RemoteAddr = addr
		reqs[i] = prepared{c, req}
	}
	codes := make([]int, n)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range reqs {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			codes[i] = reqs[i].c.do(reqs[i].req).Code
		}()
	}
	start.Done()
	done.Wait()
	return codes
}

func countCodes(codes []int) map[int]int {
	m := map[int]int{}
	for _, c := range codes {
		m[c]++
	}
	return m
}

// peakHashes replaces the password check by one that takes a while, as
// argon2 does, and counts how many run at once, for the length of the test.
func peakHashes(t *testing.T) *atomic.Int64 {
	var running, peak atomic.Int64
	old := checkPassword
	checkPassword = func(hash, password string) bool {
		n := running.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		defer running.Add(-1)
		time.Sleep(30 * time.Millisecond)
		return hash == testHash && password == testPassword
	}
	t.Cleanup(func() { checkPassword = old })
	return &peak
}

// fastPasswords makes the password check cheap for the length of a test
// that signs in many times: the limits, not argon2, are under test.
func fastPasswords(t *testing.T) {
	old := checkPassword
	checkPassword = func(hash, password string) bool { return hash == testHash && password == testPassword }
	t.Cleanup(func() { checkPassword = old })
}

// TestAttackConcurrentSignIns (issue 15, 2): fifteen sign-ins at once for
// one name, fourteen wrong and one right, from fifteen addresses: the limit
// of five checked passwords per name held only for sequential attempts.
func TestAttackConcurrentSignIns(t *testing.T) {
	s, _ := newAccountServer(t, false)
	peakHashes(t)
	codes := concurrently(t, s, 15, func(i int) (string, string, string) {
		pw := "sai"
		if i == 14 {
			pw = testPassword
		}
		return "198.51.100." + itoa(i+1) + ":4000", "lan", pw
	})
	m := countCodes(codes)
	if checked := m[http.StatusUnauthorized] + m[http.StatusSeeOther]; checked > maxFailsPerUser || m[http.StatusTooManyRequests] < 15-maxFailsPerUser {
		t.Errorf("15 concurrent sign-ins for one name: %v; at most %d passwords may be checked", m, maxFailsPerUser)
	}
}

// TestAttackConcurrentSignInsOneAddress (issue 15, 2): thirty wrong
// sign-ins at once from one address got no 429, and every one hashed its
// password with 64 MiB at the same time (RSS 0.8 → 2.5 GB).
func TestAttackConcurrentSignInsOneAddress(t *testing.T) {
	s, _ := newAccountServer(t, false)
	peak := peakHashes(t)
	codes := concurrently(t, s, 30, func(i int) (string, string, string) {
		return "203.0.113.9:5000", "name" + itoa(i), "sai"
	})
	m := countCodes(codes)
	if m[http.StatusUnauthorized] > maxFailsPerIP || m[http.StatusTooManyRequests] < 30-maxFailsPerIP {
		t.Errorf("30 concurrent sign-ins from one address: %v; at most %d may be checked", m, maxFailsPerIP)
	}
	if p := peak.Load(); p > maxConcurrentHashes {
		t.Errorf("%d passwords hashed at once (64 MiB each), at most %d allowed", p, maxConcurrentHashes)
	}
}

// TestAttackSignInAuditFlood (issue 15, 3): refused sign-ins wrote audit
// rows for anyone (~1,200/s), a 1 MiB name was stored twice and echoed
// back, and the audit cannot be pruned.
func TestAttackSignInAuditFlood(t *testing.T) {
	fastPasswords(t)
	s, st := newAccountServer(t, false)
	audited := func() int {
		es, err := st.Audit(t.Context(), planwatch.AuditQuery{Action: "login"})
		if err != nil {
			t.Fatal(err)
		}
		return len(es)
	}
	huge := strings.Repeat("n", 1<<20)
	rec := signInFrom(t, s, "198.51.100.1:1", "", huge, "x")
	if rec.Code == http.StatusSeeOther || strings.Contains(body(rec), strings.Repeat("n", 1000)) {
		t.Errorf("a 1 MiB name: status %d, echoed back: %v", rec.Code, strings.Contains(body(rec), strings.Repeat("n", 1000)))
	}
	// Names nobody has, from many addresses: nothing for the audit.
	for i := range 40 {
		signInFrom(t, s, "198.51.100."+itoa(i+2)+":1", "", "ghost"+itoa(i), "x")
	}
	// One address past its limit: refused, and refusals are not audited one by one.
	for i := range maxFailsPerIP + 30 {
		signInFrom(t, s, "203.0.113.7:1", "", "ghost"+itoa(i), "x")
	}
	if n := audited(); n > 1 {
		es, _ := st.Audit(t.Context(), planwatch.AuditQuery{Action: "login"})
		t.Errorf("%d audit entries for sign-ins to no account, e.g. %+v", n, es[0])
	}
	// An account's failures are audited, up to its lock, which is audited once.
	for range maxFailsPerUser + 10 {
		signInFrom(t, s, "198.51.100.200:1", "", "lan", "sai")
	}
	failed, _ := st.Audit(t.Context(), planwatch.AuditQuery{Action: "login.failed"})
	locked, _ := st.Audit(t.Context(), planwatch.AuditQuery{Action: "login.locked", Entity: "user/lan"})
	if len(failed) != maxFailsPerUser || len(locked) != 1 {
		t.Errorf("audit of lan's failures: %d failed (want %d), %d locked (want 1)", len(failed), maxFailsPerUser, len(locked))
	}
}

// TestAttackLockout (issue 15, 9): five wrong passwords from anywhere
// locked the account for its owner too, and one address's failures
// locked out everyone behind that proxy.
func TestAttackLockout(t *testing.T) {
	fastPasswords(t)
	s, _ := newAccountServer(t, false)
	// The owner signed in on this browser before.
	owner := newClient(t, s)
	if rec := owner.signIn("192.0.2.50:1", "", "lan", testPassword); rec.Code != http.StatusSeeOther {
		t.Fatalf("first sign-in: %d", rec.Code)
	}
	owner.postForm("/logout", url.Values{})
	// Someone elsewhere tries to lock her out.
	for range maxFailsPerUser + 3 {
		signInFrom(t, s, "203.0.113.66:1", "", "lan", "sai")
	}
	if rec := signInFrom(t, s, "203.0.113.67:1", "", "lan", testPassword); rec.Code != http.StatusTooManyRequests {
		t.Errorf("a new browser after the lock: %d, want 429", rec.Code)
	}
	if rec := owner.signIn("192.0.2.50:1", "", "lan", testPassword); rec.Code != http.StatusSeeOther {
		t.Errorf("the owner on her usual browser after someone else's failures: %d", rec.Code)
	}

	// Behind a proxy the server trusts, each client counts on its own.
	s2, _ := newAccountServer(t, false)
	s2.cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	for i := range maxFailsPerIP + 2 {
		signInFrom(t, s2, "10.1.1.1:1", "198.51.100.9", "name"+itoa(i), "sai")
	}
	if rec := signInFrom(t, s2, "10.1.1.1:1", "198.51.100.10", "xem", testPassword); rec.Code != http.StatusSeeOther {
		t.Errorf("another client behind the same proxy: %d", rec.Code)
	}
	if rec := signInFrom(t, s2, "10.1.1.1:1", "198.51.100.9", "an", testPassword); rec.Code != http.StatusTooManyRequests {
		t.Errorf("the failing client behind the proxy: %d, want 429", rec.Code)
	}
	// An address that is not a trusted proxy cannot choose its own.
	for i := range maxFailsPerIP + 2 {
		signInFrom(t, s2, "203.0.113.5:1", "198.51.100."+itoa(i), "name"+itoa(i), "sai")
	}
	if rec := signInFrom(t, s2, "203.0.113.5:1", "198.51.100.99", "an", testPassword); rec.Code != http.StatusTooManyRequests {
		t.Errorf("forged X-Forwarded-For from an untrusted peer: %d, want 429", rec.Code)
	}
}

// TestAttackOpenRedirect (issue 15, 10): /login?next=/%09/evil.example
// answered Location: /\t/evil.example, which browsers read as //evil.example.
func TestAttackOpenRedirect(t *testing.T) {
	fastPasswords(t)
	s, _ := newAccountServer(t, false)
	for _, next := range []string{"/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "/ /evil.example", "//evil.example",
		"/\\evil.example", "\\\\evil.example", "https://evil.example", "/%2F/evil.example", "/\x00/evil.example", "/\u00a0/evil.example",
		"javascript:alert(1)", "/\\/evil.example"} {
		c := newClient(t, s)
		c.get("/login?next=" + url.QueryEscape(next))
		rec := c.postForm("/login", url.Values{"name": {"xem"}, "password": {testPassword}, "next": {next}})
		loc := rec.Header().Get("Location")
		u, err := url.Parse(loc)
		if rec.Code != http.StatusSeeOther || err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(loc, "/") ||
			strings.ContainsAny(loc, "\t\r\n\\ \x00") || strings.HasPrefix(loc, "//") || strings.HasPrefix(strings.ToLower(loc), "/%2f") {
			t.Errorf("next=%q: %d Location %q", next, rec.Code, loc)
		}
	}
	// A real page stays the target.
	c := newClient(t, s)
	c.get("/login")
	if rec := c.postForm("/login", url.Values{"name": {"xem"}, "password": {testPassword}, "next": {"/entry?unit=178&period=2022Q1"}}); rec.Header().Get("Location") != "/entry?unit=178&period=2022Q1" {
		t.Errorf("a local next: %q", rec.Header().Get("Location"))
	}
}

// TestAttackAccountNamesShown (issue 15, 9): account names were shown to
// viewers and anonymous readers (values' "by", completeness "remind",
// approvals), handing an attacker the names to guess passwords for.
func TestAttackAccountNamesShown(t *testing.T) {
	fastPasswords(t)
	s, st := newAccountServer(t, true)
	ctx := t.Context()
	for _, a := range []planwatch.Account{
		{Name: "nguyenvana", Role: planwatch.RoleReporter, Units: []string{"178"}, PasswordHash: testHash},
		{Name: "tranthib", Role: planwatch.RolePlanner, PasswordHash: testHash},
	} {
		if err := st.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	v := qv("trade.retail_sales_services", "178", "2022Q2", 3100e9)
	if _, err := st.Apply(ctx, &planwatch.ChangeSet{By: "nguyenvana", From: "test", Values: []planwatch.DataValue{v}}); err != nil {
		t.Fatal(err)
	}
	if err := st.SetApproval(ctx, planwatch.Approval{Unit: "178", Period: planwatch.MustPeriod("2022Q1"), State: planwatch.ApprovalApproved, By: "tranthib", At: testNow}); err != nil {
		t.Fatal(err)
	}
	paths := []string{
		"/api/values?unit=178", "/api/values/trade.retail_sales_services/178/2022Q2/revisions", "/api/approvals?unit=178",
		"/api/completeness?unit=20&period=2022Q1", "/completeness?unit=20&period=2022Q1",
		"/indicators/trade.retail_sales_services?unit=178&period=2022Q2", "/approvals?unit=20&period=2022Q1",
		"/entry?unit=178&period=2022Q1", "/api/dataValueSets?orgUnit=178",
	}
	shows := func(c *client, path string) bool {
		rec := c.get(path)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d", path, rec.Code)
		}
		b := rec.Body.String()
		return strings.Contains(b, "nguyenvana") || strings.Contains(b, "tranthib")
	}
	anon := newClient(t, s)
	viewer := newClient(t, s)
	viewer.signIn("192.0.2.1:1", "", "xem", testPassword)
	reporter := newClient(t, s)
	reporter.signIn("192.0.2.1:1", "", "lan", testPassword)
	for _, path := range paths {
		if shows(anon, path) {
			t.Errorf("%s shows account names to an anonymous reader", path)
		}
		if shows(viewer, path) {
			t.Errorf("%s shows account names to a viewer", path)
		}
	}
	// Those who write still see who wrote what.
	for _, path := range []string{"/api/values?unit=178", "/api/approvals?unit=178", "/api/completeness?unit=20&period=2022Q1", "/approvals?unit=20&period=2022Q1"} {
		if !shows(reporter, path) {
			t.Errorf("%s hides names from a reporter", path)
		}
	}
}

// TestAttackSignInIPv6Rotation (sixth session): sign-in failures were
// counted by the client's whole address, and anyone on IPv6 holds at least
// a /64 (2^64 addresses): trying one password on many accounts from a new
// address each time never met the limit per address (maxFailsPerIP). An
// IPv6 client counts by its /64 network; another network is not held back.
func TestAttackSignInIPv6Rotation(t *testing.T) {
	fastPasswords(t)
	s, _ := newAccountServer(t, false)
	for i := range maxFailsPerIP + 2 {
		signInFrom(t, s, "[2001:db8:1:2::"+strconv.FormatInt(int64(i+1), 16)+"]:1", "", "name"+itoa(i), "sai")
	}
	if rec := signInFrom(t, s, "[2001:db8:1:2:ffff:ffff:ffff:fffe]:1", "", "an", testPassword); rec.Code != http.StatusTooManyRequests {
		t.Errorf("another address of the same /64 after %d failures: %d, want 429", maxFailsPerIP+2, rec.Code)
	}
	if rec := signInFrom(t, s, "[2001:db8:1:3::1]:1", "", "an", testPassword); rec.Code != http.StatusSeeOther {
		t.Errorf("an address of another /64: %d, want signed in", rec.Code)
	}
}
