// Package nativecsv reads and writes planwatch's own CSV files of data values
// and of targets. A reader checks every row and column before anything is
// stored and reports every problem with its line and column, so that an
// import is all or nothing.
//
// Values file header: indicator,orgunit,period,value and optionally unit,
// basis, vintage, yoy_pct, plan_pct, vs_ref_pct, comment. Targets file header:
// indicator,orgunit,year,value and optionally kind, unit, version, adjusted,
// adopted, source. Without a unit column, values are in base units (VND, USD,
// ha …); with one ("tỷ đồng", "triệu USD"), they are converted.
//
// Numbers may be written the machine way ("5953.5") or the Vietnamese way
// ("5.953,5", "5.953"): a comma is always the decimal mark; dots are thousands
// groups when there is a comma, more than one dot, or the number is written
// with groups of three after a single dot and the column's unit is a count
// (kept simple: a single dot followed by exactly three digits is a thousands
// group, as Vietnamese reports write it; "12.5" is twelve and a half).
package nativecsv

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"planwatch"
)

// Kind of file.
type Kind int

const (
	Values Kind = iota + 1
	Targets
)

// MaxRows bounds one file, so an upload cannot exhaust memory.
const MaxRows = 2_000_000

var valueColumns = []string{"indicator", "orgunit", "period", "value", "unit", "basis", "vintage", "yoy_pct", "plan_pct", "vs_ref_pct", "comment"}
var targetColumns = []string{"indicator", "orgunit", "year", "value", "kind", "unit", "version", "adjusted", "adopted", "source"}

// Read parses a values or targets file (detected from the header) into a
// change set. Every problem is collected into one *planwatch.Error (EINVALID)
// naming line and column; on error the change set is nil.
func Read(r io.Reader, name string) (*planwatch.ChangeSet, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, planwatch.Errorf(planwatch.EINVALID, "%s: không đọc được dòng tiêu đề / cannot read the header: %v", name, err)
	}
	cols := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		cols[h] = i
	}
	kind := Values
	allowed := valueColumns
	if _, ok := cols["year"]; ok {
		kind, allowed = Targets, targetColumns
	}
	perr := &planwatch.Error{Code: planwatch.EINVALID, Message: fmt.Sprintf("%s: tệp có lỗi, không có dữ liệu nào được nhập / the file has errors, nothing was imported", name)}
	for h := range cols {
		if !contains(allowed, h) {
			perr.Problems = append(perr.Problems, planwatch.Problem{Row: 1, Column: h, Reason: "cột không rõ / unknown column"})
		}
	}
	for _, need := range allowed[:4] {
		if _, ok := cols[need]; !ok {
			perr.Problems = append(perr.Problems, planwatch.Problem{Row: 1, Column: need, Reason: "thiếu cột bắt buộc / required column missing"})
		}
	}
	if len(perr.Problems) > 0 {
		return nil, perr
	}
	cs := &planwatch.ChangeSet{From: name}
	for n := 2; ; n++ {
		rec, err := cr.Read()
		line := n
		if err == nil {
			line, _ = cr.FieldPos(0) // the reader skips blank lines: count as the file does
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				perr.Problems = planwatch.AddProblem(perr.Problems, planwatch.Problem{Row: pe.Line, Reason: "CSV không hợp lệ / malformed CSV: " + pe.Err.Error()})
			} else {
				perr.Problems = planwatch.AddProblem(perr.Problems, planwatch.Problem{Row: line, Reason: err.Error()})
			}
			break
		}
		if n > MaxRows+1 {
			// First, so that a capped list of problems still shows it.
			perr.Problems = append([]planwatch.Problem{{Row: line, Reason: fmt.Sprintf("quá %d dòng / more than %d rows", MaxRows, MaxRows)}}, perr.Problems...)
			break
		}
		if blank(rec) {
			continue
		}
		row := &rowReader{rec: rec, cols: cols, line: line, err: perr}
		src := planwatch.Source{Kind: planwatch.SourceFile, Ref: name, Row: line}
		if kind == Values {
			if v, ok := row.value(src); ok {
				cs.Values = append(cs.Values, v)
			}
		} else if t, ok := row.target(src); ok {
			cs.Targets = append(cs.Targets, t)
		}
	}
	if len(perr.Problems) > 0 {
		return nil, perr
	}
	return cs, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

type rowReader struct {
	rec  []string
	cols map[string]int
	line int
	err  *planwatch.Error
	bad  bool
}

func (r *rowReader) get(col string) string {
	i, ok := r.cols[col]
	if !ok || i >= len(r.rec) {
		return ""
	}
	return strings.TrimSpace(r.rec[i])
}

func (r *rowReader) fail(col, value, reason string) {
	r.bad = true
	r.err.Problems = planwatch.AddProblem(r.err.Problems, planwatch.Problem{Row: r.line, Column: col, Value: value, Reason: reason})
}

func (r *rowReader) text(col string, required bool) string {
	s := r.get(col)
	if !utf8.ValidString(s) {
		r.fail(col, "", "không phải UTF-8 / not valid UTF-8")
		return ""
	}
	if required && s == "" {
		r.fail(col, "", "bắt buộc / required")
	}
	return unsafeCell(s)
}

// unsafeCell removes the guard SafeCell put before a formula-like text.
func unsafeCell(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}

func (r *rowReader) number(col string, required bool) *float64 {
	s := r.get(col)
	if s == "" {
		if required {
			r.fail(col, "", "bắt buộc / required")
		}
		return nil
	}
	f, err := ParseNumber(s)
	if err != nil {
		r.fail(col, s, "không phải số / not a number")
		return nil
	}
	return &f
}

func (r *rowReader) scale(col string) float64 {
	u := r.get("unit")
	if u == "" {
		return 1
	}
	_, scale := planwatch.SplitUnit(u)
	return scale
}

func (r *rowReader) value(src planwatch.Source) (planwatch.DataValue, bool) {
	v := planwatch.DataValue{Source: src, Basis: planwatch.BasisPeriod, Vintage: planwatch.Official}
	v.Indicator = r.text("indicator", true)
	v.Unit = r.text("orgunit", true)
	if ps := r.text("period", true); ps != "" {
		p, err := planwatch.ParsePeriod(ps)
		if err != nil {
			r.fail("period", ps, "kỳ không hợp lệ / invalid period (2022, 2022S1, 2022Q1, 202203, 2022Q1-Q3, 202201-202204)")
		}
		v.Period = p
	}
	v.Value = r.number("value", false)
	if v.Value != nil {
		*v.Value *= r.scale("value")
	}
	v.YoY = r.number("yoy_pct", false)
	v.PlanPct = r.number("plan_pct", false)
	v.VsRef = r.number("vs_ref_pct", false)
	if v.Value == nil && v.YoY == nil && v.PlanPct == nil && v.VsRef == nil && r.get("value") == "" {
		r.fail("value", "", "cần giá trị hoặc một so sánh / a value or a comparison is required")
	}
	switch b := r.get("basis"); b {
	case "", "period", "kỳ":
	case "cumulative", "lũy kế", "luỹ kế":
		v.Basis = planwatch.BasisCumulative
	default:
		r.fail("basis", b, "phải là period hoặc cumulative / must be period or cumulative")
	}
	if s := r.get("vintage"); s != "" {
		vin, err := planwatch.ParseVintage(s)
		if err != nil {
			r.fail("vintage", s, "phải là estimate, preliminary hoặc official / must be estimate, preliminary or official")
		}
		v.Vintage = vin
	}
	v.Comment = r.text("comment", false)
	return v, !r.bad
}

func (r *rowReader) target(src planwatch.Source) (planwatch.Target, bool) {
	t := planwatch.Target{Source: src, Kind: planwatch.TargetPlan} // version 0: the next version
	t.Indicator = r.text("indicator", true)
	t.Unit = r.text("orgunit", true)
	if ys := r.text("year", true); ys != "" {
		y, err := strconv.Atoi(ys)
		if err != nil || y < 1900 || y > 2200 {
			r.fail("year", ys, "năm không hợp lệ / invalid year")
		}
		t.Year = y
	}
	if v := r.number("value", true); v != nil {
		t.Value = *v * r.scale("value")
	}
	if k := r.get("kind"); k != "" {
		t.Kind = planwatch.TargetKind(k)
		known := false
		for _, tk := range planwatch.TargetKinds {
			known = known || tk.Kind == t.Kind
		}
		if !known {
			r.fail("kind", k, "loại chỉ tiêu không rõ / unknown target kind (KH, DT_TW, DT_HDND, KH_VU)")
		}
	}
	if s := r.get("version"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			r.fail("version", s, "phiên bản phải là số nguyên dương / version must be a positive integer")
		}
		t.Version = n
	}
	switch a := strings.ToLower(r.get("adjusted")); a {
	case "", "false", "0", "no", "không":
	case "true", "1", "yes", "có":
		t.Adjusted = true
	default:
		r.fail("adjusted", a, "phải là true hoặc false / must be true or false")
	}
	if s := r.get("adopted"); s != "" {
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			r.fail("adopted", s, "ngày phải có dạng YYYY-MM-DD / date must be YYYY-MM-DD")
		}
		t.Adopted = d
	}
	if s := r.text("source", false); s != "" {
		t.Source.Sentence = s
	}
	return t, !r.bad
}

// ParseNumber reads a number written the machine way or the Vietnamese way.
func ParseNumber(s string) (float64, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	if s == "" {
		return 0, fmt.Errorf("empty")
	}
	neg := strings.HasPrefix(s, "-")
	body := strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	switch {
	case strings.Contains(body, ","):
		body = strings.ReplaceAll(body, ".", "")
		body = strings.Replace(body, ",", ".", 1)
	case strings.Count(body, ".") > 1 || groupedOnce(body):
		body = strings.ReplaceAll(body, ".", "")
	}
	if body == "" || strings.ContainsAny(body, "eExXpP_+-") || strings.HasPrefix(body, ".") || strings.HasSuffix(body, ".") {
		return 0, fmt.Errorf("invalid number %q", s)
	}
	f, err := strconv.ParseFloat(body, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, fmt.Errorf("invalid number %q", s)
	}
	if neg {
		f = -f
	}
	return f, nil
}

// groupedOnce: "5.953" (one to three digits, one dot, three digits) is a
// thousands group, as Vietnamese reports write it; "5545412203074.058" is not.
func groupedOnce(s string) bool {
	i := strings.IndexByte(s, '.')
	return i > 0 && i <= 3 && len(s)-i-1 == 3 && strings.Count(s, ".") == 1
}

// WriteValues writes values as a values file (base units), with text cells
// defused against spreadsheet formula injection.
func WriteValues(w io.Writer, values []planwatch.DataValue) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"indicator", "orgunit", "period", "value", "basis", "vintage", "yoy_pct", "plan_pct", "vs_ref_pct", "comment"})
	for _, v := range values {
		cw.Write([]string{SafeCell(v.Indicator), SafeCell(v.Unit), v.Period.ID(), num(v.Value), string(v.Basis),
			v.Vintage.String(), num(v.YoY), num(v.PlanPct), num(v.VsRef), SafeCell(v.Comment)})
	}
	cw.Flush()
	return cw.Error()
}

// WriteTargets writes targets as a targets file (base units).
func WriteTargets(w io.Writer, targets []planwatch.Target) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"indicator", "orgunit", "year", "value", "kind", "version", "adjusted", "adopted", "source"})
	for _, t := range targets {
		adopted := ""
		if !t.Adopted.IsZero() {
			adopted = t.Adopted.Format("2006-01-02")
		}
		cw.Write([]string{SafeCell(t.Indicator), SafeCell(t.Unit), strconv.Itoa(t.Year), num(&t.Value), string(t.Kind),
			strconv.Itoa(t.Version), strconv.FormatBool(t.Adjusted), adopted, SafeCell(t.Source.Sentence)})
	}
	cw.Flush()
	return cw.Error()
}

// num writes a number the machine way, never in the one shape ParseNumber
// reads as a thousands group ("1.125" is written "1.1250").
func num(f *float64) string {
	if f == nil {
		return ""
	}
	s := strconv.FormatFloat(*f, 'f', -1, 64)
	if groupedOnce(strings.TrimPrefix(s, "-")) {
		s += "0"
	}
	return s
}

// SafeCell defuses text a spreadsheet would run as a formula.
func SafeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// UnsafeCell removes the guard SafeCell put before a formula-like text, for
// readers of other files planwatch writes with SafeCell.
func UnsafeCell(s string) string { return unsafeCell(s) }
