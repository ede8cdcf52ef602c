package rules

import (
	"fmt"
	"sort"

	"planwatch"
	"planwatch/calc"
	"planwatch/formula"
)

// Guard checks values about to be stored against the blocking rules (action
// block): each rule that reads an indicator of the values is evaluated for
// the units and periods the values are for, with the values in place of the
// stored figures for exactly their keys (roll-ups above them are not
// recomputed). A change that breaks a blocking rule is refused whole.
type Guard struct {
	set  *Set
	ds   *calc.Dataset
	want map[string]bool // indicators read by a blocking rule
}

// NewGuard is a guard of the blocking rules of set over the index ds; nil
// when no rule blocks.
func NewGuard(set *Set, ds *calc.Dataset) *Guard {
	g := &Guard{set: &Set{}, ds: ds, want: map[string]bool{}}
	for _, c := range set.checks {
		if c.rule.Action != planwatch.RuleBlock {
			continue
		}
		g.set.checks = append(g.set.checks, c)
		for _, r := range c.refs {
			g.want[r] = true
		}
	}
	if len(g.set.checks) == 0 {
		return nil
	}
	return g
}

// Wants says whether values of an indicator are read by a blocking rule.
func (g *Guard) Wants(indicator string) bool { return g != nil && g.want[indicator] }

type monthKey struct {
	indicator, unit string
	year            int
	first, last     int
}

func keyOf(code, unit string, p planwatch.Period) monthKey {
	return monthKey{code, unit, p.Year, p.First, p.Last}
}

// overlay is the index's figures with some values replaced.
type overlay struct {
	base Source
	over map[monthKey]formula.Value
}

func (o overlay) Value(code, unit string, p planwatch.Period) formula.Value {
	if v, ok := o.over[keyOf(code, unit, p)]; ok {
		return v
	}
	return o.base.Value(code, unit, p)
}

func (o overlay) Children(unit string, p planwatch.Period) []string { return o.base.Children(unit, p) }

// Check lists, as problems on the values' rows, the blocking rules the
// values would break; none when g is nil.
func (g *Guard) Check(values []planwatch.DataValue) []planwatch.Problem {
	if g == nil {
		return nil
	}
	o := overlay{base: Figures(g.ds), over: map[monthKey]formula.Value{}}
	type place struct {
		unit string
		p    planwatch.Period
	}
	rows := map[place]int{}
	touched := map[place]map[string]bool{}
	var places []place
	for _, v := range values {
		if !g.want[v.Indicator] {
			continue
		}
		v.Normalize()
		fv := formula.Value{}
		if v.Value != nil && !v.Deleted {
			fv = formula.Value{V: *v.Value, OK: true}
		}
		o.over[keyOf(v.Indicator, v.Unit, v.Period)] = fv
		pl := place{v.Unit, v.Period}
		if _, ok := rows[pl]; !ok {
			places = append(places, pl)
			rows[pl] = v.Source.Row
			touched[pl] = map[string]bool{}
		}
		touched[pl][v.Indicator] = true
	}
	sort.SliceStable(places, func(i, j int) bool { return rows[places[i]] < rows[places[j]] })
	var ps []planwatch.Problem
	for _, pl := range places {
		for i := range g.set.checks {
			c := &g.set.checks[i]
			if !c.reads(touched[pl]) {
				continue // a rule the change does not touch: not this change's fault
			}
			v, broken := c.eval(o, pl.unit, pl.p)
			if !broken {
				continue
			}
			ps = planwatch.AddProblem(ps, planwatch.Problem{Row: rows[pl], Column: "value", Value: fmt.Sprintf("%s %s", pl.unit, pl.p.ID()),
				Reason: fmt.Sprintf("quy tắc chặn / blocking rule %s: %s", v.Rule, v.Text("vi"))})
		}
	}
	return ps
}

func (c *check) reads(codes map[string]bool) bool {
	for _, r := range c.refs {
		if codes[r] {
			return true
		}
	}
	return false
}

// Refusal is the error of a change set that breaks blocking rules.
func Refusal(ps []planwatch.Problem) error {
	return &planwatch.Error{Code: planwatch.EINVALID, Problems: ps,
		Message: fmt.Sprintf("Không lưu: %d vi phạm quy tắc kiểm tra bắt buộc (nothing stored: %d violations of blocking validation rules)", len(ps), len(ps))}
}
