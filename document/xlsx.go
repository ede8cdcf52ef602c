package document

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// readXLSX reads every sheet of a workbook as a table under the sheet's
// name: merged cells repeated over their range, numbers written the
// Vietnamese way ("111,08") so that the extractor reads them as a person
// would, and the workbook's creation date.
func readXLSX(b []byte) (*Document, error) {
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: maxPart, UnzipXMLSizeLimit: maxPart})
	if err != nil {
		return nil, fmt.Errorf("tệp Excel hỏng / damaged XLSX: %w", err)
	}
	defer f.Close()
	d := &Document{}
	if p, err := f.GetDocProps(); err == nil {
		d.Title = p.Title
		d.Date = parseDate(p.Created)
		if d.Date.IsZero() {
			d.Date = parseDate(p.Modified)
		}
	}
	var out strings.Builder
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fmt.Errorf("trang tính %q / sheet %q: %w", sheet, sheet, err)
		}
		grid := make([][]string, len(rows))
		for r, row := range rows {
			grid[r] = make([]string, len(row))
			for c, v := range row {
				if v == "" {
					continue
				}
				axis, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if typ, _ := f.GetCellType(sheet, axis); typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset {
					v = viNumber(v)
				}
				grid[r][c] = cellText(v)
			}
		}
		if merges, err := f.GetMergeCells(sheet); err == nil {
			for _, m := range merges {
				c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
				c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
				if err1 != nil || err2 != nil || r2-r1 > 1000 || c2-c1 > 200 {
					continue
				}
				v := cellText(m.GetCellValue())
				for r := r1; r <= r2; r++ {
					for len(grid) < r {
						grid = append(grid, nil)
					}
					for c := c1; c <= c2; c++ {
						for len(grid[r-1]) < c {
							grid[r-1] = append(grid[r-1], "")
						}
						grid[r-1][c-1] = v
					}
				}
			}
		}
		// Lines above the table (a title, "Đơn vị tính: …") are text: a
		// row with one filled cell that is not a number.
		t := &table{}
		for _, row := range grid {
			filled := 0
			last := ""
			for _, c := range row {
				if c != "" {
					filled++
					last = c
				}
			}
			if filled == 1 && len(t.rows) == 0 {
				out.WriteString(last + "\n")
				continue
			}
			t.rows = append(t.rows, row)
		}
		t.write(&out)
	}
	d.Text = out.String()
	return d, nil
}

// viNumber writes a number as stored in a workbook ("111.08", "1E-3") with a
// decimal comma and no grouping; anything else is returned as it is.
func viNumber(s string) string {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	return strings.Replace(strconv.FormatFloat(x, 'f', -1, 64), ".", ",", 1)
}
