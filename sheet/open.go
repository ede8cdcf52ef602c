package sheet

import (
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"planwatch"
)

// Limits on reading a workbook, so that a small file cannot expand into
// gigabytes or millions of rows (a 300 KiB file of six million empty rows).
const (
	// MaxExpanded bounds the size of all the parts of a workbook once
	// unzipped: as much as the largest upload the server takes.
	MaxExpanded = 64 << 20
	// maxPartInMemory is the size past which a part is unzipped to a
	// temporary file (removed when the workbook is closed).
	maxPartInMemory = 16 << 20
	// MaxRows bounds the rows of one sheet, empty rows counted: Excel's own
	// limit, so that no workbook Excel writes is refused.
	MaxRows = 1 << 20
)

// Open reads a workbook from r under the limits above. A file that is not
// a workbook, or expands past MaxExpanded, is an EINVALID error.
func Open(r io.Reader) (*excelize.File, error) {
	f, err := excelize.OpenReader(r, excelize.Options{UnzipSizeLimit: MaxExpanded, UnzipXMLSizeLimit: maxPartInMemory})
	if err != nil {
		if strings.Contains(err.Error(), "unzip size") {
			return nil, planwatch.Errorf(planwatch.EINVALID, "tệp XLSX giải nén quá %d MiB / the workbook expands to more than %d MiB", MaxExpanded>>20, MaxExpanded>>20)
		}
		return nil, planwatch.Errorf(planwatch.EINVALID, "tệp XLSX không đọc được / not an XLSX workbook: %v", err)
	}
	return f, nil
}

// Rows reads the rows of a sheet as text, like excelize's GetRows, but
// streaming, and refusing a sheet of more than MaxRows rows (EINVALID)
// rather than holding them. Empty rows are nil.
func Rows(f *excelize.File, sheet string, opts ...excelize.Options) ([][]string, error) {
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, planwatch.Errorf(planwatch.EINVALID, "không có trang tính %q / no sheet %q", sheet, sheet)
	}
	defer rows.Close()
	var out [][]string
	last := 0 // rows up to the last one with a cell
	for rows.Next() {
		if len(out) == MaxRows {
			return nil, planwatch.Errorf(planwatch.EINVALID, "trang tính %q có quá %d dòng / sheet %q has more than %d rows", sheet, MaxRows, sheet, MaxRows)
		}
		cols, err := rows.Columns(opts...)
		if err != nil {
			return nil, planwatch.Errorf(planwatch.EINVALID, "trang tính %q, dòng %d: %v / sheet %q, row %d: %v", sheet, len(out)+1, err, sheet, len(out)+1, err)
		}
		if len(cols) == 0 {
			cols = nil
		} else {
			last = len(out) + 1
		}
		out = append(out, cols)
	}
	if err := rows.Error(); err != nil {
		return nil, planwatch.Errorf(planwatch.EINVALID, "trang tính %q: %v / sheet %q: %v", sheet, err, sheet, err)
	}
	return out[:last], nil
}
