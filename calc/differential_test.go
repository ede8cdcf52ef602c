package calc

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"planwatch"
)

// The index against the old rules (reference_test.go) on randomised data:
// every aggregation over time × over units, monthly, quarterly, half-year
// and cumulative figures, several vintages, revisions and withdrawals, with
// and without approved-only, for periods before the 2025 reform. Figures
// must be identical: value, missing or not, units counted, partial.
func TestDifferentialAgainstOldRules(t *testing.T) {
	inds := []planwatch.Indicator{
		ind("flow", planwatch.KindFlow, planwatch.TimeSum, planwatch.UnitSum),
		ind("stock", planwatch.KindStock, planwatch.TimeLast, planwatch.UnitSum),
		ind("lastavg", planwatch.KindAverage, planwatch.TimeLast, planwatch.UnitAvg),
		ind("mavg", planwatch.KindAverage, planwatch.TimeAvg, planwatch.UnitAvg),
		ind("sumavg", planwatch.KindFlow, planwatch.TimeSum, planwatch.UnitAvg),
		ind("rate", planwatch.KindRate, planwatch.TimeLast, planwatch.UnitNone),
		ind("mrate", planwatch.KindRate, planwatch.TimeAvg, planwatch.UnitNone),
		ind("once", planwatch.KindIndex, planwatch.TimeNone, planwatch.UnitNone),
		ind("num", planwatch.KindCount, planwatch.TimeSum, planwatch.UnitSum),
		ind("den", planwatch.KindCount, planwatch.TimeSum, planwatch.UnitSum),
		{Code: "ratio", NameVI: "ratio", Unit: "%", Kind: planwatch.KindRate, TimeAgg: planwatch.TimeNone, UnitAgg: planwatch.UnitRatio, Numerator: "num", Denominator: "den", Direction: 1},
	}
	units := []string{"P", "D1", "D2", "C1", "C2", "C3"}
	for seed := uint64(1); seed <= 40; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		// A history of writes; the store's current value of a key is the
		// latest revision of the most final vintage (planwatch.Current).
		history := map[string][]planwatch.DataValue{}
		var order []string
		d := NewDataset(inds, testUnits(), nil, nil, nil)
		for range 150 + rng.IntN(150) {
			v := randomValue(rng, inds, units)
			k := v.Key.String() + "|" + string(v.Basis)
			if _, seen := history[k]; !seen {
				order = append(order, k)
			}
			v.Revision = len(history[k]) + 1
			if rng.IntN(10) == 0 && len(history[k]) > 0 {
				v.Value, v.Deleted = nil, true
			}
			history[k] = append(history[k], v)
			cur, ok := currentOf(history[k])
			if !ok {
				cur = v
				cur.Deleted = true
			}
			d.Apply([]planwatch.DataValue{cur})
		}
		var current []planwatch.DataValue
		for _, k := range order {
			if cur, ok := currentOf(history[k]); ok {
				current = append(current, cur)
			}
		}
		// Contradictory figures (a quarter and a cumulative figure for the
		// same months, equal vintage) are resolved by order in the old
		// rules: give them the index's order (by months, period basis first).
		sort.SliceStable(current, func(i, j int) bool {
			a, b := current[i], current[j]
			if a.Period.Year != b.Period.Year {
				return a.Period.Year < b.Period.Year
			}
			if a.Period.First != b.Period.First {
				return a.Period.First < b.Period.First
			}
			if a.Period.Last != b.Period.Last {
				return a.Period.Last < b.Period.Last
			}
			return a.Basis == planwatch.BasisPeriod && b.Basis != planwatch.BasisPeriod
		})
		var approvals []planwatch.Approval
		for _, u := range units {
			if rng.IntN(2) == 0 {
				approvals = append(approvals, planwatch.Approval{Unit: u, Period: planwatch.YearOf(2022 + rng.IntN(2)), State: planwatch.ApprovalApproved})
			}
		}
		for _, only := range []bool{false, true} {
			ref := newRefDataset(inds, testUnits(), MarkApproved(append([]planwatch.DataValue(nil), current...), approvals, only), nil, nil)
			d.ApprovedOnly = only
			d.SetApprovals(approvals)
			d.forget(nil) // set once at open in the product; here it changes under the index
			for _, in := range inds {
				for _, u := range units {
					for _, p := range testPeriods() {
						got, want := d.Value(in.Code, u, p), ref.Value(in.Code, u, p)
						if !sameFigure(got, want) {
							for _, v := range d.Values(planwatch.ValueQuery{Indicators: []string{in.Code}}) {
								if v.Period.Year == p.Year {
									t.Logf("%s %s %s %v v%d", v.Unit, v.Period.ID(), v.Basis, *v.Value, v.Vintage)
								}
							}
							t.Fatalf("seed %d, approved-only %v: %s %s %s: index %+v, old rules %+v", seed, only, in.Code, u, p.ID(), got, want)
						}
					}
				}
			}
		}
	}
}

func currentOf(revs []planwatch.DataValue) (planwatch.DataValue, bool) {
	cur, ok := planwatch.Current(revs)
	if !ok || cur.Deleted {
		return planwatch.DataValue{}, false
	}
	return cur, true
}

func randomValue(rng *rand.Rand, inds []planwatch.Indicator, units []string) planwatch.DataValue {
	in := inds[rng.IntN(len(inds))]
	if in.UnitAgg == planwatch.UnitRatio {
		in = inds[0]
	}
	year := 2021 + rng.IntN(3)
	var p planwatch.Period
	basis := planwatch.BasisPeriod
	switch rng.IntN(6) {
	case 0, 1, 2:
		p = planwatch.MonthOf(year, 1+rng.IntN(12))
	case 3:
		p = planwatch.QuarterOf(year, 1+rng.IntN(4))
	case 4:
		p = planwatch.HalfOf(year, 1+rng.IntN(2))
	default:
		p = planwatch.YearToDateOf(year, 1+rng.IntN(12))
		basis = planwatch.BasisCumulative
	}
	v := planwatch.DataValue{Key: planwatch.Key{Indicator: in.Code, Unit: units[rng.IntN(len(units))], Period: p},
		Basis: basis, Vintage: planwatch.Vintage(1 + rng.IntN(3)), Value: planwatch.Float(float64(rng.IntN(1000)))}
	v.Normalize()
	return v
}

func testPeriods() []planwatch.Period {
	var out []planwatch.Period
	for y := 2021; y <= 2023; y++ {
		out = append(out, planwatch.YearOf(y), planwatch.HalfOf(y, 1), planwatch.HalfOf(y, 2), planwatch.YearToDateOf(y, 9))
		for q := 1; q <= 4; q++ {
			out = append(out, planwatch.QuarterOf(y, q))
		}
		for m := 1; m <= 12; m += 5 {
			out = append(out, planwatch.MonthOf(y, m))
		}
	}
	return out
}

func sameFigure(a, b Figure) bool {
	if a.OK != b.OK {
		return false
	}
	if !a.OK {
		return true
	}
	return math.Abs(a.Value-b.Value) <= 1e-9*math.Max(1, math.Abs(b.Value)) && a.Units == b.Units && a.Expected == b.Expected &&
		a.Partial == b.Partial && a.Vintage == b.Vintage && a.Reported == b.Reported
}
