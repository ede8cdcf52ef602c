package engine

import "planwatch"

// Observers are the functions a store calls after a commit: commit
// observers with the values an Apply changed, change observers with every
// numbered change (planwatch.ChangeFeed).
type Observers struct {
	Commit []func([]planwatch.DataValue)
	Change []func(planwatch.Change)
}

// Any reports whether anyone listens, so that a store can skip working out
// what changed.
func (o *Observers) Any() bool { return len(o.Commit)+len(o.Change) > 0 }

// Notify tells every observer about a committed change.
func (o *Observers) Notify(c planwatch.Change) {
	for _, f := range o.Change {
		f(c)
	}
	if c.Kind == planwatch.ChangeData {
		for _, f := range o.Commit {
			f(c.Values)
		}
	}
}
