package web

import (
	"archive/zip"
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"planwatch"
)

// workbookOf is a minimal XLSX whose one sheet holds a row of planwatch's
// column names, then rows copies of row (an XML <row> element), written as
// it is compressed.
func workbookOf(t *testing.T, rows int, row string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	part := func(name, content string) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(content))
	}
	part("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`)
	part("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	part("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	part("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`)
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row>`))
	for _, h := range []string{"indicator", "orgunit", "period", "value"} {
		w.Write([]byte(`<c t="inlineStr"><is><t>` + h + `</t></is></c>`))
	}
	w.Write([]byte(`</row>`))
	chunk := []byte(strings.Repeat(row, 4096))
	for n := 0; n < rows; n += 4096 {
		w.Write(chunk[:len(row)*min(4096, rows-n)])
	}
	w.Write([]byte(`</sheetData></worksheet>`))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestAttackXLSXBomb (issue 15, 6): a 300 KiB workbook expanding to 100 MiB
// took 47 s and 2.7 GB, and the reply listed 6,000,001 problems (53 MB of
// HTML). Workbooks are refused past an expanded size and a number of rows,
// and no reply lists more than MaxProblems problems.
func TestAttackXLSXBomb(t *testing.T) {
	const badRow = `<row><c t="inlineStr"><is><t>x</t></is></c></row>`
	s := newTestServer(t, Config{})
	c := newClient(t, s)
	c.get("/upload")
	for _, bomb := range []struct {
		name string
		rows int
		row  string
	}{
		{"100 MiB expanded", 100 << 20 / len(badRow), badRow},
		{"2 million rows", 2_000_000, `<row/>`},
		{"a million bad rows", 1_000_000, badRow},
	} {
		start := time.Now()
		data := workbookOf(t, bomb.rows, bomb.row)
		t.Logf("%s: built in %v", bomb.name, time.Since(start))
		start = time.Now()
		rec := c.postFile("/upload", "file", "bomb.xlsx", string(data), nil)
		t.Logf("%s: answered in %v", bomb.name, time.Since(start))
		if rec.Code < 400 || rec.Code >= 500 {
			t.Errorf("%s (%d KiB file): status %d", bomb.name, len(data)>>10, rec.Code)
		}
		if n := rec.Body.Len(); n > 256<<10 {
			t.Errorf("%s (%d KiB file): a reply of %d KiB", bomb.name, len(data)>>10, n>>10)
		}
	}
	// A CSV with 3,000 bad rows: the reply lists MaxProblems and counts the rest.
	var csv strings.Builder
	csv.WriteString("indicator,orgunit,period,value\n")
	for i := range 3000 {
		fmt.Fprintf(&csv, "agri.planted_area,20,2022Q9,%d\n", i)
	}
	rec := c.postFile("/upload", "file", "bad.csv", csv.String(), nil)
	b := body(rec)
	if rec.Code != http.StatusUnprocessableEntity || strings.Count(b, "<li>") > planwatch.MaxProblems+1 || !strings.Contains(b, "3000") || !strings.Contains(b, "2000 more") {
		t.Errorf("3,000 bad rows: status %d, %d items listed, total and rest counted: %v %v", rec.Code, strings.Count(b, "<li>"), strings.Contains(b, "3000"), strings.Contains(b, "2000 more"))
	}
	// The same through the API, in JSON.
	var vals []string
	for i := range 3000 {
		vals = append(vals, fmt.Sprintf(`{"indicator":"nope","orgunit":"20","period":"2022Q1","value":%d}`, i))
	}
	rec = newClient(t, s).postJSON("/api/values", "["+strings.Join(vals, ",")+"]")
	if rec.Code != http.StatusUnprocessableEntity || strings.Count(body(rec), `"reason"`) > planwatch.MaxProblems+1 || !strings.Contains(body(rec), `"more": 2000`) {
		t.Errorf("3,000 bad values through the API: status %d, %d problems listed", rec.Code, strings.Count(body(rec), `"reason"`))
	}
}
