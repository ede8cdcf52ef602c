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
	rule       string // the periodRule that read it
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

// A periodRule reads one way of writing a period. Keywords are words the
// phrase cannot be written without; the Pattern is tried only in windows of
// Before and After bytes around them (so patterns with no literal prefix do
// not run over the whole document), or over the whole text when there are
// none. Read turns a match (submatch indices in lo) into period phrases
// with sc.add. Rules run in order and a phrase takes its bytes: dates come
// first, so that their numbers are not read as months. Examples pairs a
// phrase with the period the rule reads from it ("" for a phrase that is
// taken but names no period of a fact), in a document of July 2023
// (TestPeriodRules).
type periodRule struct {
	Name          string
	Pattern       *regexp.Regexp
	Keywords      []string
	Before, After int
	Read          func(sc *periodScanner, m []int)
	Examples      [][2]string
}

// periodScanner is the state of one scan: the text, what the document
// knows, and which bytes are taken by a phrase already.
type periodScanner struct {
	lo    string
	pc    periodContext
	taken []bool
	out   []periodRef
	rule  string
}

// add keeps a phrase unless it overlaps one kept before.
func (sc *periodScanner) add(r periodRef) {
	if r.start < 0 || r.end > len(sc.lo) || r.start >= r.end {
		return
	}
	for i := r.start; i < r.end; i++ {
		if sc.taken[i] {
			return
		}
	}
	for i := r.start; i < r.end; i++ {
		sc.taken[i] = true
	}
	r.rule = sc.rule
	sc.out = append(sc.out, r)
}

// boundary reports a phrase at lo[s:e] that is a whole word and number.
func (sc *periodScanner) boundary(s, e int) bool {
	lo := sc.lo
	return !isLetter(runeBefore(lo, s)) && !isLetter(runeAt(lo, e)) && !isDigitRune(runeBefore(lo, s)) && !isDigitRune(runeAt(lo, e))
}

// afterCompare reports a phrase that names what a figure is compared with
// ("so với 31/12/2021", "so với cùng kỳ năm 2022"): not a period of a fact.
func (sc *periodScanner) afterCompare(s int) bool {
	lo := sc.lo
	return comparedWith(lo, s) || endsWithWords(lo, s, "so với cuối") >= 0 ||
		endsWithWords(lo, s, "so với thời điểm") >= 0 || endsWithWords(lo, s, "so với ngày") >= 0
}

// pointWord reports a word before byte s that makes a date a point in time
// ("đến ngày", "tính đến"), and where it starts.
func (sc *periodScanner) pointWord(s int) (int, bool) {
	for _, w := range []string{"tính đến ngày", "tính đến", "đến hết ngày", "đến ngày", "đến hết", "đến", "tại ngày", "vào ngày"} {
		if k := endsWithWords(sc.lo, s, w); k >= 0 {
			return k, true
		}
	}
	return s, false
}

func (sc *periodScanner) num(m []int, k int) int { return atoi(sc.lo[m[2*k]:m[2*k+1]]) }

// readDate reads a full date (day, month, year in groups 1–3): a point in
// time after "đến", "tính đến"; otherwise an event's date, taken with no
// period.
func readDate(sc *periodScanner, m []int) {
	d, mo, y := sc.num(m, 1), sc.num(m, 2), sc.num(m, 3)
	s, point := sc.pointWord(m[0])
	r := periodRef{start: s, end: m[1], explicitY: true}
	if point && validDate(y, mo, d) && !sc.afterCompare(s) {
		r.p, r.point = planwatch.MonthOf(y, mo), true
	}
	sc.add(r)
}

var periodRules = []periodRule{
	{Name: "date in words", Pattern: reDateWords, Keywords: []string{"ngày"}, After: 40, Read: readDate,
		Examples: [][2]string{{"đến ngày 30 tháng 6 năm 2023", "202306"}, {"ngày 25 tháng 10 năm 2023", ""}}},
	{Name: "date", Pattern: reDateFull, Keywords: []string{"/"}, Before: 6, After: 8,
		Read: func(sc *periodScanner, m []int) {
			if sc.boundary(m[0], m[1]) {
				readDate(sc, m)
			}
		},
		Examples: [][2]string{{"đến 31/12/2023", "202312"}, {"tính đến ngày 30/6/2023", "202306"}, {"07/04/2022", ""}}},
	{Name: "day and month", Pattern: reDateShort, Keywords: []string{"/"}, Before: 3, After: 3, Read: readDayMonth,
		Examples: [][2]string{{"đến ngày 30/6", "202306"}, {"từ ngày 14 đến 18/6", "202306"}}},
	{Name: "up to a month", Pattern: rePointMonth, Keywords: []string{"tháng"}, Before: 30, After: 20, Read: readUpToMonth,
		Examples: [][2]string{{"đến cuối tháng 10", "202310"}, {"đến hết tháng 8", "202301-202308"}}},
	{Name: "span of years", Pattern: reYearSpan, Keywords: []string{"giai đoạn", "thời kỳ"}, After: 30,
		Read: func(sc *periodScanner, m []int) {
			sc.add(periodRef{start: m[0], end: m[1], multi: sc.lo[m[2]:m[3]] + "-" + sc.lo[m[4]:m[5]], explicitY: true})
		},
		Examples: [][2]string{{"giai đoạn 2021-2023", "2021-2023"}}},
	{Name: "quarter", Pattern: reQuarter, Keywords: []string{"quý"}, After: 20,
		Read: func(sc *periodScanner, m []int) {
			q := romanQ[sc.lo[m[2]:m[3]]]
			end := m[1]
			if m[4] < 0 {
				end = m[3]
			}
			if !sc.boundary(m[0], end) || sc.afterCompare(m[0]) {
				return
			}
			y, ex := sc.pc.yearOf(sc.lo, m[4], m[5])
			sc.add(periodRef{start: m[0], end: end, p: sc.pc.fix(planwatch.QuarterOf(y, q), ex), explicitY: ex})
		},
		Examples: [][2]string{{"quý i/2022", "2022Q1"}, {"quý ii", "2023Q2"}, {"quý iv năm 2022", "2022Q4"}, {"quý i-2024", "2024Q1"}}},
	{Name: "months from January", Pattern: reMonths, Keywords: []string{"tháng"}, Before: 16, After: 30, Read: readMonths,
		Examples: [][2]string{{"6 tháng đầu năm 2024", "2024S1"}, {"9 tháng", "2023Q1-Q3"}, {"bốn tháng", "202301-202304"}, {"6 tháng cuối năm", "2023S2"}}},
	{Name: "month", Pattern: reMonth, Keywords: []string{"tháng"}, After: 30, Read: readMonth,
		Examples: [][2]string{{"tháng 4/2023", "202304"}, {"tháng ba năm 2024", "202403"}, {"tháng một", "202301"}, {"tháng 5", "202305"}}},
	{Name: "year", Pattern: reYear, Keywords: []string{"năm"}, After: 12, Read: readYear,
		Examples: [][2]string{{"năm 2023", "2023"}, {"đến hết năm 2024", "202412"}}},
	{Name: "this period", Pattern: reThisPeriod, Keywords: []string{"tháng", "quý", "năm"}, Before: 12, After: 8, Read: readThisPeriod,
		Examples: [][2]string{{"trong tháng", "202307"}, {"trong quý", "2023Q3"}, {"cả năm", "2023"}}},
	{Name: "year to date", Pattern: reYTD, Keywords: []string{"từ đầu năm"}, After: 12, Read: readYTD,
		Examples: [][2]string{{"từ đầu năm đến nay", "202301-202307"}}},
	{Name: "running total", Pattern: reBareYTD, Keywords: []string{"tính chung", "lũy kế", "luỹ kế", "cộng dồn"}, Read: readYTD,
		Examples: [][2]string{{"lũy kế", "202301-202307"}, {"tính chung", "202301-202307"}}},
	{Name: "that time", Pattern: reRecall, Keywords: []string{"tại thời điểm"}, After: 8,
		Read: func(sc *periodScanner, m []int) {
			sc.add(periodRef{start: m[0], end: m[1], recall: true})
		},
		Examples: [][2]string{{"tại thời điểm này", ""}}},
}

// scanPeriods finds the period phrases of lo (the lower-cased document)
// with periodRules. Phrases that belong to a comparison ("so với
// 31/12/2021", "so với năm 2022") are not periods of a fact and are left
// out.
func scanPeriods(lo string, pc periodContext) []periodRef {
	sc := &periodScanner{lo: lo, pc: pc, taken: make([]bool, len(lo)+1)}
	for _, r := range periodRules {
		sc.rule = r.Name
		var matches [][]int
		if len(r.Keywords) > 0 {
			matches = findNear(r.Pattern, lo, r.Keywords, r.Before, r.After)
		} else {
			matches = r.Pattern.FindAllStringSubmatchIndex(lo, -1)
		}
		for _, m := range matches {
			r.Read(sc, m)
		}
	}
	sortPeriods(sc.out)
	return sc.out
}

// readDayMonth reads "đến ngày 30/9", "Tại thời điểm 30/9": a point in time
// in the document's year. A day and month with no such word is an event
// date; "từ 28/4 đến 1/5", "từ ngày 15 đến 18/6" is an event, whose figures
// take its month when it lies within one.
func readDayMonth(sc *periodScanner, m []int) {
	lo, pc := sc.lo, sc.pc
	if !sc.boundary(m[0], m[1]) || strings.HasPrefix(lo[m[1]:], "/") {
		return
	}
	d, mo := sc.num(m, 1), sc.num(m, 2)
	s, point := sc.pointWord(m[0])
	if !point || sc.afterCompare(s) || pc.year == 0 || !validDate(pc.year, mo, d) {
		return
	}
	if endsWithWords(lo, m[0], "đến") >= 0 && strings.Contains(lo[max(0, s-24):s], "từ") {
		if fm := reEventFrom.FindStringSubmatchIndex(lo[max(0, s-24):s]); fm != nil {
			from := max(0, s-24) + fm[0]
			same := fm[4] < 0 || atoi(lo[max(0, s-24)+fm[4]:max(0, s-24)+fm[5]]) == mo
			if same && validDate(pc.year, mo, atoi(lo[max(0, s-24)+fm[2]:max(0, s-24)+fm[3]])) {
				sc.add(periodRef{start: from, end: m[1], p: pc.fix(planwatch.MonthOf(pc.year, mo), false), event: true})
			}
		}
		return
	}
	sc.add(periodRef{start: s, end: m[1], p: pc.fix(planwatch.MonthOf(pc.year, mo), false), point: true})
}

// readUpToMonth reads "đến cuối tháng 10" (a point in time, for a stock) and
// "đến hết tháng 8" (the end of a running total from 1 January).
func readUpToMonth(sc *periodScanner, m []int) {
	lo, pc := sc.lo, sc.pc
	if !sc.boundary(m[0], m[1]) || sc.afterCompare(m[0]) {
		return
	}
	mo := sc.num(m, 1)
	y, ex := pc.yearOf(lo, m[4], m[5])
	if mo < 1 || mo > 12 {
		return
	}
	phrase := lo[m[0]:m[1]]
	if strings.Contains(phrase, "hết") && !strings.Contains(phrase, "cuối") {
		sc.add(periodRef{start: m[0], end: m[1], p: pc.fix(planwatch.YearToDateOf(y, mo), ex), explicitY: ex})
		return
	}
	sc.add(periodRef{start: m[0], end: m[1], p: pc.fix(planwatch.MonthOf(y, mo), ex), point: true, explicitY: ex})
}

// readMonths reads "6 tháng đầu năm", "9 tháng năm 2023", "bốn tháng": the
// months from January; "6 tháng cuối năm" the last ones.
func readMonths(sc *periodScanner, m []int) {
	lo, pc := sc.lo, sc.pc
	end := m[1]
	if !sc.boundary(m[0], end) || sc.afterCompare(m[0]) {
		return
	}
	// "25 tháng 10" is a date, "6 tháng 7" too.
	rest := strings.TrimLeft(lo[end:], " ")
	if rest != "" && isDigitRune(runeAt(rest, 0)) {
		return
	}
	word := lo[m[2]:m[3]]
	n, ok := numberWords[word]
	if !ok {
		n = atoi(word)
	}
	if n < 1 || n > 12 {
		return
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
	sc.add(periodRef{start: m[0], end: end, p: pc.fix(p, ex), explicitY: ex})
}

// readMonth reads "tháng 4/2023", "tháng Ba năm 2024", "tháng Giêng".
func readMonth(sc *periodScanner, m []int) {
	lo, pc := sc.lo, sc.pc
	end := m[1]
	if !sc.boundary(m[0], end) || sc.afterCompare(m[0]) {
		return
	}
	// "tháng 4/2023" is fine; "tháng 4/5" is something else.
	if strings.HasPrefix(lo[end:], "/") {
		return
	}
	word := lo[m[2]:m[3]]
	mo, named := monthWords[word]
	if !named {
		mo = atoi(word)
	}
	// "tháng năm 2024" is "the month, year 2024" only when "năm" is
	// followed by another "năm": "tháng Năm năm 2024".
	if word == "năm" && m[4] < 0 || word == "một" && strings.HasPrefix(lo[end:], " số") {
		return
	}
	if mo < 1 || mo > 12 {
		return
	}
	y, ex := pc.yearOf(lo, m[4], m[5])
	sc.add(periodRef{start: m[0], end: end, p: pc.fix(planwatch.MonthOf(y, mo), ex), explicitY: ex})
}

// readYear reads "năm 2023"; not a plan term ("năm 2021 - 2025") nor a
// horizon ("đến năm 2030"); "đến hết năm 2024" is a point in time.
func readYear(sc *periodScanner, m []int) {
	lo := sc.lo
	end := m[1]
	if !sc.boundary(m[0], end) || sc.afterCompare(m[0]) {
		return
	}
	if reSpanTail.MatchString(lo[end:]) || endsWithWords(lo, m[0], "đến") >= 0 || endsWithWords(lo, m[0], "tầm nhìn đến") >= 0 {
		return
	}
	y := sc.num(m, 1)
	if k, ok := yearEndWord(lo, m[0]); ok {
		sc.add(periodRef{start: k, end: end, p: planwatch.MonthOf(y, 12), point: true, explicitY: true})
		return
	}
	sc.add(periodRef{start: m[0], end: end, p: planwatch.YearOf(y), explicitY: true, of: endsWithWords(lo, m[0], "của") >= 0})
}

// readThisPeriod reads "trong tháng", "trong quý", "cả năm" with no number:
// the report's own month, quarter or year.
func readThisPeriod(sc *periodScanner, m []int) {
	lo, pc := sc.lo, sc.pc
	end := m[1]
	if !sc.boundary(m[0], end) {
		return
	}
	// "trong tháng 5" is read by the month rule; this is "trong tháng" alone.
	rest := strings.TrimLeft(lo[end:], " ")
	if rest != "" && (isDigitRune(runeAt(rest, 0)) || startsWithRoman(rest) || strings.HasPrefix(rest, "trước")) {
		return
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
	sc.add(periodRef{start: m[0], end: end, p: p})
}

// readYTD reads "lũy kế từ đầu năm", "tính chung", "cộng dồn" with no
// number of months: the year to date through the period in force where
// they are read (build resolves it); the report's year to date stands in.
func readYTD(sc *periodScanner, m []int) {
	if rp := sc.pc.report; !rp.IsZero() && sc.boundary(m[0], m[1]) {
		sc.add(periodRef{start: m[0], end: m[1], p: planwatch.YearToDateOf(rp.Year, rp.Last), ytd: true})
	}
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
