package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
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
func (db *DB) Identity(ctx context.Context) (string, error) {
	var sys, oid int64
	var timeline, name, schema, first string
	err := db.w.QueryRowContext(ctx, `SELECT s.system_identifier, substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8),
		d.oid::bigint, d.datname, current_schema(), coalesce((SELECT hash FROM audit ORDER BY id LIMIT 1), '')
		FROM pg_control_system() s, pg_database d WHERE d.datname = current_database()`).
		Scan(&sys, &timeline, &oid, &name, &schema, &first)
	if err != nil {
		return "", internal("Identity", err)
	}
	sum := sha256.Sum256(fmt.Appendf(nil, "planwatch postgres\x00%d\x00%s\x00%d\x00%s\x00%s\x00%s", sys, timeline, oid, name, schema, first))
	return hex.EncodeToString(sum[:16]), nil
}
