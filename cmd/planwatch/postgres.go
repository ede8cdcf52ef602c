package main

import (
	"context"
	"fmt"

	"planwatch"
)

// openPostgres opens a PostgreSQL store. Replaced when the postgres engine lands.
func openPostgres(ctx context.Context, env *Env, dsn string) (planwatch.Store, error) {
	return nil, fmt.Errorf("PostgreSQL chưa được hỗ trợ trong bản này / PostgreSQL is not available in this build")
}
