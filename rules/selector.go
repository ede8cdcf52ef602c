package rules

import (
	"fmt"
	"slices"
	"strings"

	"planwatch"
)

// Selector chooses the indicators a rule template applies to: clauses
// "field=a,b" (one of) or "field!=a,b" (none of) joined by ";", all of
// which must hold. Fields: code, kind, time_agg, unit_agg, unit (as
// printed: %), sector. Retired indicators are never selected.
//
//	time_agg=sum                          every flow and count summed over time
//	kind=rate;unit=%;code!=macro.grdp_growth
type Selector struct {
	clauses []clause
}

type clause struct {
	field  string
	not    bool
	values []string
}

var selectorFields = []string{"code", "kind", "time_agg", "unit_agg", "unit", "sector"}

// ParseSelector reads a selector.
func ParseSelector(s string) (Selector, error) {
	var sel Selector
	for _, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		i := strings.Index(part, "=")
		if i <= 0 {
			return sel, fmt.Errorf("each: %q is not field=value (fields: %s)", part, strings.Join(selectorFields, ", "))
		}
		c := clause{field: strings.TrimSpace(part[:i])}
		if strings.HasSuffix(c.field, "!") {
			c.not, c.field = true, strings.TrimSpace(strings.TrimSuffix(c.field, "!"))
		}
		if !slices.Contains(selectorFields, c.field) {
			return sel, fmt.Errorf("each: unknown field %q (fields: %s)", c.field, strings.Join(selectorFields, ", "))
		}
		for _, v := range strings.Split(part[i+1:], ",") {
			if v = strings.TrimSpace(v); v != "" {
				c.values = append(c.values, v)
			}
		}
		if len(c.values) == 0 {
			return sel, fmt.Errorf("each: %q names no value", part)
		}
		sel.clauses = append(sel.clauses, c)
	}
	if len(sel.clauses) == 0 {
		return sel, fmt.Errorf("each: empty selector")
	}
	return sel, nil
}

// Match says whether the selector chooses ind.
func (s Selector) Match(ind *planwatch.Indicator) bool {
	if ind.Retired {
		return false
	}
	for _, c := range s.clauses {
		var v string
		switch c.field {
		case "code":
			v = ind.Code
		case "kind":
			v = string(ind.Kind)
		case "time_agg":
			v = string(ind.TimeAgg)
		case "unit_agg":
			v = string(ind.UnitAgg)
		case "unit":
			v = ind.Unit
		case "sector":
			v = ind.Sector
		}
		if slices.Contains(c.values, v) == c.not {
			return false
		}
	}
	return true
}

// Select lists the codes of the indicators chosen, in catalogue order.
func (s Selector) Select(inds []planwatch.Indicator) []string {
	var out []string
	for i := range inds {
		if s.Match(&inds[i]) {
			out = append(out, inds[i].Code)
		}
	}
	return out
}
