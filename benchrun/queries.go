package benchrun

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"

	"planwatch"
)

// The report period of the benchmark: Q1 2025.
var (
	ReportPeriod = planwatch.QuarterOf(2025, 1)
	// DrillProvince is the province of Q2.
	DrillProvince = "P01"
	// TrendIndicator is the indicator of Q3.
	TrendIndicator = "I001"
)

// Lookups is the number of point lookups of one Q4 batch.
const Lookups = 10000

// Null is a missing number in the benchmark's rows.
var Null = math.NaN()

func isNull(x float64) bool { return x != x }

// ReportRow is one row of Q1, per province × indicator.
type ReportRow struct {
	Province, Indicator string
	Cur, Prev           float64 // the quarter and the same quarter last year
	YoYPct              float64 // (Cur/Prev − 1) × 100
	PlanPct             float64 // year to date / annual target × 100
}

// DrillRow is one row of Q2, per commune × indicator.
type DrillRow struct {
	Unit, Indicator string
	Cur, Prev       float64
	YoYPct          float64
}

// Point is one month of Q3.
type Point struct {
	Month int // YYYYMM
	Value float64
}

// figure is a figure of the index as the benchmark's number.
func (l *Loaded) figure(indicator, unit string, p planwatch.Period) float64 {
	if f := l.Dataset().Value(indicator, unit, p); f.OK {
		return f.Value
	}
	return Null
}

func growthPct(cur, prev float64) float64 {
	if isNull(cur) || isNull(prev) || prev == 0 {
		return Null
	}
	return (cur/prev - 1) * 100
}

// Q1 answers the quarter report per province × indicator: the figures of
// the index (calc.Dataset.Value: the roll-up of the communes by the
// indicator's rules) for the quarter, the same quarter last year and the
// year to date, and the annual plan target.
func Q1(l *Loaded) []ReportRow {
	ds := l.Dataset()
	p := ReportPeriod
	out := make([]ReportRow, 0, len(l.Provinces)*len(l.Indicators))
	for _, prov := range l.Provinces {
		for _, ind := range l.Indicators {
			cur := l.figure(ind, prov, p)
			prev := l.figure(ind, prov, p.SamePeriodLastYear())
			ytd := cur
			if !p.SameMonths(p.YearToDate()) {
				ytd = l.figure(ind, prov, p.YearToDate())
			}
			plan := Null
			if t, ok := ds.Target(ind, prov, p.Year, planwatch.TargetPlan); ok && t.Value != 0 && !isNull(ytd) {
				plan = ytd / t.Value * 100
			}
			out = append(out, ReportRow{Province: prov, Indicator: ind, Cur: cur, Prev: prev, YoYPct: growthPct(cur, prev), PlanPct: plan})
		}
	}
	return out
}

// Q2 answers the drill-down of one province by commune: each commune's own
// figures for the quarter and the same quarter last year.
func Q2(l *Loaded) []DrillRow {
	p := ReportPeriod
	communes := l.members[DrillProvince]
	out := make([]DrillRow, 0, len(communes)*len(l.Indicators))
	for _, c := range communes {
		for _, ind := range l.Indicators {
			cur := l.figure(ind, c, p)
			prev := l.figure(ind, c, p.SamePeriodLastYear())
			out = append(out, DrillRow{Unit: c, Indicator: ind, Cur: cur, Prev: prev, YoYPct: growthPct(cur, prev)})
		}
	}
	return out
}

// Q3 answers the national monthly series of one indicator (calc's Series),
// the months with a figure.
func Q3(l *Loaded) []Point {
	years := l.Dataset().Years()
	if len(years) == 0 {
		return nil
	}
	sort.Ints(years)
	var out []Point
	for _, pt := range l.Dataset().Series(TrendIndicator, l.Country, planwatch.Month, years[0], years[len(years)-1]) {
		if pt.Figure.OK {
			out = append(out, Point{pt.Period.Year*100 + pt.Period.Last, pt.Figure.Value})
		}
	}
	return out
}

// LookupKeys draws the Q4 keys as the README says: PCG(42, 4242), uniformly
// over indicators × communes × months, drawn in that order.
type LookupKeys struct {
	Indicators []string
	Units      []string
	Months     []planwatch.Period
}

// NewLookupKeys draws Lookups keys over the indicators, communes and the
// months that hold data.
func NewLookupKeys(l *Loaded) LookupKeys {
	var months []planwatch.Period
	for _, p := range Q3(l) {
		months = append(months, planwatch.MonthOf(p.Month/100, p.Month%100))
	}
	r := rand.New(rand.NewPCG(42, 4242))
	k := LookupKeys{make([]string, Lookups), make([]string, Lookups), make([]planwatch.Period, Lookups)}
	for n := range Lookups {
		k.Indicators[n] = l.Indicators[r.IntN(len(l.Indicators))]
		k.Units[n] = l.Communes[r.IntN(len(l.Communes))]
		k.Months[n] = months[r.IntN(len(months))]
	}
	return k
}

// Q4 looks every key up one at a time by codes (the value reported for
// exactly that month, calc.Dataset.Reported) and returns the sum of the
// values and the number of keys found.
func Q4(l *Loaded, k LookupKeys) (sum float64, found int) {
	ds := l.Dataset()
	for n := range k.Indicators {
		if v, ok := ds.Reported(k.Indicators[n], k.Units[n], k.Months[n]); ok && v.Value != nil {
			sum += *v.Value
			found++
		}
	}
	return sum, found
}

// num renders a number for the checksum: %.2f of x·(1+1e-11), NULL, no -0.00.
func num(b []byte, x float64) []byte {
	if isNull(x) {
		return append(b, "NULL"...)
	}
	n := len(b)
	b = strconv.AppendFloat(b, x*(1+1e-11), 'f', 2, 64)
	if string(b[n:]) == "-0.00" {
		b = append(b[:n], "0.00"...)
	}
	return b
}

// RenderQ1 renders rows as the README's tab-separated lines.
func RenderQ1(rows []ReportRow) []string {
	out := make([]string, len(rows))
	var b []byte
	for i, r := range rows {
		b = append(b[:0], r.Province...)
		b = append(b, '\t')
		b = append(b, r.Indicator...)
		for _, x := range [...]float64{r.Cur, r.Prev, r.YoYPct, r.PlanPct} {
			b = num(append(b, '\t'), x)
		}
		out[i] = string(b)
	}
	return out
}

// RenderQ2 renders drill-down rows.
func RenderQ2(rows []DrillRow) []string {
	out := make([]string, len(rows))
	var b []byte
	for i, r := range rows {
		b = append(b[:0], r.Unit...)
		b = append(b, '\t')
		b = append(b, r.Indicator...)
		for _, x := range [...]float64{r.Cur, r.Prev, r.YoYPct} {
			b = num(append(b, '\t'), x)
		}
		out[i] = string(b)
	}
	return out
}

// RenderQ3 renders a series.
func RenderQ3(ps []Point) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = string(num(append(strconv.AppendInt(nil, int64(p.Month), 10), '\t'), p.Value))
	}
	return out
}

// Checksum is the README's checksum of rendered lines: sorted, joined by
// newlines with a trailing one, first 16 hex digits of the SHA-256.
func Checksum(lines []string) string {
	s := append([]string(nil), lines...)
	sort.Strings(s)
	h := sha256.Sum256([]byte(strings.Join(s, "\n") + "\n"))
	return hex.EncodeToString(h[:])[:16]
}

// Expected holds the README's checksums of one scale.
type Expected struct {
	Scale          string
	Q1, Q2, Q3, Q4 string
}

// expected lists the README's checksums by (units, values).
var expected = []struct {
	units  int
	values int64
	Expected
}{
	{9, 2160, Expected{"sample", "74c9753c4830e7e8", "66bd540e2abaf243", "aa101a0ba7bc2d44", "3174091.58"}},
	{202, 3600000, Expected{"province", "b79d2bfb666c474e", "0a3fe15d0b8727ac", "b26abb0ccfcb31c4", "4421292.52"}},
	{3356, 59778000, Expected{"national", "12a470e88aae9d6e", "c91476de8a27553a", "6be5b1d31745a4a5", "4442728.31"}},
}

// ExpectedFor returns the checksums of the scale with that many units and values.
func ExpectedFor(units int, values int64) (Expected, bool) {
	for _, e := range expected {
		if e.units == units && e.values == values {
			return e.Expected, true
		}
	}
	return Expected{}, false
}
