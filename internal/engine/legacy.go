package engine

import (
	"iter"

	"planwatch"
)

// Regroup turns the revisions of the first schema (one row each, numbered
// change sets from migration 005, change set 1 for what came before) into
// the compact form: values yields them with their change set, sorted by
// change set, indicator, unit and then in the order they were written.
// series is called with the revisions of each change set and series, and
// change at the end of each change set with the value defaults chosen for
// it (those of its first revision) and how many revisions it holds.
func Regroup(values iter.Seq2[LegacyRevision, error], series func(cs int64, w *SeriesWrite) error, change func(cs int64, d ChangeDefaults, n int) error) error {
	var w *SeriesWrite
	var cs int64
	var d ChangeDefaults
	n := 0
	flush := func() error {
		if w == nil || len(w.Entries) == 0 {
			return nil
		}
		n += len(w.Entries)
		err := series(cs, w)
		w = nil
		return err
	}
	for r, err := range values {
		if err != nil {
			return err
		}
		v := &r.Value
		if r.Change != cs {
			if err := flush(); err != nil {
				return err
			}
			if cs != 0 {
				if err := change(cs, d, n); err != nil {
					return err
				}
			}
			cs, d, n = r.Change, DefaultsOf(v), 0
		}
		if w == nil || w.Indicator != v.Indicator || w.Unit != v.Unit {
			if err := flush(); err != nil {
				return err
			}
			w = &SeriesWrite{SeriesKey: SeriesKey{Indicator: v.Indicator, Unit: v.Unit}}
		}
		e := EntryOf(v, 0, &d)
		e.Revision = uint32(v.Revision)
		w.Entries = append(w.Entries, e)
	}
	if err := flush(); err != nil {
		return err
	}
	if cs != 0 {
		return change(cs, d, n)
	}
	return nil
}

// LegacyRevision is one row of the first schema's datavalues.
type LegacyRevision struct {
	Change int64
	Value  planwatch.DataValue
}
