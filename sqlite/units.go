package sqlite

import (
	"context"

	"planwatch"
	"planwatch/internal/engine"
)

// UnitHistory returns every version of the units of codes and the
// transitions into them, for engine.Prepare. What one Apply has read is
// remembered for it (r.units): its code check and its lock check both ask
// for the units of the change set.
func (r reader) UnitHistory(ctx context.Context, codes []string) ([]planwatch.OrgUnit, []planwatch.Transition, error) {
	m := r.units
	if m == nil {
		m = &unitMemo{} // kept for this call only
	}
	if m.read == nil {
		m.read, m.versions, m.into = map[string]bool{}, map[string][]planwatch.OrgUnit{}, map[string][]planwatch.Transition{}
	}
	var missing []string
	for _, c := range codes {
		if !m.read[c] {
			m.read[c] = true
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		// Rows go straight to the memo (a national file names twenty
		// thousand units: no list of them all regrown on the way).
		rows, err := r.tx.QueryContext(ctx, `SELECT `+orgUnitColumns+` FROM orgunits WHERE code IN (SELECT value FROM json_each(?))`, jsonStrings(missing))
		if err != nil {
			return nil, nil, err
		}
		if err := engine.Each(rows, scanOrgUnit, func(u planwatch.OrgUnit) error {
			m.versions[u.Code] = append(m.versions[u.Code], u)
			return nil
		}); err != nil {
			return nil, nil, err
		}
		rows, err = r.tx.QueryContext(ctx, `SELECT old, new, date, full, basis, weight FROM transitions WHERE new IN (SELECT value FROM json_each(?))`, jsonStrings(missing))
		if err != nil {
			return nil, nil, err
		}
		if err := engine.Each(rows, scanTransition, func(t planwatch.Transition) error {
			m.into[t.New] = append(m.into[t.New], t)
			return nil
		}); err != nil {
			return nil, nil, err
		}
	}
	seen := make(map[string]bool, len(codes))
	nu, ni := 0, 0
	for _, c := range codes {
		if !seen[c] {
			seen[c] = true
			nu, ni = nu+len(m.versions[c]), ni+len(m.into[c])
		}
	}
	units := make([]planwatch.OrgUnit, 0, nu)
	into := make([]planwatch.Transition, 0, ni)
	clear(seen)
	for _, c := range codes {
		if !seen[c] {
			seen[c] = true
			units = append(units, m.versions[c]...)
			into = append(into, m.into[c]...)
		}
	}
	return units, into, nil
}

// unitMemo is what an Apply has read of units (reader.UnitHistory).
type unitMemo struct {
	read     map[string]bool
	versions map[string][]planwatch.OrgUnit
	into     map[string][]planwatch.Transition
}
