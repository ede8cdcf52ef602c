package web

import (
	"strings"
	"testing"
)

// TestAttackPathTraversal: a name in a path or parameter (a static file, a
// mapping, an indicator, a download's format or file) never reaches the
// file system beside the embedded files: no file outside them is served.
func TestAttackPathTraversal(t *testing.T) {
	s, _ := newAccountServer(t, false)
	c := newClient(t, s)
	login(c, "an", testPassword)
	for _, target := range []string{
		"/static/../../../../etc/passwd", "/static/..%2f..%2f..%2f..%2fetc%2fpasswd", "/static/%2e%2e/%2e%2e/go.mod",
		"/static/..\\..\\go.mod", "/mappings/..%2F..%2F..%2Fetc%2Fpasswd", "/mappings/%2e%2e%2f%2e%2e%2fgo.mod",
		"/indicators/..%2F..%2Fgo.mod", "/report/download?unit=20&period=2022Q1&format=../../go.mod",
		"/export?unit=../../etc/passwd&period=2022Q1&format=csv", "/favicon.ico/../../go.mod",
	} {
		rec := c.get(target)
		b := body(rec)
		if strings.Contains(b, "root:x:0:0") || strings.Contains(b, "module planwatch") {
			t.Errorf("%s: %d served a file outside the embedded ones", target, rec.Code)
		}
	}
}
