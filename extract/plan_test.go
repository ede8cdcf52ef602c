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

// TestTargetSections: a heading that names targets opens a list of them; a
// heading that reviews them does not.
func TestTargetSections(t *testing.T) {
	text := "BÁO CÁO\nTình hình kinh tế - xã hội năm 2024\n\n1. Kết quả thực hiện các chỉ tiêu chủ yếu năm 2024\n- Thu ngân sách nhà nước năm 2024 đạt 5.000 tỷ đồng.\n\n2. Các chỉ tiêu chủ yếu năm 2025\n- Thu ngân sách nhà nước 5.500 tỷ đồng.\n\n3. Nhiệm vụ, giải pháp\n- Năm 2024 đã thu hút 20 dự án.\n"
	facts := New(nil).Extract(text, Options{})
	want := []struct{ kind, period string }{{Actual, "2024"}, {Plan, "2025"}, {Actual, "2024"}}
	if len(facts) != len(want) {
		t.Fatalf("facts: %+v", facts)
	}
	for i, w := range want {
		if facts[i].Kind != w.kind || facts[i].Period != w.period {
			t.Errorf("%q: %s %s, want %s %s", facts[i].Sentence, facts[i].Kind, facts[i].Period, w.kind, w.period)
		}
	}
}
