package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCatalogueExportImport (issue 13): the catalogue exported from one
// database and imported into a fresh one exports identically; a refused
// import changes nothing; a change is a version in the history; a change
// of aggregation of an indicator with values is refused, naming their count;
// a change of unit goes through with --convert.
func TestCatalogueExportImport(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")
	mustRun(t, "init", "--demo", "--db", a)
	exported := filepath.Join(dir, "a.csv")
	mustRun(t, "catalogue", "export", "--db", a, "-o", exported)
	orig, err := os.ReadFile(exported)
	if err != nil {
		t.Fatal(err)
	}
	// The province adds an indicator and renames another on a.
	added := strings.Replace(string(orig), ",Tổng lượt khách du lịch,", ",Tổng lượt khách du lịch đến tỉnh,", 1) +
		"trade.border_visitors,Số khách quốc tế qua cửa khẩu Hữu Nghị,\"International visitors, Huu Nghi gate\",lượt người,flow,sum,month,Kinh tế cửa khẩu,1,0,sum,,,,,\n"
	withNew := filepath.Join(dir, "new.csv")
	os.WriteFile(withNew, []byte(added), 0o644)
	if out := mustRun(t, "catalogue", "import", "--db", a, "--note", "NQ 35", withNew); !strings.Contains(out, "2 phiên bản") {
		t.Errorf("import of one new and one changed indicator: %s", out)
	}
	// The embedded catalogue is the starting content only: init again keeps the province's edits.
	mustRun(t, "init", "--db", a)
	if out := mustRun(t, "catalogue", "export", "--db", a); !strings.Contains(out, "đến tỉnh") || !strings.Contains(out, "Hữu Nghị") {
		t.Errorf("init overwrote the managed catalogue")
	}
	// Exported from a, imported into a fresh b, exported again: identical.
	mustRun(t, "catalogue", "export", "--db", a, "-o", exported)
	mustRun(t, "init", "--db", b)
	mustRun(t, "catalogue", "import", "--db", b, exported)
	again := filepath.Join(dir, "b.csv")
	mustRun(t, "catalogue", "export", "--db", b, "-o", again)
	ea, _ := os.ReadFile(exported)
	eb, _ := os.ReadFile(again)
	if string(ea) != string(eb) || !strings.Contains(string(eb), "Hữu Nghị") || !strings.Contains(string(eb), "đến tỉnh") {
		t.Fatalf("export → import → export differs:\n%s\n---\n%s", ea, eb)
	}

	// A bad file: every bad row named by line and column, nothing stored.
	bad := strings.Replace(added, ",Số khách quốc tế qua cửa khẩu Hữu Nghị,", ",,", 1) + "x y,Sai,,,flow,,,,,,,,,,,\n"
	badFile := filepath.Join(dir, "bad.csv")
	os.WriteFile(badFile, []byte(bad), 0o644)
	out, err := run(t, "catalogue", "import", "--db", b, badFile)
	lines := strings.Count(added, "\n")
	if err == nil || !strings.Contains(err.Error(), "dòng "+strconv.Itoa(lines)) || !strings.Contains(err.Error(), "dòng "+strconv.Itoa(lines+1)) ||
		!strings.Contains(err.Error(), `cột "name_vi"`) || !strings.Contains(err.Error(), `cột "code"`) {
		t.Errorf("bad file: %v\n%s", err, out)
	}
	after := filepath.Join(dir, "after.csv")
	mustRun(t, "catalogue", "export", "--db", b, "-o", after)
	if ec, _ := os.ReadFile(after); string(ec) != string(eb) {
		t.Errorf("a refused import changed the catalogue")
	}

	// The demo has values of trade.retail_sales_services: its aggregation cannot change, its unit only with --convert.
	line := findLine(t, string(eb), "trade.retail_sales_services,")
	changeAgg := strings.Replace(string(eb), line, strings.Replace(line, ",flow,sum,", ",flow,avg,", 1), 1)
	os.WriteFile(badFile, []byte(changeAgg), 0o644)
	if _, err := run(t, "catalogue", "import", "--db", a, badFile); err == nil || !strings.Contains(err.Error(), "giá trị") || !strings.Contains(err.Error(), "time_agg") {
		t.Errorf("aggregation change with values: %v", err)
	}
	changeUnit := strings.Replace(string(eb), line, strings.Replace(line, ",tỷ đồng,", ",triệu đồng,", 1), 1)
	os.WriteFile(badFile, []byte(changeUnit), 0o644)
	if _, err := run(t, "catalogue", "import", "--db", a, badFile); err == nil || !strings.Contains(err.Error(), "hệ số 0.001") {
		t.Errorf("unit change without --convert: %v", err)
	}
	if out := mustRun(t, "catalogue", "import", "--db", a, "--convert", "trade.retail_sales_services=1", badFile); !strings.Contains(out, "1 phiên bản") {
		t.Errorf("unit change with --convert: %s", out)
	}
	hist := mustRun(t, "catalogue", "history", "--db", a, "trade.retail_sales_services")
	if !strings.Contains(hist, "unit: tỷ đồng → triệu đồng") || strings.Count(hist, "\n") != 3 {
		t.Errorf("history:\n%s", hist)
	}
}

// TestSetsAndGroupsCLI: sets and groups round-trip through their files;
// unknown codes are named by line.
func TestSetsAndGroupsCLI(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	mustRun(t, "init", "--demo", "--db", db)
	before := mustRun(t, "status", "--db", db, "--unit", "20", "--period", "2022Q1", "--format", "json")
	sets := filepath.Join(dir, "sets.csv")
	os.WriteFile(sets, []byte("unit,year,indicator,target_kinds,source\n20,2022,trade.retail_sales_services,KH,NQ 35/NQ-HĐND\n20,2022,tourism.visitors_total,,\n"), 0o644)
	mustRun(t, "set", "import", "--db", db, sets)
	// The set drives status: only its indicators.
	after := mustRun(t, "status", "--db", db, "--unit", "20", "--period", "2022Q1", "--format", "json")
	if strings.Count(after, `"indicator":`) != 2 || strings.Count(before, `"indicator":`) <= 2 || !strings.Contains(after, "tourism.visitors_total") {
		t.Errorf("status with a set of 2: %d rows (before %d)", strings.Count(after, `"indicator":`), strings.Count(before, `"indicator":`))
	}
	out := filepath.Join(dir, "out.csv")
	mustRun(t, "set", "export", "--db", db, "-o", out)
	if got, _ := os.ReadFile(out); !strings.Contains(string(got), "20,2022,tourism.visitors_total,,NQ 35/NQ-HĐND") {
		t.Errorf("sets export:\n%s", got)
	}
	os.WriteFile(sets, []byte("unit,year,indicator\n20,2022,trade.retail_sales_services\n20,2022,nope\n"), 0o644)
	if _, err := run(t, "set", "import", "--db", db, sets); err == nil || !strings.Contains(err.Error(), "dòng 3") {
		t.Errorf("unknown indicator: %v", err)
	}
	groups := filepath.Join(dir, "groups.csv")
	os.WriteFile(groups, []byte("group,name_vi,name_en,unit\nborder,Huyện biên giới,Border districts,178\nborder,,,180\n"), 0o644)
	mustRun(t, "group", "import", "--db", db, groups)
	if got := mustRun(t, "group", "list", "--db", db); !strings.Contains(got, "border") || !strings.Contains(got, "178, 180") {
		t.Errorf("group list: %s", got)
	}
	mustRun(t, "group", "remove", "--db", db, "border")
	if got := mustRun(t, "group", "list", "--db", db); strings.Contains(got, "border") {
		t.Errorf("after remove: %s", got)
	}
}

func findLine(t *testing.T, text, prefix string) string {
	t.Helper()
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	t.Fatalf("no line %s…", prefix)
	return ""
}
