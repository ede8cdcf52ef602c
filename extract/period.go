package extract

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"planwatch"
)

// A period phrase found in the text.
type periodRef struct {
	start, end int
	p          planwatch.Period
	multi      string // a span of years ("2021-2023"), when p is zero
	point      bool   // a point in time ("đến ngày 30/6/2023", "đến cuối tháng 10"): does not carry to the next sentence
	recall     bool   // "tại thời điểm này": the last point in time
	explicitY  bool   // the year was written
	of         bool   // "của năm 2023": the period of the figure before, not of what follows
	ytd        bool   // "lũy kế", "tính chung", "từ đầu năm": the year to date through the period in force
	event      bool   // "từ ngày 14 đến 18/9": an event's own dates; its figures take them, the text after does not
}

// periodContext is what a period phrase needs to be resolved: the year of
// the document and its date (a "quý IV" read in January is last year's).
type periodContext struct {
	year   int
	date   time.Time
	report planwatch.Period // the report's own period, for "trong tháng", "trong quý"
}

var romanQ = map[string]int{"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}

// Month names as GSO writes them: "tháng Ba", "tháng Mười hai", "tháng Giêng".
var monthWords = map[string]int{
	"giêng": 1, "một": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7,
	"tám": 8, "chín": 9, "mười": 10, "mười một": 11, "mười hai": 12, "chạp": 12,
}

var numberWords = map[string]int{
	"một": 1, "hai": 2, "ba": 3, "bốn": 4, "sáu": 6, "bảy": 7, "bẩy": 7,
	"tám": 8, "chín": 9, "mười": 10, "mười một": 11, "mười hai": 12,
}

// Period phrase patterns, on lower-case text. Word boundaries are checked by
// hand (RE2's \b is ASCII only).
var (
	reDateFull   = regexp.MustCompile(`(\d{1,2})/(\d{1,2})/(\d{4})`)
	reDateWords  = regexp.MustCompile(`ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})`)
	reQuarter    = regexp.MustCompile(`quý\s+(iv|iii|ii|i|[1-4])(?:\s*(?:/|-|năm)\s*(\d{4}))?`)
	reMonths     = regexp.MustCompile(`(\d{1,2}|mười một|mười hai|một|hai|ba|bốn|sáu|bảy|bẩy|tám|chín|mười)\s+tháng(?:\s+(đầu năm|cuối năm|năm))?(?:\s*/?\s*(\d{4}))?`)
	reMonth      = regexp.MustCompile(`tháng\s+(\d{1,2}|mười một|mười hai|giêng|chạp|một|hai|ba|tư|bốn|năm|sáu|bảy|tám|chín|mười)(?:\s*(?:/|-|năm)\s*(\d{4}))?`)
	reYTD        = regexp.MustCompile(`từ đầu năm(?:\s+đến nay)?`)
	reBareYTD    = regexp.MustCompile(`tính chung|lũy kế|luỹ kế|cộng dồn`)
	reDateShort  = regexp.MustCompile(`(\d{1,2})/(\d{1,2})`)
	reYear       = regexp.MustCompile(`năm\s+(\d{4})`)
	reYearSpan   = regexp.MustCompile(`(?:giai đoạn|thời kỳ)\s+(\d{4})\s*[-–]\s*(\d{4})`)
	reThisPeriod = regexp.MustCompile(`(trong|cả|hết|đến hết)\s+(tháng|quý|năm)`)
	reEventFrom  = regexp.MustCompile(`từ\s+(?:ngày\s+)?(\d{1,2})(?:/(\d{1,2}))?\s+$`)
	reRecall     = regexp.MustCompile(`tại thời điểm (này|đó|trên)`)
	rePointMonth = regexp.MustCompile(`(?:đến|tính đến|đến hết|hết)\s+(?:cuối\s+|hết\s+)?tháng\s+(\d{1,2})(?:\s*(?:/|năm)\s*(\d{4}))?`)
)

// scanPeriods finds the period phrases of lo (the lower-cased document).
// Phrases that belong to a comparison ("so với 31/12/2021", "so với năm
// 2022") are not periods of a fact and are left out.
func scanPeriods(lo string, pc periodContext) []periodRef {
	var out []periodRef
	taken := make([]bool, len(lo)+1)
	add := func(r periodRef) {
		if r.start < 0 || r.end > len(lo) || r.start >= r.end {
			return
		}
		for i := r.start; i < r.end; i++ {
			if taken[i] {
				return
			}
		}
		for i := r.start; i < r.end; i++ {
			taken[i] = true
		}
		out = append(out, r)
	}
	boundary := func(s, e int) bool {
		return !isLetter(runeBefore(lo, s)) && !isLetter(runeAt(lo, e)) && !isDigitRune(runeBefore(lo, s)) && !isDigitRune(runeAt(lo, e))
	}
	afterCompare := func(s int) bool {
		return comparisonBase(lo, s) || endsWithWords(lo, s, "so với cuối") >= 0 ||
			endsWithWords(lo, s, "so với thời điểm") >= 0 || endsWithWords(lo, s, "so với ngày") >= 0
	}
	pointWord := func(s int) (int, bool) {
		for _, w := range []string{"tính đến ngày", "tính đến", "đến hết ngày", "đến ngày", "đến hết", "đến", "tại ngày", "vào ngày"} {
			if k := endsWithWords(lo, s, w); k >= 0 {
				return k, true
			}
		}
		return s, false
	}
	// Dates first, so their numbers are not read as months.
	for _, m := range findNear(reDateWords, lo, []string{"ngày"}, 0, 40) {
		d, mo, y := atoi(lo[m[2]:m[3]]), atoi(lo[m[4]:m[5]]), atoi(lo[m[6]:m[7]])
		s, point := pointWord(m[0])
		r := periodRef{start: s, end: m[1], explicitY: true}
		if point && validDate(y, mo, d) && !afterCompare(s) {
			r.p, r.point = planwatch.MonthOf(y, mo), true
		}
		add(r) // an event date: taken, but no period
	}
	for _, m := range findNear(reDateFull, lo, []string{"/"}, 6, 8) {
		if !boundary(m[0], m[1]) {
			continue
		}
		d, mo, y := atoi(lo[m[2]:m[3]]), atoi(lo[m[4]:m[5]]), atoi(lo[m[6]:m[7]])
		s, point := pointWord(m[0])
		r := periodRef{start: s, end: m[1], explicitY: true}
		if point && validDate(y, mo, d) && !afterCompare(s) {
			r.p, r.point = planwatch.MonthOf(y, mo), true
		}
		add(r)
	}
	// "đến ngày 30/9", "Tại thời điểm 30/9": a point in time in the
	// document's year. A day and month with no such word is an event date.
	for _, m := range findNear(reDateShort, lo, []string{"/"}, 3, 3) {
		if !boundary(m[0], m[1]) || strings.HasPrefix(lo[m[1]:], "/") {
			continue
		}
		d, mo := atoi(lo[m[2]:m[3]]), atoi(lo[m[4]:m[5]])
		s, point := pointWord(m[0])
		if !point || afterCompare(s) || pc.year == 0 || !validDate(pc.year, mo, d) {
			continue
		}
		// "từ 28/4 đến 1/5", "từ ngày 15 đến 18/6": the end of an event. An
		// event within one month is that month's (its figures are not the
		// running total of the report).
		if endsWithWords(lo, m[0], "đến") >= 0 && strings.Contains(lo[max(0, s-24):s], "từ") {
			if fm := reEventFrom.FindStringSubmatchIndex(lo[max(0, s-24):s]); fm != nil {
				from := max(0, s-24) + fm[0]
				same := fm[4] < 0 || atoi(lo[max(0, s-24)+fm[4]:max(0, s-24)+fm[5]]) == mo
				if same && validDate(pc.year, mo, atoi(lo[max(0, s-24)+fm[2]:max(0, s-24)+fm[3]])) {
					add(periodRef{start: from, end: m[1], p: pc.fix(planwatch.MonthOf(pc.year, mo), false), event: true})
				}
			}
			continue
		}
		add(periodRef{start: s, end: m[1], p: pc.fix(planwatch.MonthOf(pc.year, mo), false), point: true})
	}
	for _, m := range findNear(rePointMonth, lo, []string{"tháng"}, 30, 20) {
		if !boundary(m[0], m[1]) || afterCompare(m[0]) {
			continue
		}
		mo := atoi(lo[m[2]:m[3]])
		y, ex := pc.yearOf(lo, m[4], m[5])
		if mo < 1 || mo > 12 {
			continue
		}
		// "đến cuối tháng 10" is a point in time (a stock); "đến hết tháng 8"
		// closes a cumulative period (a flow since 1 January).
		phrase := lo[m[0]:m[1]]
		if strings.Contains(phrase, "hết") && !strings.Contains(phrase, "cuối") {
			add(periodRef{start: m[0], end: m[1], p: pc.fix(planwatch.YearToDateOf(y, mo), ex), explicitY: ex})
			continue
		}
		add(periodRef{start: m[0], end: m[1], p: pc.fix(planwatch.MonthOf(y, mo), ex), point: true, explicitY: ex})
	}
	for _, m := range findNear(reYearSpan, lo, []string{"giai đoạn", "thời kỳ"}, 0, 30) {
		add(periodRef{start: m[0], end: m[1], multi: lo[m[2]:m[3]] + "-" + lo[m[4]:m[5]], explicitY: true})
	}
	for _, m := range findNear(reQuarter, lo, []string{"quý"}, 0, 20) {
		q := romanQ[lo[m[2]:m[3]]]
		end := m[1]
		if m[4] < 0 {
			end = m[3]
		}
		if !boundary(m[0], end) || afterCompare(m[0]) {
			continue
		}
		y, ex := pc.yearOf(lo, m[4], m[5])
		add(periodRef{start: m[0], end: end, p: pc.fix(planwatch.QuarterOf(y, q), ex), explicitY: ex})
	}
	for _, m := range findNear(reMonths, lo, []string{"tháng"}, 16, 30) {
		end := m[1]
		if !boundary(m[0], end) || afterCompare(m[0]) {
			continue
		}
		// "25 tháng 10" is a date, "6 tháng 7" too.
		rest := strings.TrimLeft(lo[end:], " ")
		if rest != "" && isDigitRune(runeAt(rest, 0)) {
			continue
		}
		word := lo[m[2]:m[3]]
		n, ok := numberWords[word]
		if !ok {
			n = atoi(word)
		}
		if n < 1 || n > 12 {
			continue
		}
		y, ex := pc.yearOf(lo, m[6], m[7])
		var p planwatch.Period
		if m[4] >= 0 && lo[m[4]:m[5]] == "cuối năm" {
			p = planwatch.Period{Year: y, First: 13 - n, Last: 12, Type: planwatch.MonthRange}
			if n == 6 {
				p = planwatch.HalfOf(y, 2)
			}
		} else {
			p = planwatch.YearToDateOf(y, n)
		}
		add(periodRef{start: m[0], end: end, p: pc.fix(p, ex), explicitY: ex})
	}
	for _, m := range findNear(reMonth, lo, []string{"tháng"}, 0, 30) {
		end := m[1]
		if !boundary(m[0], end) || afterCompare(m[0]) {
			continue
		}
		// "tháng 4/2023" is fine; "tháng 4/5" is something else.
		if strings.HasPrefix(lo[end:], "/") {
			continue
		}
		word := lo[m[2]:m[3]]
		mo, named := monthWords[word]
		if !named {
			mo = atoi(word)
		}
		// "tháng năm 2024" is "the month, year 2024" only when "năm" is
		// followed by another "năm": "tháng Năm năm 2024".
		if word == "năm" && m[4] < 0 || word == "một" && strings.HasPrefix(lo[end:], " số") {
			continue
		}
		if mo < 1 || mo > 12 {
			continue
		}
		y, ex := pc.yearOf(lo, m[4], m[5])
		add(periodRef{start: m[0], end: end, p: pc.fix(planwatch.MonthOf(y, mo), ex), explicitY: ex})
	}
	for _, m := range findNear(reYear, lo, []string{"năm"}, 0, 12) {
		end := m[1]
		if !boundary(m[0], end) || afterCompare(m[0]) {
			continue
		}
		// "năm 2021 - 2025" is a plan term; "đến năm 2030" a horizon.
		if reSpanTail.MatchString(lo[end:]) || endsWithWords(lo, m[0], "đến") >= 0 || endsWithWords(lo, m[0], "tầm nhìn đến") >= 0 {
			continue
		}
		y := atoi(lo[m[2]:m[3]])
		// "Đến hết năm 2024, số người tham gia …": a point in time.
		if k, ok := yearEndWord(lo, m[0]); ok {
			add(periodRef{start: k, end: end, p: planwatch.MonthOf(y, 12), point: true, explicitY: true})
			continue
		}
		add(periodRef{start: m[0], end: end, p: planwatch.YearOf(y), explicitY: true, of: endsWithWords(lo, m[0], "của") >= 0})
	}
	for _, m := range findNear(reThisPeriod, lo, []string{"tháng", "quý", "năm"}, 12, 8) {
		end := m[1]
		if !boundary(m[0], end) {
			continue
		}
		// "trong tháng 5" is read by reMonth; this is "trong tháng" alone.
		rest := strings.TrimLeft(lo[end:], " ")
		if rest != "" && (isDigitRune(runeAt(rest, 0)) || startsWithRoman(rest) || strings.HasPrefix(rest, "trước")) {
			continue
		}
		rp := pc.report
		if rp.IsZero() {
			rp = planwatch.YearOf(pc.year)
		}
		var p planwatch.Period
		switch lo[m[4]:m[5]] {
		case "tháng":
			p = planwatch.MonthOf(rp.Year, rp.Last)
		case "quý":
			p = planwatch.QuarterOf(rp.Year, (rp.Last+2)/3)
		case "năm":
			p = planwatch.YearOf(rp.Year)
		}
		add(periodRef{start: m[0], end: end, p: p})
	}
	// "lũy kế từ đầu năm", "tính chung", "cộng dồn" with no number of months:
	// the year to date through the period in force where they are read
	// (build resolves it); the report's year to date stands in before that.
	for _, re := range []*regexp.Regexp{reYTD, reBareYTD} {
		for _, m := range re.FindAllStringIndex(lo, -1) {
			if rp := pc.report; !rp.IsZero() && boundary(m[0], m[1]) {
				add(periodRef{start: m[0], end: m[1], p: planwatch.YearToDateOf(rp.Year, rp.Last), ytd: true})
			}
		}
	}
	for _, m := range reRecall.FindAllStringIndex(lo, -1) {
		add(periodRef{start: m[0], end: m[1], recall: true})
	}
	sortPeriods(out)
	return out
}

// yearEndWord reports "đến hết", "đến cuối", "tính đến hết" before byte s.
func yearEndWord(lo string, s int) (int, bool) {
	for _, w := range []string{"tính đến hết", "tính đến cuối", "đến hết", "đến cuối"} {
		if k := endsWithWords(lo, s, w); k >= 0 {
			return k, true
		}
	}
	return s, false
}

var reSpanTail = regexp.MustCompile(`^\s*[-–]\s*\d{4}`)

func startsWithRoman(s string) bool {
	for _, r := range []string{"iv", "iii", "ii", "i"} {
		if strings.HasPrefix(s, r) && !isLetter(runeAt(s, len(r))) {
			return true
		}
	}
	return false
}

func sortPeriods(ps []periodRef) {
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && ps[j].start < ps[j-1].start; j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

// yearOf returns the year written in lo[s:e], or the document's.
func (pc periodContext) yearOf(lo string, s, e int) (int, bool) {
	if s >= 0 {
		return atoi(lo[s:e]), true
	}
	return pc.year, false
}

// fix moves a period without a written year back a year when it would
// otherwise start after the document date ("quý IV" in a January article).
func (pc periodContext) fix(p planwatch.Period, explicit bool) planwatch.Period {
	if explicit || pc.date.IsZero() {
		return p
	}
	// Only well after the date: "6 tháng cuối năm" in a June report is
	// the coming half, not last year's.
	if p.Start().After(pc.date.AddDate(0, 3, 0)) && p.Year == pc.date.Year() {
		p.Year--
	}
	return p
}

func validDate(y, m, d int) bool {
	return y >= 1900 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 && d <= 31
}

func isDigitRune(r rune) bool { return r >= '0' && r <= '9' }

func atoi(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0
	}
	return n
}

// periodID renders a period for output: DHIS2 style, or a span of years.
func periodID(p planwatch.Period, multi string) string {
	if multi != "" {
		return multi
	}
	if p.IsZero() {
		return ""
	}
	return p.ID()
}

// milestoneSpan is the period from 1 January to the end of p, in p's shape
// where it has one: quý II → Q1-Q2, 30/9 → Q1-Q3, hết năm → the year.
func milestoneSpan(p planwatch.Period) planwatch.Period {
	switch {
	case p.Last == 12:
		return planwatch.YearOf(p.Year)
	case p.Type == planwatch.Quarter || p.Type == planwatch.QuarterRange || p.Last%3 == 0:
		if p.Last == 3 {
			return planwatch.QuarterOf(p.Year, 1)
		}
		return planwatch.Period{Year: p.Year, First: 1, Last: p.Last, Type: planwatch.QuarterRange}
	}
	return planwatch.YearToDateOf(p.Year, p.Last)
}

// prevMonthRef is "so với tháng trước" for a period ending in month m.
func prevMonthRef(p planwatch.Period) string {
	y, m := p.Year, p.Last-1
	if m == 0 {
		y, m = y-1, 12
	}
	return fmt.Sprintf("%04d-%02d", y, m)
}

// findNear is FindAllStringSubmatchIndex restricted to windows around the
// keywords a pattern cannot match without, so that patterns with no literal
// prefix do not run over the whole document. Windows end at white space, so
// no number is cut; matches are returned once, in order, in offsets of lo.
func findNear(re *regexp.Regexp, lo string, keywords []string, before, after int) [][]int {
	type win struct{ a, b int }
	var wins []win
	for _, kw := range keywords {
		for off := 0; ; {
			k := strings.Index(lo[off:], kw)
			if k < 0 {
				break
			}
			k += off
			a, b := max(0, k-before), min(len(lo), k+len(kw)+after)
			for a > 0 && !utf8.RuneStart(lo[a]) {
				a--
			}
			// Start at a word boundary and end at white space.
			for a > 0 && lo[a-1] != ' ' && lo[a-1] != '\n' {
				a--
			}
			for b < len(lo) && lo[b] != ' ' && lo[b] != '\n' {
				b++
			}
			wins = append(wins, win{a, b})
			off = k + len(kw)
		}
	}
	sort.Slice(wins, func(i, j int) bool { return wins[i].a < wins[j].a })
	// Merge overlapping windows.
	var merged []win
	for _, w := range wins {
		if n := len(merged); n > 0 && w.a <= merged[n-1].b {
			merged[n-1].b = max(merged[n-1].b, w.b)
			continue
		}
		merged = append(merged, w)
	}
	var out [][]int
	for _, w := range merged {
		for _, m := range re.FindAllStringSubmatchIndex(lo[w.a:w.b], -1) {
			for i := range m {
				if m[i] >= 0 {
					m[i] += w.a
				}
			}
			out = append(out, m)
		}
	}
	return out
}
