package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	_ "github.com/duckdb/duckdb-go/v2" // DuckDB (cgo, static library from the bindings module)
	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	_ "modernc.org/sqlite"             // pure-Go SQLite
)

func catalogSQL(d *dataset, intType string) []string {
	var ou, in []string
	for i, u := range d.units {
		p := "NULL"
		if id := d.parentID(i); id != nil {
			p = fmt.Sprint(id)
		}
		ou = append(ou, fmt.Sprintf("(%d,'%s',%s,%s)", i+1, u[0], p, u[2]))
	}
	for i, x := range d.inds {
		in = append(in, fmt.Sprintf("(%d,'%s','%s')", i+1, x[0], x[1]))
	}
	return []string{
		"INSERT INTO orgunit VALUES " + strings.Join(ou, ","),
		"INSERT INTO indicator VALUES " + strings.Join(in, ","),
	}
}

func targetRows(d *dataset) [][]any {
	out := make([][]any, 0, len(d.targets))
	for _, t := range d.targets {
		var y int
		var v float64
		fmt.Sscan(t[2], &y)
		fmt.Sscan(t[3], &v)
		out = append(out, []any{d.indID[t[0]], d.unitID[t[1]], y, v})
	}
	return out
}

// ---- DuckDB: a plain table loaded with read_csv.

type duck struct {
	path string
	db   *sql.DB
}

func (e *duck) name() string { return "duckdb" }
func (e *duck) close() {
	if e.db != nil {
		e.db.Close()
	}
}

func (e *duck) load(ctx context.Context, d *dataset) (*sql.DB, error) {
	db, err := sql.Open("duckdb", e.path)
	if err != nil {
		return nil, err
	}
	e.db = db
	stmts := []string{
		"CREATE TABLE orgunit(id INTEGER PRIMARY KEY, code VARCHAR UNIQUE, parent_id INTEGER, level INTEGER)",
		"CREATE TABLE indicator(id INTEGER PRIMARY KEY, code VARCHAR UNIQUE, agg VARCHAR)",
	}
	stmts = append(stmts, catalogSQL(d, "INTEGER")...)
	stmts = append(stmts,
		fmt.Sprintf(`CREATE TABLE target AS SELECT i.id AS indicator_id, o.id AS orgunit_id, t.year AS year, t.target AS target
		 FROM read_csv('%s', header=true, columns={'indicator':'VARCHAR','orgunit':'VARCHAR','year':'INTEGER','target':'DOUBLE'}) t
		 JOIN indicator i ON i.code = t.indicator JOIN orgunit o ON o.code = t.orgunit`, filepath.Join(d.dir, "targets.csv")),
		fmt.Sprintf(`CREATE TABLE datavalue AS SELECT i.id AS indicator_id, o.id AS orgunit_id, v.period AS period, v.value AS value
		 FROM read_csv('%s', header=true, columns={'indicator':'VARCHAR','orgunit':'VARCHAR','period':'INTEGER','value':'DOUBLE'}) v
		 JOIN indicator i ON i.code = v.indicator JOIN orgunit o ON o.code = v.orgunit`, filepath.Join(d.dir, "data.csv")),
		"CHECKPOINT",
	)
	for _, s := range stmts {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return nil, fmt.Errorf("%.60s: %w", s, err)
		}
	}
	return db, nil
}

// ---- SQLite: WITHOUT ROWID, clustered on the key.

type lite struct {
	path string
	db   *sql.DB
}

func (e *lite) name() string { return "sqlite" }
func (e *lite) close() {
	if e.db != nil {
		e.db.Close()
	}
}

func (e *lite) load(ctx context.Context, d *dataset) (*sql.DB, error) {
	db, err := sql.Open("sqlite", "file:"+e.path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-1000000)&_pragma=temp_store(MEMORY)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	e.db = db
	stmts := []string{
		"CREATE TABLE orgunit(id INTEGER PRIMARY KEY, code TEXT UNIQUE, parent_id INTEGER, level INTEGER)",
		"CREATE TABLE indicator(id INTEGER PRIMARY KEY, code TEXT UNIQUE, agg TEXT)",
		"CREATE TABLE target(indicator_id INTEGER, orgunit_id INTEGER, year INTEGER, target REAL, PRIMARY KEY(indicator_id, orgunit_id, year)) WITHOUT ROWID",
		"CREATE TABLE datavalue(indicator_id INTEGER, orgunit_id INTEGER, period INTEGER, value REAL, PRIMARY KEY(indicator_id, orgunit_id, period)) WITHOUT ROWID",
	}
	stmts = append(stmts, catalogSQL(d, "INTEGER")...)
	for _, s := range stmts {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return nil, err
		}
	}
	if err := liteBatch(ctx, db, "INSERT INTO target VALUES(?,?,?,?)", func(f func(...any) error) error {
		for _, r := range targetRows(d) {
			if err := f(r...); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := liteBatch(ctx, db, "INSERT INTO datavalue VALUES(?,?,?,?)", func(f func(...any) error) error {
		return d.eachValue(func(i, o, p int, v float64) error { return f(i, o, p, v) })
	}); err != nil {
		return nil, err
	}
	if _, err := db.ExecContext(ctx, "ANALYZE"); err != nil {
		return nil, err
	}
	return db, nil
}

// liteBatch inserts in transactions of 500,000 rows.
func liteBatch(ctx context.Context, db *sql.DB, q string, each func(func(...any) error) error) error {
	var tx *sql.Tx
	var st *sql.Stmt
	n := 0
	begin := func() error {
		var err error
		if tx, err = db.BeginTx(ctx, nil); err != nil {
			return err
		}
		st, err = tx.PrepareContext(ctx, q)
		return err
	}
	if err := begin(); err != nil {
		return err
	}
	err := each(func(args ...any) error {
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return err
		}
		if n++; n%500000 == 0 {
			st.Close()
			if err := tx.Commit(); err != nil {
				return err
			}
			return begin()
		}
		return nil
	})
	if err != nil {
		tx.Rollback()
		return err
	}
	st.Close()
	return tx.Commit()
}

// ---- PostgreSQL 15: COPY, then primary key + BRIN on period; tuned memory.

type pg struct {
	dsn   string
	start bool
	dir   string
	data  string // server data directory when started here
	db    *sql.DB
}

func (e *pg) name() string { return "postgres" }

const pgBin = "/usr/lib/postgresql/15/bin"

func runAsPostgres(args ...string) error {
	cmd := exec.Command("runuser", append([]string{"-u", "postgres", "--"}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return nil
}

func (e *pg) startServer() error {
	base, err := os.MkdirTemp("", "benchref-pg-")
	if err != nil {
		return err
	}
	os.Chmod(base, 0o777)
	e.data = filepath.Join(base, "data")
	sock := filepath.Join(base, "sock")
	os.Mkdir(sock, 0o777)
	os.Chmod(sock, 0o777) // the server runs as postgres
	if err := runAsPostgres(pgBin+"/initdb", "-D", e.data, "-A", "trust", "-U", "postgres", "--no-sync"); err != nil {
		return err
	}
	opts := fmt.Sprintf("-k %s -p 54329 -c listen_addresses='' -c shared_buffers=4GB -c work_mem=256MB -c maintenance_work_mem=2GB "+
		"-c effective_cache_size=16GB -c max_wal_size=16GB -c max_parallel_workers_per_gather=2 -c random_page_cost=1.1", sock)
	if err := runAsPostgres(pgBin+"/pg_ctl", "-D", e.data, "-o", opts, "-l", filepath.Join(base, "log"), "-w", "start"); err != nil {
		return err
	}
	e.dsn = fmt.Sprintf("host=%s port=54329 user=postgres dbname=postgres", sock)
	return nil
}

func (e *pg) close() {
	if e.db != nil {
		e.db.Close()
	}
	if e.data != "" {
		runAsPostgres(pgBin+"/pg_ctl", "-D", e.data, "-m", "fast", "-w", "stop")
		os.RemoveAll(filepath.Dir(e.data))
	}
}

func (e *pg) prepare() error {
	if e.start {
		return e.startServer()
	}
	return nil
}

func (e *pg) load(ctx context.Context, d *dataset) (*sql.DB, error) {
	db, err := sql.Open("pgx", e.dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	e.db = db
	stmts := []string{
		"DROP TABLE IF EXISTS datavalue, target, indicator, orgunit",
		"CREATE TABLE orgunit(id int PRIMARY KEY, code text UNIQUE, parent_id int, level int)",
		"CREATE TABLE indicator(id int PRIMARY KEY, code text UNIQUE, agg text)",
		"CREATE TABLE target(indicator_id int, orgunit_id int, year int, target double precision, PRIMARY KEY(indicator_id, orgunit_id, year))",
		"CREATE TABLE datavalue(indicator_id int NOT NULL, orgunit_id int NOT NULL, period int NOT NULL, value double precision NOT NULL)",
	}
	stmts = append(stmts, catalogSQL(d, "int")...)
	for _, s := range stmts {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return nil, err
		}
	}
	conn, err := pgx.Connect(ctx, e.dsn)
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"target"}, []string{"indicator_id", "orgunit_id", "year", "target"}, pgx.CopyFromRows(targetRows(d))); err != nil {
		return nil, err
	}
	// Stream data.csv into COPY from a goroutine.
	ch := make(chan []any, 65536)
	errc := make(chan error, 1)
	go func() {
		errc <- d.eachValue(func(i, o, p int, v float64) error { ch <- []any{int32(i), int32(o), int32(p), v}; return nil })
		close(ch)
	}()
	var row []any
	src := pgx.CopyFromFunc(func() ([]any, error) {
		var ok bool
		if row, ok = <-ch; !ok {
			return nil, nil
		}
		return row, nil
	})
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"datavalue"}, []string{"indicator_id", "orgunit_id", "period", "value"}, src); err != nil {
		for range ch {
		}
		return nil, err
	}
	if err := <-errc; err != nil {
		return nil, err
	}
	for _, s := range []string{
		"ALTER TABLE datavalue ADD PRIMARY KEY (indicator_id, orgunit_id, period)",
		"CREATE INDEX datavalue_period ON datavalue USING brin(period)",
		"VACUUM ANALYZE",
		"CHECKPOINT",
	} {
		if _, err := conn.Exec(ctx, s); err != nil {
			return nil, fmt.Errorf("%s: %w", s, err)
		}
	}
	return db, nil
}
