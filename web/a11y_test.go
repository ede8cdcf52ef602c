package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"planwatch/web/i18n"
)

// The slow-network and public-mode parts of issue 13, part 9; the browser
// parts (axe-core, 320 px) are in a11y_browser_test.go.

func getWith(t *testing.T, h http.Handler, method, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestGzip: pages, JSON and static text are compressed when the client
// accepts gzip, to the same bytes; not when it does not (or refuses with
// q=0), not for HEAD, partial content or files already compressed.
func TestGzip(t *testing.T) {
	s := newTestServer(t, Config{Store: demoStore(t)})
	for _, target := range []string{"/report?unit=20&period=2022Q1", "/api/analytics/status?unit=20&period=2022Q1", "/static/style.css", "/export?unit=20&period=2022Q1&format=csv"} {
		plain := getWith(t, s, "GET", target)
		zipped := getWith(t, s, "GET", target, "Accept-Encoding", "gzip, deflate, br")
		if plain.Code != http.StatusOK || zipped.Code != http.StatusOK {
			t.Fatalf("%s: %d %d", target, plain.Code, zipped.Code)
		}
		if ce := plain.Header().Get("Content-Encoding"); ce != "" {
			t.Errorf("%s without Accept-Encoding: Content-Encoding %q", target, ce)
		}
		if zipped.Header().Get("Content-Encoding") != "gzip" {
			t.Errorf("%s: not compressed (%q)", target, zipped.Header().Get("Content-Encoding"))
			continue
		}
		for _, rec := range []*httptest.ResponseRecorder{plain, zipped} {
			if !strings.Contains(strings.Join(rec.Header().Values("Vary"), ","), "Accept-Encoding") {
				t.Errorf("%s: Vary %q", target, rec.Header().Values("Vary"))
			}
		}
		got := gunzip(t, zipped.Body.Bytes())
		// Pages carry a fresh form token for each new browser: compare without it.
		strip := regexp.MustCompile(`value="[A-Za-z0-9_-]{43}"`)
		if !bytes.Equal(strip.ReplaceAll(got, nil), strip.ReplaceAll(plain.Body.Bytes(), nil)) {
			t.Errorf("%s: the compressed body differs from the plain one", target)
		}
		t.Logf("%s: %d → %d bytes", target, plain.Body.Len(), zipped.Body.Len())
		if target == "/report?unit=20&period=2022Q1" && zipped.Body.Len()*3 > plain.Body.Len() {
			t.Errorf("the report page compressed to %d of %d bytes", zipped.Body.Len(), plain.Body.Len())
		}
	}
	for _, c := range []struct{ method, target, accept, rng string }{
		{"GET", "/report?unit=20&period=2022Q1", "gzip;q=0, identity", ""},
		{"GET", "/report?unit=20&period=2022Q1", "br", ""},
		{"HEAD", "/static/style.css", "gzip", ""},
		{"GET", "/static/style.css", "gzip", "bytes=0-10"},
		{"GET", "/report/download?unit=20&period=2022Q1&format=docx", "gzip", ""},
		{"GET", "/export?unit=20&period=2022Q1&format=xlsx", "gzip", ""},
		{"GET", "/favicon.ico", "gzip", ""},
	} {
		h := []string{"Accept-Encoding", c.accept}
		if c.rng != "" {
			h = append(h, "Range", c.rng)
		}
		rec := getWith(t, s, c.method, c.target, h...)
		if rec.Code >= 300 {
			t.Errorf("%s %s: %d", c.method, c.target, rec.Code)
		}
		if ce := rec.Header().Get("Content-Encoding"); ce != "" {
			t.Errorf("%s %s (Accept-Encoding %q, Range %q): Content-Encoding %q", c.method, c.target, c.accept, c.rng, ce)
		}
	}
	if !acceptsGzip(httptest.NewRequest("GET", "/", nil)) == false {
		t.Error("a request without Accept-Encoding accepts gzip")
	}
}

// TestStaticCaching: pages link static files by fingerprinted URLs that may
// be cached for a year; the fingerprint is the content's; other URLs are
// revalidated by ETag and answer 304 when unchanged; favicon.ico is served.
func TestStaticCaching(t *testing.T) {
	s := newTestServer(t, Config{})
	page := getWith(t, s, "GET", "/")
	for _, name := range []string{"style.css", "app.js", "favicon.ico"} {
		b, err := os.ReadFile("static/" + name)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		hash := hex.EncodeToString(sum[:])
		url := "/static/" + name + "?v=" + hash[:fingerprintLen]
		if !strings.Contains(body(page), `"`+url+`"`) {
			t.Errorf("the page does not link %s", url)
		}
		rec := getWith(t, s, "GET", url)
		if rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != cacheImmutable || rec.Header().Get("ETag") != `"`+hash+`"` {
			t.Errorf("%s: %d Cache-Control %q ETag %q", url, rec.Code, rec.Header().Get("Cache-Control"), rec.Header().Get("ETag"))
		}
		if !bytes.Equal(rec.Body.Bytes(), b) {
			t.Errorf("%s: body differs from the file", url)
		}
		for _, other := range []string{"/static/" + name, "/static/" + name + "?v=0123456789ab"} {
			rec := getWith(t, s, "GET", other)
			if rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != cacheRevalidate {
				t.Errorf("%s: %d Cache-Control %q", other, rec.Code, rec.Header().Get("Cache-Control"))
			}
			etag := rec.Header().Get("ETag")
			if rec := getWith(t, s, "GET", other, "If-None-Match", etag); rec.Code != http.StatusNotModified {
				t.Errorf("%s If-None-Match %s: %d, want 304", other, etag, rec.Code)
			}
			// Through gzip the validator is weak, and still matches.
			z := getWith(t, s, "GET", other, "Accept-Encoding", "gzip")
			if z.Header().Get("Content-Encoding") == "gzip" {
				if et := z.Header().Get("ETag"); et != "W/"+etag {
					t.Errorf("%s gzip ETag %q", other, et)
				}
				if rec := getWith(t, s, "GET", other, "Accept-Encoding", "gzip", "If-None-Match", z.Header().Get("ETag")); rec.Code != http.StatusNotModified {
					t.Errorf("%s If-None-Match (weak): %d, want 304", other, rec.Code)
				}
			}
		}
	}
	fav := getWith(t, s, "GET", "/favicon.ico")
	if fav.Code != http.StatusOK || !bytes.HasPrefix(fav.Body.Bytes(), []byte{0, 0, 1, 0}) || !strings.Contains(fav.Header().Get("Content-Type"), "icon") || fav.Header().Get("Cache-Control") != cacheRevalidate {
		t.Errorf("/favicon.ico: %d %q %q % x", fav.Code, fav.Header().Get("Content-Type"), fav.Header().Get("Cache-Control"), fav.Body.Bytes()[:min(8, fav.Body.Len())])
	}
	for _, missing := range []string{"/static/", "/static/nope.css", "/static/../server.go"} {
		// Not found, or sent to the cleaned path (which is not a static file).
		if rec := getWith(t, s, "GET", missing); rec.Code == http.StatusOK {
			t.Errorf("%s: %d", missing, rec.Code)
		}
	}
	// Pages themselves are never cached.
	if cc := page.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("page Cache-Control %q", cc)
	}
}

// TestPublicModeForms: in public read-only mode an anonymous visitor sees
// no form for plans, report settings, notes or tasks (each would answer
// 401), but a sign-in hint; a planner sees them; a viewer does not.
func TestPublicModeForms(t *testing.T) {
	st := demoStore(t)
	forms := map[string][]string{
		"/report?unit=20&period=2022Q1": {`action="/report/notes"`, `action="/report/tasks"`, `action="/report/settings"`},
		"/plans?unit=20&period=2022Q1":  {`action="/plans/targets"`, `action="/plans/milestones"`, `action="/plans/import"`},
	}
	anon := newTestServer(t, Config{Store: st, PublicRead: true, Authenticate: func(*http.Request) (*User, error) { return nil, nil }})
	users := newTestServer(t, Config{Store: st, Authenticate: headerUser})
	for target, actions := range forms {
		a := getWith(t, anon, "GET", target)
		v := getWith(t, users, "GET", target, "X-Test-User", "viewer")
		p := getWith(t, users, "GET", target, "X-Test-User", "planner")
		for _, rec := range []*httptest.ResponseRecorder{a, v, p} {
			if rec.Code != http.StatusOK {
				t.Fatalf("%s: %d", target, rec.Code)
			}
		}
		for _, action := range actions {
			if strings.Contains(body(a), action) || strings.Contains(body(v), action) {
				t.Errorf("%s shows the form %s to a visitor or viewer", target, action)
			}
			if !strings.Contains(body(p), action) {
				t.Errorf("%s hides the form %s from a planner", target, action)
			}
		}
		noMissing(t, body(a))
		if !strings.Contains(body(a), `id="sign-in-to-edit"`) {
			t.Errorf("%s: no sign-in hint for a visitor", target)
		}
	}
}

// TestSectorsTranslated: English pages name sectors in English.
func TestSectorsTranslated(t *testing.T) {
	s := newTestServer(t, Config{Store: demoStore(t)})
	const sector = "Thương mại, dịch vụ"
	en := i18n.Sector(sector)
	if en == "" {
		t.Fatalf("no English name for %q", sector)
	}
	for _, target := range []string{"/?unit=20&period=2022Q1&lang=en", "/indicators/trade.retail_sales_services?unit=20&period=2022Q1&lang=en"} {
		rec := getWith(t, s, "GET", target)
		text := regexp.MustCompile(`(?s)<(option|a)[^>]*>.*?</(option|a)>|value="[^"]*"|href="[^"]*"`).ReplaceAllString(body(rec), "")
		if !strings.Contains(text, en) || strings.Contains(text, ">"+sector+"<") || strings.Contains(text, " "+sector+" ") {
			t.Errorf("%s: sector not translated (%q)", target, en)
		}
	}
	if vi := getWith(t, s, "GET", "/?unit=20&period=2022Q1&lang=vi"); !strings.Contains(body(vi), `<small class="sector">`+sector+`</small>`) {
		t.Error("the Vietnamese dashboard lost its sector names")
	}
}

// TestColourContrast: every status colour and the muted text of the style
// sheet reach 4.5:1 (WCAG 2.1 AA for text) on every background they are
// shown on; axe-core checks the rendered pages too.
func TestColourContrast(t *testing.T) {
	css, err := os.ReadFile("static/style.css")
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	for _, m := range regexp.MustCompile(`--([a-z]+):\s*(#[0-9a-fA-F]{3,6})`).FindAllStringSubmatch(string(css), -1) {
		vars[m[1]] = m[2]
	}
	backgrounds := []string{"#fff", vars["bg"], "#eef1f4", "#fff4e0", "#e6f4ea", "#fdecea", "#fff5d6", "#f0f0f0"}
	for _, fg := range []string{"ok", "risk", "lag", "done", "muted"} {
		c, ok := vars[fg]
		if !ok {
			t.Fatalf("no --%s in style.css", fg)
		}
		for _, bg := range backgrounds {
			if r := contrast(c, bg); r < 4.5 {
				t.Errorf("--%s %s on %s: %.2f:1, want ≥ 4.5:1", fg, c, bg, r)
			}
		}
	}
	// Literal text colours in rules.
	for _, m := range regexp.MustCompile(`[^-]color:\s*(#[0-9a-fA-F]{3,6})`).FindAllStringSubmatch(string(css), -1) {
		if strings.EqualFold(m[1], "#fff") || strings.EqualFold(m[1], "#ffffff") {
			continue // white text is on the navy header and buttons only
		}
		for _, bg := range backgrounds {
			if r := contrast(m[1], bg); r < 4.5 {
				t.Errorf("color %s on %s: %.2f:1", m[1], bg, r)
			}
		}
	}
	if r := contrast("#fff", "#14385c"); r < 4.5 {
		t.Errorf("white on the navy header: %.2f", r)
	}
	if r := contrast("#c77700", "#fff"); r > 3.5 {
		t.Errorf("the contrast function is wrong: the old orange gives %.2f, axe measured 3.46", r)
	}
}

// contrast is WCAG 2.1's contrast ratio of two #rgb or #rrggbb colours.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(hexColour string) float64 {
	h := strings.TrimPrefix(hexColour, "#")
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	var l float64
	for i, w := range []float64{0.2126, 0.7152, 0.0722} {
		v, _ := strconv.ParseUint(h[2*i:2*i+2], 16, 8)
		c := float64(v) / 255
		if c <= 0.03928 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		l += w * c
	}
	return l
}
