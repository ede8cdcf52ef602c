package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"

	"planwatch"
)

// Role is what a user may do: the planwatch.Role* of the user's account.
type Role string

const (
	RoleAdmin    Role = "admin"    // everything
	RolePlanner  Role = "planner"  // reads and writes province-wide, plans and reports
	RoleReporter Role = "reporter" // writes values of its units (and sectors or indicators)
	RoleViewer   Role = "viewer"   // reads
)

// User is who makes a request. Units, Sectors and Indicators scope a
// reporter's writes; empty means no restriction of that kind.
type User struct {
	Name       string
	Role       Role
	Units      []string
	Sectors    []string
	Indicators []string
}

// Access is what a route needs.
type Access int

const (
	AccessPublic Access = iota // static files, the OpenAPI document, language switch
	AccessRead                 // pages and read API: a user, or anyone when PublicRead
	AccessWrite                // data entry, uploads, saving extracted facts: reporters and up
	AccessPlan                 // plans, report notes and tasks: planners and admins
)

// Scope narrows a write to the data it touches; zero fields are not checked.
type Scope struct {
	Unit      string
	Indicator string
	Sector    string
}

// authorize is the one authorisation policy: it decides whether u (nil for
// an anonymous visitor) may do what access needs on scope. Every route calls
// it before its handler (see guard) and handlers of scoped writes call it
// again, per value, through allowWrite.
func authorize(u *User, publicRead bool, access Access, sc Scope) error {
	switch access {
	case AccessPublic:
		return nil
	case AccessRead:
		if u != nil || publicRead {
			return nil
		}
		return planwatch.Errorf(planwatch.EUNAUTHORIZED, "cần đăng nhập / sign-in required")
	}
	if u == nil {
		return planwatch.Errorf(planwatch.EUNAUTHORIZED, "cần đăng nhập / sign-in required")
	}
	switch u.Role {
	case RoleAdmin, RolePlanner:
		return nil
	case RoleReporter:
		if access != AccessWrite {
			break
		}
		if sc.Unit != "" && len(u.Units) > 0 && !slices.Contains(u.Units, sc.Unit) {
			return planwatch.Errorf(planwatch.EFORBIDDEN, "không có quyền nhập số liệu của đơn vị %s / not allowed to write unit %s", sc.Unit, sc.Unit)
		}
		if sc.Indicator != "" && len(u.Indicators) > 0 && !slices.Contains(u.Indicators, sc.Indicator) &&
			(sc.Sector == "" || !slices.Contains(u.Sectors, sc.Sector)) {
			return planwatch.Errorf(planwatch.EFORBIDDEN, "không có quyền nhập chỉ tiêu %s / not allowed to write indicator %s", sc.Indicator, sc.Indicator)
		}
		if sc.Sector != "" && len(u.Sectors) > 0 && !slices.Contains(u.Sectors, sc.Sector) &&
			(sc.Indicator == "" || !slices.Contains(u.Indicators, sc.Indicator)) {
			return planwatch.Errorf(planwatch.EFORBIDDEN, "không có quyền nhập lĩnh vực %s / not allowed to write sector %s", sc.Sector, sc.Sector)
		}
		return nil
	}
	return planwatch.Errorf(planwatch.EFORBIDDEN, "không có quyền / not allowed")
}

// route is one entry of the route table.
type route struct {
	pattern string // ServeMux pattern with method: "GET /indicators/{code}"
	access  Access
	handler http.Handler
}

// localAdmin acts for every request in single-user mode (no Authenticate).
var localAdmin = &User{Name: "web", Role: RoleAdmin}

// guard authenticates the request, asks the policy, checks the CSRF token of
// state-changing requests, and runs the handler.
func (s *Server) guard(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := localAdmin
		if s.cfg.Authenticate != nil {
			var err error
			if u, err = s.cfg.Authenticate(r); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		if err := authorize(u, s.cfg.PublicRead, rt.access, Scope{}); err != nil {
			// A person opening a page is sent to sign in, and back afterwards.
			if u == nil && r.Method == http.MethodGet && !wantsJSON(r) && s.sessions != nil {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.fail(w, r, err)
			return
		}
		// Every state-changing request carries a form token, signing in and
		// out included (login CSRF); only the catch-all, which changes
		// nothing, is exempt.
		if r.Method != http.MethodGet && r.Method != http.MethodHead && rt.pattern != "/" {
			if err := s.csrf.check(w, r); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		ctx := context.WithValue(r.Context(), ctxUser, u)
		rt.handler.ServeHTTP(w, r.WithContext(ctx))
	})
}

// allowWrite asks the policy about one scoped write.
func (s *Server) allowWrite(ctx context.Context, access Access, sc Scope) error {
	return authorize(userOf(ctx), s.cfg.PublicRead, access, sc)
}

// userName is the name recorded on changes.
func userName(ctx context.Context) string {
	if u := userOf(ctx); u != nil {
		return u.Name
	}
	return "anonymous"
}
