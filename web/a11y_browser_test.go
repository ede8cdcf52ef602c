package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"planwatch"
	"planwatch/rules"
	"planwatch/web/i18n"
)

// axeSource is axe-core, vendored for the tests only (testdata/axe-core/SOURCE.md).
func axeSource(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// axeViolations injects axe-core into the open page and returns its WCAG 2.1
// A and AA violations, one line each (rule, impact, the elements).
func (b *browser) axeViolations(axe string) []string {
	b.t.Helper()
	if b.eval("typeof window.axe") != "object" {
		b.eval(axe + "\n;true")
	}
	js := `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})
	  .then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
	     nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + (n.failureSummary ? ' — ' + n.failureSummary.split('\n').slice(1, 2).join('') : ''))}))))`
	var vs []struct {
		ID, Impact, Help string
		Nodes            []string
	}
	if err := json.Unmarshal([]byte(b.evalString(js)), &vs); err != nil {
		b.t.Fatalf("axe result: %v", err)
	}
	var out []string
	for _, v := range vs {
		out = append(out, fmt.Sprintf("%s (%s): %s\n      %s", v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n      ")))
	}
	return out
}

// signIn signs in on the sign-in page of base.
func (b *browser) signIn(base, name, password string) {
	b.t.Helper()
	b.navigate(base + "/login")
	b.eval("document.querySelector('#login input[name=name]').value = " + jsString(name))
	b.eval("document.querySelector('#login input[name=password]').value = " + jsString(password))
	b.submit("document.querySelector('#login button').click()")
	if !strings.Contains(b.evalString("(document.querySelector('#whoami') || {}).innerText || ''"), name) {
		b.t.Fatalf("%s not signed in: %.300s", name, b.evalString("document.body.innerText"))
	}
}

// phoneWidth is the narrowest phone the pages are made for.
const phoneWidth = 320

// overflow returns the document's width and, when it is wider than the
// phone, a description of the elements that reach beyond it (the innermost
// first few).
func (b *browser) overflow() (float64, string) {
	b.t.Helper()
	w, _ := b.eval("document.documentElement.scrollWidth").(float64)
	if w <= float64(phoneWidth) {
		return w, ""
	}
	what := b.evalString(`Array.from(document.querySelectorAll('body *')).filter(e => {
	    const r = e.getBoundingClientRect(); return r.right > ` + itoa(phoneWidth) + ` + 0.5 && !e.closest('.scroll, .chartbox');
	  }).filter(e => !Array.from(e.children).some(c => c.getBoundingClientRect().right > ` + itoa(phoneWidth) + ` + 0.5))
	  .slice(0, 6).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : '') + ' → ' + Math.round(e.getBoundingClientRect().right) + 'px').join('; ')`)
	// Mobile browsers widen the layout viewport to the content: the
	// elements are measured against the phone's width, not innerWidth.
	return w, "elements beyond the screen: " + what
}

// mainPages are the pages a person opens, with the query that fills them
// on the demo; signedIn ones need an account.
func mainPages() []struct {
	name, path string
	signedIn   bool
} {
	sel := "?unit=20&period=2022Q1"
	return []struct {
		name, path string
		signedIn   bool
	}{
		{"dashboard", "/" + sel, false},
		{"indicator", "/indicators/trade.retail_sales_services" + sel, false},
		{"entry", "/entry" + sel + "&sector=" + url.QueryEscape("Nông, lâm nghiệp và thủy sản"), false},
		{"upload", "/upload" + sel, false},
		{"read", "/read" + sel, false},
		{"report", "/report" + sel, false},
		{"plans", "/plans" + sel, false},
		{"approvals", "/approvals" + sel, false},
		{"completeness", "/completeness" + sel, false},
		{"mappings", "/mappings", false},
		{"error", "/khong-co-trang", false},
		{"login", "/login", false},
		{"audit", "/audit", true},
		{"accounts", "/accounts", true},
		{"quality", "/quality" + sel, false},
		{"password", "/password", true},
		{"rules", "/rules", true},
		{"categories", "/categories", true},
		{"catalogue", "/catalogue", true},
		{"catalogue-edit", "/catalogue?edit=trade.retail_sales_services", true},
		{"sets", "/sets?unit=20&year=2022", true},
		{"groups", "/groups", true},
	}
}

// TestBrowserAccessibility (issue 13, part 9): every main page, signed out
// (public mode) and signed in as an administrator, in Vietnamese and
// English, on a 320 px phone: the document is no wider than the screen, and
// axe-core finds no WCAG 2.1 A or AA violation.
func TestBrowserAccessibility(t *testing.T) {
	b := launchBrowser(t)
	st := demoStore(t)
	// The starter rules and one figure that breaks them, for the rules and data-quality pages.
	if err := st.(planwatch.RuleStore).SaveRules(context.Background(), rules.Starter(), "test", "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply(context.Background(), &planwatch.ChangeSet{By: "test", Values: []planwatch.DataValue{qv("forest.cover_rate", "20", "2022Q1", 105)}}); err != nil {
		t.Fatal(err)
	}
	as := st.(planwatch.AccountStore)
	addAccounts(t, as, planwatch.Account{Name: "quan-tri", Role: planwatch.RoleAdmin})
	s := newTestServer(t, Config{Store: st, Accounts: as, PublicRead: true})
	srv := httptest.NewServer(s)
	defer srv.Close()
	axe := axeSource(t)
	art := filepath.Join(artifactsDir(t), "a11y")
	if err := os.MkdirAll(art, 0o755); err != nil {
		t.Fatal(err)
	}
	b.call("Emulation.setDeviceMetricsOverride", map[string]any{"width": phoneWidth, "height": 640, "deviceScaleFactor": 1, "mobile": true})
	defer b.call("Emulation.setDeviceMetricsOverride", map[string]any{"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": false})
	for _, signedIn := range []bool{false, true} {
		who := "anonymous"
		if signedIn {
			who = "admin"
			b.signIn(srv.URL, "quan-tri", testPassword)
		}
		for _, lang := range []string{"vi", "en"} {
			for _, pg := range mainPages() {
				if pg.signedIn && !signedIn {
					continue
				}
				name := fmt.Sprintf("%s-%s-%s", who, lang, pg.name)
				t.Run(name, func(t *testing.T) {
					b.t = t
					sep := "?"
					if strings.Contains(pg.path, "?") {
						sep = "&"
					}
					b.navigate(srv.URL + pg.path + sep + "lang=" + lang)
					if got := b.evalString("document.documentElement.lang"); got != lang {
						t.Errorf("<html lang=%q>, want %q", got, lang)
					}
					// What a click would unfold is checked too.
					b.eval("document.querySelectorAll('details').forEach(d => d.open = true)")
					if txt := b.evalString("document.body.innerText"); strings.Contains(txt, i18n.Missing) {
						t.Errorf("an untranslated message: %.200s", txt[strings.Index(txt, i18n.Missing):])
					}
					if w, what := b.overflow(); what != "" {
						t.Errorf("%s is %vpx wide on a %dpx phone: %s", pg.path, w, phoneWidth, what)
					}
					for _, v := range b.axeViolations(axe) {
						t.Errorf("axe: %s", v)
					}
					b.screenshot(art, name+".png")
				})
			}
		}
	}
	b.t = t
}
