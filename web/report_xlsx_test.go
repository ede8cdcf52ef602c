package web

import (
	"bytes"
	"math"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"

	"planwatch/sheet"
)

// The report's annex downloads as a workbook whose figures are numbers in
// display units, the same the report prints (retail: 5.885 tỷ đồng in
// 2022Q1 against 5.500 a year before and a plan of 22.600).
func TestReportAnnexAsWorkbook(t *testing.T) {
	s := newTestServer(t, Config{})
	c := newClient(t, s)
	rec := c.get("/report/download?unit=20&period=2022Q1&format=xlsx")
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("xlsx download: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	f, err := sheet.Open(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(sheet.AnnexSheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	num := func(row []string, col int) float64 {
		v := math.NaN()
		if col < len(row) {
			if x, err := strconv.ParseFloat(row[col], 64); err == nil {
				v = x
			}
		}
		return v
	}
	found := false
	for _, row := range rows {
		if len(row) < 8 || row[1] != "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng" {
			continue
		}
		found = true
		for _, c := range []struct {
			col  int
			want float64
		}{{3, 5500}, {4, 22600}, {5, 5885}, {6, 107}, {7, 26.04}} {
			if got := num(row, c.col); math.Abs(got-c.want) > 0.06 {
				t.Errorf("retail, column %d: %v (%q), want %v", c.col+1, got, row[c.col], c.want)
			}
		}
	}
	if !found {
		t.Errorf("no retail row in the annex workbook: %q", rows)
	}
	if rec := c.get("/report?unit=20&period=2022Q1"); !bytes.Contains(rec.Body.Bytes(), []byte(`id="dl-xlsx"`)) {
		t.Errorf("the report page offers no annex workbook")
	}
}
