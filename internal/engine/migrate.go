package engine

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"planwatch"
)

// Migration is one schema migration file, such as migrations/001_init.sql.
type Migration struct {
	Version int    // the number its name starts with
	Name    string // its base name, as recorded in schema_migrations
	Path    string // its path in the file system it came from
}

// Migrations lists the migrations/*.sql files of fsys in the order they
// apply (by name). An error names a file whose name does not start with a
// number, or two files with the same number (a store records versions, so
// one of them would never run: helpers adding tables in parallel must not
// both take the next number).
func Migrations(fsys fs.FS) ([]Migration, error) {
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := make([]Migration, 0, len(names))
	byVersion := map[int]string{}
	for _, name := range names {
		base := path.Base(name)
		num, _, _ := strings.Cut(base, "_")
		version, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number", base)
		}
		if prev, dup := byVersion[version]; dup {
			return nil, fmt.Errorf("migrations %s and %s have the same number", prev, base)
		}
		byVersion[version] = base
		out = append(out, Migration{Version: version, Name: base, Path: name})
	}
	return out, nil
}

// Newest is the highest version of ms.
func Newest(ms []Migration) int {
	known := 0
	for _, m := range ms {
		known = max(known, m.Version)
	}
	return known
}

// StoredSchema reads the schema version of a database without changing it
// (0 when it has no schema_migrations table yet) and the newest of the
// migrations in fsys, refusing a database newer than them (CheckNotNewer).
// It is how the stores open a database only to look at it.
func StoredSchema(ctx context.Context, q *sql.DB, fsys fs.FS) (stored, known int, err error) {
	ms, err := Migrations(fsys)
	if err != nil {
		return 0, 0, err
	}
	var v sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, 0, fmt.Errorf("không phải CSDL planwatch / not a planwatch database: %w", err)
	}
	return int(v.Int64), Newest(ms), CheckNotNewer(int(v.Int64), ms)
}

// CheckNotNewer refuses a database whose schema (the highest migration
// recorded in it, stored) is newer than the newest of ms: it was written by
// a newer planwatch, and this one would misread what it does not know.
func CheckNotNewer(stored int, ms []Migration) error {
	known := Newest(ms)
	if stored > known {
		return planwatch.Errorf(planwatch.EINVALID, "cơ sở dữ liệu có lược đồ phiên bản %d, mới hơn bản planwatch này biết (%d): hãy dùng bản planwatch mới hơn / "+
			"the database's schema version %d is newer than this planwatch knows (%d): it was written by a newer planwatch; run that version (or newer)", stored, known, stored, known)
	}
	return nil
}
