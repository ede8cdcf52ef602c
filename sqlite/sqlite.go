// Package sqlite implements planwatch.Store on an embedded SQLite database
// (modernc.org/sqlite: pure Go, no cgo), so that planwatch runs from a single
// binary and a single file.
//
// Writes go through one connection with BEGIN IMMEDIATE transactions, so that
// writers queue instead of failing when two of them meet; reads use a pool of
// read-only connections, which WAL lets run alongside the writer.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"planwatch"
	"planwatch/internal/engine"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is a planwatch store in one SQLite file.
type DB struct {
	path string
	// w is the single writer connection; r the pool of read-only connections.
	// For an in-memory database both are the same one connection.
	w, r *sql.DB
	// Now gives the time recorded on revisions and audit entries; time.Now by
	// default. Set it before use, not while the store is in use.
	Now func() time.Time
	// observers are called after each commit (WithCommitObserver,
	// WithChangeObserver).
	observers engine.Observers
	// defaults caches the value defaults of committed change sets.
	defaults engine.DefaultsCache
	// schemaUpTo stops migrations after that version (tests of migrations).
	schemaUpTo int
	// seq is ChangeSeq's statement, prepared once: every view runs it.
	seq struct {
		mu   sync.Mutex
		stmt *sql.Stmt
	}
	// inspect: opened as it is, read-only, never migrated (Inspect);
	// stored and known are its schema version and the newest this binary
	// has (Schema).
	inspect       bool
	stored, known int
	// largeApply is how many units make an Apply read every unit ahead
	// (unitsAhead); 0: aheadAfter. Tests make it small, and follow the
	// reading with aheadEvent ("read", then "used" or "unused").
	largeApply int
	aheadEvent func(string)
}

var _ planwatch.Store = (*DB)(nil)

// Option configures Open.
type Option func(*DB)

// WithCommitObserver registers f to be called after every committed Apply
// with the new current value of each key whose current value changed (a key
// left without one comes as a Deleted value). It runs after the commit, so
// what it sees is durable; it must not call Apply.
func WithCommitObserver(f func([]planwatch.DataValue)) Option {
	return func(db *DB) { db.observers.Commit = append(db.observers.Commit, f) }
}

// WithChangeObserver registers f to be called after every committed change
// that the ChangeFeed numbers (an Apply that changed something, an approval,
// a catalogue change) with its number and, for an Apply, what it changed as
// WithCommitObserver gives it. It must not write to the store.
func WithChangeObserver(f func(planwatch.Change)) Option {
	return func(db *DB) { db.observers.Change = append(db.observers.Change, f) }
}

// WithNow sets the clock.
func WithNow(now func() time.Time) Option { return func(db *DB) { db.Now = now } }

// Inspect opens the database as it is, to look at it (planwatch check,
// backup, audit head): read-only (every connection mode=ro and
// query_only), never created, never migrated. A schema newer than this
// binary's is refused as Open refuses it; an older one is opened as it is
// and Schema says so.
func Inspect() Option { return func(db *DB) { db.inspect = true } }

// Schema returns the database's schema version (its highest migration) and
// the newest this binary knows: equal, unless it was opened with Inspect
// and an older planwatch wrote it.
func (db *DB) Schema() (stored, known int) { return db.stored, db.known }

// Open opens (creating it and its directory when missing) the database at
// path and brings its schema up to date. ":memory:" gives a private in-memory
// database, for tests.
func Open(ctx context.Context, path string, opts ...Option) (*DB, error) {
	if path == "" || strings.ContainsRune(path, '?') {
		return nil, planwatch.Errorf(planwatch.EINVALID, "đường dẫn cơ sở dữ liệu không hợp lệ (invalid database path) %q", path)
	}
	db := &DB{path: path, Now: time.Now}
	for _, o := range opts {
		o(db)
	}
	if db.inspect {
		return db.openInspect(ctx)
	}
	memory := path == ":memory:"
	if !memory {
		if err := create(path); err != nil {
			return nil, fmt.Errorf("sqlite: %w", err)
		}
	}
	var err error
	if db.w, err = sql.Open("sqlite", dsn(path, false)); err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	// One writer connection: SQLite allows one writer at a time anyway, and
	// queueing in database/sql is cheaper and fairer than busy-waiting.
	db.w.SetMaxOpenConns(1)
	db.w.SetMaxIdleConns(1)
	db.w.SetConnMaxLifetime(0)
	db.w.SetConnMaxIdleTime(0)
	if err := db.migrate(ctx); err != nil {
		db.w.Close()
		return nil, fmt.Errorf("sqlite: migrate %s: %w", path, err)
	}
	if memory {
		db.r = db.w
		return db, nil
	}
	if db.r, err = sql.Open("sqlite", dsn(path, true)); err != nil {
		db.w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	db.r.SetMaxOpenConns(max(4, runtime.NumCPU()))
	if err := db.r.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	return db, nil
}

// openInspect is Open with Inspect: one read-only pool for reads and
// "writes" alike (any write fails), the schema read, not changed.
func (db *DB) openInspect(ctx context.Context) (*DB, error) {
	if _, err := os.Stat(db.path); err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	u := url.URL{Path: db.path}
	var err error
	if db.w, err = sql.Open("sqlite", "file:"+u.EscapedPath()+"?mode=ro&"+strings.TrimPrefix(dsn("", true), "?")); err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", db.path, err)
	}
	db.w.SetMaxOpenConns(max(4, runtime.NumCPU()))
	db.r = db.w
	if db.stored, db.known, err = engine.StoredSchema(ctx, db.w, migrations); err != nil {
		db.w.Close()
		return nil, fmt.Errorf("sqlite: %s: %w", db.path, err)
	}
	return db, nil
}

// create makes the database file when it is missing, readable by its owner
// only (it holds password hashes), as is a directory made for it; SQLite
// gives its log and shared-memory files the database file's mode.
func create(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Close()
}

// dsn builds the connection string. The pragmas run on every new connection.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	// Wait up to 10 s for a lock held by another connection or process
	// (a CLI import while the server runs) instead of failing at once.
	q.Add("_pragma", "busy_timeout(10000)")
	// SQLite leaves foreign keys off unless asked, per connection.
	q.Add("_pragma", "foreign_keys(1)")
	// The first 64 MiB of the file are read through a memory map rather
	// than a read call and a copy a page (a command's first queries read
	// the catalogue cold: an import's, 40 -> 20 ms). Bounded: mapped pages
	// count in a process's resident memory, once per connection.
	q.Add("_pragma", "mmap_size(67108864)")
	if readOnly {
		// The read pool cannot write even by mistake.
		q.Add("_pragma", "query_only(1)")
	} else {
		// WAL: readers never block the writer nor the writer readers, and a
		// commit is one append to the log. The mode is stored in the file.
		q.Add("_pragma", "journal_mode(WAL)")
		// FULL rather than NORMAL: in WAL mode NORMAL is safe from corruption
		// but a power cut can lose the last commits, and those may be
		// figures a user was told were saved, with their audit entries. FULL
		// costs one fsync per commit; an import is one commit, so it is cheap.
		q.Add("_pragma", "synchronous(FULL)")
		// The writer's temporary files in memory: a statement of many rows
		// (insertMany) keeps a statement journal of the pages it changes,
		// which SQLite otherwise spills to a temporary file past 64 KiB,
		// one write call a page (an import: ~10 % of its writing).
		// migrate's VACUUM puts it back to a file first.
		q.Add("_pragma", "temp_store(MEMORY)")
		// Take the write lock at BEGIN: a deferred transaction that reads and
		// then writes can fail with SQLITE_BUSY (no waiting) when another
		// process wrote in between; an immediate one waits its turn.
		q.Set("_txlock", "immediate")
	}
	return path + "?" + q.Encode()
}

// Close closes the database.
func (db *DB) Close() error {
	var err error
	if db.seq.stmt != nil {
		err = db.seq.stmt.Close()
	}
	if db.r != nil && db.r != db.w {
		err = errors.Join(err, db.r.Close())
	}
	if db.w != nil {
		// Fold the log back into the database file, so the file alone is complete.
		if !db.inspect {
			_, _ = db.w.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
		}
		err = errors.Join(err, db.w.Close())
	}
	return err
}

// Path is the file the database lives in.
func (db *DB) Path() string { return db.path }

func (db *DB) now() time.Time { return db.Now().UTC() }

// migrate applies, in order and each in its own transaction, the embedded
// migrations not yet recorded in schema_migrations.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return err
	}
	ms, err := engine.Migrations(migrations)
	if err != nil {
		return err
	}
	var stored sql.NullInt64
	if err := db.w.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&stored); err != nil {
		return err
	}
	if err := engine.CheckNotNewer(int(stored.Int64), ms); err != nil {
		return err
	}
	db.known = engine.Newest(ms)
	db.stored = db.known
	if db.schemaUpTo > 0 {
		db.stored = max(int(stored.Int64), min(db.schemaUpTo, db.known))
	}
	vacuum := false
	for _, m := range ms {
		if db.schemaUpTo > 0 && m.Version > db.schemaUpTo {
			break
		}
		applied, err := db.migrateOne(ctx, m.Version, m.Path)
		if err != nil {
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
		vacuum = vacuum || (applied && m.Version == 6)
	}
	if vacuum && db.path != ":memory:" {
		// Migration 6 leaves the space of the old value tables free in the
		// file: give it back, once.
		// VACUUM builds the copy as a temporary database: on disk, not
		// in memory (the writer keeps its temporary files in memory).
		if _, err := db.w.ExecContext(ctx, `PRAGMA temp_store = DEFAULT`); err != nil {
			return fmt.Errorf("vacuum: %w", err)
		}
		if _, err := db.w.ExecContext(ctx, `VACUUM`); err != nil {
			return fmt.Errorf("vacuum: %w", err)
		}
		if _, err := db.w.ExecContext(ctx, `PRAGMA temp_store = MEMORY`); err != nil {
			return fmt.Errorf("vacuum: %w", err)
		}
	}
	return nil
}

// migrateOne applies one migration unless it was; it reports whether it did.
func (db *DB) migrateOne(ctx context.Context, version int, name string) (bool, error) {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	body, err := fs.ReadFile(migrations, name)
	if err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return false, err
	}
	if code := migrationCode[version]; code != nil {
		if err := code(ctx, tx, db.now()); err != nil {
			return false, err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		version, filepath.Base(name), formatTime(db.now())); err != nil {
		return false, err
	}
	return true, tx.Commit()
}

// Times are stored in UTC with a fixed width so that they sort as text.
const timeLayout = "2006-01-02T15:04:05.000000000Z07:00"

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		t, _ = time.Parse(time.RFC3339Nano, s)
	}
	return t
}

const dateLayout = "2006-01-02"

func formatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(dateLayout)
}

func parseDate(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, _ := time.Parse(dateLayout, s)
	return t
}

// nullFloat turns an optional figure into a column value.
func nullFloat(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

func floatPtr(n sql.NullFloat64) *float64 {
	if !n.Valid {
		return nil
	}
	return planwatch.Float(n.Float64)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// period rebuilds a Period from its stored columns.
func period(year, first, last, typ int) planwatch.Period {
	return planwatch.Period{Year: year, First: first, Last: last, Type: planwatch.PeriodType(typ)}
}

// jsonStrings encodes a list of codes for a json_each(?) parameter.
func jsonStrings(ss []string) string {
	if ss == nil {
		ss = []string{}
	}
	b, _ := json.Marshal(ss)
	return string(b)
}

// internal wraps an unexpected database error with the operation that failed.
func internal(op string, err error) error {
	if err == nil {
		return nil
	}
	var e *planwatch.Error
	if errors.As(err, &e) {
		return err
	}
	return fmt.Errorf("sqlite: %s: %w", op, err)
}
