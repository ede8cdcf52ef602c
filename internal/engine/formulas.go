package engine

import (
	"strings"

	"planwatch"
	"planwatch/formula"
)

// CheckFormulas refuses, at definition time, the derived indicators of inds
// whose formula does not parse, names a code the catalogue (stored with
// inds applied) lacks, or makes an indicator depend on itself through other
// formulas. Problems are on inds' rows (1-based), column formula.
func CheckFormulas(stored, inds []planwatch.Indicator) []planwatch.Problem {
	all := map[string]planwatch.Indicator{}
	for _, ind := range stored {
		all[ind.Code] = ind
	}
	row := map[string]int{}
	for i, ind := range inds {
		all[ind.Code] = ind
		row[ind.Code] = i + 1
	}
	formulas := map[string]string{}
	for code, ind := range all {
		if ind.Formula != "" {
			formulas[code] = ind.Formula
		}
	}
	if len(formulas) == 0 {
		return nil
	}
	var ps []planwatch.Problem
	for _, err := range formula.CheckCatalogue(formulas, func(c string) bool { _, ok := all[c]; return ok }) {
		msg := err.Error()
		code, _, _ := strings.Cut(msg, ": ")
		r, ok := row[code]
		if !ok {
			// A cycle closed by a changed indicator is reported at the
			// smallest code of the cycle: put it on a changed one in it.
			for c, n := range row {
				if strings.Contains(msg, " "+c+" ") || strings.HasSuffix(msg, " "+c) {
					r, ok = n, true
					break
				}
			}
		}
		if !ok {
			continue // an old fault not touched by this change
		}
		ps = append(ps, planwatch.Problem{Row: r, Column: "formula", Value: all[code].Formula,
			Reason: "công thức không hợp lệ / invalid formula: " + msg})
	}
	return ps
}
