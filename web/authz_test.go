package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"planwatch"
)

// wantAccess is the authorisation matrix of issue 6, written out by hand: the
// access every route must need. A route added to the table without an entry
// here fails TestAuthorizationMatrix, and so does an entry for a route that
// no longer exists.
var wantAccess = map[string]Access{
	"GET /static/":          AccessPublic,
	"GET /healthz":          AccessPublic,
	"GET /favicon.ico":      AccessPublic,
	"/":                     AccessPublic,
	"GET /login":            AccessPublic,
	"POST /login":           AccessPublic,
	"POST /logout":          AccessPublic,
	"GET /api/openapi.json": AccessPublic,

	"GET /{$}":               AccessRead,
	"GET /indicators/{code}": AccessRead,
	"GET /entry":             AccessRead,
	"GET /entry/workbook":    AccessRead,
	"GET /mappings":          AccessRead,
	"GET /mappings/{name}":   AccessRead,
	"GET /upload":            AccessRead,
	"GET /read":              AccessRead,
	"GET /report":            AccessRead,
	"GET /report/download":   AccessRead,
	"GET /plans":             AccessRead,
	"GET /approvals":         AccessRead,
	"GET /completeness":      AccessRead,
	"GET /export":            AccessRead,
	"GET /api/indicators":    AccessRead,
	"GET /api/units":         AccessRead,
	"GET /api/values":        AccessRead,
	"GET /api/values/{indicator}/{unit}/{period}/revisions": AccessRead,
	"GET /api/targets":                     AccessRead,
	"GET /api/analytics/status":            AccessRead,
	"GET /api/analytics/indicators/{code}": AccessRead,
	"GET /api/reports/{unit}/{period}":     AccessRead,
	"GET /api/dataValueSets":               AccessRead,
	"GET /api/approvals":                   AccessRead,
	"GET /api/completeness":                AccessRead,

	// Reading a text stores nothing but costs CPU: signed-in users only,
	// even in public mode (issue 15, 5).
	"POST /read":        AccessSignedIn,
	"GET /password":     AccessSignedIn,
	"POST /password":    AccessSignedIn,
	"POST /api/extract": AccessSignedIn,

	"POST /entry":             AccessWrite,
	"POST /upload":            AccessWrite,
	"POST /upload/commit":     AccessWrite,
	"GET /mappings/template":  AccessWrite,
	"POST /read/save":         AccessWrite,
	"POST /api/values":        AccessWrite,
	"POST /api/dataValueSets": AccessWrite,
	"POST /approvals/submit":  AccessWrite,

	"POST /report/notes":      AccessPlan,
	"POST /report/tasks":      AccessPlan,
	"POST /report/settings":   AccessPlan,
	"POST /plans/targets":     AccessPlan,
	"POST /plans/milestones":  AccessPlan,
	"POST /plans/import":      AccessPlan,
	"POST /mappings":          AccessPlan,
	"POST /api/targets":       AccessPlan,
	"POST /approvals/approve": AccessPlan,
	"POST /approvals/return":  AccessPlan,
	"POST /approvals/unlock":  AccessPlan,
	"GET /audit":              AccessPlan,
	"GET /api/audit":          AccessPlan,

	// Issue 13: data quality for readers; rules and breakdowns for administrators.
	"GET /quality":            AccessRead,
	"GET /api/validation":     AccessRead,
	"GET /api/rules":          AccessRead,
	"GET /api/categories":     AccessRead,
	"GET /rules":              AccessAdmin,
	"GET /rules/export":       AccessAdmin,
	"POST /rules":             AccessAdmin,
	"POST /rules/delete":      AccessAdmin,
	"POST /rules/import":      AccessAdmin,
	"GET /categories":         AccessAdmin,
	"POST /categories":        AccessAdmin,
	"POST /categories/attach": AccessAdmin,
	"GET /accounts":           AccessAdmin,
	"GET /api/accounts":       AccessAdmin,
	"POST /accounts":          AccessAdmin,
	"POST /accounts/update":   AccessAdmin,
	"POST /accounts/disable":  AccessAdmin,
	"POST /accounts/enable":   AccessAdmin,
	"POST /accounts/password": AccessAdmin,

	// Issue 13, parts 1, 4 and 7: the catalogue.
	"GET /catalogue":                              AccessAdmin,
	"GET /catalogue/export":                       AccessAdmin,
	"POST /catalogue":                             AccessAdmin,
	"POST /catalogue/retire":                      AccessAdmin,
	"POST /catalogue/import":                      AccessAdmin,
	"GET /sets":                                   AccessPlan,
	"POST /sets":                                  AccessPlan,
	"GET /groups":                                 AccessPlan,
	"POST /groups":                                AccessPlan,
	"GET /api/indicators/{code}/versions":         AccessPlan,
	"POST /api/catalogue":                         AccessPlan,
	"GET /api/indicator-sets":                     AccessRead,
	"GET /api/unit-groups":                        AccessRead,
	"GET /api/unit-groups/{code}/report/{period}": AccessRead,
}

// matrixUsers are the roles and scopes of the matrix, by the name a test
// request gives in its X-Test-User header.
var matrixUsers = map[string]*User{
	"anonymous":      nil,
	"viewer":         {Name: "viewer", Role: RoleViewer},
	"reporter-178":   {Name: "reporter-178", Role: RoleReporter, Units: []string{"178"}},
	"reporter-180":   {Name: "reporter-180", Role: RoleReporter, Units: []string{"180"}},
	"reporter-trade": {Name: "reporter-trade", Role: RoleReporter, Units: []string{"178"}, Sectors: []string{"Thương mại, dịch vụ"}},
	"planner":        {Name: "planner", Role: RolePlanner},
	"admin":          {Name: "admin", Role: RoleAdmin},
}

// headerUser authenticates test requests by their X-Test-User header.
func headerUser(r *http.Request) (*User, error) {
	return matrixUsers[r.Header.Get("X-Test-User")], nil
}

// allowedByRole is the matrix's expectation, independent of authorize.
func allowedByRole(u *User, public bool, a Access) bool {
	switch a {
	case AccessPublic:
		return true
	case AccessRead:
		return u != nil || public
	case AccessSignedIn:
		return u != nil
	case AccessWrite:
		return u != nil && u.Role != RoleViewer
	case AccessPlan:
		return u != nil && (u.Role == RolePlanner || u.Role == RoleAdmin)
	case AccessAdmin:
		return u != nil && u.Role == RoleAdmin
	}
	return false
}

// concretePath fills a pattern's wildcards with codes of the fixture.
func concretePath(pattern string) (method, path string) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		method, path = "GET", pattern+"nope"
	}
	path = strings.TrimSuffix(path, "{$}")
	path = strings.NewReplacer("{code}", "trade.retail_sales_services", "{indicator}", "trade.retail_sales_services",
		"{unit}", "178", "{period}", "2022Q1").Replace(path)
	if path == "/static/" {
		path = "/static/style.css"
	}
	return method, path
}

// TestAuthorizationMatrix: every route × role (and anonymous) × public read
// on and off, first against the policy, then through the server, where a
// denial must be 401 or 403 and an allowed request must get past the guard.
func TestAuthorizationMatrix(t *testing.T) {
	s0 := newTestServer(t, Config{})
	seen := map[string]bool{}
	for _, rt := range s0.routes {
		seen[rt.pattern] = true
		want, ok := wantAccess[rt.pattern]
		if !ok {
			t.Errorf("route %q has no entry in the authorisation matrix (wantAccess)", rt.pattern)
			continue
		}
		if rt.access != want {
			t.Errorf("route %q needs access %d, the matrix says %d", rt.pattern, rt.access, want)
		}
	}
	for p := range wantAccess {
		if !seen[p] {
			t.Errorf("the matrix lists %q, which is not a route", p)
		}
	}
	for _, public := range []bool{false, true} {
		s := newTestServer(t, Config{PublicRead: public, Authenticate: headerUser})
		for who, u := range matrixUsers {
			for _, rt := range s.routes {
				want := allowedByRole(u, public, wantAccess[rt.pattern])
				if got := authorize(u, public, rt.access, Scope{}) == nil; got != want {
					t.Errorf("policy: public=%v %s %s: allowed=%v, want %v", public, who, rt.pattern, got, want)
				}
				method, path := concretePath(rt.pattern)
				req := httptest.NewRequest(method, path, strings.NewReader("{}"))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Accept", "application/json")
				req.Header.Set("X-Test-User", who)
				rec := httptest.NewRecorder()
				s.ServeHTTP(rec, req)
				denied := rec.Code == http.StatusUnauthorized || rec.Code == http.StatusForbidden
				// A wrong sign-in is a 401 from the handler, not the guard.
				if rt.pattern == "POST /login" {
					denied = strings.Contains(rec.Body.String(), "sign-in required")
				}
				if denied == want {
					t.Errorf("server: public=%v %s %s %s: status %d, want allowed=%v\n%s", public, who, method, path, rec.Code, want, bodyStart(rec.Body.String()))
				}
			}
		}
	}
}

func bodyStart(s string) string {
	s, _, _ = strings.Cut(s, "\n\n")
	if len(s) > 300 {
		s = s[:300]
	}
	return s
}

// TestAuthorizationScopes: a reporter writes only its units (and sectors);
// each scoped write path asks the policy per unit and indicator.
func TestAuthorizationScopes(t *testing.T) {
	s := newTestServer(t, Config{Authenticate: headerUser})
	valueJSON := func(ind, unit string) string {
		return `[{"indicator":"` + ind + `","orgunit":"` + unit + `","period":"2022Q2","value":1}]`
	}
	cases := []struct {
		who, ind, unit string
		allowed        bool
	}{
		{"reporter-178", "trade.retail_sales_services", "178", true},
		{"reporter-178", "trade.retail_sales_services", "180", false},
		{"reporter-180", "trade.retail_sales_services", "178", false},
		{"reporter-180", "agri.planted_area", "180", true},
		{"reporter-trade", "trade.retail_sales_services", "178", true},
		{"reporter-trade", "agri.planted_area", "178", false},
		{"planner", "agri.planted_area", "180", true},
		{"admin", "agri.planted_area", "20", true},
		{"viewer", "agri.planted_area", "178", false},
	}
	for _, c := range cases {
		req := httptest.NewRequest("POST", "/api/values", strings.NewReader(valueJSON(c.ind, c.unit)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Test-User", c.who)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if allowed := rec.Code == http.StatusOK; allowed != c.allowed || (!allowed && rec.Code != http.StatusForbidden) {
			t.Errorf("API: %s writes %s of %s: status %d, want allowed=%v\n%s", c.who, c.ind, c.unit, rec.Code, c.allowed, rec.Body)
		}

		// The same through the entry form and the approval submission.
		cl := newClient(t, s)
		get := httptest.NewRequest("GET", "/entry?unit="+c.unit+"&period=2022Q2", nil)
		get.Header.Set("X-Test-User", c.who)
		cl.do(get)
		ind := fixtureIndicatorByCode(c.ind)
		form := url.Values{"_csrf": {cl.csrf}, "unit": {c.unit}, "period": {"2022Q2"}, "sector": {ind.Sector},
			"v." + c.ind: {"1"}, "vin." + c.ind: {"official"}, "basis." + c.ind: {"period"}}
		post := httptest.NewRequest("POST", "/entry", strings.NewReader(form.Encode()))
		post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		post.Header.Set("X-Test-User", c.who)
		rec = cl.do(post)
		if allowed := rec.Code == http.StatusOK; allowed != c.allowed {
			t.Errorf("form: %s writes %s of %s: status %d, want allowed=%v", c.who, c.ind, c.unit, rec.Code, c.allowed)
		}
	}
	for _, c := range []struct {
		who, unit string
		allowed   bool
	}{{"reporter-178", "178", true}, {"reporter-178", "180", false}, {"viewer", "178", false}, {"planner", "180", true}} {
		cl := newClient(t, s)
		get := httptest.NewRequest("GET", "/approvals", nil)
		get.Header.Set("X-Test-User", c.who)
		cl.do(get)
		form := url.Values{"_csrf": {cl.csrf}, "unit": {c.unit}, "period": {"2021Q4"}}
		post := httptest.NewRequest("POST", "/approvals/submit", strings.NewReader(form.Encode()))
		post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		post.Header.Set("X-Test-User", c.who)
		rec := cl.do(post)
		if allowed := rec.Code == http.StatusSeeOther; allowed != c.allowed {
			t.Errorf("submit: %s submits %s: status %d, want allowed=%v\n%s", c.who, c.unit, rec.Code, c.allowed, bodyStart(rec.Body.String()))
		}
	}
}

func fixtureIndicatorByCode(code string) planwatch.Indicator {
	for _, ind := range fixtureIndicators() {
		if ind.Code == code {
			return ind
		}
	}
	return planwatch.Indicator{}
}
