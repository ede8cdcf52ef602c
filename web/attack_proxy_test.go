package web

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

// TestAttackForwardedProto (issue 17): X-Forwarded-Proto says whether the
// browser used HTTPS (cookies then Secure); it is believed only from a
// trusted proxy. Anyone else sending it is ignored.
func TestAttackForwardedProto(t *testing.T) {
	s := newTestServer(t, Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
	for _, tt := range []struct {
		peer, proto string
		secure      bool
	}{
		{"10.1.1.1:1234", "https", true},
		{"10.1.1.1:1234", "http", false},
		{"203.0.113.5:1234", "https", false},
		{"203.0.113.5:1234", "", false},
	} {
		req := httptest.NewRequest("GET", "/login", nil)
		req.RemoteAddr = tt.peer
		if tt.proto != "" {
			req.Header.Set("X-Forwarded-Proto", tt.proto)
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		cookies := rec.Result().Cookies()
		if len(cookies) == 0 {
			t.Fatalf("%s: no cookie set (%d)", tt.peer, rec.Code)
		}
		for _, c := range cookies {
			if c.Secure != tt.secure {
				t.Errorf("from %s with X-Forwarded-Proto %q: cookie %s Secure=%v, want %v", tt.peer, tt.proto, c.Name, c.Secure, tt.secure)
			}
		}
	}
}
