package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"planwatch/extract"
)

// seedFactsPath is the reference facts, outside the repository (third-party text).
var seedFactsPath = filepath.Join("..", "..", "shared", "seed", "langson-2022q1.facts.jsonl")

type seedFact struct {
	Sentence string   `json:"sentence"`
	Value    *float64 `json:"value"`
	Unit     string   `json:"unit"`
	Period   string   `json:"period"`
	PlanPct  *float64 `json:"plan_pct"`
	YoYPct   *float64 `json:"yoy_pct"`
	VsRef    *struct {
		Pct float64 `json:"pct"`
		Ref string  `json:"ref"`
	} `json:"vs_ref"`
}

func readSeedFacts(t *testing.T) []seedFact {
	t.Helper()
	f, err := os.Open(seedFactsPath)
	if os.IsNotExist(err) {
		t.Skipf("seed facts not found at %s (they live outside the repository, in shared/seed)", seedFactsPath)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []seedFact
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var sf seedFact
		if err := json.Unmarshal(sc.Bytes(), &sf); err != nil {
			t.Fatal(err)
		}
		out = append(out, sf)
	}
	return out
}

func eqPtr(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return math.Abs(*a-*b) <= 1e-6*math.Max(1, math.Abs(*b))
}

func describe(v *float64) string {
	if v == nil {
		return "null"
	}
	return fmt.Sprint(*v)
}

// TestRoundTrip writes the Lạng Sơn 2022Q1 report from the demo data, reads
// it back with the extractor and finds every fact of the seed article in it:
// value, unit, period, % of plan, growth and change against 31/12.
func TestRoundTrip(t *testing.T) {
	seed := readSeedFacts(t)
	in := demoInput(t)
	md := markdown(t, Build(in))
	var cat []extract.Entry
	for _, ind := range in.Data.Indicators() {
		cat = append(cat, extract.Entry{Code: ind.Code, NameVI: ind.NameVI, Unit: ind.Unit, Kind: string(ind.Kind)})
	}
	facts := extract.New(cat).Extract(md, extract.Options{Place: "Lạng Sơn"})
	matched := 0
	for _, sf := range seed {
		found := false
		var near []string
		for _, f := range facts {
			vs := (f.VsRef == nil) == (sf.VsRef == nil) && (f.VsRef == nil || (f.VsRef.Pct == sf.VsRef.Pct && f.VsRef.Ref == sf.VsRef.Ref))
			if eqPtr(f.Value, sf.Value) && f.Unit == sf.Unit && f.Period == sf.Period && eqPtr(f.PlanPct, sf.PlanPct) && eqPtr(f.YoYPct, sf.YoYPct) && vs {
				found = true
				break
			}
			if eqPtr(f.Value, sf.Value) || (sf.Value == nil && eqPtr(f.PlanPct, sf.PlanPct) && eqPtr(f.YoYPct, sf.YoYPct)) {
				near = append(near, fmt.Sprintf("value=%s unit=%q period=%q plan=%s yoy=%s vs_ref=%v in %q",
					describe(f.Value), f.Unit, f.Period, describe(f.PlanPct), describe(f.YoYPct), f.VsRef, f.Sentence))
			}
		}
		if found {
			matched++
			continue
		}
		t.Errorf("seed fact not read back: %q\n  want value=%s unit=%q period=%q plan=%s yoy=%s vs_ref=%v\n  closest: %s",
			sf.Sentence, describe(sf.Value), sf.Unit, sf.Period, describe(sf.PlanPct), describe(sf.YoYPct), sf.VsRef, strings.Join(near, "\n           "))
	}
	t.Logf("round trip: %d of %d seed facts read back from the report", matched, len(seed))
}
