package extract

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/xuri/excelize/v2"

	"planwatch/document"
)

// cellFact is what a table cell must give.
type cellFact struct {
	row, col  int
	period    string
	value     *float64
	unit      string
	yoy, plan *float64
	kind      string
}

func f64(v float64) *float64 { return &v }

// appendixCells are the facts of the appendix table of heldout4 file 35:
// every figure of every row, by row and column of the table as written
// (two header rows; row 3 is section "A").
func appendixCells() []cellFact {
	rows := []struct {
		row             int
		unit            string
		scale           float64
		last, plan, cur float64
		yoy, pp         float64
	}{
		{5, "VND", 1e9, 42150, 190000, 46820, 11.08, 24.64},
		{6, "VND", 1e9, 9820, 44000, 10950, 11.51, 24.89},
		{7, "USD", 1e6, 5120, 24000, 5890, 15.04, 24.54},
		{8, "USD", 1e6, 4950, 23100, 5690, 14.95, 24.63},
		{9, "VND", 1e9, 2340, 9150, 2615, 11.75, 28.58},
		{10, "VND", 1e9, 2050, 8200, 2310, 12.68, 28.17},
		{12, "người", 1, 7850, 32000, 8120, 3.44, 25.38},
	}
	out := []cellFact{
		{row: 4, col: 4, period: "2023Q1", unit: "%", yoy: f64(5.12), kind: Actual},
		{row: 4, col: 5, period: "2024", unit: "%", yoy: f64(7.5), kind: PlanGrowth},
		{row: 4, col: 6, period: "2024Q1", unit: "%", yoy: f64(6.45), kind: Actual},
	}
	for _, r := range rows {
		out = append(out,
			cellFact{row: r.row, col: 4, period: "2023Q1", unit: r.unit, value: f64(r.last * r.scale), kind: Actual},
			cellFact{row: r.row, col: 5, period: "2024", unit: r.unit, value: f64(r.plan * r.scale), kind: Plan},
			cellFact{row: r.row, col: 6, period: "2024Q1", unit: r.unit, value: f64(r.cur * r.scale), yoy: f64(r.yoy), plan: f64(r.pp), kind: Actual})
	}
	return append(out, cellFact{row: 13, col: 5, period: "2024", unit: "%", value: f64(1.8), kind: Plan})
}

// checkCells compares the facts of table no with the expected cells, all
// and only them.
func checkCells(t *testing.T, name string, facts []Fact, no int, want []cellFact) {
	t.Helper()
	got := map[[2]int]Fact{}
	for _, f := range facts {
		if f.Table == no {
			got[[2]int{f.Row, f.Column}] = f
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s: table %d gives %d facts, want %d", name, no, len(got), len(want))
	}
	same := func(a, b *float64) bool { return a == nil && b == nil || a != nil && b != nil && near(*a, *b) }
	for _, c := range want {
		f, ok := got[[2]int{c.row, c.col}]
		switch {
		case !ok:
			t.Errorf("%s: no fact for table %d row %d column %d", name, no, c.row, c.col)
		case f.Period != periodOf(c.period) || !same(f.Value, c.value) || (c.value != nil && f.Unit != c.unit) ||
			!same(f.YoYPct, c.yoy) || !same(f.PlanPct, c.plan) || f.Kind != c.kind:
			t.Errorf("%s: row %d column %d = %s %v %s yoy %v plan %v %s, want %s %v %s yoy %v plan %v %s", name, c.row, c.col,
				f.Period, deref(f.Value), f.Unit, deref(f.YoYPct), deref(f.PlanPct), f.Kind,
				c.period, deref(c.value), c.unit, deref(c.yoy), deref(c.plan), c.kind)
		}
	}
}

// periodOf writes a period the way facts do ("2023Q1" stays, "2024" stays).
func periodOf(s string) string { return s }

func deref(x *float64) string {
	if x == nil {
		return "-"
	}
	return fmt.Sprint(*x)
}

// TestTables is the table acceptance test of issue 14: a report's appendix
// table in Word (header cells merged over two rows and two columns, section
// rows, "Trong đó" sub-rows, a growth row) and the same table in a workbook
// give every cell as a fact with its period, unit and growth; a yearbook's
// flattened tables (one cell per line, "2021/2020" index columns and a
// "Đơn vị tính" line) too. Every fact points at its table, row and column.
func TestTables(t *testing.T) {
	x := New(loadCatalogue(t))
	read := func(b []byte) []Fact {
		d, err := document.Read(context.Background(), b)
		if err != nil {
			t.Fatal(err)
		}
		return x.Extract(d.Text, Options{FileDate: d.Date})
	}
	b, err := os.ReadFile(heldout4Dir + "/35-bacgiang-2024q1-phuluc.docx")
	if err != nil {
		t.Fatal(err)
	}
	checkCells(t, "DOCX", read(b), 1, appendixCells())

	// The same appendix as a workbook, merged cells and all.
	f := excelize.NewFile()
	sh := f.GetSheetName(0)
	sheet := [][]any{
		{"PHỤ LỤC MỘT SỐ CHỈ TIÊU KINH TẾ - XÃ HỘI CHỦ YẾU QUÝ I NĂM 2024"},
		{"STT", "Chỉ tiêu", "Đơn vị tính", "Thực hiện quý I/2023", "Năm 2024", nil, "So sánh (%)"},
		{nil, nil, nil, nil, "Kế hoạch", "Ước thực hiện quý I", "Cùng kỳ", "Kế hoạch"},
		{"A", "CHỈ TIÊU KINH TẾ"},
		{1, "Tốc độ tăng trưởng GRDP", "%", 5.12, 7.5, 6.45, "-", "-"},
		{2, "Giá trị sản xuất công nghiệp", "Tỷ đồng", 42150, 190000, 46820, 111.08, 24.64},
		{3, "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng", "Tỷ đồng", 9820, 44000, 10950, 111.51, 24.89},
		{4, "Kim ngạch xuất khẩu", "Triệu USD", 5120, 24000, 5890, 115.04, 24.54},
		{nil, "Trong đó: Xuất khẩu của khu vực FDI", "Triệu USD", 4950, 23100, 5690, 114.95, 24.63},
		{5, "Thu ngân sách nhà nước", "Tỷ đồng", 2340, 9150, 2615, 111.75, 28.58},
		{nil, "Trong đó: Thu nội địa", "Tỷ đồng", 2050, 8200, 2310, 112.68, 28.17},
		{"B", "CHỈ TIÊU XÃ HỘI"},
		{6, "Số lao động được tạo việc làm", "Người", 7850, 32000, 8120, 103.44, 25.38},
		{7, "Tỷ lệ hộ nghèo", "%", "-", 1.8, "-", "-", "-"},
	}
	for r, row := range sheet {
		cell, _ := excelize.CoordinatesToCellName(1, r+1)
		if err := f.SetSheetRow(sh, cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range [][2]string{{"A2", "A3"}, {"B2", "B3"}, {"C2", "C3"}, {"D2", "D3"}, {"E2", "F2"}, {"G2", "H2"}} {
		if err := f.MergeCell(sh, m[0], m[1]); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	checkCells(t, "XLSX", read(buf.Bytes()), 1, appendixCells())

	// The yearbook: table 1 of indices, table 2 of values.
	text, err := os.ReadFile(heldout4Dir + "/33-namdinh-2024-niengiam.txt")
	if err != nil {
		t.Fatal(err)
	}
	facts := x.Extract(string(text), Options{})
	index := [][]float64{{8.35, 6.12, 11.40, 7.85, 12.06}, {-4.80, -2.56, 2.10, -1.25, 1.30}, {8.90, 6.55, 11.92, 8.10, 12.45}, {4.15, 3.20, 8.64, 5.02, 9.11}}
	var want []cellFact
	for r, row := range index {
		for c, g := range row {
			want = append(want, cellFact{row: r + 2, col: c + 2, period: fmt.Sprint(2020 + c), unit: "%", yoy: f64(g), kind: Actual})
		}
	}
	checkCells(t, "yearbook indices", facts, 1, want)
	values := [][]float64{{38452.6, 40215.3, 43890.1, 46120.7, 49874.2}, {9845.2, 10120.4, 11502.8, 12340.1, 13915.6},
		{7210.5, 7645.9, 8820.3, 9516.4, 10884.0}, {24512.1, 25720.6, 27480.9, 28915.3, 30542.7}, {4095.3, 4374.3, 4906.4, 4865.3, 5415.9}}
	want = nil
	for r, row := range values {
		for c, v := range row {
			want = append(want, cellFact{row: r + 2, col: c + 2, period: fmt.Sprint(2020 + c), unit: "VND", value: f64(v * 1e9), kind: Actual})
		}
	}
	checkCells(t, "yearbook values", facts, 2, want)
}

// TestFlatTableVariants: a yearbook's "Sơ bộ" written over its year and a
// bilingual unit line.
func TestFlatTableVariants(t *testing.T) {
	text := "Diện tích gieo trồng cây hằng năm\nĐơn vị tính: Nghìn ha - Unit: Thous. ha\n2021\n2022\n2023\nSơ bộ\n2024\nTổng số\n120,5\n118,2\n117,9\n116,4\nLúa\n80,1\n79,5\n78,8\n78,0\n"
	facts := New(nil).Extract(text, Options{})
	if len(facts) != 8 {
		t.Fatalf("facts: %d, want 8: %+v", len(facts), facts)
	}
	last := facts[3]
	if last.Period != "2024" || last.Unit != "ha" || last.Value == nil || *last.Value != 116400 || last.Row != 2 || last.Column != 5 {
		t.Errorf("Sơ bộ 2024: %+v", last)
	}
}

// TestResolutionListForms: targets in a list written "tăng 8 - 8,5%" and
// "từ 8 - 8,5%" are growth targets.
func TestResolutionListForms(t *testing.T) {
	text := "NGHỊ QUYẾT\nVề kế hoạch phát triển kinh tế - xã hội năm 2025\n\n2. Các chỉ tiêu chủ yếu năm 2025\n- Tổng sản phẩm trên địa bàn (GRDP) tăng 8 - 8,5%.\n- Tốc độ tăng giá trị sản xuất công nghiệp từ 10 - 11%.\n- Thu ngân sách nhà nước 5.000 tỷ đồng.\n"
	facts := New(nil).Extract(text, Options{})
	var growth []string
	for _, f := range facts {
		if f.Kind == PlanGrowth && f.Period == "2025" {
			growth = append(growth, f.Range)
		}
	}
	if len(growth) != 2 || growth[0] != "8-8,5%" || growth[1] != "10-11%" {
		t.Errorf("growth targets %v in %+v", growth, facts)
	}
}
