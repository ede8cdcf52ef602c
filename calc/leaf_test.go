package calc

import (
	"math"
	"math/rand/v2"
	"reflect"
	"sort"
	"testing"

	"planwatch"
)

// leafFigures (one read of each year, a table of disjoint figures) must
// give, for every period, exactly what leafOf gives on that period alone:
// random series of months, quarters, halves, cumulative spans, figures
// with only comparisons, several vintages, approved or not, for every
// aggregation over time, with and without approved-only.
func TestLeafFiguresEqualLeafOf(t *testing.T) {
	aggs := []planwatch.TimeAgg{planwatch.TimeSum, planwatch.TimeLast, planwatch.TimeAvg, planwatch.TimeNone}
	var ps []planwatch.Period
	for y := 2023; y <= 2025; y++ {
		for first := 1; first <= 12; first++ {
			for last := first; last <= 12; last++ {
				ps = append(ps, periodOf(y, first, last))
			}
		}
	}
	checked, simple := 0, 0
	for seed := uint64(1); seed <= 400; seed++ {
		rng := rand.New(rand.NewPCG(seed, 11))
		var s series
		seen := map[[4]int]bool{}
		for y := 2023; y <= 2025; y++ {
			kind := rng.IntN(5) // mostly clean years, so that the table is used
			for range rng.IntN(14) {
				first, last := 1+rng.IntN(12), 0
				switch kind {
				case 0, 1: // single months
					last = first
				case 2: // quarters
					first = 1 + 3*rng.IntN(4)
					last = first + 2
				default: // anything
					last = first + rng.IntN(13-first)
				}
				e := entry{value: float64(rng.IntN(1000)) / 7, year: int16(y), first: uint8(first), last: uint8(last),
					vintage: uint8(1 + rng.IntN(3))}
				if kind >= 3 && rng.IntN(4) == 0 {
					e.flags |= flagCumulative
					e.first = 1
				}
				if rng.IntN(8) == 0 {
					e.value = math.NaN()
				}
				if rng.IntN(3) > 0 {
					e.flags |= flagApproved
				}
				if rng.IntN(6) == 0 {
					e.flags |= flagRestated
				}
				k := [4]int{y, int(e.first), int(e.last), int(e.flags & flagCumulative)}
				if seen[k] {
					continue
				}
				seen[k] = true
				s = append(s, e)
			}
		}
		sort.Slice(s, func(i, j int) bool { return s[i].before(&s[j]) })
		for _, approvedOnly := range []bool{false, true} {
			d := &Dataset{ApprovedOnly: approvedOnly}
			for _, agg := range aggs {
				ind := &planwatch.Indicator{Code: "x", TimeAgg: agg, UnitAgg: planwatch.UnitSum}
				// A status's periods: a few of them, of several years, in any order.
				q := make([]planwatch.Period, 1+rng.IntN(12))
				for i := range q {
					if rng.IntN(10) > 0 {
						q[i] = ps[rng.IntN(len(ps))]
					}
				}
				got := make([]Figure, len(q))
				d.leafFigures(ind, s, q, got)
				for i, p := range q {
					want := Figure{}
					if !p.IsZero() {
						want = d.leafOf(ind, yearEntries(s, p.Year), p)
					}
					if !reflect.DeepEqual(got[i], want) && !(math.IsNaN(got[i].Value) && math.IsNaN(want.Value)) {
						t.Fatalf("seed %d, %s, approved only %v, %s: leafFigures %+v, leafOf %+v\nseries %+v", seed, agg, approvedOnly, p.ID(), got[i], want, s)
					}
					checked++
					var tb pieces
					if !p.IsZero() && d.readPieces(yearEntries(s, p.Year), &tb) {
						simple++
					}
				}
			}
		}
	}
	if simple < checked/4 || simple == checked {
		t.Fatalf("%d of %d figures from the table: both paths must be exercised", simple, checked)
	}
}

// yearEntries finds a year's entries wherever they lie: near the end, far
// from it (the search), absent, in long and short series.
func TestYearEntries(t *testing.T) {
	for seed := uint64(1); seed <= 200; seed++ {
		rng := rand.New(rand.NewPCG(seed, 3))
		var s series
		for y := 1990; y <= 2025; y++ {
			if rng.IntN(4) == 0 {
				continue
			}
			for m := range 1 + rng.IntN(40) {
				s = append(s, entry{year: int16(y), first: uint8(1 + m%12), last: uint8(1 + m%12)})
			}
		}
		for y := 1988; y <= 2027; y++ {
			lo, hi := -1, -1
			for i := range s {
				if int(s[i].year) == y {
					if lo < 0 {
						lo = i
					}
					hi = i + 1
				}
			}
			got := yearEntries(s, y)
			if lo < 0 {
				if len(got) != 0 {
					t.Fatalf("seed %d, %d: %d entries, want none", seed, y, len(got))
				}
				continue
			}
			if len(got) != hi-lo || &got[0] != &s[lo] {
				t.Fatalf("seed %d, %d: %d entries, want %d from %d", seed, y, len(got), hi-lo, lo)
			}
		}
	}
}
