package calc

import (
	"math/rand/v2"
	"testing"
	"time"

	"planwatch"
	"planwatch/data"
)

// provinceDataset is Lạng Sơn at province scale: for its 200 communes of
// 2022, a quarterly value of every indicator that sums over units for 2021
// and 2022Q1–Q2, with provincial targets (the web benchmark's data, in memory).
func provinceDataset(b *testing.B) *Dataset {
	inds, err := data.Indicators()
	if err != nil {
		b.Fatal(err)
	}
	units, trans, err := data.OrgUnits()
	if err != nil {
		b.Fatal(err)
	}
	h := planwatch.NewHierarchy(units, trans)
	at := time.Date(2022, 3, 31, 0, 0, 0, 0, time.UTC)
	var communes []string
	for _, d := range h.ChildrenAt("20", at) {
		communes = append(communes, h.ChildrenAt(d, at)...)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var vals []planwatch.DataValue
	var targets []planwatch.Target
	for _, ind := range inds {
		if ind.UnitAgg != planwatch.UnitSum {
			continue
		}
		for _, c := range communes {
			for _, p := range []string{"2021Q1", "2021Q2", "2021Q3", "2021Q4", "2022Q1", "2022Q2"} {
				vals = append(vals, pv(ind.Code, c, p, float64(10+rng.IntN(90))))
			}
		}
		targets = append(targets, planwatch.Target{Indicator: ind.Code, Unit: "20", Year: 2022, Kind: planwatch.TargetPlan, Value: 1e5})
	}
	b.ReportMetric(float64(len(vals)), "values")
	return NewDataset(inds, h, vals, targets, nil)
}

// BenchmarkStatusProvince is the status of every indicator of a province for
// a quarter, computed from commune values (a fresh dataset each time, as the
// first view after a write).
func BenchmarkStatusProvince(b *testing.B) {
	ds := provinceDataset(b)
	p := planwatch.MustPeriod("2022Q2")
	for b.Loop() {
		ds.forget(nil)
		if rows := ds.Status("20", p, DefaultOptions()); len(rows) == 0 {
			b.Fatal("no rows")
		}
	}
}
