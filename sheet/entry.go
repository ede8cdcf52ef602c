package sheet

import (
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"planwatch"
)

// EntryRow is one indicator of a data-entry workbook, figures in base units.
type EntryRow struct {
	Indicator planwatch.Indicator
	LastYear  *float64 // same period last year (cùng kỳ năm trước)
	Plan      *float64 // annual plan (kế hoạch năm)
}

// EntryForm describes a data-entry workbook (biểu nhập số liệu).
type EntryForm struct {
	Unit     string // GSO code
	UnitName string
	Period   planwatch.Period
	Sector   string
	Basis    planwatch.Basis   // of the figures entered; period when empty
	Vintage  planwatch.Vintage // of the figures entered; official when zero
	Rows     []EntryRow
}

// Sheet names and layout of the entry workbook.
const (
	EntrySheet = "Nhập liệu"
	metaSheet  = "planwatch"
	headerRow  = 4 // the column headings; data starts below
	entryCol   = 6 // F: this period
	commentCol = 7 // G: comment
)

var entryHeader = []string{"Mã chỉ tiêu", "Tên chỉ tiêu", "Đơn vị tính", "Cùng kỳ năm trước", "Kế hoạch năm",
	"Thực hiện kỳ này", "Ghi chú"}

// WriteEntryWorkbook writes the data-entry workbook: one row per indicator
// with its code, name, display unit, the same period last year and the
// annual plan, and an empty column for this period that accepts numbers only;
// everything but the entry and comment columns is protected (without a
// password: the protection prevents slips, not tampering, which the reader
// checks). A hidden sheet records the unit, period, basis and vintage.
func WriteEntryWorkbook(w io.Writer, form EntryForm) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", EntrySheet); err != nil {
		return err
	}
	basis, vintage := form.Basis, form.Vintage
	if basis == "" {
		basis = planwatch.BasisPeriod
	}
	if vintage == 0 {
		vintage = planwatch.Official
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"},
		Fill:   excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Border: []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}}})
	if err != nil {
		return err
	}
	open, err := f.NewStyle(&excelize.Style{Protection: &excelize.Protection{Locked: false},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFF2CC"}}})
	if err != nil {
		return err
	}
	set := func(col, row int, v any) error { return f.SetCellValue(EntrySheet, cell(col, row), v) }
	title := fmt.Sprintf("Biểu nhập số liệu: %s, %s", form.UnitName, form.Period.LabelVI())
	if form.Sector != "" {
		title += ", lĩnh vực " + form.Sector
	}
	if err := set(1, 1, SafeText(title)); err != nil {
		return err
	}
	f.SetCellStyle(EntrySheet, "A1", "A1", bold)
	note := fmt.Sprintf("Đơn vị %s (mã %s), kỳ %s, %s. Nhập số theo đơn vị tính của từng dòng vào cột F.",
		form.UnitName, form.Unit, form.Period.ID(), vintageVI(vintage))
	if err := set(1, 2, SafeText(note)); err != nil {
		return err
	}
	for i, h := range entryHeader {
		if err := set(i+1, headerRow, h); err != nil {
			return err
		}
	}
	f.SetCellStyle(EntrySheet, cell(1, headerRow), cell(len(entryHeader), headerRow), head)
	for i, r := range form.Rows {
		row := headerRow + 1 + i
		ind := r.Indicator
		scale := scaleOf(ind)
		for col, v := range []string{ind.Code, ind.NameVI, ind.Unit} {
			if err := set(col+1, row, SafeText(v)); err != nil {
				return err
			}
		}
		style, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr(numFmt(ind.Decimals))})
		if err != nil {
			return err
		}
		for col, v := range map[int]*float64{4: r.LastYear, 5: r.Plan} {
			if v != nil {
				if err := set(col, row, display(*v, scale)); err != nil {
					return err
				}
			}
			f.SetCellStyle(EntrySheet, cell(col, row), cell(col, row), style)
		}
		entry, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr(numFmt(ind.Decimals)),
			Protection: &excelize.Protection{Locked: false}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFF2CC"}}})
		if err != nil {
			return err
		}
		f.SetCellStyle(EntrySheet, cell(entryCol, row), cell(entryCol, row), entry)
		f.SetCellStyle(EntrySheet, cell(commentCol, row), cell(commentCol, row), open)
	}
	if n := len(form.Rows); n > 0 {
		dv := excelize.NewDataValidation(true)
		dv.Sqref = cell(entryCol, headerRow+1) + ":" + cell(entryCol, headerRow+n)
		if err := dv.SetRange(-1e15, 1e15, excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorBetween); err != nil {
			return err
		}
		dv.SetError(excelize.DataValidationErrorStyleStop, "Chỉ nhập số", "Ô này chỉ nhận số (theo đơn vị tính của dòng).")
		if err := f.AddDataValidation(EntrySheet, dv); err != nil {
			return err
		}
	}
	for col, width := range map[string]float64{"A": 28, "B": 60, "C": 14, "D": 18, "E": 18, "F": 18, "G": 30} {
		f.SetColWidth(EntrySheet, col, col, width)
	}
	if err := f.SetPanes(EntrySheet, &excelize.Panes{Freeze: true, YSplit: headerRow, TopLeftCell: cell(1, headerRow+1), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := f.ProtectSheet(EntrySheet, &excelize.SheetProtectionOptions{SelectLockedCells: true,
		SelectUnlockedCells: true, FormatColumns: true, FormatRows: true}); err != nil {
		return err
	}
	if _, err := f.NewSheet(metaSheet); err != nil {
		return err
	}
	for i, kv := range [][2]string{{"unit", form.Unit}, {"period", form.Period.ID()}, {"sector", form.Sector},
		{"basis", string(basis)}, {"vintage", vintage.String()}, {"format", "planwatch-entry/1"}} {
		f.SetCellValue(metaSheet, cell(1, i+1), kv[0])
		f.SetCellValue(metaSheet, cell(2, i+1), SafeText(kv[1]))
	}
	if err := f.SetSheetVisible(metaSheet, false, true); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	_, err = f.WriteTo(w)
	return err
}

func ptr[T any](v T) *T { return &v }

func vintageVI(v planwatch.Vintage) string {
	switch v {
	case planwatch.Estimate:
		return "số ước tính"
	case planwatch.Preliminary:
		return "số sơ bộ"
	}
	return "số chính thức"
}

// Entry is a filled-in entry workbook read back.
type Entry struct {
	Unit    string
	Period  planwatch.Period
	Sector  string
	Basis   planwatch.Basis
	Vintage planwatch.Vintage
	// Values are the figures entered, in base units, with Source.Row the
	// sheet row. Rows left empty are not values.
	Values []planwatch.DataValue
	// Problems names the row and column of every cell that cannot be read.
	Problems []planwatch.Problem
}

// EntryOptions say how an entry workbook is read.
type EntryOptions struct {
	Ref string // file name, for Source.Ref
	By  string
	Now time.Time
	// Indicators is the catalogue the codes of column A must belong to; the
	// display unit of column C must be the indicator's.
	Indicators map[string]planwatch.Indicator
}

var rxVINumber = regexp.MustCompile(`^-?\d{1,3}(\.\d{3})+(,\d+)?$|^-?\d+,\d+$`)

// ReadEntryWorkbook reads a filled-in entry workbook. A file that is not
// an entry workbook written by WriteEntryWorkbook is an EINVALID error; a
// cell that cannot be read (text in the entry column, a changed code or unit,
// a formula without a computed value) is a Problem naming its row and column,
// and the caller must not store anything while there are problems.
func ReadEntryWorkbook(r io.Reader, opts EntryOptions) (*Entry, error) {
	f, err := Open(r)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	meta := map[string]string{}
	if i, _ := f.GetSheetIndex(metaSheet); i < 0 {
		return nil, planwatch.Errorf(planwatch.EINVALID, "not a planwatch data-entry workbook (no %q sheet)", metaSheet)
	}
	rows, err := Rows(f, metaSheet)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		if len(r) >= 2 {
			meta[r[0]] = unsafeText(r[1])
		}
	}
	if meta["format"] != "planwatch-entry/1" {
		return nil, planwatch.Errorf(planwatch.EINVALID, "not a planwatch data-entry workbook (format %q)", meta["format"])
	}
	e := &Entry{Unit: meta["unit"], Sector: meta["sector"], Basis: planwatch.Basis(meta["basis"])}
	if e.Period, err = planwatch.ParsePeriod(meta["period"]); err != nil {
		return nil, planwatch.Errorf(planwatch.EINVALID, "entry workbook: %s", planwatch.ErrorMessage(err))
	}
	if e.Vintage, err = planwatch.ParseVintage(meta["vintage"]); err != nil || e.Unit == "" ||
		(e.Basis != planwatch.BasisPeriod && e.Basis != planwatch.BasisCumulative) {
		return nil, planwatch.Errorf(planwatch.EINVALID, "entry workbook: damaged settings sheet")
	}
	if i, _ := f.GetSheetIndex(EntrySheet); i < 0 {
		return nil, planwatch.Errorf(planwatch.EINVALID, "entry workbook: no %q sheet", EntrySheet)
	}
	n, err := Rows(f, EntrySheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, err
	}
	problem := func(row, col int, value, reason string) {
		name, _ := excelize.ColumnNumberToName(col)
		e.Problems = planwatch.AddProblem(e.Problems, planwatch.Problem{Row: row, Column: name, Value: value, Reason: reason})
	}
	seen := map[string]int{}
	for i := headerRow; i < len(n); i++ {
		row := i + 1
		get := func(col int) string {
			if col-1 < len(n[i]) {
				return strings.TrimSpace(n[i][col-1])
			}
			return ""
		}
		code, raw, comment := unsafeText(get(1)), get(entryCol), unsafeText(get(commentCol))
		if code == "" && raw == "" && comment == "" {
			continue
		}
		ind, ok := opts.Indicators[code]
		switch {
		case code == "":
			problem(row, 1, "", "a figure without an indicator code")
			continue
		case opts.Indicators != nil && !ok:
			problem(row, 1, code, "unknown indicator code")
			continue
		case opts.Indicators != nil && unsafeText(get(3)) != ind.Unit:
			problem(row, 3, get(3), fmt.Sprintf("the unit of %s is %q", code, ind.Unit))
			continue
		}
		if prev, dup := seen[code]; dup {
			problem(row, 1, code, fmt.Sprintf("indicator already on row %d", prev))
			continue
		}
		seen[code] = row
		if formula, _ := f.GetCellFormula(EntrySheet, cell(entryCol, row)); formula != "" && raw == "" {
			problem(row, entryCol, "="+formula, "a formula without a computed value")
			continue
		}
		if raw == "" {
			if comment != "" {
				problem(row, entryCol, "", "a comment without a figure")
			}
			continue
		}
		v, err := strconv.ParseFloat(raw, 64)
		if err != nil && rxVINumber.MatchString(raw) {
			v, err = strconv.ParseFloat(strings.ReplaceAll(strings.ReplaceAll(raw, ".", ""), ",", "."), 64)
		}
		if err != nil || strings.ContainsAny(raw, "xXpP_") || v != v {
			problem(row, entryCol, raw, "not a number")
			continue
		}
		scale := scaleOf(ind)
		if opts.Indicators == nil {
			scale = scaleOf(planwatch.Indicator{Unit: unsafeText(get(3))})
		}
		e.Values = append(e.Values, planwatch.DataValue{
			Key:   planwatch.Key{Indicator: code, Unit: e.Unit, Period: e.Period},
			Basis: e.Basis, Vintage: e.Vintage, Value: planwatch.Float(toBase(v, scale)), Comment: comment,
			Source: planwatch.Source{Kind: planwatch.SourceFile, Ref: opts.Ref, Row: row},
			By:     opts.By, At: opts.Now,
		})
	}
	return e, nil
}

// ChangeSet is the change set of an entry without problems; nil otherwise.
func (e *Entry) ChangeSet(by, from string) *planwatch.ChangeSet {
	if len(e.Problems) > 0 {
		return nil
	}
	return &planwatch.ChangeSet{By: by, From: from, Values: e.Values}
}
