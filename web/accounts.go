package web

import (
	"context"
	"crypto/rand"
	"net/http"
	"slices"
	"strings"

	"planwatch"
)

// The accounts page (issue 13, part 6): administrators create accounts, set
// their role and scopes, disable and enable them and reset passwords. Every
// route needs AccessAdmin (routes_accounts.go); every change is audited with
// the account as it was and as it became (never its hash), and a password
// reset or disabling ends the account's sessions. A new or reset password is
// made here, shown once in the answer to the request that made it (never in
// a URL, a cookie, the audit or the log) and only its argon2id hash is kept;
// it is good for one sign-in, after which the person must choose their own
// (password.go).

// accountsData is what the accounts page shows.
type accountsData struct {
	Accounts []accountRow
	Roles    []string
	Sectors  []option
	// Created and Password: the account whose one-time password is shown,
	// once, in this answer.
	Created  string
	Password string
	Form     accountForm // the creation form as sent, when it was refused
}

type accountRow struct {
	planwatch.Account
	Units, Indicators string // comma-separated, as the form takes them
}

// accountForm is the creation form as sent.
type accountForm struct {
	Name, Role, Units, Indicators string
	Sectors                       []string
}

// oneTimePasswordLen and its alphabet: 16 characters of 55 (no 0/O, 1/l/I)
// carry about 92 bits.
const oneTimePasswordLen = 16

const passwordAlphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// newOneTimePassword returns a random password for an administrator to hand over.
func newOneTimePassword() string {
	b := make([]byte, oneTimePasswordLen)
	rand.Read(b)
	out := make([]byte, len(b))
	for i := range b {
		// 256 is not a multiple of the alphabet's length; reject the
		// values that would favour its first letters.
		for int(b[i]) >= 256-256%len(passwordAlphabet) {
			var c [1]byte
			rand.Read(c[:])
			b[i] = c[0]
		}
		out[i] = passwordAlphabet[int(b[i])%len(passwordAlphabet)]
	}
	return string(out)
}

func (s *Server) accountStore() (planwatch.AccountStore, error) {
	if s.accounts == nil {
		return nil, planwatch.Errorf(planwatch.ENOTFOUND, "máy chủ chạy không có tài khoản / this server runs without accounts")
	}
	return s.accounts, nil
}

func (s *Server) handleAccounts(w http.ResponseWriter, r *http.Request) error {
	return s.renderAccounts(w, r, http.StatusOK, accountsData{}, nil)
}

// renderAccounts shows the page with d's one-time password or form, and
// err's message and problems when a change was refused.
func (s *Server) renderAccounts(w http.ResponseWriter, r *http.Request, status int, d accountsData, err error) error {
	as, aerr := s.accountStore()
	if aerr != nil {
		return aerr
	}
	list, lerr := as.Accounts(r.Context())
	if lerr != nil {
		return lerr
	}
	p := s.newPage(w, r, "accounts")
	for _, a := range list {
		d.Accounts = append(d.Accounts, accountRow{Account: a, Units: strings.Join(a.Units, ", "), Indicators: strings.Join(a.Indicators, ", ")})
	}
	d.Roles = []string{planwatch.RoleReporter, planwatch.RolePlanner, planwatch.RoleViewer, planwatch.RoleAdmin}
	if snap, serr := s.snapshot(r.Context()); serr == nil {
		for _, sec := range snap.sectors {
			d.Sectors = append(d.Sectors, option{sec, sectorLabel(p.Lang, sec)})
		}
	}
	if err != nil {
		var pe *planwatch.Error
		if asError(err, &pe) {
			p.Problems = pe.Problems
			if len(p.Problems) == 0 {
				p.Problems = []planwatch.Problem{{Reason: pe.Message}}
			}
		} else {
			return err
		}
		status = statusOf(planwatch.ErrorCode(err))
	}
	// The one-time password is in this answer only: nothing may keep it.
	w.Header().Set("Cache-Control", "no-store")
	p.D = d
	s.render(w, r, status, "accounts", p)
	return nil
}

// accountScopes reads and checks the scope fields of a form: unit codes
// and indicator codes separated by commas or spaces, sectors as checked
// boxes; every code must exist.
func (s *Server) accountScopes(ctx context.Context, r *http.Request, a *planwatch.Account) error {
	a.Units = splitCodes(r.PostFormValue("units"))
	a.Indicators = splitCodes(r.PostFormValue("indicators"))
	a.Sectors = nil
	for _, sec := range r.PostForm["sectors"] {
		if sec = strings.TrimSpace(sec); sec != "" && !slices.Contains(a.Sectors, sec) {
			a.Sectors = append(a.Sectors, sec)
		}
	}
	snap, err := s.snapshot(ctx)
	if err != nil {
		return err
	}
	e := &planwatch.Error{Code: planwatch.EINVALID, Message: "phạm vi không hợp lệ / invalid scope"}
	for _, u := range a.Units {
		if _, ok := snap.ds.Units().Latest(u); !ok {
			e.Problems = append(e.Problems, planwatch.Problem{Column: "units", Value: u, Reason: "không có đơn vị này / no such unit"})
		}
	}
	for _, code := range a.Indicators {
		if !slices.ContainsFunc(snap.inds, func(ind planwatch.Indicator) bool { return ind.Code == code }) {
			e.Problems = append(e.Problems, planwatch.Problem{Column: "indicators", Value: code, Reason: "không có chỉ tiêu này / no such indicator"})
		}
	}
	for _, sec := range a.Sectors {
		if !slices.Contains(snap.sectors, sec) {
			e.Problems = append(e.Problems, planwatch.Problem{Column: "sectors", Value: sec, Reason: "không có lĩnh vực này / no such sector"})
		}
	}
	if len(e.Problems) > 0 {
		return e
	}
	return nil
}

// splitCodes splits codes separated by commas, semicolons or white space,
// without repeats.
func splitCodes(s string) []string {
	var out []string
	for _, x := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\t' || r == '\r' }) {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// auditAccount records an account change with the account before and after.
func (s *Server) auditAccount(ctx context.Context, r *http.Request, action string, old, new *planwatch.Account) error {
	e := planwatch.AuditEntry{Action: action, Entity: "user/" + cmpName(old, new)}
	if old != nil {
		e.Old = planwatch.AccountText(*old)
	}
	if new != nil {
		e.New = planwatch.AccountText(*new)
	}
	return s.audit(ctx, r, e)
}

func cmpName(old, new *planwatch.Account) string {
	if new != nil {
		return new.Name
	}
	return old.Name
}

// hashNew hashes a new password, waiting its turn with sign-ins (each hash
// takes 64 MiB).
func (s *Server) hashNew(ctx context.Context, pw string) (string, error) {
	select {
	case s.hashing <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-s.hashing }()
	return HashPassword(pw)
}

func (s *Server) postAccountCreate(w http.ResponseWriter, r *http.Request) error {
	as, err := s.accountStore()
	if err != nil {
		return err
	}
	ctx := r.Context()
	f := accountForm{Name: strings.TrimSpace(r.PostFormValue("name")), Role: r.PostFormValue("role"),
		Units: r.PostFormValue("units"), Indicators: r.PostFormValue("indicators"), Sectors: r.PostForm["sectors"]}
	a := planwatch.Account{Name: f.Name, Role: f.Role, Created: s.now()}
	if err := a.Validate(); err != nil {
		return s.renderAccounts(w, r, 0, accountsData{Form: f}, err)
	}
	if err := s.accountScopes(ctx, r, &a); err != nil {
		return s.renderAccounts(w, r, 0, accountsData{Form: f}, err)
	}
	pw := newOneTimePassword()
	if a.PasswordHash, err = s.hashNew(ctx, pw); err != nil {
		return err
	}
	a.MustChangePassword = true
	if err := as.CreateAccount(ctx, a); err != nil {
		if planwatch.ErrorCode(err) == planwatch.ECONFLICT || planwatch.ErrorCode(err) == planwatch.EINVALID {
			return s.renderAccounts(w, r, 0, accountsData{Form: f}, err)
		}
		return err
	}
	if err := s.auditAccount(ctx, r, "user.add", nil, &a); err != nil {
		return err
	}
	return s.renderAccounts(w, r, http.StatusOK, accountsData{Created: a.Name, Password: pw}, nil)
}

// postAccountChange handles the changes of an existing account: "update"
// (role and scopes), "disable", "enable" and "password" (a new one-time
// password). Each is one AccountStore.ChangeAccount: the fields it sets
// only, the sessions it ends and its audit entry in one transaction, so
// that changes made at once by other administrators, instances or the
// command line are neither undone nor undo it; none may leave the store
// without an enabled administrator.
func (s *Server) postAccountChange(action string) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		as, err := s.accountStore()
		if err != nil {
			return err
		}
		ctx := r.Context()
		c := planwatch.AccountChange{Name: strings.TrimSpace(r.PostFormValue("name")), KeepAdmin: true,
			// A new password or a disabled account ends the sessions held;
			// so does a change of role or scope, so that no browser keeps
			// rights taken away (the next request reads the account anew anyway).
			EndSessions: action != "enable",
			Audit:       planwatch.AuditEntry{Action: "user." + action, By: userName(ctx), From: s.clientIP(r), At: s.now()}}
		var pw string
		switch action {
		case "update":
			c.Audit.Action = "user.set"
			var a planwatch.Account
			if err := s.accountScopes(ctx, r, &a); err != nil {
				return s.renderAccounts(w, r, 0, accountsData{}, err)
			}
			role := r.PostFormValue("role")
			c.Role, c.Units, c.Sectors, c.Indicators = &role, &a.Units, &a.Sectors, &a.Indicators
		case "disable", "enable":
			off := action == "disable"
			c.Disabled = &off
		case "password":
			pw = newOneTimePassword()
			hash, err := s.hashNew(ctx, pw)
			if err != nil {
				return err
			}
			must := true
			c.PasswordHash, c.MustChangePassword = &hash, &must
		}
		if _, _, err := as.ChangeAccount(ctx, c); err != nil {
			if code := planwatch.ErrorCode(err); code == planwatch.EINVALID || code == planwatch.ECONFLICT {
				return s.renderAccounts(w, r, 0, accountsData{}, err)
			}
			return err
		}
		if pw != "" {
			return s.renderAccounts(w, r, http.StatusOK, accountsData{Created: c.Name, Password: pw}, nil)
		}
		http.Redirect(w, r, "/accounts", http.StatusSeeOther)
		return nil
	}
}

// apiAccounts lists the accounts (the hash is never marshalled).
func (s *Server) apiAccounts(w http.ResponseWriter, r *http.Request) error {
	as, err := s.accountStore()
	if err != nil {
		return err
	}
	list, err := as.Accounts(r.Context())
	if err != nil {
		return err
	}
	if list == nil {
		list = []planwatch.Account{}
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}
