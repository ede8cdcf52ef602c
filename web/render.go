package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"planwatch"
	"planwatch/calc"
	"planwatch/web/i18n"
)

// page is the data every template gets; D holds what is particular to a page.
type page struct {
	Lang     string
	Name     string // template name, for the active menu entry
	Path     string
	Title    string
	CSRF     string
	User     *User
	SignIn   bool // accounts are on: show who is signed in, or a sign-in link
	CanAudit bool
	CanAdmin bool // accounts page
	CanPlan  bool // plans, report settings, notes and tasks: their forms are shown
	Status   int
	Err      apiError
	LangURLs map[string]template.URL // language switch links, keeping the query

	// Selection shared by most pages.
	Unit, Period, Sector string
	PeriodLabel          string
	Units                []option
	Periods              []option
	Sectors              []option

	Flash    []string
	Warnings []string
	Problems []planwatch.Problem

	D any

	// Content, when set, is the page's content already rendered (kept
	// pages, pagecache.go); version is the index version its data are of,
	// when versioned (the page shows the index's data).
	Content   template.HTML
	version   int64
	versioned bool
}

// option is one entry of a select.
type option struct {
	Value, Label string
}

// pageNames lists every page template; the tests render each in every language.
var pageNames = []string{"dashboard", "indicator", "entry", "upload", "read", "report", "plans", "error",
	"login", "approvals", "completeness", "audit", "mappings", "accounts", "password",
	"quality", "rules", "categories", "catalogue", "sets", "groups"}

// parseTemplates parses every page with the layout once per language, with
// the translation and formatting functions bound to that language.
func parseTemplates() (map[string]map[string]*template.Template, error) {
	out := map[string]map[string]*template.Template{}
	for _, lang := range languages {
		out[lang] = map[string]*template.Template{}
		for _, name := range pageNames {
			t, err := template.New(name).Funcs(funcs(lang)).ParseFS(assets, "templates/layout.html", "templates/"+name+".html")
			if err != nil {
				return nil, fmt.Errorf("web: template %s: %w", name, err)
			}
			out[lang][name] = t
		}
	}
	return out, nil
}

// langOf picks the language: ?lang= (remembered in a cookie), else the
// cookie, else Vietnamese.
func langOf(w http.ResponseWriter, r *http.Request) string {
	if l := r.URL.Query().Get("lang"); i18n.Known(l) {
		if w != nil {
			http.SetCookie(w, &http.Cookie{Name: "lang", Value: l, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, HttpOnly: true})
		}
		return l
	}
	if c, err := r.Cookie("lang"); err == nil && i18n.Known(c.Value) {
		return c.Value
	}
	return languages[0]
}

func (s *Server) newPage(w http.ResponseWriter, r *http.Request, name string) *page {
	p := &page{
		Lang: langOf(w, r),
		Name: name,
		Path: r.URL.Path,
		CSRF: s.csrf.token(w, r),
		User: userOf(r.Context()),
	}
	p.SignIn = s.cfg.Authenticate != nil
	p.CanAudit = authorize(p.User, s.cfg.PublicRead, AccessPlan, Scope{}) == nil
	p.CanPlan = p.CanAudit
	p.CanAdmin = s.accounts != nil && authorize(p.User, s.cfg.PublicRead, AccessAdmin, Scope{}) == nil
	p.LangURLs = map[string]template.URL{}
	for _, l := range languages {
		q := r.URL.Query()
		q.Set("lang", l)
		target := r.URL.Path
		if r.Method != http.MethodGet {
			target, q = "/"+strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")[0], url.Values{"lang": {l}}
		}
		p.LangURLs[l] = template.URL(target + "?" + q.Encode())
	}
	return p
}

// outcome puts a form's outcome on the page: the problems of a refused
// change (and the status they call for), or a flash message. An error that
// names no problem is returned, for the error page.
func (p *page) outcome(status int, flash string, err error) (int, error) {
	if err != nil {
		if p.Problems = problemsOf(err); p.Problems == nil {
			return status, err
		}
		status = statusOf(planwatch.ErrorCode(err))
	}
	if flash != "" {
		p.Flash = append(p.Flash, flash)
	}
	return status, nil
}

// render executes a page into a buffer first, so that a template error
// gives an error page and never half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	t := s.pages[p.Lang][name]
	if p.Title == "" {
		p.Title = i18n.T(p.Lang, "page."+name)
	}
	if status == http.StatusOK && r.Method == http.MethodGet && p.versioned && keptContent[name] {
		key := name + "|" + p.Lang + "|" + strconv.FormatBool(showsNames(r.Context())) + "|" + r.URL.RequestURI()
		p.Content = s.keptContent(key, p.version, func() (template.HTML, error) {
			var buf bytes.Buffer
			err := t.ExecuteTemplate(&buf, "content", p)
			return template.HTML(buf.String()), err
		})
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log.Error("template failed", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// funcs are the template functions for one language.
func funcs(lang string) template.FuncMap {
	return template.FuncMap{
		"t": func(key string, args ...any) string { return i18n.T(lang, key, args...) },
		"num": func(x float64, dec int) string {
			return formatNumber(lang, x, dec)
		},
		"pct":    func(x *float64) string { return formatPct(lang, x, false) },
		"growth": func(x *float64) string { return formatPct(lang, x, true) },
		"amount": func(ind planwatch.Indicator, x float64) string { return formatAmount(lang, ind, x) },
		"figure": func(ind planwatch.Indicator, f calc.Figure) string { return formatFigure(lang, ind, f) },
		// partOf is a total made from only some of the units under it (nil otherwise).
		"partOf": func(f calc.Figure) *calc.Figure {
			if f.PartOfUnits() {
				return &f
			}
			return nil
		},
		"name":    func(ind planwatch.Indicator) string { return indicatorName(lang, ind) },
		"sector":  func(s string) string { return sectorLabel(lang, s) },
		"period":  func(p planwatch.Period) string { return p.Label(lang) },
		"status":  func(st calc.Status) string { return i18n.T(lang, "status."+string(st)) },
		"vintage": func(v planwatch.Vintage) string { return i18n.T(lang, "vintage."+v.String()) },
		"basis":   func(b planwatch.Basis) string { return i18n.T(lang, "basis."+string(b)) },
		"source":  func(src planwatch.Source) string { return formatSource(lang, src) },
		"link":    link,
		"barpct":  barPct,
		"svg":     func(s string) template.HTML { return template.HTML(s) }, // only for SVG built by chart code that escapes its text
		"time": func(t interface{ Format(string) string }) string {
			return t.Format("02/01/2006 15:04")
		},
		"add":      func(a, b int) int { return a + b },
		"join":     func(xs []string) string { return strings.Join(xs, ", ") },
		"contains": func(xs []string, x string) bool { return slices.Contains(xs, x) },
		"count":    planwatch.CountProblems,
		"list":     func(xs ...string) []string { return xs },
		"deref2":   func(b *bool) bool { return b != nil && *b },
		"deref": func(x *float64) float64 {
			if x == nil {
				return 0
			}
			return *x
		},
		"static": staticURL,
	}
}

// link builds a same-site URL from a path and key/value pairs; empty values
// are left out. The result is safe as an href.
func link(p string, kv ...string) template.URL {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		}
	}
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") {
		p = "/"
	}
	if len(q) == 0 {
		return template.URL(p)
	}
	return template.URL(p + "?" + q.Encode())
}

// barPct clamps a percentage for a bar width (0–100 of the bar, where the
// bar spans 0–150% so overshoot stays visible).
func barPct(x *float64) float64 {
	if x == nil || math.IsNaN(*x) {
		return 0
	}
	v := *x / 1.5
	return math.Max(0, math.Min(100, math.Round(v*10)/10))
}

// parseFS exists so that tests can list the template files.
func templateFiles() ([]string, error) { return fs.Glob(assets, "templates/*.html") }
