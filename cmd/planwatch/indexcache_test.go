package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"planwatch/postgres/pgtest"
)

// runCached runs planwatch with PLANWATCH_INDEX_CACHE=cache.
func runCached(t *testing.T, cache string, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out, Now: time.Now,
		Getenv: func(k string) string {
			return map[string]string{"USER": "tester", "PLANWATCH_INDEX_CACHE": cache}[k]
		}}
	if err := Run(context.Background(), env, args); err != nil {
		t.Fatalf("planwatch %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	return out.String()
}

// statusValue is unit 20's agri.aquatic_output in 2025Q3 by planwatch
// status --format json on db, with the index cache at cache.
func statusValue(t *testing.T, cache, db string) float64 {
	t.Helper()
	var st struct {
		Rows []struct {
			Indicator string   `json:"indicator"`
			Value     *float64 `json:"value"`
		} `json:"rows"`
	}
	out := runCached(t, cache, "status", "--db", db, "--unit", "20", "--period", "2025Q3", "--format", "json")
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("status: %v\n%s", err, out)
	}
	for _, r := range st.Rows {
		if r.Indicator == "agri.aquatic_output" && r.Value != nil {
			return *r.Value
		}
	}
	t.Fatalf("status of %s: no agri.aquatic_output\n%s", db, out)
	return 0
}

// TestPostgresIndexCache: on PostgreSQL the analytics index's snapshot is
// kept in the index cache under the database's identity; a later command
// starts from it, reads the changes committed after it and shows them. A
// copy of the database (CREATE DATABASE … TEMPLATE: the same rows, store id
// and change number) written differently up to the same change number
// never takes the other's snapshot, nor does a database dropped and made
// again under the same name.
func TestPostgresIndexCache(t *testing.T) {
	srv, err := pgtest.Start()
	if err != nil {
		pgtest.Unavailable(t, err)
	}
	t.Cleanup(func() {
		if err := srv.Stop(); err != nil {
			t.Errorf("stop PostgreSQL: %v", err)
		}
	})
	ctx := context.Background()
	a, err := srv.CreateDatabase(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dir, cache := t.TempDir(), t.TempDir()
	values := func(v string) string { return aquaticFile(dir, v) }
	runCached(t, cache, "init", "--db", a)
	runCached(t, cache, "import", "--db", a, values("100"))
	if got := statusValue(t, cache, a); got != 100 {
		t.Fatalf("status: %v, want 100", got)
	}
	snapshots := func() []string {
		t.Helper()
		m, _ := filepath.Glob(filepath.Join(cache, "postgres-*.index"))
		return m
	}
	if n := len(snapshots()); n != 1 {
		t.Fatalf("%d snapshots in the cache after the first status, want 1", n)
	}
	// A change after the snapshot is read on top of it.
	runCached(t, cache, "import", "--db", a, values("150"))
	if got := statusValue(t, cache, a); got != 150 {
		t.Fatalf("status after a second import: %v, want 150", got)
	}

	// A copy of a, with a's snapshot in the cache at a's change number.
	u, _ := url.Parse(a)
	nameA := strings.TrimPrefix(u.Path, "/")
	if err := srv.Exec(ctx, "postgres", "CREATE DATABASE copy_of_a TEMPLATE "+nameA); err != nil {
		t.Fatal(err)
	}
	u.Path = "/copy_of_a"
	b := u.String()
	// Each is changed once more: the same change number, different values.
	runCached(t, cache, "import", "--db", a, values("200"))
	runCached(t, cache, "import", "--db", b, values("300"))
	if got := statusValue(t, cache, a); got != 200 {
		t.Fatalf("status of a: %v, want 200", got)
	}
	if got := statusValue(t, cache, b); got != 300 {
		t.Fatalf("status of the copy: %v, want 300 (its own value, not a's snapshot)", got)
	}
	if got := statusValue(t, cache, a); got != 200 {
		t.Fatalf("status of a after the copy's: %v, want 200", got)
	}
	if n := len(snapshots()); n != 2 {
		t.Fatalf("%d snapshots in the cache, want 2 (one per database)", n)
	}

	// The copy dropped and made again from a under the same name: the
	// change number of the first copy's snapshot, a's values.
	if err := srv.Exec(ctx, "postgres", "DROP DATABASE copy_of_a"); err != nil {
		t.Fatal(err)
	}
	if err := srv.Exec(ctx, "postgres", "CREATE DATABASE copy_of_a TEMPLATE "+nameA); err != nil {
		t.Fatal(err)
	}
	if got := statusValue(t, cache, b); got != 200 {
		t.Fatalf("status of the new copy: %v, want 200 (a's value, not the first copy's snapshot)", got)
	}
	runCached(t, cache, "import", "--db", b, values("400"))
	if got := statusValue(t, cache, b); got != 400 {
		t.Fatalf("status of the new copy: %v, want 400", got)
	}
	// The cache turned off gives the same figures.
	if got := statusValue(t, "off", b); got != 400 {
		t.Fatalf("status without the cache: %v, want 400", got)
	}
}

// TestPostgresIndexCachePlainRole: a role that may not read the cluster's
// control data (pg_control_system revoked from PUBLIC) still has its
// index's snapshot kept in the cache (postgres.DB.Identity's fallback), and
// a later command reads the changes after it.
func TestPostgresIndexCachePlainRole(t *testing.T) {
	srv, err := pgtest.Start()
	if err != nil {
		pgtest.Unavailable(t, err)
	}
	t.Cleanup(func() { srv.Stop() })
	ctx := context.Background()
	for _, q := range []struct{ db, sql string }{
		{"postgres", "CREATE ROLE plain LOGIN"},
		{"template1", "REVOKE EXECUTE ON FUNCTION pg_control_system() FROM PUBLIC"},
		{"postgres", "CREATE DATABASE plan OWNER plain"},
	} {
		if err := srv.Exec(ctx, q.db, q.sql); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
	db := strings.Replace(srv.DSN("plan"), "user=postgres", "user=plain", 1)
	dir, cache := t.TempDir(), t.TempDir()
	values := func(v string) string { return aquaticFile(dir, v) }
	runCached(t, cache, "init", "--db", db)
	runCached(t, cache, "import", "--db", db, values("100"))
	if got := statusValue(t, cache, db); got != 100 {
		t.Fatalf("status: %v, want 100", got)
	}
	if m, _ := filepath.Glob(filepath.Join(cache, "postgres-*.index")); len(m) != 1 {
		t.Fatalf("snapshots in the cache of a plain role: %q, want 1", m)
	}
	runCached(t, cache, "import", "--db", db, values("150"))
	if got := statusValue(t, cache, db); got != 150 {
		t.Fatalf("status after a second import: %v, want 150", got)
	}
}

// aquaticFile writes in dir a values file of one figure, v, of Lạng Sơn's
// aquatic output in 2025Q3, and returns its path.
func aquaticFile(dir, v string) string {
	f := filepath.Join(dir, v+".csv")
	os.WriteFile(f, []byte("indicator,orgunit,period,value,unit\nagri.aquatic_output,20,2025Q3,"+v+",tấn\n"), 0o644)
	return f
}
