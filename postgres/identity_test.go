package postgres_test

import (
	"context"
	"strings"
	"testing"

	"planwatch/copystore"
	"planwatch/postgres"
	"planwatch/postgres/pgtest"
	"planwatch/storetest"
)

// A role that may not read the cluster's control data (pg_control_system
// revoked from PUBLIC, as hardened and managed servers have it) still gets
// an identity, so that its index has a snapshot: stable while nothing
// changes, and never another database's — not a TEMPLATE copy's, not that
// of a database dropped and made again under the same name from the same
// template, not that of the same database on a replica (same oid, name and
// rows: a server in recovery gives none).
func TestIdentityOfAPlainRole(t *testing.T) {
	ctx := context.Background()
	srv, err := pgtest.Start()
	if err != nil {
		pgtest.Unavailable(t, err)
	}
	t.Cleanup(func() { srv.Stop() })
	exec := func(db, q string) {
		t.Helper()
		if err := srv.Exec(ctx, db, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	asPlain := func(db string) string {
		return strings.Replace(srv.DSN(db), "user=postgres", "user=plain", 1)
	}
	exec("postgres", "CREATE ROLE plain LOGIN")
	// Revoked in template1, as a hardened cluster has it: every database
	// created after inherits it.
	exec("template1", "REVOKE EXECUTE ON FUNCTION pg_control_system() FROM PUBLIC")
	exec("postgres", "CREATE DATABASE plan OWNER plain")
	identity := func(dsn string, opts ...postgres.Option) string {
		t.Helper()
		db, err := postgres.Open(ctx, dsn, opts...)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		id, err := db.Identity(ctx)
		if err != nil {
			t.Fatalf("identity as a plain role: %v", err)
		}
		if len(id) != 32 {
			t.Fatalf("identity %q: want 32 hexadecimal digits", id)
		}
		return id
	}
	{
		db, err := postgres.Open(ctx, asPlain("plan"))
		if err != nil {
			t.Fatal(err)
		}
		if err := storetest.Fixture(ctx, db); err != nil {
			t.Fatal(err)
		}
		db.Close()
	}
	plan := identity(asPlain("plan"))
	if again := identity(asPlain("plan")); again != plan {
		t.Errorf("identity changed with nothing changed: %s then %s", plan, again)
	}
	if super := identity(srv.DSN("plan")); super == plan {
		t.Error("the superuser's identity (control data) is the plain role's")
	}
	exec("postgres", "CREATE DATABASE copy TEMPLATE plan OWNER plain")
	if c := identity(asPlain("copy")); c == plan {
		t.Error("a TEMPLATE copy has the identity of its template")
	}
	first := identity(asPlain("copy"))
	exec("postgres", "DROP DATABASE copy")
	exec("postgres", "CREATE DATABASE copy TEMPLATE plan OWNER plain")
	if c := identity(asPlain("copy")); c == first || c == plan {
		t.Error("a database dropped and made again under the same name has the identity of the first")
	}
	// Another server holding a copy made by copy-store (the same first
	// audit hash) in a database of the same name and, both being the first
	// made in their cluster, the same oid.
	other, err := pgtest.Start()
	if err != nil {
		pgtest.Unavailable(t, err)
	}
	t.Cleanup(func() { other.Stop() })
	for _, q := range []struct{ db, sql string }{{"postgres", "CREATE ROLE plain LOGIN"},
		{"template1", "REVOKE EXECUTE ON FUNCTION pg_control_system() FROM PUBLIC"}, {"postgres", "CREATE DATABASE plan OWNER plain"}} {
		if err := other.Exec(ctx, q.db, q.sql); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
	onOther := strings.Replace(other.DSN("plan"), "user=postgres", "user=plain", 1)
	{
		src, err := postgres.Open(ctx, asPlain("plan"))
		if err != nil {
			t.Fatal(err)
		}
		dst, err := postgres.Open(ctx, onOther)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := copystore.Copy(ctx, src, dst); err != nil {
			t.Fatal(err)
		}
		src.Close()
		dst.Close()
	}
	if o := identity(onOther); o == plan {
		t.Error("a copy of the database on another server, under the same name and oid, has the identity of the first")
	}
	replica, err := srv.StartReplica()
	if err != nil {
		pgtest.Unavailable(t, err)
	}
	t.Cleanup(func() { replica.Stop() })
	// The same database on another server (a replica: same oid, name and
	// rows) is never taken for the primary; a server in recovery gives no
	// identity at all, as with the control data.
	onReplica, err := postgres.Open(ctx, strings.Replace(replica.DSN("plan"), "user=postgres", "user=plain", 1), postgres.Inspect())
	if err != nil {
		t.Fatal(err)
	}
	defer onReplica.Close()
	if r, err := onReplica.Identity(ctx); err == nil {
		t.Errorf("a server in recovery gave the identity %s (the primary's: %v)", r, r == plan)
	}
}
