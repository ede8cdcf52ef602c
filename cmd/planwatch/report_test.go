package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"planwatch/sheet"
)

// TestReportNotesTasks runs the real program: notes and tasks recorded from
// flags and CSV appear in the report written from the demo database.
func TestReportNotesTasks(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "demo.db")
	mustRun(t, "init", "--demo", "--db", db)

	mustRun(t, "note", "add", "--db", db, "--unit", "20", "--period", "2022Q1", "--sector", "Tài chính công", "--text", "Thu ngân sách quý I đạt khá.")
	mustRun(t, "task", "add", "--db", db, "--unit", "20", "--due", "2022Q2", "--owner", "Sở Tài chính", "--text", "Chống thất thu ngân sách.", "--indicators", "budget.revenue_total")
	csvPath := filepath.Join(dir, "tasks.csv")
	if err := os.WriteFile(csvPath, []byte("unit,due,sector,owner,text,indicators,status\n20,2022Q2,trade,Sở Công Thương,\"Phân luồng hàng hóa, giảm ùn tắc.\",,open\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "task", "import", "--db", db, csvPath)

	notes := mustRun(t, "note", "list", "--db", db, "--unit", "20", "--period", "2022Q1")
	if !strings.Contains(notes, "Thu ngân sách quý I đạt khá.") || !strings.Contains(notes, "tester") {
		t.Errorf("note list:\n%s", notes)
	}
	tasks := mustRun(t, "task", "list", "--db", db, "--unit", "20", "--period", "2022", "--format", "json")
	if !strings.Contains(tasks, "Phân luồng hàng hóa, giảm ùn tắc.") || !strings.Contains(tasks, `"by": "tester"`) {
		t.Errorf("task list:\n%s", tasks)
	}

	md := mustRun(t, "report", "--db", db, "--unit", "20", "--period", "2022Q1")
	for _, want := range []string{
		"nhiệm vụ, giải pháp trọng tâm quý II năm 2022",
		"quý I đạt 5.953 tỷ đồng, đạt 26,3% kế hoạch, tăng 7,35% so với cùng kỳ.",
		"Thu ngân sách quý I đạt khá.",
		"Chống thất thu ngân sách (chủ trì: Sở Tài chính",
		"Phân luồng hàng hóa, giảm ùn tắc (chủ trì: Sở Công Thương).",
		"Ngày lập: 07/04/2022",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q", want)
		}
	}

	en := mustRun(t, "report", "--db", db, "--unit", "20", "--period", "2022Q1", "--lang", "en")
	for _, want := range []string{
		"# Socio-economic situation in Q1 and priorities for Q2 2022",
		"in Q1 reached VND 5,953 billion, 26.3% of the annual plan, up 7.35% over the same period last year.",
		"Date: 7 April 2022",
	} {
		if !strings.Contains(en, want) {
			t.Errorf("English report lacks %q", want)
		}
	}

	for _, name := range []string{"r.html", "r.docx", "r.xlsx"} {
		out := filepath.Join(dir, name)
		mustRun(t, "report", "--db", db, "--unit", "20", "--period", "2022Q1", "-o", out)
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		switch filepath.Ext(name) {
		case ".html":
			if !strings.Contains(string(b), "<svg") || !strings.Contains(string(b), "5.953 tỷ đồng") {
				t.Errorf("%s lacks a chart or the figures", name)
			}
		case ".docx":
			zr, err := zip.OpenReader(out)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			found := false
			for _, f := range zr.File {
				found = found || f.Name == "word/document.xml"
			}
			zr.Close()
			if !found {
				t.Errorf("%s has no word/document.xml", name)
			}
		case ".xlsx":
			f, err := sheet.Open(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			rows, _ := f.GetRows(sheet.AnnexSheet)
			if !strings.Contains(fmt.Sprint(rows), "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng") {
				t.Errorf("%s: the annex lacks retail sales: %q", name, rows)
			}
		}
	}
}

func TestReportNoteTaskErrors(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	mustRun(t, "init", "--db", db)
	bad := filepath.Join(dir, "notes.csv")
	if err := os.WriteFile(bad, []byte("unit,period,sector,text\n20,2022Q1,trade,Đúng\n20,2022Q9,trade,Sai kỳ\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"report", "--db", db, "--unit", "20"}, "--period"},
		{[]string{"report", "--db", db, "--unit", "20", "--period", "2022Q1", "--format", "pdf"}, "unsupported format"},
		{[]string{"report", "--db", db, "--unit", "20", "--period", "2022Q1", "--lang", "fr"}, "unsupported language"},
		{[]string{"report", "--db", db, "--unit", "999", "--period", "2022Q1"}, "no administrative unit"},
		{[]string{"note", "add", "--db", db, "--unit", "20", "--period", "2022Q1", "--sector", "xyz", "--text", "a"}, "unknown sector"},
		{[]string{"note", "import", "--db", db, bad}, "line 3"},
		{[]string{"note", "remove"}, "unknown subcommand"},
		{[]string{"task", "add", "--db", db, "--unit", "20", "--due", "2022Q2", "--text", "a", "--status", "later"}, "status must be"},
		{[]string{"task", "add", "--db", db, "--unit", "20", "--due", "2022Q2", "--text", "a", "--indicators", "no.such"}, "unknown indicator"},
	} {
		out, err := run(t, c.args...)
		if err == nil || !strings.Contains(err.Error()+out, c.want) {
			t.Errorf("planwatch %s: err %v, want one mentioning %q", strings.Join(c.args, " "), err, c.want)
		}
	}
	// The failed import stored nothing, not even its valid row.
	if out := mustRun(t, "note", "list", "--db", db, "--unit", "20", "--period", "2022Q1"); strings.Contains(out, "Đúng") {
		t.Errorf("a failed import stored a note:\n%s", out)
	}
	// A unit with no data gets a report that says so.
	md := mustRun(t, "report", "--db", db, "--unit", "20", "--period", "2022Q1")
	if !strings.Contains(md, "Chưa có số liệu quý I/2022 của tỉnh Lạng Sơn") {
		t.Errorf("empty report:\n%s", md)
	}
}

// TestCountryStatusAndReport: the country unit (VN, above the provinces)
// has a status and a report from the same model; on the demo its figures are
// Lạng Sơn's, the only province with data.
func TestCountryStatusAndReport(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	mustRun(t, "init", "--demo", "--db", db)
	st := mustRun(t, "status", "--db", db, "--unit", "VN", "--period", "2022Q1", "--format", "json")
	if !strings.Contains(st, `"unit": "VN"`) || !strings.Contains(st, `"trade.retail_sales_services"`) {
		t.Errorf("status of the country:\n%.2000s", st)
	}
	md := mustRun(t, "report", "--db", db, "--unit", "VN", "--period", "2022Q1")
	if !strings.Contains(md, "**Cả nước**") || !strings.Contains(md, "5.953 tỷ đồng") {
		t.Errorf("report of the country:\n%.2000s", md)
	}
}
