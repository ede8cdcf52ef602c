// Package catalogue reads and writes the catalogue a province manages as CSV
// files: indicators (the columns of data/indicators/provincial-core.csv,
// those of overrides.csv, and formula, category, retired), indicator sets
// (one row per unit, year and indicator) and unit groups (one row per group
// and unit). Readers report every bad row and column in Vietnamese and
// English and return nothing when one is bad; writers defuse spreadsheet
// formulas. What the rows mean is checked by the store
// (planwatch.CatalogueEditor); Remap turns the rows of its problems back
// into the file's lines.
package catalogue

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"

	"planwatch"
	"planwatch/nativecsv"
)

// MaxRows bounds a catalogue file: a province's catalogue has hundreds of
// indicators, its sets thousands of rows.
const MaxRows = 100_000

// IndicatorColumns are the columns of an indicators file, in the order
// WriteIndicators writes them. "time_agg" (overrides.csv's name) is read as
// "aggregation".
var IndicatorColumns = []string{"code", "name_vi", "name_en", "unit", "kind", "aggregation", "periodicity", "sector",
	"direction", "decimals", "unit_agg", "numerator", "denominator", "formula", "category", "retired"}

// SetColumns are the columns of an indicator sets file.
var SetColumns = []string{"unit", "year", "indicator", "target_kinds", "source"}

// GroupColumns are the columns of a unit groups file.
var GroupColumns = []string{"group", "name_vi", "name_en", "unit"}

// table is a CSV file read by header: each row's cells by column, with its line.
type table struct {
	header map[string]int
	rows   [][]string
	lines  []int
	err    *planwatch.Error
}

func (t *table) problem(line int, col, value, reason string) {
	t.err.Problems = planwatch.AddProblem(t.err.Problems, planwatch.Problem{Row: line, Column: col, Value: value, Reason: reason})
}

// cell is row i's text in column col ("" when the file has no such column),
// trimmed, NFC and with a spreadsheet guard undone.
func (t *table) cell(i int, col string) string {
	j, ok := t.header[col]
	if !ok || j >= len(t.rows[i]) {
		return ""
	}
	return norm.NFC.String(strings.TrimSpace(nativecsv.UnsafeCell(t.rows[i][j])))
}

// readTable reads a CSV file whose header names columns among known
// (aliases map another name to one of them) and must include required.
func readTable(r io.Reader, known, required []string, aliases map[string]string) (*table, error) {
	t := &table{header: map[string]int{}, err: &planwatch.Error{Code: planwatch.EINVALID}}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		t.problem(1, "", "", "tệp trống (empty file)")
		return nil, t.fail()
	} else if err != nil {
		t.problem(1, "", "", "CSV không hợp lệ (malformed CSV): "+err.Error())
		return nil, t.fail()
	}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if a, ok := aliases[h]; ok {
			h = a
		}
		switch {
		case !slices.Contains(known, h):
			t.problem(1, h, "", "cột không rõ (unknown column)")
		case t.has(h):
			t.problem(1, h, "", "cột có hai lần (column given twice)")
		default:
			t.header[h] = i
		}
	}
	for _, need := range required {
		if !t.has(need) {
			t.problem(1, need, "", "thiếu cột bắt buộc (required column missing)")
		}
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			t.problem(pe.Line, "", "", "CSV không hợp lệ (malformed CSV): "+pe.Err.Error())
			return nil, t.fail()
		} else if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		if len(t.rows) == MaxRows {
			t.problem(line, "", "", fmt.Sprintf("quá %d dòng (more than %d rows)", MaxRows, MaxRows))
			return nil, t.fail()
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		t.rows, t.lines = append(t.rows, rec), append(t.lines, line)
	}
	if len(t.err.Problems) > 0 {
		return nil, t.fail()
	}
	return t, nil
}

func (t *table) has(col string) bool { _, ok := t.header[col]; return ok }

// fail is the error of a file with problems.
func (t *table) fail() error {
	n := planwatch.CountProblems(t.err.Problems)
	t.err.Message = fmt.Sprintf("%d lỗi, không có gì được lưu (%d problems, nothing was stored)", n, n)
	return t.err
}

// code checks a code cell: required, without spaces, slashes or commas
// (codes are parts of keys and lists).
func (t *table) code(i int, col string) string {
	s := t.cell(i, col)
	if s == "" {
		t.problem(t.lines[i], col, "", "thiếu mã (code required)")
	} else if strings.ContainsAny(s, " \t/,;") {
		t.problem(t.lines[i], col, s, "mã không được có dấu cách, '/', ',' hay ';' (a code has no space, '/', ',' or ';')")
	}
	return s
}

// ReadIndicators reads an indicators file: code, name_vi and kind are
// required; the other columns may be absent or empty, and take the
// catalogue's defaults (aggregations from the kind, direction 1, decimals
// planwatch.DefaultDecimals). Every indicator is checked (Indicator.Check)
// and a code given twice is refused. Lines gives each indicator's line.
func ReadIndicators(r io.Reader) (inds []planwatch.Indicator, lines []int, err error) {
	t, err := readTable(r, IndicatorColumns, []string{"code", "name_vi", "kind"}, map[string]string{"time_agg": "aggregation"})
	if err != nil {
		return nil, nil, err
	}
	seen := map[string]int{}
	for i := range t.rows {
		line := t.lines[i]
		ind, problems := IndicatorOf(func(col string) string { return t.cell(i, col) })
		for _, p := range problems {
			t.problem(line, p.Column, p.Value, p.Reason)
		}
		if prev, dup := seen[ind.Code]; dup && ind.Code != "" {
			t.problem(line, "code", ind.Code, fmt.Sprintf("mã đã có ở dòng %d (code already on line %d)", prev, prev))
		}
		seen[ind.Code] = line
		inds = append(inds, ind)
	}
	if len(t.err.Problems) > 0 {
		return nil, nil, t.fail()
	}
	return inds, t.lines, nil
}

// IndicatorOf makes an indicator of the cells of one row (or form) by
// column name (IndicatorColumns; cell returns "" for an absent one), with
// the catalogue's defaults, and lists the problems of its cells (Row not set).
func IndicatorOf(cell func(col string) string) (planwatch.Indicator, []planwatch.Problem) {
	var problems []planwatch.Problem
	problem := func(col, value, reason string) {
		problems = append(problems, planwatch.Problem{Column: col, Value: value, Reason: reason})
	}
	ind := planwatch.Indicator{
		Code: cell("code"), NameVI: cell("name_vi"), NameEN: cell("name_en"), Unit: cell("unit"),
		Sector: cell("sector"), Kind: planwatch.Kind(cell("kind")), Periodicity: cell("periodicity"),
		Numerator: cell("numerator"), Denominator: cell("denominator"),
		Formula: cell("formula"), Category: cell("category"), Direction: planwatch.HigherIsBetter,
	}
	if ind.Code == "" {
		problem("code", "", "thiếu mã (code required)")
	} else if strings.ContainsAny(ind.Code, " \t/,;") {
		problem("code", ind.Code, "mã không được có dấu cách, '/', ',' hay ';' (a code has no space, '/', ',' or ';')")
	}
	ind.TimeAgg, ind.UnitAgg = planwatch.DefaultTimeAgg(ind.Kind), planwatch.DefaultUnitAgg(ind.Kind)
	if s := cell("aggregation"); s != "" {
		ind.TimeAgg = planwatch.TimeAgg(s)
	}
	if s := cell("unit_agg"); s != "" {
		ind.UnitAgg = planwatch.UnitAgg(s)
	}
	switch s := cell("direction"); s {
	case "", "1", "+1":
	case "-1":
		ind.Direction = planwatch.LowerIsBetter
	default:
		problem("direction", s, "chiều phải là 1 hoặc -1 (direction must be 1 or -1)")
	}
	ind.Decimals = planwatch.DefaultDecimals(&ind)
	if s := cell("decimals"); s != "" {
		d, err := strconv.Atoi(s)
		if err != nil || d < 0 || d > 6 {
			problem("decimals", s, "số chữ số thập phân phải từ 0 đến 6 (decimals must be 0 to 6)")
		}
		ind.Decimals = d
	}
	switch s := strings.ToLower(cell("retired")); s {
	case "", "0", "false", "no", "không", "off":
	case "1", "true", "yes", "có", "on":
		ind.Retired = true
	default:
		problem("retired", s, "phải là true hoặc false (must be true or false)")
	}
	if ind.NameVI == "" {
		problem("name_vi", "", "thiếu tên tiếng Việt (Vietnamese name required)")
	} else if field, err := ind.Check(); err != nil && ind.Code != "" {
		problem(field, cell(field), planwatch.ErrorMessage(err))
	}
	return ind, problems
}

// WriteIndicators writes an indicators file that ReadIndicators reads back
// as inds.
func WriteIndicators(w io.Writer, inds []planwatch.Indicator) error {
	cw := csv.NewWriter(w)
	cw.Write(IndicatorColumns)
	for _, ind := range inds {
		retired := ""
		if ind.Retired {
			retired = "true"
		}
		row := safe(ind.Code, ind.NameVI, ind.NameEN, ind.Unit, string(ind.Kind), string(ind.TimeAgg), ind.Periodicity,
			ind.Sector, "", "", string(ind.UnitAgg), ind.Numerator, ind.Denominator, ind.Formula, ind.Category, retired)
		row[8], row[9] = strconv.Itoa(int(ind.Direction)), strconv.Itoa(ind.Decimals) // numbers: nothing to defuse
		cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}

func safe(cells ...string) []string {
	for i, c := range cells {
		cells[i] = nativecsv.SafeCell(c)
	}
	return cells
}

// ReadSets reads an indicator sets file: one row per unit, year and
// indicator (target_kinds: kinds separated by commas or spaces, empty for
// any; source: the resolution, the same on every row of a set or given
// once). Rows of one unit and year make one set, in the order they come.
// Lines gives each item's line in the order of the store's problem rows
// (planwatch.CatalogueEditor.ApplyCatalogue), for Remap.
func ReadSets(r io.Reader) (sets []planwatch.IndicatorSet, lines []int, err error) {
	t, err := readTable(r, SetColumns, []string{"unit", "year", "indicator"}, nil)
	if err != nil {
		return nil, nil, err
	}
	index := map[string]int{}
	var itemLines [][]int
	for i := range t.rows {
		line := t.lines[i]
		unit, code := t.code(i, "unit"), t.code(i, "indicator")
		ys := t.cell(i, "year")
		year, err := strconv.Atoi(ys)
		if err != nil {
			t.problem(line, "year", ys, "năm không hợp lệ (invalid year)")
		}
		kinds, err := planwatch.ParseTargetKinds(t.cell(i, "target_kinds"))
		if err != nil {
			t.problem(line, "target_kinds", t.cell(i, "target_kinds"), planwatch.ErrorMessage(err))
		}
		key := unit + "/" + strconv.Itoa(year)
		k, ok := index[key]
		if !ok {
			k = len(sets)
			index[key] = k
			sets = append(sets, planwatch.IndicatorSet{Unit: unit, Year: year})
			itemLines = append(itemLines, nil)
		}
		s := &sets[k]
		if src := t.cell(i, "source"); src != "" {
			if s.Source != "" && s.Source != src {
				t.problem(line, "source", src, fmt.Sprintf("khác văn bản của bộ %s đã ghi (%q) (differs from the set's source)", key, s.Source))
			}
			s.Source = src
		}
		s.Items = append(s.Items, planwatch.SetItem{Indicator: code, TargetKinds: kinds})
		itemLines[k] = append(itemLines[k], line)
	}
	if len(t.err.Problems) > 0 {
		return nil, nil, t.fail()
	}
	for _, l := range itemLines {
		lines = append(lines, l...)
	}
	return sets, lines, nil
}

// WriteSets writes an indicator sets file that ReadSets reads back as sets.
func WriteSets(w io.Writer, sets []planwatch.IndicatorSet) error {
	cw := csv.NewWriter(w)
	cw.Write(SetColumns)
	for _, s := range sets {
		for _, it := range s.Items {
			cw.Write(safe(s.Unit, strconv.Itoa(s.Year), it.Indicator, planwatch.JoinTargetKinds(it.TargetKinds), s.Source))
		}
	}
	cw.Flush()
	return cw.Error()
}

// ReadGroups reads a unit groups file: one row per group and unit, the
// names given on at least one row of the group. Lines gives each member's
// line in the order of the store's problem rows, for Remap.
func ReadGroups(r io.Reader) (groups []planwatch.UnitGroup, lines []int, err error) {
	t, err := readTable(r, GroupColumns, []string{"group", "unit"}, nil)
	if err != nil {
		return nil, nil, err
	}
	index := map[string]int{}
	var memberLines [][]int
	for i := range t.rows {
		line := t.lines[i]
		code, unit := t.code(i, "group"), t.code(i, "unit")
		k, ok := index[code]
		if !ok {
			k = len(groups)
			index[code] = k
			groups = append(groups, planwatch.UnitGroup{Code: code})
			memberLines = append(memberLines, nil)
		}
		g := &groups[k]
		for _, f := range []struct {
			col string
			dst *string
		}{{"name_vi", &g.NameVI}, {"name_en", &g.NameEN}} {
			if v := t.cell(i, f.col); v != "" {
				if *f.dst != "" && *f.dst != v {
					t.problem(line, f.col, v, fmt.Sprintf("khác tên nhóm đã ghi (%q) (differs from the group's name)", *f.dst))
				}
				*f.dst = v
			}
		}
		g.Units = append(g.Units, unit)
		memberLines[k] = append(memberLines[k], line)
	}
	if len(t.err.Problems) > 0 {
		return nil, nil, t.fail()
	}
	for _, l := range memberLines {
		lines = append(lines, l...)
	}
	return groups, lines, nil
}

// WriteGroups writes a unit groups file that ReadGroups reads back as groups.
func WriteGroups(w io.Writer, groups []planwatch.UnitGroup) error {
	cw := csv.NewWriter(w)
	cw.Write(GroupColumns)
	for _, g := range groups {
		for i, u := range g.Units {
			en := g.NameEN
			if i > 0 {
				en = "" // names once per group
			}
			name := g.NameVI
			if i > 0 {
				name = ""
			}
			cw.Write(safe(g.Code, name, en, u))
		}
	}
	cw.Flush()
	return cw.Error()
}

// Remap turns the rows of the problems of an EINVALID error from the store
// (positions of items, 1-based) into lines of the file they came from. Other
// errors pass unchanged.
func Remap(err error, lines []int) error {
	var e *planwatch.Error
	if !errors.As(err, &e) || e.Code != planwatch.EINVALID {
		return err
	}
	out := *e
	out.Problems = slices.Clone(e.Problems)
	for i := range out.Problems {
		if r := out.Problems[i].Row; r >= 1 && r <= len(lines) {
			out.Problems[i].Row = lines[r-1]
		}
	}
	return &out
}
