package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"planwatch"
	"planwatch/sqlite"
)

func TestMain(m *testing.M) {
	// The index snapshots of PostgreSQL test databases go to a temporary
	// cache directory (os.UserCacheDir), not the user's.
	cache, err := os.MkdirTemp("", "planwatch-cache")
	if err == nil {
		os.Setenv("XDG_CACHE_HOME", cache)
	}
	code := m.Run()
	os.RemoveAll(cache)
	if built.bin != "" {
		os.RemoveAll(filepath.Dir(built.bin))
	}
	os.Exit(code)
}

// TestGracefulShutdown: SIGTERM while a write is being received lets it
// finish and answer, stores it, saves the index snapshot and exits 0.
func TestGracefulShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs a server")
	}
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	db := filepath.Join(dir, "g.db")
	for _, args := range [][]string{{"init", "--db", db}, {"user", "add", "--db", db, "--role", "admin", "an"}} {
		cmd := exec.Command(bin, args...)
		cmd.Stdin = strings.NewReader("mật khẩu dài đủ\n")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	srv, base := startServe(t, bin, "--db", db)
	c, token := signIn(t, base, "an", "mật khẩu dài đủ")
	var vs []planwatch.DataValue
	for m := 1; m <= 12; m++ {
		vs = append(vs, planwatch.DataValue{Key: planwatch.Key{Indicator: "trade.retail_sales_services", Unit: "20",
			Period: planwatch.MonthOf(2024, m)}, Value: planwatch.Float(float64(m))})
	}
	body, _ := json.Marshal(map[string]any{"values": vs})
	// The request by hand on one connection: headers and half the body,
	// then SIGTERM, then the rest.
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var cookies []string
	for _, ck := range c.Jar.Cookies(mustURL(t, base)) {
		cookies = append(cookies, ck.Name+"="+ck.Value)
	}
	fmt.Fprintf(conn, "POST /api/values HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-CSRF-Token: %s\r\nCookie: %s\r\nContent-Length: %d\r\n\r\n",
		token, strings.Join(cookies, "; "), len(body))
	conn.Write(body[:len(body)/2])
	time.Sleep(300 * time.Millisecond)
	if err := srv.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	conn.Write(body[len(body)/2:])
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the write in flight got no answer: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("write in flight: %s %s", resp.Status, b)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve exited with %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not exit after SIGTERM")
	}
	if _, err := os.Stat(db + ".index"); err != nil {
		t.Errorf("no index snapshot saved: %v", err)
	}
	s, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Values(context.Background(), planwatch.ValueQuery{Indicators: []string{"trade.retail_sales_services"}})
	if err != nil || len(got) != 12 {
		t.Errorf("stored after SIGTERM: %d values, %v", len(got), err)
	}
}

// TestRefuseNewerDatabase: serve (like every command) refuses a database
// written by a newer planwatch, saying so.
func TestRefuseNewerDatabase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "n.db")
	mustRun(t, "init", "--db", db)
	s, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	raw := openRawSQLite(t, db)
	if _, err := raw.Exec(`INSERT INTO schema_migrations VALUES (999, '999_future.sql', 'x')`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // were it to serve
	defer cancel()
	var out strings.Builder
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out, Now: time.Now, Getenv: func(string) string { return "" }}
	err = Run(ctx, env, []string{"serve", "--db", db, "--addr", "127.0.0.1:0"})
	if err == nil || !strings.Contains(err.Error(), "newer than this planwatch knows") {
		t.Errorf("serve on a newer database: %v\n%s", err, out.String())
	}
}
