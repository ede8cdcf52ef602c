// Package web is planwatch's web application: server-rendered pages
// (dashboard, indicator pages, data entry, upload, reading a report, the
// period report, plans) and the JSON API under /api/, with templates, styles
// and the OpenAPI document embedded so that the binary works offline.
//
// Every route is declared once in routes() with the access it needs; the one
// authorisation function (authorize, in policy.go) is consulted for every
// request before its handler runs, and again by handlers for writes scoped to
// a unit and indicator. With Config.Accounts people sign in (sessions kept in
// the store, so that instances share them); reporters submit a unit's period,
// planners approve it, which locks entry, and every change, approval and
// sign-in is in the audit trail. Vietnamese is the default language; English is
// chosen with ?lang=en (remembered in a cookie). All UI strings live in the
// web/i18n catalogue. For slow lines and small screens: answers are
// gzip-compressed when the client accepts it (compress.go), static files are
// linked by fingerprinted URLs cached for a year (static.go), and every page
// fits a 320 px phone and passes axe-core's WCAG 2.1 AA rules (the browser
// tests). Administrators manage accounts on /accounts (accounts.go).
package web

import (
	"context"
	"embed"
	"html/template"
	"log/slog"
	"net/http"
	"net/netip"
	"runtime"
	"strings"
	"time"

	"planwatch"
	"planwatch/calc"
	"planwatch/web/i18n"
)

//go:embed templates/*.html static/* openapi.json
var assets embed.FS

// Config is what the server needs from its caller.
type Config struct {
	Store  planwatch.Store
	Logger *slog.Logger
	// Now gives the current time; time.Now when nil.
	Now func() time.Time
	// PublicRead lets visitors who are not signed in read pages and the read
	// API (the demo runs with it on). Writes always need a user.
	PublicRead bool
	// Authenticate returns the user making the request, or nil for an
	// anonymous visitor. When nil and Accounts is set, it reads the session
	// cookie; when both are nil, the server runs in single-user mode: every
	// request acts as the local administrator "web" (tests, a desktop).
	Authenticate func(r *http.Request) (*User, error)
	// Accounts turns on sign-in: users, sessions and login attempts are kept
	// there, and Authenticate (when nil) reads the session cookie. Without
	// Accounts and Authenticate the server runs in single-user mode.
	Accounts planwatch.AccountStore
	// Approvals keeps the approval state of unit-periods; when nil it is the
	// Store if the Store keeps approvals. Writes to approved unit-periods are
	// refused.
	Approvals planwatch.ApprovalStore
	// DueDays overrides, per sector (reporting form), the day of the period's
	// last month on which its report is due (see dueDate).
	DueDays map[string]int
	// DefaultUnit and DefaultPeriod are shown when a page is opened without
	// a choice; when empty they are taken from the data (the unit and the
	// latest quarter with the most values).
	DefaultUnit   string
	DefaultPeriod string
	// ApprovedOnly makes analytics leave out values not yet approved.
	ApprovedOnly bool
	// Secret keys the CSRF tokens; random when empty (tokens then do not
	// survive a restart, which only means a form must be reloaded).
	Secret []byte
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names the
	// client (for sign-in limits and the audit); any other peer is the client.
	TrustedProxies []netip.Prefix
	// Index is the analytics index the pages answer from; when nil the
	// server opens one from the Store at first use. Either way it follows
	// the store's commits (calc.Live), never reloading everything.
	Index *calc.Live
}

// Server is the web application. It is an http.Handler.
type Server struct {
	cfg   Config
	log   *slog.Logger
	now   func() time.Time
	store planwatch.Store
	mux   *http.ServeMux
	pages map[string]map[string]*template.Template // lang → page → template
	csrf  *csrfKeys

	sessions  *Sessions // nil without Config.Accounts
	accounts  planwatch.AccountStore
	approvals planwatch.ApprovalStore

	data      dataCache
	pageCache pageCache
	uploads   uploads
	routes    []route

	extracting  chan struct{} // one token per extraction running
	largeBodies turns         // requests holding a file whole (takesTurns, holdWhole)
	hashing     chan struct{} // one token per password being hashed
	validations validations   // rule checks over unit trees, kept and bounded (validation.go)
	logins      loginLimiter
}

// NewServer builds the web application. It fails only when an embedded
// template does not parse, which the tests rule out.
func NewServer(cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{cfg: cfg, log: cfg.Logger, now: cfg.Now, store: cfg.Store, mux: http.NewServeMux()}
	s.csrf = newCSRFKeys(cfg.Secret)
	if cfg.Accounts != nil {
		s.accounts = cfg.Accounts
		s.sessions = NewSessions(cfg.Accounts, 0, cfg.Now)
		if cfg.Authenticate == nil {
			s.cfg.Authenticate = s.sessions.Authenticate
		}
	}
	s.approvals = cfg.Approvals
	if s.approvals == nil {
		s.approvals, _ = cfg.Store.(planwatch.ApprovalStore)
	}
	if removed := removeKilledBodyFiles(time.Now()); len(removed) > 0 {
		s.log.Info("request bodies of a killed server removed", "files", strings.Join(removed, ","))
	}
	s.uploads.items = map[string]*pendingUpload{}
	s.extracting = make(chan struct{}, runtime.GOMAXPROCS(0))
	s.largeBodies = turns{all: make(chan struct{}, maxLargeBodies), users: map[string]*userTurn{}}
	s.hashing = make(chan struct{}, maxConcurrentHashes)
	s.validations.sem = make(chan struct{}, maxConcurrentValidations)
	var err error
	if s.pages, err = parseTemplates(); err != nil {
		return nil, err
	}
	s.routes = append(s.routeTable(staticHandler()), s.accountRoutes()...)
	s.routes = append(s.routes, s.ruleRoutes()...) // issue 13: data quality, validation rules, breakdowns
	s.routes = append(s.routes, s.catalogueRoutes()...)
	for _, rt := range s.routes {
		s.mux.Handle(rt.pattern, s.guard(rt))
	}
	return s, nil
}

// ServeHTTP protects every state-changing request against cross-origin
// forgery (Go's Sec-Fetch-Site/Origin check) before routing it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "same-origin")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'")
	// X-Forwarded-Proto is a trusted proxy's word that the browser used
	// HTTPS (cookies are then Secure); from anyone else it is dropped here,
	// once, so that no handler can believe it.
	if r.Header.Get("X-Forwarded-Proto") != "" && !s.fromTrustedProxy(r) {
		r.Header.Del("X-Forwarded-Proto")
	}
	if err := crossOrigin.Check(r); err != nil {
		s.fail(w, r, planwatch.Errorf(planwatch.EFORBIDDEN, "yêu cầu từ nguồn khác bị chặn / cross-origin request refused"))
		return
	}
	withGzip(w, r, func(w http.ResponseWriter) { s.mux.ServeHTTP(w, r) })
}

var crossOrigin = http.NewCrossOriginProtection()

// Routes lists the registered method+pattern strings, for tests and the
// OpenAPI check.
func (s *Server) Routes() []string {
	out := make([]string, len(s.routes))
	for i, rt := range s.routes {
		out[i] = rt.pattern
	}
	return out
}

// languages the UI is translated to; the first is the default.
var languages = i18n.Languages

// ctxKey keys request-scoped values.
type ctxKey int

const (
	ctxUser ctxKey = iota
)

func userOf(ctx context.Context) *User {
	u, _ := ctx.Value(ctxUser).(*User)
	return u
}
