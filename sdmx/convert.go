package sdmx

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"planwatch"
)

// Options say how observations become planwatch values.
type Options struct {
	Ref string // file name, for Source.Ref and ChangeSet.From
	By  string // the importing user
	Now time.Time
	// Indicators and Units, when not nil, are the known codes; an indicator's
	// base unit is checked against UNIT_MEASURE.
	Indicators map[string]planwatch.Indicator
	Units      map[string]bool
	// Current returns the current value of a key and vintage, for the merge
	// actions (I, A, M) and deletions of single components. When nil, a merge
	// replaces, and deleting single components is a conflict.
	Current func(k planwatch.Key, v planwatch.Vintage) (planwatch.DataValue, bool)
}

// ToChangeSet converts observations to planwatch values with Source{file,
// Ref, line}. It returns every conflict of the set and the conversion; when
// there is any, the change set is nil.
func ToChangeSet(set *Set, opts Options) (*planwatch.ChangeSet, []Conflict) {
	conflicts := append([]Conflict(nil), set.Conflicts...)
	cs := &planwatch.ChangeSet{By: opts.By, From: opts.Ref}
	seen := map[string]int{}
	for _, r := range set.Rows {
		n := len(conflicts)
		bad := func(object, value, reason string) {
			conflicts = append(conflicts, Conflict{Row: r.Line, Object: object, Value: value, Reason: reason})
		}
		ind, hasInd := opts.Indicators[r.Indicator]
		switch {
		case r.Indicator == "":
			bad(ColIndicator, "", "missing indicator")
		case opts.Indicators != nil && !hasInd:
			bad(ColIndicator, r.Indicator, "unknown indicator code")
		}
		switch {
		case r.Unit == "":
			bad(ColRefArea, "", "missing reference area")
		case opts.Units != nil && !opts.Units[r.Unit]:
			bad(ColRefArea, r.Unit, "unknown administrative unit code")
		}
		period, err := ParsePeriod(r.Period)
		if err != nil {
			bad(ColTimePeriod, r.Period, planwatch.ErrorMessage(err))
		}
		vintage, ok := parseObsStatus(r.Cells[ColObsStatus])
		if !ok {
			bad(ColObsStatus, r.Cells[ColObsStatus], "expected A (official), P (preliminary) or E (estimate)")
		}
		basis := planwatch.BasisPeriod
		switch r.Cells[ColBasis] {
		case "", "P":
		case "C":
			basis = planwatch.BasisCumulative
		default:
			if r.Action != "D" {
				bad(ColBasis, r.Cells[ColBasis], "expected P (the period) or C (cumulative since 1 January)")
			}
		}
		if u := r.Cells[ColUnitMeasure]; u != "" && hasInd && r.Action != "D" {
			if base, _ := planwatch.SplitUnit(ind.Unit); u != base {
				bad(ColUnitMeasure, u, fmt.Sprintf("planwatch stores %s in %s (base units)", ind.Code, base))
			}
		}
		nums := map[string]*float64{}
		for _, c := range []string{ColObsValue, ColYoY, ColPlanPct, ColVsRef} {
			s := r.Cells[c]
			if s == "" || r.Action == "D" {
				continue
			}
			f, err := strconv.ParseFloat(s, 64)
			if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || strings.ContainsAny(s, "xXpP_") {
				bad(c, s, "not a number")
				continue
			}
			nums[c] = &f
		}
		if len(conflicts) > n {
			continue
		}
		k := planwatch.Key{Indicator: r.Indicator, Unit: r.Unit, Period: period}
		id := k.String() + "|" + vintage.String()
		if prev, dup := seen[id]; dup {
			bad("row", k.String(), fmt.Sprintf("duplicate of line %d (same indicator, area, period and status)", prev))
			continue
		}
		seen[id] = r.Line
		v := planwatch.DataValue{Key: k, Basis: basis, Vintage: vintage, Value: nums[ColObsValue],
			YoY: nums[ColYoY], PlanPct: nums[ColPlanPct], VsRef: nums[ColVsRef], Comment: r.Cells[ColComment],
			Source: planwatch.Source{Kind: planwatch.SourceFile, Ref: opts.Ref, Row: r.Line}, By: opts.By, At: opts.Now}
		var cur planwatch.DataValue
		var has bool
		if opts.Current != nil {
			cur, has = opts.Current(k, vintage)
		}
		switch r.Action {
		case "I", "A", "M":
			if has {
				merge(&v, cur, r.Cells)
			}
		case "D":
			marked := false
			for _, c := range []string{ColObsValue, ColYoY, ColPlanPct, ColVsRef, ColComment, ColUnitMeasure, ColBasis} {
				marked = marked || r.Cells[c] != ""
			}
			if len(r.Dropped) > 0 {
				bad(ColAction, "D", fmt.Sprintf("marks columns planwatch drops (%s): they cannot be deleted", strings.Join(r.Dropped, ", ")))
				continue
			}
			if !marked {
				v = planwatch.DataValue{Key: k, Basis: basis, Vintage: vintage, Deleted: true, Source: v.Source, By: v.By, At: v.At}
				if has {
					v.Basis = cur.Basis
				}
				break
			}
			if !has {
				bad(ColAction, "D", "deleting single components needs the current value, and there is none")
				continue
			}
			if r.Cells[ColUnitMeasure] != "" || r.Cells[ColBasis] != "" {
				bad(ColAction, "D", "UNIT_MEASURE and BASIS cannot be deleted, only the whole observation")
				continue
			}
			v = cur
			v.Source, v.By, v.At, v.Revision, v.Approved = planwatch.Source{Kind: planwatch.SourceFile, Ref: opts.Ref, Row: r.Line}, opts.By, opts.Now, 0, false
			for c, p := range map[string]**float64{ColObsValue: &v.Value, ColYoY: &v.YoY, ColPlanPct: &v.PlanPct, ColVsRef: &v.VsRef} {
				if r.Cells[c] != "" {
					*p = nil
				}
			}
			if r.Cells[ColComment] != "" {
				v.Comment = ""
			}
			v.Deleted = v.Value == nil && v.YoY == nil && v.PlanPct == nil && v.VsRef == nil
		}
		if !v.Deleted && v.Value == nil && v.YoY == nil && v.PlanPct == nil && v.VsRef == nil {
			bad(ColObsValue, "", "no value and no reported comparison")
			continue
		}
		cs.Values = append(cs.Values, v)
	}
	if len(conflicts) > 0 {
		sort.SliceStable(conflicts, func(i, j int) bool { return conflicts[i].Row < conflicts[j].Row })
		return nil, conflicts
	}
	return cs, nil
}

// merge fills the components a merge row leaves empty from the current value.
func merge(v *planwatch.DataValue, cur planwatch.DataValue, cells map[string]string) {
	for c, p := range map[string][2]**float64{ColObsValue: {&v.Value, &cur.Value}, ColYoY: {&v.YoY, &cur.YoY},
		ColPlanPct: {&v.PlanPct, &cur.PlanPct}, ColVsRef: {&v.VsRef, &cur.VsRef}} {
		if cells[c] == "" {
			*p[0] = *p[1]
		}
	}
	if cells[ColComment] == "" {
		v.Comment = cur.Comment
	}
	if cells[ColBasis] == "" {
		v.Basis = cur.Basis
	}
}

// WriteOptions say how values are exported.
type WriteOptions struct {
	StructureID string // the dataflow; DefaultStructureID when empty
	// Indicators give UNIT_MEASURE, the base unit of each indicator.
	Indicators map[string]planwatch.Indicator
}

// Header is the header of planwatch's SDMX-CSV 2.0 export.
var Header = []string{ColStructure, ColStructureID, ColAction, ColIndicator, ColRefArea, ColTimePeriod,
	ColObsValue, ColYoY, ColPlanPct, ColVsRef, ColUnitMeasure, ColObsStatus, ColBasis, ColComment}

// WriteCSV writes values as SDMX-CSV 2.0, comma-separated with a decimal
// point, values in base units. A deleted value is an observation with
// ACTION D, its OBS_STATUS (which vintage
// it withdraws) and empty components. Text cells are guarded against spreadsheet
// formula injection.
func WriteCSV(w io.Writer, values []planwatch.DataValue, opts WriteOptions) error {
	sid := opts.StructureID
	if sid == "" {
		sid = DefaultStructureID
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(Header); err != nil {
		return err
	}
	num := func(f *float64) string {
		if f == nil {
			return ""
		}
		return strconv.FormatFloat(*f, 'f', -1, 64)
	}
	for _, v := range values {
		unit := ""
		if ind, ok := opts.Indicators[v.Indicator]; ok {
			unit, _ = planwatch.SplitUnit(ind.Unit)
		}
		basis := "P"
		if v.Basis == planwatch.BasisCumulative {
			basis = "C"
		}
		rec := []string{"dataflow", sid, "I", safeText(v.Indicator), safeText(v.Unit), FormatPeriod(v.Period),
			num(v.Value), num(v.YoY), num(v.PlanPct), num(v.VsRef), safeText(unit), ObsStatus(v.Vintage), basis,
			safeText(v.Comment)}
		if v.Deleted {
			rec = []string{"dataflow", sid, "D", safeText(v.Indicator), safeText(v.Unit), FormatPeriod(v.Period),
				"", "", "", "", "", ObsStatus(v.Vintage), "", ""}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
