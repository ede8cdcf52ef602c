package formula

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"planwatch"
)

// Value is a figure as the language sees it: missing unless OK; Partial
// when some part of it is missing (a child unit, a former unit).
type Value struct {
	V       float64
	OK      bool
	Partial bool
}

// Source gives the figures an expression is evaluated over.
type Source interface {
	// Value is the figure of an indicator for a unit and period.
	Value(code, unit string, p planwatch.Period) Value
	// Children are the units under unit at the end of p.
	Children(unit string, p planwatch.Period) []string
}

// Eval computes the expression for a unit and period. A missing operand
// makes the result missing (as does a division by zero); a partial one makes
// it partial.
func (e *Expr) Eval(src Source, unit string, p planwatch.Period) Value {
	return eval(e.root, src, scope{unit: unit, p: p})
}

type scope struct {
	unit    string
	p       planwatch.Period
	crossed bool // a period shift left the year asked for
}

func eval(n node, src Source, s scope) Value {
	switch n := n.(type) {
	case num:
		return Value{V: n.v, OK: true}
	case ref:
		return src.Value(n.code, s.unit, s.p)
	case neg:
		v := eval(n.x, src, s)
		v.V = -v.V
		return v
	case bin:
		l := eval(n.l, src, s)
		if !l.OK {
			return Value{}
		}
		r := eval(n.r, src, s)
		if !r.OK {
			return Value{}
		}
		out := Value{OK: true, Partial: l.Partial || r.Partial}
		switch n.op {
		case '+':
			out.V = l.V + r.V
		case '-':
			out.V = l.V - r.V
		case '*':
			out.V = l.V * r.V
		case '/':
			if r.V == 0 {
				return Value{}
			}
			out.V = l.V / r.V
		}
		if math.IsInf(out.V, 0) || math.IsNaN(out.V) {
			return Value{}
		}
		return out
	case shift:
		t := s
		for i := 0; i < n.n; i++ {
			if n.periods {
				t.p = t.p.Previous()
			} else {
				t.p = t.p.SamePeriodLastYear()
			}
		}
		if n.periods && t.p.Year != s.p.Year {
			t.crossed = true
		}
		return eval(n.x, src, t)
	case call:
		switch n.fn {
		case "ytd":
			if s.crossed {
				return Value{} // the year to date of another year than the one asked for
			}
			t := s
			t.p = s.p.YearToDate()
			return eval(n.x, src, t)
		case "sum_children":
			out := Value{}
			for _, c := range src.Children(s.unit, s.p) {
				t := s
				t.unit = c
				v := eval(n.x, src, t)
				if !v.OK {
					out.Partial = true
					continue
				}
				out.V += v.V
				out.Partial = out.Partial || v.Partial
				out.OK = true
			}
			if !out.OK {
				return Value{}
			}
			return out
		}
	}
	return Value{}
}

// Refs lists the codes an expression refers to, each once, sorted.
func (e *Expr) Refs() []string {
	seen := map[string]bool{}
	walk(e.root, func(n node) {
		if r, ok := n.(ref); ok {
			seen[r.code] = true
		}
	})
	out := make([]string, 0, len(seen))
	for c := range seen {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// UsesChildren says whether the expression sums over child units.
func (e *Expr) UsesChildren() bool {
	found := false
	walk(e.root, func(n node) {
		if c, ok := n.(call); ok && c.fn == "sum_children" {
			found = true
		}
	})
	return found
}

// SamePeriodOnly says whether every reference is to the period asked for
// (no shift, no year to date).
func (e *Expr) SamePeriodOnly() bool {
	ok := true
	walk(e.root, func(n node) {
		switch n := n.(type) {
		case shift:
			ok = false
		case call:
			if n.fn == "ytd" {
				ok = false
			}
		}
	})
	return ok
}

func walk(n node, f func(node)) {
	f(n)
	switch n := n.(type) {
	case neg:
		walk(n.x, f)
	case bin:
		walk(n.l, f)
		walk(n.r, f)
	case shift:
		walk(n.x, f)
	case call:
		walk(n.x, f)
	}
}

// Check refuses an expression that names a code unknown to the catalogue.
func (e *Expr) Check(known func(code string) bool) error {
	var unknown []string
	for _, c := range e.Refs() {
		if !known(c) {
			unknown = append(unknown, c)
		}
	}
	if len(unknown) > 0 {
		return &Error{-1, fmt.Sprintf("unknown indicator code(s): %s", strings.Join(unknown, ", "))}
	}
	return nil
}

// CheckCatalogue checks the formulas of derived indicators together: each
// must parse, name only known codes, and no indicator may depend on itself
// through other formulas. formulas maps an indicator code to its formula
// (empty: not derived). It returns one error per indicator at fault,
// sorted by code, each naming the cycle or the unknown codes.
func CheckCatalogue(formulas map[string]string, known func(code string) bool) []error {
	codes := make([]string, 0, len(formulas))
	for c, f := range formulas {
		if f != "" {
			codes = append(codes, c)
		}
	}
	sort.Strings(codes)
	deps := map[string][]string{}
	var errs []error
	for _, c := range codes {
		e, err := Parse(formulas[c])
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: formula %q: %w", c, formulas[c], err))
			continue
		}
		if err := e.Check(known); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", c, err))
		}
		deps[c] = e.Refs()
	}
	// Depth-first search for cycles; each cycle reported once, at its
	// smallest code.
	const (
		white = iota
		grey
		black
	)
	state := map[string]int{}
	var path []string
	reported := map[string]bool{}
	var visit func(c string)
	visit = func(c string) {
		state[c] = grey
		path = append(path, c)
		for _, d := range deps[c] {
			switch state[d] {
			case white:
				if _, derived := deps[d]; derived {
					visit(d)
				}
			case grey:
				i := len(path) - 1
				for path[i] != d {
					i--
				}
				cycle := append([]string(nil), path[i:]...)
				k := 0
				for j := range cycle {
					if cycle[j] < cycle[k] {
						k = j
					}
				}
				cycle = append(cycle[k:], cycle[:k]...)
				if !reported[strings.Join(cycle, ">")] {
					reported[strings.Join(cycle, ">")] = true
					errs = append(errs, fmt.Errorf("%s: formula depends on itself: %s → %s", cycle[0], strings.Join(cycle, " → "), cycle[0]))
				}
			}
		}
		path = path[:len(path)-1]
		state[c] = black
	}
	for _, c := range codes {
		if state[c] == white {
			if _, ok := deps[c]; ok {
				visit(c)
			}
		}
	}
	return errs
}
