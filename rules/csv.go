package rules

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"planwatch"
	"planwatch/internal/engine"
	"planwatch/nativecsv"
)

// RuleColumns are the columns of a rules CSV file, in order.
var RuleColumns = []string{"code", "name_vi", "name_en", "each", "left", "op", "right", "importance", "action", "tolerance_pct", "message_vi", "message_en"}

// CategoryColumns are the columns of a categories CSV file: one row per option.
var CategoryColumns = []string{"category", "name_vi", "name_en", "option", "option_name_vi", "option_name_en"}

// MaxRows bounds a rules or categories file.
const MaxRows = 10000

// table reads a CSV file with a header naming at least the required
// columns (in any order); rows are maps by column. Problems name the line.
func table(r io.Reader, columns, required []string) ([]map[string]string, []int, []planwatch.Problem) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, nil, []planwatch.Problem{{Row: 1, Reason: "không đọc được dòng tiêu đề / cannot read the header: " + err.Error()}}
	}
	idx := map[string]int{}
	var ps []planwatch.Problem
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		idx[h] = i
	}
	for _, c := range required {
		if _, ok := idx[c]; !ok {
			ps = append(ps, planwatch.Problem{Row: 1, Column: c, Reason: "thiếu cột / missing column (columns: " + strings.Join(columns, ",") + ")"})
		}
	}
	if len(ps) > 0 {
		return nil, nil, ps
	}
	var rows []map[string]string
	var lines []int
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, append(ps, planwatch.Problem{Row: line, Reason: "CSV: " + err.Error()})
		}
		if len(rows) >= MaxRows {
			return nil, nil, append(ps, planwatch.Problem{Row: line, Reason: fmt.Sprintf("quá %d dòng / more than %d rows", MaxRows, MaxRows)})
		}
		m := map[string]string{}
		for _, c := range columns {
			if i, ok := idx[c]; ok && i < len(rec) {
				v := strings.TrimSpace(rec[i])
				if !utf8.ValidString(v) {
					ps = append(ps, planwatch.Problem{Row: line, Column: c, Reason: "không phải UTF-8 / not valid UTF-8"})
					continue
				}
				m[c] = nativecsv.UnsafeCell(v)
			}
		}
		rows = append(rows, m)
		lines = append(lines, line)
	}
	return rows, lines, ps
}

// ReadRules reads a rules CSV file. An EINVALID error lists every bad row
// and column (rows are the file's lines).
func ReadRules(r io.Reader) ([]planwatch.ValidationRule, error) {
	rows, lines, ps := table(r, RuleColumns, []string{"code", "name_vi", "left", "op", "right"})
	var out []planwatch.ValidationRule
	for i, m := range rows {
		rule := planwatch.ValidationRule{Code: m["code"], NameVI: m["name_vi"], NameEN: m["name_en"], Each: m["each"],
			Left: m["left"], Right: m["right"], Importance: first(m["importance"], "medium"), Action: first(m["action"], planwatch.RuleWarn),
			MessageVI: m["message_vi"], MessageEN: m["message_en"]}
		op, ok := planwatch.ParseRuleOp(m["op"])
		rule.Op = op
		if !ok {
			rule.Op = planwatch.RuleOp(m["op"])
		}
		if t := m["tolerance_pct"]; t != "" {
			f, err := strconv.ParseFloat(strings.Replace(t, ",", ".", 1), 64)
			if err != nil {
				ps = append(ps, planwatch.Problem{Row: lines[i], Column: "tolerance_pct", Value: t, Reason: "không phải số / not a number"})
			}
			rule.Tolerance = f
		}
		out = append(out, rule)
	}
	for _, p := range engine.CheckRules(out) {
		p.Row = lines[p.Row-1]
		ps = append(ps, p)
	}
	if len(ps) > 0 {
		return nil, engine.Invalid(ps)
	}
	return out, nil
}

// CheckAgainst refuses rules that name indicators the catalogue lacks, or
// whose template selects nothing; problems name the file's lines when
// lines is given (else the 1-based order).
func CheckAgainst(rules []planwatch.ValidationRule, inds []planwatch.Indicator) error {
	_, ps := Compile(rules, inds)
	for i, r := range rules {
		if r.Each == "" {
			continue
		}
		if sel, err := ParseSelector(r.Each); err == nil && len(sel.Select(inds)) == 0 {
			ps = append(ps, planwatch.Problem{Row: i + 1, Column: "each", Value: r.Each, Reason: "không chọn chỉ tiêu nào / selects no indicator"})
		}
	}
	if len(ps) > 0 {
		return engine.Invalid(ps)
	}
	return nil
}

// WriteRules writes rules as CSV, every cell safe to open in a spreadsheet.
func WriteRules(w io.Writer, rules []planwatch.ValidationRule) error {
	cw := csv.NewWriter(w)
	cw.Write(RuleColumns)
	for _, r := range rules {
		tol := ""
		if r.Tolerance != 0 {
			tol = strconv.FormatFloat(r.Tolerance, 'f', -1, 64)
		}
		rec := []string{r.Code, r.NameVI, r.NameEN, r.Each, r.Left, string(r.Op), r.Right, r.Importance, r.Action, tol, r.MessageVI, r.MessageEN}
		for i := range rec {
			rec[i] = nativecsv.SafeCell(rec[i])
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

// ReadCategories reads a categories CSV file (one row per option; a
// category's rows together). An EINVALID error lists every bad row.
func ReadCategories(r io.Reader) ([]planwatch.Category, error) {
	rows, lines, ps := table(r, CategoryColumns, []string{"category", "name_vi", "option", "option_name_vi"})
	var out []planwatch.Category
	at := map[string]int{}
	firstLine := map[string]int{}
	for i, m := range rows {
		code := m["category"]
		k, ok := at[code]
		if !ok {
			out = append(out, planwatch.Category{Code: code, NameVI: m["name_vi"], NameEN: m["name_en"]})
			k = len(out) - 1
			at[code] = k
			firstLine[code] = lines[i]
		}
		out[k].Options = append(out[k].Options, planwatch.CategoryOption{Code: m["option"], NameVI: m["option_name_vi"], NameEN: m["option_name_en"]})
	}
	for _, c := range out {
		for _, p := range c.Validate() {
			if p.Row == 0 {
				p.Row = firstLine[c.Code]
			} else {
				p.Row = lineOfOption(rows, lines, c.Code, p.Row)
			}
			ps = append(ps, p)
		}
	}
	if len(ps) > 0 {
		return nil, engine.Invalid(ps)
	}
	return out, nil
}

// lineOfOption is the file line of a category's n-th option (1-based).
func lineOfOption(rows []map[string]string, lines []int, cat string, n int) int {
	for i, m := range rows {
		if m["category"] == cat {
			if n--; n == 0 {
				return lines[i]
			}
		}
	}
	return 0
}

// WriteCategories writes categories as CSV, one row per option.
func WriteCategories(w io.Writer, cats []planwatch.Category) error {
	cw := csv.NewWriter(w)
	cw.Write(CategoryColumns)
	for _, c := range cats {
		for _, o := range c.Options {
			rec := []string{c.Code, c.NameVI, c.NameEN, o.Code, o.NameVI, o.NameEN}
			for i := range rec {
				rec[i] = nativecsv.SafeCell(rec[i])
			}
			cw.Write(rec)
		}
	}
	cw.Flush()
	return cw.Error()
}
