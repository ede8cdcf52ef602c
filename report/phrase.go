package report

import (
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"planwatch"
	"planwatch/vi"
)

// class is how a sentence about an indicator is built.
type class int

const (
	classFlow   class = iota // sums over time: "quý I đạt 5.953 tỷ đồng"
	classLevel               // a stock or average at the end of the period
	classRate                // a share in percent: "là 5,2%", change in points
	classGrowth              // a growth rate: "tăng 6,4% so với cùng kỳ"
	classIndex               // an index against a base: "bằng 106,4% so với cùng kỳ"
)

func classOf(ind *planwatch.Indicator) class {
	switch {
	case strings.HasPrefix(ind.NameVI, "Tốc độ tăng"):
		return classGrowth
	case ind.Kind == planwatch.KindIndex:
		return classIndex
	case ind.Kind == planwatch.KindRate:
		return classRate
	case ind.TimeAgg == planwatch.TimeSum:
		return classFlow
	}
	return classLevel
}

// isPlanIndicator reports whether the indicator measures a plan itself
// ("Kế hoạch vốn đầu tư công năm được giao"): its target is its figure.
func isPlanIndicator(ind *planwatch.Indicator) bool {
	return strings.HasPrefix(ind.NameVI, "Kế hoạch")
}

// comparators are the comparisons catalogue names carry at their end, with
// the short form a sentence uses.
var comparators = []struct{ suffix, ref string }{
	{" so với cùng kỳ năm trước", "cùng kỳ"},
	{" so với cùng kỳ", "cùng kỳ"},
	{" so với tháng 12 năm trước", "tháng 12 năm trước"},
	{" so với tháng trước", "tháng trước"},
}

// bookkeeping parentheses that describe how a figure is kept, not what it is.
var dropParens = []string{" (lũy kế từ đầu năm)", " (lũy kế)"}

// subject is the indicator's name as the subject of a sentence, and the
// comparison its name carried ("cùng kỳ"), if any.
func subject(ind *planwatch.Indicator) (subj, ref string) {
	subj = strings.TrimSpace(ind.NameVI)
	for _, p := range dropParens {
		subj = strings.Replace(subj, p, "", 1)
	}
	// "trong kỳ" (in the period) gives way to the sentence's own period.
	subj = strings.TrimSuffix(subj, " trong kỳ")
	for _, c := range comparators {
		if strings.HasSuffix(subj, c.suffix) {
			subj, ref = strings.TrimSuffix(subj, c.suffix), c.ref
			break
		}
	}
	if strings.HasPrefix(subj, "Tốc độ tăng ") {
		subj = upperFirst(strings.TrimPrefix(subj, "Tốc độ tăng "))
		if ref == "" {
			ref = "cùng kỳ"
		}
	}
	return subj, ref
}

// upperFirst capitalises the first letter.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// lowerFirst lowers the first letter unless the first word is an acronym
// ("GRDP", "PCI"), for a name inside a sentence.
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	if r2, _ := utf8.DecodeRuneInString(s[n:]); unicode.IsUpper(r2) {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}

// formatValue writes a value in base units in the indicator's display
// unit, at the right scale and rounded to its decimals: "5.953 tỷ đồng",
// "800 triệu USD", "755.950 lượt khách", "03 dự án".
func formatValue(ind *planwatch.Indicator, base float64) string {
	bu, scale := ind.BaseUnit()
	switch {
	case bu == "VND" || bu == "USD":
		return vi.FormatScaled(base, bu, ind.Decimals)
	case scale > 1:
		return vi.FormatAmount(base, ind.Unit, scale, ind.Decimals)
	case ind.Kind == planwatch.KindCount && base >= 1 && base < 10 && base == math.Trunc(base):
		// Reports write small counts with a leading zero: "03 dự án".
		return fmt.Sprintf("0%d %s", int(base), ind.Unit)
	case bu == "%":
		return vi.FormatNumber(base, ind.Decimals) + "%"
	}
	return vi.FormatScaled(base, bu, ind.Decimals)
}

// formatNumber writes a value in the display unit without the unit, for tables.
func formatNumber(ind *planwatch.Indicator, base float64) string {
	_, scale := ind.BaseUnit()
	return vi.FormatNumber(base/scale, ind.Decimals)
}

// pct writes a percentage: as reported when the source stated it (7,35),
// else to one decimal.
func pct(x float64, reported bool) string {
	if reported {
		return vi.FormatNumber(x, 4)
	}
	return vi.FormatNumber(x, 1)
}

// change says "tăng X% so với <ref>" or "giảm X% so với <ref>"; a change
// that rounds to nothing reads "tương đương <ref>", never "tăng 0%".
func change(x float64, reported bool, ref string) string {
	s := pct(math.Abs(x), reported)
	switch {
	case s == "0":
		return "tương đương " + ref
	case x > 0:
		return "tăng " + s + "% so với " + ref
	}
	return "giảm " + s + "% so với " + ref
}

// changePoints is change for rates, in percentage points.
func changePoints(x float64, ref string) string {
	s := vi.FormatNumber(math.Abs(x), 2)
	switch {
	case s == "0":
		return "tương đương " + ref
	case x > 0:
		return "tăng " + s + " điểm phần trăm so với " + ref
	}
	return "giảm " + s + " điểm phần trăm so với " + ref
}

// dateVI writes a date as reports do: "31/12/2021".
func dateVI(y, m, d int) string { return fmt.Sprintf("%d/%d/%d", d, m, y) }

// periodPhrase is how a sentence names the report's period once the year is
// known from the title: "quý I", "6 tháng đầu năm", "năm 2022".
func periodPhrase(p planwatch.Period) string {
	if p.Type == planwatch.Year {
		return p.LabelVI()
	}
	return p.ShortLabelVI()
}

// endPhrase names the end of a year-to-date span as a milestone does:
// "quý II/2022", "tháng 8/2022", "năm 2022".
func endPhrase(p planwatch.Period) string {
	switch {
	case p.Last == 12:
		return planwatch.YearOf(p.Year).LabelVI()
	case p.Last%3 == 0 && p.Type != planwatch.Month && p.Type != planwatch.MonthRange:
		return planwatch.QuarterOf(p.Year, p.Last/3).LabelVI()
	}
	return planwatch.MonthOf(p.Year, p.Last).LabelVI()
}

// withYear puts the year into a plan indicator's name: "Kế hoạch vốn đầu tư
// công năm được giao" → "Kế hoạch vốn đầu tư công năm 2022 được giao".
func withYear(name string, year int) string {
	y := fmt.Sprint(year)
	if i := strings.Index(name+" ", " năm "); i >= 0 {
		return name[:i] + " năm " + y + strings.TrimPrefix(name[i:], " năm")
	}
	return name + " năm " + y
}
