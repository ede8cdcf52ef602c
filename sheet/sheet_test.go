package sheet

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"planwatch"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var inds = map[string]planwatch.Indicator{
	"trade.retail":  {Code: "trade.retail", NameVI: "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ", Unit: "tỷ đồng", Decimals: 1, Kind: planwatch.KindFlow},
	"export.value":  {Code: "export.value", NameVI: "Kim ngạch xuất khẩu", Unit: "triệu USD", Decimals: 1, Kind: planwatch.KindFlow},
	"tourism.trips": {Code: "tourism.trips", NameVI: "=Lượt khách", Unit: "lượt khách", Kind: planwatch.KindCount},
	"forest.new":    {Code: "forest.new", NameVI: "Trồng rừng mới", Unit: "ha", Kind: planwatch.KindFlow},
}

func entryForm() EntryForm {
	return EntryForm{Unit: "20", UnitName: "Lạng Sơn", Period: planwatch.QuarterOf(2024, 1), Sector: "Thương mại",
		Rows: []EntryRow{
			{Indicator: inds["trade.retail"], LastYear: planwatch.Float(5.953e12), Plan: planwatch.Float(2.6e13)},
			{Indicator: inds["export.value"], LastYear: planwatch.Float(8e8)},
			{Indicator: inds["tourism.trips"], Plan: planwatch.Float(755950)},
			{Indicator: inds["forest.new"]},
		}}
}

// dump renders a workbook as text for golden files: every sheet with its
// visibility and protection, every non-empty cell's raw value and whether it
// is locked, and the data validations.
func dump(t *testing.T, b []byte) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out bytes.Buffer
	for _, name := range f.GetSheetList() {
		visible, _ := f.GetSheetVisible(name)
		prot, _ := f.GetSheetProtection(name)
		fmt.Fprintf(&out, "== sheet %q visible=%v protected=%v\n", name, visible, prot != excelize.SheetProtectionOptions{})
		rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		for r := range rows {
			for c := range max(len(rows[r]), 8) {
				v := ""
				if c < len(rows[r]) {
					v = rows[r][c]
				}
				ref := cell(c+1, r+1)
				idx, _ := f.GetCellStyle(name, ref)
				st, _ := f.GetStyle(idx)
				locked := st == nil || st.Protection == nil || st.Protection.Locked
				typ, _ := f.GetCellType(name, ref)
				if v == "" && locked {
					continue
				}
				fmt.Fprintf(&out, "%s\t%q\ttype=%d", ref, v, typ)
				if !locked {
					fmt.Fprint(&out, "\tunlocked")
				}
				if st != nil && st.CustomNumFmt != nil {
					fmt.Fprintf(&out, "\tfmt=%s", *st.CustomNumFmt)
				}
				fmt.Fprintln(&out)
			}
		}
		dvs, _ := f.GetDataValidations(name)
		for _, dv := range dvs {
			fmt.Fprintf(&out, "validation %s type=%s op=%s %s..%s error=%q\n", dv.Sqref, dv.Type, dv.Operator, dv.Formula1, dv.Formula2, *dv.Error)
		}
	}
	return out.Bytes()
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test -update rewrites it):\n%s", path, got)
	}
}

func TestEntryWorkbookGolden(t *testing.T) {
	var b bytes.Buffer
	if err := WriteEntryWorkbook(&b, entryForm()); err != nil {
		t.Fatal(err)
	}
	golden(t, "entry.txt", dump(t, b.Bytes()))
}

// fill opens a written workbook and sets cells as a user would.
func fill(t *testing.T, b []byte, cells map[string]any) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for ref, v := range cells {
		if s, ok := v.(string); ok && strings.HasPrefix(s, "=") {
			err = f.SetCellFormula(EntrySheet, ref, s[1:])
		} else {
			err = f.SetCellValue(EntrySheet, ref, v)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	out, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestEntryWorkbookReadBack(t *testing.T) {
	var b bytes.Buffer
	form := entryForm()
	form.Vintage = planwatch.Estimate
	if err := WriteEntryWorkbook(&b, form); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2024, 4, 2, 0, 0, 0, 0, time.UTC)
	opts := EntryOptions{Ref: "nhap.xlsx", By: "lan", Now: now, Indicators: inds}

	filled := fill(t, b.Bytes(), map[string]any{"F5": 6123.4, "G5": "@ước tính", "F6": "1.234,5", "F7": 700000})
	e, err := ReadEntryWorkbook(bytes.NewReader(filled), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Problems) != 0 {
		t.Fatalf("problems: %v", e.Problems)
	}
	if e.Unit != "20" || e.Period != planwatch.QuarterOf(2024, 1) || e.Vintage != planwatch.Estimate || e.Basis != planwatch.BasisPeriod {
		t.Errorf("entry = %+v", e)
	}
	want := []planwatch.DataValue{
		{Key: planwatch.Key{Indicator: "trade.retail", Unit: "20", Period: planwatch.QuarterOf(2024, 1)},
			Basis: planwatch.BasisPeriod, Vintage: planwatch.Estimate, Value: planwatch.Float(6.1234e12), Comment: "@ước tính",
			Source: planwatch.Source{Kind: planwatch.SourceFile, Ref: "nhap.xlsx", Row: 5}, By: "lan", At: now},
		{Key: planwatch.Key{Indicator: "export.value", Unit: "20", Period: planwatch.QuarterOf(2024, 1)},
			Basis: planwatch.BasisPeriod, Vintage: planwatch.Estimate, Value: planwatch.Float(1.2345e9),
			Source: planwatch.Source{Kind: planwatch.SourceFile, Ref: "nhap.xlsx", Row: 6}, By: "lan", At: now},
		{Key: planwatch.Key{Indicator: "tourism.trips", Unit: "20", Period: planwatch.QuarterOf(2024, 1)},
			Basis: planwatch.BasisPeriod, Vintage: planwatch.Estimate, Value: planwatch.Float(700000),
			Source: planwatch.Source{Kind: planwatch.SourceFile, Ref: "nhap.xlsx", Row: 7}, By: "lan", At: now},
	}
	if !reflect.DeepEqual(e.Values, want) {
		t.Errorf("values:\n got %+v\nwant %+v", e.Values, want)
	}
	if cs := e.ChangeSet("lan", "nhap.xlsx"); cs == nil || len(cs.Values) != 3 {
		t.Errorf("change set %+v", cs)
	}

	bad := fill(t, b.Bytes(), map[string]any{"F5": "nhiều", "F6": 12, "C6": "tỷ USD", "A7": "no.such", "F7": 1,
		"G8": "ghi chú", "F9": 5, "A10": "trade.retail", "C10": "tỷ đồng", "F10": 3})
	e, err = ReadEntryWorkbook(bytes.NewReader(bad), opts)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range e.Problems {
		got = append(got, fmt.Sprintf("%s%d", p.Column, p.Row))
	}
	if want := []string{"F5", "C6", "A7", "F8", "A9", "A10"}; !reflect.DeepEqual(got, want) {
		t.Errorf("problems at %v, want %v: %v", got, want, e.Problems)
	}
	if e.ChangeSet("lan", "x") != nil {
		t.Error("a change set despite problems")
	}

	for _, junk := range [][]byte{[]byte("not a zip"), annexBytes(t)} {
		if e, err := ReadEntryWorkbook(bytes.NewReader(junk), opts); err == nil || e != nil || planwatch.ErrorCode(err) != planwatch.EINVALID {
			t.Errorf("junk: %v, %v", e, err)
		}
	}
}

func annexBytes(t *testing.T) []byte {
	var b bytes.Buffer
	err := WriteAnnex(&b, Annex{Title: "Phụ lục: Một số chỉ tiêu kinh tế - xã hội chủ yếu", Unit: "Lạng Sơn",
		Period: planwatch.QuarterOf(2024, 1), Rows: []AnnexRow{
			{Indicator: inds["trade.retail"], LastYear: planwatch.Float(5.953e12), Plan: planwatch.Float(2.6e13),
				Current: planwatch.Float(6.5e12), VsLastYear: planwatch.Float(109.19), OfPlan: planwatch.Float(25)},
			{Indicator: inds["tourism.trips"], Current: planwatch.Float(200000)},
		}})
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestAnnexGolden(t *testing.T) {
	golden(t, "annex.txt", dump(t, annexBytes(t)))
}

func sampleValues() []planwatch.DataValue {
	return []planwatch.DataValue{
		{Key: planwatch.Key{Indicator: "trade.retail", Unit: "20", Period: planwatch.QuarterOf(2024, 1)},
			Basis: planwatch.BasisPeriod, Vintage: planwatch.Official, Value: planwatch.Float(-5.953e12),
			YoY: planwatch.Float(12.5), Comment: "=cmd|' /C calc'!A0", By: "+lan",
			Source: planwatch.Source{Kind: planwatch.SourceFile, Ref: "a.csv", Row: 3},
			At:     time.Date(2024, 4, 5, 8, 0, 0, 0, time.UTC)},
		{Key: planwatch.Key{Indicator: "tourism.trips", Unit: "20", Period: planwatch.MustPeriod("2024Q1-Q3")},
			Basis: planwatch.BasisCumulative, Vintage: planwatch.Estimate, PlanPct: planwatch.Float(70.1), Comment: "\tx"},
	}
}

func TestValuesGolden(t *testing.T) {
	var b bytes.Buffer
	if err := WriteValuesCSV(&b, sampleValues(), inds); err != nil {
		t.Fatal(err)
	}
	golden(t, "values.csv", b.Bytes())
	b.Reset()
	if err := WriteValuesXLSX(&b, sampleValues(), inds); err != nil {
		t.Fatal(err)
	}
	golden(t, "values.txt", dump(t, b.Bytes()))
}

func TestSafeText(t *testing.T) {
	for in, want := range map[string]string{"=1+1": "'=1+1", "+x": "'+x", "-x": "'-x", "@x": "'@x",
		"\tx": "'\tx", "\rx": "'\rx", "x=1": "x=1", "": "", "'=x": "''=x", "''x": "''x", "'x": "'x", "a;=1": "a;'=1"} {
		if got := SafeText(in); got != want {
			t.Errorf("SafeText(%q) = %q, want %q", in, got, want)
		}
		if got := unsafeText(SafeText(in)); got != in {
			t.Errorf("unsafeText(SafeText(%q)) = %q", in, got)
		}
	}
}

func FuzzReadEntryWorkbook(f *testing.F) {
	var b bytes.Buffer
	if err := WriteEntryWorkbook(&b, entryForm()); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, in []byte) {
		e, err := ReadEntryWorkbook(bytes.NewReader(in), EntryOptions{Indicators: inds})
		if err != nil && e != nil {
			t.Fatal("error with an entry")
		}
		if e != nil && (e.ChangeSet("", "") == nil) != (len(e.Problems) > 0) {
			t.Fatal("change set despite problems")
		}
	})
}
