package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"planwatch"
	"planwatch/web/i18n"
)

// Sign-in limits. Failed attempts are counted over loginWindow:
//   - from a browser that has signed in to the account before (it holds a
//     device cookie for that name, see device.go): per browser, so that the
//     owner is not locked out by someone else's failures (issue 15, 9);
//   - from anywhere else: per account name (guessing one password) and per
//     client address (trying many names).
//
// Attempts under way count too (logins.reserve), so that concurrent
// attempts cannot pass the limits; and at most maxConcurrentHashes
// passwords are hashed at once (64 MiB each), the others wait their turn.
const (
	loginWindow         = 15 * time.Minute
	maxFailsPerUser     = 5
	maxFailsPerIP       = 20
	maxConcurrentHashes = 4
)

type loginData struct {
	Enabled bool
	Name    string
	Next    string
}

// clientIP is the address recorded on logins and audit entries: the peer's,
// without its port; when the peer is one of Config.TrustedProxies, the
// address its X-Forwarded-For names (the nearest one that is not itself a
// trusted proxy). X-Forwarded-For from anyone else is ignored, since any
// client can send it.
func (s *Server) clientIP(r *http.Request) string {
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	addr := peer.Addr().Unmap()
	if !s.trustedProxy(addr) {
		return addr.String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		if addr = a.Unmap(); !s.trustedProxy(addr) {
			break
		}
	}
	return addr.String()
}

// fromTrustedProxy reports whether the request's peer is one of
// Config.TrustedProxies.
func (s *Server) fromTrustedProxy(r *http.Request) bool {
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	return err == nil && s.trustedProxy(peer.Addr().Unmap())
}

func (s *Server) trustedProxy(a netip.Addr) bool {
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// localPath keeps a ?next= target only when it is a path on this site:
// printable ASCII without spaces or backslashes (browsers drop tabs and
// newlines and read "\" as "/", which would turn "/\t/evil" into
// "//evil"), no scheme or host, and a path that does not start with "//"
// even once decoded.
func localPath(p string) string {
	for i := 0; i < len(p); i++ {
		if c := p[i]; c <= ' ' || c >= 0x7f || c == '\\' {
			return "/"
		}
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(p, "/") ||
		strings.HasPrefix(p, "//") || strings.HasPrefix(u.Path, "//") {
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

// checkPassword is CheckPassword (a variable for the test that counts how
// many run at once).
var checkPassword = CheckPassword

// postLogin checks the password under the limits, records the attempt and,
// for an existing account, the audit entry; on success it starts a new
// session and marks the browser as known for this account.
func (s *Server) postLogin(w http.ResponseWriter, r *http.Request) error {
	if s.sessions == nil {
		return planwatch.Errorf(planwatch.EINVALID, "chưa bật tài khoản (chế độ một người dùng) / accounts are not enabled (single-user mode)")
	}
	ctx := r.Context()
	raw := strings.TrimSpace(r.PostFormValue("name"))
	name := raw
	planwatch.NFC(&name) // as account names are kept (Account.Validate)
	password := r.PostFormValue("password")
	p := s.newPage(w, r, "login")
	d := loginData{Enabled: true, Next: localPath(r.PostFormValue("next"))}
	p.D = d
	wrong := func() error {
		p.Problems = append(p.Problems, planwatch.Problem{Reason: i18n.T(p.Lang, "login.wrong")})
		s.render(w, r, http.StatusUnauthorized, "login", p)
		return nil
	}
	// No account has such a name (Account.Validate): nothing to check,
	// count, record or echo.
	if name == "" || len(name) > planwatch.MaxAccountName || len(password) > maxPassword {
		return wrong()
	}
	d.Name = name
	p.D = d
	key := loginKey{user: name, ip: s.clientIP(r)}
	if dev, ok := s.device(r, name); ok {
		key = loginKey{device: dev}
	}
	release, refused, err := s.logins.reserve(ctx, s.accounts, key, s.now())
	if err != nil {
		return err
	}
	if refused {
		p.Problems = append(p.Problems, planwatch.Problem{Reason: i18n.T(p.Lang, "login.too_many", int(loginWindow.Minutes()))})
		s.render(w, r, http.StatusTooManyRequests, "login", p)
		return nil
	}
	defer release()
	a, err := s.accounts.Account(ctx, name)
	if planwatch.ErrorCode(err) == planwatch.ENOTFOUND && raw != name && len(raw) <= planwatch.MaxAccountName {
		// An account named before names were kept in NFC signs in as typed.
		if old, oerr := s.accounts.Account(ctx, raw); oerr == nil {
			a, err = old, nil
		}
	}
	exists := err == nil
	if err != nil && planwatch.ErrorCode(err) != planwatch.ENOTFOUND {
		return err
	}
	hash := dummyHash() // the same work as for a wrong password
	if exists {
		hash = a.PasswordHash
	}
	select {
	case s.hashing <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	ok := checkPassword(hash, password) && exists && !a.Disabled
	<-s.hashing
	now := s.now()
	if err := s.accounts.RecordLoginAttempt(ctx, planwatch.LoginAttempt{User: name, IP: key.source(), At: now, OK: ok}); err != nil {
		return err
	}
	if !ok {
		// Only attempts on real accounts go to the audit, which is never
		// pruned; the rest stay in the login attempts, which are.
		if exists {
			if err := s.audit(ctx, r, planwatch.AuditEntry{By: name, Action: "login.failed", Entity: "user/" + name}); err != nil {
				return err
			}
		}
		if err := s.auditLock(ctx, r, key, name, exists, now); err != nil {
			return err
		}
		return wrong()
	}
	if err := s.sessions.Start(ctx, w, r, a.Name); err != nil {
		return err
	}
	s.rememberDevice(w, r, a.Name)
	// A new form token too: nothing the browser held before sign-in is kept.
	s.csrf.rotate(w, r)
	if err := s.audit(ctx, r, planwatch.AuditEntry{By: a.Name, Action: "login", Entity: "user/" + a.Name}); err != nil {
		return err
	}
	http.Redirect(w, r, d.Next, http.StatusSeeOther)
	return nil
}

// auditLock records, once, that this failure has brought a limit to its
// end: a browser's or new browsers' attempts on an account, or an address's
// attempts on any name.
func (s *Server) auditLock(ctx context.Context, r *http.Request, key loginKey, name string, exists bool, now time.Time) error {
	byUser, bySource, err := s.accounts.FailedLogins(ctx, name, key.source(), now.Add(-loginWindow))
	if err != nil {
		return err
	}
	var e planwatch.AuditEntry
	switch {
	case key.device != "" && bySource == maxFailsPerUser:
		e = planwatch.AuditEntry{By: name, Action: "login.locked", Entity: "user/" + name, Detail: "a known browser"}
	case key.device == "" && exists && byUser == maxFailsPerUser:
		e = planwatch.AuditEntry{By: name, Action: "login.locked", Entity: "user/" + name, Detail: "new browsers"}
	case key.device == "" && bySource == maxFailsPerIP:
		e = planwatch.AuditEntry{By: "anonymous", Action: "login.locked", Entity: "ip/" + key.ip}
	default:
		return nil
	}
	return s.audit(ctx, r, e)
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
	e.From = s.clientIP(r)
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
