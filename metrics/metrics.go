// Package metrics exposes planwatch's operation to Prometheus: requests by
// route and status with latency histograms, counters and gauges, written in
// the Prometheus text exposition format (version 0.0.4) by hand, standard
// library only.
package metrics

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Registry holds the metrics of one process.
type Registry struct {
	mu       sync.Mutex
	requests map[requestKey]uint64
	latency  map[string]*histogram // by route
	counters []*CounterVec
	gauges   []gauge
	funcs    []funcMetric
}

type requestKey struct {
	route  string
	status int
}

type gauge struct {
	name, help string
	f          func() float64
}

// New returns an empty registry.
func New() *Registry {
	return &Registry{requests: map[requestKey]uint64{}, latency: map[string]*histogram{}}
}

// latencyBuckets are the upper bounds, in seconds, of the request
// latency histogram: from a cached page to a large import.
var latencyBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}

type histogram struct {
	counts []uint64 // per bucket, not cumulative; the last is +Inf
	sum    float64
	n      uint64
}

// ObserveRequest counts one answered request of route (a route pattern
// such as "GET /indicators/{code}", never a raw path) with its status and
// latency.
func (r *Registry) ObserveRequest(route string, status int, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests[requestKey{route, status}]++
	h := r.latency[route]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(latencyBuckets)+1)}
		r.latency[route] = h
	}
	s := d.Seconds()
	i := sort.SearchFloat64s(latencyBuckets, s)
	h.counts[i]++
	h.sum += s
	h.n++
}

// CounterVec is a counter with one label.
type CounterVec struct {
	name, help, label string
	mu                sync.Mutex
	values            map[string]float64
}

// Counter registers a counter named name (ending in _total) with one label
// (empty for none).
func (r *Registry) Counter(name, help, label string) *CounterVec {
	c := &CounterVec{name: name, help: help, label: label, values: map[string]float64{}}
	r.mu.Lock()
	r.counters = append(r.counters, c)
	r.mu.Unlock()
	return c
}

// Add adds n (≥ 0) to the counter of a label value.
func (c *CounterVec) Add(labelValue string, n float64) {
	c.mu.Lock()
	c.values[labelValue] += n
	c.mu.Unlock()
}

// Gauge registers a gauge whose value f gives at each scrape.
func (r *Registry) Gauge(name, help string, f func() float64) {
	r.mu.Lock()
	r.gauges = append(r.gauges, gauge{name, help, f})
	r.mu.Unlock()
}

// ServeHTTP writes every metric in the text format.
func (r *Registry) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	r.Write(w)
}

// Write writes every metric in the text format.
func (r *Registry) Write(w io.Writer) error {
	var b strings.Builder
	r.mu.Lock()
	head(&b, "planwatch_http_requests_total", "HTTP requests answered, by route and status.", "counter")
	keys := make([]requestKey, 0, len(r.requests))
	for k := range r.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].route != keys[j].route {
			return keys[i].route < keys[j].route
		}
		return keys[i].status < keys[j].status
	})
	for _, k := range keys {
		fmt.Fprintf(&b, "planwatch_http_requests_total{route=%s,status=\"%d\"} %d\n", quote(k.route), k.status, r.requests[k])
	}
	head(&b, "planwatch_http_request_duration_seconds", "Time to answer an HTTP request, by route.", "histogram")
	routes := make([]string, 0, len(r.latency))
	for route := range r.latency {
		routes = append(routes, route)
	}
	sort.Strings(routes)
	for _, route := range routes {
		h := r.latency[route]
		var cum uint64
		for i, le := range latencyBuckets {
			cum += h.counts[i]
			fmt.Fprintf(&b, "planwatch_http_request_duration_seconds_bucket{route=%s,le=\"%s\"} %d\n", quote(route), num(le), cum)
		}
		cum += h.counts[len(latencyBuckets)]
		fmt.Fprintf(&b, "planwatch_http_request_duration_seconds_bucket{route=%s,le=\"+Inf\"} %d\n", quote(route), cum)
		fmt.Fprintf(&b, "planwatch_http_request_duration_seconds_sum{route=%s} %s\n", quote(route), num(h.sum))
		fmt.Fprintf(&b, "planwatch_http_request_duration_seconds_count{route=%s} %d\n", quote(route), h.n)
	}
	counters, gauges, funcs := r.counters, r.gauges, r.funcs
	r.mu.Unlock()
	writeFuncs(&b, funcs)
	for _, c := range counters {
		head(&b, c.name, c.help, "counter")
		c.mu.Lock()
		labels := make([]string, 0, len(c.values))
		for l := range c.values {
			labels = append(labels, l)
		}
		sort.Strings(labels)
		for _, l := range labels {
			if c.label == "" {
				fmt.Fprintf(&b, "%s %s\n", c.name, num(c.values[l]))
			} else {
				fmt.Fprintf(&b, "%s{%s=%s} %s\n", c.name, c.label, quote(l), num(c.values[l]))
			}
		}
		c.mu.Unlock()
	}
	for _, g := range gauges {
		head(&b, g.name, g.help, "gauge")
		fmt.Fprintf(&b, "%s %s\n", g.name, num(g.f()))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func head(b *strings.Builder, name, help, typ string) {
	fmt.Fprintf(b, "# HELP %s %s\n# TYPE %s %s\n", name, strings.NewReplacer(`\`, `\\`, "\n", `\n`).Replace(help), name, typ)
}

// quote writes a label value: backslash, double quote and line feed escaped.
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

func num(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "+Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	case math.IsNaN(f):
		return "NaN"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// Middleware measures every request next answers: its route is the
// pattern the ServeMux inside next matched (Request.Pattern), or
// "unmatched".
func (r *Registry) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			route := req.Pattern
			if route == "" {
				route = "unmatched"
			}
			r.ObserveRequest(route, sw.Status(), time.Since(start))
		}()
		next.ServeHTTP(sw, req)
	})
}

// statusWriter remembers the status a handler answered with.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Status is the status answered (200 when the handler wrote nothing).
func (w *statusWriter) Status() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}

// Unwrap lets http.ResponseController reach the connection (flushes of a
// streamed import's progress, deadlines).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush passes a flush on.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Sample is one value of a metric read at scrape time, with its labels
// as name, value pairs.
type Sample struct {
	Labels [][2]string
	Value  float64
}

type funcMetric struct {
	name, help, typ string
	f               func() []Sample
}

// Func registers a metric of type typ ("counter" or "gauge") whose samples
// f reads at each scrape (from the database, say).
func (r *Registry) Func(name, help, typ string, f func() []Sample) {
	r.mu.Lock()
	r.funcs = append(r.funcs, funcMetric{name, help, typ, f})
	r.mu.Unlock()
}

func writeFuncs(b *strings.Builder, fs []funcMetric) {
	for _, m := range fs {
		head(b, m.name, m.help, m.typ)
		for _, s := range m.f() {
			b.WriteString(m.name)
			if len(s.Labels) > 0 {
				b.WriteByte('{')
				for i, l := range s.Labels {
					if i > 0 {
						b.WriteByte(',')
					}
					b.WriteString(l[0] + "=" + quote(l[1]))
				}
				b.WriteByte('}')
			}
			b.WriteString(" " + num(s.Value) + "\n")
		}
	}
}
