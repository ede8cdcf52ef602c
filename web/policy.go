package web

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"time"

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
	// MustChangePassword: the account signed in with a one-time password
	// and may do nothing but choose its own (see password.go).
	MustChangePassword bool
}

// Access is what a route needs.
type Access int

const (
	AccessPublic   Access = iota // static files, the OpenAPI document, language switch
	AccessRead                   // pages and read API: a user, or anyone when PublicRead
	AccessSignedIn               // costly work that stores nothing (reading a text): any signed-in user
	AccessWrite                  // data entry, uploads, saving extracted facts: reporters and up
	AccessPlan                   // plans, report notes and tasks: planners and admins
	AccessAdmin                  // accounts: administrators only
)

// Scope narrows a write to the data it touches; zero fields are not checked.
type Scope struct {
	Unit      string
	Indicator string
	Sector    string
}

// authorize is the one authorisation policy: it decides whether u (nil for
// an anonymous visitor) may do what access needs on scope. Every route calls
// it before its handler (see guard); every change set is checked item by item
// where it is applied (authorizeChanges, from Server.apply), and every
// approval step where it is taken (authorizeApproval).
func authorize(u *User, publicRead bool, access Access, sc Scope) error {
	switch access {
	case AccessPublic:
		return nil
	case AccessRead:
		if u != nil || publicRead {
			return nil
		}
		return planwatch.Errorf(planwatch.EUNAUTHORIZED, "cần đăng nhập / sign-in required")
	case AccessSignedIn:
		if u != nil {
			return nil
		}
	}
	if u == nil {
		return planwatch.Errorf(planwatch.EUNAUTHORIZED, "cần đăng nhập / sign-in required")
	}
	switch u.Role {
	case RoleAdmin:
		return nil
	case RolePlanner:
		if access != AccessAdmin {
			return nil
		}
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

// authorizeChanges is the one authorisation check of a change set: every
// value, target, milestone, note and task in it is put to the policy with the
// scope it touches (values need write access to their unit and indicator or
// sector; plans, notes and tasks need planning access). Server.apply calls it
// for every write, so no handler can forget it. sectorOf gives an
// indicator's sector. The error is EUNAUTHORIZED for an anonymous user,
// otherwise EFORBIDDEN listing every refused item by row and column.
func authorizeChanges(u *User, cs *planwatch.ChangeSet, sectorOf func(string) string) error {
	a := &changeAuthorizer{u: u, sectorOf: sectorOf}
	for i, v := range cs.Values {
		if err := a.value(i, v); err != nil {
			return err
		}
	}
	for i, t := range cs.Targets {
		if err := a.check(rowOf(i, t.Source), "unit", t.Unit+" "+t.Indicator, AccessPlan, Scope{Unit: t.Unit, Indicator: t.Indicator}); err != nil {
			return err
		}
	}
	for i, m := range cs.Milestones {
		if err := a.check(rowOf(i, m.Source), "milestone.unit", m.Unit+" "+m.Indicator, AccessPlan, Scope{Unit: m.Unit, Indicator: m.Indicator}); err != nil {
			return err
		}
	}
	for i, n := range cs.Notes {
		if err := a.check(i+1, "note.orgunit", n.Unit, AccessPlan, Scope{Unit: n.Unit}); err != nil {
			return err
		}
	}
	for i, t := range cs.Tasks {
		if err := a.check(i+1, "task.orgunit", t.Unit, AccessPlan, Scope{Unit: t.Unit}); err != nil {
			return err
		}
	}
	return a.err()
}

// changeAuthorizer puts the changes of a change set to the policy one by
// one (authorizeChanges; requestApplier.ApplyStream for a streamed file),
// gathering every refusal by row and column. A check returns an error only
// when nothing further can be allowed (EUNAUTHORIZED: nobody signed in).
type changeAuthorizer struct {
	u        *User
	sectorOf func(string) string
	refused  planwatch.Error
}

// value checks the i-th value of a change set: write access to its unit
// and indicator or sector.
func (a *changeAuthorizer) value(i int, v planwatch.DataValue) error {
	return a.check(rowOf(i, v.Source), "orgunit", v.Unit+" "+v.Indicator, AccessWrite,
		Scope{Unit: v.Unit, Indicator: v.Indicator, Sector: a.sectorOf(v.Indicator)})
}

func (a *changeAuthorizer) check(row int, column, value string, access Access, sc Scope) error {
	err := authorize(a.u, false, access, sc)
	if err == nil {
		return nil
	}
	if planwatch.ErrorCode(err) == planwatch.EUNAUTHORIZED {
		return err
	}
	if a.refused.Message == "" {
		a.refused.Message = planwatch.ErrorMessage(err)
	}
	a.refused.Problems = planwatch.AddProblem(a.refused.Problems, planwatch.Problem{Row: row, Column: column, Value: value, Reason: planwatch.ErrorMessage(err)})
	return nil
}

// err is the refusal of everything checked, or nil: EFORBIDDEN listing
// every refused change.
func (a *changeAuthorizer) err() error {
	if len(a.refused.Problems) == 0 {
		return nil
	}
	e := a.refused
	e.Code = planwatch.EFORBIDDEN
	if n := planwatch.CountProblems(e.Problems); n > 1 {
		e.Message = fmt.Sprintf("%d thay đổi không được phép, không có gì được lưu / %d changes not allowed, nothing was stored", n, n)
	}
	return &e
}

// rowOf is the row a change names in a problem: its file row, or else its
// position in the change set (from 1).
func rowOf(i int, src planwatch.Source) int {
	if src.Row > 0 {
		return src.Row
	}
	return i + 1
}

// authorizeApproval decides whether u may take an approval step on a unit:
// submitting needs the right to write all of the unit's figures (a reporter
// scoped to some sectors or indicators cannot vouch for the rest); approving,
// returning and unlocking need planning access.
func authorizeApproval(u *User, action, unit string) error {
	if action != "submit" {
		return authorize(u, false, AccessPlan, Scope{Unit: unit})
	}
	if err := authorize(u, false, AccessWrite, Scope{Unit: unit}); err != nil {
		return err
	}
	if u.Role == RoleReporter && (len(u.Sectors) > 0 || len(u.Indicators) > 0) {
		return planwatch.Errorf(planwatch.EFORBIDDEN, "chỉ người nhập toàn bộ số liệu của đơn vị %s mới được gửi duyệt / only someone who reports all of unit %s's figures may submit them", unit, unit)
	}
	return nil
}

// separateDuties is the separation of duties of the approval workflow: an
// approval is a second person's check of submitted figures (PRODUCT.md,
// "approval of submitted data"), so u may not approve a unit-period they
// submitted, nor one holding a current figure they entered — of the unit
// or of a unit under it in any month of the period, which the approval
// locks too (CheckLockedKeys). Where nobody else may approve the unit (no
// other enabled account a planner or admin over it; no accounts at all),
// there is nobody else to ask: its user approves their own figures
// (doc/operations.md). duties reads what the rule needs once for the
// approvals of one request: the accounts, and u's figures under them in
// one pass over the index.
func (s *Server) separateDuties(ctx context.Context, snap *snapshot, u *User, p planwatch.Period, units []string) (*duties, error) {
	d := &duties{u: u, h: snap.ds.Units(), period: p, mine: map[string]string{}, subtree: map[string][]string{}}
	if u == nil || u == localAdmin {
		return d, nil
	}
	d.checks = true
	if s.accounts != nil {
		accounts, err := s.accounts.Accounts(ctx)
		if err != nil {
			return nil, err
		}
		for _, a := range accounts {
			if !a.Disabled && a.Name != u.Name {
				d.others = append(d.others, userOfAccount(a))
			}
		}
		d.counted = true
	}
	var all []string
	seen := map[string]bool{}
	for _, unit := range units {
		for _, c := range d.under(unit) {
			if !seen[c] {
				seen[c] = true
				all = append(all, c)
			}
		}
	}
	q := planwatch.ValueQuery{Units: all, FromMonth: p.Year*100 + p.First, ToMonth: p.Year*100 + p.Last}
	for v := range snap.ds.EachValue(q) {
		if v.By == u.Name {
			if _, ok := d.mine[v.Unit]; !ok {
				d.mine[v.Unit] = v.Indicator + " " + v.Unit + " " + v.Period.ID()
			}
		}
	}
	return d, nil
}

// duties answers separateDuties for the approvals of one request.
type duties struct {
	u       *User
	h       *planwatch.Hierarchy
	period  planwatch.Period
	checks  bool
	counted bool              // others is every other enabled account
	others  []*User           // enabled accounts but u's
	mine    map[string]string // unit → a current figure u entered there in the period
	subtree map[string][]string
}

// under is unit and every unit under it at the end of any month of the
// period (a unit moved or merged within it is under it for its months).
func (d *duties) under(unit string) []string {
	if out, ok := d.subtree[unit]; ok {
		return out
	}
	out, seen := []string{unit}, map[string]bool{unit: true}
	for m := d.period.First; m <= d.period.Last; m++ {
		end := planwatch.MonthOf(d.period.Year, m).End()
		for i := 0; i < len(out); i++ {
			for _, c := range d.h.ChildrenAt(out[i], end) {
				if !seen[c] {
					seen[c] = true
					out = append(out, c)
				}
			}
		}
	}
	d.subtree[unit] = out
	return out
}

// check refuses u's approval of cur when the rule asks for another person.
func (d *duties) check(cur planwatch.Approval) error {
	if !d.checks {
		return nil
	}
	if d.counted && !slices.ContainsFunc(d.others, func(o *User) bool { return authorizeApproval(o, "approve", cur.Unit) == nil }) {
		return nil // nobody else may approve it
	}
	refuse := func(what string) error {
		return planwatch.Errorf(planwatch.EFORBIDDEN, "%s không thể tự phê duyệt đơn vị %s kỳ %s: %s; cần người lập kế hoạch khác / %s cannot approve unit %s %s: %s; another planner must",
			d.u.Name, cur.Unit, cur.Period.ID(), what, d.u.Name, cur.Unit, cur.Period.ID(), what)
	}
	if cur.State == planwatch.ApprovalSubmitted && cur.By == d.u.Name {
		return refuse("đã tự gửi duyệt / they submitted it")
	}
	for _, c := range d.under(cur.Unit) {
		if what, ok := d.mine[c]; ok {
			return refuse("đã tự nhập / they entered " + what)
		}
	}
	return nil
}

// showsNames reports whether the request's user may see account names (who
// entered or approved a figure, whom to remind): those who write may; to
// viewers and anonymous readers a name is half of a password guess.
func showsNames(ctx context.Context) bool {
	return authorize(userOf(ctx), false, AccessWrite, Scope{}) == nil
}

// hideNames blanks the account names in values and approvals for a user
// who may not see them (showsNames).
func hideNames(ctx context.Context, vals []planwatch.DataValue, approvals []planwatch.Approval) {
	if showsNames(ctx) {
		return
	}
	for i := range vals {
		vals[i].By = ""
	}
	for i := range approvals {
		approvals[i].By = ""
	}
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
		if u != nil && u.MustChangePassword && !mustChangeExempt[rt.pattern] {
			if r.Method == http.MethodGet && !wantsJSON(r) {
				http.Redirect(w, r, "/password?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.fail(w, r, planwatch.Errorf(planwatch.EFORBIDDEN, "cần đổi mật khẩu trước / change your password first"))
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			// The server reads a request within a short time (serve's
			// ReadTimeout); a signed-in user gets longer for a file over
			// a slow line. (Not supported by test recorders: ignored.)
			if u != nil && u != localAdmin && bodyLimit(rt.pattern) > maxFormBody {
				_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(slowBodyTime))
			}
			// Every body is bounded by what the route takes, whatever
			// carries the form token; a multipart form is parsed here,
			// with files beyond multipartMemory on disk, and its temporary
			// files are removed when the handler is done.
			r.Body = http.MaxBytesReader(w, r.Body, bodyLimit(rt.pattern))
			defer removeMultipart(r)
			if isMultipart(r) {
				if err := r.ParseMultipartForm(multipartMemory); err != nil {
					s.fail(w, r, bodyError(err))
					return
				}
			}
			// Every state-changing request carries a form token, signing in
			// and out included (login CSRF); only the catch-all, which
			// changes nothing, is exempt.
			if rt.pattern != "/" {
				if err := s.csrf.check(w, r); err != nil {
					s.fail(w, r, bodyError(err))
					return
				}
			}
			// A file read and parsed whole takes turns with the others
			// (holdWhole, maxLargeBodies at once, one per user), so what
			// files hold in memory is bounded however many are sent at
			// once; its bytes are on disk before it waits for one.
			if takesTurns(rt.pattern) {
				name := ""
				if u != nil {
					name = u.Name
				}
				var end func()
				r, end = s.largeBodies.withTurn(r, name)
				defer end()
			}
		}
		// What the server answers depends on who asks and changes with the
		// data: no cache keeps it (static files aside).
		if rt.pattern != "GET /static/" && rt.pattern != "GET /favicon.ico" {
			w.Header().Set("Cache-Control", "no-store")
		}
		r = r.WithContext(context.WithValue(r.Context(), ctxUser, u))
		switch {
		case u == nil && r.Method == http.MethodGet && cachedRoutes[rt.pattern]:
			s.serveCached(w, r, rt.handler)
			return
		case r.Method != http.MethodGet && r.Method != http.MethodHead:
			// A write may change any page: kept pages are made afresh.
			defer s.pageCache.gen.Add(1)
		}
		rt.handler.ServeHTTP(w, r)
	})
}

// Request bodies: maxFormBody for a form, bodyLimits for the routes that
// take files or texts; multipartMemory of a multipart form is kept in
// memory, the rest of its files on disk until the request ends.
const (
	maxFormBody     = 1 << 20
	multipartMemory = 1 << 20
	// maxMappingBody holds a mapping file of planwatch.MaxMappingEntries.
	maxMappingBody = 16 << 20
	// slowBodyTime is how long a signed-in user may take to send a file.
	slowBodyTime = 10 * time.Minute
)

// bodyLimits are the routes whose bodies may exceed maxFormBody.
var bodyLimits = map[string]int64{
	"POST /upload":            maxUpload,
	"POST /plans/import":      maxUpload,
	"POST /mappings":          maxMappingBody,
	"POST /api/values":        maxUpload,
	"POST /api/targets":       maxUpload,
	"POST /api/dataValueSets": maxUpload,
	"POST /read":              maxExtractBody,
	"POST /read/save":         maxExtractBody,
	"POST /api/extract":       maxExtractBody,
}

// maxLargeBodies is how many requests holding a file whole (takesTurns,
// holdWhole) are handled at once.
const maxLargeBodies = 2

// takesTurns reports whether the route takes files (bodies of megabytes
// read as data: uploads, plans, mappings, the write API), whose requests
// take turns (maxLargeBodies at once). Reading a text (extract) has its
// own bound.
func takesTurns(pattern string) bool { return bodyLimit(pattern) >= maxMappingBody }

func bodyLimit(pattern string) int64 {
	if n, ok := bodyLimits[pattern]; ok {
		return n
	}
	return maxFormBody
}

func isMultipart(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "multipart/form-data"
}

// removeMultipart deletes the temporary files of a parsed multipart form
// (net/http does so only for forms parsed on the request it handed out).
func removeMultipart(r *http.Request) {
	if r.MultipartForm != nil {
		r.MultipartForm.RemoveAll()
	}
}

// codeTooLarge is the error code of a body over its route's limit (413).
const codeTooLarge = "too_large"

// bodyError is err, or a 413 error when it says the body was over its limit.
func bodyError(err error) error {
	if mb := (*http.MaxBytesError)(nil); errors.As(err, &mb) {
		return tooLarge(mb.Limit)
	}
	return err
}

// tooLarge is the 413 error of an input over limit bytes.
func tooLarge(limit int64) error {
	size := fmt.Sprintf("%d KiB", limit>>10)
	if limit >= 1<<20 {
		size = fmt.Sprintf("%d MiB", limit>>20)
	}
	return &planwatch.Error{Code: codeTooLarge, Message: fmt.Sprintf("nội dung gửi lên quá lớn (tối đa %s) / input too large (at most %s)", size, size)}
}

// userName is the name recorded on changes.
func userName(ctx context.Context) string {
	if u := userOf(ctx); u != nil {
		return u.Name
	}
	return "anonymous"
}

// authorizeCatalogue is the one authorisation check of a catalogue change
// (Server.applyCatalogue calls it for every one): indicators and the
// conversion of stored values need administration; indicator sets need
// planning access to their unit; unit groups planning access.
func authorizeCatalogue(u *User, c *planwatch.CatalogueChange) error {
	if len(c.Indicators) > 0 || len(c.Convert) > 0 || len(c.Categories) > 0 || len(c.RemoveCategories) > 0 {
		if err := authorize(u, false, AccessAdmin, Scope{}); err != nil {
			return err
		}
	}
	for _, set := range c.Sets {
		if err := authorize(u, false, AccessPlan, Scope{Unit: set.Unit}); err != nil {
			return err
		}
	}
	if len(c.Groups) > 0 {
		return authorize(u, false, AccessPlan, Scope{})
	}
	return nil
}
