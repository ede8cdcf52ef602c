// Package sheet writes and reads the spreadsheets planning staff work in:
// the data-entry workbook for a unit, period and sector (written, filled in,
// read back), the report's annex table, and plain CSV or XLSX lists of
// values. It holds no storage code.
//
// Workbooks show figures in display units ("tỷ đồng", "triệu USD", as
// Indicator.Unit prints them) and convert with the unit's scale, so that
// planwatch keeps base units (VND, USD …): 5.953 in a "tỷ đồng" row is
// 5953000000. The CSV and XLSX lists of values carry base units.
//
// Every text cell written is safe against spreadsheet formula injection: text
// that starts with = + - @, a tab or a carriage return gets a leading
// apostrophe; numbers stay numbers.
package sheet

import (
	"math"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"planwatch"
	"planwatch/nativecsv"
)

// SafeText guards a text cell against formula injection, by the rule of
// CSV cells (nativecsv.SafeCell): a workbook's text may be copied out to
// a CSV file or pasted cell by cell.
func SafeText(s string) string { return nativecsv.SafeCell(s) }

// unsafeText undoes SafeText when a workbook is read back.
func unsafeText(s string) string { return nativecsv.UnsafeCell(s) }

// numFmt is an Excel number format with the indicator's decimals.
func numFmt(decimals int) string {
	if decimals <= 0 {
		return "#,##0"
	}
	return "#,##0." + strings.Repeat("0", min(decimals, 6))
}

// cell names a cell from 1-based column and row.
func cell(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

// display converts a base value to the display unit.
func display(base float64, scale float64) float64 {
	if scale == 0 {
		scale = 1
	}
	v := base / scale
	// Drop float noise from the division (5953e9/1e9).
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 12, 64), 64)
	return r
}

// toBase converts a display-unit value to base units without float noise.
func toBase(v, scale float64) float64 {
	b := v * scale
	r, _ := strconv.ParseFloat(strconv.FormatFloat(b, 'g', 15, 64), 64)
	if math.IsInf(r, 0) {
		return b
	}
	return r
}

// scaleOf is the factor from an indicator's display unit to its base unit.
func scaleOf(ind planwatch.Indicator) float64 {
	_, s := planwatch.SplitUnit(ind.Unit)
	if s == 0 {
		return 1
	}
	return s
}
