package benchrun

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The load test's visitor reads whole answers of every framing net/http
// writes, keeps its connection unless told to close it, and fails on an
// answer other than 200.
func TestVisitorReadsWholeAnswers(t *testing.T) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept-Encoding") != "gzip" {
			http.Error(w, "want gzip", http.StatusBadRequest)
			return
		}
		switch r.URL.Path {
		case "/length":
			w.Header().Set("Content-Length", "5")
			w.Write([]byte("hello"))
		case "/chunked":
			w.Write([]byte(strings.Repeat("a", 5000)))
			w.(http.Flusher).Flush()
			w.Write([]byte(strings.Repeat("b", 7000)))
		case "/close":
			w.Header().Set("Connection", "close")
			w.Write([]byte("bye"))
		default:
			http.NotFound(w, r)
		}
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	ctx := context.Background()

	v, err := newVisitor(srv.URL, "/length")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		opened, err := v.view(ctx)
		if err != nil || string(v.body) != "hello" || opened != (i == 0) {
			t.Fatalf("view %d: opened %v, body %q, %v", i, opened, v.body, err)
		}
	}
	v.close()

	c, _ := newVisitor(srv.URL, "/chunked")
	for range 2 {
		if _, err := c.view(ctx); err != nil || len(c.body) != 12000 || c.body[0] != 'a' || c.body[11999] != 'b' {
			t.Fatalf("chunked: %d bytes, %v", len(c.body), err)
		}
	}
	c.close()

	b, _ := newVisitor(srv.URL, "/close")
	for range 2 {
		if opened, err := b.view(ctx); err != nil || !opened || string(b.body) != "bye" {
			t.Fatalf("close: opened %v, %q, %v", opened, b.body, err)
		}
	}
	if got := conns.Load(); got != 4 {
		t.Errorf("connections opened: %d, want 4 (one each for /length and /chunked, two for /close)", got)
	}

	m, _ := newVisitor(srv.URL, "/missing")
	if _, err := m.view(ctx); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("a 404 must fail the view: %v", err)
	}
}

// procCPU reads this process's processor time, which grows with work.
func TestProcCPU(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc here")
	}
	before := procCPU(os.Getpid())
	after := before
	// Spin until the clock ticks (10 ms of processor time); a minute
	// bounds a machine too busy to give any.
	for start := time.Now(); after == before && time.Since(start) < time.Minute; {
		for x := 0; x < 1e6; x++ {
		}
		after = procCPU(os.Getpid())
	}
	if after <= before {
		t.Errorf("processor time %v then %v: want it read and growing", before, after)
	}
}
