package extract

import "testing"

// TestComparisonRules reads every example of every comparison rule and
// checks that the rule itself reads it, whole.
func TestComparisonRules(t *testing.T) {
	for _, r := range comparisonRules {
		if len(r.Examples) == 0 {
			t.Errorf("rule %q has no example", r.Name)
		}
		for _, ex := range r.Examples {
			f := readFollowingAt(ex, 0, 0)
			if f.rule != r.Name || f.end != len(ex) {
				t.Errorf("%q: read by %q to %d, want rule %q to %d", ex, f.rule, f.end, r.Name, len(ex))
			}
		}
	}
	// Not comparisons: a word that starts like one.
	for _, ex := range []string{"khách du lịch", "so sánh", "kế toán"} {
		if f := readFollowingAt(ex, 0, 0); f.kind != folNone {
			t.Errorf("%q read as %q", ex, f.rule)
		}
	}
}

// TestComparisonRefs resolves references against the fact's period.
func TestComparisonRefs(t *testing.T) {
	x := New(nil)
	for _, c := range []struct{ text, ref string }{
		{"Doanh thu quý II/2022 đạt 6.240 tỷ đồng, tăng 4,8% so với quý I.", "2022Q1"},
		{"Doanh thu quý I/2022 đạt 5.100 tỷ đồng, giảm 2,1% so với quý IV năm trước.", "2021Q4"},
		{"CPI tháng 6/2022 tăng 2,86% so với tháng 12 năm trước.", "2021-12"},
		{"Doanh thu tháng 5/2024 đạt 418 tỷ đồng, tăng 5,4% so với tháng 4.", "2024-04"},
		{"Doanh thu tháng 1/2021 đạt 418 tỷ đồng, tăng 5,4% so với tháng trước.", "2020-12"},
		{"Đến ngày 30/6/2022, dư nợ đạt 42.180 tỷ đồng, tăng 6,1% so với đầu năm.", "2021-12-31"},
	} {
		facts := x.Extract(c.text, Options{})
		if len(facts) != 1 || facts[0].VsRef == nil || facts[0].VsRef.Ref != c.ref {
			t.Errorf("%q: %+v, want one fact vs %s", c.text, facts, c.ref)
		}
	}
}
