package dhis2

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"planwatch"
)

// TestCSVHeaderNames: a CSV with a header is read by its column names, so a
// file without storedby (issue 15: read by position, every comment became
// "false") or with its columns in another order reads right, under every
// spelling DHIS2 has used.
func TestCSVHeaderNames(t *testing.T) {
	for _, tc := range []struct{ name, in string }{
		{"no storedby", "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,lastupdated,comment,followup\n" +
			"a,202203,20,,,5,2022-04-01,checked,false\n"},
		{"reordered", "value,comment,orgunit,period,dataelement\n5,checked,20,202203,a\n"},
		{"2.2x names", `"dataelement","period","orgunit","catoptcombo","attroptcombo","value","storedby","timestamp","comment","followup"` + "\n" +
			`"a","202203","20","","","5","john","2012-01-01","checked","false"` + "\n"},
		{"2.43 names", "dataElement,period,orgUnit,categoryOptionCombo,attributeOptionCombo,value,comment,followUp,deleted\n" +
			"a,202203,20,,,5,checked,false,false\n"},
		{"spaces before quotes", `"dataelement",    "period",    "orgunit",       "value", "comment"` + "\n" +
			`"a",    "202203",    "20",       "5", "checked"` + "\n"},
		{"bom and spelled out", "\uFEFFData Element,Period,Org Unit,Value,Comment\na,202203,20,5,checked\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set, err := ReadCSV(strings.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if len(set.Rows) != 1 || len(set.Conflicts) != 0 {
				t.Fatalf("set %+v", set)
			}
			r := set.Rows[0]
			if r.DataElement != "a" || r.Period != "202203" || r.OrgUnit != "20" || r.Value != "5" || r.Comment != "checked" ||
				r.NoComment || r.Deleted || r.Line != 2 {
				t.Errorf("row %+v", r)
			}
		})
	}
}

// TestCSVMissingColumns: a header without the columns that key a value is
// refused whole, naming each; a file without a comment column keeps the
// stored comment; a header without a category option combo column makes
// unknown columns category options, with one they are conflicts.
func TestCSVMissingColumns(t *testing.T) {
	_, err := ReadCSV(strings.NewReader("dataelement,value\na,5\n"))
	var pe *planwatch.Error
	if !errors.As(err, &pe) || len(pe.Problems) != 2 || pe.Problems[0].Column != "period" || pe.Problems[1].Column != "orgunit" {
		t.Errorf("no period and org unit columns: %v", err)
	}
	if _, err := ReadCSV(strings.NewReader("dataelement,period,orgunit,comment\na,202203,20,x\n")); err == nil ||
		!strings.Contains(err.Error(), "no value column") {
		t.Errorf("no value column: %v", err)
	}
	// A file of deletions needs no value column.
	set, err := ReadCSV(strings.NewReader("dataelement,period,orgunit,deleted\na,202203,20,true\n"))
	if err != nil || len(set.Rows) != 1 || !set.Rows[0].Deleted {
		t.Errorf("deletions: %+v %v", set, err)
	}
	set, err = ReadCSV(strings.NewReader("dataelement,period,orgunit,value,Sex\na,202203,20,5,F\n"))
	if err != nil || len(set.Rows) != 1 || set.Rows[0].CategoryOptionCombo != "Sex=F" || !set.Rows[0].NoComment {
		t.Errorf("category column: %+v %v", set, err)
	}
	set, err = ReadCSV(strings.NewReader("dataelement,period,orgunit,categoryoptioncombo,value,Sex\na,202203,20,,5,F\n"))
	if err != nil || len(set.Conflicts) != 1 || set.Conflicts[0].Object != "column" || set.Conflicts[0].Value != "Sex" {
		t.Errorf("unknown column beside a combo: %+v %v", set, err)
	}
}

// current is a store of one value for the merge tests.
func current(vs ...planwatch.DataValue) func(planwatch.Key, planwatch.Vintage) (planwatch.DataValue, bool) {
	return func(k planwatch.Key, vin planwatch.Vintage) (planwatch.DataValue, bool) {
		for _, v := range vs {
			if v.Key == k && v.Vintage == vin {
				return v, true
			}
		}
		return planwatch.DataValue{}, false
	}
}

// TestNothingAlteredUnsaid: what a file does not say of a stored value (its
// comment when the file has no comment column, its reported comparisons
// when the file gives only the value) stays as it is.
func TestNothingAlteredUnsaid(t *testing.T) {
	stored := planwatch.DataValue{Key: planwatch.Key{Indicator: "a", Unit: "20", Period: planwatch.MonthOf(2022, 3)},
		Basis: planwatch.BasisPeriod, Vintage: planwatch.Official, Value: planwatch.Float(4), YoY: planwatch.Float(12.5),
		Comment: "from the report"}
	opts := Options{Current: current(stored)}
	convert := func(in string) *planwatch.DataValue {
		t.Helper()
		set, err := ReadCSV(strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		cs, conflicts := ToChangeSet(set, opts)
		if len(conflicts) != 0 || len(cs.Values) != 1 {
			t.Fatalf("%q: %v %v", in, cs, conflicts)
		}
		return &cs.Values[0]
	}
	v := convert("dataelement,period,orgunit,value\na,202203,20,5\n")
	if *v.Value != 5 || v.YoY == nil || *v.YoY != 12.5 || v.Comment != "from the report" {
		t.Errorf("no comment column: %+v", v)
	}
	v = convert("dataelement,period,orgunit,value,comment\na,202203,20,5,\n")
	if v.Comment != "" || *v.YoY != 12.5 {
		t.Errorf("an empty comment cell says the comment is empty: %+v", v)
	}
	// Positional rows of fewer than 9 cells have no comment either.
	if v = convert("a,202203,20,,,5\n"); v.Comment != "from the report" {
		t.Errorf("6 positional cells: %+v", v)
	}
	// Deleting a comparison row withdraws that figure only.
	v = convert("dataelement,period,orgunit,categoryoptioncombo,value,deleted\na,202203,20,YOY,,true\n")
	if v.Deleted || v.YoY != nil || *v.Value != 4 {
		t.Errorf("YOY deleted: %+v", v)
	}
}

func TestIDSchemes(t *testing.T) {
	set, err := ReadCSV(strings.NewReader("dataelement,period,orgunit,value\nf7n9E0hX8qk,202203,DiszpKrYNg8,5\nretail,202203,20,6\n"))
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{Indicators: catalogue("retail"), Units: map[string]bool{"20": true, "180": true},
		Map: Mapping{DataElements: map[string]string{"f7n9E0hX8qk": "retail"}, OrgUnits: map[string]string{"DiszpKrYNg8": "180"}}}
	// No scheme: mapped ids are translated, others taken as codes.
	cs, conflicts := ToChangeSet(set, opts)
	if len(conflicts) != 0 || cs.Values[0].Key.String() != "retail/180/202203" || cs.Values[1].Key.String() != "retail/20/202203" {
		t.Fatalf("no scheme: %v %v", cs, conflicts)
	}
	// UID: every id must be mapped; the planwatch codes on line 3 are not.
	opts.Schemes = IDSchemes{ID: SchemeUID}
	_, conflicts = ToChangeSet(set, opts)
	if len(conflicts) != 2 || conflicts[0].Code != CodeDataElement || conflicts[0].Value != "retail" ||
		conflicts[1].Code != CodeOrgUnit || conflicts[1].Value != "20" || !strings.Contains(conflicts[0].Reason, "not in the mapping (UID scheme)") {
		t.Errorf("UID scheme: %v", conflicts)
	}
	// The specific scheme overrides the general one: CODE for org units.
	opts.Schemes = IDSchemes{ID: SchemeUID, OrgUnit: SchemeCode}
	_, conflicts = ToChangeSet(set, opts)
	if len(conflicts) != 2 || conflicts[0].Value != "DiszpKrYNg8" || conflicts[1].Value != "retail" {
		t.Errorf("UID with orgUnitIdScheme=CODE: %v", conflicts)
	}
	// A file's own schemes override the request's.
	set.Schemes = IDSchemes{ID: SchemeCode}
	_, conflicts = ToChangeSet(set, opts)
	if len(conflicts) != 2 || conflicts[0].Value != "f7n9E0hX8qk" || conflicts[1].Value != "DiszpKrYNg8" {
		t.Errorf("file CODE over request UID: %v", conflicts)
	}
	// NAME: indicator and unit names, Vietnamese or English, case and spacing aside.
	set, _ = ReadCSV(strings.NewReader("dataelement,period,orgunit,value\n\"tổng  MỨC bán lẻ\",202203,Lạng Sơn,5\nRetail sales,202204,Cao Lộc,6\n"))
	opts.Schemes = IDSchemes{ID: SchemeName}
	opts.Indicators = map[string]planwatch.Indicator{"retail": {Code: "retail", NameVI: "Tổng mức bán lẻ", NameEN: "Retail sales"}}
	opts.UnitNames = map[string][]string{"lạng sơn": {"20"}, "cao lộc": {"180", "181"}}
	_, conflicts = ToChangeSet(set, opts)
	if len(conflicts) != 1 || conflicts[0].Value != "Cao Lộc" || !strings.Contains(conflicts[0].Reason, "180, 181") {
		t.Errorf("NAME: %v", conflicts)
	}
	if _, err := ParseIDScheme("attribute:abc"); err != nil {
		t.Error(err)
	}
	if _, err := ParseIDScheme("uuid4"); err == nil {
		t.Error("uuid4 accepted")
	}
}

func TestImportStrategies(t *testing.T) {
	k := planwatch.Key{Indicator: "a", Unit: "20", Period: planwatch.MonthOf(2022, 3)}
	stored := planwatch.DataValue{Key: k, Basis: planwatch.BasisPeriod, Vintage: planwatch.Official, Value: planwatch.Float(4)}
	set, _ := ReadCSV(strings.NewReader("a,202203,20,,,5\na,202204,20,,,6\n"))
	for _, tc := range []struct {
		s       ImportStrategy
		periods string
		ignored int
	}{{CreateAndUpdate, "202203 202204", 0}, {Create, "202204", 1}, {Update, "202203", 1}, {Delete, "202203 202204", 0}} {
		var got []string
		c := NewConverter(Options{Strategy: tc.s, Current: current(stored)}, func(v planwatch.DataValue) error {
			got = append(got, v.Period.ID())
			if v.Deleted != (tc.s == Delete) {
				t.Errorf("%s: %+v", tc.s, v)
			}
			return nil
		}, func(c Conflict) { t.Errorf("%s: %v", tc.s, c) })
		set.Feed(c)
		c.Close()
		if strings.Join(got, " ") != tc.periods || c.Ignored() != tc.ignored {
			t.Errorf("%s: stored %v, ignored %d", tc.s, got, c.Ignored())
		}
	}
	if _, err := ParseImportStrategy("SYNC"); err == nil {
		t.Error("SYNC accepted")
	}
	if s, _ := ParseImportStrategy("new_and_updates"); s != CreateAndUpdate {
		t.Errorf("NEW_AND_UPDATES = %s", s)
	}
}

// TestJSONEnvelope: id schemes in the payload; envelope keys after the
// values still give the values their period.
func TestJSONEnvelope(t *testing.T) {
	in := `{"dataValues": [{"dataElement": "a", "value": "5", "comment": null},
 {"dataElement": "b", "period": "202204", "value": "6", "comment": "x", "categoryOptionCombo": {"Sex": "F", "Age": "<5"}}],
 "period": "202203", "orgUnit": "20", "dataElementIdScheme": "code"}`
	set, err := ReadJSON(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Rows) != 2 || set.Rows[0].Period != "202203" || set.Rows[0].OrgUnit != "20" || !set.Rows[0].NoComment ||
		set.Rows[1].Period != "202204" || set.Rows[1].CategoryOptionCombo != "Age=<5;Sex=F" || set.Rows[1].Line != 2 {
		t.Errorf("rows %+v", set.Rows)
	}
	// The scheme came after the values: a conflict, not a silent change of meaning.
	if len(set.Conflicts) != 1 || set.Conflicts[0].Object != "dataElementIdScheme" {
		t.Errorf("conflicts %v", set.Conflicts)
	}
	set, err = ReadJSON(strings.NewReader(`{"idScheme": "CODE", "orgUnitIdScheme": "UID", "dataValues": []}`))
	if err != nil || set.Schemes != (IDSchemes{ID: SchemeCode, OrgUnit: SchemeUID}) || len(set.Conflicts) != 0 {
		t.Errorf("schemes %+v %v %v", set.Schemes, set.Conflicts, err)
	}
}

// TestADXDHIS2Attributes: ADX as DHIS2 writes it, with created and
// lastUpdated as attributes or elements, is read without taking them for
// categories.
func TestADXDHIS2Attributes(t *testing.T) {
	in := `<adx xmlns="urn:ihe:qrph:adx:2015" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" exported="2024-01-01">
  <group dataSet="DS" period="2022-03-01/P1M" orgUnit="20" completeDate="2022-04-02" created="2022-04-01">
    <dataValue dataElement="a" value="5" created="2022-04-01T00:00:00" lastUpdated="2022-04-02T00:00:00" storedBy="lan" comment="ok"/>
    <dataValue dataElement="b" value="6" Sex="F">
      <created>2022-04-01</created>
      <lastUpdated>2022-04-02</lastUpdated>
    </dataValue>
  </group>
</adx>`
	set, err := ReadADX(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Conflicts) != 0 || len(set.Rows) != 2 {
		t.Fatalf("set %+v", set)
	}
	if r := set.Rows[0]; r.CategoryOptionCombo != "" || r.AttributeOptionCombo != "" || r.Comment != "ok" || r.StoredBy != "lan" {
		t.Errorf("row 0 %+v", r)
	}
	if r := set.Rows[1]; r.CategoryOptionCombo != "Sex=F" || r.Line != 4 {
		t.Errorf("row 1 %+v", r)
	}
}

// TestDXF2Envelope: the root's id schemes and attribute options.
func TestDXF2Envelope(t *testing.T) {
	in := `<dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0" period="2022-03-01/P1M" orgUnit="20" dataElementIdScheme="CODE" Funding="Gov">
  <dataValue dataElement="a" value="5" created="2022-04-01"/>
</dataValueSet>`
	set, err := ReadXML(strings.NewReader(in))
	if err != nil || len(set.Rows) != 1 || len(set.Conflicts) != 0 {
		t.Fatalf("%+v %v", set, err)
	}
	if r := set.Rows[0]; r.AttributeOptionCombo != "Funding=Gov" || r.Period != "2022-03-01/P1M" || set.Schemes.DataElement != SchemeCode {
		t.Errorf("row %+v schemes %+v", r, set.Schemes)
	}
}

// endless yields a header and then rows without end, counting the bytes read.
type endless struct {
	head string
	row  func(i int) string
	n    int
	read int64
	buf  []byte
}

func (e *endless) Read(p []byte) (int, error) {
	for len(e.buf) < len(p) {
		if e.head != "" {
			e.buf, e.head = append(e.buf, e.head...), ""
			continue
		}
		e.buf = append(e.buf, e.row(e.n)...)
		e.n++
	}
	n := copy(p, e.buf)
	e.buf = e.buf[n:]
	e.read += int64(n)
	return n, nil
}

var errEnough = errors.New("enough")

// TestStreaming: every reader hands over values while it reads, without
// reading the file first: a sink that stops after 1,000 values stops a
// reader of an endless file, which has read little more than those values.
func TestStreaming(t *testing.T) {
	for _, tc := range []struct {
		name string
		scan func(io.Reader, Sink) error
		in   *endless
	}{
		{"csv", ScanCSV, &endless{head: "dataelement,period,orgunit,value\n",
			row: func(i int) string { return fmt.Sprintf("a,202203,%d,%d\n", i, i) }}},
		{"json", ScanJSON, &endless{head: `{"period": "202203", "dataValues": [{"dataElement": "a", "orgUnit": "0", "value": "0"}`,
			row: func(i int) string {
				return fmt.Sprintf(",\n{\"dataElement\": \"a\", \"orgUnit\": \"%d\", \"value\": \"%d\"}", i, i)
			}}},
		{"xml", ScanXML, &endless{head: `<dataValueSet period="202203">`,
			row: func(i int) string {
				return fmt.Sprintf("\n<dataValue dataElement=\"a\" orgUnit=\"%d\" value=\"%d\"/>", i, i)
			}}},
		{"adx", ScanADX, &endless{head: `<adx><group period="2022-03-01/P1M" orgUnit="20">`,
			row: func(i int) string { return fmt.Sprintf("\n<dataValue dataElement=\"a%d\" value=\"%d\"/>", i, i) }}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &stopper{}
			if err := tc.scan(tc.in, s); !errors.Is(err, errEnough) {
				t.Fatalf("err %v", err)
			}
			if tc.in.read > 200<<10 {
				t.Errorf("read %d bytes for 1,000 values", tc.in.read)
			}
			if s.last.Line < 1000 || s.last.Line > 1002 {
				t.Errorf("last row %+v", s.last)
			}
		})
	}
}

type stopper struct {
	n    int
	last Row
}

func (s *stopper) Envelope(Envelope) {}
func (s *stopper) Conflict(c Conflict) {
	panic(fmt.Sprint(c))
}
func (s *stopper) Row(r Row) error {
	s.n++
	s.last = r
	if s.n == 1000 {
		return errEnough
	}
	return nil
}

func TestSetFeedKeepsOrder(t *testing.T) {
	set := &Set{Rows: []Row{{Line: 2}, {Line: 4}}, Conflicts: []Conflict{{Row: 3}, {Row: 5}}}
	var got []int
	rec := &recorder{f: func(line int) { got = append(got, line) }}
	if err := set.Feed(rec); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, []int{2, 3, 4, 5}) {
		t.Errorf("order %v", got)
	}
}

type recorder struct{ f func(int) }

func (r *recorder) Envelope(Envelope)   {}
func (r *recorder) Row(x Row) error     { r.f(x.Line); return nil }
func (r *recorder) Conflict(c Conflict) { r.f(c.Row) }

// TestCurrentInBatches: the current values of a batch of keys come from one
// lookup; a key the batch lacks has none, and a vintage the batch does not
// give is asked one by one.
func TestCurrentInBatches(t *testing.T) {
	official := planwatch.DataValue{Key: planwatch.Key{Indicator: "a", Unit: "20", Period: planwatch.MonthOf(2022, 3)},
		Basis: planwatch.BasisPeriod, Vintage: planwatch.Official, Value: planwatch.Float(4), YoY: planwatch.Float(12.5), Comment: "kept"}
	estimate := official
	estimate.Vintage, estimate.Comment, estimate.YoY = planwatch.Estimate, "estimate kept", planwatch.Float(3)
	batches, single := 0, 0
	opts := Options{
		CurrentMany: func(keys []planwatch.Key) map[planwatch.Key]planwatch.DataValue {
			batches++
			return map[planwatch.Key]planwatch.DataValue{official.Key: official}
		},
		Current: func(k planwatch.Key, v planwatch.Vintage) (planwatch.DataValue, bool) {
			single++
			return current(official, estimate)(k, v)
		},
	}
	var b strings.Builder
	b.WriteString("dataelement,period,orgunit,attributeoptioncombo,value\na,202203,20,,5\na,202203,20,estimate,6\n")
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&b, "b,202203,%d,,1\n", i)
	}
	set, _ := ReadCSV(strings.NewReader(b.String()))
	cs, conflicts := ToChangeSet(set, opts)
	if len(conflicts) != 0 || len(cs.Values) != 2002 {
		t.Fatalf("%d values, %v", len(cs.Values), conflicts)
	}
	if v := cs.Values[0]; v.Comment != "kept" || *v.YoY != 12.5 {
		t.Errorf("official from the batch: %+v", v)
	}
	if v := cs.Values[1]; v.Comment != "estimate kept" || *v.YoY != 3 {
		t.Errorf("estimate asked alone: %+v", v)
	}
	if batches != 2 || single != 1 {
		t.Errorf("%d batch lookups and %d single ones, want 2 and 1", batches, single)
	}
}

func TestLineSet(t *testing.T) {
	var s lineSet
	const mix = 0x9E3779B97F4A7C15
	for i := 1; i <= 100000; i++ {
		if prev := s.add(uint64(i)*mix, i); prev != 0 {
			t.Fatalf("%d seen at %d", i, prev)
		}
	}
	k := uint64(5000)
	if prev := s.add(k*mix, 7); prev != 5000 {
		t.Errorf("again: %d", prev)
	}
	if s.add(0, 3) != 0 || s.add(0, 4) != 3 {
		t.Error("a zero hash")
	}
}
