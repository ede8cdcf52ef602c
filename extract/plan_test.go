package extract

import (
	"os"
	"testing"

	"planwatch"
)

// TestPlanResolution: a People's Council resolution sets up the year's plan
// from its list of targets — levels as targets, a growth target as its
// lower bound — while its review of the year before stays actual.
func TestPlanResolution(t *testing.T) {
	text, err := os.ReadFile(heldout4Dir + "/32-yenbai-2023-nghiquyet.txt")
	if err != nil {
		t.Fatal(err)
	}
	facts := New(loadCatalogue(t)).Extract(string(text), Options{})
	cs, _ := ChangeSet(facts, SaveOptions{Unit: "15", Ref: "NQ 68/NQ-HĐND"})
	byCode := map[string]planwatch.Target{}
	for _, tg := range cs.Targets {
		if tg.Year != 2023 || tg.Kind != planwatch.TargetPlan {
			t.Errorf("target %+v: want year 2023, kind KH", tg)
		}
		byCode[tg.Indicator] = tg
	}
	for code, want := range map[string]float64{"macro.grdp_growth": 8, "budget.revenue_total": 7250e9, "forest.new_planting_area": 15000} {
		if got, ok := byCode[code]; !ok || got.Value != want {
			t.Errorf("%s: target %+v, want %v", code, got, want)
		}
	}
	for _, f := range facts {
		if f.Kind == PlanGrowth && (f.Range != "8-8,5%" || f.YoYPct == nil || *f.YoYPct != 8) {
			t.Errorf("growth target %+v", f)
		}
		if f.Period == "2022" && f.Kind != Actual {
			t.Errorf("the review of 2022 is %s: %s", f.Kind, f.Sentence)
		}
	}
}
