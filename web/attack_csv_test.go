package web

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"planwatch/nativecsv"
)

// TestAttackCSVSeparatorFormulas (issue 15, 11): a comment "x;=…" opened
// by Excel in a locale whose list separator is ";" becomes a cell "=…" and
// runs; so does a formula after a leading space or newline. Whichever
// separator the spreadsheet splits on, no cell of the export starts like a
// formula, and the file reads back to the comments as typed.
func TestAttackCSVSeparatorFormulas(t *testing.T) {
	s := newTestServer(t, Config{})
	comments := []string{
		`Tăng;=HYPERLINK("http://evil.example","x")`, ` =1+1`, "\n=1+1", "\r\n@SUM(A1)", "\t=1", `'=1+1`, `''=1`,
		`a,=1+1`, "a\t=1+1", `a; -2+3`, "bình thường; không sao",
	}
	inds := []string{"trade.retail_sales_services", "agri.planted_area", "bank.deposits", "test.xss"}
	for i, cm := range comments {
		b, _ := json.Marshal(cm)
		period := "2022Q" + strconv.Itoa(2+i/len(inds))
		if i/len(inds) > 2 {
			t.Fatal("too many comments for the fixture")
		}
		rec := newClient(t, s).postJSON("/api/values", `[{"indicator":"`+inds[i%len(inds)]+`","orgunit":"20","period":"`+period+`","value":1,"comment":`+string(b)+`}]`)
		if rec.Code != http.StatusOK {
			t.Fatalf("saving %q: %d %s", cm, rec.Code, body(rec))
		}
	}
	var exported strings.Builder
	for _, period := range []string{"2022Q2", "2022Q3", "2022Q4"} {
		rec := newClient(t, s).get("/export?unit=20&period=" + period + "&format=csv")
		if rec.Code != http.StatusOK {
			t.Fatalf("export: %d", rec.Code)
		}
		b := body(rec)
		if exported.Len() > 0 {
			_, b, _ = strings.Cut(b, "\n") // one header
		}
		exported.WriteString(b)
	}
	for _, sep := range []rune{',', ';', '\t'} {
		r := csv.NewReader(strings.NewReader(exported.String()))
		r.Comma, r.FieldsPerRecord, r.LazyQuotes = sep, -1, true
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatalf("separator %q: %v", sep, err)
		}
		for _, row := range rows {
			for _, cell := range row {
				if _, err := strconv.ParseFloat(cell, 64); err == nil {
					continue
				}
				if trimmed := strings.TrimLeft(cell, " \t\r\n"); trimmed != "" && strings.ContainsRune("=+-@", rune(trimmed[0])) {
					t.Errorf("separator %q: cell %q would run as a formula", sep, cell)
				}
			}
		}
	}
	cs, err := nativecsv.Read(strings.NewReader(exported.String()), "export.csv")
	if err != nil {
		t.Fatal(err)
	}
	// CSV keeps line breaks as LF, and the reader trims cells.
	norm := func(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")) }
	got := map[string]bool{}
	for _, v := range cs.Values {
		got[norm(v.Comment)] = true
	}
	for _, cm := range comments {
		if !got[norm(cm)] {
			t.Errorf("comment %q does not read back as typed (got %q)", cm, keys(got))
		}
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
