package sheet

import (
	"encoding/csv"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"planwatch"
)

// AnnexRow is one indicator of the report's annex table, figures in base
// units. The percentages are those the report computed (calc); when nil they
// are left empty.
type AnnexRow struct {
	Indicator  planwatch.Indicator
	LastYear   *float64 // same period last year (cùng kỳ năm trước)
	Plan       *float64 // annual plan (kế hoạch năm)
	Current    *float64 // this period (thực hiện kỳ này)
	VsLastYear *float64 // this period as a percentage of the same period last year
	OfPlan     *float64 // this period as a percentage of the annual plan
}

// Annex is the annex table (phụ lục) of a period report.
type Annex struct {
	Title  string // e.g. "Phụ lục: Một số chỉ tiêu kinh tế - xã hội chủ yếu"
	Unit   string // unit name, for the subtitle
	Period planwatch.Period
	Rows   []AnnexRow
}

// AnnexSheet is the sheet name of the annex workbook.
const AnnexSheet = "Phụ lục"

var annexHeader = []string{"STT", "Chỉ tiêu", "Đơn vị tính", "Cùng kỳ năm trước", "Kế hoạch năm",
	"Thực hiện kỳ này", "So cùng kỳ (%)", "So kế hoạch (%)"}

// WriteAnnex writes the annex table as XLSX: indicator, unit, same period
// last year, annual plan, this period (in display units), % of the same
// period and % of plan.
func WriteAnnex(w io.Writer, a Annex) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", AnnexSheet); err != nil {
		return err
	}
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	head, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Alignment: &excelize.Alignment{WrapText: true, Horizontal: "center", Vertical: "center"},
		Border:    []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}}})
	pct, _ := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("0.0")})
	set := func(col, row int, v any) error { return f.SetCellValue(AnnexSheet, cell(col, row), v) }
	if err := set(1, 1, SafeText(a.Title)); err != nil {
		return err
	}
	f.SetCellStyle(AnnexSheet, "A1", "A1", bold)
	set(1, 2, SafeText(a.Unit+", "+a.Period.LabelVI()))
	for i, h := range annexHeader {
		set(i+1, 4, h)
	}
	f.SetCellStyle(AnnexSheet, "A4", cell(len(annexHeader), 4), head)
	for i, r := range a.Rows {
		row := 5 + i
		scale := scaleOf(r.Indicator)
		set(1, row, i+1)
		set(2, row, SafeText(r.Indicator.NameVI))
		set(3, row, SafeText(r.Indicator.Unit))
		num, _ := f.NewStyle(&excelize.Style{CustomNumFmt: ptr(numFmt(r.Indicator.Decimals))})
		for col, v := range map[int]*float64{4: r.LastYear, 5: r.Plan, 6: r.Current} {
			if v != nil {
				set(col, row, display(*v, scale))
			}
			f.SetCellStyle(AnnexSheet, cell(col, row), cell(col, row), num)
		}
		for col, v := range map[int]*float64{7: r.VsLastYear, 8: r.OfPlan} {
			if v != nil {
				set(col, row, display(*v, 1))
			}
			f.SetCellStyle(AnnexSheet, cell(col, row), cell(col, row), pct)
		}
	}
	for col, width := range map[string]float64{"A": 6, "B": 60, "C": 14, "D": 18, "E": 18, "F": 18, "G": 14, "H": 14} {
		f.SetColWidth(AnnexSheet, col, col, width)
	}
	_, err := f.WriteTo(w)
	return err
}

// ValueColumns are the columns of the plain lists of values.
var ValueColumns = []string{"indicator", "name", "base_unit", "orgunit", "period", "basis", "vintage",
	"value", "yoy_pct", "plan_pct", "vs_ref_pct", "comment", "deleted", "source", "by", "at"}

// valueRecords turns values into cells: strings guarded, numbers as float64.
func valueRecords(values []planwatch.DataValue, inds map[string]planwatch.Indicator) [][]any {
	out := make([][]any, 0, len(values))
	num := func(f *float64) any {
		if f == nil {
			return nil
		}
		return *f
	}
	for _, v := range values {
		ind := inds[v.Indicator]
		base, _ := planwatch.SplitUnit(ind.Unit)
		at := ""
		if !v.At.IsZero() {
			at = v.At.UTC().Format(time.RFC3339)
		}
		out = append(out, []any{SafeText(v.Indicator), SafeText(ind.NameVI), SafeText(base), SafeText(v.Unit),
			v.Period.ID(), string(v.Basis), v.Vintage.String(), num(v.Value), num(v.YoY), num(v.PlanPct),
			num(v.VsRef), SafeText(v.Comment), v.Deleted, SafeText(v.Source.String()), SafeText(v.By), at})
	}
	return out
}

// WriteValuesCSV writes values as CSV with ValueColumns, in base units.
func WriteValuesCSV(w io.Writer, values []planwatch.DataValue, inds map[string]planwatch.Indicator) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(ValueColumns); err != nil {
		return err
	}
	for _, rec := range valueRecords(values, inds) {
		cells := make([]string, len(rec))
		for i, c := range rec {
			switch c := c.(type) {
			case string:
				cells[i] = c
			case float64:
				cells[i] = strconv.FormatFloat(c, 'f', -1, 64)
			case bool:
				cells[i] = strconv.FormatBool(c)
			}
		}
		if err := cw.Write(cells); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ValuesSheet is the sheet name of the XLSX list of values.
const ValuesSheet = "values"

// WriteValuesXLSX writes values as an XLSX sheet with ValueColumns, in base
// units; numbers are number cells.
func WriteValuesXLSX(w io.Writer, values []planwatch.DataValue, inds map[string]planwatch.Indicator) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", ValuesSheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(ValuesSheet)
	if err != nil {
		return err
	}
	head := make([]any, len(ValueColumns))
	for i, c := range ValueColumns {
		head[i] = c
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	for i, rec := range valueRecords(values, inds) {
		if err := sw.SetRow(cell(1, i+2), rec); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}
