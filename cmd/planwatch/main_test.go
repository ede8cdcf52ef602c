package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"planwatch/demo"
)

// run executes the real program with captured output.
func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut,
		Now:    func() time.Time { return time.Date(2022, 4, 7, 16, 42, 0, 0, time.UTC) },
		Getenv: func(k string) string { return map[string]string{"USER": "tester"}[k] }}
	err := Run(context.Background(), env, args)
	return out.String() + errOut.String(), err
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, err := run(t, args...)
	if err != nil {
		t.Fatalf("planwatch %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

type seedFact struct {
	Sentence string   `json:"sentence"`
	Value    *float64 `json:"value"`
	PlanPct  *float64 `json:"plan_pct"`
	YoYPct   *float64 `json:"yoy_pct"`
	VsRef    *struct {
		Pct float64 `json:"pct"`
		Ref string  `json:"ref"`
	} `json:"vs_ref"`
	Period string `json:"period"`
	Kind   string `json:"kind"`
	Bound  string `json:"bound"`
}

// The facts of the reference article, copied from shared/seed (figures may be copied).
func readSeedFacts(t *testing.T) []seedFact {
	f, err := os.Open("testdata/langson-2022q1.facts.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var facts []seedFact
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var fc seedFact
		if err := json.Unmarshal(sc.Bytes(), &fc); err != nil {
			t.Fatal(err)
		}
		facts = append(facts, fc)
	}
	return facts
}

func eqp(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

func show(p *float64) string {
	if p == nil {
		return "null"
	}
	return fmt.Sprint(*p)
}

func TestDemoStatusMatchesTheArticle(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	mustRun(t, "init", "--demo", "--db", db)
	out := mustRun(t, "status", "--db", db, "--unit", "20", "--period", "2022Q1", "--format", "json")
	var got struct {
		Rows []statusRow `json:"rows"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("status JSON: %v\n%s", err, out)
	}
	rows := map[string]statusRow{}
	for _, r := range got.Rows {
		rows[r.Indicator] = r
	}
	facts := readSeedFacts(t)
	if len(facts) != 15 || demo.FactCount() != 15 {
		t.Fatalf("%d facts in the seed file, %d in the demo; want 15", len(facts), demo.FactCount())
	}
	for _, fc := range facts {
		code, ok := demo.CodeOf(fc.Sentence)
		if !ok {
			t.Errorf("fact not in the demo: %q", fc.Sentence)
			continue
		}
		r, ok := rows[code]
		if !ok {
			t.Errorf("%s: no status row", code)
			continue
		}
		switch fc.Kind {
		case "plan":
			if !eqp(r.Plan, fc.Value) {
				t.Errorf("%s: plan %s, want %s", code, show(r.Plan), show(fc.Value))
			}
			continue
		case "milestone":
			if len(r.Milestones) != 1 || r.Milestones[0].Period != fc.Period || r.Milestones[0].SharePct != *fc.PlanPct || r.Milestones[0].Bound != fc.Bound {
				t.Errorf("%s: milestones %+v, want %s ≥ %v", code, r.Milestones, fc.Period, *fc.PlanPct)
			}
			continue
		}
		if !eqp(r.Value, fc.Value) {
			t.Errorf("%s: value %s, want %s", code, show(r.Value), show(fc.Value))
		}
		if !eqp(r.PlanPct, fc.PlanPct) {
			t.Errorf("%s: plan_pct %s, want %s", code, show(r.PlanPct), show(fc.PlanPct))
		}
		if !eqp(r.YoYPct, fc.YoYPct) {
			t.Errorf("%s: yoy_pct %s, want %s", code, show(r.YoYPct), show(fc.YoYPct))
		}
		switch {
		case fc.VsRef == nil && r.VsRef != nil:
			t.Errorf("%s: vs_ref %+v, want null", code, r.VsRef)
		case fc.VsRef != nil && (r.VsRef == nil || r.VsRef.Pct != fc.VsRef.Pct || r.VsRef.Ref != fc.VsRef.Ref):
			t.Errorf("%s: vs_ref %+v, want %+v", code, r.VsRef, fc.VsRef)
		}
	}

	table := mustRun(t, "status", "--db", db, "--unit", "20", "--period", "2022Q1")
	for _, want := range []string{"Tỉnh Lạng Sơn — quý I/2022", "5.953 tỷ đồng", "26,3%", "+7,35%", "800 triệu USD", "14,5%",
		"755.950 lượt khách", "14,03 tiêu chí/xã", "34.050 tỷ đồng", "+1,8%", "ước 420 tỷ đồng", "2.498,3 tỷ đồng", "+6,4%"} {
		if !strings.Contains(table, want) {
			t.Errorf("status table lacks %q:\n%s", want, table)
		}
	}
	en := mustRun(t, "status", "--db", db, "--unit", "20", "--period", "2022Q1", "--lang", "en")
	if !strings.Contains(en, "Q1 2022") || !strings.Contains(en, "% of plan") {
		t.Errorf("English table:\n%s", en)
	}
}

func TestStatusRejectsBadInput(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.db")
	mustRun(t, "init", "--db", db)
	for _, args := range [][]string{
		{"status", "--db", db, "--unit", "20", "--period", "2022Q5"},
		{"status", "--db", db, "--unit", "99999", "--period", "2022Q1"},
		{"status", "--db", db, "--period", "2022Q1"},
		{"nosuchcommand"},
	} {
		if out, err := run(t, args...); err == nil {
			t.Errorf("planwatch %v succeeded:\n%s", args, out)
		}
	}
}

// A 10,000-row import with one bad row changes nothing and names the row and column.
func TestImportAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	mustRun(t, "init", "--db", db)
	var b strings.Builder
	b.WriteString("indicator,orgunit,period,value,unit\n")
	// 20 communes of Lạng Sơn (2022 list) × 500 months: 10,000 distinct keys,
	// months in which all of them existed (June 1983 to February 2025; some
	// were merged before the 2025-03-01 list).
	communes := []string{"05971", "05974", "05977", "05980", "05983", "05986", "05989", "05992", "05995", "05998",
		"06001", "06004", "06007", "06010", "06013", "06016", "06019", "06022", "06025", "06028"}
	first := 2025*12 + 1 - 499 // months since year 0, of the first month
	for i := 0; i < 10000; i++ {
		n := first + i/len(communes)
		year, month := n/12, 1+n%12
		value := fmt.Sprintf("%d,5", 100+i%97)
		if i == 6789 {
			value = "12x"
		}
		fmt.Fprintf(&b, "trade.retail_sales_services,%s,%d%02d,%s,tỷ đồng\n", communes[i%len(communes)], year, month, value)
	}
	file := filepath.Join(dir, "values.csv")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := run(t, "import", "--db", db, file)
	if err == nil {
		t.Fatalf("import with a bad row succeeded:\n%s", out)
	}
	// The summary names the row, once; the error only says nothing was imported.
	if !strings.Contains(out, "dòng 6791") || !strings.Contains(out, `cột "value"`) || !strings.Contains(out, "12x") ||
		strings.Count(out+err.Error(), "12x") != 1 {
		t.Errorf("the summary does not name line 6791 (data row 6790 + header), column value and the bad cell once:\n%s\n%v", out, err)
	}
	// Nothing was stored.
	status := mustRun(t, "status", "--db", db, "--unit", "20", "--period", "2001Q1", "--format", "json")
	if strings.Contains(status, "trade.retail_sales_services") {
		t.Errorf("a failed import stored values:\n%s", status)
	}
	// Fixed, the same file imports completely.
	fixed := strings.Replace(b.String(), ",12x,", ",12,", 1)
	if err := os.WriteFile(file, []byte(fixed), 0o644); err != nil {
		t.Fatal(err)
	}
	out = mustRun(t, "import", "--db", db, file)
	if !strings.Contains(out, "imported 10000") {
		t.Errorf("import summary: %s", out)
	}
}
