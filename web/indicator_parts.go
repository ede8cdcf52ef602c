package web

import (
	"planwatch"
	"planwatch/calc"
)

// partRow is one option of an indicator's breakdown on the indicator page:
// the sub-indicator CODE~option and where it stands for the unit and period.
type partRow struct {
	Ind planwatch.Indicator
	Row calc.Row
}

// indicatorParts lists the figures of an indicator's breakdown options
// (issue 13: values entered per option are shown beside the total).
func indicatorParts(snap *snapshot, code string, sel selection) []partRow {
	var out []partRow
	for _, ind := range snap.inds {
		parent, ok := planwatch.PartOf(&ind) // not the retired options of a former breakdown
		if !ok || parent != code {
			continue
		}
		key := "row|" + ind.Code + "|" + sel.Unit + "|" + sel.Period.ID()
		row := snap.memo(key, func() any { return snap.ds.Row(ind.Code, sel.Unit, sel.Period, calc.DefaultOptions()) }).(calc.Row)
		out = append(out, partRow{Ind: ind, Row: row})
	}
	return out
}
