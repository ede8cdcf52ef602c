package extract

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	seedDir   = "../../shared/seed"
	evalDir   = "../testdata/eval-dev"
	catalogue = "../data/indicators/provincial-core.csv"
)

// loadCatalogue reads the indicator catalogue CSV the way a caller would pass it.
func loadCatalogue(t testing.TB) []Entry {
	t.Helper()
	f, err := os.Open(catalogue)
	if err != nil {
		t.Fatalf("catalogue: %v", err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("catalogue: %v", err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	var out []Entry
	for _, r := range rows[1:] {
		out = append(out, Entry{Code: r[col["code"]], NameVI: r[col["name_vi"]], Unit: r[col["unit"]], Kind: r[col["kind"]]})
	}
	return out
}

// goldFact is a labelled fact as the seed and eval-dev files hold it.
type goldFact struct {
	Sentence  string   `json:"sentence"`
	Indicator string   `json:"indicator"`
	Value     *float64 `json:"value"`
	Unit      string   `json:"unit"`
	Period    *string  `json:"period"`
	PlanPct   *float64 `json:"plan_pct"`
	YoYPct    *float64 `json:"yoy_pct"`
	VsRef     *VsRef   `json:"vs_ref"`
	Estimate  bool     `json:"estimate"`
	Kind      string   `json:"kind"`
	Bound     string   `json:"bound"`
}

func readGold(t testing.TB, path string) []goldFact {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []goldFact
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var g goldFact
		if err := json.Unmarshal([]byte(line), &g); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if g.Kind == "" {
			g.Kind = Actual
		}
		out = append(out, g)
	}
	return out
}

func readOrSkip(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		t.Skipf("%s not present (shared material is outside the repo): %v", filepath.Base(path), err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func eqNum(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return math.Abs(*a-*b) <= 1e-9*math.Max(1, math.Abs(*b))
}

func eqRef(a, b *VsRef) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return math.Abs(a.Pct-b.Pct) < 1e-9 && a.Ref == b.Ref
}

func TestSeed(t *testing.T) {
	text := readOrSkip(t, filepath.Join(seedDir, "langson-2022q1.txt"))
	gold := readGold(t, filepath.Join(seedDir, "langson-2022q1.facts.jsonl"))
	facts := New(loadCatalogue(t)).Extract(text, Options{})
	// The codes SOURCE.md lists for the passage, in gold order; "" where the
	// catalogue has no indicator (reported as gaps).
	codes := []string{"agri.planted_area", "agri.ocop_products_ranked", "", "ntm.avg_criteria_per_commune",
		"trade.border_export_import_turnover", "invest.public_plan_allocated", "", "invest.public_work_done_value",
		"invest.public_disbursed", "industry.iip_growth", "trade.retail_sales_services", "bank.deposits_mobilised",
		"tourism.visitors_total", "tourism.revenue", "forest.new_planting_area"}
	used := make([]bool, len(facts))
	for gi, g := range gold {
		found := false
		for i, f := range facts {
			if used[i] {
				continue
			}
			gp := ""
			if g.Period != nil {
				gp = *g.Period
			}
			if eqNum(f.Value, g.Value) && (g.Value == nil || f.Unit == g.Unit) && f.Period == gp && eqNum(f.PlanPct, g.PlanPct) &&
				eqNum(f.YoYPct, g.YoYPct) && eqRef(f.VsRef, g.VsRef) && f.Estimate == g.Estimate && f.Kind == g.Kind {
				used[i], found = true, true
				if gi < len(codes) && f.Code != codes[gi] {
					t.Errorf("%q: code %q, want %q", g.Indicator, f.Code, codes[gi])
				}
				break
			}
		}
		if !found {
			t.Errorf("missing or wrong: %q", g.Sentence)
		}
	}
	for i, f := range facts {
		if !used[i] {
			b, _ := json.Marshal(f)
			t.Errorf("extra fact: %s", b)
		}
	}
	if testing.Verbose() {
		for _, f := range facts {
			b, _ := json.Marshal(f)
			t.Logf("%s", b)
		}
	}
}
