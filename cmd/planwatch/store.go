package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"planwatch"
	"planwatch/calc"
	"planwatch/data"
	"planwatch/internal/tempfile"
	"planwatch/postgres"
	"planwatch/sqlite"
)

// defaultDB is where the embedded database lives unless --db or
// PLANWATCH_DB says otherwise: a data directory beside the working directory.
const defaultDB = "planwatch-data/planwatch.db"

// dbPath resolves the database location from the flag, the environment and the default.
func dbPath(env *Env, flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	if v := env.Getenv("PLANWATCH_DB"); v != "" {
		return v
	}
	return defaultDB
}

// storeFlags is the flag set of a command that works on a store, with its
// --db flag; errors and usage go to env.Stderr.
func storeFlags(env *Env, name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	return fs, fs.String("db", "", "cơ sở dữ liệu / database")
}

// openStore opens the store named by dsn: a file path (or sqlite://path) for
// the embedded database; postgres:// URLs once the PostgreSQL engine is wired.
func openStore(ctx context.Context, env *Env, dsn string) (planwatch.Store, error) {
	dsn = dbPath(env, dsn)
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return openPostgres(ctx, env, dsn)
	}
	path := strings.TrimPrefix(dsn, "sqlite://")
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("tạo thư mục dữ liệu / create data directory: %w", err)
		}
	}
	return sqlite.Open(ctx, path, sqlite.WithNow(env.Now))
}

// inspectStore opens the store named by dsn as it is, to look at it
// (check, backup, audit head): read-only, not created when missing, not
// migrated (sqlite.Inspect, postgres.Inspect); ops.SchemaBehind says
// whether its schema is older than this binary's.
func inspectStore(ctx context.Context, env *Env, dsn string) (planwatch.Store, error) {
	dsn = dbPath(env, dsn)
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return postgres.Open(ctx, dsn, postgres.WithNow(env.Now), postgres.Inspect())
	}
	return sqlite.Open(ctx, strings.TrimPrefix(dsn, "sqlite://"), sqlite.WithNow(env.Now), sqlite.Inspect())
}

// openForPeriod checks that --unit and --period are given, parses the
// period and opens the store, for the commands that show a unit and period.
func openForPeriod(ctx context.Context, env *Env, dsn, unit, period string) (planwatch.Store, planwatch.Period, error) {
	if unit == "" || period == "" {
		return nil, planwatch.Period{}, fmt.Errorf("cần --unit và --period / --unit and --period are required")
	}
	p, err := planwatch.ParsePeriod(period)
	if err != nil {
		return nil, planwatch.Period{}, err
	}
	s, err := openStore(ctx, env, dsn)
	if err != nil {
		return nil, planwatch.Period{}, err
	}
	return s, p, nil
}

// seed loads the embedded catalogue and administrative units into a store.
// The catalogue is the starting content only: indicators the store already
// has keep their definition as the province manages it (planwatch catalogue).
func seed(ctx context.Context, s planwatch.Store, by string) error {
	embedded, err := data.Indicators()
	if err != nil {
		return err
	}
	have, err := indicatorsByCode(ctx, s)
	if err != nil {
		return err
	}
	var inds []planwatch.Indicator
	for _, ind := range embedded {
		if _, ok := have[ind.Code]; !ok {
			inds = append(inds, ind)
		}
	}
	if err := s.SaveIndicators(ctx, inds, by); err != nil {
		return err
	}
	units, trans, err := data.OrgUnits()
	if err != nil {
		return err
	}
	if err := s.SaveOrgUnits(ctx, units, trans, by); err != nil {
		return err
	}
	return seedRules(ctx, s, by)
}

// indicatorsByCode returns the store's indicators by code.
func indicatorsByCode(ctx context.Context, s planwatch.Store) (map[string]planwatch.Indicator, error) {
	inds, err := s.Indicators(ctx)
	if err != nil {
		return nil, err
	}
	byCode := make(map[string]planwatch.Indicator, len(inds))
	for _, ind := range inds {
		byCode[ind.Code] = ind
	}
	return byCode, nil
}

// user is who the command acts as: --by, else $USER, else "cli".
func user(env *Env, by string) string {
	if by != "" {
		return by
	}
	if u := env.Getenv("USER"); u != "" {
		return u
	}
	return "cli"
}

// withStoreAs opens the store and runs f with it as a T (a store that keeps
// a catalogue, mappings, rules…); a store that is not one is refused with
// lacks.
func withStoreAs[T any](ctx context.Context, env *Env, db, lacks string, f func(planwatch.Store, T) error) error {
	s, err := openStore(ctx, env, db)
	if err != nil {
		return err
	}
	defer s.Close()
	t, ok := s.(T)
	if !ok {
		return errors.New(lacks)
	}
	return f(s, t)
}

// openIndex opens the analytics index of a store from its snapshot (see
// indexPath) plus the changes after it (calc.OpenSnapshot); without a
// snapshot, from the store.
func openIndex(ctx context.Context, env *Env, s planwatch.Store, approvedOnly bool) (*calc.Live, error) {
	return calc.OpenSnapshot(ctx, s, approvedOnly, indexPath(ctx, env, s))
}

// indexPath is where the snapshot of a store's index is kept ("" for none):
// beside a SQLite file; for PostgreSQL, in the index cache directory
// (PLANWATCH_INDEX_CACHE, else planwatch/ in the user's cache directory;
// "off" for none) under the database's identity (postgres.DB.Identity), so
// that two databases never share a snapshot. A snapshot ahead of the
// store's change number is ignored by calc.OpenSnapshot. The files of
// databases unused for 30 days are removed from the directory
// (useIndexCache).
func indexPath(ctx context.Context, env *Env, s planwatch.Store) string {
	if p, ok := s.(interface{ Path() string }); ok && p.Path() != "" {
		return calc.SnapshotPath(p.Path())
	}
	id, ok := s.(interface {
		Identity(context.Context) (string, error)
	})
	if !ok {
		return ""
	}
	dir := env.Getenv("PLANWATCH_INDEX_CACHE")
	if dir == "off" {
		return ""
	}
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(base, "planwatch")
	}
	name, err := id.Identity(ctx)
	if err != nil || os.MkdirAll(dir, 0o700) != nil || !privateDir(dir) {
		return ""
	}
	path := filepath.Join(dir, "postgres-"+name+".index")
	useIndexCache(path, time.Now())
	return path
}

// privateDir reports whether only this process's user can put files in
// dir: another user able to replace a snapshot there could choose the
// figures shown. A directory that is not is not used (no snapshot).
func privateDir(dir string) bool {
	fi, err := os.Lstat(dir)
	if err != nil || !fi.IsDir() || fi.Mode().Perm()&0o022 != 0 {
		return false
	}
	return tempfile.OwnedByMe(fi)
}
