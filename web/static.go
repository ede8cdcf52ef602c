package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
)

// Static files (style sheet, script, icon) are embedded in the binary. Pages
// link them by fingerprinted URLs (/static/style.css?v=<hash of the
// content>, see staticURL), which a browser may keep for a year without
// asking again: a new build with a changed file links a new URL. Any other
// URL of a static file (an old fingerprint, none, /favicon.ico, which
// browsers ask for by that name) is cached for a day and revalidated by its
// ETag, the same hash.

// staticHashes maps a static file's name to the hex SHA-256 of its content.
var staticHashes = sync.OnceValue(func() map[string]string {
	out := map[string]string{}
	fs.WalkDir(assets, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(assets, p)
		if err != nil {
			return err
		}
		h := sha256.Sum256(b)
		out[strings.TrimPrefix(p, "static/")] = hex.EncodeToString(h[:])
		return nil
	})
	return out
})

// fingerprintLen is how much of the hash a URL carries.
const fingerprintLen = 12

// staticURL is the URL pages link a static file by.
func staticURL(name string) string {
	name = strings.TrimPrefix(path.Clean("/"+name), "/")
	if h, ok := staticHashes()[name]; ok {
		return "/static/" + name + "?v=" + h[:fingerprintLen]
	}
	return "/static/" + name
}

const (
	cacheImmutable  = "public, max-age=31536000, immutable"
	cacheRevalidate = "public, max-age=86400, must-revalidate"
)

// staticHandler serves the embedded static files with their caching
// headers; conditional requests get 304 (http.FileServer checks the ETag).
func staticHandler() http.Handler {
	sub, _ := fs.Sub(assets, "static")
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/static/")
		if r.URL.Path == "/favicon.ico" {
			name = "favicon.ico"
		}
		h, ok := staticHashes()[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("ETag", `"`+h+`"`)
		if r.URL.Query().Get("v") == h[:fingerprintLen] {
			w.Header().Set("Cache-Control", cacheImmutable)
		} else {
			w.Header().Set("Cache-Control", cacheRevalidate)
		}
		r2 := new(http.Request)
		*r2 = *r
		u := *r.URL
		u.Path = "/" + name
		r2.URL = &u
		files.ServeHTTP(w, r2)
	})
}
