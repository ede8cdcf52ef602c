package sdmx

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

func read(t *testing.T, name string, opts ReadOptions) *Set {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	set, err := ReadCSV(f, opts)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// fieldGuide renames the generic dimensions of the field guide's examples.
var fieldGuide = ReadOptions{Columns: map[string]string{"DIM_1": ColIndicator, "DIM_2": ColRefArea,
	"DIM_3": ColTimePeriod, "ATTR_1": "", "ATTR_2": "", "ATTR_3": "", "SERIESKEY": "", "UPDATED": ""}}

func TestSamples(t *testing.T) {
	for _, tc := range []struct {
		file, version string
		sep           rune
		action        string
	}{
		{"sdmxcsv-v1.0-fieldguide-example1.csv", "1.0", ',', "I"},
		{"sdmxcsv-v1.0-fieldguide-example2-fr-semicolon.csv", "1.0", ';', "I"},
		{"sdmxcsv-v2.0.0-fieldguide-example1.csv", "2", ',', "I"},
		{"sdmxcsv-v2.1-fieldguide-example1.csv", "2", ',', "M"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			set := read(t, tc.file, fieldGuide)
			if set.Version != tc.version || set.Separator != tc.sep || len(set.Conflicts) != 0 || len(set.Rows) != 2 {
				t.Fatalf("set = %+v", set)
			}
			r := set.Rows[1]
			if r.Line != 3 || r.Indicator != "A" || r.Unit != "B" || r.Period != "2014-02" || r.Action != tc.action ||
				!strings.HasPrefix(r.StructureID, "ESTAT:NA_MAIN(1.6") || r.Cells[ColObsValue] != "10.8" {
				t.Errorf("row = %+v", r)
			}
			cs, conflicts := ToChangeSet(set, Options{Ref: tc.file})
			if len(conflicts) != 0 {
				t.Fatalf("conflicts %v", conflicts)
			}
			v := cs.Values[0]
			if v.Key.String() != "A/B/201401" || *v.Value != 12.4 || v.Vintage != planwatch.Official || v.Source.Row != 2 {
				t.Errorf("value = %+v", v)
			}
		})
	}
}

func TestUnknownColumns(t *testing.T) {
	set := read(t, "sdmxcsv-v2.1-fieldguide-example2-anyorder-multivalue.csv",
		ReadOptions{Columns: map[string]string{"DIM_1": ColIndicator, "DIM_2": ColRefArea, "DIM_3": ColTimePeriod}})
	var got []string
	for _, c := range set.Conflicts {
		got = append(got, c.Value)
	}
	if want := []string{"OBS_VALUE1", "OBS_VALUE2", "ATTR_3", "ATTR_1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("conflicts on %v, want %v", got, want)
	}
	if cs, conflicts := ToChangeSet(set, Options{}); cs != nil || len(conflicts) < 4 {
		t.Errorf("a file with unknown columns must not import: %v", conflicts)
	}
	// Choosing the first measure and dropping the rest imports it, columns in any order.
	set = read(t, "sdmxcsv-v2.1-fieldguide-example2-anyorder-multivalue.csv", ReadOptions{Columns: map[string]string{
		"DIM_1": ColIndicator, "DIM_2": ColRefArea, "DIM_3": ColTimePeriod, "OBS_VALUE1": ColObsValue,
		"OBS_VALUE2": "", "ATTR_3": "", "ATTR_1": ""}})
	cs, conflicts := ToChangeSet(set, Options{})
	if len(conflicts) != 0 || *cs.Values[1].Value != 10.8 || cs.Values[1].Period != planwatch.MonthOf(2014, 2) {
		t.Errorf("values %+v conflicts %v", cs, conflicts)
	}
}

func TestActions(t *testing.T) {
	key := func(m int) planwatch.Key {
		return planwatch.Key{Indicator: "A", Unit: "B", Period: planwatch.MonthOf(2014, m)}
	}
	current := map[planwatch.Key]planwatch.DataValue{
		key(1): {Key: key(1), Basis: planwatch.BasisPeriod, Vintage: planwatch.Official, Value: planwatch.Float(1), YoY: planwatch.Float(5), Comment: "old"},
		key(2): {Key: key(2), Basis: planwatch.BasisPeriod, Vintage: planwatch.Official, Value: planwatch.Float(2), YoY: planwatch.Float(6), Comment: "kept", Revision: 3},
	}
	opts := Options{Current: func(k planwatch.Key, v planwatch.Vintage) (planwatch.DataValue, bool) {
		d, ok := current[k]
		return d, ok
	}}
	in := strings.Join([]string{
		"STRUCTURE,STRUCTURE_ID,ACTION,INDICATOR,REF_AREA,TIME_PERIOD,OBS_VALUE,YOY_PCT,COMMENT_OBS",
		"dataflow,X:Y(1.0),M,A,B,2014-01,12.4,,",      // merge: YoY and comment kept
		"dataflow,X:Y(1.0),R,A,B,2014-02,10.8,,",      // replace: YoY and comment dropped
		"dataflow,X:Y(1.0),D,A,B,2014-03,,,",          // delete the observation
		"dataflow,X:Y(1.0),D,A,B,2014-01-01/P1M,,-,x", // hmm: same key as line 2
	}, "\n")
	set, err := ReadCSV(strings.NewReader(in), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, conflicts := ToChangeSet(set, opts)
	if len(conflicts) != 1 || conflicts[0].Row != 5 || !strings.Contains(conflicts[0].Reason, "duplicate of line 2") {
		t.Fatalf("conflicts %v, want the duplicate on line 5", conflicts)
	}
	set.Rows = set.Rows[:3]
	set.Rows = append(set.Rows, Row{Line: 6, Action: "D", Indicator: "A", Unit: "B", Period: "2014-02",
		Cells: map[string]string{ColYoY: "-"}})
	_, conflicts = ToChangeSet(set, opts)
	if len(conflicts) != 1 || conflicts[0].Row != 6 {
		t.Fatalf("conflicts %v, want the second row of 2014-02", conflicts)
	}
	set.Rows[3].Period = "2014-01"
	set.Rows = set.Rows[1:]
	cs, conflicts := ToChangeSet(set, opts)
	if len(conflicts) != 0 {
		t.Fatal(conflicts)
	}
	got := cs.Values
	if v := got[0]; *v.Value != 10.8 || v.YoY != nil || v.Comment != "" {
		t.Errorf("R: %+v", v)
	}
	if v := got[1]; !v.Deleted || v.Period != planwatch.MonthOf(2014, 3) {
		t.Errorf("D: %+v", v)
	}
	if v := got[2]; *v.Value != 1 || v.YoY != nil || v.Comment != "old" || v.Deleted || v.Source.Row != 6 {
		t.Errorf("D of YOY_PCT: %+v", v)
	}
	set.Rows = []Row{{Line: 2, Action: "M", Indicator: "A", Unit: "B", Period: "2014-01", Cells: map[string]string{ColObsValue: "12.4"}}}
	cs, _ = ToChangeSet(set, opts)
	if v := cs.Values[0]; *v.Value != 12.4 || *v.YoY != 5 || v.Comment != "old" {
		t.Errorf("M: %+v", v)
	}
	set = read(t, "sdmxcsv-v2.1-fieldguide-example10-actions.csv", fieldGuide)
	if cs, conflicts = ToChangeSet(set, opts); len(conflicts) != 0 || *cs.Values[0].YoY != 5 || cs.Values[1].YoY != nil {
		t.Errorf("example 10: %+v %v", cs, conflicts)
	}
	// Without the current values a merge replaces and a partial deletion is a conflict.
	set = read(t, "sdmxcsv-v2.1-fieldguide-example16-delete.csv", fieldGuide)
	// Row 2 marks OBS_VALUE; row 3 marks ATTR_3, which this reading drops, so it cannot be deleted either.
	if _, conflicts = ToChangeSet(set, Options{}); len(conflicts) != 2 || conflicts[0].Row != 2 || conflicts[1].Row != 3 {
		t.Errorf("example 16 without current values: %v", conflicts)
	}
	current[planwatch.Key{Indicator: "A", Unit: "B", Period: planwatch.MonthOf(2014, 1)}] = planwatch.DataValue{
		Key: key(1), Vintage: planwatch.Official, Value: planwatch.Float(1)}
	fieldGuide16 := ReadOptions{Columns: map[string]string{"DIM_1": ColIndicator, "DIM_2": ColRefArea,
		"DIM_3": ColTimePeriod, "ATTR_1": "", "ATTR_2": "", "ATTR_3": ColComment}}
	set = read(t, "sdmxcsv-v2.1-fieldguide-example16-delete.csv", fieldGuide16)
	cs, conflicts = ToChangeSet(set, opts)
	if len(conflicts) != 0 || !cs.Values[0].Deleted || cs.Values[1].Comment != "" || *cs.Values[1].Value != 2 {
		t.Errorf("example 16: %+v %v", cs, conflicts)
	}
}

func TestPeriods(t *testing.T) {
	for _, tc := range []struct{ sdmx, id string }{
		{"2022", "2022"}, {"2022-A1", "2022"}, {"2022-S1", "2022S1"}, {"2022-Q3", "2022Q3"},
		{"2022-03", "202203"}, {"2022-M03", "202203"}, {"2022-01-01/P9M", "2022Q1-Q3"},
		{"2022-01-01/P5M", "202201-202205"}, {"2022-04-01/P3M", "2022Q2"}, {"2022-01/P1Y", "2022"},
		{"2022-W01", ""}, {"2022-01-15", ""}, {"2022-11-01/P3M", ""}, {"2022-13", ""}, {"", ""},
	} {
		p, err := ParsePeriod(tc.sdmx)
		if (err != nil) != (tc.id == "") || err == nil && p.ID() != tc.id {
			t.Errorf("ParsePeriod(%q) = %v, %v; want %q", tc.sdmx, p, err, tc.id)
		}
		if err == nil && tc.sdmx != "2022-A1" && tc.sdmx != "2022-M03" && tc.sdmx != "2022-01/P1Y" && tc.sdmx != "2022-04-01/P3M" {
			if back := FormatPeriod(p); back != tc.sdmx {
				t.Errorf("FormatPeriod(%v) = %q, want %q", p, back, tc.sdmx)
			}
		}
	}
}

func sampleValues() []planwatch.DataValue {
	at := time.Date(2024, 4, 5, 8, 0, 0, 0, time.UTC)
	return []planwatch.DataValue{
		{Key: planwatch.Key{Indicator: "trade.retail", Unit: "20", Period: planwatch.QuarterOf(2024, 1)},
			Basis: planwatch.BasisPeriod, Vintage: planwatch.Official, Value: planwatch.Float(5.953e12),
			YoY: planwatch.Float(12.5), Comment: "=HYPERLINK(\"x\")", At: at},
		{Key: planwatch.Key{Indicator: "trade.retail", Unit: "20", Period: planwatch.MustPeriod("2024Q1-Q3")},
			Basis: planwatch.BasisCumulative, Vintage: planwatch.Estimate, Value: planwatch.Float(-1.25),
			PlanPct: planwatch.Float(70.1), VsRef: planwatch.Float(3)},
		{Key: planwatch.Key{Indicator: "macro.grdp_growth", Unit: "20", Period: planwatch.YearOf(2023)},
			Basis: planwatch.BasisPeriod, Vintage: planwatch.Preliminary, YoY: planwatch.Float(7.2)},
		{Key: planwatch.Key{Indicator: "agri.rice", Unit: "178", Period: planwatch.MonthOf(2024, 3)},
			Basis: planwatch.BasisPeriod, Vintage: planwatch.Official, Deleted: true},
	}
}

var sampleIndicators = map[string]planwatch.Indicator{
	"trade.retail":      {Code: "trade.retail", Unit: "tỷ đồng"},
	"macro.grdp_growth": {Code: "macro.grdp_growth", Unit: "%"},
	"agri.rice":         {Code: "agri.rice", Unit: "nghìn tấn"},
}

func TestWriteGoldenAndRoundTrip(t *testing.T) {
	var b bytes.Buffer
	if err := WriteCSV(&b, sampleValues(), WriteOptions{Indicators: sampleIndicators}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "golden", "values.csv")
	if *update {
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("differs from %s (go test -update rewrites it):\n%s", path, b.Bytes())
	}
	set, err := ReadCSV(&b, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cs, conflicts := ToChangeSet(set, Options{Indicators: sampleIndicators})
	if len(conflicts) != 0 {
		t.Fatal(conflicts)
	}
	in := sampleValues()
	for i := range in {
		in[i].At = time.Time{}
		cs.Values[i].Source = planwatch.Source{}
	}
	if !reflect.DeepEqual(cs.Values, in) {
		t.Errorf("round trip:\n got %+v\nwant %+v", cs.Values, in)
	}
}

func TestConflictsAndErrors(t *testing.T) {
	in := "STRUCTURE;STRUCTURE_ID;ACTION;INDICATOR;REF_AREA;TIME_PERIOD;OBS_VALUE;UNIT_MEASURE;OBS_STATUS\n" +
		"dataflow;X;I;trade.retail;20;2024-Q1;5,5;VND;A\n" +
		"dataflow;X;I;trade.retail;20;2024-W01;5;VND;A\n" +
		"dataflow;X;I;trade.retail;20;2024-Q2;abc;tỷ đồng;Z\n" +
		"dataflow;X;Q;trade.retail;20;2024-Q3;1;VND;A\n" +
		"dataflow;X;I;nope;99;2024-Q4;1;VND;A\n"
	set, err := ReadCSV(strings.NewReader(in), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, conflicts := ToChangeSet(set, Options{Indicators: sampleIndicators, Units: map[string]bool{"20": true}})
	var got []string
	for _, c := range conflicts {
		got = append(got, c.Object)
	}
	want := []string{"TIME_PERIOD", "OBS_STATUS", "UNIT_MEASURE", "OBS_VALUE", "ACTION", "INDICATOR", "REF_AREA"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("conflicts %v, want %v", conflicts, want)
	}
	if v := set.Rows[0].Cells[ColObsValue]; v != "5.5" {
		t.Errorf("decimal comma: %q", v)
	}
	// A broken quote spoils its row, and is named, without hiding the rows before it.
	set, err = ReadCSV(strings.NewReader("DATAFLOW,INDICATOR,REF_AREA,TIME_PERIOD,OBS_VALUE\nX,a,20,2024,1\nX,\"a,b,c\n"), ReadOptions{})
	if err != nil || len(set.Rows) != 1 || len(set.Conflicts) != 1 || set.Conflicts[0].Row != 3 {
		t.Errorf("broken quote: %+v %v", set, err)
	}
	set, err = ReadCSV(strings.NewReader("STRUCTURE,STRUCTURE_ID,ACTION,OBS_VALUE\nX,Y,I,1\n"), ReadOptions{})
	if err != nil || len(set.Rows) != 0 || len(set.Conflicts) != 3 {
		t.Errorf("no key columns: %+v %v", set, err)
	}
	for _, bad := range []string{"", "FOO,BAR\n"} {
		set, err := ReadCSV(strings.NewReader(bad), ReadOptions{})
		var e *planwatch.Error
		if set != nil || !errors.As(err, &e) || e.Code != planwatch.EINVALID {
			t.Errorf("ReadCSV(%q) = %v, %v; want EINVALID and no set", bad, set, err)
		}
	}
}

// TestPartnerDimensions: an SDMX-CSV file keyed by the standard FREQ,
// REF_AREA and a partner's indicator dimension, with partner codes, lands
// through a column mapping and code mappings; FREQ is checked against the
// period and UNIT_MULT scales the value.
func TestPartnerDimensions(t *testing.T) {
	in := "DATAFLOW,FREQ,REF_AREA,SERIES,TIME_PERIOD,OBS_VALUE,UNIT_MULT,OBS_STATUS,DECIMALS\n" +
		"VN:DF_PROV(1.0),Q,VN-20,RETAIL,2024-Q1,5.953,12,A,3\n" +
		"VN:DF_PROV(1.0),M,VN-20,RETAIL,2024-Q2,6,12,A,3\n"
	set, err := ReadCSV(strings.NewReader(in), ReadOptions{Columns: map[string]string{"SERIES": ColIndicator, "DECIMALS": ""}})
	if err != nil || len(set.Conflicts) != 0 {
		t.Fatalf("%+v %v", set, err)
	}
	opts := Options{Indicators: sampleIndicators, Units: map[string]bool{"20": true},
		IndicatorCodes: map[string]string{"RETAIL": "trade.retail"}, AreaCodes: map[string]string{"VN-20": "20"}}
	_, conflicts := ToChangeSet(set, opts)
	if len(conflicts) != 1 || conflicts[0].Object != ColFreq || conflicts[0].Row != 3 {
		t.Fatalf("conflicts %v, want FREQ M against a quarter on line 3", conflicts)
	}
	set.Rows = set.Rows[:1]
	cs, conflicts := ToChangeSet(set, opts)
	if len(conflicts) != 0 || cs.Values[0].Key.String() != "trade.retail/20/2024Q1" || *cs.Values[0].Value != 5.953e12 {
		t.Errorf("%+v %v", cs, conflicts)
	}
	// Unmapped codes and columns say which mapping row would resolve them.
	set, _ = ReadCSV(strings.NewReader(in), ReadOptions{})
	_, conflicts = ToChangeSet(set, Options{Indicators: sampleIndicators, Units: map[string]bool{"20": true}})
	if len(conflicts) < 1 || conflicts[0].MapKind != planwatch.MapColumn || conflicts[0].MapID != "SERIES" {
		t.Errorf("conflicts %+v", conflicts)
	}
}

func FuzzReadCSV(f *testing.F) {
	names, _ := filepath.Glob("testdata/*.csv")
	names = append(names, "testdata/golden/values.csv")
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, in string) {
		set, err := ReadCSV(strings.NewReader(in), fieldGuide)
		if err != nil {
			if set != nil {
				t.Fatal("error with a set")
			}
			return
		}
		cs, conflicts := ToChangeSet(set, Options{})
		if (cs == nil) == (len(conflicts) == 0) {
			t.Fatalf("change set %v with conflicts %v", cs, conflicts)
		}
	})
}
