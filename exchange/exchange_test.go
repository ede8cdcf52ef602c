package exchange

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"planwatch"
	"planwatch/dhis2"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func sample(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", path))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDetect(t *testing.T) {
	for _, tc := range []struct {
		path string
		want Format
	}{
		{"dhis2/testdata/dhis2core-dataValueSetB.csv", DHIS2CSV},
		{"dhis2/testdata/dhis2core-dataValueSetBooleanTest.csv", DHIS2CSV},
		{"dhis2/testdata/dhis2core-dataValues_single_dataset.json", DHIS2JSON},
		{"dhis2/testdata/dhis2docs-webapi-data-mortality-dataValueSet.json", DHIS2JSON},
		{"dhis2/testdata/dhis2core-dataValueSetADeleted.xml", DHIS2XML},
		{"dhis2/testdata/dhis2core-importA.adx.xml", ADX},
		{"dhis2/testdata/golden/values.csv", DHIS2CSV},
		{"sdmx/testdata/sdmxcsv-v1.0-fieldguide-example1.csv", SDMXCSV},
		{"sdmx/testdata/sdmxcsv-v1.0-fieldguide-example2-fr-semicolon.csv", SDMXCSV},
		{"sdmx/testdata/sdmxcsv-v2.0.0-fieldguide-example1.csv", SDMXCSV},
		{"sdmx/testdata/sdmxcsv-v2.1-fieldguide-example2-anyorder-multivalue.csv", SDMXCSV},
		{"sheet/testdata/golden/values.csv", Native},
	} {
		b := sample(t, tc.path)
		if got := Detect(filepath.Base(tc.path), b[:min(len(b), 512)]); got != tc.want {
			t.Errorf("Detect(%s) = %q, want %q", tc.path, got, tc.want)
		}
		// The content alone decides for these files.
		if got := Detect("", b[:min(len(b), 512)]); got != tc.want {
			t.Errorf("Detect(no name, %s) = %q, want %q", tc.path, got, tc.want)
		}
	}
	for _, tc := range []struct {
		name, head string
		want       Format
	}{
		{"x.csv", "a,202203,20,,,5\n", DHIS2CSV},
		{"x.csv", "hello,world\n", Unknown},
		{"x.xlsx", "PK\x03\x04...", XLSX},
		{"x.json", "", DHIS2JSON},
		{"", "", Unknown},
	} {
		if got := Detect(tc.name, []byte(tc.head)); got != tc.want {
			t.Errorf("Detect(%q, %q) = %q, want %q", tc.name, tc.head, got, tc.want)
		}
	}
}

// partner is the mapping a partner using DHIS2's demo UIDs would supply,
// and the renaming of the SDMX field guide's generic dimensions.
var partner = &planwatch.Mapping{Name: "partner", Entries: []planwatch.MappingEntry{
	{Kind: planwatch.MapDataElement, PartnerID: "f7n9E0hX8qk", Code: "a"},
	{Kind: planwatch.MapDataElement, PartnerID: "Ix2HsbDMLea", Code: "b"},
	{Kind: planwatch.MapDataElement, PartnerID: "eY5ehpbEsB7", Code: "c"},
	{Kind: planwatch.MapDataElement, PartnerID: "jH26dja2f30", Code: "a", ValueType: "BOOLEAN"},
	{Kind: planwatch.MapDataElement, PartnerID: "jH26dja2f31", Code: "b", ValueType: "TRUE_ONLY"},
	{Kind: planwatch.MapOrgUnit, PartnerID: "DiszpKrYNg8", Code: "20"},
	{Kind: planwatch.MapOrgUnit, PartnerID: "BdfsJfj87js", Code: "01"},
	{Kind: planwatch.MapColumn, PartnerID: "DIM_1", Code: "INDICATOR"},
	{Kind: planwatch.MapColumn, PartnerID: "DIM_2", Code: "REF_AREA"},
	{Kind: planwatch.MapColumn, PartnerID: "DIM_3", Code: "TIME_PERIOD"},
	{Kind: planwatch.MapColumn, PartnerID: "ATTR_1"}, {Kind: planwatch.MapColumn, PartnerID: "ATTR_2"},
	{Kind: planwatch.MapColumn, PartnerID: "ATTR_3"}, {Kind: planwatch.MapColumn, PartnerID: "SERIESKEY"},
	{Kind: planwatch.MapColumn, PartnerID: "UPDATED"},
}}

func catalogue() (map[string]planwatch.Indicator, map[string]bool) {
	inds := map[string]planwatch.Indicator{}
	for _, c := range []string{"a", "b", "c", "A", "trade.retail", "macro.grdp_growth"} {
		inds[c] = planwatch.Indicator{Code: c, Unit: "tỷ đồng"}
	}
	inds["macro.grdp_growth"] = planwatch.Indicator{Code: "macro.grdp_growth", Unit: "%"}
	return inds, map[string]bool{"20": true, "01": true, "B": true}
}

// fakeStore records what it is asked to apply.
type fakeStore struct {
	applied []*planwatch.ChangeSet
	err     error
}

func (s *fakeStore) Apply(_ context.Context, cs *planwatch.ChangeSet) (planwatch.ApplyResult, error) {
	s.applied = append(s.applied, cs)
	if s.err != nil {
		return planwatch.ApplyResult{}, s.err
	}
	return planwatch.ApplyResult{Imported: len(cs.Values)}, nil
}

func TestImportSamples(t *testing.T) {
	inds, units := catalogue()
	for _, tc := range []struct {
		path     string
		status   string
		imported int
		indexes  []int // conflict indexes
	}{
		{"dhis2/testdata/dhis2core-dataValueSetB.csv", StatusSuccess, 12, nil},
		// DHIS2: WARNING with conflicts at 10, 11, 16, 17 and the other 14 stored;
		// planwatch reports the same conflicts and stores nothing.
		{"dhis2/testdata/dhis2core-dataValueSetBooleanTest.csv", StatusError, 0, []int{10, 11, 16, 17}},
		{"dhis2/testdata/dhis2docs-webapi-data-mortality-dataValueSet.json", StatusSuccess, 3, nil},
		{"dhis2/testdata/dhis2core-dataValueSetADeleted.xml", StatusSuccess, 3, nil},
		// Two disaggregations of BjDrgVrkBI3 and an unknown org unit (O6uvpzGd5pu).
		{"dhis2/testdata/dhis2core-dataValues_single_dataset.json", StatusError, 0, []int{0, 0, 1, 1}},
		{"sdmx/testdata/sdmxcsv-v1.0-fieldguide-example1.csv", StatusSuccess, 2, nil},
		{"sdmx/testdata/sdmxcsv-v1.0-fieldguide-example2-fr-semicolon.csv", StatusSuccess, 2, nil},
		{"sdmx/testdata/sdmxcsv-v2.0.0-fieldguide-example1.csv", StatusSuccess, 2, nil},
		{"sdmx/testdata/sdmxcsv-v2.1-fieldguide-example1.csv", StatusSuccess, 2, nil},
	} {
		t.Run(filepath.Base(tc.path), func(t *testing.T) {
			b := sample(t, tc.path)
			f := Detect(tc.path, b)
			store := &fakeStore{}
			s, err := Import(context.Background(), store, f, bytes.NewReader(b), Options{Ref: filepath.Base(tc.path),
				By: "importer", Indicators: inds, Units: units, Mapping: partner})
			if err != nil {
				t.Fatal(err)
			}
			var idx []int
			for _, c := range s.Conflicts {
				idx = append(idx, c.Indexes...)
			}
			if s.Status != tc.status || s.ImportCount.Imported != tc.imported || !reflect.DeepEqual(idx, tc.indexes) {
				t.Errorf("summary %+v, want %s, %d imported, conflicts at %v", s, tc.status, tc.imported, tc.indexes)
			}
			// A file with conflicts reaches the store only in a dry run, for
			// the store's own problems to be reported with the file's.
			for _, cs := range store.applied {
				if tc.status == StatusError && !cs.DryRun {
					t.Error("a file with conflicts reached the store")
				}
			}
		})
	}
}

func TestSummaryGolden(t *testing.T) {
	b := sample(t, "dhis2/testdata/dhis2core-dataValueSetBooleanTest.csv")
	inds, units := catalogue()
	s, err := Import(context.Background(), &fakeStore{}, DHIS2CSV, bytes.NewReader(b),
		Options{Ref: "bool.csv", Indicators: inds, Units: units, Mapping: partner, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.MarshalIndent(s, "", "  ")
	var text bytes.Buffer
	s.WriteText(&text)
	golden(t, "boolean-summary.json", append(js, '\n'))
	golden(t, "boolean-summary.txt", text.Bytes())
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

func TestImportApplyAndDryRun(t *testing.T) {
	in := "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\na,202203,20,,,5\n"
	store := &fakeStore{}
	s, err := Import(context.Background(), store, DHIS2CSV, strings.NewReader(in), Options{Ref: "x.csv", By: "u", DryRun: true})
	if err != nil || s.Status != StatusSuccess || !s.DryRun || len(store.applied) != 1 || !store.applied[0].DryRun {
		t.Fatalf("summary %+v err %v applied %+v", s, err, store.applied)
	}
	v := store.applied[0].Values[0]
	if v.Source != (planwatch.Source{Kind: planwatch.SourceFile, Ref: "x.csv", Row: 2}) || v.By != "u" || store.applied[0].By != "u" {
		t.Errorf("value %+v", v)
	}
	// The store's own validation problems come back as conflicts.
	store.err = &planwatch.Error{Code: planwatch.EINVALID, Message: "bad", Problems: []planwatch.Problem{{Row: 2, Column: "value", Reason: "negative"}}}
	s, err = Import(context.Background(), store, DHIS2CSV, strings.NewReader(in), Options{})
	if err != nil || s.Status != StatusError || len(s.Conflicts) != 1 || s.Conflicts[0].Row != 2 {
		t.Errorf("summary %+v err %v", s, err)
	}
	// Storage failures are errors, not summaries.
	store.err = planwatch.Errorf(planwatch.EINTERNAL, "disk full")
	if _, err = Import(context.Background(), store, DHIS2CSV, strings.NewReader(in), Options{}); err == nil {
		t.Error("internal error swallowed")
	}
	// A file that is not JSON at all is an ERROR summary naming the line.
	s, err = Import(context.Background(), store, DHIS2JSON, strings.NewReader("{\n oops"), Options{})
	if err != nil || s.Status != StatusError || len(s.Conflicts) != 1 || s.Conflicts[0].Row != 2 {
		t.Errorf("summary %+v err %v", s, err)
	}
}

func demoValues() []planwatch.DataValue {
	return []planwatch.DataValue{
		{Key: planwatch.Key{Indicator: "trade.retail", Unit: "20", Period: planwatch.QuarterOf(2024, 1)},
			Basis: planwatch.BasisPeriod, Vintage: planwatch.Official, Value: planwatch.Float(5.953e12),
			YoY: planwatch.Float(12.5), Comment: "=1+1"},
		{Key: planwatch.Key{Indicator: "trade.retail", Unit: "20", Period: planwatch.MustPeriod("2024Q1-Q3")},
			Basis: planwatch.BasisCumulative, Vintage: planwatch.Estimate, Value: planwatch.Float(1.25e13),
			PlanPct: planwatch.Float(70.1), VsRef: planwatch.Float(3)},
		{Key: planwatch.Key{Indicator: "macro.grdp_growth", Unit: "01", Period: planwatch.YearOf(2023)},
			Basis: planwatch.BasisPeriod, Vintage: planwatch.Preliminary, YoY: planwatch.Float(7.2)},
	}
}

// TestRoundTrip exports values in every format and reads them back.
func TestRoundTrip(t *testing.T) {
	inds, units := catalogue()
	for _, f := range WriteFormats {
		t.Run(string(f), func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(f, &b, demoValues(), inds, dhis2.Mapping{}); err != nil {
				t.Fatal(err)
			}
			if got := Detect("export", b.Bytes()); got != f {
				t.Errorf("Detect = %q, want %q", got, f)
			}
			cs, conflicts, err := Read(f, &b, Options{Ref: "export", Indicators: inds, Units: units})
			if err != nil || conflicts.Len() > 0 {
				t.Fatalf("err %v conflicts %v", err, conflicts)
			}
			want := demoValues()
			for i := range cs.Values {
				cs.Values[i].Source = planwatch.Source{}
				cs.Values[i].At = time.Time{}
			}
			if !reflect.DeepEqual(cs.Values, want) {
				t.Errorf("round trip:\n got %+v\nwant %+v", cs.Values, want)
			}
		})
	}
}

func FuzzRead(f *testing.F) {
	for _, p := range []string{"dhis2/testdata/dhis2core-dataValueSetB.csv", "dhis2/testdata/dhis2core-importA.adx.xml",
		"dhis2/testdata/dhis2core-dataValues_single_dataset.json", "sdmx/testdata/sdmxcsv-v2.1-fieldguide-example1.csv",
		"sheet/testdata/golden/values.csv"} {
		f.Add(sample(f, p))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		format := Detect("", in)
		if format == Unknown {
			return
		}
		cs, conflicts, err := Read(format, bytes.NewReader(in), Options{})
		if err != nil && (cs != nil || conflicts != nil) {
			t.Fatal("output with an error")
		}
		if err == nil && (cs == nil) == (conflicts.Len() == 0) {
			t.Fatalf("change set %v and conflicts %v", cs, conflicts)
		}
	})
}
