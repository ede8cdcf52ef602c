package web

import (
	"net/http"
	"strings"
	"testing"

	"planwatch/web/i18n"
)

// TestPages is the table of HTTP scenarios for the read-only pages: status,
// and text that must be on the page, in both languages.
func TestPages(t *testing.T) {
	s := newTestServer(t, Config{})
	tests := []struct {
		name, path string
		status     int
		want       map[string][]string // lang → substrings
	}{
		{"dashboard default", "/", 200, map[string][]string{
			"vi": {"Tình hình thực hiện kế hoạch", "Lạng Sơn", "quý I/2022", "Tổng mức bán lẻ", "5.885 tỷ đồng", "&#43;7%"},
			"en": {"Plan implementation", "Retail sales of goods and services", "Q1 2022", "5,885 billion VND"}}},
		{"dashboard sector", "/?unit=20&period=2022Q1&sector=Ti%E1%BB%81n+t%E1%BB%87%2C+t%C3%ADn+d%E1%BB%A5ng", 200, map[string][]string{
			"vi": {"Tổng nguồn vốn huy động"}, "en": {"Deposits mobilised"}}},
		{"dashboard district", "/?unit=178&period=2022Q1", 200, map[string][]string{"vi": {"Thành phố Lạng Sơn", "3.210 tỷ đồng"}}},
		{"indicator", "/indicators/trade.retail_sales_services?unit=20&period=2022Q1", 200, map[string][]string{
			"vi": {"<svg", "Tràng Định", "Thành phố Lạng Sơn", "Kế hoạch năm", "26,04%"},
			"en": {"<svg", "By subordinate unit", "Annual plan"}}},
		{"indicator values", "/indicators/trade.retail_sales_services?unit=178&period=2022Q1", 200, map[string][]string{
			"vi": {"minh họa: fixture", "3.210 tỷ đồng", "quý I/2022"},
			"en": {"illustrative: fixture", "3,210 billion VND"}}},
		{"indicator stock", "/indicators/bank.deposits?unit=20&period=2022Q1", 200, nil},
		{"unknown indicator", "/indicators/nope", 404, map[string][]string{"vi": {"nope"}}},
		{"bad period", "/?period=2022Q9", 422, map[string][]string{"vi": {"2022Q9"}}},
		{"unknown unit", "/?unit=99999", 404, nil},
		{"no such page", "/nope", 404, nil},
	}
	for _, tc := range tests {
		for _, lang := range i18n.Languages {
			t.Run(tc.name+"/"+lang, func(t *testing.T) {
				c := newClient(t, s)
				sep := "?"
				if strings.Contains(tc.path, "?") {
					sep = "&"
				}
				rec := c.get(tc.path + sep + "lang=" + lang)
				b := body(rec)
				if rec.Code != tc.status {
					t.Fatalf("status %d, want %d\n%s", rec.Code, tc.status, b)
				}
				for _, w := range tc.want[lang] {
					if !strings.Contains(b, w) {
						t.Errorf("page lacks %q", w)
					}
				}
				if strings.Contains(b, i18n.Missing) {
					t.Errorf("untranslated key on page: %s", b[strings.Index(b, i18n.Missing):][:40])
				}
			})
		}
	}
}

func TestLanguageCookie(t *testing.T) {
	s := newTestServer(t, Config{})
	c := newClient(t, s)
	c.get("/?lang=en")
	if b := body(c.get("/")); !strings.Contains(b, "Plan implementation") {
		t.Error("the language choice was not remembered")
	}
	c.get("/?lang=vi")
	if b := body(c.get("/")); !strings.Contains(b, "Tình hình thực hiện") {
		t.Error("switching back to Vietnamese failed")
	}
}

func TestEscaping(t *testing.T) {
	s := newTestServer(t, Config{})
	for _, path := range []string{"/?unit=20&period=2022Q1", "/indicators/test.xss?unit=20&period=2022Q1", "/?lang=en"} {
		b := body(newClient(t, s).get(path))
		if strings.Contains(b, "<script>alert") {
			t.Errorf("%s: unescaped script", path)
		}
		if !strings.Contains(b, "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;") {
			t.Errorf("%s: escaped indicator name not found", path)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	s := newTestServer(t, Config{})
	rec := newClient(t, s).get("/")
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options"} {
		if rec.Header().Get(h) == "" {
			t.Errorf("missing header %s", h)
		}
	}
	if rec.Code != http.StatusOK {
		t.Fatal(rec.Code)
	}
}
