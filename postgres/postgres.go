// Package postgres implements planwatch.Store on PostgreSQL (pgx), for
// deployments beyond one province or one machine: several application
// instances on one database, and optionally a streaming replica for reads.
//
// It goes through database/sql with the pgx driver (pgx/stdlib) rather than
// pgxpool: the sqlite engine and copy-store are written against database/sql,
// so both engines share one idiom (a *sql.Tx passed to lower-case helpers),
// and database/sql's pool is all this engine needs.
//
// Concurrency: Apply locks the row of every series it writes (SELECT … FOR
// UPDATE on series, in id order) before numbering revisions, so writers on
// any number of instances queue per series; every revision is kept with its
// own number. Changes are numbered under an advisory lock held to the commit
// (changes.go), so that their numbers follow commit order. A
// transaction that still meets a deadlock or a serialization failure is
// retried from the start.
//
// Replicas: WithReplica routes the reads that dashboards and analytics make
// (Values, Targets, TargetHistory, Milestones, Notes, Tasks and the
// catalogue) to a streaming replica. Writes, Revisions and Audit always go to
// the primary. A replica that lags serves the state of a moment ago: a figure
// just saved may not show yet on a dashboard; Apply is not affected, because
// it checks and numbers against the primary. Code that must read what it has
// just written (a page shown right after a form is saved) uses Primary().
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"planwatch"
	"planwatch/internal/engine"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is a planwatch store in a PostgreSQL database.
type DB struct {
	// w is the primary; r is where replica-safe reads go: the replica when
	// there is one, else w.
	w, r *sql.DB
	// view is set on the DB returned by Primary, which shares the pools and
	// must not close them.
	view       bool
	replicaDSN string
	// Now gives the time recorded on revisions and audit entries; time.Now by
	// default. Set it before use, not while the store is in use.
	Now func() time.Time
	// observers are called after each commit (WithCommitObserver,
	// WithChangeObserver).
	observers engine.Observers
	// defaults caches the value defaults of committed change sets.
	defaults *engine.DefaultsCache
	// schemaUpTo stops migrations after that version (tests of migrations).
	schemaUpTo int
	// inspect: opened as it is, read-only, never migrated (Inspect);
	// stored and known are its schema version and the newest this binary
	// has (Schema).
	inspect       bool
	stored, known int
	// dsn and instance identify this instance's notifications (notify.go);
	// stops end its listeners.
	dsn, instance string
	listeners     *listeners
}

// listeners are the running OnExternalChange goroutines, shared with Primary views.
type listeners struct {
	mu    sync.Mutex
	stops []context.CancelFunc
}

var _ planwatch.Store = (*DB)(nil)

// Option configures Open.
type Option func(*DB)

// WithNow sets the clock.
func WithNow(now func() time.Time) Option { return func(db *DB) { db.Now = now } }

// WithCommitObserver registers f to be called after every committed Apply of
// this instance with the new current value of each key whose current value
// changed (a key left without one comes as a Deleted value). Writes by other
// instances are not observed here: OnExternalChange announces them, and
// CurrentSince reads what they changed.
func WithCommitObserver(f func([]planwatch.DataValue)) Option {
	return func(db *DB) { db.observers.Commit = append(db.observers.Commit, f) }
}

// WithChangeObserver registers f to be called after every change of this
// instance that the ChangeFeed numbers (an Apply that changed something, an
// approval, a catalogue change) with its number and, for an Apply, what it
// changed as WithCommitObserver gives it. Other instances' changes arrive
// through OnExternalChange. f must not write to the store.
func WithChangeObserver(f func(planwatch.Change)) Option {
	return func(db *DB) { db.observers.Change = append(db.observers.Change, f) }
}

// Inspect opens the database as it is, to look at it (planwatch check,
// backup, audit head): every transaction read-only
// (default_transaction_read_only), never migrated. A schema newer than this
// binary's is refused as Open refuses it; an older one is opened as it is
// and Schema says so.
func Inspect() Option { return func(db *DB) { db.inspect = true } }

// Schema returns the database's schema version (its highest migration) and
// the newest this binary knows: equal, unless it was opened with Inspect
// and an older planwatch wrote it.
func (db *DB) Schema() (stored, known int) { return db.stored, db.known }

// WithReplica sends replica-safe reads to the streaming replica at dsn. An
// empty dsn means no replica.
func WithReplica(dsn string) Option { return func(db *DB) { db.replicaDSN = dsn } }

// migrationLock is the key of the advisory lock held while migrating, so that
// instances starting together apply each migration once.
const migrationLock = 0x706c616e77617463 // "planwatc"

// Open connects to the database at dsn (a postgres:// URL or key=value
// string), brings its schema up to date and, with WithReplica, connects to
// the replica as well.
func Open(ctx context.Context, dsn string, opts ...Option) (*DB, error) {
	db := &DB{Now: time.Now, dsn: dsn, instance: newInstanceID(), listeners: &listeners{}, defaults: &engine.DefaultsCache{}}
	for _, o := range opts {
		o(db)
	}
	var err error
	if db.w, err = connect(ctx, dsn, db.inspect); err != nil {
		return nil, fmt.Errorf("postgres: primary: %w", err)
	}
	if db.inspect {
		db.r = db.w
		if db.stored, db.known, err = engine.StoredSchema(ctx, db.w, migrations); err != nil {
			db.w.Close()
			return nil, fmt.Errorf("postgres: %w", err)
		}
		return db, nil
	}
	if err := db.migrate(ctx); err != nil {
		db.w.Close()
		return nil, fmt.Errorf("postgres: migrate: %w", err)
	}
	db.r = db.w
	if db.replicaDSN != "" {
		if db.r, err = connect(ctx, db.replicaDSN, false); err != nil {
			db.w.Close()
			return nil, fmt.Errorf("postgres: replica: %w", err)
		}
	}
	return db, nil
}

// connect opens a pool on dsn; with readOnly every transaction on it is
// read-only.
func connect(ctx context.Context, dsn string, readOnly bool) (*sql.DB, error) {
	d, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	if readOnly {
		d.Close()
		cfg, err := pgx.ParseConfig(dsn)
		if err != nil {
			return nil, err
		}
		cfg.RuntimeParams["default_transaction_read_only"] = "on"
		d = stdlib.OpenDB(*cfg)
	}
	// Enough for a busy instance; N instances use N times this, which
	// max_connections (or PgBouncer) must allow.
	d.SetMaxOpenConns(20)
	d.SetMaxIdleConns(10)
	d.SetConnMaxIdleTime(5 * time.Minute)
	if err := d.PingContext(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// Primary returns a view of db that reads from the primary too, for reads
// that must see the caller's own writes at once. Closing it does nothing.
func (db *DB) Primary() *DB {
	p := *db
	p.r, p.view = db.w, true
	return &p
}

// Close closes the connections.
func (db *DB) Close() error {
	if db.view {
		return nil
	}
	db.listeners.mu.Lock()
	for _, stop := range db.listeners.stops {
		stop()
	}
	db.listeners.stops = nil
	db.listeners.mu.Unlock()
	var err error
	if db.r != nil && db.r != db.w {
		err = db.r.Close()
	}
	if db.w != nil {
		err = errors.Join(err, db.w.Close())
	}
	return err
}

func (db *DB) now() time.Time { return db.Now().UTC() }

// migrate applies, in order and each in its own transaction, the embedded
// migrations not yet recorded in schema_migrations. It holds a session
// advisory lock throughout, so that of several instances starting at once one
// migrates and the others wait and then find nothing to do.
func (db *DB) migrate(ctx context.Context) error {
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, int64(migrationLock)); err != nil {
		return err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, int64(migrationLock))
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)`); err != nil {
		return err
	}
	ms, err := engine.Migrations(migrations)
	if err != nil {
		return err
	}
	var stored sql.NullInt64
	if err := conn.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&stored); err != nil {
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
	// The versions applied, read once: a start of an up-to-date database
	// opens no transaction per migration.
	applied, err := engine.Query(ctx, conn, func(s engine.Scanner) (int, error) {
		var v int
		return v, s.Scan(&v)
	}, `SELECT version FROM schema_migrations`)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if db.schemaUpTo > 0 && m.Version > db.schemaUpTo {
			break
		}
		if slices.Contains(applied, m.Version) {
			continue
		}
		if err := db.migrateOne(ctx, conn, m.Version, m.Path); err != nil {
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
	}
	return nil
}

func (db *DB) migrateOne(ctx context.Context, conn *sql.Conn, version int, name string) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = $1`, version).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	body, err := fs.ReadFile(migrations, name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if code := migrationCode[version]; code != nil {
		if err := code(ctx, tx, db.now()); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
		version, filepath.Base(name), db.now()); err != nil {
		return err
	}
	return tx.Commit()
}

// inTx runs fn in a transaction on the primary, retrying it from the start
// when PostgreSQL reports a deadlock or a serialization failure: fn must not
// have effects outside the transaction.
func (db *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	for attempt := 0; ; attempt++ {
		err := db.tryTx(ctx, fn)
		if err == nil || !retryable(err) || attempt == 9 {
			return err
		}
	}
}

func (db *DB) tryTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// retryable reports a deadlock, a serialization failure, or a unique
// violation (two instances giving the same new target version: the retry
// sees the other's and numbers after it).
func retryable(err error) bool {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return false
	}
	switch pe.Code {
	case "40001", "40P01", "23505":
		return true
	}
	return false
}

// Times are kept as timestamptz (microseconds) plus the nanoseconds below.

func splitTime(t time.Time) (time.Time, int) {
	t = t.UTC()
	return t.Truncate(time.Microsecond), t.Nanosecond() % 1000
}

func joinTime(t time.Time, ns int) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Add(time.Duration(ns))
}

// date turns a date into a column value, NULL for none.
func date(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func fromDate(n sql.NullTime) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	t := n.Time
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
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

// period rebuilds a Period from its stored columns.
func period(year, first, last, typ int) planwatch.Period {
	return planwatch.Period{Year: year, First: first, Last: last, Type: planwatch.PeriodType(typ)}
}

// strs makes a nil list an empty array parameter.
func strs(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
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
	return fmt.Errorf("postgres: %s: %w", op, err)
}
