package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestParsePrefixes(t *testing.T) {
	ps, err := parsePrefixes(" 10.0.0.0/8, 192.0.2.7 ,fd00::/8")
	if err != nil || len(ps) != 3 || ps[0].String() != "10.0.0.0/8" || ps[1].String() != "192.0.2.7/32" || ps[2].String() != "fd00::/8" {
		t.Errorf("%v %v", ps, err)
	}
	if _, err := parsePrefixes("10.0.0.0/99"); err == nil {
		t.Error("a bad prefix is accepted")
	}
}

// TestAttackSlowBodies (issue 15, 8): without a read or idle timeout, two
// thousand anonymous slow bodies were held open. A body that does not
// arrive, and a connection left idle, are closed by the server.
func TestAttackSlowBodies(t *testing.T) {
	if d := defaultTimeouts(); d.read <= 0 || d.readHeader <= 0 || d.idle <= 0 || d.write <= 0 {
		t.Fatalf("production timeouts: %+v", d)
	}
	db := filepath.Join(t.TempDir(), "pw.db")
	mustRun(t, "init", "--db", db)
	env := &Env{Stdin: strings.NewReader(""), Now: time.Now, Getenv: func(string) string { return "" }}
	out := &signalWriter{running: make(chan struct{})}
	env.Stdout, env.Stderr = out, out
	s, err := openStore(context.Background(), env, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	short := timeouts{readHeader: 200 * time.Millisecond, read: 300 * time.Millisecond, write: time.Second, idle: 300 * time.Millisecond}
	go func() { done <- serve(ctx, env, s, serveOptions{addr: "127.0.0.1:0", public: true, timeouts: &short}) }()
	defer func() { cancel(); <-done }()
	select {
	case <-out.running:
	case err := <-done:
		t.Fatalf("serve: %v", err)
	}
	addr := regexp.MustCompile(`http://(127\.0\.0\.1:\d+)/`).FindStringSubmatch(out.String())
	if addr == nil {
		t.Fatalf("no address in %q", out.String())
	}
	// closed reports whether the server ends the connection (the test
	// waits far longer than the timeouts under test).
	closed := func(c net.Conn) bool {
		c.SetReadDeadline(time.Now().Add(20 * time.Second))
		_, err := io.ReadAll(c)
		var ne net.Error
		return !(errors.As(err, &ne) && ne.Timeout())
	}
	slow, err := net.Dial("tcp", addr[1])
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	fmt.Fprintf(slow, "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nname=a")
	if !closed(slow) {
		t.Error("a body that never arrives holds the connection open")
	}
	idle, err := net.Dial("tcp", addr[1])
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	fmt.Fprintf(idle, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	if !closed(idle) {
		t.Error("an idle keep-alive connection is held open")
	}
}
