// Package sdmx reads and writes SDMX-CSV data messages: it exports version
// 2.0 and imports versions 1.0 and 2.x, with either separator, and converts
// between those files and planwatch values. It holds no storage code.
//
// An exported observation has the dimensions INDICATOR (the planwatch
// indicator code), REF_AREA (the GSO unit code) and TIME_PERIOD (2022,
// 2022-S1, 2022-Q1, 2022-03, and for year-to-date ranges the SDMX time range
// 2022-01-01/P9M); the measure OBS_VALUE in base units (VND, USD, ha …, named
// by UNIT_MEASURE: a "tỷ đồng" figure of 5.953 is 5953000000 VND); the reported
// comparisons YOY_PCT, PLAN_PCT and VS_REF_PCT in percent; and the attributes
// UNIT_MEASURE, OBS_STATUS (the vintage: E estimate, P preliminary, A
// official), BASIS (P the period alone, C cumulative since 1 January) and
// COMMENT_OBS.
//
// Partner files name their dimensions as their data structure does: Columns
// in ReadOptions renames them (a mapping's column rows), a column the reader
// does not know is a conflict unless it is declared to be dropped, and the
// partner's INDICATOR and REF_AREA codes are translated by Options
// (a mapping's dataElement and orgUnit rows). The standard FREQ (A, S, Q, M)
// is checked against TIME_PERIOD, and UNIT_MULT scales OBS_VALUE by a power
// of ten. ACTION follows SDMX: I (2.0), A and M merge with the current value,
// R replaces it, D deletes the whole observation of the vintage OBS_STATUS
// names (all other measure and attribute cells empty) or the components
// marked by a non-empty cell. ScanCSV and Converter read a message one
// observation at a time.
package sdmx

import (
	"fmt"
	"regexp"
	"strconv"

	"planwatch"
)

// Column names of planwatch's SDMX-CSV.
const (
	ColStructure   = "STRUCTURE"
	ColStructureID = "STRUCTURE_ID"
	ColAction      = "ACTION"
	ColDataflow    = "DATAFLOW" // SDMX-CSV 1.0
	ColIndicator   = "INDICATOR"
	ColRefArea     = "REF_AREA"
	ColTimePeriod  = "TIME_PERIOD"
	ColObsValue    = "OBS_VALUE"
	ColYoY         = "YOY_PCT"
	ColPlanPct     = "PLAN_PCT"
	ColVsRef       = "VS_REF_PCT"
	ColUnitMeasure = "UNIT_MEASURE"
	ColUnitMult    = "UNIT_MULT" // read: OBS_VALUE is in 10^UNIT_MULT of UNIT_MEASURE
	ColFreq        = "FREQ"      // read: A, S, Q or M, checked against TIME_PERIOD
	ColObsStatus   = "OBS_STATUS"
	ColBasis       = "BASIS"
	ColComment     = "COMMENT_OBS"
)

// DefaultStructureID is the dataflow planwatch exports to.
const DefaultStructureID = "PLANWATCH:DF_PROVINCIAL_PLAN(1.0)"

// Conflict is one cell or row that cannot be imported.
type Conflict struct {
	Row    int    `json:"row,omitempty"` // 1-based line of the file
	Object string `json:"object"`        // a column name, or "row"
	Value  string `json:"value"`
	Reason string `json:"reason"`
	// MapKind and MapID name the mapping entry that would resolve the
	// conflict: a column to rename, an indicator or area code to map.
	MapKind planwatch.MappingKind `json:"-"`
	MapID   string                `json:"-"`
}

func (c Conflict) String() string {
	return fmt.Sprintf("line %d: %s %q: %s", c.Row, c.Object, c.Value, c.Reason)
}

var (
	rxYear    = regexp.MustCompile(`^(\d{4})(-A1)?$`)
	rxHalf    = regexp.MustCompile(`^(\d{4})-S([12])$`)
	rxQuarter = regexp.MustCompile(`^(\d{4})-Q([1-4])$`)
	rxMonth   = regexp.MustCompile(`^(\d{4})-M?(\d{2})$`)
	rxRange   = regexp.MustCompile(`^(\d{4})-(\d{2})(?:-01)?(?:T00:00:00)?/P(\d+)([MY])$`)
)

// ParsePeriod converts an SDMX time period to a planwatch period: 2022,
// 2022-A1, 2022-S1, 2022-Q1, 2022-03, 2022-M03, and time ranges that start
// on the first of a month and last whole months within the year
// (2022-01-01/P9M is 2022Q1-Q3). Weeks, days and ranges across years are
// EINVALID.
func ParsePeriod(s string) (planwatch.Period, error) {
	num := func(x string) int { n, _ := strconv.Atoi(x); return n }
	var p planwatch.Period
	var m []string
	switch {
	case rxYear.MatchString(s):
		m = rxYear.FindStringSubmatch(s)
		p = planwatch.YearOf(num(m[1]))
	case rxHalf.MatchString(s):
		m = rxHalf.FindStringSubmatch(s)
		p = planwatch.HalfOf(num(m[1]), num(m[2]))
	case rxQuarter.MatchString(s):
		m = rxQuarter.FindStringSubmatch(s)
		p = planwatch.QuarterOf(num(m[1]), num(m[2]))
	case rxMonth.MatchString(s):
		m = rxMonth.FindStringSubmatch(s)
		p = planwatch.MonthOf(num(m[1]), num(m[2]))
	case rxRange.MatchString(s):
		m = rxRange.FindStringSubmatch(s)
		year, first, n := num(m[1]), num(m[2]), num(m[3])
		if m[4] == "Y" {
			n *= 12
		}
		last := first + n - 1
		if n < 1 || first < 1 || last > 12 {
			return planwatch.Period{}, planwatch.Errorf(planwatch.EINVALID,
				"time period %q: planwatch periods are whole months within one calendar year", s)
		}
		p = planwatch.Period{Year: year, First: first, Last: last, Type: planwatch.MonthRange}
		switch {
		case n == 1:
			p.Type = planwatch.Month
		case n == 3 && first%3 == 1:
			p.Type = planwatch.Quarter
		case n == 6 && first%6 == 1:
			p.Type = planwatch.Half
		case n == 12:
			p.Type = planwatch.Year
		case first%3 == 1 && n%3 == 0:
			p.Type = planwatch.QuarterRange
		}
	default:
		return planwatch.Period{}, planwatch.Errorf(planwatch.EINVALID,
			"time period %q: expected 2022, 2022-S1, 2022-Q1, 2022-03, 2022-M03 or 2022-01-01/P9M (weeks and days are not supported)", s)
	}
	if p.Year < 1900 || p.Year > 2200 || p.First < 1 || p.Last > 12 {
		return planwatch.Period{}, planwatch.Errorf(planwatch.EINVALID, "time period %q out of range", s)
	}
	return p, nil
}

// FormatPeriod is the SDMX time period of p.
func FormatPeriod(p planwatch.Period) string {
	switch p.Type {
	case planwatch.Year:
		return fmt.Sprintf("%04d", p.Year)
	case planwatch.Half:
		return fmt.Sprintf("%04d-S%d", p.Year, p.Last/6)
	case planwatch.Quarter:
		return fmt.Sprintf("%04d-Q%d", p.Year, p.Last/3)
	case planwatch.Month:
		return fmt.Sprintf("%04d-%02d", p.Year, p.First)
	}
	return fmt.Sprintf("%04d-%02d-01/P%dM", p.Year, p.First, p.Months())
}

// ObsStatus is the SDMX observation status of a vintage.
func ObsStatus(v planwatch.Vintage) string {
	switch v {
	case planwatch.Estimate:
		return "E"
	case planwatch.Preliminary:
		return "P"
	}
	return "A"
}

// parseObsStatus reads OBS_STATUS; empty means official.
func parseObsStatus(s string) (planwatch.Vintage, bool) {
	switch s {
	case "E":
		return planwatch.Estimate, true
	case "P":
		return planwatch.Preliminary, true
	case "A", "":
		return planwatch.Official, true
	}
	return 0, false
}
