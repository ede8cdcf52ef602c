package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net"
	"net/http"
	"strings"
	"time"

	"planwatch"
	"planwatch/web/i18n"
)

// Login rate limits: failed attempts counted over loginWindow, per account
// name (guessing one password) and per IP address (trying many names).
const (
	loginWindow     = 15 * time.Minute
	maxFailsPerUser = 5
	maxFailsPerIP   = 20
)

type loginData struct {
	Enabled bool
	Name    string
	Next    string
}

// clientIP is the address recorded on logins and audit entries: the peer's,
// without its port. (Behind a reverse proxy this is the proxy; X-Forwarded-For
// is not trusted because any client can send it.)
func clientIP(r *http.Request) string {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}

// localPath keeps a ?next= target only when it is a path on this site.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || strings.ContainsAny(p, "\r\n") {
		return "/"
	}
	return p
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(w, r, "login")
	p.D = loginData{Enabled: s.sessions != nil, Next: localPath(r.URL.Query().Get("next"))}
	s.render(w, r, http.StatusOK, "login", p)
	return nil
}

// postLogin checks the password under the rate limits, records the attempt
// and the audit entry, and on success starts a new session.
func (s *Server) postLogin(w http.ResponseWriter, r *http.Request) error {
	if s.sessions == nil {
		return planwatch.Errorf(planwatch.EINVALID, "chưa bật tài khoản (chế độ một người dùng) / accounts are not enabled (single-user mode)")
	}
	ctx := r.Context()
	name := strings.TrimSpace(r.PostFormValue("name"))
	password := r.PostFormValue("password")
	ip := clientIP(r)
	p := s.newPage(w, r, "login")
	d := loginData{Enabled: true, Name: name, Next: localPath(r.PostFormValue("next"))}
	p.D = d
	now := s.now()
	byUser, byIP, err := s.accounts.FailedLogins(ctx, name, ip, now.Add(-loginWindow))
	if err != nil {
		return err
	}
	if byUser >= maxFailsPerUser || byIP >= maxFailsPerIP {
		if err := s.audit(ctx, r, planwatch.AuditEntry{By: name, Action: "login.refused", Entity: "user/" + name, Detail: "rate limit"}); err != nil {
			return err
		}
		p.Problems = append(p.Problems, planwatch.Problem{Reason: i18n.T(p.Lang, "login.too_many", int(loginWindow.Minutes()))})
		s.render(w, r, http.StatusTooManyRequests, "login", p)
		return nil
	}
	a, err := s.accounts.Account(ctx, name)
	ok := false
	switch {
	case planwatch.ErrorCode(err) == planwatch.ENOTFOUND:
		CheckPassword(dummyHash, password) // the same time as a wrong password
	case err != nil:
		return err
	default:
		ok = CheckPassword(a.PasswordHash, password) && !a.Disabled
	}
	if err := s.accounts.RecordLoginAttempt(ctx, planwatch.LoginAttempt{User: name, IP: ip, At: now, OK: ok}); err != nil {
		return err
	}
	if !ok {
		if err := s.audit(ctx, r, planwatch.AuditEntry{By: name, Action: "login.failed", Entity: "user/" + name}); err != nil {
			return err
		}
		p.Problems = append(p.Problems, planwatch.Problem{Reason: i18n.T(p.Lang, "login.wrong")})
		s.render(w, r, http.StatusUnauthorized, "login", p)
		return nil
	}
	if err := s.sessions.Start(ctx, w, r, a.Name); err != nil {
		return err
	}
	// A new form token too: nothing the browser held before sign-in is kept.
	s.csrf.rotate(w, r)
	if err := s.audit(ctx, r, planwatch.AuditEntry{By: a.Name, Action: "login", Entity: "user/" + a.Name}); err != nil {
		return err
	}
	http.Redirect(w, r, d.Next, http.StatusSeeOther)
	return nil
}

func (s *Server) postLogout(w http.ResponseWriter, r *http.Request) error {
	if s.sessions != nil {
		if u := userOf(r.Context()); u != nil && u != localAdmin {
			if err := s.audit(r.Context(), r, planwatch.AuditEntry{By: u.Name, Action: "logout", Entity: "user/" + u.Name}); err != nil {
				return err
			}
		}
		s.sessions.End(r.Context(), w, r)
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// audit records an entry that is not a data change, from the request's address.
func (s *Server) audit(ctx context.Context, r *http.Request, e planwatch.AuditEntry) error {
	if e.By == "" {
		e.By = userName(ctx)
	}
	e.From = clientIP(r)
	e.At = s.now()
	return s.store.RecordAudit(ctx, e)
}

// rotate gives the browser a new form-token cookie, for use from now on in
// this request too.
func (k *csrfKeys) rotate(w http.ResponseWriter, r *http.Request) {
	b := make([]byte, 24)
	rand.Read(b)
	id := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure(r)})
}
