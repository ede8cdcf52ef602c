package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func interopSample(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join("..", "..", "dhis2", "testdata", name)
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestImportWithMapping: a DHIS2 file keyed by UIDs (DHIS2's own test
// file) is refused and its ids named; the template of those ids, filled in
// and imported as a mapping, makes it land; a mapping file works too.
func TestImportWithMapping(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	mustRun(t, "init", "--db", db)
	sampleB := interopSample(t, "dhis2core-dataValueSetB.csv")

	out, err := run(t, "import", "--db", db, sampleB)
	if err == nil || !strings.Contains(out, "E8103") || !strings.Contains(out, "ids not mapped") || strings.Count(out, `"f7n9E0hX8qk"`) != 4 {
		t.Fatalf("without a mapping: %v\n%s", err, out)
	}

	tmpl := filepath.Join(dir, "template.csv")
	mustRun(t, "mapping", "template", "--db", db, "-o", tmpl, sampleB)
	b, err := os.ReadFile(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(b); strings.Count(got, "\n") != 6 || !strings.Contains(got, "dataElement,f7n9E0hX8qk,\n") || !strings.Contains(got, "orgUnit,BdfsJfj87js,\n") {
		t.Fatalf("template:\n%s", got)
	}
	// Filled in: the data elements are indicators, the org units districts of Lạng Sơn.
	filled := strings.NewReplacer("f7n9E0hX8qk,\n", "f7n9E0hX8qk,agri.planted_area\n",
		"Ix2HsbDMLea,\n", "Ix2HsbDMLea,agri.rice_planted_area\n", "eY5ehpbEsB7,\n", "eY5ehpbEsB7,trade.retail_sales_services\n",
		"DiszpKrYNg8,\n", "DiszpKrYNg8,178\n", "BdfsJfj87js,\n", "BdfsJfj87js,180\n").Replace(string(b))
	mapFile := filepath.Join(dir, "sierra-leone.csv")
	if err := os.WriteFile(mapFile, []byte(filled), 0o644); err != nil {
		t.Fatal(err)
	}
	// A mapping with an unknown code is refused, naming its row.
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte(filled+"orgUnit,O6uvpzGd5pu,99999\n"), 0o644)
	if out, err := run(t, "mapping", "import", "--db", db, "--name", "sl", bad); err == nil || !strings.Contains(err.Error(), "dòng 7") {
		t.Errorf("unknown code: %v\n%s", err, out)
	}
	if out := mustRun(t, "mapping", "import", "--db", db, "--name", "sl", mapFile); !strings.Contains(out, "sl: 5 entries") {
		t.Errorf("mapping import: %s", out)
	}
	if out := mustRun(t, "mapping", "list", "--db", db); !strings.Contains(out, "sl") || !strings.Contains(out, "5 entries") {
		t.Errorf("mapping list: %s", out)
	}
	if out := mustRun(t, "mapping", "export", "--db", db, "--name", "sl"); !strings.Contains(out, "orgUnit,DiszpKrYNg8,178") {
		t.Errorf("mapping export: %s", out)
	}

	out = mustRun(t, "import", "--db", db, "--mapping", "sl", sampleB)
	if !strings.Contains(out, "SUCCESS: imported 12") {
		t.Errorf("with the stored mapping: %s", out)
	}
	// The same mapping as a file, for a JSON data value set.
	out = mustRun(t, "import", "--db", db, "--mapping", mapFile, interopSample(t, "dhis2docs-webapi-data-mortality-dataValueSet.json"))
	if !strings.Contains(out, "SUCCESS: imported 3") {
		t.Errorf("with a mapping file: %s", out)
	}
	// CODE says the ids are codes, so the mapping does not apply.
	if out, err := run(t, "import", "--db", db, "--mapping", "sl", "--id-scheme", "CODE", sampleB); err == nil || !strings.Contains(out, "E8103") {
		t.Errorf("--id-scheme CODE: %v\n%s", err, out)
	}
	if _, err := run(t, "import", "--db", db, "--mapping", "nope", sampleB); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("unknown mapping: %v", err)
	}
	// importStrategy DELETE withdraws what the file names.
	out = mustRun(t, "import", "--db", db, "--mapping", "sl", "--import-strategy", "DELETE", sampleB)
	if !strings.Contains(out, "deleted 12") {
		t.Errorf("DELETE: %s", out)
	}
}

// TestMappingArgumentsFirst: bad arguments are refused before a database
// is created, and --help prints the usage and succeeds.
func TestMappingArgumentsFirst(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "never.db")
	for _, args := range [][]string{
		{"mapping", "import", "--db", db, "--name", "../x", "f.csv"},
		{"mapping", "import", "--db", db, "--name", "ok", filepath.Join(dir, "missing.csv")},
		{"mapping", "export", "--db", db},
		{"mapping", "frobnicate", "--db", db},
		{"import", "--db", db, "--atomic-mode", "OBJECT", "f.csv"},
		{"import", "--db", db, "--import-strategy", "SYNC", "f.csv"},
		{"import", "--db", db, "--id-scheme", "GUID", "f.csv"},
	} {
		if _, err := run(t, args...); err == nil {
			t.Errorf("planwatch %s succeeded", strings.Join(args, " "))
		}
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("a database was created for bad arguments")
	}
	for _, args := range [][]string{{"mapping", "--help"}, {"mapping", "import", "--help"}} {
		if out, err := run(t, args...); err != nil || !strings.Contains(out, "kind,partner_id,code") {
			t.Errorf("planwatch %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// TestImportSDMXWithColumnMapping: the SDMX-CSV field guide's example keyed
// by generic dimensions lands through a mapping of its columns and codes.
func TestImportSDMXWithColumnMapping(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	mustRun(t, "init", "--db", db)
	sample := filepath.Join("..", "..", "sdmx", "testdata", "sdmxcsv-v2.0.0-fieldguide-example1.csv")
	if out, err := run(t, "import", "--db", db, sample); err == nil || !strings.Contains(out, "DIM_1") {
		t.Fatalf("without a mapping: %v\n%s", err, out)
	}
	mapping := filepath.Join(dir, "estat.csv")
	os.WriteFile(mapping, []byte("kind,partner_id,code\n"+
		"column,DIM_1,INDICATOR\ncolumn,DIM_2,REF_AREA\ncolumn,DIM_3,TIME_PERIOD\n"+
		"column,ATTR_1,\ncolumn,ATTR_2,\ncolumn,ATTR_3,\ncolumn,UPDATED,\n"+
		"dataElement,A,trade.retail_sales_services\norgUnit,B,20\n"), 0o644)
	out := mustRun(t, "import", "--db", db, "--mapping", mapping, sample)
	if !strings.Contains(out, "SUCCESS: imported 2") {
		t.Errorf("with the mapping: %s", out)
	}
}
