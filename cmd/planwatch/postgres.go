package main

import (
	"context"

	"planwatch"
	"planwatch/postgres"
)

// openPostgres opens a PostgreSQL store. PLANWATCH_DB_READ, when set, is the
// URL of a streaming replica that takes the dashboard and analytics reads
// (doc/scale.md).
func openPostgres(ctx context.Context, env *Env, dsn string) (planwatch.Store, error) {
	return postgres.Open(ctx, dsn, postgres.WithNow(env.Now), postgres.WithReplica(env.Getenv("PLANWATCH_DB_READ")))
}
