package document

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

const heldout4 = "../extract/testdata/heldout4/"

func read(t *testing.T, b []byte) *Document {
	t.Helper()
	d, err := Read(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDetect(t *testing.T) {
	for _, c := range []struct {
		in, want string
	}{
		{"%PDF-1.7\n…", PDF},
		{"<!DOCTYPE html><html>", HTML},
		{"\ufeff  <html lang=vi>", HTML},
		{"<!-- x --><html>", HTML},
		{"Tổng mức bán lẻ <b>đạt</b> 5.953 tỷ đồng", Text},
		{"PK\x03\x04 word/document.xml", DOCX},
		{"PK\x03\x04 xl/workbook.xml", XLSX},
		{"PK\x03\x04 other", ""},
	} {
		if got := Detect([]byte(c.in)); got != c.want {
			t.Errorf("Detect(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestText(t *testing.T) {
	// UTF-16 with a byte-order mark, as Notepad saves it, and decomposed
	// Vietnamese come out as NFC UTF-8.
	u16 := []byte{0xff, 0xfe}
	for _, r := range "Hòa Bình\r\n" {
		u16 = append(u16, byte(r), byte(r>>8))
	}
	if d := read(t, u16); d.Text != "Hòa Bình\n" || d.Format != Text {
		t.Errorf("UTF-16: %q %s", d.Text, d.Format)
	}
	if d := read(t, []byte("Ho\u0300a")); d.Text != "Hòa" {
		t.Errorf("NFC: %q", d.Text)
	}
	if _, err := Read(context.Background(), []byte("\xff\x00abc")); err == nil {
		t.Error("bytes that are not UTF-8 were accepted as text")
	}
}

func TestDOCX(t *testing.T) {
	b, err := os.ReadFile(heldout4 + "35-bacgiang-2024q1-phuluc.docx")
	if err != nil {
		t.Fatal(err)
	}
	d := read(t, b)
	for _, want := range []string{
		"Bắc Giang, ngày 05 tháng 4 năm 2024\n",
		// Merged header cells: "Năm 2024" spans two columns, "STT" two rows.
		"| STT | Chỉ tiêu | Đơn vị tính | Thực hiện quý I/2023 | Năm 2024 | Năm 2024 | So sánh (%) | So sánh (%) |\n",
		"| STT | Chỉ tiêu | Đơn vị tính | Thực hiện quý I/2023 | Kế hoạch | Ước thực hiện quý I | Cùng kỳ | Kế hoạch |\n",
		"|  | Trong đó: Thu nội địa | Tỷ đồng | 2.050 | 8.200 | 2.310 | 112,68 | 28,17 |\n",
	} {
		if !strings.Contains(d.Text, want) {
			t.Errorf("DOCX text lacks %q:\n%s", want, d.Text)
		}
	}
	if d.Format != DOCX || d.Title != "Phụ lục báo cáo kinh tế - xã hội quý I năm 2024" {
		t.Errorf("format %q title %q", d.Format, d.Title)
	}
	b, err = os.ReadFile(heldout4 + "36-thaibinh-2023m09-congthuong.docx")
	if err != nil {
		t.Fatal(err)
	}
	if d := read(t, b); !d.Date.Equal(time.Date(2023, 10, 4, 8, 30, 0, 0, time.UTC)) {
		t.Errorf("core properties date = %v", d.Date)
	}
}

func TestHTML(t *testing.T) {
	b, err := os.ReadFile(heldout4 + "34-quangtri-2024m05-baodientu.html")
	if err != nil {
		t.Fatal(err)
	}
	d := read(t, b)
	if !strings.HasPrefix(d.Text, "Thu hút đầu tư 5 tháng đạt hơn 12.400 tỷ đồng\n") {
		t.Errorf("the headline is not first:\n%s", d.Text)
	}
	if !strings.Contains(d.Text, "\n\nRiêng trong tháng 5, toàn tỉnh có 62 doanh nghiệp") {
		t.Errorf("paragraphs are not apart:\n%s", d.Text)
	}
	// Furniture: ticker, menu, sidebar, ads, share counts, footer, scripts.
	for _, not := range []string{"Giá vàng", "Trang chủ", "Tin mới", "Quảng Bình", "899.000", "lượt thích", "Giấy phép", "truy cập", "Kim ngạch 500", "dataLayer", "Từ khóa"} {
		if strings.Contains(d.Text, not) {
			t.Errorf("page furniture %q kept:\n%s", not, d.Text)
		}
	}
	want := time.Date(2024, 6, 3, 8, 15, 0, 0, time.FixedZone("", 7*3600))
	if !d.Date.Equal(want) {
		t.Errorf("date = %v, want %v", d.Date, want)
	}
	// Without an <article>, the block with most paragraph text wins.
	d = read(t, []byte(`<html><body><div class="menu"><a>Trang chủ</a> <a>Kinh tế</a></div>
<div id="content"><p>Đoạn một có 5 tỷ đồng.</p><p>Đoạn hai có 12 dự án.</p></div>
<div class="footer"><p>Điện thoại 0233.3852.421</p></div></body></html>`))
	if d.Text != "Đoạn một có 5 tỷ đồng.\n\nĐoạn hai có 12 dự án.\n\n" {
		t.Errorf("article by score: %q", d.Text)
	}
	// Row and column spans.
	d = read(t, []byte(`<html><body><table><tr><th rowspan="2">Chỉ tiêu</th><th colspan="2">Năm 2024</th></tr>
<tr><th>KH</th><th>TH</th></tr><tr><td>A</td><td>1</td><td>2</td></tr></table></body></html>`))
	if want := "| Chỉ tiêu | Năm 2024 | Năm 2024 |\n| Chỉ tiêu | KH | TH |\n| A | 1 | 2 |\n"; !strings.Contains(d.Text, want) {
		t.Errorf("table:\n%s\nwant\n%s", d.Text, want)
	}
}

func TestXLSX(t *testing.T) {
	f := excelize.NewFile()
	sh := f.GetSheetName(0)
	cells := map[string]any{
		"A1": "BIỂU SỐ LIỆU QUÝ I NĂM 2024", "A2": "Đơn vị tính: Tỷ đồng",
		"A3": "Chỉ tiêu", "B3": "Năm 2024", "B4": "Kế hoạch", "C4": "Ước thực hiện quý I",
		"A5": "Thu ngân sách", "B5": 9150, "C5": 2615.5,
	}
	for k, v := range cells {
		if err := f.SetCellValue(sh, k, v); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range [][2]string{{"B3", "C3"}, {"A3", "A4"}} {
		if err := f.MergeCell(sh, m[0], m[1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SetDocProps(&excelize.DocProperties{Created: "2024-04-05T09:00:00Z", Title: "Biểu"}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	d := read(t, buf.Bytes())
	want := "BIỂU SỐ LIỆU QUÝ I NĂM 2024\nĐơn vị tính: Tỷ đồng\n\n| Chỉ tiêu | Năm 2024 | Năm 2024 |\n| Chỉ tiêu | Kế hoạch | Ước thực hiện quý I |\n| Thu ngân sách | 9150 | 2615,5 |\n"
	if !strings.Contains(d.Text, want) || d.Format != XLSX {
		t.Errorf("XLSX text:\n%s\nwant\n%s", d.Text, want)
	}
	if !d.Date.Equal(time.Date(2024, 4, 5, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("date = %v", d.Date)
	}
}

func TestPDF(t *testing.T) {
	b, err := os.ReadFile(heldout4 + "37-daknong-2024s1-dulich.pdf")
	if err != nil {
		t.Fatal(err)
	}
	d, err := Read(context.Background(), b)
	if _, lookErr := exec.LookPath("pdftotext"); lookErr != nil {
		if !errors.Is(err, ErrNoPDFText) {
			t.Fatalf("without pdftotext: %v, want ErrNoPDFText", err)
		}
		t.Skip("pdftotext (poppler-utils) is not installed; the message is checked")
	}
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(d.Text, "Công suất sử dụng phòng bình quân đạt 52,3%.") || d.Format != PDF {
		t.Errorf("PDF text:\n%s", d.Text)
	}
	if _, err := exec.LookPath("pdfinfo"); err == nil && !d.Date.Equal(time.Date(2024, 7, 6, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("PDF date = %v", d.Date)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Read(ctx, b); err == nil {
		t.Error("a cancelled context still read the PDF")
	}
	if _, err := Read(context.Background(), []byte("%PDF-1.4\nnot a pdf")); err == nil {
		t.Error("a broken PDF was read")
	}
}

// FuzzRead checks that no input makes a reader panic (PDF is left to
// poppler).
func FuzzRead(f *testing.F) {
	for _, name := range []string{"35-bacgiang-2024q1-phuluc.docx", "34-quangtri-2024m05-baodientu.html", "30-hanam-2021m01-thongke.txt"} {
		if b, err := os.ReadFile(heldout4 + name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("<html><table><tr><td rowspan=99 colspan=99>x</td></tr></table>"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if Detect(b) == PDF {
			return
		}
		_, _ = Read(context.Background(), b)
	})
}
