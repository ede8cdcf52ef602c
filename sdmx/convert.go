package sdmx

import (
	"encoding/csv"
	"fmt"
	"hash/maphash"
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
	// IndicatorCodes and AreaCodes translate a partner's INDICATOR and
	// REF_AREA codes to planwatch's; codes they do not have are taken as
	// they are.
	IndicatorCodes map[string]string
	AreaCodes      map[string]string
	// Current returns the current value of a key and vintage, for the merge
	// actions (I, A, M) and deletions of single components. When nil, a merge
	// replaces, and deleting single components is a conflict.
	Current func(k planwatch.Key, v planwatch.Vintage) (planwatch.DataValue, bool)
}

// ToChangeSet converts observations to planwatch values with Source{file,
// Ref, line}. It returns every conflict of the set and the conversion; when
// there is any, the change set is nil.
func ToChangeSet(set *Set, opts Options) (*planwatch.ChangeSet, []Conflict) {
	cs := &planwatch.ChangeSet{By: opts.By, From: opts.Ref}
	var conflicts []Conflict
	c := NewConverter(opts, func(v planwatch.DataValue) error {
		cs.Values = append(cs.Values, v)
		return nil
	}, func(cf Conflict) { conflicts = append(conflicts, cf) })
	for _, cf := range set.Conflicts {
		c.Conflict(cf)
	}
	for _, r := range set.Rows {
		c.Row(r)
	}
	if len(conflicts) > 0 {
		sort.SliceStable(conflicts, func(i, j int) bool { return conflicts[i].Row < conflicts[j].Row })
		return nil, conflicts
	}
	return cs, nil
}

// Converter turns observations into planwatch values as a reader yields
// them, in memory that does not grow with the file but for 12 bytes per
// observation to find duplicates. It is a Sink.
type Converter struct {
	opts     Options
	emit     func(planwatch.DataValue) error
	conflict func(Conflict)
	seen     map[uint64]int32 // hash of key and vintage → line
	seed     maphash.Seed
}

// NewConverter returns a converter that calls emit with each value and
// conflict with each conflict.
func NewConverter(opts Options, emit func(planwatch.DataValue) error, conflict func(Conflict)) *Converter {
	return &Converter{opts: opts, emit: emit, conflict: conflict, seen: map[uint64]int32{}, seed: maphash.MakeSeed()}
}

// Conflict passes a reader's conflict on.
func (c *Converter) Conflict(cf Conflict) { c.conflict(cf) }

// Row converts one observation; it returns what emit returns.
func (c *Converter) Row(r Row) error {
	opts := c.opts
	n := 0
	bad := func(object, value, reason string) {
		c.conflict(Conflict{Row: r.Line, Object: object, Value: value, Reason: reason})
		n++
	}
	unmapped := func(object, value, reason string, kind planwatch.MappingKind) {
		c.conflict(Conflict{Row: r.Line, Object: object, Value: value, Reason: reason, MapKind: kind, MapID: value})
		n++
	}
	code := r.Indicator
	if to, ok := opts.IndicatorCodes[code]; ok {
		code = to
	}
	ind, hasInd := opts.Indicators[code]
	switch {
	case r.Indicator == "":
		bad(ColIndicator, "", "missing indicator")
	case opts.Indicators != nil && !hasInd && code != r.Indicator:
		bad(ColIndicator, r.Indicator, fmt.Sprintf("ánh xạ tới %q, không phải mã chỉ tiêu / mapped to %q, which is not an indicator code", code, code))
	case opts.Indicators != nil && !hasInd:
		unmapped(ColIndicator, r.Indicator, "không phải mã chỉ tiêu và không có trong bảng ánh xạ / neither an indicator code nor in the mapping (a dataElement row maps it)", planwatch.MapDataElement)
	}
	unit := r.Unit
	if to, ok := opts.AreaCodes[unit]; ok {
		unit = to
	}
	switch {
	case r.Unit == "":
		bad(ColRefArea, "", "missing reference area")
	case opts.Units != nil && !opts.Units[unit] && unit != r.Unit:
		bad(ColRefArea, r.Unit, fmt.Sprintf("ánh xạ tới %q, không phải mã đơn vị / mapped to %q, which is not an administrative unit code", unit, unit))
	case opts.Units != nil && !opts.Units[unit]:
		unmapped(ColRefArea, r.Unit, "không phải mã đơn vị và không có trong bảng ánh xạ / neither an administrative unit code nor in the mapping (an orgUnit row maps it)", planwatch.MapOrgUnit)
	}
	period, err := ParsePeriod(r.Period)
	if err != nil {
		bad(ColTimePeriod, r.Period, planwatch.ErrorMessage(err))
	} else if f, ok := r.Cells[ColFreq]; ok && !freqFits(f, period) {
		bad(ColFreq, f, fmt.Sprintf("does not fit TIME_PERIOD %s: expected A (year), S (half), Q (quarter) or M (month)", r.Period))
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
	scale := 1.0
	if m := r.Cells[ColUnitMult]; m != "" && r.Action != "D" {
		e, err := strconv.Atoi(m)
		if err != nil || e < -15 || e > 15 {
			bad(ColUnitMult, m, "expected a power of ten from -15 to 15")
		}
		scale = math.Pow10(e)
	}
	nums := map[string]*float64{}
	for _, col := range []string{ColObsValue, ColYoY, ColPlanPct, ColVsRef} {
		s := r.Cells[col]
		if s == "" || r.Action == "D" {
			continue
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || strings.ContainsAny(s, "xXpP_") {
			bad(col, s, "not a number")
			continue
		}
		if col == ColObsValue && scale != 1 {
			f, _ = strconv.ParseFloat(strconv.FormatFloat(f*scale, 'g', 15, 64), 64)
		}
		nums[col] = &f
	}
	if n > 0 {
		return nil
	}
	if opts.Indicators != nil {
		code = ind.Code
	}
	k := planwatch.Key{Indicator: code, Unit: unit, Period: period}
	h := maphash.String(c.seed, k.String()+"|"+vintage.String())
	if prev, dup := c.seen[h]; dup {
		bad("row", k.String(), fmt.Sprintf("duplicate of line %d (same indicator, area, period and status)", prev))
		return nil
	}
	c.seen[h] = int32(r.Line)
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
		for _, col := range []string{ColObsValue, ColYoY, ColPlanPct, ColVsRef, ColComment, ColUnitMeasure, ColBasis} {
			marked = marked || r.Cells[col] != ""
		}
		if len(r.Dropped) > 0 {
			bad(ColAction, "D", fmt.Sprintf("marks columns planwatch drops (%s): they cannot be deleted", strings.Join(r.Dropped, ", ")))
			return nil
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
			return nil
		}
		if r.Cells[ColUnitMeasure] != "" || r.Cells[ColBasis] != "" {
			bad(ColAction, "D", "UNIT_MEASURE and BASIS cannot be deleted, only the whole observation")
			return nil
		}
		v = cur
		v.Source, v.By, v.At, v.Revision, v.Approved = planwatch.Source{Kind: planwatch.SourceFile, Ref: opts.Ref, Row: r.Line}, opts.By, opts.Now, 0, false
		for col, p := range map[string]**float64{ColObsValue: &v.Value, ColYoY: &v.YoY, ColPlanPct: &v.PlanPct, ColVsRef: &v.VsRef} {
			if r.Cells[col] != "" {
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
		return nil
	}
	return c.emit(v)
}

// freqFits reports whether a FREQ code fits a period: A a year, S a half, Q
// a quarter, M a month; any of them a range of months.
func freqFits(freq string, p planwatch.Period) bool {
	switch p.Type {
	case planwatch.Year:
		return freq == "A"
	case planwatch.Half:
		return freq == "S"
	case planwatch.Quarter:
		return freq == "Q"
	case planwatch.Month:
		return freq == "M"
	}
	return freq == "A" || freq == "S" || freq == "Q" || freq == "M"
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
