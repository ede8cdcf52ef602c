package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"
)

// Sessions and password hashes: the pieces issue 6's accounts build on.
// Config.Authenticate can be set to (*Sessions).Authenticate; a login
// handler checks the password with CheckPassword and calls Start, which
// always issues a new session id (no session fixation).

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
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, mem, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// sessionCookie names the session cookie.
const sessionCookie = "pw_session"

// Sessions keeps signed-in users in memory. (A deployment with several
// instances would keep them in the store; issue 6 decides.)
type Sessions struct {
	mu   sync.Mutex
	byID map[string]session
	ttl  time.Duration
	now  func() time.Time
}

type session struct {
	user    User
	expires time.Time
}

// NewSessions makes a session store whose sessions last ttl from their last use.
func NewSessions(ttl time.Duration, now func() time.Time) *Sessions {
	if now == nil {
		now = time.Now
	}
	return &Sessions{byID: map[string]session{}, ttl: ttl, now: now}
}

// Start signs u in: any session the browser had is ended and a new id is
// set in a secure, HttpOnly, SameSite cookie.
func (s *Sessions) Start(w http.ResponseWriter, r *http.Request, u User) {
	s.End(w, r)
	b := make([]byte, 32)
	rand.Read(b)
	id := base64.RawURLEncoding.EncodeToString(b)
	s.mu.Lock()
	s.byID[id] = session{user: u, expires: s.now().Add(s.ttl)}
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
}

// End signs the browser out.
func (s *Sessions) End(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.mu.Lock()
		delete(s.byID, c.Value)
		s.mu.Unlock()
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
}

// Authenticate returns the user of the request's session, or nil; it fits
// Config.Authenticate.
func (s *Sessions) Authenticate(r *http.Request) (*User, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, ok := s.byID[c.Value]
	now := s.now()
	if !ok || now.After(ss.expires) {
		delete(s.byID, c.Value)
		return nil, nil
	}
	ss.expires = now.Add(s.ttl)
	s.byID[c.Value] = ss
	u := ss.user
	return &u, nil
}
