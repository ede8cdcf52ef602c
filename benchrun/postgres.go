package benchrun

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// isPostgres says whether a --db names a PostgreSQL server.
func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// benchDatabase is a database made for one run on a PostgreSQL server.
type benchDatabase struct {
	admin *sql.DB // the database named by the URL given, to make and drop the new one
	name  string
	URL   string // the new database's URL
}

// newBenchDatabase makes an empty database on the server of dsn (a
// postgres:// URL of any database on it that the user may connect to and
// create databases from), so that every run imports into a new one as a
// new user would.
func newBenchDatabase(ctx context.Context, dsn string) (*benchDatabase, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, fmt.Errorf("bench: --db %q: %w", dsn, err)
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	d := &benchDatabase{admin: admin, name: fmt.Sprintf("planwatch_bench_%d_%d", os.Getpid(), time.Now().UnixNano())}
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+d.name); err != nil {
		admin.Close()
		return nil, fmt.Errorf("bench: create database on %s: %w", u.Redacted(), err)
	}
	u.Path = "/" + d.name
	d.URL = u.String()
	return d, nil
}

// Size is the database's size on disk (pg_database_size).
func (d *benchDatabase) Size(ctx context.Context) int64 {
	var n int64
	d.admin.QueryRowContext(ctx, `SELECT pg_database_size($1)`, d.name).Scan(&n)
	return n
}

// Drop drops the database (its connections closed first) and closes the
// admin connection.
func (d *benchDatabase) Drop() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := d.admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+d.name+" WITH (FORCE)")
	return errors.Join(err, d.admin.Close())
}

// dirSize is the size of the files in dir (the index cache of a
// PostgreSQL run).
func dirSize(dir string) int64 {
	var n int64
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		n += fileSize(f)
	}
	return n
}
