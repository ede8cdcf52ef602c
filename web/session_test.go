package web

import (
	"net/http"
	"net/http/httptest"
	"planwatch"
	"strings"
	"testing"
	"time"
)

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("mật khẩu đúng")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$") {
		t.Errorf("hash %q", h)
	}
	if !CheckPassword(h, "mật khẩu đúng") || CheckPassword(h, "mật khẩu sai") || CheckPassword("garbage", "x") {
		t.Error("CheckPassword wrong")
	}
	if h2, _ := HashPassword("mật khẩu đúng"); h2 == h {
		t.Error("hashes must be salted")
	}
}

func TestSessionsRotateAndExpire(t *testing.T) {
	now := testNow
	st := newTestStore(t, false).(planwatch.AccountStore)
	ctx := t.Context()
	if err := st.CreateAccount(ctx, planwatch.Account{Name: "lan", Role: planwatch.RolePlanner}); err != nil {
		t.Fatal(err)
	}
	ss := NewSessions(st, time.Hour, func() time.Time { return now })
	// A browser arriving with a planted id gets a fresh one at sign-in.
	req := httptest.NewRequest("POST", "/login", nil)
	req.AddCookie(httptestCookie{}.cookie("planted"))
	rec := httptest.NewRecorder()
	if err := ss.Start(ctx, rec, req, "lan"); err != nil {
		t.Fatal(err)
	}
	var id string
	for _, c := range rec.Result().Cookies() {
		if c.Name == sessionCookie && c.Value != "" {
			id = c.Value
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
				t.Error("session cookie must be HttpOnly and SameSite")
			}
		}
	}
	if id == "" || id == "planted" {
		t.Fatalf("session id %q", id)
	}
	if _, err := st.Session(ctx, id); planwatch.ErrorCode(err) != planwatch.ENOTFOUND {
		t.Error("the store keeps the session id itself, not its hash")
	}
	r2 := httptest.NewRequest("GET", "/", nil)
	r2.AddCookie(httptestCookie{}.cookie(id))
	if u, _ := ss.Authenticate(r2); u == nil || u.Name != "lan" || u.Role != RolePlanner {
		t.Fatalf("user %v", u)
	}
	// Another instance on the same store knows the session.
	other := NewSessions(st, time.Hour, func() time.Time { return now })
	if u, _ := other.Authenticate(r2); u == nil || u.Name != "lan" {
		t.Error("sessions are not shared through the store")
	}
	planted := httptest.NewRequest("GET", "/", nil)
	planted.AddCookie(httptestCookie{}.cookie("planted"))
	if u, _ := ss.Authenticate(planted); u != nil {
		t.Error("a planted id authenticated")
	}
	now = now.Add(2 * time.Hour)
	if u, _ := ss.Authenticate(r2); u != nil {
		t.Error("an expired session authenticated")
	}
}

func TestSessionsSecureCookie(t *testing.T) {
	st := newTestStore(t, false).(planwatch.AccountStore)
	if err := st.CreateAccount(t.Context(), planwatch.Account{Name: "lan", Role: planwatch.RoleViewer}); err != nil {
		t.Fatal(err)
	}
	ss := NewSessions(st, time.Hour, nil)
	req := httptest.NewRequest("POST", "https://planwatch.example/login", nil)
	rec := httptest.NewRecorder()
	if err := ss.Start(t.Context(), rec, req, "lan"); err != nil {
		t.Fatal(err)
	}
	for _, c := range rec.Result().Cookies() {
		if c.Name == sessionCookie && c.Value != "" && !c.Secure {
			t.Error("session cookie over HTTPS must be Secure")
		}
	}
}

func TestSessionsDisabledAccount(t *testing.T) {
	st := newTestStore(t, false).(planwatch.AccountStore)
	ctx := t.Context()
	a := planwatch.Account{Name: "lan", Role: planwatch.RoleReporter}
	if err := st.CreateAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	ss := NewSessions(st, time.Hour, nil)
	rec := httptest.NewRecorder()
	if err := ss.Start(ctx, rec, httptest.NewRequest("POST", "/login", nil), "lan"); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/", nil)
	for _, c := range rec.Result().Cookies() {
		req.AddCookie(c)
	}
	if u, _ := ss.Authenticate(req); u == nil {
		t.Fatal("no user")
	}
	off := true
	if _, _, err := st.ChangeAccount(ctx, planwatch.AccountChange{Name: a.Name, Disabled: &off, Audit: planwatch.AuditEntry{Action: "user.disable", By: "test"}}); err != nil {
		t.Fatal(err)
	}
	if u, _ := ss.Authenticate(req); u != nil {
		t.Error("a disabled account is still signed in")
	}
}

type httptestCookie struct{}

func (httptestCookie) cookie(v string) *http.Cookie {
	return &http.Cookie{Name: sessionCookie, Value: v}
}
