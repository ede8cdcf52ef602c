package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"planwatch"
)

// The acceptance test of validation rules (issue 13, part 5): over the demo,
// a dataset built to break the starter rules in a known list of ways
// (testdata/validate/README.md) gives exactly that list.
func TestValidateFindsTheKnownViolations(t *testing.T) {
	db := filepath.Join(t.TempDir(), "v.db")
	mustRun(t, "init", "--demo", "--db", db)
	// The demo itself breaks none of the starter rules.
	for _, p := range []string{"2022Q1", "202203", "2021"} {
		if out := mustRun(t, "validate", "--db", db, "--unit", "20", "--period", p); !strings.HasPrefix(out, "0 vi phạm") {
			t.Errorf("the demo, %s: %s", p, out)
		}
	}
	mustRun(t, "category", "import", "--db", db, "testdata/validate/categories.csv")
	mustRun(t, "category", "attach", "--db", db, "--indicator", "invest.total_social_investment", "--category", "ownership")
	if out := mustRun(t, "import", "--db", db, "testdata/validate/values.csv"); !strings.Contains(out, "imported 34") {
		t.Fatalf("import: %s", out)
	}
	out := mustRun(t, "validate", "--db", db, "--unit", "20", "--period", "2023Q2", "--format", "json")
	var got struct {
		Violations []struct {
			Rule, Indicator, Unit string
			Values                []planwatch.Key
			LeftValue             *float64 `json:"left_value"`
		}
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var lines []string
	for _, v := range got.Violations {
		lines = append(lines, strings.TrimSpace(v.Unit+" "+v.Rule+" "+v.Indicator))
		if len(v.Values) == 0 || v.Values[0].Unit != v.Unit || v.Values[0].Period.ID() != "2023Q2" {
			t.Errorf("%s: the keys of the values are missing: %+v", v.Rule, v.Values)
		}
	}
	want, err := os.ReadFile("testdata/validate/expected.txt")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(lines, "\n") != strings.TrimSpace(string(want)) {
		t.Errorf("violations:\n%s\nwant:\n%s", strings.Join(lines, "\n"), want)
	}
}

func TestRuleCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "r.db")
	mustRun(t, "init", "--db", db)
	if out := mustRun(t, "rule", "list", "--db", db); !strings.Contains(out, "cumulative.nondecreasing") || !strings.Contains(out, "share.max") {
		t.Errorf("init stores the starter rules: %s", out)
	}
	// Export, then import into a fresh database: the same export.
	first := filepath.Join(dir, "rules.csv")
	mustRun(t, "rule", "export", "--db", db, "-o", first)
	db2 := filepath.Join(dir, "r2.db")
	mustRun(t, "init", "--db", db2)
	mustRun(t, "rule", "import", "--db", db2, first)
	second := filepath.Join(dir, "rules2.csv")
	mustRun(t, "rule", "export", "--db", db2, "-o", second)
	a, _ := os.ReadFile(first)
	b, _ := os.ReadFile(second)
	if string(a) != string(b) || !strings.Contains(string(a), "'=") {
		t.Errorf("export → import → export differs, or a cell starting with = is not defused:\n%s\n%s", a, b)
	}
	// A bad file is refused whole, every bad row and column named.
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("code,name_vi,left,op,right,action\n"+
		"ok.rule,Được,agri.rice_planted_area,<=,agri.planted_area,block\n"+
		"bad.code,Sai mã,agri.unknown,<=,agri.planted_area,warn\n"+
		"bad.cycle,Sai,agri.planted_area +,<=,1,stop\n"), 0o644)
	out, err := run(t, "rule", "import", "--db", db2, bad)
	if err == nil {
		t.Fatalf("a bad rules file was accepted: %s", out)
	}
	msg := planwatch.ErrorMessage(err)
	if pe, ok := err.(*planwatch.Error); ok {
		for _, p := range pe.Problems {
			msg += "\n" + p.Column + " " + p.Reason
		}
	}
	for _, want := range []string{"action", "left column 20"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the refusal does not name %s: %s", want, msg)
		}
	}
	if out := mustRun(t, "rule", "list", "--db", db2); strings.Contains(out, "ok.rule") {
		t.Errorf("a refused file stored a rule")
	}
	os.WriteFile(bad, []byte("code,name_vi,left,op,right\nbad.code,Sai mã,agri.unknown,<=,agri.planted_area\n"), 0o644)
	if _, err := run(t, "rule", "import", "--db", db2, bad); err == nil || !strings.Contains(errorText(err), "agri.unknown") {
		t.Errorf("an unknown code: %v", errorText(err))
	}
	// Attaching a category creates the sub-indicators with the parent's settings.
	mustRun(t, "category", "import", "--db", db2, "testdata/validate/categories.csv")
	if _, err := run(t, "category", "attach", "--db", db2, "--indicator", "invest.public_disbursement_rate", "--category", "ownership"); err == nil {
		t.Errorf("a derived indicator was broken down")
	}
	mustRun(t, "category", "attach", "--db", db2, "--indicator", "trade.export", "--category", "ownership")
	if out := mustRun(t, "category", "list", "--db", db2); !strings.Contains(out, "→ trade.export") || !strings.Contains(out, "~fdi") {
		t.Errorf("category list: %s", out)
	}
}

func errorText(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	if pe, ok := err.(*planwatch.Error); ok {
		for _, p := range pe.Problems {
			s += "\n" + p.Column + " " + p.Value + " " + p.Reason
		}
	}
	return s
}

// planwatch import refuses a file that breaks a blocking rule, whole.
func TestImportBlockedByRule(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "b.db")
	mustRun(t, "init", "--db", db)
	rf := filepath.Join(dir, "block.csv")
	os.WriteFile(rf, []byte("code,name_vi,left,op,right,action\nrice.block,Lúa không vượt tổng,agri.rice_planted_area,<=,agri.planted_area,block\n"), 0o644)
	mustRun(t, "rule", "import", "--db", db, rf)
	vf := filepath.Join(dir, "v.csv")
	os.WriteFile(vf, []byte("indicator,orgunit,period,value\ntrade.export,20,2023Q2,5\nagri.planted_area,20,2023Q2,1000\nagri.rice_planted_area,20,2023Q2,1200\n"), 0o644)
	out, _ := run(t, "import", "--db", db, vf)
	if !strings.Contains(out, "rice.block") || !strings.Contains(out, "imported 0") {
		t.Errorf("a file breaking a blocking rule: %s", out)
	}
	if out := mustRun(t, "export", "--db", db, "--format", "planwatch-csv", "-o", filepath.Join(dir, "out.csv")); out != "" {
		t.Log(out)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "out.csv")); strings.Contains(string(b), "trade.export") {
		t.Errorf("a refused file stored values:\n%s", b)
	}
	os.WriteFile(vf, []byte("indicator,orgunit,period,value\nagri.planted_area,20,2023Q2,1000\nagri.rice_planted_area,20,2023Q2,900\n"), 0o644)
	if out := mustRun(t, "import", "--db", db, vf); !strings.Contains(out, "imported 2") {
		t.Errorf("a valid file: %s", out)
	}
}
