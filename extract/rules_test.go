package extract

import (
	"strings"
	"testing"

	"planwatch/vi"
)

// TestNotFactRules extracts every example of every rule: the figure marked
// «…» in an example gives no fact, the one marked in a Keeps sentence does.
func TestNotFactRules(t *testing.T) {
	x := New(nil)
	marked := func(s string) (string, float64) {
		a, b := strings.Index(s, "«"), strings.Index(s, "»")
		q, _, ok := vi.ParseQuantity(s[a+len("«") : b])
		if !ok {
			t.Fatalf("no figure marked in %q", s)
		}
		return strings.NewReplacer("«", "", "»", "").Replace(s), q.Value
	}
	has := func(facts []Fact, v float64) bool {
		for _, f := range facts {
			for _, x := range []*float64{f.Value, f.YoYPct, f.PlanPct} {
				if x != nil && *x == v {
					return true
				}
			}
			if f.VsRef != nil && f.VsRef.Pct == v {
				return true
			}
		}
		return false
	}
	for _, r := range notFactRules {
		if len(r.Examples) == 0 {
			t.Errorf("rule %q has no example", r.Name)
		}
		for _, ex := range r.Examples {
			text, v := marked(ex)
			if facts := x.Extract(text, Options{}); has(facts, v) {
				t.Errorf("%s: %q gives a fact of %v: %+v", r.Name, text, v, facts)
			}
		}
		for _, ex := range r.Keeps {
			text, v := marked(ex)
			if facts := x.Extract(text, Options{}); !has(facts, v) {
				t.Errorf("%s: %q lost the fact of %v: %+v", r.Name, text, v, facts)
			}
		}
	}
}

// TestRestatedSummary: an opening summary's figures that the body states
// again are read once, from the body.
func TestRestatedSummary(t *testing.T) {
	text := "Kinh tế tháng 4/2023\n\nTrong tháng 4/2023, kinh tế phục hồi: thu ngân sách đạt hơn 3.800 tỷ đồng, tổng mức bán lẻ tăng 7,2% so với cùng kỳ, nhiều chỉ tiêu tăng khá so với cùng kỳ năm trước.\n\n" +
		"1. Tài chính\nThu ngân sách tháng 4/2023 đạt 3.812 tỷ đồng, bằng 30,1% dự toán.\n\n2. Thương mại\nTổng mức bán lẻ tháng 4/2023 đạt 5.100 tỷ đồng, tăng 7,2% so với cùng kỳ.\n"
	facts := New(nil).Extract(text, Options{})
	if len(facts) != 2 {
		t.Fatalf("facts: %+v", facts)
	}
	for _, f := range facts {
		if !strings.HasPrefix(f.Sentence, "Thu ngân sách tháng 4") && !strings.HasPrefix(f.Sentence, "Tổng mức bán lẻ tháng 4") {
			t.Errorf("kept the summary's %q", f.Sentence)
		}
	}
}

// TestValueRange: a range of values is its lower bound with the range
// kept; a change written with a per-unit suffix is not a level.
func TestValueRange(t *testing.T) {
	facts := New(nil).Extract("Giá cà phê tháng 3/2015 dao động ở mức 38.000 - 39.000 đồng/kg, thấp hơn khoảng 3.000 đồng/kg so với đầu năm.", Options{})
	if len(facts) != 1 || facts[0].Value == nil || *facts[0].Value != 38000 || facts[0].Range != "38.000-39.000đồng/kg" {
		t.Errorf("facts: %+v", facts)
	}
	// A plan term is not a range of values.
	if facts := New(nil).Extract("Giai đoạn 2021 - 2025 có 12 dự án.", Options{}); len(facts) != 1 || *facts[0].Value != 12 {
		t.Errorf("plan term: %+v", facts)
	}
}
