package dhis2

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"planwatch"
)

// fuzzReader checks a reader on arbitrary input: it never panics, an error
// comes with no set, and a set's rows and conflicts convert without panic to
// either a change set or conflicts, never both.
func fuzzReader(f *testing.F, read func(string) (*Set, error), seeds ...string) {
	for _, name := range seeds {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, in string) {
		set, err := read(in)
		if err != nil {
			if set != nil {
				t.Fatalf("error %v with a set", err)
			}
			return
		}
		for _, r := range set.Rows {
			if r.Line < 1 {
				t.Fatalf("row without a line: %+v", r)
			}
		}
		cs, conflicts := ToChangeSet(set, Options{Map: Mapping{ValueTypes: map[string]ValueType{"a": Boolean}}})
		if (cs == nil) == (len(conflicts) == 0) {
			t.Fatalf("change set %v with conflicts %v", cs, conflicts)
		}
		if cs != nil && len(cs.Values) > len(set.Rows) {
			t.Fatalf("%d values from %d rows", len(cs.Values), len(set.Rows))
		}
	})
}

func FuzzReadCSV(f *testing.F) {
	f.Add("a,202203,20,,,5\r\n")
	fuzzReader(f, func(s string) (*Set, error) { return ReadCSV(strings.NewReader(s)) },
		"dhis2core-dataValueSetB.csv", "dhis2core-dataValueSetBooleanTest.csv", "golden/values.csv")
}

func FuzzReadJSON(f *testing.F) {
	fuzzReader(f, func(s string) (*Set, error) { return ReadJSON(strings.NewReader(s)) },
		"dhis2core-dataValues_single_dataset.json", "dhis2docs-webapi-data-mortality-dataValueSet.json", "golden/values.json")
}

func FuzzReadXML(f *testing.F) {
	fuzzReader(f, func(s string) (*Set, error) { return ReadXML(strings.NewReader(s)) },
		"dhis2core-dataValueSetADeleted.xml", "dhis2core-importA.adx.xml")
}

func FuzzReadADX(f *testing.F) {
	f.Add(`<adx><group period="2022-03-01/P1M" orgUnit="20"><dataValue dataElement="a" value="1" created="x"><lastUpdated>y</lastUpdated></dataValue></group></adx>`)
	fuzzReader(f, func(s string) (*Set, error) { return ReadADX(strings.NewReader(s)) }, "dhis2core-importA.adx.xml")
}

// FuzzScanCSVStreams checks that reading a CSV as a stream and converting
// it value by value, in batches with the current values, gives what reading
// it whole gives.
func FuzzScanCSVStreams(f *testing.F) {
	f.Add("dataelement,period,orgunit,categoryoptioncombo,value,comment\na,202203,20,,5,x\na,202203,20,YOY,1,\nb,202203,20,,,\n")
	f.Add("a,202203,20,,,5\r\na,202203,20,,,6\n")
	f.Fuzz(func(t *testing.T, in string) {
		set, err := ReadCSV(strings.NewReader(in))
		var streamed []string
		var conflicts int
		c := NewConverter(Options{CurrentMany: func(keys []planwatch.Key) map[planwatch.Key]planwatch.DataValue { return nil }},
			func(v planwatch.DataValue) error { streamed = append(streamed, v.Key.String()); return nil },
			func(Conflict) { conflicts++ })
		serr := ScanCSV(strings.NewReader(in), c)
		c.Close()
		if (err == nil) != (serr == nil) {
			t.Fatalf("Read %v, Scan %v", err, serr)
		}
		if err != nil {
			return
		}
		cs, cc := ToChangeSet(set, Options{})
		if len(cc) != conflicts {
			t.Fatalf("%d conflicts whole, %d streamed", len(cc), conflicts)
		}
		if cs != nil && len(cs.Values) != len(streamed) {
			t.Fatalf("%d values whole, %d streamed", len(cs.Values), len(streamed))
		}
	})
}
