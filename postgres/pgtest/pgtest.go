// Package pgtest starts throwaway PostgreSQL servers for tests: initdb into a
// temporary directory, pg_ctl start on a Unix socket in that directory (no TCP
// port), run as the postgres user when the tests run as root, since the
// server refuses to run as root.
//
// A test binary shares one server (Main in TestMain, then NewDatabase per
// test). When the server cannot start, tests skip with the reason, unless
// PLANWATCH_REQUIRE_POSTGRES=1 (CI) makes that a failure.
package pgtest

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// Server is a running PostgreSQL server.
type Server struct {
	Dir    string // temporary directory: data in Dir/data, socket in Dir
	Data   string
	bin    string
	asUser string // run commands as this user ("" = as ourselves)
	port   int
	dbs    atomic.Int64
}

// Bin finds the server binaries, preferring version 15.
func Bin() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return strings.Contains(dirs[i], "/15/") && !strings.Contains(dirs[j], "/15/") })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("PostgreSQL server binaries not found (apt-get install postgresql)")
}

// Start creates and starts a new server. Stop it when done.
func Start() (*Server, error) {
	bin, err := Bin()
	if err != nil {
		return nil, err
	}
	// A short path: a socket path must fit in about 100 bytes.
	dir, err := os.MkdirTemp("/tmp", "pgtest")
	if err != nil {
		return nil, err
	}
	s := &Server{Dir: dir, Data: filepath.Join(dir, "data"), bin: bin, port: 5432}
	if os.Geteuid() == 0 {
		s.asUser = "postgres"
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("running as root and there is no postgres user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	if err := s.run("initdb", "-D", s.Data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := s.start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

// start runs pg_ctl start with test settings: no TCP, socket in Dir, no
// fsync (a test server's data need not survive a crash).
func (s *Server) start() error {
	opts := fmt.Sprintf("-c listen_addresses='' -c unix_socket_directories=%s -p %d -c fsync=off "+
		"-c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=32MB "+
		"-c wal_level=replica -c max_wal_senders=4 -c hot_standby=on", s.Dir, s.port)
	return s.run("pg_ctl", "start", "-w", "-t", "60", "-D", s.Data, "-l", filepath.Join(s.Dir, "log"), "-o", opts)
}

// run runs a server binary, as the postgres user when we are root.
func (s *Server) run(name string, args ...string) error {
	path := filepath.Join(s.bin, name)
	var cmd *exec.Cmd
	if s.asUser != "" {
		cmd = exec.Command("runuser", append([]string{"-u", s.asUser, "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = s.Dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		log, _ := os.ReadFile(filepath.Join(s.Dir, "log"))
		return fmt.Errorf("%s: %v\n%s\n%s", name, err, out.Bytes(), log)
	}
	return nil
}

// Stop stops the server and removes its directory.
func (s *Server) Stop() error {
	err := s.run("pg_ctl", "stop", "-m", "immediate", "-w", "-D", s.Data)
	return errors.Join(err, os.RemoveAll(s.Dir))
}

// DSN is the URL of database db on the server.
func (s *Server) DSN(db string) string {
	q := url.Values{"host": {s.Dir}, "port": {strconv.Itoa(s.port)}, "user": {"postgres"}, "sslmode": {"disable"}}
	return "postgres:///" + db + "?" + q.Encode()
}

// Exec runs statements on database db.
func (s *Server) Exec(ctx context.Context, db, query string, args ...any) error {
	conn, err := sql.Open("pgx", s.DSN(db))
	if err != nil {
		return err
	}
	defer conn.Close()
	_, err = conn.ExecContext(ctx, query, args...)
	return err
}

// CreateDatabase creates a new empty database and returns its URL.
func (s *Server) CreateDatabase(ctx context.Context) (string, error) {
	name := fmt.Sprintf("test%d", s.dbs.Add(1))
	if err := s.Exec(ctx, "postgres", "CREATE DATABASE "+name); err != nil {
		return "", err
	}
	return s.DSN(name), nil
}

// StartReplica takes a base backup of s (pg_basebackup -R) and starts it as
// a streaming hot standby on its own socket directory.
func (s *Server) StartReplica() (*Server, error) {
	dir, err := os.MkdirTemp("/tmp", "pgtest")
	if err != nil {
		return nil, err
	}
	r := &Server{Dir: dir, Data: filepath.Join(dir, "data"), bin: s.bin, asUser: s.asUser, port: s.port}
	if s.asUser != "" {
		u, _ := user.Lookup(s.asUser)
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	if err := r.run("pg_basebackup", "-h", s.Dir, "-p", strconv.Itoa(s.port), "-U", "postgres", "-D", r.Data,
		"-R", "-X", "stream", "-c", "fast"); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := r.start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return r, nil
}

// The server shared by the tests of one binary, set by Main.
var (
	shared   *Server
	startErr error
)

// Main starts the shared server, runs the tests and stops it. Call it from
// TestMain: os.Exit(pgtest.Main(m)).
func Main(m *testing.M) int {
	shared, startErr = Start()
	code := m.Run()
	if shared != nil {
		if err := shared.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest: stop:", err)
		}
	}
	return code
}

// Shared returns the shared server, or skips the test (fails it when
// PLANWATCH_REQUIRE_POSTGRES=1) when it did not start.
func Shared(t testing.TB) *Server {
	t.Helper()
	if shared == nil {
		err := startErr
		if err == nil {
			err = errors.New("pgtest.Main was not called from TestMain")
		}
		Unavailable(t, err)
	}
	return shared
}

// Unavailable skips t, or fails it under PLANWATCH_REQUIRE_POSTGRES=1,
// because a server could not start.
func Unavailable(t testing.TB, err error) {
	t.Helper()
	if os.Getenv("PLANWATCH_REQUIRE_POSTGRES") == "1" {
		t.Fatalf("PostgreSQL is required (PLANWATCH_REQUIRE_POSTGRES=1) but cannot start: %v", err)
	}
	t.Skipf("PostgreSQL unavailable, skipping: %v", err)
}

// NewDatabase creates a fresh database on the shared server for t and
// returns its URL.
func NewDatabase(t testing.TB) string {
	t.Helper()
	s := Shared(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dsn, err := s.CreateDatabase(ctx)
	if err != nil {
		t.Fatalf("create database: %v", err)
	}
	return dsn
}
