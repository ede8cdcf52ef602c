package benchrun

import (
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"

	"planwatch"
	"planwatch/cube"
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

// Q1 answers the quarter report per province × indicator.
func Q1(c *cube.Cube) []cube.ReportRow { return c.Report(ReportPeriod) }

// Q2 answers the drill-down of one province by commune.
func Q2(c *cube.Cube) ([]cube.DrillRow, error) { return c.Drilldown(DrillProvince, ReportPeriod) }

// Q3 answers the national monthly series of one indicator.
func Q3(c *cube.Cube) ([]cube.Point, error) { return c.Series(TrendIndicator, countryCode(c)) }

func countryCode(c *cube.Cube) string {
	for _, u := range c.Units() {
		if u.Level == planwatch.LevelCountry {
			return u.Code
		}
	}
	return ""
}

// LookupKeys draws the Q4 keys as the README says: PCG(42, 4242), uniformly
// over indicators × communes × months, drawn in that order.
type LookupKeys struct {
	Indicators []string
	Units      []string
	Months     []int
}

// NewLookupKeys draws Lookups keys over the cube's indicators, communes and
// months that hold data.
func NewLookupKeys(c *cube.Cube) LookupKeys {
	var communes []string
	for _, u := range c.Units() {
		if u.Level == planwatch.LevelCommune {
			communes = append(communes, u.Code)
		}
	}
	inds := c.Indicators()
	var months []int
	if s, err := c.Series(inds[0].Code, countryCode(c)); err == nil {
		for _, p := range s {
			months = append(months, p.Month)
		}
	}
	r := rand.New(rand.NewPCG(42, 4242))
	k := LookupKeys{make([]string, Lookups), make([]string, Lookups), make([]int, Lookups)}
	for n := range Lookups {
		k.Indicators[n] = inds[r.IntN(len(inds))].Code
		k.Units[n] = communes[r.IntN(len(communes))]
		k.Months[n] = months[r.IntN(len(months))]
	}
	return k
}

// Q4 looks every key up one at a time by codes and returns the sum of the
// values and the number of keys found.
func Q4(c *cube.Cube, k LookupKeys) (sum float64, found int) {
	for n := range k.Indicators {
		if v, ok := c.Value(k.Indicators[n], k.Units[n], k.Months[n]); ok {
			sum += v
			found++
		}
	}
	return sum, found
}

// num renders a number for the checksum: %.2f of x·(1+1e-11), NULL, no -0.00.
func num(b []byte, x float64) []byte {
	if cube.IsNull(x) {
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
func RenderQ1(rows []cube.ReportRow) []string {
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
func RenderQ2(rows []cube.DrillRow) []string {
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
func RenderQ3(ps []cube.Point) []string {
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
