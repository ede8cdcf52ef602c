package dhis2

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"planwatch"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func open(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func indexes(cs []Conflict) []int {
	var out []int
	for _, c := range cs {
		out = append(out, c.Index)
	}
	return out
}

// catalogue is a small set of known indicators and units for conversions.
func catalogue(codes ...string) map[string]planwatch.Indicator {
	m := map[string]planwatch.Indicator{}
	for _, c := range codes {
		m[c] = planwatch.Indicator{Code: c}
	}
	return m
}

func TestReadCSVSampleB(t *testing.T) {
	set, err := ReadCSV(open(t, "dhis2core-dataValueSetB.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Rows) != 12 || len(set.Conflicts) != 0 {
		t.Fatalf("rows %d conflicts %v, want 12 rows and none", len(set.Rows), set.Conflicts)
	}
	r := set.Rows[11]
	want := Row{Line: 13, Index: 11, DataElement: "eY5ehpbEsB7", Period: "201202", OrgUnit: "BdfsJfj87js",
		Value: "10012", StoredBy: "john", LastUpdated: "2012-01-01", Comment: "comment"}
	if r != want {
		t.Errorf("last row = %+v\nwant %+v", r, want)
	}
	opts := Options{Ref: "b.csv", By: "importer", Map: Mapping{
		DataElements: map[string]string{"f7n9E0hX8qk": "a", "Ix2HsbDMLea": "b", "eY5ehpbEsB7": "c"},
		OrgUnits:     map[string]string{"DiszpKrYNg8": "20", "BdfsJfj87js": "01"},
	}, Indicators: catalogue("a", "b", "c"), Units: map[string]bool{"20": true, "01": true}}
	cs, conflicts := ToChangeSet(set, opts)
	if len(conflicts) != 0 {
		t.Fatalf("conflicts: %v", conflicts)
	}
	if len(cs.Values) != 12 {
		t.Fatalf("%d values, want 12 (DHIS2: 12 imported)", len(cs.Values))
	}
	v := cs.Values[11]
	if v.Key.String() != "c/01/201202" || *v.Value != 10012 || v.Comment != "comment" || v.By != "importer" ||
		v.Source != (planwatch.Source{Kind: planwatch.SourceFile, Ref: "b.csv", Row: 13}) ||
		v.Vintage != planwatch.Official || v.Basis != planwatch.BasisPeriod {
		t.Errorf("value = %+v", v)
	}
	opts.TrustStoredBy = true
	cs, _ = ToChangeSet(set, opts)
	if cs.Values[0].By != "john" {
		t.Errorf("TrustStoredBy: By = %q, want john", cs.Values[0].By)
	}
	// Without a mapping the UIDs are neither indicator nor unit codes: every row conflicts, nothing is returned.
	opts.Map = Mapping{}
	cs, conflicts = ToChangeSet(set, opts)
	if cs != nil || len(conflicts) != 24 {
		t.Errorf("unmapped: change set %v, %d conflicts, want nil and 24 (data element and org unit of 12 rows)", cs, len(conflicts))
	}
}

// TestBooleanSample explains how planwatch's conflicts map to DHIS2's 4.
//
// jH26dja2f30 is a BOOLEAN data element in DHIS2 and jH26dja2f31 TRUE_ONLY.
// DHIS2 rejects data rows 10 and 11 ("test", "not true" for the boolean) and
// 16 and 17 ("false", "test" for the true-only element), and stores the other
// 14 as true/false.
//
// planwatch indicators are numeric. Mapped as plain numbers, every spelling of
// true and false is a conflict as well: only rows 8, 9 and 12 ("1", "0", "1")
// are numbers, so 15 rows conflict. Declaring the DHIS2 value types in the
// Mapping gives DHIS2's verdict exactly: 4 conflicts at rows 10, 11, 16, 17,
// and booleans stored as 1 and 0. Either way nothing is imported while a
// conflict remains: where DHIS2 imports 14 and ignores 4 (WARNING), planwatch
// rejects the file as a whole.
func TestBooleanSample(t *testing.T) {
	set, err := ReadCSV(open(t, "dhis2core-dataValueSetBooleanTest.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Rows) != 18 || len(set.Conflicts) != 0 {
		t.Fatalf("rows %d conflicts %v", len(set.Rows), set.Conflicts)
	}
	opts := Options{Ref: "bool.csv", Map: Mapping{
		DataElements: map[string]string{"jH26dja2f30": "x.bool", "jH26dja2f31": "x.true_only"},
		OrgUnits:     map[string]string{"DiszpKrYNg8": "20", "BdfsJfj87js": "01"},
	}, Indicators: catalogue("x.bool", "x.true_only"), Units: map[string]bool{"20": true, "01": true}}

	cs, conflicts := ToChangeSet(set, opts)
	want := []int{0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 13, 14, 15, 16, 17}
	if cs != nil || !reflect.DeepEqual(indexes(conflicts), want) {
		t.Errorf("as numbers: conflicts at %v, want %v", indexes(conflicts), want)
	}

	opts.Map.ValueTypes = map[string]ValueType{"jH26dja2f30": Boolean, "jH26dja2f31": TrueOnly}
	cs, conflicts = ToChangeSet(set, opts)
	if cs != nil || !reflect.DeepEqual(indexes(conflicts), []int{10, 11, 16, 17}) {
		t.Fatalf("with value types: conflicts at %v, want DHIS2's [10 11 16 17]", indexes(conflicts))
	}
	wantConflicts := []Conflict{
		{Row: 12, Index: 10, Code: CodeValueType, Object: "value", Value: "test", Reason: "value is not a valid boolean"},
		{Row: 13, Index: 11, Code: CodeValueType, Object: "value", Value: "not true", Reason: "value is not a valid boolean"},
		{Row: 18, Index: 16, Code: CodeValueType, Object: "value", Value: "false", Reason: "value must be true or empty for a TRUE_ONLY data element"},
		{Row: 19, Index: 17, Code: CodeValueType, Object: "value", Value: "test", Reason: "value must be true or empty for a TRUE_ONLY data element"},
	}
	if !reflect.DeepEqual(conflicts, wantConflicts) {
		t.Errorf("conflicts = %+v\nwant %+v", conflicts, wantConflicts)
	}

	// The 14 rows DHIS2 accepts convert to 1 and 0.
	var ok []Row
	for _, r := range set.Rows {
		if r.Index != 10 && r.Index != 11 && r.Index != 16 && r.Index != 17 {
			ok = append(ok, r)
		}
	}
	cs, conflicts = ToChangeSet(&Set{Rows: ok}, opts)
	if len(conflicts) != 0 || len(cs.Values) != 14 {
		t.Fatalf("accepted rows: %d values, conflicts %v", len(cs.Values), conflicts)
	}
	var got []float64
	for _, v := range cs.Values {
		got = append(got, *v.Value)
	}
	if w := []float64{1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1}; !reflect.DeepEqual(got, w) {
		t.Errorf("values %v, want %v", got, w)
	}
}

func TestReadJSONSingleDataset(t *testing.T) {
	set, err := ReadJSON(open(t, "dhis2core-dataValues_single_dataset.json"))
	if err != nil {
		t.Fatal(err)
	}
	if set.DataSet != "VEM58nY22sO" || set.CompleteDate != "2019-06-05" || len(set.Rows) != 2 {
		t.Fatalf("set = %+v", set)
	}
	if r := set.Rows[1]; r.Line != 16 || r.Index != 1 || r.CategoryOptionCombo != "rtfSaMjPyq6" || r.Value != "2000" {
		t.Errorf("row = %+v", r)
	}
	opts := Options{Map: Mapping{OrgUnits: map[string]string{"O6uvpzGd5pu": "20"}}}
	// Two disaggregations of one data element cannot be one indicator.
	if _, conflicts := ToChangeSet(set, opts); len(conflicts) != 2 || conflicts[0].Object != "categoryOptionCombo" {
		t.Errorf("conflicts = %v", conflicts)
	}
	// Mapping each disaggregation to an indicator imports both (DHIS2: SUCCESS, 2 values).
	opts.Map.DataElements = map[string]string{"BjDrgVrkBI3.oPcWGgS2Liz": "pop.male", "BjDrgVrkBI3.rtfSaMjPyq6": "pop.female"}
	cs, conflicts := ToChangeSet(set, opts)
	if len(conflicts) != 0 || len(cs.Values) != 2 {
		t.Fatalf("conflicts %v", conflicts)
	}
	if k := cs.Values[1].Key.String(); k != "pop.female/20/201911" || *cs.Values[1].Value != 2000 {
		t.Errorf("value %s = %v", k, *cs.Values[1].Value)
	}
}

func TestReadJSONInherits(t *testing.T) {
	set, err := ReadJSON(open(t, "dhis2docs-webapi-data-mortality-dataValueSet.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Rows) != 3 {
		t.Fatalf("rows = %+v", set.Rows)
	}
	for i, r := range set.Rows {
		if r.Period != "201401" || r.OrgUnit != "DiszpKrYNg8" || r.Line != 7+4*i {
			t.Errorf("row %d = %+v", i, r)
		}
	}
}

func TestReadXMLDeleted(t *testing.T) {
	set, err := ReadXML(open(t, "dhis2core-dataValueSetADeleted.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Rows) != 3 || len(set.Conflicts) != 0 {
		t.Fatalf("set = %+v", set)
	}
	if r := set.Rows[1]; r.Line != 4 || r.OrgUnit != "BdfsJfj87js" || !r.Deleted || r.LastUpdated != "2012-01-02" || r.StoredBy != "john" {
		t.Errorf("row = %+v", r)
	}
	cs, conflicts := ToChangeSet(set, Options{Map: Mapping{DataElements: map[string]string{"f7n9E0hX8qk": "a"}}})
	if len(conflicts) != 0 || len(cs.Values) != 3 {
		t.Fatalf("conflicts %v", conflicts)
	}
	for _, v := range cs.Values {
		if !v.Deleted || v.Comment != "comment" {
			t.Errorf("value %+v: want deleted with comment", v)
		}
	}
}

func TestReadADX(t *testing.T) {
	set, err := ReadADX(open(t, "dhis2core-importA.adx.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Rows) != 9 || len(set.Conflicts) != 0 {
		t.Fatalf("rows %d, conflicts %v", len(set.Rows), set.Conflicts)
	}
	want := Row{Line: 3, Index: 0, DataElement: "Malaria numeric", Period: "2020-01-01/P1M", OrgUnit: "123",
		CategoryOptionCombo: "Age_category=under555555;Sex_category=FFFFFFFFFFF", Value: "1", NoComment: true}
	if set.Rows[0] != want {
		t.Errorf("row 0 = %+v\nwant %+v", set.Rows[0], want)
	}
	// As DHIS2 reads ADX, the annotation is the value of a text data element.
	if r := set.Rows[4]; r.DataElement != "Malaria text" || r.Value != "Text data value" {
		t.Errorf("row 4 = %+v", r)
	}
	if r := set.Rows[6]; r.AttributeOptionCombo != "Mechanism_category=PEPFARRRRRR" || r.Period != "2021-01-01/P3M" {
		t.Errorf("row 6 = %+v", r)
	}
	// Mapped: the numeric values of January import (quarterly periods
	// convert); the mechanisms are conflicts, as is the text value, since
	// planwatch indicators are numeric.
	opts := Options{Map: Mapping{DataElements: map[string]string{
		"Malaria numeric.Age_category=under555555;Sex_category=FFFFFFFFFFF": "malaria.f_u5",
		"Malaria numeric.Age_category=under555555;Sex_category=MMMMMMMMMMM": "malaria.m_u5",
		"Malaria numeric.FOver555555":                                       "malaria.f_o5",
		"Malaria numeric.MOver555555":                                       "malaria.m_o5",
		"Malaria numeric.Age_category=over5555555;Sex_category=FFFFFFFFFFF": "malaria.f_o5",
	}}}
	_, conflicts := ToChangeSet(set, opts)
	var objects []string
	for _, c := range conflicts {
		objects = append(objects, c.Object+"@"+c.Value)
	}
	got := strings.Join(objects, " ")
	for _, w := range []string{"attributeOptionCombo@Mechanism_category=PEPFARRRRRR",
		"attributeOptionCombo@Mechanism_category=McDonaldsss", "attributeOptionCombo@cocMcDonald"} {
		if !strings.Contains(got, w) {
			t.Errorf("conflicts %q lack %q", got, w)
		}
	}
	if len(conflicts) != 4 || conflicts[0].Code != CodeValueType || conflicts[0].Row != 7 {
		t.Errorf("conflicts = %v, want the text value and the 3 mechanisms", conflicts)
	}
	// Mapping the mechanisms to vintages, and without the text value, the rest converts, with ADX periods as months.
	opts.Map.AttributeOptionCombos = map[string]string{"Mechanism_category=PEPFARRRRRR": "official",
		"Mechanism_category=McDonaldsss": "estimate", "cocMcDonald": "preliminary"}
	rows := append(append([]Row(nil), set.Rows[:4]...), set.Rows[5:]...)
	cs, conflicts := ToChangeSet(&Set{Rows: rows}, opts)
	if len(conflicts) != 0 {
		t.Fatalf("conflicts %v", conflicts)
	}
	if p := cs.Values[4].Period; p != planwatch.MonthOf(2020, 2) {
		t.Errorf("period %v", p)
	}
	if v := cs.Values[7]; v.Indicator != "malaria.m_u5" || v.Vintage != planwatch.Preliminary || v.Period != planwatch.QuarterOf(2021, 1) {
		t.Errorf("value %+v", v)
	}
}

func TestParsePeriod(t *testing.T) {
	for _, tc := range []struct {
		id   string
		want string // planwatch id, or "error: <substring>"
	}{
		{"2022", "2022"},
		{"202203", "202203"},
		{"2022Q1", "2022Q1"},
		{"2022S2", "2022S2"},
		{"202202B", "202203-202204"},
		{"2022Q1-Q3", "2022Q1-Q3"},
		{"2020-01-01/P1M", "202001"},
		{"2021-04-01/P3M", "2021Q2"},
		{"2021-07-01/P6M", "2021S2"},
		{"2021-01-01/P1Y", "2021"},
		{"2021-01-01/P12M", "2021"},
		{"2021-02-01/P3M", "error: not a calendar month, quarter"},
		{"2021-01-15/P1M", "error: first day"},
		{"2021-01-01/P7D", "error: days or weeks"},
		{"2024W1", "error: weekly"},
		{"2024BiW3", "error: weekly"},
		{"20240115", "error: daily"},
		{"2024April", "error: financial"},
		{"2024AprilS1", "error: financial"},
		{"2024NovQ1", "error: financial"},
		{"", "error: empty"},
		{"abc", "error: invalid period"},
	} {
		p, err := ParsePeriod(tc.id)
		got := p.ID()
		if err != nil {
			got = "error: " + err.Error()
		}
		if !strings.HasPrefix(tc.want, "error: ") && got != tc.want ||
			strings.HasPrefix(tc.want, "error: ") && !strings.Contains(got, strings.TrimPrefix(tc.want, "error: ")) {
			t.Errorf("ParsePeriod(%q) = %s, want %s", tc.id, got, tc.want)
		}
	}
}

func TestReadCSVForms(t *testing.T) {
	for _, tc := range []struct {
		name, in  string
		rows      int
		conflicts []int // indexes
	}{
		{"crlf, no header", "a,202203,20,,,5\r\nb,202203,20,,,6\r\n", 2, nil},
		{"11 columns", strings.Join(Columns, ",") + "\na,202203,20,,,5,u,2022-01-01,,false,true\n", 1, nil},
		{"quoted comma", "\"dataelement\",\"period\",\"orgunit\",\"categoryoptioncombo\",\"attributeoptioncombo\",\"value\",\"storedby\",\"lastupdated\",\"comment\",\"followup\"\n\"a\",\"202203\",\"20\",\"\",\"\",\"5\",\"u\",\"\",\"x, y\",\"false\"\n", 1, nil},
		{"too few columns", "a,202203,20\nb,202203,20,,,6\n", 1, []int{0}},
		{"too many columns", "a,202203,20,,,5,u,,,false,false,extra\n", 0, []int{0}},
		{"bad deleted", "a,202203,20,,,5,u,,,false,maybe\n", 0, []int{0}},
		// A broken quote spoils its row, not the rows after it.
		{"bare quote", "a,2022\"03,20,,,5\nb,202203,20,,,6\n", 1, []int{0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set, err := ReadCSV(strings.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if len(set.Rows) != tc.rows || !reflect.DeepEqual(indexes(set.Conflicts), tc.conflicts) {
				t.Errorf("rows %d conflicts %v, want %d and %v", len(set.Rows), set.Conflicts, tc.rows, tc.conflicts)
			}
		})
	}
	if set, err := ReadCSV(strings.NewReader("a,\"202203,20\n")); err != nil || len(set.Rows) != 0 || len(set.Conflicts) != 1 || set.Conflicts[0].Row != 1 {
		t.Errorf("unterminated quote: set %+v, err %v; want one conflict at line 1", set, err)
	}
}

func TestReadErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		read func(string) (*Set, error)
		in   string
		line int
	}{
		{"json syntax", func(s string) (*Set, error) { return ReadJSON(strings.NewReader(s)) }, "{\n\"dataValues\": [\n{\"value\": }]}", 3},
		{"json array", func(s string) (*Set, error) { return ReadJSON(strings.NewReader(s)) }, "[1]", 1},
		{"json trailing", func(s string) (*Set, error) { return ReadJSON(strings.NewReader(s)) }, "{}\n{}", 2},
		{"xml syntax", func(s string) (*Set, error) { return ReadXML(strings.NewReader(s)) }, "<dataValueSet>\n<dataValue value=1/>\n</dataValueSet>", 2},
		{"xml root", func(s string) (*Set, error) { return ReadXML(strings.NewReader(s)) }, "<html/>", 1},
		{"adx root", func(s string) (*Set, error) { return ReadADX(strings.NewReader(s)) }, "<dataValueSet/>", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set, err := tc.read(tc.in)
			if err == nil || set != nil {
				t.Fatalf("set %v, err %v: want an error and no set", set, err)
			}
			var e *planwatch.Error
			if planwatch.ErrorCode(err) != planwatch.EINVALID || !errors.As(err, &e) || e.Problems[0].Row != tc.line {
				t.Errorf("err = %#v, want EINVALID at line %d", err, tc.line)
			}
		})
	}
}

func TestXMLConflicts(t *testing.T) {
	in := `<dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0" period="202203" orgUnit="20">
  <dataValue dataElement="a" value="1" colour="red"/>
  <note/>
  <dataValue dataElement="b" value="2" followup="perhaps"/>
  <dataValue dataElement="c" value="3"/>
</dataValueSet>`
	set, err := ReadXML(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range set.Conflicts {
		got = append(got, c.String())
	}
	want := []string{`line 2: colour "red": unknown attribute of a data value`,
		`line 3: element "note": unknown element`, `line 4: followup "perhaps": expected true or false`}
	if !reflect.DeepEqual(got, want) || len(set.Rows) != 1 || set.Rows[0].Period != "202203" {
		t.Errorf("conflicts %q rows %+v", got, set.Rows)
	}
}

func sampleValues() []planwatch.DataValue {
	at := time.Date(2024, 4, 5, 8, 0, 0, 0, time.UTC)
	return []planwatch.DataValue{
		{Key: planwatch.Key{Indicator: "trade.retail", Unit: "20", Period: planwatch.QuarterOf(2024, 1)},
			Basis: planwatch.BasisPeriod, Vintage: planwatch.Official, Value: planwatch.Float(5.953e12),
			YoY: planwatch.Float(12.5), Comment: "=SUM(A1)", By: "lan", At: at},
		{Key: planwatch.Key{Indicator: "trade.retail", Unit: "20", Period: planwatch.MustPeriod("2024Q1-Q3")},
			Basis: planwatch.BasisCumulative, Vintage: planwatch.Estimate, Value: planwatch.Float(-1.25),
			PlanPct: planwatch.Float(70.1), VsRef: planwatch.Float(3), By: "@bot", At: at},
		{Key: planwatch.Key{Indicator: "macro.grdp_growth", Unit: "20", Period: planwatch.YearOf(2023)},
			Basis: planwatch.BasisPeriod, Vintage: planwatch.Preliminary, YoY: planwatch.Float(7.2)},
		{Key: planwatch.Key{Indicator: "agri.rice", Unit: "178", Period: planwatch.MonthOf(2024, 3)},
			Basis: planwatch.BasisPeriod, Vintage: planwatch.Official, Deleted: true, Comment: "withdrawn"},
	}
}

func TestWriteGolden(t *testing.T) {
	for _, tc := range []struct {
		file  string
		write func(*bytes.Buffer) error
	}{
		{"values.csv", func(b *bytes.Buffer) error { return WriteCSV(b, sampleValues(), WriteOptions{}) }},
		{"values.json", func(b *bytes.Buffer) error { return WriteJSON(b, sampleValues(), WriteOptions{}) }},
		{"values-mapped.csv", func(b *bytes.Buffer) error {
			return WriteCSV(b, sampleValues()[:1], WriteOptions{Map: Mapping{
				DataElements: map[string]string{"uidRetail01": "trade.retail"},
				OrgUnits:     map[string]string{"uidLangSon1": "20"}}})
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.write(&b); err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("testdata", "golden", tc.file), b.Bytes())
		})
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it):\n%s", path, got)
	}
}

func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name  string
		write func(*bytes.Buffer, []planwatch.DataValue) error
		read  func(*bytes.Buffer) (*Set, error)
	}{
		{"csv", func(b *bytes.Buffer, v []planwatch.DataValue) error { return WriteCSV(b, v, WriteOptions{}) },
			func(b *bytes.Buffer) (*Set, error) { return ReadCSV(b) }},
		{"json", func(b *bytes.Buffer, v []planwatch.DataValue) error { return WriteJSON(b, v, WriteOptions{}) },
			func(b *bytes.Buffer) (*Set, error) { return ReadJSON(b) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			in := sampleValues()
			if err := tc.write(&b, in); err != nil {
				t.Fatal(err)
			}
			set, err := tc.read(&b)
			if err != nil {
				t.Fatal(err)
			}
			cs, conflicts := ToChangeSet(set, Options{TrustStoredBy: true})
			if len(conflicts) != 0 {
				t.Fatalf("conflicts %v", conflicts)
			}
			for i := range in {
				in[i].At = time.Time{}
				cs.Values[i].Source = planwatch.Source{}
			}
			if !reflect.DeepEqual(cs.Values, in) {
				t.Errorf("round trip:\n got %+v\nwant %+v", cs.Values, in)
			}
		})
	}
}

func TestDuplicateAndEmpty(t *testing.T) {
	in := "a,202203,20,,,5\na,202203,20,,,6\nb,202203,20,,,\nc,202203,20,,,,u,,note\nd,202203,20,,,,u,,,false,true\n"
	set, err := ReadCSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	_, conflicts := ToChangeSet(set, Options{})
	var got []string
	for _, c := range conflicts {
		got = append(got, c.Code+" "+c.String())
	}
	// DHIS2 reports an empty value (E8120) rather than deleting it: only
	// deleted=true (line 5) or importStrategy=DELETE deletes.
	want := []string{`E8128 line 2: dataValue "6": trùng dòng 1 (cùng chỉ tiêu, đơn vị, kỳ, loại số liệu và số đo) / duplicate of line 1 (same indicator, unit, period, vintage and figure)`,
		`E8120 line 3: value "": giá trị trống; muốn xoá thì ghi deleted=true / empty value: to delete a value, say deleted=true`,
		`E8121 line 4: value "": ghi chú mà không có giá trị: không lưu được / a comment without a value cannot be stored`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("conflicts %q, want %q", got, want)
	}
	cs, conflicts := ToChangeSet(&Set{Rows: set.Rows[4:]}, Options{})
	if len(conflicts) != 0 || !cs.Values[0].Deleted {
		t.Errorf("deleted=true: %+v %v, want deleted", cs, conflicts)
	}
	cs, conflicts = ToChangeSet(&Set{Rows: set.Rows[2:3]}, Options{Strategy: Delete})
	if len(conflicts) != 0 || !cs.Values[0].Deleted {
		t.Errorf("importStrategy=DELETE: %+v %v, want deleted", cs, conflicts)
	}
}
