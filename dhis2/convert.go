package dhis2

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"planwatch"
)

// Options say how rows become planwatch values.
type Options struct {
	Ref string // file name, for Source.Ref and ChangeSet.From
	By  string // the importing user, for ChangeSet.By and every value's By
	Now time.Time
	Map Mapping
	// TrustStoredBy takes a value's By from its storedBy when it has one;
	// otherwise every value is By the importing user.
	TrustStoredBy bool
	// Indicators and Units, when not nil, are the known indicator and unit
	// codes: any other code is a conflict.
	Indicators map[string]planwatch.Indicator
	Units      map[string]bool
}

// ToChangeSet converts the rows of a set into planwatch values, grouping the
// rows of one indicator, unit, period and vintage (the value and its reported
// comparisons) into one DataValue with Source{file, Ref, line}. It returns
// every conflict of the set and of the conversion; when there is any, the
// change set is nil, so that no import is ever partial.
func ToChangeSet(set *Set, opts Options) (*planwatch.ChangeSet, []Conflict) {
	conflicts := append([]Conflict(nil), set.Conflicts...)
	type group struct {
		v     planwatch.DataValue
		lines map[string]int // measure → line
		del   int            // rows that delete
		rows  int
	}
	var order []string
	groups := map[string]*group{}
	for _, r := range set.Rows {
		bad := func(object, value, reason string) {
			conflicts = append(conflicts, Conflict{Row: r.Line, Index: r.Index, Object: object, Value: value, Reason: reason})
		}
		n := len(conflicts)
		ind, measure, ok := opts.indicator(r)
		switch {
		case r.DataElement == "":
			bad("dataElement", "", "missing data element")
		case !ok:
			bad("categoryOptionCombo", r.CategoryOptionCombo, fmt.Sprintf(
				"disaggregation of %s is not supported: planwatch indicators have none; map %q to an indicator",
				r.DataElement, r.DataElement+"."+r.CategoryOptionCombo))
		case opts.Indicators != nil && opts.Indicators[ind].Code == "":
			bad("dataElement", r.DataElement, "unknown indicator code"+mappedNote(ind, r.DataElement))
		}
		unit := r.OrgUnit
		if u, ok := opts.Map.OrgUnits[unit]; ok {
			unit = u
		}
		switch {
		case r.OrgUnit == "":
			bad("orgUnit", "", "missing org unit")
		case opts.Units != nil && !opts.Units[unit]:
			bad("orgUnit", r.OrgUnit, "unknown administrative unit code"+mappedNote(unit, r.OrgUnit))
		}
		period, err := ParsePeriod(r.Period)
		if err != nil {
			bad("period", r.Period, planwatch.ErrorMessage(err))
		}
		vintage, basis, err := parseAttributeCombo(r.AttributeOptionCombo)
		if err != nil {
			bad("attributeOptionCombo", r.AttributeOptionCombo, err.Error())
		}
		deleted := r.Deleted
		var value *float64
		switch {
		case strings.TrimSpace(r.Value) == "" && !deleted && r.Comment != "":
			bad("value", "", "a comment without a value cannot be stored")
		case strings.TrimSpace(r.Value) == "":
			// DHIS2 deletes a value sent empty.
			deleted = true
		default:
			f, err := parseValue(r.Value, opts.Map.ValueTypes[r.DataElement])
			if err != nil {
				bad("value", r.Value, err.Error())
			}
			value = &f
		}
		if len(conflicts) > n {
			continue
		}
		k := planwatch.Key{Indicator: ind, Unit: unit, Period: period}
		id := k.String() + "|" + vintage.String() + "|" + string(basis)
		g := groups[id]
		if g == nil {
			g = &group{lines: map[string]int{}, v: planwatch.DataValue{Key: k, Basis: basis, Vintage: vintage,
				Source: planwatch.Source{Kind: planwatch.SourceFile, Ref: opts.Ref, Row: r.Line},
				By:     opts.By, At: opts.Now}}
			groups[id] = g
			order = append(order, id)
		}
		if prev, dup := g.lines[measure]; dup {
			bad("dataValue", r.Value, fmt.Sprintf("duplicate of line %d (same indicator, unit, period, vintage and figure)", prev))
			continue
		}
		g.lines[measure] = r.Line
		g.rows++
		if deleted {
			g.del++
		}
		if value != nil {
			switch measure {
			case MeasureValue:
				g.v.Value = value
			case MeasureYoY:
				g.v.YoY = value
			case MeasurePlanPct:
				g.v.PlanPct = value
			case MeasureVsRef:
				g.v.VsRef = value
			}
		}
		if measure == MeasureValue {
			g.v.Source.Row = r.Line
		}
		if r.Comment != "" && (g.v.Comment == "" || measure == MeasureValue) {
			g.v.Comment = r.Comment
		}
		if opts.TrustStoredBy && r.StoredBy != "" {
			g.v.By = r.StoredBy
		}
	}
	cs := &planwatch.ChangeSet{By: opts.By, From: opts.Ref}
	for _, id := range order {
		g := groups[id]
		switch {
		case g.del == g.rows:
			g.v.Deleted = true
		case g.del > 0:
			conflicts = append(conflicts, Conflict{Row: g.v.Source.Row, Index: -1, Object: "deleted", Value: g.v.Key.String(),
				Reason: "some figures of this value are deleted and others not; delete the value row alone"})
			continue
		}
		cs.Values = append(cs.Values, g.v)
	}
	sort.SliceStable(conflicts, func(i, j int) bool { return conflicts[i].Row < conflicts[j].Row })
	if len(conflicts) > 0 {
		return nil, conflicts
	}
	return cs, nil
}

func mappedNote(code, id string) string {
	if code != id {
		return fmt.Sprintf(" (mapped to %q)", code)
	}
	return " (add it to the mapping if it is a partner's id)"
}

// indicator resolves a row's data element and category option combo to an
// indicator code and the figure the row holds; ok is false for a
// disaggregation planwatch cannot hold.
func (o *Options) indicator(r Row) (code, measure string, ok bool) {
	if c, found := o.Map.DataElements[r.DataElement+"."+r.CategoryOptionCombo]; found && r.CategoryOptionCombo != "" {
		return c, MeasureValue, true
	}
	code = r.DataElement
	if c, found := o.Map.DataElements[code]; found {
		code = c
	}
	switch coc := strings.ToUpper(r.CategoryOptionCombo); {
	case isDefaultCombo(r.CategoryOptionCombo):
		return code, MeasureValue, true
	case coc == MeasureYoY || coc == MeasurePlanPct || coc == MeasureVsRef:
		return code, coc, true
	}
	return code, "", false
}

// parseAttributeCombo reads the vintage and basis an attribute option combo
// carries: "official", "estimate.cumulative", "P" …
func parseAttributeCombo(s string) (planwatch.Vintage, planwatch.Basis, error) {
	if isDefaultCombo(s) {
		return planwatch.Official, planwatch.BasisPeriod, nil
	}
	vin, bas, _ := strings.Cut(s, ".")
	basis := planwatch.BasisPeriod
	switch bas {
	case "", string(planwatch.BasisPeriod):
	case string(planwatch.BasisCumulative):
		basis = planwatch.BasisCumulative
	default:
		return 0, "", fmt.Errorf("unknown basis %q: expected period or cumulative", bas)
	}
	if vin == "" {
		return 0, "", fmt.Errorf("expected a vintage (official, preliminary, estimate), optionally followed by .cumulative")
	}
	v, err := planwatch.ParseVintage(vin)
	if err != nil {
		return 0, "", fmt.Errorf("attribute option combos other than the vintage are not supported: expected official, preliminary or estimate, optionally followed by .cumulative")
	}
	return v, basis, nil
}

// parseValue reads a value by the DHIS2 value type of its data element.
func parseValue(s string, vt ValueType) (float64, error) {
	s = strings.TrimSpace(s)
	switch vt {
	case Boolean, TrueOnly:
		switch strings.ToLower(s) {
		case "true", "t", "1":
			return 1, nil
		case "false", "f", "0":
			if vt == TrueOnly {
				return 0, fmt.Errorf("value must be true or empty for a TRUE_ONLY data element")
			}
			return 0, nil
		}
		if vt == TrueOnly {
			return 0, fmt.Errorf("value must be true or empty for a TRUE_ONLY data element")
		}
		return 0, fmt.Errorf("value is not a valid boolean")
	case Number, "":
	default:
		return 0, fmt.Errorf("value type %s is not supported", vt)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || strings.ContainsAny(s, "xXpP_") {
		return 0, fmt.Errorf("value is not a number: planwatch indicators are numeric")
	}
	return f, nil
}

// WriteOptions say how values become DHIS2 rows.
type WriteOptions struct {
	// Map, when not empty, is applied in reverse: indicator codes and unit
	// codes become the partner's ids.
	Map Mapping
}

// Rows turns values into DHIS2 rows: one for the value and one for each
// reported comparison, in the order given.
func Rows(values []planwatch.DataValue, opts WriteOptions) []Row {
	des := map[string]string{}
	for id, code := range opts.Map.DataElements {
		if prev, ok := des[code]; !ok || id < prev {
			des[code] = id
		}
	}
	ous := map[string]string{}
	for id, code := range opts.Map.OrgUnits {
		if prev, ok := ous[code]; !ok || id < prev {
			ous[code] = id
		}
	}
	var out []Row
	for _, v := range values {
		de, coc := v.Indicator, ""
		if id, ok := des[de]; ok {
			de = id
			if d, c, split := strings.Cut(id, "."); split {
				de, coc = d, c
			}
		}
		ou := v.Unit
		if id, ok := ous[ou]; ok {
			ou = id
		}
		aoc := ""
		if v.Vintage != planwatch.Official || v.Basis == planwatch.BasisCumulative {
			aoc = v.Vintage.String()
			if v.Basis == planwatch.BasisCumulative {
				aoc += "." + string(planwatch.BasisCumulative)
			}
		}
		base := Row{DataElement: de, Period: FormatPeriod(v.Period), OrgUnit: ou, AttributeOptionCombo: aoc,
			StoredBy: v.By, Deleted: v.Deleted}
		if !v.At.IsZero() {
			base.LastUpdated = v.At.UTC().Format(time.RFC3339)
		}
		comment := v.Comment
		add := func(coc string, f *float64) {
			r := base
			r.CategoryOptionCombo = coc
			if f != nil {
				r.Value = formatNumber(*f)
			}
			r.Comment, comment = comment, ""
			out = append(out, r)
		}
		if v.Value != nil || v.Deleted || (v.YoY == nil && v.PlanPct == nil && v.VsRef == nil) {
			add(coc, v.Value)
		}
		if v.Deleted {
			continue
		}
		for _, m := range []struct {
			coc string
			f   *float64
		}{{MeasureYoY, v.YoY}, {MeasurePlanPct, v.PlanPct}, {MeasureVsRef, v.VsRef}} {
			if m.f != nil {
				add(m.coc, m.f)
			}
		}
	}
	return out
}
