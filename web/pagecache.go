package web

import (
	"bytes"
	"compress/gzip"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// cachedRoutes are the read pages and analytics answers that are the same
// for every visitor who is not signed in: what they show is a function of
// the URL, the language, the day and the data. They are kept, rendered
// and compressed, until the analytics index moves to a new version or this
// server writes anything, so that a crowd opening the public dashboard
// costs one computation (issue 12: p99 ≤ 50 ms with 200 clients).
var cachedRoutes = map[string]bool{
	"GET /{$}":                             true,
	"GET /indicators/{code}":               true,
	"GET /report":                          true,
	"GET /completeness":                    true,
	"GET /api/analytics/status":            true,
	"GET /api/analytics/indicators/{code}": true,
	"GET /api/reports/{unit}/{period}":     true,
	"GET /api/completeness":                true,
	"GET /api/indicators":                  true,
	"GET /api/units":                       true,
}

// keptContent are the pages whose content (the part inside the layout) is
// the same for every reader but for whether they may see account names
// (showsNames): it is rendered once per state of the data, language, URL
// and that; the layout around it (who is signed in, the form token) is
// rendered for each request.
var keptContent = map[string]bool{"dashboard": true, "indicator": true, "completeness": true}

// keptContent returns the content under key for data of index version,
// rendering it with make when missing.
func (s *Server) keptContent(key string, version int64, make func() (template.HTML, error)) template.HTML {
	c := &s.pageCache
	state := s.keptState(version)
	c.mu.Lock()
	h, ok := c.contents.in(state)[key]
	c.mu.Unlock()
	if ok {
		return h
	}
	h, err := make()
	if err != nil {
		return "" // the layout renders the content itself, and reports the error
	}
	c.mu.Lock()
	c.contents.put(state, key, h, len(h))
	c.mu.Unlock()
	return h
}

// keptState names a state of the data: the index version, this server's
// write generation and the day (deadlines and lateness depend on it).
func (s *Server) keptState(version int64) string {
	return strconv.FormatInt(version, 10) + "|" + strconv.FormatInt(s.pageCache.gen.Load(), 10) + "|" + s.now().Format("2006-01-02")
}

// keptSet holds what was made for one state of the data, within bounds: a
// new state, or going beyond the bounds, starts it afresh. The caller holds
// pageCache.mu.
type keptSet[V any] struct {
	state string
	m     map[string]V
	size  int
}

// in returns the set's entries for state, none if it held another state.
func (k *keptSet[V]) in(state string) map[string]V {
	if k.m == nil || k.state != state {
		k.state, k.m, k.size = state, map[string]V{}, 0
	}
	return k.m
}

// put keeps v (of cost bytes) under key, if the set is still of state.
func (k *keptSet[V]) put(state, key string, v V, cost int) {
	if k.state != state {
		return
	}
	if len(k.m) >= pageCacheEntries || k.size+cost > pageCacheBytes {
		k.m, k.size = map[string]V{}, 0
	}
	k.m[key] = v
	k.size += cost
}

// Bounds of the page cache: beyond them it starts afresh.
const (
	pageCacheEntries = 512
	pageCacheBytes   = 64 << 20
	gzipMinBytes     = 1024
)

// pageCache holds responses for anonymous visitors of one state of the data.
type pageCache struct {
	gen atomic.Int64 // this server's writes: any state-changing request moves it

	mu       sync.Mutex
	pages    keptSet[*cachedPage]   // whole answers for anonymous visitors
	flight   map[string]*pageFlight // pages being made, of pages' state
	contents keptSet[template.HTML] // contents for every reader (keptContent)
}

type cachedPage struct {
	status int
	header http.Header
	body   []byte
	gz     []byte // body compressed, when worth it
}

// pageFlight lets concurrent requests for the same missing page wait for
// the one computing it instead of all computing it.
type pageFlight struct {
	done chan struct{}
	page *cachedPage // nil when the response could not be kept
}

// serveCached answers an anonymous GET of a cached route from the cache,
// computing it with next when missing.
func (s *Server) serveCached(w http.ResponseWriter, r *http.Request, next http.Handler) {
	snap, err := s.snapshot(r.Context())
	if err != nil {
		next.ServeHTTP(w, r)
		return
	}
	c := &s.pageCache
	state := s.keptState(snap.version)
	key := langOf(nil, r) + "|" + r.URL.RequestURI()

	c.mu.Lock()
	if c.pages.state != state || c.flight == nil {
		c.flight = map[string]*pageFlight{}
	}
	if p := c.pages.in(state)[key]; p != nil {
		c.mu.Unlock()
		p.write(w, r)
		return
	}
	if f := c.flight[key]; f != nil {
		c.mu.Unlock()
		<-f.done
		if f.page != nil {
			f.page.write(w, r)
		} else {
			next.ServeHTTP(w, r)
		}
		return
	}
	f := &pageFlight{done: make(chan struct{})}
	c.flight[key] = f
	c.mu.Unlock()

	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	defer func() {
		c.mu.Lock()
		if c.pages.state == state {
			delete(c.flight, key)
			if f.page != nil {
				c.pages.put(state, key, f.page, f.page.cost())
			}
		}
		c.mu.Unlock()
		close(f.done)
	}()
	next.ServeHTTP(rec, r)
	f.page = rec.keep()
	// This visitor gets the response as made, cookies included.
	rec.replay(w)
}

// recorder keeps a response in memory.
type recorder struct {
	header http.Header
	status int
	wrote  bool
	body   bytes.Buffer
}

func (rec *recorder) Header() http.Header { return rec.header }
func (rec *recorder) Write(b []byte) (int, error) {
	rec.wrote = true
	return rec.body.Write(b)
}
func (rec *recorder) WriteHeader(status int) {
	if !rec.wrote {
		rec.status, rec.wrote = status, true
	}
}

func (rec *recorder) replay(w http.ResponseWriter) {
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.status)
	w.Write(rec.body.Bytes())
}

// keep returns the response as it may be given to any anonymous visitor,
// or nil: only complete 200 answers that carry no form token (a form of
// one browser) and set no cookie but the form token's and the language's.
func (rec *recorder) keep() *cachedPage {
	if rec.status != http.StatusOK || rec.header.Get("Content-Encoding") != "" {
		return nil
	}
	body := rec.body.Bytes()
	if bytes.Contains(body, []byte(`name="_csrf"`)) {
		return nil
	}
	h := rec.header.Clone()
	for _, c := range h.Values("Set-Cookie") {
		if !strings.HasPrefix(c, csrfCookie+"=") && !strings.HasPrefix(c, "lang=") {
			return nil
		}
	}
	h.Del("Set-Cookie")
	h.Set("Vary", "Accept-Encoding")
	p := &cachedPage{status: rec.status, header: h, body: bytes.Clone(body)}
	if len(body) >= gzipMinBytes && compressible(h.Get("Content-Type")) {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
		zw.Write(body)
		if zw.Close() == nil && buf.Len() < len(body) {
			p.gz = buf.Bytes()
		}
	}
	return p
}

func (p *cachedPage) cost() int { return len(p.body) + len(p.gz) + 512 }

// write sends the kept response, compressed when the client takes gzip.
func (p *cachedPage) write(w http.ResponseWriter, r *http.Request) {
	for k, v := range p.header {
		w.Header()[k] = v
	}
	langOf(w, r) // a language chosen in the URL is remembered, as by the page made afresh
	body := p.body
	if p.gz != nil && acceptsGzip(r) {
		w.Header().Set("Content-Encoding", "gzip")
		body = p.gz
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(p.status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// acceptsGzip and compressible are in compress.go, with the gzip of every
// other answer.
