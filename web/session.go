package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"

	"planwatch"
)

// Sessions and password hashes. Sessions live in the store (accounts of
// issue 6), so that several instances behind one address share them; the
// browser holds a random id and the store only its SHA-256. A sign-in always
// issues a new id (no session fixation).

// argon2id parameters (RFC 9106's second recommended option, with 64 MiB).
const (
	argonTime    = 3
	argonMemory  = 64 * 1024
	argonThreads = 2
	argonKeyLen  = 32
)

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches a hash from HashPassword.
func CheckPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var mem uint32
	var t uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &t, &threads); err != nil {
		return false
	}
	// Refuse parameters that would let a stored hash exhaust the server.
	if mem == 0 || mem > 1<<20 || t == 0 || t > 16 || threads == 0 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 || len(want) > 128 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, mem, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when the account does not exist, so that the
// answer takes as long as for a wrong password. It is made at the first
// sign-in, not when the program starts: an argon2id hash costs 64 MB and a
// third of a second, which every command (import, status) would pay.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("planwatch: no such account")
	return h
})

// sessionCookie names the session cookie.
const sessionCookie = "pw_session"

// Session lifetimes: idle is how long a session lasts without use; a session
// never lasts longer than absolute, however busy.
const (
	sessionIdle     = 8 * time.Hour
	sessionAbsolute = 7 * 24 * time.Hour
	// touchEvery limits writes: a session's last use is recorded at most this often.
	touchEvery = time.Minute
)

// Sessions signs users in and out against an AccountStore.
type Sessions struct {
	store planwatch.AccountStore
	ttl   time.Duration
	now   func() time.Time
}

// NewSessions makes a session manager whose sessions last ttl from their
// last use (sessionIdle when 0).
func NewSessions(store planwatch.AccountStore, ttl time.Duration, now func() time.Time) *Sessions {
	if now == nil {
		now = time.Now
	}
	if ttl == 0 {
		ttl = sessionIdle
	}
	return &Sessions{store: store, ttl: ttl, now: now}
}

func hashID(id string) string {
	h := sha256.Sum256([]byte(id))
	return hex.EncodeToString(h[:])
}

// secure reports whether cookies must be marked Secure: on TLS, directly or
// behind a proxy that says so.
func secure(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// Start signs user in: any session the browser had is ended and a new id is
// set in a Secure (on HTTPS), HttpOnly, SameSite=Lax cookie.
func (s *Sessions) Start(ctx context.Context, w http.ResponseWriter, r *http.Request, user string) error {
	// The old session ends; its cookie is replaced below.
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if err := s.store.DeleteSession(ctx, hashID(c.Value)); err != nil {
			return err
		}
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	id := base64.RawURLEncoding.EncodeToString(b)
	now := s.now()
	if err := s.store.CreateSession(ctx, planwatch.Session{IDHash: hashID(id), User: user, Created: now, LastSeen: now, Expires: now.Add(s.ttl)}); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true, Secure: secure(r), SameSite: http.SameSiteLaxMode})
	return nil
}

// End signs the browser out.
func (s *Sessions) End(ctx context.Context, w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		_ = s.store.DeleteSession(ctx, hashID(c.Value))
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: secure(r), SameSite: http.SameSiteLaxMode})
}

// Authenticate returns the user of the request's session, or nil when there
// is none, it has expired or the account is disabled; it fits
// Config.Authenticate.
func (s *Sessions) Authenticate(r *http.Request) (*User, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" || len(c.Value) > 128 {
		return nil, nil
	}
	ctx := r.Context()
	h := hashID(c.Value)
	ss, err := s.store.Session(ctx, h)
	if planwatch.ErrorCode(err) == planwatch.ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	now := s.now()
	if !now.Before(ss.Expires) || !now.Before(ss.Created.Add(sessionAbsolute)) {
		_ = s.store.DeleteSession(ctx, h)
		return nil, nil
	}
	a, err := s.store.Account(ctx, ss.User)
	if planwatch.ErrorCode(err) == planwatch.ENOTFOUND || (err == nil && a.Disabled) {
		_ = s.store.DeleteSession(ctx, h)
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if now.Sub(ss.LastSeen) >= touchEvery {
		if err := s.store.TouchSession(ctx, h, now, now.Add(s.ttl)); err != nil {
			return nil, err
		}
	}
	return userOfAccount(a), nil
}

// userOfAccount is the request user of an account.
func userOfAccount(a planwatch.Account) *User {
	return &User{Name: a.Name, Role: Role(a.Role), Units: a.Units, Sectors: a.Sectors, Indicators: a.Indicators,
		MustChangePassword: a.MustChangePassword}
}
