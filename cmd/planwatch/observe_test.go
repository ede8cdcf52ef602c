package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for a server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServeObservability: serve with --metrics-addr, --log-format json and
// --backup-dir: /metrics on its own address only (passing promtool when
// installed), with requests by route and status and the scheduled backup;
// one JSON log line per request carrying the X-Request-Id echoed.
func TestServeObservability(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "o.db")
	mustRun(t, "init", "--db", db)
	var stdout, stderr syncBuffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Now: time.Now,
		Getenv: func(string) string { return "" }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, env, []string{"serve", "--db", db, "--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0",
			"--log-format", "json", "--backup-dir", filepath.Join(dir, "backups")})
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	var base, metricsURL string
	for deadline := time.Now().Add(30 * time.Second); base == "" || metricsURL == ""; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start:\n%s\n%s", stdout.String(), stderr.String())
		}
		out := stdout.String()
		if m := regexp.MustCompile(`running at (http://127\.0\.0\.1:\d+)/`).FindStringSubmatch(out); m != nil {
			base = m[1]
		}
		if m := regexp.MustCompile(`(http://127\.0\.0\.1:\d+/metrics)`).FindStringSubmatch(out); m != nil {
			metricsURL = m[1]
		}
	}
	req, _ := http.NewRequest("GET", base+"/healthz", nil)
	req.Header.Set("X-Request-Id", "kiem-tra-17")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("X-Request-Id"); got != "kiem-tra-17" {
		t.Errorf("X-Request-Id echoed %q", got)
	}
	if resp, err := http.Get(base + "/metrics"); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("/metrics on the public address: %v %v", resp.Status, err)
	}
	// The scheduled backup made at start-up.
	var text string
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(text, "planwatch_backup_last_success 1"); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no successful backup in /metrics:\n%s\n%s", text, stderr.String())
		}
		resp, err := http.Get(metricsURL)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		text = string(b)
	}
	for _, want := range []string{
		`planwatch_http_requests_total{route="GET /healthz",status="200"} 1`,
		`planwatch_http_request_duration_seconds_count{route="GET /healthz"} 1`,
		`planwatch_index_values 0`,
		`planwatch_change_sets_total{kind="catalog",source=""}`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s:\n%s", want, text)
		}
	}
	if promtool, err := exec.LookPath("promtool"); err == nil {
		cmd := exec.Command(promtool, "check", "metrics")
		cmd.Stdin = strings.NewReader(text)
		if out, err := cmd.CombinedOutput(); err != nil || len(bytes.TrimSpace(out)) > 0 {
			t.Errorf("promtool check metrics: %v\n%s", err, out)
		}
	} else if os.Getenv("PLANWATCH_REQUIRE_PROMTOOL") != "" {
		t.Error("promtool not found and PLANWATCH_REQUIRE_PROMTOOL is set")
	}
	logs := stderr.String()
	if !regexp.MustCompile(`\{"time":"[^"]+","level":"INFO","msg":"request","method":"GET","route":"GET /healthz","path":"/healthz","status":200,"duration":\d+,"request_id":"kiem-tra-17"\}`).MatchString(logs) {
		t.Errorf("no JSON request line with the id:\n%s", logs)
	}
	if !strings.Contains(logs, `"msg":"backup","file":"`) {
		t.Errorf("the scheduled backup is not logged:\n%s", logs)
	}
}
