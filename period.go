package planwatch

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// PeriodType is the shape of a reporting period.
type PeriodType int

const (
	Month        PeriodType = iota + 1 // 202203
	Quarter                            // 2022Q1
	Half                               // 2022S1
	Year                               // 2022
	MonthRange                         // 202201-202204: consecutive months of one year
	QuarterRange                       // 2022Q1-Q3: consecutive quarters of one year
)

// Period is a run of consecutive months within one calendar year. Its Type
// keeps the shape it was reported in, so that 2022Q1 and 202201-202203 cover
// the same months but print as they were given.
type Period struct {
	Year  int
	First int // first month, 1..12
	Last  int // last month, First..12
	Type  PeriodType
}

// Constructors for the common shapes.
func MonthOf(year, month int) Period { return Period{year, month, month, Month} }
func QuarterOf(year, q int) Period   { return Period{year, 3*q - 2, 3 * q, Quarter} }
func HalfOf(year, h int) Period      { return Period{year, 6*h - 5, 6 * h, Half} }
func YearOf(year int) Period         { return Period{year, 1, 12, Year} }

// YearToDateOf is the cumulative period (lũy kế: since 1 January) through the
// given month, in its most usual shape: Q1, S1, Q1-Q3, the year, or a month range.
func YearToDateOf(year, month int) Period {
	switch month {
	case 1:
		return MonthOf(year, 1)
	case 3:
		return QuarterOf(year, 1)
	case 6:
		return HalfOf(year, 1)
	case 9:
		return Period{year, 1, 9, QuarterRange}
	case 12:
		return YearOf(year)
	}
	return Period{year, 1, month, MonthRange}
}

// ParsePeriod reads a period identifier: 2022, 2022S1, 2022Q1, 202203, 2022M03,
// 2022Q1-Q3, 202201-202204, 2022M01-M04. Errors are EINVALID.
func ParsePeriod(s string) (Period, error) {
	bad := func(why string) (Period, error) {
		return Period{}, Errorf(EINVALID, "kỳ báo cáo %q không hợp lệ (invalid period): %s", s, why)
	}
	id := strings.ToUpper(strings.TrimSpace(s))
	if len(id) < 4 || !digits(id[:4]) {
		return bad("expected a year of four digits first")
	}
	year, _ := strconv.Atoi(id[:4])
	if year < 1900 || year > 2200 {
		return bad("year out of range 1900–2200")
	}
	rest := id[4:]
	from, to, isRange := strings.Cut(rest, "-")
	if isRange && from == "" {
		return bad("range without a start")
	}
	a, err := periodPart(year, from, true)
	if err != "" {
		return bad(err)
	}
	if !isRange {
		return a, nil
	}
	// The end may repeat the year: 2022Q1-2022Q3, 202201-202204.
	if len(to) >= 4 && digits(to[:4]) && (len(to) == 6 || (len(to) > 4 && !digits(to[4:5]))) {
		if y, _ := strconv.Atoi(to[:4]); y != year {
			return bad("a range must stay within one year")
		}
		to = to[4:]
	}
	b, err := periodPart(year, to, false)
	if err != "" {
		return bad(err)
	}
	if b.Last < a.First {
		return bad("range ends before it starts")
	}
	p := Period{year, a.First, b.Last, MonthRange}
	switch {
	case a.Type == Quarter && b.Type == Quarter:
		p.Type = QuarterRange
		if a == b {
			p.Type = Quarter
		}
	case a.Type == Month && b.Type == Month:
		if a == b {
			p.Type = Month
		}
	default:
		return bad("both ends of a range must be quarters or both months")
	}
	return p, nil
}

// periodPart parses what follows the year: "", "S1", "Q2", "03", "M03".
func periodPart(year int, s string, first bool) (Period, string) {
	switch {
	case s == "":
		if first {
			return YearOf(year), ""
		}
		return Period{}, "empty range end"
	case len(s) == 2 && s[0] == 'S' && (s[1] == '1' || s[1] == '2'):
		return HalfOf(year, int(s[1]-'0')), ""
	case len(s) == 2 && s[0] == 'Q' && s[1] >= '1' && s[1] <= '4':
		return QuarterOf(year, int(s[1]-'0')), ""
	case len(s) == 2 && digits(s), len(s) == 3 && s[0] == 'M' && digits(s[1:]):
		m, _ := strconv.Atoi(strings.TrimPrefix(s, "M"))
		if m < 1 || m > 12 {
			return Period{}, "month must be 01–12"
		}
		return MonthOf(year, m), ""
	}
	return Period{}, fmt.Sprintf("unrecognised part %q", s)
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// MustPeriod is ParsePeriod for literals known to be valid; it panics otherwise.
func MustPeriod(s string) Period {
	p, err := ParsePeriod(s)
	if err != nil {
		panic(err)
	}
	return p
}

// ID is the identifier in DHIS2 style, the inverse of ParsePeriod.
func (p Period) ID() string {
	switch p.Type {
	case Month:
		return fmt.Sprintf("%04d%02d", p.Year, p.First)
	case Quarter:
		return fmt.Sprintf("%04dQ%d", p.Year, p.Last/3)
	case Half:
		return fmt.Sprintf("%04dS%d", p.Year, p.Last/6)
	case Year:
		return fmt.Sprintf("%04d", p.Year)
	case QuarterRange:
		return fmt.Sprintf("%04dQ%d-Q%d", p.Year, (p.First+2)/3, p.Last/3)
	case MonthRange:
		return fmt.Sprintf("%04d%02d-%04d%02d", p.Year, p.First, p.Year, p.Last)
	}
	return ""
}

func (p Period) String() string { return p.ID() }

// IsZero reports whether p is the zero Period.
func (p Period) IsZero() bool { return p.Year == 0 }

// Months is the number of months covered.
func (p Period) Months() int { return p.Last - p.First + 1 }

// MonthKeys lists the months covered as YYYYMM integers.
func (p Period) MonthKeys() []int {
	out := make([]int, 0, p.Months())
	for m := p.First; m <= p.Last; m++ {
		out = append(out, p.Year*100+m)
	}
	return out
}

// SameMonths reports whether p and q cover the same months, whatever their shape.
func (p Period) SameMonths(q Period) bool {
	return p.Year == q.Year && p.First == q.First && p.Last == q.Last
}

// Contains reports whether q lies within p.
func (p Period) Contains(q Period) bool {
	return p.Year == q.Year && p.First <= q.First && q.Last <= p.Last
}

// IsYearToDate reports whether p starts on 1 January.
func (p Period) IsYearToDate() bool { return p.First == 1 }

// SamePeriodLastYear is the same months one year earlier (cùng kỳ năm trước).
func (p Period) SamePeriodLastYear() Period { p.Year--; return p }

// Previous is the period of the same shape just before p: the previous month,
// quarter, half or year; for ranges, the same range one year earlier when the
// range starts in January (a year-to-date figure has no shorter predecessor),
// otherwise the range of equal length just before it.
func (p Period) Previous() Period {
	n := p.Months()
	if p.Type == Year || (p.First == 1 && (p.Type == MonthRange || p.Type == QuarterRange)) {
		return p.SamePeriodLastYear()
	}
	first := p.First - n
	if first >= 1 {
		return Period{p.Year, first, p.Last - n, p.Type}
	}
	return Period{p.Year - 1, first + 12, p.Last - n + 12, p.Type}
}

// YearToDate is the cumulative period from 1 January through the end of p.
func (p Period) YearToDate() Period { return YearToDateOf(p.Year, p.Last) }

// Start is the first day of p.
func (p Period) Start() time.Time {
	return time.Date(p.Year, time.Month(p.First), 1, 0, 0, 0, 0, time.UTC)
}

// End is the last day of p: the reference date of a stock reported for p.
func (p Period) End() time.Time {
	return time.Date(p.Year, time.Month(p.Last)+1, 0, 0, 0, 0, 0, time.UTC)
}

// EndOfPreviousYear is 31 December of the year before p, the reference of
// "so với 31/12" comparisons for stocks.
func (p Period) EndOfPreviousYear() time.Time {
	return time.Date(p.Year-1, 12, 31, 0, 0, 0, 0, time.UTC)
}

// ShareOfYear is the fraction of the year p covers from January: the linear
// expected pace of a flow at the end of p.
func (p Period) ShareOfYear() float64 { return float64(p.Last) / 12 }

var roman = []string{"", "I", "II", "III", "IV"}

// LabelVI is the Vietnamese label: "tháng 3/2022", "quý I/2022",
// "6 tháng đầu năm 2022", "9 tháng năm 2022", "năm 2022".
func (p Period) LabelVI() string { return p.ShortLabelVI() + p.yearSuffixVI() }

// ShortLabelVI is the label without the year, as a report uses it once the year
// is known: "quý I", "6 tháng đầu năm", "9 tháng", "tháng 3".
func (p Period) ShortLabelVI() string {
	switch {
	case p.Type == Month:
		return fmt.Sprintf("tháng %d", p.First)
	case p.Type == Quarter:
		return "quý " + roman[p.Last/3]
	case p.Type == Year:
		return "năm"
	case p.First == 1 && p.Last == 6:
		return "6 tháng đầu năm"
	case p.Type == Half && p.First == 7:
		return "6 tháng cuối năm"
	case p.First == 1:
		return fmt.Sprintf("%d tháng", p.Last)
	case p.Type == QuarterRange:
		return fmt.Sprintf("quý %s-%s", roman[(p.First+2)/3], roman[p.Last/3])
	}
	return fmt.Sprintf("tháng %d-%d", p.First, p.Last)
}

func (p Period) yearSuffixVI() string {
	switch {
	case p.Type == Year || strings.HasSuffix(p.ShortLabelVI(), "năm"):
		return fmt.Sprintf(" %d", p.Year)
	case p.Type == Month || p.Type == Quarter || (p.First != 1 && p.Type != Half):
		return fmt.Sprintf("/%d", p.Year)
	}
	return fmt.Sprintf(" năm %d", p.Year)
}

// LabelEN is the English label: "March 2022", "Q1 2022", "H1 2022", "Jan–Sep 2022".
func (p Period) LabelEN() string {
	switch p.Type {
	case Month:
		return fmt.Sprintf("%s %d", time.Month(p.First), p.Year)
	case Quarter:
		return fmt.Sprintf("Q%d %d", p.Last/3, p.Year)
	case Half:
		return fmt.Sprintf("H%d %d", p.Last/6, p.Year)
	case Year:
		return fmt.Sprintf("%d", p.Year)
	}
	return fmt.Sprintf("%s–%s %d", time.Month(p.First).String()[:3], time.Month(p.Last).String()[:3], p.Year)
}

// Label is LabelVI or LabelEN by language ("vi" or "en").
func (p Period) Label(lang string) string {
	if lang == "en" {
		return p.LabelEN()
	}
	return p.LabelVI()
}

// MarshalText writes the ID, so periods travel as "2022Q1" in JSON.
func (p Period) MarshalText() ([]byte, error) { return []byte(p.ID()), nil }

// UnmarshalText parses an ID.
func (p *Period) UnmarshalText(b []byte) error {
	q, err := ParsePeriod(string(b))
	if err != nil {
		return err
	}
	*p = q
	return nil
}
