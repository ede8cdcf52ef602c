package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"planwatch"
	"planwatch/sqlite"
)

var built struct {
	sync.Once
	bin string
	err error
}

// buildBinary builds planwatch from this package, once for the test binary.
func buildBinary(t *testing.T, _ string) string {
	t.Helper()
	built.Do(func() {
		dir, err := os.MkdirTemp("", "planwatch-bin")
		if err != nil {
			built.err = err
			return
		}
		built.bin = filepath.Join(dir, "planwatch")
		if out, err := exec.Command("go", "build", "-o", built.bin, ".").CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.bin
}

// startServe starts bin serve on a free port and returns the process and
// its base URL once it listens.
func startServe(t *testing.T, bin string, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	sc := bufio.NewScanner(stdout)
	re := regexp.MustCompile(`(http://127\.0\.0\.1:\d+)/`)
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			go io.Copy(io.Discard, stdout)
			return cmd, m[1]
		}
	}
	t.Fatalf("serve did not start: %s", stderr.String())
	return nil, ""
}

var csrfRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// signIn signs in through the login form and returns a client with the
// session and the form token for the API.
func signIn(t *testing.T, base, name, password string) (*http.Client, string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	token := func(path string) string {
		resp, err := c.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		m := csrfRE.FindSubmatch(b)
		if m == nil {
			t.Fatalf("no form token on %s (%d)", path, resp.StatusCode)
		}
		return string(m[1])
	}
	resp, err := c.PostForm(base+"/login", url.Values{"name": {name}, "password": {password}, "_csrf": {token("/login")}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("sign-in: %s", resp.Status)
	}
	return c, token("/")
}

// TestBackupWhileServing is issue 17's acceptance: writes go on through a
// real server while backup runs; the server is killed (SIGKILL); the backup
// restores into a fresh database holding every value of its last change
// set and none of a later one, and check passes on it.
func TestBackupWhileServing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs a server")
	}
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	db := filepath.Join(dir, "live.db")
	run := func(stdin string, args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("planwatch %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	run("", "init", "--db", db)
	run("mật khẩu dài đủ\n", "user", "add", "--db", db, "--role", "admin", "an")
	srv, base := startServe(t, bin, "--db", db)
	c, token := signIn(t, base, "an", "mật khẩu dài đủ")

	// Change set k sets all twelve months of 2023 to k.
	const months = 12
	var acked atomic.Int64
	stop := make(chan struct{})
	writerDone := make(chan error, 1)
	go func() {
		for k := 1; ; k++ {
			select {
			case <-stop:
				writerDone <- nil
				return
			default:
			}
			var vs []planwatch.DataValue
			for m := 1; m <= months; m++ {
				vs = append(vs, planwatch.DataValue{Key: planwatch.Key{Indicator: "trade.retail_sales_services", Unit: "20",
					Period: planwatch.MonthOf(2023, m)}, Value: planwatch.Float(float64(k))})
			}
			body, _ := json.Marshal(map[string]any{"values": vs})
			req, _ := http.NewRequest("POST", base+"/api/values", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-CSRF-Token", token)
			resp, err := c.Do(req)
			if err != nil {
				writerDone <- err
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				writerDone <- fmt.Errorf("write %d: %s %s", k, resp.Status, b)
				return
			}
			acked.Store(int64(k))
		}
	}()
	waitFor := func(n int64) {
		t.Helper()
		for deadline := time.Now().Add(60 * time.Second); acked.Load() < n; {
			if time.Now().After(deadline) {
				t.Fatalf("only %d writes acknowledged", acked.Load())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitFor(5)
	backup := filepath.Join(dir, "live.backup")
	before := acked.Load()
	run("", "backup", "--db", db, "-o", backup)
	after := acked.Load()
	waitFor(after + 3) // writes go on after the backup
	srv.Process.Signal(syscall.SIGKILL)
	srv.Wait()
	close(stop)
	if err := <-writerDone; err != nil && !strings.Contains(err.Error(), "connection") && !strings.Contains(err.Error(), "EOF") {
		t.Fatal(err)
	}

	fresh := filepath.Join(dir, "fresh.db")
	out := run("", "restore", backup, "--db", fresh)
	if !strings.Contains(out, "audit chain: ok") {
		t.Errorf("restore:\n%s", out)
	}
	run("", "check", "--db", fresh)

	s, err := sqlite.Open(context.Background(), fresh)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	vs, err := s.Values(context.Background(), planwatch.ValueQuery{Indicators: []string{"trade.retail_sales_services"}})
	if err != nil {
		t.Fatal(err)
	}
	seq, err := s.ChangeSeq(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != months {
		t.Fatalf("%d values restored, want %d", len(vs), months)
	}
	k := *vs[0].Value
	for _, v := range vs {
		if *v.Value != k {
			t.Errorf("%s = %v, others %v: a change set restored in part", v.Key, *v.Value, k)
		}
	}
	// Change set k was acknowledged before the backup ended (it may have
	// committed while the backup ran), and later ones were written after it.
	if k < float64(before) || k > float64(after)+1 || float64(acked.Load()) <= k {
		t.Errorf("restored change set %v; acknowledged %d before the backup, %d after, %d at the kill", k, before, after, acked.Load())
	}
	revs, err := s.Revisions(context.Background(), vs[0].Key)
	if err != nil || len(revs) != int(k) {
		t.Errorf("%d revisions of %s restored, want %v (%v)", len(revs), vs[0].Key, k, err)
	}
	t.Logf("restored change set %v (store change %d); %d acknowledged before the backup, %d after, %d at the kill", k, seq, before, after, acked.Load())
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func openRawSQLite(t *testing.T, path string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
