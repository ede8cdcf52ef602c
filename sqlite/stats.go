package sqlite

import (
	"context"

	"planwatch/internal/engine"
)

// ChangeTotals counts the committed change sets by kind and source kind of
// their values (file, form, api …), with the values each group wrote
// (imported, updated and deleted), for monitoring (/metrics). One small
// grouped read of change_sets.
func (db *DB) ChangeTotals(ctx context.Context) ([]engine.ChangeTotal, error) {
	out, err := engine.Query(ctx, db.r, engine.ScanChangeTotal, engine.ChangeTotalsQuery)
	return out, internal("ChangeTotals", err)
}
