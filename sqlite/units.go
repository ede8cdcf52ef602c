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
		in := jsonStrings(missing)
		if err := m.load(ctx, r.tx, ` WHERE code IN (SELECT value FROM json_each(?))`, ` WHERE new IN (SELECT value FROM json_each(?))`, in); err != nil {
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

// load reads into m the unit versions and the transitions that the
// conditions (each followed by args) select. Rows go straight to the memo
// (a national file names eleven thousand units: no list of them all
// regrown on the way).
func (m *unitMemo) load(ctx context.Context, q engine.Queryer, units, transitions string, args ...any) error {
	rows, err := q.QueryContext(ctx, `SELECT `+orgUnitColumns+` FROM orgunits`+units, args...)
	if err != nil {
		return err
	}
	if err := engine.Each(rows, scanOrgUnit, func(u planwatch.OrgUnit) error {
		m.versions[u.Code] = append(m.versions[u.Code], u)
		return nil
	}); err != nil {
		return err
	}
	rows, err = q.QueryContext(ctx, `SELECT old, new, date, full, basis, weight FROM transitions`+transitions, args...)
	if err != nil {
		return err
	}
	return engine.Each(rows, scanTransition, func(t planwatch.Transition) error {
		m.into[t.New] = append(m.into[t.New], t)
		return nil
	})
}
