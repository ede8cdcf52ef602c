package calc

import (
	"math/rand/v2"
	"testing"
	"time"

	"planwatch"
)

// A node's versions as spans of seconds (what rollUpMany compares) answer
// as the versions' dates do: whether the unit stood under a parent a whole
// period, and whether it may count under it (mayCount), for random
// versions (open or closed, under either of two parents, changing mostly
// on the first of a month, as the reform did) and periods.
func TestNodeSpansAnswerAsVersions(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	day := func() time.Time {
		return time.Date(2019+rng.IntN(8), time.Month(1+rng.IntN(12)), []int{1, 1, 15}[rng.IntN(3)], 0, 0, 0, 0, time.UTC)
	}
	parents := []string{"P1", "P2"}
	for range 300 {
		var vs []planwatch.OrgUnit
		from := day()
		for range 1 + rng.IntN(3) {
			v := planwatch.OrgUnit{Code: "C", Parent: parents[rng.IntN(2)], ValidFrom: from}
			if rng.IntN(3) > 0 {
				v.ValidTo = from.AddDate(0, rng.IntN(30), []int{0, 0, 10}[rng.IntN(3)])
				from = v.ValidTo
			}
			vs = append(vs, v)
			if v.ValidTo.IsZero() {
				break
			}
		}
		units := planwatch.NewHierarchy(vs, nil)
		d := NewDataset(nil, units, nil, nil, nil)
		n := d.nodeOf("C")
		if len(n.spans) != len(n.versions) {
			t.Fatalf("%d spans for %d versions", len(n.spans), len(n.versions))
		}
		for range 60 {
			y, first := 2019+rng.IntN(8), 1+rng.IntN(12)
			p := periodOf(y, first, first+rng.IntN(13-first))
			start, end := p.Start(), p.End()
			parent := parents[rng.IntN(2)]
			whole := false
			for _, v := range n.versions {
				if v.Parent == parent && !start.Before(v.ValidFrom) && (v.ValidTo.IsZero() || end.Before(v.ValidTo)) {
					whole = true
				}
			}
			spanWhole := false
			for k := range n.spans {
				spanWhole = spanWhole || n.spans[k].under(parent, start.Unix(), end.Unix())
			}
			if whole != spanWhole {
				t.Fatalf("%+v under %s for %s: versions say %v, spans %v", n.versions, parent, p.ID(), whole, spanWhole)
			}
			if a, b := mayCount(n.versions, parent, start, end), n.mayCount(parent, start, end, start.Unix(), end.Unix()); a != b {
				t.Fatalf("%+v may count under %s for %s: versions say %v, spans %v", n.versions, parent, p.ID(), a, b)
			}
		}
	}
}
