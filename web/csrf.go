package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"mime"
	"net/http"

	"planwatch"
)

// CSRF protection has two layers. Go's http.CrossOriginProtection (in
// ServeHTTP) refuses cross-site state-changing requests by their
// Sec-Fetch-Site and Origin headers. Behind it, every form carries a token
// bound to a random per-browser cookie (HMAC with the server key), which also
// covers old browsers that send neither header. JSON requests from clients
// without the cookie (scripts, curl) need no token: a cross-site page cannot
// send application/json without a CORS preflight, which this server never
// grants.

const (
	csrfCookie = "pw_csrf"
	csrfField  = "_csrf"
	csrfHeader = "X-CSRF-Token"
)

type csrfKeys struct{ key []byte }

func newCSRFKeys(secret []byte) *csrfKeys {
	if len(secret) == 0 {
		secret = make([]byte, 32)
		rand.Read(secret)
	}
	return &csrfKeys{key: secret}
}

func (k *csrfKeys) tokenFor(id string) string {
	m := hmac.New(sha256.New, k.key)
	m.Write([]byte(id))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// token returns the form token of this browser, setting its cookie first
// when it has none.
func (k *csrfKeys) token(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 16 {
		return k.tokenFor(c.Value)
	}
	b := make([]byte, 24)
	rand.Read(b)
	id := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{
		Name: csrfCookie, Value: id, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: secure(r),
	})
	// Make the cookie visible to later calls in this same request.
	r.AddCookie(&http.Cookie{Name: csrfCookie, Value: id})
	return k.tokenFor(id)
}

// check verifies the token of a state-changing request.
func (k *csrfKeys) check(w http.ResponseWriter, r *http.Request) error {
	c, err := r.Cookie(csrfCookie)
	if err != nil {
		if !simpleContentType(r.Header.Get("Content-Type")) {
			return nil
		}
		return planwatch.Errorf(planwatch.EFORBIDDEN, "phiên làm việc đã hết hạn, hãy tải lại trang / session expired: reload the page and try again")
	}
	got := r.Header.Get(csrfHeader)
	if got == "" {
		if err := r.ParseForm(); err != nil {
			return err
		}
		got = r.FormValue(csrfField)
	}
	if !hmac.Equal([]byte(got), []byte(k.tokenFor(c.Value))) {
		return planwatch.Errorf(planwatch.EFORBIDDEN, "mã chống giả mạo không hợp lệ, hãy tải lại trang / invalid form token: reload the page and try again")
	}
	return nil
}

// maxUpload bounds request bodies (uploads included).
const maxUpload = 64 << 20

// simpleContentType reports whether a cross-site page could send a body of
// this type without a CORS preflight (a form post or text/plain).
func simpleContentType(ct string) bool {
	mt, _, _ := mime.ParseMediaType(ct)
	switch mt {
	case "", "application/x-www-form-urlencoded", "multipart/form-data", "text/plain":
		return true
	}
	return false
}
