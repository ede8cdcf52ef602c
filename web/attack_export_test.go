package web

import (
	"bytes"
	"encoding/csv"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"planwatch"
)

// formulaLike reports whether a spreadsheet would run cell as a formula:
// past spaces and quotes it starts with = + - @ or a tab (a number aside).
func formulaLike(cell string) bool {
	if _, err := strconv.ParseFloat(strings.TrimSpace(cell), 64); err == nil {
		return false
	}
	c := strings.TrimLeft(cell, " \"")
	return c != "" && strings.ContainsRune("=+-@\t\r\n", rune(c[0]))
}

// TestAttackFormulaInjectionEveryExport: text typed as a formula — in an
// indicator's names and unit, a unit's name, a rule's names and messages,
// a category, a mapping's ids — downloads as text from every export of the
// web (catalogue, rules, mapping, entry workbook), whatever separator the
// spreadsheet splits CSV on.
func TestAttackFormulaInjectionEveryExport(t *testing.T) {
	s, st := newAccountServer(t, false)
	ctx := t.Context()
	f1, f2, f3 := `=HYPERLINK("http://evil.example","x")`, "+1+1", "@SUM(A1)"
	ind := planwatch.Indicator{Code: "test.formula", NameVI: f1, NameEN: f2, Unit: "tỷ đồng", Sector: "Thương mại, dịch vụ", Kind: planwatch.KindFlow,
		TimeAgg: planwatch.TimeSum, UnitAgg: planwatch.UnitSum, Direction: 1, Periodicity: "quarter"}
	if _, err := st.(planwatch.CatalogueEditor).ApplyCatalogue(ctx, &planwatch.CatalogueChange{By: "an", Indicators: []planwatch.Indicator{ind}}); err != nil {
		t.Fatal(err)
	}
	units := []planwatch.OrgUnit{{Code: "98", Name: f3 + ";=1+1", Level: 1, ValidFrom: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}}
	if err := st.SaveOrgUnits(ctx, units, nil, "an"); err != nil {
		t.Fatal(err)
	}
	rule := planwatch.ValidationRule{Code: "formula.rule", NameVI: f1, NameEN: "x;" + f2, Left: "test.formula", Op: planwatch.OpLessEqual, Right: "1000",
		Importance: "high", Action: planwatch.RuleWarn, MessageVI: "-2+3", MessageEN: f3}
	if err := st.(planwatch.RuleStore).SaveRules(ctx, []planwatch.ValidationRule{rule}, "an", "cli"); err != nil {
		t.Fatal(err)
	}
	m := planwatch.Mapping{Name: "evil", Entries: []planwatch.MappingEntry{{Kind: "dataElement", PartnerID: "=1+1", Code: "test.formula"},
		{Kind: "orgUnit", PartnerID: "@x", Code: "98"}}}
	if err := st.(planwatch.MappingStore).SaveMapping(ctx, m); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, s)
	login(c, "an", testPassword)
	planted := []string{f1, f2, f3, "-2+3", "=1+1", "@x"}
	for _, path := range []string{"/catalogue/export", "/rules/export", "/mappings/evil.csv"} {
		rec := c.get(path)
		if rec.Code != 200 {
			t.Errorf("%s: %d", path, rec.Code)
			continue
		}
		text := body(rec)
		found := 0
		for _, f := range planted {
			if strings.Contains(text, strings.ReplaceAll(f, `"`, `""`)) {
				found++
			}
		}
		if found == 0 {
			t.Errorf("%s holds none of the planted texts: the attack missed it", path)
		}
		for _, sep := range []rune{',', ';', '\t'} {
			r := csv.NewReader(strings.NewReader(text))
			r.Comma, r.FieldsPerRecord, r.LazyQuotes = sep, -1, true
			rows, err := r.ReadAll()
			if err != nil {
				t.Fatalf("%s, separator %q: %v", path, sep, err)
			}
			for i, row := range rows {
				for _, cell := range row {
					if formulaLike(cell) {
						t.Errorf("%s, separator %q, row %d: cell %q runs as a formula", path, sep, i+1, cell)
					}
				}
			}
		}
	}
	rec := c.get("/entry/workbook?unit=98&period=2022Q1&sector=" + url.QueryEscape("Thương mại, dịch vụ"))
	if rec.Code != 200 {
		t.Fatalf("workbook: %d %s", rec.Code, body(rec))
	}
	f, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := 0
	for _, sheet := range f.GetSheetList() {
		rows, _ := f.GetRows(sheet)
		for r, row := range rows {
			for col, cell := range row {
				name, _ := excelize.CoordinatesToCellName(col+1, r+1)
				if typ, _ := f.GetCellType(sheet, name); typ != excelize.CellTypeNumber && formulaLike(cell) {
					t.Errorf("workbook %s!%s: text %q starts like a formula", sheet, name, cell)
				}
				if strings.Contains(cell, f1) || strings.Contains(cell, f3) {
					seen++
				}
			}
		}
	}
	if seen == 0 {
		t.Error("the workbook holds none of the planted texts: the attack missed it")
	}
}
