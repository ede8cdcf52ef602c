package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"planwatch"
)

// maxPassword bounds the password a sign-in hashes, in bytes.
const maxPassword = 1024

// loginKey is what a sign-in attempt counts against: a browser the account
// knows (device), or else the account name and the client's address.
type loginKey struct {
	user, ip string
	device   string
}

// source is the LoginAttempt.IP an attempt is recorded under: the client's
// network (clientNetwork), or the known browser, so that its failures
// count for it alone.
func (k loginKey) source() string {
	if k.device != "" {
		return "device:" + k.device
	}
	return clientNetwork(k.ip)
}

// clientNetwork is what sign-in failures are counted by for an address:
// an IPv4 address itself, the /64 network of an IPv6 one (any IPv6 client
// holds at least a /64, 2^64 addresses to try from).
func clientNetwork(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil || !a.Is6() || a.Is4In6() {
		return ip
	}
	p, err := a.Prefix(64)
	if err != nil {
		return ip
	}
	return p.String()
}

// loginLimiter counts the sign-in attempts under way, so that attempts made
// at the same moment cannot all pass a limit that the stored failures alone
// would let through. (Each instance counts its own; the stored failures are
// shared.)
type loginLimiter struct {
	mu       sync.Mutex
	inflight map[string]int
}

// reserve admits an attempt when the key's stored failures and attempts
// under way are below its limits; release must be called once the attempt
// is recorded.
func (l *loginLimiter) reserve(ctx context.Context, store planwatch.AccountStore, k loginKey, now time.Time) (release func(), refused bool, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	byUser, bySource, err := store.FailedLogins(ctx, k.user, k.source(), now.Add(-loginWindow))
	if err != nil {
		return nil, false, err
	}
	counters := map[string]int{"source:" + k.source(): maxFailsPerIP}
	if k.device != "" {
		counters["source:"+k.source()] = maxFailsPerUser
	} else {
		counters["user:"+k.user] = maxFailsPerUser
	}
	stored := map[string]int{"source:" + k.source(): bySource, "user:" + k.user: byUser}
	for c, limit := range counters {
		if stored[c]+l.inflight[c] >= limit {
			return nil, true, nil
		}
	}
	if l.inflight == nil {
		l.inflight = map[string]int{}
	}
	for c := range counters {
		l.inflight[c]++
	}
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		for c := range counters {
			if l.inflight[c]--; l.inflight[c] <= 0 {
				delete(l.inflight, c)
			}
		}
	}, false, nil
}

// Known browsers. A successful sign-in leaves a device cookie naming the
// account, a random id and a MAC under the server key; a later sign-in to
// that account from that browser is counted against the browser alone, so
// that nobody else's failures lock the owner out (OWASP's "device cookies").
const (
	deviceCookie = "pw_device"
	deviceLife   = 365 * 24 * time.Hour
)

func (s *Server) deviceMAC(name, id string) string {
	m := hmac.New(sha256.New, s.csrf.key)
	m.Write([]byte("device\x00" + name + "\x00" + id))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// device returns the id of the browser's device cookie when it is valid
// for the account name.
func (s *Server) device(r *http.Request, name string) (string, bool) {
	c, err := r.Cookie(deviceCookie)
	if err != nil || len(c.Value) > 512 {
		return "", false
	}
	parts := strings.Split(c.Value, ".")
	if len(parts) != 3 {
		return "", false
	}
	who, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil || string(who) != name || !hmac.Equal([]byte(parts[2]), []byte(s.deviceMAC(name, parts[1]))) {
		return "", false
	}
	return parts[1], true
}

// rememberDevice marks the browser as known to the account name.
func (s *Server) rememberDevice(w http.ResponseWriter, r *http.Request, name string) {
	id, ok := s.device(r, name)
	if !ok {
		b := make([]byte, 16)
		rand.Read(b)
		id = base64.RawURLEncoding.EncodeToString(b)
	}
	v := base64.RawURLEncoding.EncodeToString([]byte(name)) + "." + id + "." + s.deviceMAC(name, id)
	http.SetCookie(w, &http.Cookie{Name: deviceCookie, Value: v, Path: "/login", MaxAge: int(deviceLife.Seconds()),
		HttpOnly: true, Secure: secure(r), SameSite: http.SameSiteStrictMode})
}
