package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"planwatch"
	"planwatch/data"
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
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("tạo thư mục dữ liệu / create data directory: %w", err)
		}
	}
	return sqlite.Open(ctx, path, sqlite.WithNow(env.Now))
}

// seed loads the embedded catalogue and administrative units into a store.
func seed(ctx context.Context, s planwatch.Store, by string) error {
	inds, err := data.Indicators()
	if err != nil {
		return err
	}
	if err := s.SaveIndicators(ctx, inds, by); err != nil {
		return err
	}
	units, trans, err := data.OrgUnits()
	if err != nil {
		return err
	}
	return s.SaveOrgUnits(ctx, units, trans, by)
}

// catalogue returns the store's indicators by code.
func catalogue(ctx context.Context, s planwatch.Store) (map[string]planwatch.Indicator, error) {
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
