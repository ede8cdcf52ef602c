package engine

import (
	"context"
	"iter"
	"slices"

	"planwatch"
)

// LifetimeReader is a Reader that may know the lifetimes of units already:
// a store that read every unit ahead of the change set's transaction, and
// found in it that no unit changed since.
type LifetimeReader interface {
	// Lifetimes returns the lifetime of each of codes that exists
	// (planwatch.LifetimeOf of its versions and the transitions into it),
	// and false when it does not know them.
	Lifetimes(codes map[string]bool) (map[string]planwatch.Lifetime, bool)
}

// lifetimes reads the units of codes and returns the lifetime of each that
// exists (planwatch.LifetimeOf).
func lifetimes(ctx context.Context, codes map[string]bool, r Reader) (map[string]planwatch.Lifetime, error) {
	delete(codes, "")
	out := map[string]planwatch.Lifetime{}
	if len(codes) == 0 {
		return out, nil
	}
	if lr, ok := r.(LifetimeReader); ok {
		if known, ok := lr.Lifetimes(codes); ok {
			return known, nil
		}
	}
	list := make([]string, 0, len(codes))
	for c := range codes {
		list = append(list, c)
	}
	slices.Sort(list)
	versions, transitions, err := r.UnitHistory(ctx, list)
	if err != nil {
		return nil, err
	}
	byCode := map[string][]planwatch.OrgUnit{}
	for _, v := range versions {
		byCode[v.Code] = append(byCode[v.Code], v)
	}
	into := map[string][]planwatch.Transition{}
	for _, t := range transitions {
		into[t.New] = append(into[t.New], t)
	}
	for code, vs := range byCode {
		out[code] = planwatch.LifetimeOf(vs, into[code])
	}
	return out, nil
}

// checkLives reports every value for a period outside its unit's life.
func (b *Batch) checkLives(lives map[string]planwatch.Lifetime) []planwatch.Problem {
	b.wait()
	var ps []planwatch.Problem
	for _, sb := range b.Series {
		l, ok := lives[sb.Unit]
		if !ok || l == (planwatch.Lifetime{}) {
			continue
		}
		for i := range sb.Entries {
			e := &sb.Entries[i]
			if why := l.Problem(sb.Unit, PeriodOf(e.Code)); why != "" {
				ps = planwatch.AddProblem(ps, planwatch.Problem{Row: entryRow(e), Column: "orgunit", Value: sb.Unit, Reason: why})
			}
		}
	}
	return ps
}

// lockedKeys are what an approval may lock: the values, and the targets as
// keys of their year, so that approving a unit's whole year freezes its plan
// for that year too (an approved quarter does not: the plan may still be
// adjusted mid-year, as a new version). A target's position is its row - 1.
func (a *applier) lockedKeys() iter.Seq2[int, planwatch.Key] {
	return func(yield func(int, planwatch.Key) bool) {
		if a.batch != nil {
			for i, k := range a.batch.Keys() {
				if !yield(i, k) {
					return
				}
			}
		}
		for i, t := range a.targets {
			if !yield(rowOf(i, t.Source)-1, planwatch.Key{Indicator: t.Indicator, Unit: t.Unit, Period: planwatch.YearOf(t.Year)}) {
				return
			}
		}
	}
}
