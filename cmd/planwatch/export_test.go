package main

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Every export format round-trips the demo: export, import into a fresh
// database (targets travel as a planwatch targets file), identical status.
// Milestones are not part of any exchange format and are compared apart.
func TestExportImportRoundTrip(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.db")
	mustRun(t, "init", "--demo", "--db", src)
	targets := filepath.Join(dir, "targets.csv")
	mustRun(t, "export", "--db", src, "--what", "targets", "-o", targets)
	want := statusWithoutMilestones(t, src)
	for _, f := range []struct{ format, ext string }{
		{"planwatch-csv", "csv"}, {"dhis2-json", "json"}, {"dhis2-csv", "csv"}, {"sdmx-csv", "csv"}, {"xlsx", "xlsx"},
	} {
		t.Run(f.format, func(t *testing.T) {
			file := filepath.Join(dir, "export-"+f.format+"."+f.ext)
			mustRun(t, "export", "--db", src, "--format", f.format, "-o", file)
			dst := filepath.Join(dir, f.format+".db")
			mustRun(t, "init", "--db", dst)
			out := mustRun(t, "import", "--db", dst, file) // format detected
			if !strings.Contains(out, "SUCCESS") {
				t.Fatalf("import: %s", out)
			}
			mustRun(t, "import", "--db", dst, targets)
			got := statusWithoutMilestones(t, dst)
			if f.format == "xlsx" {
				// A spreadsheet keeps 15 significant digits, as Excel does.
				roundValues(got)
				roundValues(want)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("status differs after a %s round trip:\n got %v\nwant %v", f.format, got, want)
			}
		})
	}
}

func statusWithoutMilestones(t *testing.T, db string) []map[string]any {
	t.Helper()
	out := mustRun(t, "status", "--db", db, "--unit", "20", "--period", "2022Q1", "--format", "json")
	var doc struct {
		Rows []map[string]any `json:"rows"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	for _, r := range doc.Rows {
		delete(r, "milestones")
		if r["value"] == nil && r["plan"] == nil && r["yoy_pct"] == nil && r["status"] == "no_data" {
			continue // a milestone-only row
		}
		rows = append(rows, r)
	}
	return rows
}

func roundValues(rows []map[string]any) {
	for _, r := range rows {
		for _, k := range []string{"value", "plan", "projection", "ytd"} {
			if x, ok := r[k].(float64); ok {
				r[k] = float64(int64(x/1e3)) * 1e3
			}
		}
	}
}
