package web

import (
	"net/http"
	"net/http/httptest"
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
	ss := NewSessions(time.Hour, func() time.Time { return now })
	// A browser arriving with a planted id gets a fresh one at sign-in.
	req := httptest.NewRequest("POST", "/login", nil)
	req.AddCookie(httptestCookie{}.cookie("planted"))
	rec := httptest.NewRecorder()
	ss.Start(rec, req, User{Name: "lan", Role: RolePlanner})
	var id string
	for _, c := range rec.Result().Cookies() {
		if c.Name == sessionCookie && c.Value != "" {
			id = c.Value
			if !c.HttpOnly || c.SameSite == 0 {
				t.Error("session cookie must be HttpOnly and SameSite")
			}
		}
	}
	if id == "" || id == "planted" {
		t.Fatalf("session id %q", id)
	}
	r2 := httptest.NewRequest("GET", "/", nil)
	r2.AddCookie(httptestCookie{}.cookie(id))
	if u, _ := ss.Authenticate(r2); u == nil || u.Name != "lan" {
		t.Fatalf("user %v", u)
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

type httptestCookie struct{}

func (httptestCookie) cookie(v string) *http.Cookie {
	return &http.Cookie{Name: sessionCookie, Value: v}
}
