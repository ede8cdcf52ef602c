package web

import (
	"compress/gzip"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Responses are compressed with gzip when the client accepts it (issue 13,
// part 9: a report page of 49 KB travels as about 7.5 KB over a slow
// provincial line). Only text-like types are compressed; files that are
// already compressed (DOCX, XLSX, PNG, ZIP) go as they are, and so do
// answers without a body and partial content.

// compressible reports whether a response of this Content-Type gains from gzip.
func compressible(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	if strings.HasPrefix(mt, "text/") {
		return true
	}
	switch mt {
	case "application/json", "application/javascript", "application/xml", "image/svg+xml",
		"application/problem+json", "application/adx+xml":
		return true
	}
	return strings.HasSuffix(mt, "+json") || strings.HasSuffix(mt, "+xml")
}

// acceptsGzip reports whether the request's Accept-Encoding allows gzip
// (a q of 0 refuses it).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(strings.Join(r.Header.Values("Accept-Encoding"), ","), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if c := strings.ToLower(strings.TrimSpace(coding)); c != "gzip" && c != "*" {
			continue
		}
		if k, v, ok := strings.Cut(strings.TrimSpace(params), "="); ok && strings.TrimSpace(k) == "q" {
			if q, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && q == 0 {
				return false
			}
		}
		return true
	}
	return false
}

var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression)
	return w
}}

// gzipResponse compresses what the handler writes once its headers say the
// body is worth it, when the request allows it.
type gzipResponse struct {
	http.ResponseWriter
	allow   bool // the client accepts gzip and the answer may be compressed
	gz      *gzip.Writer
	decided bool
}

// withGzip runs next with a writer that compresses when r accepts gzip.
func withGzip(w http.ResponseWriter, r *http.Request, next func(http.ResponseWriter)) {
	g := &gzipResponse{ResponseWriter: w,
		allow: r.Method != http.MethodHead && r.Header.Get("Range") == "" && acceptsGzip(r)}
	defer g.close()
	next(g)
}

// decide looks at the headers once, before the first byte: every
// compressible answer says that it depends on Accept-Encoding (so that a
// shared cache does not hand a compressed copy to a client that cannot read
// it), and is compressed when allowed.
func (g *gzipResponse) decide(code int) {
	if g.decided {
		return
	}
	g.decided = true
	h := g.Header()
	if !compressible(h.Get("Content-Type")) {
		return
	}
	if !slices.Contains(h.Values("Vary"), "Accept-Encoding") {
		h.Add("Vary", "Accept-Encoding")
	}
	if !g.allow || h.Get("Content-Encoding") != "" || code == http.StatusNoContent || code == http.StatusNotModified || code == http.StatusPartialContent || code < 200 {
		return
	}
	h.Del("Content-Length")
	h.Set("Content-Encoding", "gzip")
	// A strong validator names these bytes, not the compressed ones.
	if et := h.Get("ETag"); et != "" && !strings.HasPrefix(et, "W/") {
		h.Set("ETag", "W/"+et)
	}
	g.gz = gzipWriters.Get().(*gzip.Writer)
	g.gz.Reset(g.ResponseWriter)
}

func (g *gzipResponse) WriteHeader(code int) {
	g.decide(code)
	g.ResponseWriter.WriteHeader(code)
}

func (g *gzipResponse) Write(b []byte) (int, error) {
	if !g.decided {
		if g.Header().Get("Content-Type") == "" {
			g.Header().Set("Content-Type", http.DetectContentType(b))
		}
		g.WriteHeader(http.StatusOK)
	}
	if g.gz != nil {
		return g.gz.Write(b)
	}
	return g.ResponseWriter.Write(b)
}

// Flush sends what is compressed so far (a long import's progress).
func (g *gzipResponse) Flush() {
	if !g.decided {
		g.WriteHeader(http.StatusOK)
	}
	if g.gz != nil {
		g.gz.Flush()
	}
	if f, ok := g.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (g *gzipResponse) Unwrap() http.ResponseWriter { return g.ResponseWriter }

func (g *gzipResponse) close() {
	if g.gz == nil {
		return
	}
	g.gz.Close()
	g.gz.Reset(nil)
	gzipWriters.Put(g.gz)
	g.gz = nil
}
