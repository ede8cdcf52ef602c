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
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"planwatch"
	"planwatch/internal/hugepage"
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
// naming line and column; on error the change set is nil. It holds the whole
// file's change set in memory: a values file of any size streams through
// NewStream instead.
func Read(r io.Reader, name string) (*planwatch.ChangeSet, error) {
	st, err := NewStream(r, name)
	if err != nil {
		return nil, err
	}
	perr := st.problems()
	cs := &planwatch.ChangeSet{From: name}
	for n := 0; ; n++ {
		row, ok := st.next(perr)
		if !ok {
			break
		}
		if n >= MaxRows {
			// First, so that a capped list of problems still shows it.
			perr.Problems = append([]planwatch.Problem{{Row: row.line, Reason: fmt.Sprintf("quá %d dòng / more than %d rows", MaxRows, MaxRows)}}, perr.Problems...)
			break
		}
		if st.Kind == Values {
			var v planwatch.DataValue
			if row.value(&v) {
				cs.Values = append(cs.Values, v)
			}
		} else if t, ok := row.target(); ok {
			cs.Targets = append(cs.Targets, t)
		}
	}
	if len(perr.Problems) > 0 {
		return nil, perr
	}
	return cs, nil
}

// IsTargets reports whether a file starting with head (its first line at
// least) is a targets file rather than a values file: its header has a year
// column.
func IsTargets(head []byte) bool {
	line, _, _ := bytes.Cut(head, []byte("\n"))
	for _, h := range strings.Split(string(line), ",") {
		if strings.ToLower(strings.Trim(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")), `"`)) == "year" {
			return true
		}
	}
	return false
}

// Stream reads a file row by row, so that a values file of any size is
// checked and imported without holding it (Values, for Store.ApplyStream).
type Stream struct {
	Kind Kind
	name string
	cr   *records
	cols columns
	// scales and periods remember what the few distinct unit and period
	// cells of a file mean.
	scales    map[string]float64
	lastUnit  string // the last unit cell read, and its scale
	lastScale float64
	periods   map[string]periodCell
	names     map[string]string // indicator and unit codes, kept once each (intern)
	lastCodes [2]string         // the last row's indicator and unit codes (code)
	done      bool
	row       rowReader // the row being read
	numbers   []float64 // what is left of the block numbers are taken from
	block     int       // the size of that block
}

// maxCached bounds the cells a Stream remembers, whatever the file holds;
// maxCodes the codes (intern): a national file names 11,000 units.
const (
	maxCached = 4096
	maxCodes  = 1 << 15
)

type periodCell struct {
	p   planwatch.Period
	err error
}

// columns are the positions of the known columns in a file, -1 when absent.
type columns struct {
	indicator, orgunit, period, year, value, unit, basis, vintage, yoy, planPct, vsRef, comment int
	kind, version, adjusted, adopted, source                                                    int
}

// NewStream reads the header of a values or targets file (which one it is,
// Kind, comes from the header). A header with unknown or missing columns is
// an EINVALID *planwatch.Error naming them.
func NewStream(r io.Reader, name string) (*Stream, error) {
	cr := newRecords(r)
	header, err := cr.Read()
	if err != nil {
		return nil, planwatch.Errorf(planwatch.EINVALID, "%s: không đọc được dòng tiêu đề / cannot read the header: %v", name, err)
	}
	cols := map[string]int{}
	for i, hb := range header {
		h := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(string(hb), "\ufeff")))
		cols[h] = i
	}
	st := &Stream{Kind: Values, name: name, cr: cr, scales: map[string]float64{}, periods: map[string]periodCell{},
		names: map[string]string{}}
	allowed := valueColumns
	if _, ok := cols["year"]; ok {
		st.Kind, allowed = Targets, targetColumns
	}
	perr := st.problems()
	for h := range cols {
		if !contains(allowed, h) {
			perr.Problems = planwatch.AddProblem(perr.Problems, planwatch.Problem{Row: 1, Column: h, Reason: "cột không rõ / unknown column"})
		}
	}
	for _, need := range allowed[:4] {
		if _, ok := cols[need]; !ok {
			perr.Problems = planwatch.AddProblem(perr.Problems, planwatch.Problem{Row: 1, Column: need, Reason: "thiếu cột bắt buộc / required column missing"})
		}
	}
	if len(perr.Problems) > 0 {
		return nil, perr
	}
	at := func(c string) int {
		if i, ok := cols[c]; ok {
			return i
		}
		return -1
	}
	st.cols = columns{indicator: at("indicator"), orgunit: at("orgunit"), period: at("period"), year: at("year"),
		value: at("value"), unit: at("unit"), basis: at("basis"), vintage: at("vintage"), yoy: at("yoy_pct"),
		planPct: at("plan_pct"), vsRef: at("vs_ref_pct"), comment: at("comment"), kind: at("kind"),
		version: at("version"), adjusted: at("adjusted"), adopted: at("adopted"), source: at("source")}
	return st, nil
}

// problems is the error that collects a file's problems.
func (st *Stream) problems() *planwatch.Error {
	return &planwatch.Error{Code: planwatch.EINVALID, Message: fmt.Sprintf("%s: tệp có lỗi, không có dữ liệu nào được nhập / the file has errors, nothing was imported", st.name)}
}

// next reads the next non-blank row; false at the end of the file or after
// a malformed line (its problem added to perr).
func (st *Stream) next(perr *planwatch.Error) (*rowReader, bool) {
	for !st.done {
		rec, err := st.cr.Read()
		if err == io.EOF {
			st.done = true
			break
		}
		if err != nil {
			st.done = true
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				perr.Problems = planwatch.AddProblem(perr.Problems, planwatch.Problem{Row: pe.Line, Reason: "CSV không hợp lệ / malformed CSV: " + pe.Err.Error()})
			} else {
				perr.Problems = planwatch.AddProblem(perr.Problems, planwatch.Problem{Row: 0, Reason: err.Error()})
			}
			break
		}
		if blank(rec) {
			continue
		}
		line := st.cr.Line() // the reader skips blank lines: count as the file does
		st.row = rowReader{st: st, rec: rec, line: line, err: perr}
		return &st.row, true
	}
	return nil, false
}

// Values yields the value of every row of a values file, or, for a row
// with problems, an EINVALID *planwatch.Error naming them (line and
// column): the caller goes on, so that every bad row is named. A malformed
// line ends the file with its problem. Values come with Source kind file,
// Ref the file's name and Row the line.
func (st *Stream) Values() iter.Seq2[planwatch.DataValue, error] {
	return func(yield func(planwatch.DataValue, error) bool) {
		if st.Kind != Values {
			yield(planwatch.DataValue{}, planwatch.Errorf(planwatch.EINVALID, "%s: không phải tệp số liệu / not a values file", st.name))
			return
		}
		// Rows are read and parsed on a goroutine of their own, a chunk at a
		// time, while the caller takes in the previous chunk: an import
		// keeps two cores busy.
		chunks, free := make(chan []rowValue, 2), make(chan []rowValue, 3) // produce makes 4 chunks at most
		done := make(chan struct{})
		defer close(done)
		go st.produce(chunks, free, done)
		for chunk := range chunks {
			for i := range chunk {
				if !yield(chunk[i].v, chunk[i].err) {
					return
				}
			}
			select {
			case free <- chunk[:0]:
			default:
			}
		}
	}
}

// rowValue is a row read: its value or its problems.
type rowValue struct {
	v   planwatch.DataValue
	err error
}

// produce reads every row into chunks sent on out, until the end of the
// file or done; it closes out.
func (st *Stream) produce(out chan<- []rowValue, free <-chan []rowValue, done <-chan struct{}) {
	defer close(out)
	const size = 1024
	// Problems of a row gather here, and go out in an error of their own.
	scratch := &planwatch.Error{Code: planwatch.EINVALID}
	fail := func() error {
		perr := st.problems()
		perr.Problems = slices.Clone(scratch.Problems)
		return perr
	}
	// At most chunks chunks are made, then reused as the reader hands
	// them back: fresh memory costs a fault a page when first written,
	// and the file is read faster than it is taken in.
	const chunks = 4
	chunk, made := make([]rowValue, 0, size), 1
	send := func() bool {
		select {
		case out <- chunk:
		case <-done:
			return false
		}
		if made < chunks {
			select {
			case chunk = <-free:
			default:
				chunk, made = make([]rowValue, 0, size), made+1
			}
			return true
		}
		select {
		case chunk = <-free:
		case <-done:
			return false
		}
		return true
	}
	for {
		scratch.Problems = scratch.Problems[:0]
		row, ok := st.next(scratch)
		if !ok {
			if len(scratch.Problems) > 0 {
				chunk = append(chunk, rowValue{err: fail()})
			}
			if len(chunk) > 0 {
				send()
			}
			return
		}
		// The row is read into its place in the chunk: a value is large.
		chunk = append(chunk, rowValue{})
		last := &chunk[len(chunk)-1]
		if !row.value(&last.v) {
			last.err = fail()
		}
		if len(chunk) == size && !send() {
			return
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func blank(rec [][]byte) bool {
	for _, c := range rec {
		if len(bytes.TrimSpace(c)) > 0 {
			return false
		}
	}
	return true
}

type rowReader struct {
	st   *Stream
	rec  [][]byte // the cells, as records cut them
	line int
	err  *planwatch.Error
	bad  bool
}

// cell is the trimmed text of the column at position i (-1: absent).
func (r *rowReader) cell(i int) string {
	return string(r.cellBytes(i))
}

// cellBytes is cell as it lies in the file, valid until the next row.
func (r *rowReader) cellBytes(i int) []byte {
	if i < 0 || i >= len(r.rec) {
		return nil
	}
	return bytes.TrimSpace(r.rec[i])
}

// textBytes is textAt without a copy: the cell as it lies in the file
// when it is UTF-8 without an apostrophe (no guard to undo), otherwise
// textAt's text.
func (r *rowReader) textBytes(col string, i int, required bool) []byte {
	b := r.cellBytes(i)
	if bytes.IndexByte(b, '\'') >= 0 || !utf8.Valid(b) {
		return []byte(r.textAt(col, i, required))
	}
	if required && len(b) == 0 {
		r.fail(col, "", "bắt buộc / required")
	}
	return b
}

// get is the cell of a column by name, for messages' sake kept beside cell.
func (r *rowReader) get(col string) string { return r.cell(r.st.index(col)) }

// index is the position of a known column.
func (st *Stream) index(col string) int {
	c := &st.cols
	switch col {
	case "indicator":
		return c.indicator
	case "orgunit":
		return c.orgunit
	case "period":
		return c.period
	case "year":
		return c.year
	case "value":
		return c.value
	case "unit":
		return c.unit
	case "basis":
		return c.basis
	case "vintage":
		return c.vintage
	case "yoy_pct":
		return c.yoy
	case "plan_pct":
		return c.planPct
	case "vs_ref_pct":
		return c.vsRef
	case "comment":
		return c.comment
	case "kind":
		return c.kind
	case "version":
		return c.version
	case "adjusted":
		return c.adjusted
	case "adopted":
		return c.adopted
	case "source":
		return c.source
	}
	return -1
}

func (r *rowReader) fail(col, value, reason string) {
	r.bad = true
	r.err.Problems = planwatch.AddProblem(r.err.Problems, planwatch.Problem{Row: r.line, Column: col, Value: value, Reason: reason})
}

// intern returns a code read from the file (records) as a string, one
// string for each of the few codes a file repeats.
func (st *Stream) intern(b []byte) string {
	if k, ok := st.names[string(b)]; ok {
		return k
	}
	k := string(b)
	if len(st.names) < maxCodes {
		st.names[k] = k
	}
	return k
}

// code is intern for the codes of column i (0 indicator, 1 unit), which
// are mostly the row before's: files list a series' rows together.
func (st *Stream) code(i int, b []byte) string {
	if string(b) == st.lastCodes[i] {
		return st.lastCodes[i]
	}
	st.lastCodes[i] = st.intern(b)
	return st.lastCodes[i]
}

func (r *rowReader) text(col string, required bool) string {
	return r.textAt(col, r.st.index(col), required)
}

// textAt is text of column col at position i.
func (r *rowReader) textAt(col string, i int, required bool) string {
	s := r.cell(i)
	if !utf8.ValidString(s) {
		r.fail(col, "", "không phải UTF-8 / not valid UTF-8")
		return ""
	}
	if required && s == "" {
		r.fail(col, "", "bắt buộc / required")
	}
	return unsafeCell(s)
}

// unsafeCell removes the guards SafeCell put (see there).
func unsafeCell(s string) string {
	if !strings.Contains(s, "'") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' && cellStart(s, i) && formulaAt(s[i+1:]) {
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func (r *rowReader) number(col string, required bool) *float64 {
	return r.numberAt(col, r.st.index(col), required)
}

// numberAt is number of column col at position i.
func (r *rowReader) numberAt(col string, i int, required bool) *float64 {
	b := r.cellBytes(i)
	if len(b) == 0 {
		if required {
			r.fail(col, "", "bắt buộc / required")
		}
		return nil
	}
	f, ok := parseSimple(string(b))
	if !ok {
		s := string(b)
		var err error
		if f, err = parseNumber(s); err != nil {
			r.fail(col, s, "không phải số / not a number")
			return nil
		}
	}
	// Numbers are carved from blocks: one allocation where there would be
	// thousands. A block is never reused, so a value may be kept as long
	// as wanted. Blocks grow from a thousand numbers to half a million
	// (4 MiB, made for huge pages: hugepage) as a file goes on.
	if len(r.st.numbers) == 0 {
		r.st.block = min(max(1024, 8*r.st.block), 1<<19)
		r.st.numbers = hugepage.Make[float64](r.st.block)[:r.st.block]
	}
	p := &r.st.numbers[0]
	r.st.numbers = r.st.numbers[1:]
	*p = f
	return p
}

func (r *rowReader) scale(col string) float64 {
	u := r.cellBytes(r.st.cols.unit)
	if len(u) == 0 {
		return 1
	}
	if string(u) == r.st.lastUnit { // rows mostly say the unit of the row before
		return r.st.lastScale
	}
	scale, ok := r.st.scales[string(u)]
	if !ok {
		_, scale = planwatch.SplitUnit(string(u))
		if len(r.st.scales) < maxCached {
			r.st.scales[string(u)] = scale
		}
	}
	r.st.lastUnit, r.st.lastScale = string(u), scale
	return scale
}

// source is where a row's figure comes from.
func (r *rowReader) source() planwatch.Source {
	return planwatch.Source{Kind: planwatch.SourceFile, Ref: r.st.name, Row: r.line}
}

// value reads the row's value into v (zero); false when the row has problems.
func (r *rowReader) value(v *planwatch.DataValue) bool {
	v.Source, v.Basis, v.Vintage = r.source(), planwatch.BasisPeriod, planwatch.Official
	c := &r.st.cols // positions, not names: this runs for every row
	v.Indicator = r.st.code(0, r.textBytes("indicator", c.indicator, true))
	v.Unit = r.st.code(1, r.textBytes("orgunit", c.orgunit, true))
	if ps := r.textBytes("period", c.period, true); len(ps) > 0 {
		pc, ok := r.st.periods[string(ps)]
		if !ok {
			pc.p, pc.err = planwatch.ParsePeriod(string(ps))
			if len(r.st.periods) < maxCached {
				r.st.periods[string(ps)] = pc
			}
		}
		if pc.err != nil {
			r.fail("period", string(ps), "kỳ không hợp lệ / invalid period (2022, 2022S1, 2022Q1, 202203, 2022Q1-Q3, 202201-202204)")
		}
		v.Period = pc.p
	}
	v.Value = r.numberAt("value", c.value, false)
	if v.Value != nil {
		*v.Value *= r.scale("value")
	}
	v.YoY = r.numberAt("yoy_pct", c.yoy, false)
	v.PlanPct = r.numberAt("plan_pct", c.planPct, false)
	v.VsRef = r.numberAt("vs_ref_pct", c.vsRef, false)
	if v.Value == nil && v.YoY == nil && v.PlanPct == nil && v.VsRef == nil && len(r.cellBytes(c.value)) == 0 {
		r.fail("value", "", "cần giá trị hoặc một so sánh / a value or a comparison is required")
	}
	switch b := r.cellBytes(c.basis); string(b) {
	case "", "period", "kỳ":
	case "cumulative", "lũy kế", "luỹ kế":
		v.Basis = planwatch.BasisCumulative
	default:
		r.fail("basis", string(b), "phải là period hoặc cumulative / must be period or cumulative")
	}
	if s := r.cell(c.vintage); s != "" {
		vin, err := planwatch.ParseVintage(s)
		if err != nil {
			r.fail("vintage", s, "phải là estimate, preliminary hoặc official / must be estimate, preliminary or official")
		}
		v.Vintage = vin
	}
	v.Comment = r.textAt("comment", c.comment, false)
	return !r.bad
}

func (r *rowReader) target() (planwatch.Target, bool) {
	t := planwatch.Target{Source: r.source(), Kind: planwatch.TargetPlan} // version 0: the next version
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
	if f, ok := parseSimple(s); ok {
		return f, nil
	}
	return parseNumber(s)
}

// pow10 are the powers of ten a float64 holds exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
	1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseSimple reads what files mostly hold ("279,6", "5.953,5", "12.5",
// "-3") in one pass, as parseNumber reads it: with at most 15 digits the
// digits are an exact integer and a power of ten up to 1e22 is exact, so
// one division rounds once, as strconv.ParseFloat does. Anything else
// (spaces, signs other than a leading '-', more digits, malformed text) is
// left to parseNumber: false.
func parseSimple(s string) (float64, bool) {
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		s = s[1:]
	}
	var m uint64
	// Digits in all, after the last dot and after the comma.
	digits, afterDot, afterComma, dots, commas := 0, 0, 0, 0, 0
	lastDot := -1
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			m = m*10 + uint64(c-'0')
			digits++
			afterDot++
			afterComma++
		case c == '.':
			dots++
			lastDot, afterDot = i, 0
		case c == ',':
			commas++
			afterComma = 0
		default:
			return 0, false
		}
	}
	if digits == 0 || digits > 15 || commas > 1 || (dots > 0 && !wellGrouped(s)) {
		return 0, false
	}
	decimals := 0
	switch {
	case commas == 1: // dots group thousands, the comma marks decimals
		if s[0] == ',' || s[0] == '.' || s[len(s)-1] == ',' || s[len(s)-1] == '.' {
			return 0, false
		}
		decimals = afterComma
	case dots > 1 || groupedOnce(s): // dots group thousands
		if s[0] == '.' || s[len(s)-1] == '.' {
			return 0, false
		}
	case dots == 1: // the machine's decimal point
		if lastDot == 0 || lastDot == len(s)-1 {
			return 0, false
		}
		decimals = afterDot
	}
	f := float64(m) / pow10[decimals]
	if neg {
		f = -f
	}
	return f, true
}

// parseNumber is ParseNumber for any text.
func parseNumber(s string) (float64, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	if s == "" {
		return 0, fmt.Errorf("empty")
	}
	neg := strings.HasPrefix(s, "-")
	body := strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	if !wellGrouped(body) {
		return 0, fmt.Errorf("invalid number %q: the dots group thousands, three digits each, and the comma marks decimals (5.953,5)", s)
	}
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

// wellGrouped reports whether a number that groups thousands with dots
// (any with a decimal comma or more than one dot, and "5.953") has them
// every three digits, and no dot or second comma after its decimal comma:
// "12,345.6" and "1.234.5" are not Vietnamese numbers (an English one read
// the Vietnamese way would be another figure), so they are refused rather
// than read as 12.3456 and 12345.
func wellGrouped(s string) bool {
	intPart, frac, hasComma := strings.Cut(s, ",")
	if hasComma {
		if strings.ContainsAny(frac, ".,") {
			return false
		}
	} else if strings.Count(s, ".") <= 1 && !groupedOnce(s) {
		return true // a decimal point, or none
	}
	if !strings.Contains(intPart, ".") {
		return true
	}
	first, groups, _ := strings.Cut(intPart, ".")
	if len(first) < 1 || len(first) > 3 {
		return false
	}
	for { // (no strings.Split: the number read stays where it is, see numberAt)
		g, more, found := strings.Cut(groups, ".")
		if len(g) != 3 {
			return false
		}
		if !found {
			return true
		}
		groups = more
	}
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

// SafeCell defuses text a spreadsheet would run as a formula. A
// spreadsheet may split a CSV line on another separator than the file's
// (Excel uses ";" where the decimal mark is a comma, as in Vietnam) and may
// break a quoted field at a newline, so every place where a cell could
// start — the text's start and after any of , ; tab CR LF — is guarded:
// when the text from there, past spaces and quotes, starts with = + - @, a
// tab or a line break
// (or with an apostrophe before such a text, so that guarding can be
// undone exactly), an apostrophe is put there. "x;=HYPERLINK(…)" is written
// "x;'=HYPERLINK(…)", " =1+1" is "' =1+1"; readers undo it (unsafeCell).
func SafeCell(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if cellStart(s, i) && formulaAt(s[i:]) {
			if b.Len() == 0 {
				b.Grow(len(s) + 4)
				b.WriteString(s[:i])
			}
			b.WriteByte('\'')
		}
		if b.Len() > 0 {
			b.WriteByte(s[i])
		}
	}
	if b.Len() == 0 {
		return s
	}
	return b.String()
}

// cellSeparators are the characters after which a spreadsheet may start a cell.
const cellSeparators = ",;\t\r\n"

// cellStart reports whether a cell could start at byte i of s.
func cellStart(s string, i int) bool {
	return i == 0 || strings.IndexByte(cellSeparators, s[i-1]) >= 0
}

// formulaAt reports whether a cell starting with t (up to the next
// separator) would be run as a formula, or is a guard before one.
func formulaAt(t string) bool {
	i := 0
	for i < len(t) && (t[i] == ' ' || t[i] == '"') {
		i++
	}
	if i == len(t) {
		return false
	}
	switch t[i] {
	case '=', '+', '-', '@', '\t', '\r', '\n': // a leading tab or line break is dropped by some spreadsheets
		return true
	case '\'':
		return i == 0 && formulaAt(t[1:])
	}
	return false
}

// UnsafeCell removes the guard SafeCell put before a formula-like text, for
// readers of other files planwatch writes with SafeCell.
func UnsafeCell(s string) string { return unsafeCell(s) }
