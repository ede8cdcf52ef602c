package web

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestAttackCachingCookiesMarkdown (issue 15, 12): no Cache-Control:
// no-store on the API, exports and the audit; the first form-token cookie
// without Secure behind an HTTPS proxy; note text as raw HTML in the
// Markdown report.
func TestAttackCachingCookiesMarkdown(t *testing.T) {
	// httptest's peer (192.0.2.1) is the trusted HTTPS proxy.
	s := newTestServer(t, Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("192.0.2.1/32")}})
	c := newClient(t, s)
	for _, path := range []string{"/api/values?unit=20", "/api/audit", "/audit", "/export?unit=20&period=2022Q1&format=csv",
		"/api/dataValueSets?orgUnit=20", "/report/download?unit=20&period=2022Q1&format=md", "/entry?unit=20&period=2022Q1"} {
		rec := c.get(path)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Header().Get("Cache-Control"), "no-store") {
			t.Errorf("%s: %d, Cache-Control %q", path, rec.Code, rec.Header().Get("Cache-Control"))
		}
	}
	if cc := c.get("/static/style.css").Header().Get("Cache-Control"); strings.Contains(cc, "no-store") {
		t.Errorf("static files are not to be cached: %q", cc)
	}

	req := httptest.NewRequest("GET", "/login", nil)
	req.Header.Set("X-Forwarded-Proto", "https")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	for _, ck := range rec.Result().Cookies() {
		if ck.Name == csrfCookie && !ck.Secure {
			t.Errorf("the first form-token cookie behind an HTTPS proxy is not Secure: %+v", ck)
		}
	}

	c.get("/report?unit=20&period=2022Q1")
	for _, text := range []string{`<img src=x onerror=alert(1)>Sức mua tăng`, `[bấm vào đây](javascript:alert(1))`} {
		if rec := c.postForm("/report/notes", url.Values{"unit": {"20"}, "period": {"2022Q1"}, "section": {"trade"}, "text": {text}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("note: %d", rec.Code)
		}
		md := body(c.get("/report/download?unit=20&period=2022Q1&format=md"))
		if strings.Contains(md, "<img") || regexp.MustCompile(`[^\\]\]\(javascript:`).MatchString(md) {
			t.Errorf("the Markdown report carries the note as markup:\n%s", md)
		}
		if !strings.Contains(md, "bấm vào đây") && !strings.Contains(md, "Sức mua tăng") {
			t.Errorf("the note is not in the report")
		}
	}
}
