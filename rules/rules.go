// Package rules checks figures against validation rules (quy tắc kiểm tra
// số liệu, DHIS2's validation rules): each rule compares two expressions of
// the formula language for a unit and period, over calc's figures. It
// expands rule templates over the catalogue, adds the rules planwatch
// generates itself (a broken-down indicator's reported total equals the sum
// of its parts), ships a starter set for the catalogue (starter.csv), lists
// violations for a unit and the units under it (planwatch validate, the
// data-quality page), and checks a change set against the blocking rules
// before it is stored (Guard).
package rules

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"planwatch"
	"planwatch/calc"
	"planwatch/formula"
	"planwatch/internal/engine"
	"planwatch/vi"
)

// Set is a compiled set of rules: templates expanded, expressions parsed
// and checked against the catalogue.
type Set struct {
	checks []check
}

// check is one rule for one indicator (a template's "$"), ready to evaluate.
type check struct {
	rule        planwatch.ValidationRule
	indicator   string // what "$" stood for; "" for a plain rule
	left, right *formula.Expr
	refs        []string
}

// Len is the number of checks (rules, templates once per indicator).
func (s *Set) Len() int { return len(s.checks) }

// Compile expands and checks rules against the catalogue, adding the
// generated rules of broken-down indicators. Problems name each rule by its
// row (1-based in the order given) and the side at fault; a rule with a
// problem is left out of the set.
func Compile(rules []planwatch.ValidationRule, inds []planwatch.Indicator) (*Set, []planwatch.Problem) {
	known := map[string]bool{}
	for _, ind := range inds {
		known[ind.Code] = true
	}
	isKnown := func(c string) bool { return known[c] }
	set := &Set{}
	problems := engine.CheckRules(rules)
	bad := map[int]bool{}
	for _, p := range problems {
		bad[p.Row] = true
	}
	for i, r := range rules {
		if bad[i+1] {
			continue
		}
		targets := []string{""}
		if r.Each != "" {
			sel, err := ParseSelector(r.Each)
			if err != nil {
				problems = append(problems, planwatch.Problem{Row: i + 1, Column: "each", Value: r.Each, Reason: err.Error()})
				continue
			}
			targets = sel.Select(inds)
		} else if strings.Contains(r.Left+r.Right, "$") {
			problems = append(problems, planwatch.Problem{Row: i + 1, Column: "each", Reason: "“$” chỉ dùng khi có each / “$” needs each: the indicators it stands for"})
			continue
		}
		// Unknown codes are refused at definition time, for a template with
		// "$" standing for a known code.
		ok := true
		for _, side := range []struct{ col, expr string }{{"left", r.Left}, {"right", r.Right}} {
			e, err := formula.Parse(engine.TemplateExpr(side.expr, firstKnown(inds)))
			if err == nil {
				err = e.Check(isKnown)
			}
			if err != nil {
				problems = append(problems, planwatch.Problem{Row: i + 1, Column: side.col, Value: side.expr, Reason: err.Error()})
				ok = false
			}
		}
		if !ok {
			continue
		}
		for _, code := range targets {
			set.add(r, code)
		}
	}
	for _, r := range Generated(inds) {
		set.add(r, "")
	}
	return set, problems
}

func firstKnown(inds []planwatch.Indicator) string {
	if len(inds) == 0 {
		return "x"
	}
	return inds[0].Code
}

func (s *Set) add(r planwatch.ValidationRule, code string) {
	c := check{rule: r, indicator: code}
	var err error
	if c.left, err = formula.Parse(engine.TemplateExpr(r.Left, code)); err != nil {
		return
	}
	if c.right, err = formula.Parse(engine.TemplateExpr(r.Right, code)); err != nil {
		return
	}
	seen := map[string]bool{}
	for _, ref := range append(c.left.Refs(), c.right.Refs()...) {
		if !seen[ref] {
			seen[ref] = true
			c.refs = append(c.refs, ref)
		}
	}
	sort.Strings(c.refs)
	s.checks = append(s.checks, c)
}

// BreakdownRulePrefix starts the code of a generated breakdown rule.
const BreakdownRulePrefix = "breakdown:"

// BreakdownTolerance is the relative difference (percent) between a
// reported total and the sum of its parts still taken as equal: published
// figures are rounded ("2.498,3 tỷ đồng").
const BreakdownTolerance = 0.1

// Generated are the rules planwatch makes for the catalogue: each
// indicator broken down by a category, whose sub-indicators exist, must
// equal the sum of its parts (planwatch.PartOf) where the total and every
// part are known.
func Generated(inds []planwatch.Indicator) []planwatch.ValidationRule {
	parts := map[string][]string{}
	for i := range inds {
		if parent, ok := planwatch.PartOf(&inds[i]); ok {
			parts[parent] = append(parts[parent], inds[i].Code)
		}
	}
	var out []planwatch.ValidationRule
	for _, ind := range inds {
		ps := parts[ind.Code]
		if ind.Category == "" || len(ps) == 0 {
			continue
		}
		sort.Strings(ps)
		out = append(out, planwatch.ValidationRule{
			Code: BreakdownRulePrefix + ind.Code, Generated: true,
			NameVI: "Tổng bằng tổng các thành phần: " + ind.NameVI, NameEN: "Total equals the sum of its parts: " + first(ind.NameEN, ind.NameVI),
			Left: ind.Code, Op: planwatch.OpEqual, Right: strings.Join(ps, " + "), Importance: "high", Action: planwatch.RuleWarn,
			Tolerance: BreakdownTolerance,
			MessageVI: "Tổng số báo cáo khác tổng các thành phần (" + ind.Category + ")",
			MessageEN: "The reported total differs from the sum of its parts (" + ind.Category + ")",
		})
	}
	return out
}

func first(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// Violation is a rule broken for a unit and period.
type Violation struct {
	Rule       string           `json:"rule"`
	Name       string           `json:"name"`
	NameEN     string           `json:"name_en,omitempty"`
	Importance string           `json:"importance"`
	Action     string           `json:"action"`
	Message    string           `json:"message,omitempty"`
	MessageEN  string           `json:"message_en,omitempty"`
	Indicator  string           `json:"indicator,omitempty"` // the indicator a template was checked for
	Unit       string           `json:"unit"`
	Period     planwatch.Period `json:"period"`
	Left       string           `json:"left"`
	Op         planwatch.RuleOp `json:"op"`
	Right      string           `json:"right"`
	LeftValue  *float64         `json:"left_value"`  // nil: missing
	RightValue *float64         `json:"right_value"` // nil: missing
	Values     []planwatch.Key  `json:"values"`      // the indicators the rule reads, for the unit and period
	Generated  bool             `json:"generated,omitempty"`
	rule       *planwatch.ValidationRule
}

// Text is the violation in one line, in Vietnamese or English.
func (v *Violation) Text(lang string) string {
	name, msg := v.Name, v.Message
	if lang == "en" {
		name, msg = first(v.NameEN, v.Name), first(v.MessageEN, v.Message)
	}
	s := fmt.Sprintf("%s [%s] %s %s: %s %s %s (%s %s %s)", v.Unit, v.Period.ID(), v.Rule, name,
		v.Left, v.Op.Symbol(), v.Right, num(lang, v.LeftValue), v.Op.Symbol(), num(lang, v.RightValue))
	if msg != "" {
		s += " — " + msg
	}
	return s
}

// num writes a side's value in the reader's language ("5.953,25" in
// Vietnamese, "5,953.25" in English): 4 decimals at most, trailing zeros
// dropped, more for a value under 0.01 so that it does not read 0.
func num(lang string, p *float64) string {
	if p == nil {
		return "—"
	}
	dec := 4
	if a := math.Abs(*p); a > 0 && a < 0.01 {
		dec = 8
	}
	return vi.FormatNumberIn(lang, *p, dec)
}

// Source is what rules are evaluated over: calc's figures (Figures) or
// those with a change set's values in place (Guard).
type Source = formula.Source

// Figures is a Source over a calc index: a figure of an indicator for the
// territory a unit covers at the end of the period.
func Figures(ds *calc.Dataset) Source { return dsSource{ds} }

type dsSource struct{ ds *calc.Dataset }

func (s dsSource) Value(code, unit string, p planwatch.Period) formula.Value {
	f := s.ds.Value(code, unit, p)
	return formula.Value{V: f.Value, OK: f.OK, Partial: f.Partial}
}

func (s dsSource) Children(unit string, p planwatch.Period) []string {
	return s.ds.Units().ChildrenAt(unit, p.End())
}

// Check lists the violations of the set for one unit and period, ordered
// by rule and indicator.
func (s *Set) Check(src Source, unit string, p planwatch.Period) []Violation {
	var out []Violation
	for i := range s.checks {
		if v, broken := s.checks[i].eval(src, unit, p); broken {
			out = append(out, v)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Rule != out[j].Rule {
			return out[i].Rule < out[j].Rule
		}
		return out[i].Indicator < out[j].Indicator
	})
	return out
}

// CheckTree lists the violations for a unit and every unit under it at the
// end of p (depth first, by code).
func (s *Set) CheckTree(ds *calc.Dataset, unit string, p planwatch.Period) []Violation {
	vs, _ := s.CheckTreeWithin(ds, unit, p, Limits{})
	return vs
}

func (c *check) eval(src Source, unit string, p planwatch.Period) (Violation, bool) {
	l := c.left.Eval(src, unit, p)
	r := c.right.Eval(src, unit, p)
	if !broken(c.rule.Op, l, r, c.rule.Tolerance) {
		return Violation{}, false
	}
	v := Violation{Rule: c.rule.Code, Name: c.rule.NameVI, NameEN: c.rule.NameEN, Importance: c.rule.Importance, Action: c.rule.Action,
		Message: c.rule.MessageVI, MessageEN: c.rule.MessageEN, Indicator: c.indicator, Unit: unit, Period: p,
		Left: c.left.String(), Op: c.rule.Op, Right: c.right.String(), Generated: c.rule.Generated, rule: &c.rule}
	if l.OK {
		v.LeftValue = planwatch.Float(l.V)
	}
	if r.OK {
		v.RightValue = planwatch.Float(r.V)
	}
	for _, ref := range c.refs {
		v.Values = append(v.Values, planwatch.Key{Indicator: ref, Unit: unit, Period: p})
	}
	return v, true
}

// broken says whether l op r fails. A side missing skips the rule, except
// for a compulsory pair, broken when exactly one side is present.
func broken(op planwatch.RuleOp, l, r formula.Value, tolPct float64) bool {
	if op == planwatch.OpCompulsoryPair {
		return l.OK != r.OK
	}
	if !l.OK || !r.OK {
		return false
	}
	tol := math.Max(tolPct/100, 1e-9) * math.Max(math.Abs(l.V), math.Abs(r.V))
	switch op {
	case planwatch.OpEqual:
		return math.Abs(l.V-r.V) > tol
	case planwatch.OpNotEqual:
		return math.Abs(l.V-r.V) <= tol
	case planwatch.OpLess:
		return l.V >= r.V-tol
	case planwatch.OpLessEqual:
		return l.V > r.V+tol
	case planwatch.OpGreater:
		return l.V <= r.V+tol
	case planwatch.OpGreaterEqual:
		return l.V < r.V-tol
	}
	return false
}

// Blocks says whether a rule of the set refuses entries.
func (s *Set) Blocks() bool {
	for _, c := range s.checks {
		if c.rule.Action == planwatch.RuleBlock {
			return true
		}
	}
	return false
}

// CheckReading is Check limited to the rules that read one of codes: the
// rules an entry of those indicators may have broken.
func (s *Set) CheckReading(src Source, unit string, p planwatch.Period, codes map[string]bool) []Violation {
	var out []Violation
	for i := range s.checks {
		c := &s.checks[i]
		if !c.reads(codes) {
			continue
		}
		if v, broken := c.eval(src, unit, p); broken {
			out = append(out, v)
		}
	}
	return out
}
