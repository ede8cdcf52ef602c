package dhis2

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"planwatch"
)

var (
	rxWeek      = regexp.MustCompile(`^\d{4}(W|BiW|WedW|ThuW|SatW|SunW)\d{1,2}$`)
	rxDay       = regexp.MustCompile(`^\d{8}$`)
	rxBiMonth   = regexp.MustCompile(`^(\d{4})0([1-6])B$`)
	rxFinancial = regexp.MustCompile(`^\d{4}(April|July|Oct|Nov|Sep)(S[12]|Q[1-4])?$|^\d{4}(AprilS|NovS|NovQ)\d$`)
	rxADX       = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})/P(\d+)([DWMY])$`)
)

// ParsePeriod converts a DHIS2 period id to a planwatch period: 2022 (year),
// 202203 (month), 2022Q1, 2022S1, 202002B (bi-month, as the months 202003-202004),
// ADX's 2022-01-01/P1M, P3M, P6M and P1Y when they align to calendar months,
// quarters, halves and years, and planwatch's own range ids (2022Q1-Q3,
// 202201-202204). Weeks, days and financial years are EINVALID with the reason.
func ParsePeriod(id string) (planwatch.Period, error) {
	s := strings.TrimSpace(id)
	bad := func(why string) (planwatch.Period, error) {
		return planwatch.Period{}, planwatch.Errorf(planwatch.EINVALID, "period %q: %s", id, why)
	}
	switch {
	case s == "":
		return bad("empty")
	case rxWeek.MatchString(s):
		return bad("weekly periods are not supported: planwatch periods are whole months")
	case rxDay.MatchString(s):
		return bad("daily periods are not supported: planwatch periods are whole months")
	case rxFinancial.MatchString(s):
		return bad("financial-year periods are not supported: planwatch periods lie within a calendar year")
	case rxADX.MatchString(s):
		return parseADXPeriod(s)
	}
	if m := rxBiMonth.FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[2])
		return planwatch.ParsePeriod(fmt.Sprintf("%s%02d-%s%02d", m[1], 2*n-1, m[1], 2*n))
	}
	return planwatch.ParsePeriod(s)
}

// parseADXPeriod reads an ADX start date and ISO 8601 duration.
func parseADXPeriod(s string) (planwatch.Period, error) {
	m := rxADX.FindStringSubmatch(s)
	year, _ := strconv.Atoi(m[1])
	month, _ := strconv.Atoi(m[2])
	day, _ := strconv.Atoi(m[3])
	n, _ := strconv.Atoi(m[4])
	bad := func(why string) (planwatch.Period, error) {
		return planwatch.Period{}, planwatch.Errorf(planwatch.EINVALID, "period %q: %s", s, why)
	}
	if year < 1900 || year > 2200 || month < 1 || month > 12 {
		return bad("invalid start date")
	}
	if day != 1 {
		return bad("the period does not start on the first day of a month")
	}
	months := n
	switch m[5] {
	case "Y":
		months = 12 * n
	case "M":
	default:
		return bad("durations in days or weeks are not supported: planwatch periods are whole months")
	}
	switch {
	case months == 1:
		return planwatch.MonthOf(year, month), nil
	case months == 3 && month%3 == 1:
		return planwatch.QuarterOf(year, (month+2)/3), nil
	case months == 6 && (month == 1 || month == 7):
		return planwatch.HalfOf(year, (month+5)/6), nil
	case months == 12 && month == 1:
		return planwatch.YearOf(year), nil
	}
	return bad(fmt.Sprintf("a %d-month duration from month %d is not a calendar month, quarter, half or year", months, month))
}

// FormatPeriod is the DHIS2 id of a planwatch period; ranges, which DHIS2 has
// no id for, keep planwatch's id so that an export imports back.
func FormatPeriod(p planwatch.Period) string { return p.ID() }
