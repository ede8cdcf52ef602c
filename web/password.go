package web

import (
	"net/http"
	"unicode/utf8"

	"planwatch"
	"planwatch/web/i18n"
)

// A person changes their own password here. An account whose password an
// administrator set (a one-time password from the accounts page) must do so
// before anything else: the guard sends every other request here (see
// mustChangeExempt).

// MinPasswordLen is the shortest password a person may choose (NIST SP
// 800-63B asks for at least 8 characters).
const MinPasswordLen = 8

type passwordData struct {
	Must bool
	Next string
}

// mustChangeExempt are the routes open to an account that must change its
// password first.
var mustChangeExempt = map[string]bool{
	"GET /password": true, "POST /password": true, "POST /logout": true,
	"GET /login": true, "POST /login": true, "GET /static/": true, "GET /favicon.ico": true, "/": true,
}

func (s *Server) handlePassword(w http.ResponseWriter, r *http.Request) error {
	return s.renderPassword(w, r, http.StatusOK, nil)
}

func (s *Server) renderPassword(w http.ResponseWriter, r *http.Request, status int, problem error) error {
	if s.accounts == nil {
		return planwatch.Errorf(planwatch.ENOTFOUND, "máy chủ chạy không có tài khoản / this server runs without accounts")
	}
	u := userOf(r.Context())
	p := s.newPage(w, r, "password")
	p.D = passwordData{Must: u != nil && u.MustChangePassword, Next: localPath(r.FormValue("next"))}
	if problem != nil {
		p.Problems = []planwatch.Problem{{Reason: planwatch.ErrorMessage(problem)}}
		status = statusOf(planwatch.ErrorCode(problem))
	}
	s.render(w, r, status, "password", p)
	return nil
}

// postPassword checks the current password (failures count against the
// account's sign-in limit), takes the new one, clears the must-change flag,
// ends every session of the account and starts a new one for this browser.
func (s *Server) postPassword(w http.ResponseWriter, r *http.Request) error {
	if s.accounts == nil || s.sessions == nil {
		return planwatch.Errorf(planwatch.ENOTFOUND, "máy chủ chạy không có tài khoản / this server runs without accounts")
	}
	ctx := r.Context()
	u := userOf(ctx)
	lang := langOf(nil, r)
	current, next, again := r.PostFormValue("current"), r.PostFormValue("new"), r.PostFormValue("again")
	now := s.now()
	ip := s.clientIP(r)
	byUser, _, err := s.accounts.FailedLogins(ctx, u.Name, ip, now.Add(-loginWindow))
	if err != nil {
		return err
	}
	if byUser >= maxFailsPerUser {
		return s.renderPassword(w, r, 0, planwatch.Errorf(planwatch.EFORBIDDEN, "%s", i18n.T(lang, "login.too_many", int(loginWindow.Minutes()))))
	}
	a, err := s.accounts.Account(ctx, u.Name)
	if err != nil {
		return err
	}
	if len(current) > maxPassword || len(next) > maxPassword {
		return s.renderPassword(w, r, 0, invalid("%s", i18n.T(lang, "password.too_long")))
	}
	select {
	case s.hashing <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	ok := checkPassword(a.PasswordHash, current)
	<-s.hashing
	if !ok {
		if err := s.accounts.RecordLoginAttempt(ctx, planwatch.LoginAttempt{User: u.Name, IP: ip, At: now}); err != nil {
			return err
		}
		if err := s.audit(ctx, r, planwatch.AuditEntry{Action: "password.failed", Entity: "user/" + u.Name}); err != nil {
			return err
		}
		return s.renderPassword(w, r, 0, planwatch.Errorf(planwatch.EFORBIDDEN, "%s", i18n.T(lang, "password.wrong")))
	}
	switch {
	case utf8.RuneCountInString(next) < MinPasswordLen:
		return s.renderPassword(w, r, 0, invalid("%s", i18n.T(lang, "password.short", MinPasswordLen)))
	case next != again:
		return s.renderPassword(w, r, 0, invalid("%s", i18n.T(lang, "password.mismatch")))
	case next == current:
		return s.renderPassword(w, r, 0, invalid("%s", i18n.T(lang, "password.same")))
	}
	hash, err := s.hashNew(ctx, next)
	if err != nil {
		return err
	}
	// The password only (an administrator's change of role meanwhile
	// stays), the other sessions ended and the audit entry: one transaction.
	must := false
	// Only over the password just checked: an administrator's reset made
	// while it was checked and the new one hashed stays.
	if _, _, err := s.accounts.ChangeAccount(ctx, planwatch.AccountChange{Name: a.Name, PasswordHash: &hash, MustChangePassword: &must,
		IfPasswordHash: &a.PasswordHash, EndSessions: true,
		Audit: planwatch.AuditEntry{Action: "user.password", By: a.Name, From: ip, At: now}}); err != nil {
		return err
	}
	if err := s.sessions.Start(ctx, w, r, a.Name); err != nil {
		return err
	}
	s.csrf.rotate(w, r)
	http.Redirect(w, r, localPath(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}
