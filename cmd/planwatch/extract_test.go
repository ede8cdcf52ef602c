package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCmdExtract(t *testing.T) {
	text, err := os.ReadFile("../../../shared/seed/langson-2022q1.txt")
	if os.IsNotExist(err) {
		t.Skip("seed article not present (shared material is outside the repo)")
	}
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	env := &Env{Stdin: bytes.NewReader(text), Stdout: &out, Stderr: &errOut, Now: time.Now, Getenv: func(string) string { return "" }}
	if err := cmdExtract(context.Background(), env, []string{"-"}); err != nil {
		t.Fatalf("extract: %v (%s)", err, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 15 {
		t.Fatalf("got %d facts, want 15:\n%s", len(lines), out.String())
	}
	codes := map[string]bool{}
	for _, l := range lines {
		var f map[string]any
		if err := json.Unmarshal([]byte(l), &f); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		for _, k := range []string{"indicator", "code", "value", "unit", "period", "place", "plan_pct", "yoy_pct", "vs_ref", "estimate", "kind", "sentence", "start", "end"} {
			if _, ok := f[k]; !ok {
				t.Errorf("line %q lacks %q", l, k)
			}
		}
		if c, ok := f["code"].(string); ok {
			codes[c] = true
		}
	}
	for _, c := range []string{"trade.retail_sales_services", "bank.deposits_mobilised", "forest.new_planting_area"} {
		if !codes[c] {
			t.Errorf("no fact matched %s", c)
		}
	}
	if err := cmdExtract(context.Background(), env, nil); err == nil {
		t.Error("no file: want a usage error")
	}
}

// The reference article, read and saved, gives the article's figures back in the status.
func TestExtractSaveSeed(t *testing.T) {
	article := "../../../shared/seed/langson-2022q1.txt"
	if _, err := os.Stat(article); err != nil {
		t.Skipf("reference article not available (%v): it is read from ../shared/seed, not copied into the repo", err)
	}
	db := filepath.Join(t.TempDir(), "x.db")
	mustRun(t, "init", "--db", db)
	// Without --yes, a "no" answer stores nothing.
	out := mustRun(t, "extract", "--save", "--db", db, article)
	if !strings.Contains(out, "Không lưu") {
		t.Fatalf("expected a refusal without confirmation:\n%s", out)
	}
	out = mustRun(t, "extract", "--save", "--yes", "--db", db, article)
	if !strings.Contains(out, "13 giá trị") || !strings.Contains(out, "1 chỉ tiêu kế hoạch") || !strings.Contains(out, "1 mốc") {
		t.Fatalf("save summary:\n%s", out)
	}
	status := mustRun(t, "status", "--db", db, "--unit", "20", "--period", "2022Q1", "--format", "json")
	var got struct {
		Rows []statusRow `json:"rows"`
	}
	if err := json.Unmarshal([]byte(status), &got); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range got.Rows {
		if r.Indicator == "trade.retail_sales_services" {
			found = r.Value != nil && *r.Value == 5953e9 && r.PlanPct != nil && *r.PlanPct == 26.3 && r.YoYPct != nil && *r.YoYPct == 7.35
		}
	}
	if !found {
		t.Errorf("retail sales not stored as in the article:\n%s", status)
	}
}

// A People's Council resolution read with --save sets up the year's plan:
// its levels and its growth target (the lower bound) become the targets of
// the year the resolution is about.
func TestExtractSaveResolution(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.db")
	mustRun(t, "init", "--db", db)
	out := mustRun(t, "extract", "--save", "--yes", "--db", db, "--unit", "15", "../../extract/testdata/heldout4/32-yenbai-2023-nghiquyet.txt")
	if !strings.Contains(out, "chỉ tiêu kế hoạch") {
		t.Fatalf("save summary:\n%s", out)
	}
	status := mustRun(t, "status", "--db", db, "--unit", "15", "--period", "2023", "--format", "json")
	var got struct {
		Rows []struct {
			Indicator string   `json:"indicator"`
			Plan      *float64 `json:"plan"`
		} `json:"rows"`
	}
	if err := json.Unmarshal([]byte(status), &got); err != nil {
		t.Fatal(err)
	}
	plans := map[string]float64{}
	for _, r := range got.Rows {
		if r.Plan != nil {
			plans[r.Indicator] = *r.Plan
		}
	}
	for code, want := range map[string]float64{"budget.revenue_total": 7250e9, "macro.grdp_growth": 8, "forest.new_planting_area": 15000} {
		if plans[code] != want {
			t.Errorf("plan of %s for 2023 = %v, want %v (plans: %v)", code, plans[code], want, plans)
		}
	}
}

// A Word file is read as the text it holds: its tables too.
func TestCmdExtractDOCX(t *testing.T) {
	out := mustRun(t, "extract", "../../extract/testdata/heldout4/35-bacgiang-2024q1-phuluc.docx")
	if !strings.Contains(out, `"kind":"plan_growth"`) || !strings.Contains(out, `"value":46820000000000`) || !strings.Contains(out, `"table":1`) {
		t.Errorf("DOCX facts:\n%s", out)
	}
}
