package metrics

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// exercised is a registry after a few requests through RequestLog and
// Middleware around a mux, with a counter and gauges.
func exercised(t *testing.T, log *bytes.Buffer) (*Registry, *http.ServeMux) {
	t.Helper()
	reg := New()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /indicators/{code}", func(w http.ResponseWriter, r *http.Request) {
		slog.New(ContextHandler(slog.NewJSONHandler(log, nil))).InfoContext(r.Context(), "inside")
		w.Write([]byte("ok"))
	})
	mux.HandleFunc("POST /api/values", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no", http.StatusForbidden)
	})
	h := reg.Middleware(RequestLog(slog.New(slog.NewJSONHandler(log, nil)), mux))
	for _, req := range []*http.Request{
		httptest.NewRequest("GET", "/indicators/trade.retail", nil),
		httptest.NewRequest("GET", "/indicators/a%22b", nil),
		httptest.NewRequest("POST", "/api/values", nil),
		httptest.NewRequest("GET", "/nothing", nil),
	} {
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	reg.ObserveRequest(`GET /odd "route"\`, 200, 90*time.Second)
	writes := reg.Counter("planwatch_values_written_total", "Values written.", "")
	writes.Add("", 12)
	changes := reg.Counter("planwatch_changes_total", "Change sets committed, by kind.", "kind")
	changes.Add("data", 2)
	reg.Gauge("planwatch_index_values", "Current values in the analytics index.", func() float64 { return 592290 })
	reg.Func("planwatch_change_sets_total", "Change sets committed, by kind and source.", "counter", func() []Sample {
		return []Sample{{Labels: [][2]string{{"kind", "data"}, {"source", "file"}}, Value: 3}, {Labels: [][2]string{{"kind", "catalog"}, {"source", ""}}, Value: 1}}
	})
	reg.Gauge("planwatch_backup_last_success", "1 if the last backup succeeded.", func() float64 { return 1 })
	return reg, mux
}

func TestMetricsText(t *testing.T) {
	var log bytes.Buffer
	reg, _ := exercised(t, &log)
	var b bytes.Buffer
	reg.Write(&b)
	out := b.String()
	for _, want := range []string{
		`planwatch_http_requests_total{route="GET /indicators/{code}",status="200"} 2`,
		`planwatch_http_requests_total{route="POST /api/values",status="403"} 1`,
		`planwatch_http_requests_total{route="unmatched",status="404"} 1`,
		`planwatch_http_request_duration_seconds_bucket{route="GET /indicators/{code}",le="+Inf"} 2`,
		`planwatch_http_request_duration_seconds_count{route="GET /odd \"route\"\\"} 1`,
		`planwatch_http_request_duration_seconds_bucket{route="GET /odd \"route\"\\",le="60"} 0`,
		"# TYPE planwatch_http_request_duration_seconds histogram",
		"planwatch_values_written_total 12",
		`planwatch_changes_total{kind="data"} 2`,
		"planwatch_index_values 592290",
		`planwatch_change_sets_total{kind="data",source="file"} 3`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %s in:\n%s", want, out)
		}
	}
}

// TestPromtool: the output passes promtool check metrics (Debian package
// prometheus; scripts/test.sh installs it). Skipped with the reason when
// promtool is absent, unless PLANWATCH_REQUIRE_PROMTOOL (set by CI) says
// it must run.
func TestPromtool(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("PLANWATCH_REQUIRE_PROMTOOL") != "" {
			t.Fatal("promtool not found (apt-get install prometheus) and PLANWATCH_REQUIRE_PROMTOOL is set")
		}
		t.Skip("promtool not found (apt-get install prometheus); set PLANWATCH_REQUIRE_PROMTOOL=1 to require it")
	}
	var log bytes.Buffer
	reg, _ := exercised(t, &log)
	srv := httptest.NewServer(reg)
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("Content-Type %q", ct)
	}
	file := filepath.Join(t.TempDir(), "metrics.txt")
	f, _ := os.Create(file)
	reg.Write(f)
	f.Close()
	in, _ := os.Open(file)
	defer in.Close()
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = in
	if out, err := cmd.CombinedOutput(); err != nil || len(bytes.TrimSpace(out)) > 0 {
		b, _ := os.ReadFile(file)
		t.Errorf("promtool check metrics: %v\n%s\n--- metrics ---\n%s", err, out, b)
	}
}

// TestRequestID: an id per request, echoed in X-Request-Id, in the access
// log line and in the lines logged inside with the request's context; a
// proxy's well-formed id is kept, anything else replaced.
func TestRequestID(t *testing.T) {
	var log bytes.Buffer
	_, mux := exercised(t, &log)
	h := RequestLog(slog.New(ContextHandler(slog.NewJSONHandler(&log, nil))), mux)
	log.Reset()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/indicators/x", nil))
	id := rec.Header().Get("X-Request-Id")
	if len(id) != 16 {
		t.Fatalf("X-Request-Id %q", id)
	}
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"msg":"inside","request_id":"`+id+`"`) ||
		!strings.Contains(lines[1], `"msg":"request"`) || !strings.Contains(lines[1], `"route":"GET /indicators/{code}"`) ||
		!strings.Contains(lines[1], `"status":200`) {
		t.Errorf("log:\n%s", log.String())
	}
	for in, want := range map[string]bool{"proxy-abc.123": true, "bad id\n": false, strings.Repeat("x", 65): false} {
		req := httptest.NewRequest("GET", "/indicators/x", nil)
		req.Header.Set("X-Request-Id", in)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if got := rec.Header().Get("X-Request-Id"); (got == in) != want {
			t.Errorf("incoming %q: answered %q", in, got)
		}
	}
	if RequestID(context.Background()) != "" {
		t.Error("an id outside a request")
	}
}
