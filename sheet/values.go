package sheet

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"planwatch"
)

// ReadValuesXLSX reads back an XLSX list of values written by
// WriteValuesXLSX (base units, ValueColumns). Every cell it cannot read is a
// Problem naming its row and column, and then the values are nil; a workbook
// without the values sheet or with other columns is an EINVALID error.
func ReadValuesXLSX(r io.Reader, ref string) ([]planwatch.DataValue, []planwatch.Problem, error) {
	f, err := Open(r)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	if i, _ := f.GetSheetIndex(ValuesSheet); i < 0 {
		return nil, nil, planwatch.Errorf(planwatch.EINVALID, "no %q sheet of values", ValuesSheet)
	}
	rows, err := Rows(f, ValuesSheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, nil, err
	}
	if len(rows) == 0 {
		return nil, nil, planwatch.Errorf(planwatch.EINVALID, "no %q sheet of values", ValuesSheet)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[strings.TrimSpace(h)] = i
	}
	for _, c := range ValueColumns {
		if _, ok := col[c]; !ok {
			return nil, nil, planwatch.Errorf(planwatch.EINVALID, "sheet %q: column %q missing", ValuesSheet, c)
		}
	}
	var values []planwatch.DataValue
	var problems []planwatch.Problem
	for i, rec := range rows[1:] {
		row := i + 2
		get := func(c string) string {
			if k := col[c]; k < len(rec) {
				return strings.TrimSpace(rec[k])
			}
			return ""
		}
		bad := func(c, v, why string) {
			name, _ := excelize.ColumnNumberToName(col[c] + 1)
			problems = planwatch.AddProblem(problems, planwatch.Problem{Row: row, Column: name, Value: v, Reason: c + ": " + why})
		}
		if strings.Join(rec, "") == "" {
			continue
		}
		n := len(problems)
		num := func(c string) *float64 {
			s := get(c)
			if s == "" {
				return nil
			}
			x, err := strconv.ParseFloat(s, 64)
			if err != nil || math.IsNaN(x) || math.IsInf(x, 0) || strings.ContainsAny(s, "xXpP_") {
				bad(c, s, "not a number")
				return nil
			}
			return &x
		}
		v := planwatch.DataValue{Key: planwatch.Key{Indicator: unsafeText(get("indicator")), Unit: unsafeText(get("orgunit"))},
			Basis: planwatch.Basis(get("basis")), Value: num("value"), YoY: num("yoy_pct"), PlanPct: num("plan_pct"),
			VsRef: num("vs_ref_pct"), Comment: unsafeText(get("comment")),
			Source: planwatch.Source{Kind: planwatch.SourceFile, Ref: ref, Row: row}}
		var err error
		if v.Period, err = planwatch.ParsePeriod(get("period")); err != nil {
			bad("period", get("period"), planwatch.ErrorMessage(err))
		}
		if v.Vintage, err = planwatch.ParseVintage(get("vintage")); err != nil {
			bad("vintage", get("vintage"), planwatch.ErrorMessage(err))
		}
		switch d := strings.ToLower(get("deleted")); d {
		case "", "0", "false":
		case "1", "true":
			v.Deleted = true
		default:
			bad("deleted", d, "expected true or false")
		}
		if len(problems) > n {
			continue
		}
		if err := v.Validate(); err != nil {
			problems = planwatch.AddProblem(problems, planwatch.Problem{Row: row, Reason: fmt.Sprint(planwatch.ErrorMessage(err))})
			continue
		}
		values = append(values, v)
	}
	if len(problems) > 0 {
		return nil, problems, nil
	}
	return values, nil, nil
}

// FirstSheetCSV turns the first sheet of a workbook into CSV text, rows
// padded to the widest, so that a workbook with the columns of planwatch's
// CSV goes through the same reader as the CSV and names rows the same way.
func FirstSheetCSV(r io.Reader) ([]byte, error) {
	f, err := Open(r)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, planwatch.Errorf(planwatch.EINVALID, "tệp XLSX không có trang tính / workbook has no sheet")
	}
	rows, err := Rows(f, sheets[0])
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	width := 0
	for _, row := range rows {
		width = max(width, len(row))
	}
	for _, row := range rows {
		for len(row) < width {
			row = append(row, "")
		}
		cw.Write(row)
	}
	cw.Flush()
	return buf.Bytes(), cw.Error()
}
