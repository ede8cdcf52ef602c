package rules

import (
	"strings"
	"testing"

	"planwatch"
)

// A violation's text writes its figures as the reader's language does:
// "5.953,25" in Vietnamese, "5,953.25" in English, never "1.25e+07".
func TestViolationTextNumbers(t *testing.T) {
	for _, tc := range []struct {
		left, right float64
		lang        string
		want        string
	}{
		{5953.25, 12500000, "vi", "(5.953,25 ≤ 12.500.000)"},
		{5953.25, 12500000, "en", "(5,953.25 ≤ 12,500,000)"},
		{-0.125, 1e9, "vi", "(-0,125 ≤ 1.000.000.000)"},
		{1.0 / 3, 26.3, "en", "(0.3333 ≤ 26.3)"},
	} {
		v := Violation{Rule: "r", Name: "R", Unit: "20", Period: planwatch.MustPeriod("2022Q1"), Left: "a", Op: planwatch.OpLessEqual, Right: "b",
			LeftValue: planwatch.Float(tc.left), RightValue: planwatch.Float(tc.right)}
		if got := v.Text(tc.lang); !strings.Contains(got, tc.want) {
			t.Errorf("%v, %v in %s: %q, want %q in it", tc.left, tc.right, tc.lang, got, tc.want)
		}
	}
	v := Violation{Rule: "r", Unit: "20", Period: planwatch.MustPeriod("2022Q1"), Op: planwatch.OpCompulsoryPair, LeftValue: planwatch.Float(1)}
	if got := v.Text("vi"); !strings.Contains(got, "(1 ⇔ —)") {
		t.Errorf("a missing side: %q", got)
	}
}
