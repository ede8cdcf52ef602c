package rules

import (
	"planwatch"
	"planwatch/calc"
)

// Limits bound the work of a CheckTree asked by anyone (the data-quality
// page is open to readers): a zero field is no bound.
type Limits struct {
	Units      int // units checked, the asked unit first
	Violations int // violations listed
}

// TreeResult is what CheckTreeWithin found, and whether it stopped at a
// limit before checking every unit under the asked one.
type TreeResult struct {
	Units  int  // units checked
	Capped bool // a limit was reached: the list is not the whole answer
}

// CheckTreeWithin is CheckTree stopped at the limits: the units under the
// asked one are checked depth first, by code, until lim.Units are checked
// or lim.Violations are found.
func (s *Set) CheckTreeWithin(ds *calc.Dataset, unit string, p planwatch.Period, lim Limits) ([]Violation, TreeResult) {
	src := Figures(ds)
	var out []Violation
	var res TreeResult
	var walk func(u string, depth int)
	walk = func(u string, depth int) {
		if res.Capped {
			return
		}
		if lim.Units > 0 && res.Units >= lim.Units || lim.Violations > 0 && len(out) >= lim.Violations {
			res.Capped = true
			return
		}
		res.Units++
		out = append(out, s.Check(src, u, p)...)
		if lim.Violations > 0 && len(out) > lim.Violations {
			out, res.Capped = out[:lim.Violations], true
			return
		}
		if depth > 6 {
			return
		}
		for _, c := range ds.Units().ChildrenAt(u, p.End()) {
			walk(c, depth+1)
		}
	}
	walk(unit, 0)
	return out, res
}
