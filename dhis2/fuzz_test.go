package dhis2

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
