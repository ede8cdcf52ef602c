package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
)

// Identity names this database for what is kept outside it about its
// content (the analytics index's snapshot in a cache directory): the
// cluster's system identifier and the timeline its WAL is written on (a
// point-in-time recovery or a promoted standby starts a new one at once,
// so a history that went another way than a snapshot's is never taken for
// it; a server in recovery has none to give, and nothing is cached for
// it), the database's oid and name (a database dropped and made again,
// even from a dump under the same name, gets a new oid), the schema, and
// the hash of the first audit entry (written by init with its time to the
// nanosecond: the store's own id).
// Two databases never share an identity; one database keeps it while its
// history only grows, so that a cache keyed by it and checked against the
// change number (ChangeFeed.ChangeSeq) is never stale. The result is a
// hexadecimal digest, safe in a file name.
//
// A role not allowed to read the cluster's control data or WAL position
// (pg_control_system, pg_current_wal_lsn or pg_walfile_name revoked from
// PUBLIC, as hardened and managed servers do) gets an identity of what
// any role reads instead (identityFallback).
func (db *DB) Identity(ctx context.Context) (string, error) {
	var sys, oid int64
	var timeline, name, schema, first string
	err := db.w.QueryRowContext(ctx, `SELECT s.system_identifier, substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8),
		d.oid::bigint, d.datname, current_schema(), coalesce((SELECT hash FROM audit ORDER BY id LIMIT 1), '')
		FROM pg_control_system() s, pg_database d WHERE d.datname = current_database()`).
		Scan(&sys, &timeline, &oid, &name, &schema, &first)
	if pe := (*pgconn.PgError)(nil); errors.As(err, &pe) && pe.Code == "42501" { // insufficient_privilege
		return db.identityFallback(ctx)
	}
	if err != nil {
		return "", internal("Identity", err)
	}
	return identityDigest("planwatch postgres\x00%d\x00%s\x00%d\x00%s\x00%s\x00%s", sys, timeline, oid, name, schema, first), nil
}

// identityFallback is the identity of a role that cannot read the
// cluster's system identifier and timeline: the database's oid and name,
// the schema and the first audit hash, as Identity, and the time the
// server started in place of the cluster and timeline. A copy (TEMPLATE,
// dump) or a database dropped and made again has another oid or first
// hash; another server, or this one restarted (as a point-in-time
// recovery or a restored file system backup must be), has another start
// time. What it gives up is the snapshot across a restart of the server:
// the first command after one reads the index from the database. A server
// in recovery gives none, as with the control data.
func (db *DB) identityFallback(ctx context.Context) (string, error) {
	var oid int64
	var started, name, schema, first string
	err := db.w.QueryRowContext(ctx, `SELECT to_char(pg_postmaster_start_time() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
		d.oid::bigint, d.datname, current_schema(), coalesce((SELECT hash FROM audit ORDER BY id LIMIT 1), '')
		FROM pg_database d WHERE d.datname = current_database() AND NOT pg_is_in_recovery()`).
		Scan(&started, &oid, &name, &schema, &first)
	if err != nil {
		return "", internal("Identity", err)
	}
	return identityDigest("planwatch postgres, without the control data\x00%s\x00%d\x00%s\x00%s\x00%s", started, oid, name, schema, first), nil
}

// identityDigest is the hexadecimal digest of what an identity is made of.
func identityDigest(format string, args ...any) string {
	sum := sha256.Sum256(fmt.Appendf(nil, format, args...))
	return hex.EncodeToString(sum[:16])
}
