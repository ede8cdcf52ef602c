package planwatch

import (
	"strings"
	"testing"
)

// TestAddProblemCaps: past MaxProblems, problems are counted, not kept.
func TestAddProblemCaps(t *testing.T) {
	var ps []Problem
	for i := range MaxProblems + 2500 {
		ps = AddProblem(ps, Problem{Row: i + 1, Reason: "bad"})
	}
	if len(ps) != MaxProblems+1 || ps[MaxProblems-1].Row != MaxProblems || ps[MaxProblems].More != 2500 {
		t.Fatalf("%d kept, last %+v", len(ps), ps[len(ps)-1])
	}
	if n := CountProblems(ps); n != MaxProblems+2500 {
		t.Errorf("count %d", n)
	}
	if n := CountProblems(ps[:3]); n != 3 {
		t.Errorf("count of an uncapped list: %d", n)
	}
	e := &Error{Message: "x", Problems: ps}
	if !strings.Contains(e.Error(), "3480 lỗi khác") || !strings.Contains(ps[MaxProblems].String(), "2500 more") {
		t.Errorf("%s … %s", e.Error()[len(e.Error())-40:], ps[MaxProblems].String())
	}
}
