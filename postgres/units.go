package postgres

import (
	"context"

	"planwatch"
	"planwatch/internal/engine"
)

// UnitHistory returns every version of the units of codes and the
// transitions into them, for engine.Prepare.
func (r reader) UnitHistory(ctx context.Context, codes []string) ([]planwatch.OrgUnit, []planwatch.Transition, error) {
	units, err := engine.Query(ctx, r.tx, scanOrgUnit, `SELECT `+orgUnitColumns+` FROM orgunits WHERE code = ANY($1)`, codes)
	if err != nil {
		return nil, nil, err
	}
	into, err := engine.Query(ctx, r.tx, scanTransition, `SELECT `+transitionColumns+` FROM transitions WHERE new = ANY($1)`, codes)
	return units, into, err
}
