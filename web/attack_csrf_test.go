package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestAttackCSRFEveryWrite: every state-changing route, signing in and
// out included, refuses what another site can make a signed-in
// administrator's browser send — a form (urlencoded, multipart or
// text/plain) without this browser's token, or with it but marked
// cross-site by the browser — before doing anything.
func TestAttackCSRFEveryWrite(t *testing.T) {
	s, _ := newAccountServer(t, false)
	c := newClient(t, s)
	login(c, "an", testPassword)
	c.get("/accounts")
	if c.jar[sessionCookie] == nil || c.jar[csrfCookie] == nil {
		t.Fatal("not signed in")
	}
	n := 0
	for _, rt := range s.routes {
		method, path := concretePath(rt.pattern)
		if method == "GET" || rt.pattern == "/" {
			continue
		}
		n++
		cases := []struct {
			name, ct, body string
			crossSite      bool
		}{
			{"form without token", "application/x-www-form-urlencoded", "name=xem&unit=20&period=2022Q1", false},
			{"text/plain without token", "text/plain", "name=xem&unit=20&period=2022Q1", false},
			{"multipart without token", "multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nxem\r\n--b--\r\n", false},
			{"another token", "application/x-www-form-urlencoded", "_csrf=" + strings.Repeat("A", 43) + "&name=xem", false},
			{"cross-site with the token", "application/x-www-form-urlencoded", "_csrf=" + c.csrf + "&name=xem&unit=20&period=2022Q1", true},
		}
		for _, tc := range cases {
			req := httptest.NewRequest(method, path, strings.NewReader(tc.body))
			req.Header.Set("Content-Type", tc.ct)
			if tc.crossSite {
				req.Header.Set("Sec-Fetch-Site", "cross-site")
			}
			if rec := c.do(req); rec.Code != http.StatusForbidden {
				t.Errorf("%s %s, %s: status %d, want 403", method, path, tc.name, rec.Code)
			}
		}
	}
	if n < 30 {
		t.Errorf("only %d state-changing routes", n)
	}
	// Still signed in and able to write with the token: the refusals were
	// for the missing token, not for the session.
	c.get("/accounts")
	if c.jar[sessionCookie] == nil || c.jar[sessionCookie].Value == "" {
		t.Error("a refused request signed the administrator out")
	}
}
