package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"planwatch"
)

// xssAttr is a payload for attribute contexts: it closes a quoted value.
const xssAttr = `"><img src=x onerror=alert(1)>`

// TestAttackStoredXSSEverywhere: hostile text stored through every way in
// (indicator, unit and group names, a note, a category's options and the
// sub-indicators named after them, a rule's name and message, an uploaded
// file's name and content) is shown escaped on every page an administrator
// can open, in every language.
func TestAttackStoredXSSEverywhere(t *testing.T) {
	s, st := newAccountServer(t, false)
	ctx := t.Context()
	hostile := xssName + xssAttr
	units := []planwatch.OrgUnit{{Code: "99", Name: hostile, Level: 1, ValidFrom: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}}
	if err := st.SaveOrgUnits(ctx, units, nil, "an"); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, s)
	login(c, "an", testPassword)
	posts := []struct {
		path string
		form url.Values
	}{
		{"/report/notes", url.Values{"unit": {"20"}, "period": {"2022Q1"}, "section": {hostile}, "text": {hostile}}},
		{"/categories", url.Values{"code": {"xss"}, "name_vi": {hostile}, "name_en": {hostile},
			"options": {"a | " + hostile + " | " + hostile + "\nb | " + hostile}}},
		{"/categories/attach", url.Values{"indicator": {"trade.retail_sales_services"}, "category": {"xss"}}},
		{"/rules", url.Values{"code": {"xss.rule"}, "name_vi": {hostile}, "name_en": {hostile}, "left": {"trade.retail_sales_services"},
			"op": {"<"}, "right": {"0"}, "importance": {"high"}, "action": {"warn"}, "message_vi": {hostile}, "message_en": {hostile}}},
		{"/groups", url.Values{"code": {"xss.group"}, "name_vi": {hostile}, "name_en": {hostile}, "units": {"178 180"}, "note": {hostile}}},
	}
	for _, p := range posts {
		c.get("/categories") // a page with this browser's form token
		if rec := c.postForm(p.path, p.form); rec.Code != http.StatusOK && rec.Code != http.StatusSeeOther {
			t.Errorf("POST %s: %d %s", p.path, rec.Code, flashOf(body(rec)))
		}
	}
	c.get("/upload")
	up := c.postFile("/upload", "file", hostile+".csv", "indicator,orgunit,period,value\n\""+strings.ReplaceAll(hostile, `"`, `""`)+"\",20,2022Q1,1\n", url.Values{"unit": {"20"}, "period": {"2022Q1"}})
	if b := body(up); strings.Contains(b, "<script>alert") || strings.Contains(b, "<img src=x") || !strings.Contains(b, "&lt;script&gt;alert(") {
		t.Errorf("the upload's answer does not show the file's name and content escaped: %s", flashOf(b))
	}

	pages := []string{"/audit", "/catalogue", "/categories", "/rules", "/groups", "/sets", "/mappings", "/accounts", "/quality?unit=20&period=2022Q1",
		"/report?unit=20&period=2022Q1", "/report/download?unit=20&period=2022Q1&format=html", "/indicators/trade.retail_sales_services~a?unit=20&period=2022Q1",
		"/indicators/test.xss?unit=20&period=2022Q1", "/?unit=20&period=2022Q1", "/?unit=99&period=2022Q1", "/?group=xss.group&period=2022Q1",
		"/completeness?unit=20&period=2022Q1", "/entry?unit=20&period=2022Q1", "/plans?unit=20&year=2022", "/approvals?unit=20&period=2022Q1"}
	for _, rt := range s.routes {
		if method, path := concretePath(rt.pattern); method == "GET" && !strings.Contains(path, "nope") {
			pages = append(pages, path)
		}
	}
	shown := map[string]bool{}
	for _, page := range pages {
		for _, lang := range []string{"vi", "en"} {
			sep := "?"
			if strings.Contains(page, "?") {
				sep = "&"
			}
			rec := c.get(page + sep + "lang=" + lang)
			if ct := rec.Header().Get("Content-Type"); rec.Code != http.StatusOK || !strings.HasPrefix(ct, "text/html") && !strings.HasPrefix(ct, "image/svg") {
				continue
			}
			b := body(rec)
			if strings.Contains(b, "&lt;script&gt;alert(") {
				shown[strings.SplitN(page, "?", 2)[0]] = true
			}
			for _, raw := range []string{"<script>alert", "<img src=x", `"><img`} {
				if strings.Contains(b, raw) {
					i := strings.Index(b, raw)
					t.Errorf("%s (%s): unescaped %q: …%s…", page, lang, raw, b[max(0, i-120):min(len(b), i+60)])
				}
			}
		}
	}
	// The hostile texts were stored and shown (escaped): the test saw them.
	for _, page := range []string{"/audit", "/categories", "/rules", "/groups", "/report", "/report/download", "/indicators/trade.retail_sales_services~a", "/"} {
		if !shown[page] {
			t.Errorf("%s does not show the stored hostile text escaped: the attack was not planted there", page)
		}
	}
}

func flashOf(b string) string {
	if i := strings.Index(b, `class="flash`); i >= 0 {
		return b[i:min(len(b), i+400)]
	}
	return ""
}

// TestAttackReflectedXSS: hostile text in the path and in every query
// parameter the pages read comes back escaped, on pages and error pages
// alike, signed in or not.
func TestAttackReflectedXSS(t *testing.T) {
	s, _ := newAccountServer(t, true)
	admin := newClient(t, s)
	login(admin, "an", testPassword)
	hostile := url.QueryEscape(xssName + xssAttr)
	params := []string{"unit", "period", "year", "lang", "next", "group", "sector", "indicator", "format", "edit", "done", "q", "by", "entity", "action", "name", "id"}
	var query strings.Builder
	for i, p := range params {
		if i > 0 {
			query.WriteByte('&')
		}
		query.WriteString(p + "=" + hostile)
	}
	paths := []string{"/" + url.PathEscape(xssName+xssAttr), "/indicators/" + url.PathEscape(xssName+xssAttr), "/mappings/" + url.PathEscape(xssName+xssAttr)}
	for _, rt := range s.routes {
		if method, path := concretePath(rt.pattern); method == "GET" && !strings.Contains(path, "nope") {
			paths = append(paths, path)
		}
	}
	for _, c := range []*client{newClient(t, s), admin} {
		for _, p := range paths {
			for _, target := range []string{p + "?" + query.String(), p + "?unit=20&period=" + hostile, p + "?unit=" + hostile + "&period=2022Q1"} {
				rec := c.get(target)
				if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") && !strings.HasPrefix(ct, "image/svg") {
					continue // data (JSON, CSV, a workbook) is not read as a page: nosniff
				}
				b := body(rec)
				for _, raw := range []string{"<script>alert", "<img src=x", `"><img`} {
					if strings.Contains(b, raw) {
						i := strings.Index(b, raw)
						t.Errorf("%s: %d, unescaped %q: …%s…", target, rec.Code, raw, b[max(0, i-120):min(len(b), i+60)])
					}
				}
			}
		}
	}
}
