package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"planwatch"
	"planwatch/sqlite"
	"planwatch/web"
)

// runIn executes the program with the given standard input.
func runIn(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	env := &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &out,
		Now:    func() time.Time { return time.Date(2022, 4, 7, 16, 42, 0, 0, time.UTC) },
		Getenv: func(k string) string { return map[string]string{"USER": "tester"}[k] }}
	err := Run(context.Background(), env, args)
	return out.String(), err
}

func TestUserCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pw.db")
	mustRun(t, "init", "--db", db)

	// A fresh install has no account and says how to make the first.
	ctx, cancel := context.WithCancel(context.Background())
	out := &signalWriter{running: make(chan struct{})}
	env := &Env{Stdin: strings.NewReader(""), Stdout: out, Stderr: out, Now: time.Now, Getenv: func(string) string { return "" }}
	s, err := openStore(context.Background(), env, db)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- serve(ctx, env, s, serveOptions{addr: "127.0.0.1:0"}) }()
	select {
	case <-out.running:
	case err := <-done:
		t.Fatalf("serve: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	s.Close()
	if text := out.String(); !strings.Contains(text, "planwatch user add --db "+db+" --role admin NAME") {
		t.Errorf("serve on an empty database does not explain how to create the admin:\n%s", text)
	}

	if out, err := runIn(t, "mật khẩu đủ dài\n", "user", "add", "--db", db, "--role", "admin", "an"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if _, err := runIn(t, "mật khẩu đủ dài\n", "user", "add", "--db", db, "--role", "reporter", "--units", "178, 180", "--sectors", "Thương mại", "lan"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		stdin string
		args  []string
	}{
		{"short\n", []string{"user", "add", "--db", db, "--role", "viewer", "binh"}},             // too short
		{"mật khẩu đủ dài\n", []string{"user", "add", "--db", db, "--role", "king", "binh"}},     // bad role
		{"mật khẩu đủ dài\n", []string{"user", "add", "--db", db, "--role", "admin", "an"}},      // exists
		{"", []string{"user", "add", "--db", db, "--role", "viewer", "--password", "x", "binh"}}, // no password flag
		{"mật khẩu đủ dài\n", []string{"user", "set-password", "--db", db, "nobody"}},            // no such account
	} {
		if out, err := runIn(t, tc.stdin, tc.args...); err == nil {
			t.Errorf("%v succeeded:\n%s", tc.args, out)
		}
	}
	if _, err := runIn(t, "mật khẩu mới dài hơn\n", "user", "set-password", "--db", db, "lan"); err != nil {
		t.Fatal(err)
	}
	if _, err := runIn(t, "", "user", "set", "--db", db, "--role", "planner", "--units", "", "lan"); err != nil {
		t.Fatal(err)
	}
	if _, err := runIn(t, "", "user", "disable", "--db", db, "an"); err != nil {
		t.Fatal(err)
	}
	list, err := runIn(t, "", "user", "list", "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	if !regexpMatch(list, `an\s+admin\s+\*\s+\*\s+\*\s+disabled`) || !regexpMatch(list, `lan\s+planner\s+\*\s+Thương mại\s+\*\s+active`) {
		t.Errorf("list:\n%s", list)
	}

	st, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	lan, err := st.Account(context.Background(), "lan")
	if err != nil {
		t.Fatal(err)
	}
	if !web.CheckPassword(lan.PasswordHash, "mật khẩu mới dài hơn") || web.CheckPassword(lan.PasswordHash, "mật khẩu đủ dài") {
		t.Error("set-password did not store the new password's hash")
	}
	entries, err := st.Audit(context.Background(), planwatch.AuditQuery{Action: "user."})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action+" "+e.Entity+" by "+e.By)
		if strings.Contains(e.Old+e.New, "argon2") {
			t.Errorf("a password hash in the audit trail: %+v", e)
		}
	}
	want := []string{"user.disable user/an by tester", "user.set user/lan by tester", "user.password user/lan by tester", "user.add user/lan by tester", "user.add user/an by tester"}
	if strings.Join(actions, "|") != strings.Join(want, "|") {
		t.Errorf("audit:\n%s\nwant\n%s", strings.Join(actions, "\n"), strings.Join(want, "\n"))
	}
	if e := entries[1]; !strings.Contains(e.Old, `"role":"reporter"`) || !strings.Contains(e.New, `"role":"planner"`) {
		t.Errorf("permission change old/new: %+v", e)
	}
}

func regexpMatch(s, re string) bool { return regexp.MustCompile(re).MatchString(s) }

// signalWriter collects output and closes running when the server says it runs.
type signalWriter struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	running chan struct{}
	once    sync.Once
}

func (w *signalWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.buf.Write(b)
	if strings.Contains(w.buf.String(), "is running at") {
		w.once.Do(func() { close(w.running) })
	}
	return n, err
}

func (w *signalWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// TestUserAddRefusesInvisibleNames (sixth session): `planwatch user add`
// took any name of at most 64 bytes: a terminal escape, a C1 control, a
// zero-width space ("root\u200b" beside "root"). The one name rule of
// planwatch.Account.Validate refuses them before the password is read.
func TestUserAddRefusesInvisibleNames(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pw.db")
	mustRun(t, "init", "--db", db)
	for _, name := range []string{"root\u200b", "an\x1b[2J", "an\u0085x", "a b"} {
		if out, err := runIn(t, "mật khẩu dài đủ\n", "user", "add", "--db", db, "--role", "admin", name); err == nil {
			t.Errorf("user add %+q: accepted\n%s", name, out)
		}
	}
	if out, err := runIn(t, "mật khẩu dài đủ\n", "user", "add", "--db", db, "--role", "viewer", "nguye\u0302\u0303n"); err != nil || !strings.Contains(out, "nguyễn (") {
		t.Errorf("user add of a decomposed name: %v\n%s", err, out)
	}
}
