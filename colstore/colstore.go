// Package colstore keeps planwatch's monthly values durable for the in-memory
// cube (package cube), so that a national data set — 60 million commune ×
// indicator × month values — imports at millions of values per second and
// comes back after a restart in seconds.
//
// Where things are. Everything is registered in the embedded SQLite database
// at the path given to Open (tables prefixed colstore_, created here, beside
// whatever the sqlite package keeps there):
//
//   - colstore_indicator, colstore_orgunit: the catalogue as planwatch domain
//     values (JSON), with the dense int32 id the cube and the segments use.
//     Ids are never reassigned, so segments stay valid when the catalogue grows.
//   - colstore_target: annual targets (planwatch.Target) by id, kind, version.
//   - colstore_log: the ordered history of value writes. A row is either a
//     bulk segment (the name of a file in the directory path+".seg", its value
//     count, month range and CRC-32C), or one single-value write (a
//     planwatch.DataValue typed into a form, say). The sequence number orders
//     both kinds, so a value typed after an import wins, and one imported later
//     wins over it.
//
// Segment files hold runs of values in the order monthly batches arrive:
// blocks of (month, indicator id, first unit id, n) followed by n float64
// values of consecutive unit ids. That is the cube's own memory layout, so a
// segment loads with one copy per block and no parsing.
//
// Guarantees (those of the foundation store):
//   - Durable when the call returns: a segment file is written, fsynced, its
//     directory fsynced, and only then registered in SQLite in a committed
//     transaction (WAL, synchronous=FULL). A crash before the commit leaves an
//     unregistered file that is ignored and removed at the next Open; a crash
//     after it loses nothing. A single write is one committed SQLite
//     transaction.
//   - Visible to the next query: the cube is updated under its write lock
//     before the call returns.
//   - Start-up rebuilds what it needs: Open reads the catalogue, targets and
//     the log in order, copies the segments into a fresh cube, replays single
//     writes and recomputes the partials. Nothing derived is stored, so there
//     is nothing to get stale; at national scale this is a sequential read of
//     ~480 MB and one pass over the values (well under the 5 s goal, with
//     ~0.6 GB resident: 8 bytes a value plus small partials).
//
// Several processes on one database file are not kept coherent (each has its
// own cube); that needs a change feed from the shared store.
//
// Values written through planwatch.Store.Apply (package sqlite, with
// revisions and audit) reach the cube through the store's commit observer:
// open the store with sqlite.WithCommitObserver(db.Observe), and after Open
// call db.Replay(ctx, store) so that they survive a restart (see observe.go).
// Several instances on PostgreSQL are not kept coherent yet: that needs the
// same observer fed from a change feed (LISTEN/NOTIFY), see doc/scale.md.
package colstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"planwatch"
	"planwatch/cube"

	_ "modernc.org/sqlite" // pure-Go SQLite: the embedded default, no cgo
)

// DB is the durable store behind one cube.
type DB struct {
	sql  *sql.DB
	dir  string // segment directory
	mu   sync.Mutex
	cube atomic.Pointer[cube.Cube]
	// Now stamps single writes; tests may replace it.
	Now func() time.Time
}

const schema = `
CREATE TABLE IF NOT EXISTS colstore_indicator(id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS colstore_orgunit(id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS colstore_target(
	indicator_id INTEGER NOT NULL, orgunit_id INTEGER NOT NULL, year INTEGER NOT NULL,
	kind TEXT NOT NULL, version INTEGER NOT NULL, value REAL NOT NULL, by TEXT NOT NULL, at TEXT NOT NULL,
	PRIMARY KEY(indicator_id, orgunit_id, year, kind, version)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS colstore_log(
	seq INTEGER PRIMARY KEY,
	segment TEXT, nvalues INTEGER, min_month INTEGER, max_month INTEGER, crc INTEGER,
	indicator_id INTEGER, orgunit_id INTEGER, month INTEGER, value REAL,
	by TEXT NOT NULL, at TEXT NOT NULL);
`

// Open opens (creating if needed) the database at path and rebuilds the cube
// from it.
func Open(ctx context.Context, path string) (*DB, error) {
	// WAL with synchronous=FULL: a commit is on disk when Commit returns.
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)"
	s, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db := &DB{sql: s, dir: path + ".seg", Now: time.Now}
	if _, err := s.ExecContext(ctx, schema); err != nil {
		s.Close()
		return nil, fmt.Errorf("colstore: migrate %s: %w", path, err)
	}
	if err := os.MkdirAll(db.dir, 0o755); err != nil {
		s.Close()
		return nil, err
	}
	if err := db.reload(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the database and lets go of the cube, whose memory is freed
// once no query holds it.
func (db *DB) Close() error {
	db.cube.Store(nil)
	return db.sql.Close()
}

// Cube returns the current cube. Keep no reference across writes that change
// the catalogue or extend the months: those replace it.
func (db *DB) Cube() *cube.Cube { return db.cube.Load() }

// SaveCatalog inserts or replaces indicators and units by code (latest
// version of each unit code). Every indicator must pass Validate. The cube is
// rebuilt when the catalogue grows.
func (db *DB) SaveCatalog(ctx context.Context, units []planwatch.OrgUnit, inds []planwatch.Indicator) error {
	for i := range inds {
		if err := inds[i].Validate(); err != nil {
			return err
		}
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	grew := false
	upsert := func(table, code string, body any) error {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "UPDATE "+table+" SET body=? WHERE code=?", string(b), code)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return nil
		}
		grew = true
		_, err = tx.ExecContext(ctx, "INSERT INTO "+table+"(id, code, body) VALUES((SELECT COALESCE(MAX(id)+1, 0) FROM "+table+"), ?, ?)", code, string(b))
		return err
	}
	for _, ind := range inds {
		if err := upsert("colstore_indicator", ind.Code, ind); err != nil {
			return err
		}
	}
	for _, u := range units {
		if err := upsert("colstore_orgunit", u.Code, u); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	_ = grew // aggregation rules or parents may have changed too: always rebuild
	return db.reloadLocked(ctx)
}

// SaveTargets stores annual targets (each a new version when Version is 0)
// and gives the plan targets (kind KH or empty) to the cube.
func (db *DB) SaveTargets(ctx context.Context, ts []planwatch.Target, by string) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	c := db.cube.Load()
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	st, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO colstore_target VALUES(?,?,?,?,?,?,?,?)`)
	if err != nil {
		return err
	}
	at := db.Now().UTC().Format(time.RFC3339Nano)
	var plan []planwatch.Target
	for _, t := range ts {
		i, ok1 := c.IndicatorID(t.Indicator)
		u, ok2 := c.UnitID(t.Unit)
		if !ok1 || !ok2 {
			return planwatch.Errorf(planwatch.EINVALID, "target %s/%s/%d: unknown indicator or unit", t.Indicator, t.Unit, t.Year)
		}
		v := t.Version
		if v == 0 {
			v = 1
		}
		if _, err := st.ExecContext(ctx, i, u, t.Year, string(t.Kind), v, t.Value, by, at); err != nil {
			return err
		}
		if t.Kind == planwatch.TargetPlan || t.Kind == "" {
			plan = append(plan, t)
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	c.SetTargets(plan)
	return nil
}

// Put stores one value durably (one committed transaction) and then shows it
// to the cube. Only monthly, period-basis values are kept here; a Deleted
// value withdraws the key.
func (db *DB) Put(ctx context.Context, v planwatch.DataValue) error {
	if err := v.Validate(); err != nil {
		return err
	}
	if v.Period.First != v.Period.Last || v.Basis != planwatch.BasisPeriod || (v.Value == nil && !v.Deleted) {
		return planwatch.Errorf(planwatch.EINVALID, "%s: the cube holds monthly period values", v.Key)
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	c := db.cube.Load()
	i, ok1 := c.IndicatorID(v.Indicator)
	u, ok2 := c.UnitID(v.Unit)
	if !ok1 || !ok2 {
		return planwatch.Errorf(planwatch.EINVALID, "%s: unknown indicator or unit", v.Key)
	}
	month := v.Period.Year*100 + v.Period.First
	var val any
	x := cube.Null
	if !v.Deleted {
		val, x = *v.Value, *v.Value
	}
	at := v.At
	if at.IsZero() {
		at = db.Now()
	}
	if _, err := db.sql.ExecContext(ctx, `INSERT INTO colstore_log(indicator_id, orgunit_id, month, value, by, at) VALUES(?,?,?,?,?,?)`,
		i, u, month, val, v.By, at.UTC().Format(time.RFC3339Nano)); err != nil {
		return fmt.Errorf("colstore: put %s: %w", v.Key, err)
	}
	if from, to := c.MonthRange(); from == 0 || month < from || month > to {
		g, err := c.Grow(month, month)
		if err != nil {
			return err
		}
		c = g
		db.cube.Store(c)
	}
	return c.Set(i, u, month, x)
}

// reload rebuilds the cube from the database and segments.
func (db *DB) reload(ctx context.Context) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.reloadLocked(ctx)
}

type logEntry struct {
	seq                int64
	segment            sql.NullString
	nvalues            int64
	minMonth, maxMonth int
	crc                uint32
	ind, unit, month   int
	value              sql.NullFloat64
}

func (db *DB) reloadLocked(ctx context.Context) error {
	var cat cube.Catalog
	if err := loadJSON(ctx, db.sql, "colstore_indicator", func(b []byte) error {
		var ind planwatch.Indicator
		err := json.Unmarshal(b, &ind)
		cat.Indicators = append(cat.Indicators, ind)
		return err
	}); err != nil {
		return err
	}
	if err := loadJSON(ctx, db.sql, "colstore_orgunit", func(b []byte) error {
		var u planwatch.OrgUnit
		err := json.Unmarshal(b, &u)
		cat.Units = append(cat.Units, u)
		return err
	}); err != nil {
		return err
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT seq, segment, COALESCE(nvalues,0), COALESCE(min_month,0), COALESCE(max_month,0), COALESCE(crc,0),
		COALESCE(indicator_id,0), COALESCE(orgunit_id,0), COALESCE(month,0), value FROM colstore_log ORDER BY seq`)
	if err != nil {
		return err
	}
	var log []logEntry
	from, to := 0, 0
	widen := func(a, b int) {
		if from == 0 || a < from {
			from = a
		}
		if b > to {
			to = b
		}
	}
	known := map[string]bool{}
	for rows.Next() {
		var e logEntry
		var crc int64
		if err := rows.Scan(&e.seq, &e.segment, &e.nvalues, &e.minMonth, &e.maxMonth, &crc, &e.ind, &e.unit, &e.month, &e.value); err != nil {
			rows.Close()
			return err
		}
		e.crc = uint32(crc)
		if e.segment.Valid {
			known[e.segment.String] = true
			if e.nvalues > 0 {
				widen(e.minMonth, e.maxMonth)
			}
		} else {
			widen(e.month, e.month)
		}
		log = append(log, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	c, err := cube.New(cat, from, to)
	if err != nil {
		return err
	}
	c.Lock()
	for _, e := range log {
		if e.segment.Valid {
			if err := readSegment(filepath.Join(db.dir, e.segment.String), e.crc, c); err != nil {
				c.Unlock()
				return err
			}
			continue
		}
		row, err := c.Row(e.month, int32(e.ind))
		if err != nil || e.unit >= len(row) {
			c.Unlock()
			return fmt.Errorf("colstore: log entry %d out of the catalogue", e.seq)
		}
		row[e.unit] = cube.Null
		if e.value.Valid {
			row[e.unit] = e.value.Float64
		}
	}
	c.Refresh()
	c.Unlock()
	ts, err := db.planTargets(ctx, cat)
	if err != nil {
		return err
	}
	c.SetTargets(ts)
	db.cube.Store(c)
	// Remove segments of imports that crashed before their commit.
	if ents, err := os.ReadDir(db.dir); err == nil {
		for _, e := range ents {
			if strings.HasSuffix(e.Name(), segExt) && !known[e.Name()] {
				os.Remove(filepath.Join(db.dir, e.Name()))
			}
		}
	}
	return nil
}

func (db *DB) planTargets(ctx context.Context, cat cube.Catalog) ([]planwatch.Target, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT indicator_id, orgunit_id, year, value FROM colstore_target WHERE kind IN ('KH','') ORDER BY version`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ts []planwatch.Target
	for rows.Next() {
		var i, u, y int
		var v float64
		if err := rows.Scan(&i, &u, &y, &v); err != nil {
			return nil, err
		}
		if i < len(cat.Indicators) && u < len(cat.Units) {
			ts = append(ts, planwatch.Target{Indicator: cat.Indicators[i].Code, Unit: cat.Units[u].Code, Year: y, Kind: planwatch.TargetPlan, Value: v})
		}
	}
	return ts, rows.Err()
}

func loadJSON(ctx context.Context, s *sql.DB, table string, f func([]byte) error) error {
	rows, err := s.QueryContext(ctx, "SELECT id, body FROM "+table+" ORDER BY id")
	if err != nil {
		return err
	}
	defer rows.Close()
	want := 0
	for rows.Next() {
		var id int
		var b []byte
		if err := rows.Scan(&id, &b); err != nil {
			return err
		}
		if id != want {
			return fmt.Errorf("colstore: %s ids are not dense at %d", table, id)
		}
		want++
		if err := f(b); err != nil {
			return err
		}
	}
	return rows.Err()
}
