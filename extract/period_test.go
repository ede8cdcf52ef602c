package extract

import (
	"testing"
	"time"

	"planwatch"
)

// TestPeriodRules reads every example of every period rule, in a document
// of 8 July 2023 that reports on July: the rule itself reads the phrase,
// whole, as the period given.
func TestPeriodRules(t *testing.T) {
	pc := periodContext{year: 2023, date: time.Date(2023, 7, 8, 0, 0, 0, 0, time.UTC), report: planwatch.MonthOf(2023, 7)}
	for _, r := range periodRules {
		if len(r.Examples) == 0 {
			t.Errorf("rule %q has no example", r.Name)
		}
		for _, ex := range r.Examples {
			lo := lowerSameLen(ex[0])
			refs := scanPeriods(lo, pc)
			if len(refs) != 1 || refs[0].rule != r.Name || refs[0].start != 0 || refs[0].end != len(lo) {
				t.Errorf("%q: %+v, want one phrase of rule %q over the whole", ex[0], refs, r.Name)
				continue
			}
			if got := periodID(refs[0].p, refs[0].multi); got != ex[1] {
				t.Errorf("%q (%s): period %q, want %q", ex[0], r.Name, got, ex[1])
			}
		}
	}
}
