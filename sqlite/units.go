package sqlite

import (
	"context"

	"planwatch"
	"planwatch/internal/engine"
)

// UnitHistory returns every version of the units of codes and the
// transitions into them, for engine.Prepare.
func (r reader) UnitHistory(ctx context.Context, codes []string) ([]planwatch.OrgUnit, []planwatch.Transition, error) {
	units, err := engine.Query(ctx, r.tx, scanOrgUnit,
		`SELECT `+orgUnitColumns+` FROM orgunits WHERE code IN (SELECT value FROM json_each(?))`, jsonStrings(codes))
	if err != nil {
		return nil, nil, err
	}
	into, err := engine.Query(ctx, r.tx, scanTransition,
		`SELECT old, new, date, full, basis, weight FROM transitions WHERE new IN (SELECT value FROM json_each(?))`, jsonStrings(codes))
	return units, into, err
}
