package calc

import (
	"sort"
	"strings"
	"time"

	"planwatch"
	"planwatch/formula"
)

// Composite indicators: figures computed from other indicators' figures
// rather than from values of their own.
//
//   - A derived indicator (Indicator.Formula) is its formula evaluated over
//     the figures of the same territory (package formula): GRDP per capita
//     of a district is the district's GRDP over its population, never a sum
//     of its communes' ratios. A value reported for exactly the period wins,
//     as for a ratio. The figure is missing when an operand is, partial when
//     one is partial, and as final as its least final operand.
//   - A broken-down indicator (Indicator.Category) whose total was not
//     reported is the sum of its options' figures (the sub-indicators
//     CODE~option), partial when an option is missing. A reported total is
//     kept as reported; a total that differs from its parts is flagged by a
//     validation rule (package rules), never replaced.
//
// Both enter calc at territory, so that growth, % of plan, pace and
// rebasing across the 2025 reform treat them as any other indicator.

// composite is the figure of a derived or broken-down indicator.
func (d *Dataset) composite(ind *planwatch.Indicator, unit string, p planwatch.Period, asOf time.Time, depth int) Figure {
	if depth > 8 {
		return missing()
	}
	return d.memo(keyOf(ind, unit, p, days(asOf)), func() Figure {
		if ind.Formula != "" {
			if f := d.ownExact(ind, unit, p, false); f.OK {
				return f
			}
			return d.derived(ind, unit, p, asOf, depth)
		}
		if f := d.plainTerritory(ind, unit, p, asOf, depth); f.OK {
			return f
		}
		return d.fromParts(ind, unit, p, asOf, depth)
	})
}

// derived evaluates an indicator's formula for the unit's territory.
func (d *Dataset) derived(ind *planwatch.Indicator, unit string, p planwatch.Period, asOf time.Time, depth int) Figure {
	e := d.expr(ind.Formula)
	if e == nil {
		return missing()
	}
	src := &figureSource{d: d, asOf: asOf, depth: depth}
	v := e.Eval(src, unit, p)
	if !v.OK {
		return missing()
	}
	return src.figure(v)
}

// fromParts adds the figures of the options of a broken-down indicator.
func (d *Dataset) fromParts(ind *planwatch.Indicator, unit string, p planwatch.Period, asOf time.Time, depth int) Figure {
	parts := d.partsOf(ind.Code)
	if len(parts) == 0 {
		return missing()
	}
	src := &figureSource{d: d, asOf: asOf, depth: depth}
	v := formula.Value{}
	for _, code := range parts {
		f := src.Value(code, unit, p)
		if !f.OK {
			v.Partial = true
			continue
		}
		v.V += f.V
		v.OK = true
		v.Partial = v.Partial || f.Partial
	}
	if !v.OK {
		return missing()
	}
	return src.figure(v)
}

// figureSource gives a formula the figures of one territory, and gathers
// what the figure made of them must say (vintage, former units).
type figureSource struct {
	d       *Dataset
	asOf    time.Time
	depth   int
	vintage planwatch.Vintage
	first   *Figure // the first operand found: its unit counts stand for the figure's
	derived []string
	unw     []string
	restate bool
}

func (s *figureSource) Value(code, unit string, p planwatch.Period) formula.Value {
	ind, ok := s.d.Indicators()[code]
	if !ok {
		return formula.Value{}
	}
	asOf := s.asOf
	if asOf.Before(p.End()) {
		asOf = p.End()
	}
	f := s.d.territory(&ind, unit, p, asOf, s.depth+1)
	if !f.OK {
		return formula.Value{}
	}
	s.vintage = minVintage(s.vintage, f.Vintage)
	if s.first == nil {
		s.first = &f
	}
	s.derived = append(s.derived, f.DerivedFrom...)
	s.unw = append(s.unw, f.Unweighted...)
	s.restate = s.restate || f.Restated
	return formula.Value{V: f.Value, OK: true, Partial: f.Partial}
}

func (s *figureSource) Children(unit string, p planwatch.Period) []string {
	return s.d.Units().ChildrenAt(unit, p.End())
}

// figure is the Figure of a value computed from the operands read.
func (s *figureSource) figure(v formula.Value) Figure {
	f := Figure{Value: v.V, OK: true, Partial: v.Partial, Vintage: s.vintage, Restated: s.restate,
		DerivedFrom: uniqueSorted(s.derived), Unweighted: uniqueSorted(s.unw)}
	if s.first != nil {
		f.Units, f.Expected = s.first.Units, s.first.Expected
	}
	return f
}

func uniqueSorted(ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	sort.Strings(ss)
	out := ss[:1]
	for _, s := range ss[1:] {
		if s != out[len(out)-1] {
			out = append(out, s)
		}
	}
	return out
}

// isComposite says whether an indicator's figures are computed from others'.
func isComposite(ind *planwatch.Indicator) bool { return ind.Formula != "" || ind.Category != "" }

// expr is a formula parsed once; nil if it does not parse (a derived
// indicator whose formula was refused has no figures).
func (d *Dataset) expr(src string) *formula.Expr {
	d.memoMu.Lock()
	defer d.memoMu.Unlock()
	if e, ok := d.exprs[src]; ok {
		return e
	}
	e, err := formula.Parse(src)
	if err != nil {
		e = nil
	}
	if d.exprs == nil {
		d.exprs = map[string]*formula.Expr{}
	}
	d.exprs[src] = e
	return e
}

// partsOf lists the parts of an indicator in the catalogue, by code: its
// sub-indicators (CODE~option) not retired (planwatch.PartOf).
func (d *Dataset) partsOf(code string) []string {
	d.memoMu.Lock()
	defer d.memoMu.Unlock()
	if d.parts == nil || d.partsFor != len(d.Indicators()) {
		d.parts = map[string][]string{}
		for c, ind := range d.Indicators() {
			if parent, ok := planwatch.PartOf(&ind); ok {
				d.parts[parent] = append(d.parts[parent], c)
			}
		}
		for _, ps := range d.parts {
			sort.Strings(ps)
		}
		d.partsFor = len(d.Indicators())
	}
	return d.parts[code]
}

// dependents adds to touched every composite indicator computed, directly
// or through others, from a touched one; the caller holds memoMu.
func (d *Dataset) dependents(touched map[string]bool) {
	for changed := true; changed; {
		changed = false
		for code, ind := range d.Indicators() {
			if touched[code] || !isComposite(&ind) {
				continue
			}
			if d.dependsOn(&ind, touched) {
				touched[code] = true
				changed = true
			}
		}
	}
}

func (d *Dataset) dependsOn(ind *planwatch.Indicator, touched map[string]bool) bool {
	if ind.Formula != "" {
		if e, ok := d.exprs[ind.Formula]; ok && e != nil {
			for _, r := range e.Refs() {
				if touched[r] {
					return true
				}
			}
			return false
		}
		return true // not parsed yet: nothing of it is remembered either way
	}
	for code := range touched {
		if strings.HasPrefix(code, ind.Code+planwatch.OptionSep) {
			return true
		}
	}
	return false
}
