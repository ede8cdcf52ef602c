package cube

import (
	"math"
	"math/rand/v2"
	"testing"

	"planwatch"
)

func testCatalog() Catalog {
	return Catalog{
		Indicators: []planwatch.Indicator{
			{Code: "S", TimeAgg: planwatch.TimeSum, UnitAgg: planwatch.UnitSum},
			{Code: "A", TimeAgg: planwatch.TimeAvg, UnitAgg: planwatch.UnitAvg},
			{Code: "L", TimeAgg: planwatch.TimeLast, UnitAgg: planwatch.UnitSum},
		},
		Units: []planwatch.OrgUnit{
			{Code: "VN", Level: planwatch.LevelCountry},
			{Code: "P2", Level: planwatch.LevelProvince},
			{Code: "P1", Level: planwatch.LevelProvince},
			{Code: "P1C1", Level: planwatch.LevelCommune, Parent: "P1"},
			{Code: "P1C2", Level: planwatch.LevelCommune, Parent: "P1"},
			{Code: "P2C1", Level: planwatch.LevelCommune, Parent: "P2"},
			{Code: "P1C3", Level: planwatch.LevelCommune, Parent: "P1"}, // not contiguous with its siblings
		},
	}
}

type fact struct {
	ind, unit string
	month     int
	v         float64
}

// brute aggregates facts by the README's definitions.
func brute(facts []fact, rule, ind string, units map[string]bool, from, to int) float64 {
	var s float64
	n := 0
	for _, f := range facts {
		if f.ind != ind || !units[f.unit] || f.month < from || f.month > to {
			continue
		}
		if rule == "last" && f.month != to {
			continue
		}
		s += f.v
		n++
	}
	switch {
	case n == 0:
		return Null
	case rule == "avg":
		return s / float64(n)
	}
	return s
}

func fill(t *testing.T, c *Cube, r *rand.Rand) []fact {
	t.Helper()
	var facts []fact
	for _, ind := range []string{"S", "A", "L"} {
		for _, u := range []string{"P1C1", "P1C2", "P2C1", "P1C3"} {
			for y := 2024; y <= 2025; y++ {
				for m := 1; m <= 3; m++ {
					if r.IntN(5) == 0 {
						continue // gaps
					}
					v := float64(r.IntN(1000))
					if ind == "A" {
						v = float64(r.IntN(10000)) / 100
					}
					i, _ := c.IndicatorID(ind)
					uid, _ := c.UnitID(u)
					if err := c.Set(i, uid, y*100+m, v); err != nil {
						t.Fatal(err)
					}
					facts = append(facts, fact{ind, u, y*100 + m, v})
				}
			}
		}
	}
	return facts
}

func same(a, b float64) bool {
	return a == b || (IsNull(a) && IsNull(b)) || math.Abs(a-b) <= 1e-9*math.Abs(b)
}

func TestReportMatchesDefinitions(t *testing.T) {
	for seed := range uint64(20) {
		c, err := New(testCatalog(), 202401, 202503)
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(seed, 1))
		facts := fill(t, c, r)
		if err := c.SetTarget("S", "P1", 2025, 1000); err != nil {
			t.Fatal(err)
		}
		rows := c.Report(planwatch.QuarterOf(2025, 1))
		if len(rows) != 6 || rows[0].Province != "P1" || rows[3].Province != "P2" {
			t.Fatalf("rows: %+v", rows)
		}
		members := map[string]map[string]bool{
			"P1": {"P1C1": true, "P1C2": true, "P1C3": true},
			"P2": {"P2C1": true},
		}
		rules := map[string]string{"S": "sum", "A": "avg", "L": "last"}
		for _, row := range rows {
			ru := rules[row.Indicator]
			cur := brute(facts, ru, row.Indicator, members[row.Province], 202501, 202503)
			prev := brute(facts, ru, row.Indicator, members[row.Province], 202401, 202403)
			if !same(row.Cur, cur) || !same(row.Prev, prev) {
				t.Errorf("seed %d %s/%s: cur %v prev %v, want %v %v", seed, row.Province, row.Indicator, row.Cur, row.Prev, cur, prev)
			}
			wantPlan := Null
			if row.Province == "P1" && row.Indicator == "S" && !IsNull(cur) {
				wantPlan = cur / 1000 * 100
			}
			if !same(row.PlanPct, wantPlan) {
				t.Errorf("seed %d %s/%s: plan %v, want %v", seed, row.Province, row.Indicator, row.PlanPct, wantPlan)
			}
		}
		// The national series equals the sum of all communes.
		s, err := c.Series("S", "VN")
		if err != nil {
			t.Fatal(err)
		}
		all := map[string]bool{"P1C1": true, "P1C2": true, "P2C1": true, "P1C3": true}
		for _, p := range s {
			if want := brute(facts, "sum", "S", all, p.Month, p.Month); !same(p.Value, want) {
				t.Errorf("series %d = %v, want %v", p.Month, p.Value, want)
			}
		}
	}
}

// TestIncrementalEqualsRebuild checks that partials maintained write by
// write are bit for bit those of a cube refreshed from scratch.
func TestIncrementalEqualsRebuild(t *testing.T) {
	c, _ := New(testCatalog(), 202401, 202503)
	r := rand.New(rand.NewPCG(7, 7))
	fill(t, c, r)
	i, _ := c.IndicatorID("A")
	u, _ := c.UnitID("P1C3")
	c.Set(i, u, 202502, 12.34)
	c.Set(i, u, 202501, Null)
	inc := c.Report(planwatch.QuarterOf(2025, 1))
	c.Lock()
	c.Refresh()
	c.Unlock()
	full := c.Report(planwatch.QuarterOf(2025, 1))
	for k := range inc {
		a, b := inc[k], full[k]
		if math.Float64bits(a.Cur) != math.Float64bits(b.Cur) || math.Float64bits(a.Prev) != math.Float64bits(b.Prev) {
			t.Errorf("row %d: incremental %+v, rebuilt %+v", k, a, b)
		}
	}
}

func TestGrowKeepsValues(t *testing.T) {
	c, _ := New(testCatalog(), 202501, 202503)
	i, _ := c.IndicatorID("S")
	u, _ := c.UnitID("P2C1")
	c.Set(i, u, 202502, 5)
	g, err := c.Grow(202412, 202601)
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := g.Value("S", "P2C1", 202502); !ok || v != 5 {
		t.Errorf("value after grow = %v, %v", v, ok)
	}
	if err := g.Set(i, u, 202601, 3); err != nil {
		t.Fatal(err)
	}
	if v, _ := g.Aggregate("S", "VN", planwatch.QuarterOf(2026, 1)); v != 3 {
		t.Errorf("2026Q1 = %v", v)
	}
	if v, _ := g.Aggregate("S", "P2", planwatch.QuarterOf(2025, 1)); v != 5 {
		t.Errorf("2025Q1 P2 = %v", v)
	}
	if err := c.Set(i, u, 202601, 3); err == nil {
		t.Error("set outside the month range: want an error")
	}
}

func TestDrilldown(t *testing.T) {
	c, _ := New(testCatalog(), 202401, 202503)
	set := func(ind, unit string, m int, v float64) {
		i, _ := c.IndicatorID(ind)
		u, _ := c.UnitID(unit)
		c.Set(i, u, m, v)
	}
	set("L", "P1C1", 202502, 10)
	set("L", "P1C1", 202503, 11)
	set("L", "P1C1", 202403, 10)
	set("A", "P1C1", 202501, 1)
	set("A", "P1C1", 202502, 2)
	rows, err := c.Drilldown("P1", planwatch.QuarterOf(2025, 1))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 9 || rows[0].Unit != "P1C1" || rows[3].Unit != "P1C2" || rows[6].Unit != "P1C3" {
		t.Fatalf("rows %+v", rows)
	}
	if rows[1].Cur != 1.5 || !IsNull(rows[1].Prev) {
		t.Errorf("avg row %+v", rows[1])
	}
	if rows[2].Cur != 11 || rows[2].Prev != 10 || !same(rows[2].YoYPct, 10) {
		t.Errorf("last row %+v", rows[2])
	}
	if _, err := c.Drilldown("P1C1", planwatch.QuarterOf(2025, 1)); err == nil {
		t.Error("drill-down of a commune: want an error")
	}
}
