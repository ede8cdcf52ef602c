package engine

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
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
