package extract

import (
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"planwatch"
	"planwatch/vi"
)

// doc is one document being read.
type doc struct {
	text string          // NFC text
	lo   string          // text lower-cased, same byte offsets
	done <-chan struct{} // closed when the caller no longer wants the facts

	lastPoint            *periodRef // the last date a stock was read at, while building
	bodyEnd              int        // where a trailing related-news block starts
	wrapWidth            int        // the width in runes lines are wrapped at (a PDF's text), or 0
	targetYear           int        // while building: the year of the list of targets being read, or 0
	titleStart, titleEnd int        // the headline, whose figures the body restates
	skip                 [][2]int

	pc       periodContext
	defaultP planwatch.Period
	mainP    planwatch.Period // the broadest period of the headline and opening that ends with defaultP: what a new section reports on
	place    string

	mentions  []mention
	periods   []periodRef
	periodEnd map[int]int // start → end of each period phrase
	sents     [][2]int
	para      []int // paragraph number of each sentence
}

// A figure found in the text.
type mention struct {
	start, end int // from the first digit to the end of the unit
	q          vi.Quantity
	unit       string
	rng        string // "7,5-8%": the value is the lower bound
	fromRange  bool   // "từ 9 - 9,5%": a target range, not a fact
	qual       string // khoảng, trên, hơn, gần
	qualStart  int    // where the qualifier starts (= start when none)
}

// Trailing blocks of a web page that are not part of the article.
var reTrailer = regexp.MustCompile(`(?m)^[ \t]*(?:\(\d+\)\s*)?(?:Tin liên quan|Tin nổi bật|Tin cùng chuyên mục|Tin khác|Tin mới|Bài viết liên quan|Bài liên quan|Xem thêm|Đọc thêm|Bình luận|Ý kiến bạn đọc)\b`)

// A page header or footer of a converted PDF: a line ending in its page
// number ("UBND tỉnh … - Báo cáo KT-XH quý I/2024   Trang 2", "- 3 -").
var rePageLine = regexp.MustCompile(`(?m)^(?:[^\n]{0,150}?[ \t](?:Trang|trang|Page)[ \t]+\d{1,4}(?:[ \t]*/[ \t]*\d{1,4})?|[ \t]*-[ \t]*\d{1,4}[ \t]*-)[ \t]*$`)

// Letterhead lines of an administrative document, above its title.
var reLetterhead = regexp.MustCompile(`^(?:(?:ỦY BAN NHÂN DÂN|UBND|HỘI ĐỒNG NHÂN DÂN|SỞ|CỤC|TỈNH|THÀNH PHỐ|NGÂN HÀNG|BAN|CHI CỤC|VĂN PHÒNG)(?:[ \t]|$)[^\p{Ll}]*|(?:BÁO CÁO|TỜ TRÌNH|THÔNG BÁO|KẾ HOẠCH|PHỤ LỤC|BIỂU)[ \t]*(?:[:.]|$)|Số[ \t]*:.*|.*CỘNG HÒA XÃ HỘI CHỦ NGHĨA.*|.*Độc lập - Tự do - Hạnh phúc.*|\p{Lu}[\p{L} ]{1,40},[ \t]+ngày[ \t]+\d{1,2}[ \t]+tháng[ \t]+\d{1,2}[ \t]+năm[ \t]+\d{4}\.?)$`)

// File names of images left in copied pages.
var reFileLine = regexp.MustCompile(`(?m)^[ \t]*[\p{L}\p{N}_\-.]+\.(?:png|jpe?g|gif|webp|svg)[ \t]*$`)

var (
	reLineDate    = regexp.MustCompile(`(?:^|[^\d/])(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})(?:$|[^\d/])`)
	reLineISODate = regexp.MustCompile(`(?:^|[^\d-])((?:19|20)\d{2})-(\d{2})-(\d{2})(?:$|[^\d-])`)
	reDateLine    = regexp.MustCompile(`\d{1,2}:\d{2}\s+(\d{1,2})/(\d{1,2})/(\d{4})`)
	reOpeningDate = regexp.MustCompile(`(?m)^[ \t]*(?:\p{L}+[ \t]+)?(?:ngày[ \t]+)?(\d{1,2})/(\d{1,2})/(\d{4})`)
	reYearAny     = regexp.MustCompile(`(?:năm|/)\s*((?:19|20)\d{2})`)
	rePlaceDate   = regexp.MustCompile(`(?m)^[ \t]*(\p{Lu}\p{Ll}*(?:[ \t]\p{Lu}\p{Ll}*){0,3}),[ \t]+ngày`)
	rePlaceUnit   = regexp.MustCompile(`(?:UBND|Ủy ban nhân dân|HĐND|Sở [\p{L} ]+?)?\s*(?:tỉnh|thành phố|TP\.?)\s+(\p{Lu}\p{Ll}*(?:[ \t]\p{Lu}\p{Ll}*){0,3})`)
	rePlaceTitle  = regexp.MustCompile(`^[ \t]*(\p{Lu}\p{Ll}*(?:[ \t]\p{Lu}\p{Ll}*){0,3})\s*:`)
)

func newDoc(text string, opts Options) *doc {
	d := &doc{text: text, lo: lowerSameLen(text), bodyEnd: len(text)}
	// Everything from a related-news or comments heading on is page furniture.
	if loc := reTrailer.FindStringIndex(text); loc != nil && loc[0] > len(text)/3 {
		d.bodyEnd = loc[0]
	}
	for _, loc := range reFileLine.FindAllStringIndex(text[:d.bodyEnd], -1) {
		d.skip = append(d.skip, [2]int{loc[0], loc[1]})
	}
	// Page headers and footers left by a PDF conversion ("… Trang 2").
	for _, loc := range rePageLine.FindAllStringIndex(text[:d.bodyEnd], -1) {
		d.skip = append(d.skip, [2]int{loc[0], loc[1]})
	}
	d.findTitle()
	d.wrapWidth = wrapWidth(text[:d.bodyEnd])
	d.findDate(opts)
	// The report's own period: the first in the headline, else in the opening.
	title := periodContext{year: d.pc.year, date: d.pc.date}
	refs := scanPeriods(d.lo[:max(d.titleEnd, min(d.bodyEnd, d.openingEnd()))], title)
	for _, r := range refs {
		if !r.p.IsZero() && !r.point && r.start >= d.titleStart && r.end <= d.titleEnd {
			d.defaultP = r.p
			break
		}
	}
	if d.defaultP.IsZero() {
		for _, r := range refs {
			if !r.p.IsZero() && !r.point && r.start < d.openingEnd() {
				d.defaultP = r.p
				break
			}
		}
	}
	if d.defaultP.IsZero() && d.pc.year > 0 {
		d.defaultP = planwatch.YearOf(d.pc.year)
	}
	// "quý III và 9 tháng", "tháng 10 và 10 tháng": a section of the body
	// with no period of its own reports on the longer one.
	d.mainP = d.defaultP
	// Only the headline and the opening prose: not the first section of a
	// bulletin made of short lines ("1. Nông nghiệp", "- Sản lượng … 11 tháng").
	open := d.openingEnd()
	for off := d.titleEnd; off < open; {
		e := strings.IndexByte(d.text[off:open], '\n')
		if e < 0 {
			e = open - off
		}
		line := strings.TrimSpace(d.text[off : off+e])
		if reSectionHead.MatchString(line) || strings.HasPrefix(line, "- ") || strings.HasPrefix(line, "+ ") {
			open = off
			break
		}
		off += e + 1
	}
	for _, r := range refs {
		if !r.p.IsZero() && !r.point && r.start < open && r.p.Year == d.mainP.Year && r.p.Last == d.mainP.Last && r.p.Months() > d.mainP.Months() {
			d.mainP = r.p
		}
	}
	d.pc.report = d.defaultP
	d.periods = scanPeriods(d.lo[:d.bodyEnd], d.pc)
	if len(d.skip) > 0 {
		kept := d.periods[:0]
		for _, r := range d.periods {
			if !d.inSkip(r.start) {
				kept = append(kept, r)
			}
		}
		d.periods = kept
	}
	d.periodEnd = make(map[int]int, len(d.periods))
	for _, r := range d.periods {
		d.periodEnd[r.start] = r.end
	}
	d.place = opts.Place
	if d.place == "" {
		d.place = d.findPlace()
	}
	d.scanMentions()
	d.splitSentences()
	return d
}

// findTitle takes the first non-empty line that is not a comment ("# …") as
// the headline.
func (d *doc) findTitle() {
	off := 0
	for _, line := range strings.SplitAfter(d.text[:d.bodyEnd], "\n") {
		t := strings.TrimSpace(line)
		if t != "" && !strings.HasPrefix(t, "#") && !reLetterhead.MatchString(t) {
			d.titleStart, d.titleEnd = off, off+len(strings.TrimRight(line, "\r\n"))
			// A headline has no full stop inside; a first line that is a
			// paragraph is not one.
			if len(t) > 300 || strings.HasSuffix(t, ".") {
				d.titleStart, d.titleEnd = 0, 0
			}
			return
		}
		off += len(line)
	}
}

// openingEnd is the end of the first paragraph after the headline.
func (d *doc) openingEnd() int {
	rest := d.text[d.titleEnd:d.bodyEnd]
	n := 0
	for _, p := range strings.SplitAfter(rest, "\n\n") {
		n += len(p)
		if len(strings.TrimSpace(p)) > 120 {
			break
		}
	}
	return d.titleEnd + n
}

// findDate reads the document date: the options, a date line near the top,
// or else the year of the headline or the opening.
func (d *doc) findDate(opts Options) {
	if !opts.Date.IsZero() {
		d.pc.date, d.pc.year = opts.Date, opts.Date.Year()
		return
	}
	head := d.text[:min(d.bodyEnd, d.titleEnd+600)]
	set := func(dd, mm, yy string) bool {
		day, mon, yr := atoi(dd), atoi(mm), atoi(yy)
		if !validDate(yr, mon, day) {
			return false
		}
		d.pc.date = time.Date(yr, time.Month(mon), day, 0, 0, 0, 0, time.UTC)
		d.pc.year = yr
		return true
	}
	if m := reDateLine.FindStringSubmatch(head); m != nil && set(m[1], m[2], m[3]) {
		return
	}
	if m := reDateWords.FindStringSubmatch(strings.ToLower(head)); m != nil && set(m[1], m[2], m[3]) {
		return
	}
	if m := reOpeningDate.FindStringSubmatch(head); m != nil && set(m[1], m[2], m[3]) {
		return
	}
	// A byline or date line of a web page: a short line near the top that
	// holds a full date ("Thứ Hai, 03/06/2024 - 08:15", "Minh Anh
	// 03/06/2024", "Đăng ngày 2024-06-03").
	for _, line := range strings.Split(head, "\n") {
		if utf8.RuneCountInString(line) > 100 {
			continue
		}
		lo := lowerSameLen(line)
		if m := reLineDate.FindStringSubmatchIndex(lo); m != nil && !comparisonBase(lo, m[0]) {
			if _, point := (&periodScanner{lo: lo}).pointWord(m[0]); !point && set(lo[m[2]:m[3]], lo[m[4]:m[5]], lo[m[6]:m[7]]) {
				return
			}
		}
		if m := reLineISODate.FindStringSubmatch(lo); m != nil && set(m[3], m[2], m[1]) {
			return
		}
	}
	year := 0
	for _, s := range []string{d.text[d.titleStart:d.titleEnd], head, d.text[:d.bodyEnd]} {
		if year = documentYear(lowerSameLen(s)); year > 0 {
			break
		}
	}
	// The file's own date, unless the text states another year than the
	// file's or the one before it (a report on December read in January).
	if fd := opts.FileDate; !fd.IsZero() && (year == 0 || year == fd.Year() || year == fd.Year()-1) {
		d.pc.date = time.Date(fd.Year(), fd.Month(), fd.Day(), 0, 0, 0, 0, time.UTC)
		if year == 0 {
			year = fd.Year()
		}
	}
	d.pc.year = year
}

// documentYear is the first year lo states for its own figures. A year
// written only as the base of a comparison ("so với cùng kỳ năm 2021", "so
// với cùng thời điểm năm 2020") is the year before the document's: it gives
// the year after it when no other year is written.
func documentYear(lo string) int {
	compared := 0
	for _, m := range reYearAny.FindAllStringSubmatchIndex(lo, -1) {
		y := atoi(lo[m[2]:m[3]])
		if !comparisonBase(lo, m[0]) {
			return y
		}
		if compared == 0 {
			compared = y + 1
		}
	}
	return compared
}

// comparisonBase reports a year phrase at byte i that names what a figure
// is compared with: "so với (cùng kỳ|cùng thời điểm|cùng vụ)? năm 2021".
func comparisonBase(lo string, i int) bool {
	return comparedWith(lo, i) || endsWithWords(lo, i, "cùng kỳ") >= 0 || endsWithWords(lo, i, "cùng thời điểm") >= 0
}

// comparedWith reports a phrase at byte i written after "so với" (and
// "cùng kỳ", "cùng thời điểm", "cùng vụ"): what a figure is compared with,
// not the period of a figure. "Cùng kỳ năm 2023 đạt …" alone is a figure of
// 2023.
func comparedWith(lo string, i int) bool {
	for _, w := range []string{"so với", "so", "so với cùng kỳ", "so cùng kỳ", "so với cùng thời điểm", "so với cùng vụ"} {
		if endsWithWords(lo, i, w) >= 0 {
			return true
		}
	}
	return false
}

func (d *doc) findPlace() string {
	head := d.text[:min(d.bodyEnd, d.titleEnd+1500)]
	clean := func(s string) string {
		return strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(s, "Tỉnh "), "tỉnh "))
	}
	if m := rePlaceDate.FindStringSubmatch(head); m != nil {
		return clean(m[1])
	}
	if m := rePlaceTitle.FindStringSubmatch(d.text[d.titleStart:d.titleEnd]); m != nil && !strings.HasPrefix(m[1], "Sở") {
		return clean(m[1])
	}
	if m := rePlaceUnit.FindStringSubmatch(head); m != nil {
		return clean(m[1])
	}
	return ""
}

func (d *doc) skipped(i int) bool {
	if i >= d.titleStart && i < d.titleEnd {
		return true
	}
	return d.inSkip(i)
}

// inSkip reports whether byte i is in page furniture (an image name, a
// page header).
func (d *doc) inSkip(i int) bool {
	for _, s := range d.skip {
		if i >= s[0] && i < s[1] {
			return true
		}
	}
	return false
}

// Words before a number that make it something other than a quantity.
var notQuantityBefore = []string{
	"ngày", "thứ", "km", "lúc", "điện thoại", "đường dây nóng", "hotline", "số điện thoại",
	"quý", "tháng", "năm", "đường tỉnh", "quốc lộ", "tỉnh lộ", "đt", "ql", "khoản", "điều", "mục",
	"lô", "tổ", "khu", "phường", "ấp", "thôn", "bản", "xóm", "cụm",
}

// Words that make "phòng" part of another word than "room".
var roomCompound = map[string]bool{"tiêm": true, "dự": true, "đề": true, "quốc": true}

// Qualifiers of a number; they do not change it.
var qualifiers = []string{"khoảng trên", "khoảng gần", "khoảng hơn", "khoảng", "xấp xỉ", "trên", "hơn", "gần", "ít nhất", "tối thiểu", "dưới", "không quá", "gần như"}

var reFromTo = regexp.MustCompile(`từ\s+[\d.,]+\s*%?\s+(?:đến|tới)\s*$`)

var reRangeTail = regexp.MustCompile(`^[ \t]*[-–][ \t]*(\d[\d.,]*)[ \t]*%`)

// reValueRangeTail is " - " before the upper bound of a range of values.
var reValueRangeTail = regexp.MustCompile(`^[ \t]+[-–][ \t]+`)

// fourDigitYear reports a bare year ("2021" of "2021 - 2025").
func fourDigitYear(s string) bool { return reBareYearCell.MatchString(s) }

// measureUnits are units that are not counting nouns.
var measureUnits = map[string]bool{"VND": true, "USD": true, "ha": true, "km": true, "km2": true,
	"m2": true, "m3": true, "tấn": true, "tạ": true, "tạ/ha": true, "tấn/ha": true, "%/năm": true, "%/tháng": true, "kWh": true, "MW": true, "lít": true, "%": true, "điểm %": true, "lần": true}

func (d *doc) scanMentions() {
	t, lo := d.text, d.lo
	for i := 0; i < d.bodyEnd; {
		if !isASCIIDigit(t[i]) {
			i++
			continue
		}
		j := i
		for j < d.bodyEnd && (isASCIIDigit(t[j]) || (t[j] == '.' || t[j] == ',') && j+1 < d.bodyEnd && isASCIIDigit(t[j+1])) {
			j++
		}
		// "1 234 ha": thousands groups separated by spaces.
		if j-i <= 3 {
			if _, n, ok := vi.ParseNumber(t[i:d.bodyEnd]); ok && n > j-i && strings.ContainsAny(t[j:i+n], " \u00a0\u202f") && !strings.Contains(t[j:i+n], ",") {
				j = i + n
			}
		}
		if m, ok := d.readMention(i, j); ok {
			d.mentions = append(d.mentions, m)
			i = max(j, m.end)
			continue
		}
		i = j
	}
	_ = lo
}

func isASCIIDigit(b byte) bool { return b >= '0' && b <= '9' }

// readMention reads the figure whose digits are t[i:j], or reports that it
// is not a quantity (a date, a code, a km marker, a year, a bare number).
func (d *doc) readMention(i, j int) (mention, bool) {
	t, lo := d.text, d.lo
	if d.skipped(i) {
		return mention{}, false
	}
	prev := runeBefore(t, i)
	switch {
	case isLetter(prev), prev == '+', prev == '/', prev == ':', prev == '#', prev == '_':
		return mention{}, false
	case prev == '.' || prev == '-' || prev == ',':
		// "ĐT.725", "COVID-19", "2021-2025": glued to a word or a number.
		if p2 := runeBefore(t, i-1); isLetter(p2) || isDigitRune(p2) {
			return mention{}, false
		}
	}
	after := t[j:d.bodyEnd]
	if m, ok := d.readShareOfCount(i, j, after); ok {
		return m, true
	}
	if len(after) >= 2 && (after[0] == '/' || after[0] == ':' || after[0] == '+') && isASCIIDigit(after[1]) || strings.HasPrefix(after, "+") {
		return mention{}, false
	}
	num, n, ok := vi.ParseNumber(t[i:d.bodyEnd])
	if !ok || i+n != j {
		return mention{}, false // "0292.3812.475"
	}
	for _, w := range notQuantityBefore {
		if endsWithWords(lo, i, w) >= 0 {
			return mention{}, false
		}
	}
	// "phòng 305" is a room; "tiêm phòng 1.256.000 liều", "dự phòng 50 tỷ" are not.
	if k := endsWithWords(lo, i, "phòng"); k >= 0 {
		if ws := wordsBefore(lo, k, 1); len(ws) == 0 || !roomCompound[ws[0]] {
			return mention{}, false
		}
	}
	m := mention{start: i, qualStart: i}
	for _, w := range qualifiers {
		if k := endsWithWords(lo, i, w); k >= 0 {
			m.qual, m.qualStart = w, k
			break
		}
	}
	// "từ 9 - 9,5%", "từ 6,5 đến 7%": a target range.
	m.fromRange = endsWithWords(lo, m.qualStart, "từ") >= 0 || reFromTo.MatchString(lo[max(0, m.qualStart-40):m.qualStart])
	// A range of percentages: "7,5-8%", "9 - 9,5%".
	if loc := reRangeTail.FindStringIndex(after); loc != nil {
		m.q = vi.Quantity{Number: num, Value: num.Value, Unit: "%", UnitStart: -1}
		m.unit, m.end = "%", j+loc[1]
		if strings.HasPrefix(t[m.end:d.bodyEnd], "/năm") {
			m.unit, m.end = "%/năm", m.end+len("/năm")
		} else if strings.HasPrefix(t[m.end:d.bodyEnd], "/tháng") {
			m.unit, m.end = "%/tháng", m.end+len("/tháng")
		}
		m.rng = strings.Join(strings.Fields(t[i:m.end]), "")
		return m, true
	}
	// A range of values: "38.000 - 39.000 đồng/kg", "7.000 – 8.000 tỷ
	// đồng": the lower bound in the unit of the upper one.
	if loc := reValueRangeTail.FindStringIndex(after); loc != nil && !fourDigitYear(t[i:j]) {
		if q2, size2, ok := vi.ParseQuantity(after[loc[1]:]); ok && q2.Unit != "" && q2.Unit != "%" {
			m.q = vi.Quantity{Number: num, Value: num.Scaled(q2.ScaleExp), Unit: q2.Unit, ScaleExp: q2.ScaleExp, UnitStart: -1}
			m.unit, m.end = q2.Unit, j+loc[1]+size2
			end := m.end
			if strings.HasPrefix(t[end:d.bodyEnd], "/") {
				// "đồng/kg": the range as written keeps its per-unit suffix.
				end += 1 + len(t[end+1:d.bodyEnd]) - len(strings.TrimLeftFunc(t[end+1:d.bodyEnd], isLetter))
			}
			m.rng = strings.Join(strings.Fields(t[i:end]), "")
			return m, true
		}
	}
	if len(after) >= 2 && (after[0] == '-' || after[0] == '.') && isASCIIDigit(after[1]) {
		return mention{}, false
	}
	q, size, ok := vi.ParseQuantity(t[i:d.bodyEnd])
	if ok && q.Unit == "" {
		// "286 doanh nghi-\nệp": a word hyphenated across a line break.
		q, size, ok = parseDehyphenated(t[i:min(d.bodyEnd, i+80)])
	}
	if !ok || q.Unit == "" {
		return mention{}, false
	}
	m.q, m.unit, m.end = q, q.Unit, i+size
	if q.Unit == "%" && strings.HasPrefix(t[m.end:d.bodyEnd], "/năm") {
		// "6,5%/năm": an interest rate.
		m.unit, m.end = "%/năm", m.end+len("/năm")
	} else if q.Unit == "%" && strings.HasPrefix(t[m.end:d.bodyEnd], "/tháng") {
		m.unit, m.end = "%/tháng", m.end+len("/tháng")
	}
	// "nhanh hơn cùng kỳ 3.420 ha": a difference from last year, not a level.
	if !strings.HasPrefix(m.unit, "%") && (endsWithWords(lo, m.qualStart, "cùng kỳ") >= 0 || endsWithWords(lo, m.qualStart, "cùng vụ") >= 0 ||
		endsWithWords(lo, m.qualStart, "cùng kỳ năm trước") >= 0 || endsWithWords(lo, m.qualStart, "cùng vụ năm trước") >= 0) {
		return mention{}, false
	}
	// "đạt 5.000 tỷ đồng, tăng 500 tỷ đồng so với cùng kỳ": an absolute
	// change, not a level.
	if q.Unit != "%" && q.Unit != "lần" && q.Unit != "điểm %" {
		if v := precedingVerb(lo, m.qualStart); v == "tăng" || v == "giảm" || v == "cao hơn" || v == "thấp hơn" {
			// "thấp hơn 3.000 đồng/kg so với đầu năm": a per-unit suffix
			// may stand between.
			rest := strings.TrimLeft(lo[i+size:min(d.bodyEnd, i+size+30)], " ")
			if strings.HasPrefix(rest, "/") {
				rest = strings.TrimLeft(strings.TrimLeftFunc(rest[1:], isLetter), " ")
			}
			if strings.HasPrefix(rest, "so với") {
				return mention{}, false
			}
		}
	}
	if !measureUnits[q.Unit] {
		// "2 xã Minh Sơn", "10 Hợp tác xã ABC": a name, not a count.
		rest := strings.TrimLeft(t[m.end:d.bodyEnd], " \t")
		if rest != "" && isUpperStart(rest) && !isAcronym(rest) && !strings.HasPrefix(t[m.end:d.bodyEnd], "\n") {
			return mention{}, false
		}
		// "bình quân 01 xã", "mỗi 1 hộ": per one, not a count.
		if q.Value == 1 && (endsWithWords(lo, i, "bình quân") >= 0 || endsWithWords(lo, i, "mỗi") >= 0) {
			return mention{}, false
		}
	}
	if strings.HasPrefix(t[m.end:d.bodyEnd], "/") && q.Unit != "VND" && q.Unit != "%" && !strings.HasPrefix(t[m.end:d.bodyEnd], "/năm") {
		// "5 tiêu chí/…" is caught by the unit itself; anything else per-slash is a code.
		if !unicode.IsLetter(runeAt(t, m.end+1)) {
			return mention{}, false
		}
	}
	return m, true
}

// splitSentences cuts the body into sentences: at line breaks (unless a figure
// runs across one) and at a full stop followed by a capital letter.
func (d *doc) splitSentences() {
	t := d.text[:d.bodyEnd]
	inMention := func(i int) bool {
		for _, m := range d.mentions {
			if i >= m.start && i < m.end {
				return true
			}
			if m.start > i {
				break
			}
		}
		return false
	}
	para := 0
	start := 0
	emit := func(end int) {
		s, e := start, end
		for s < e && (t[s] == ' ' || t[s] == '\t' || t[s] == '\n' || t[s] == '\r') {
			s++
		}
		for e > s && (t[e-1] == ' ' || t[e-1] == '\t' || t[e-1] == '\n' || t[e-1] == '\r') {
			e--
		}
		if e > s {
			d.sents = append(d.sents, [2]int{s, e})
			d.para = append(d.para, para)
		}
	}
	for i := 0; i < len(t); i++ {
		switch t[i] {
		case '\n':
			if inMention(i) {
				continue
			}
			if next, ok := d.wrapped(i); ok {
				// A paragraph wrapped at a fixed width (text taken from a
				// PDF) goes on: the line break, and any page header in
				// between, are inside the sentence.
				i = next - 1
				continue
			}
			emit(i)
			start = i + 1
			// A blank line ends the paragraph.
			k := i + 1
			for k < len(t) && (t[k] == ' ' || t[k] == '\t' || t[k] == '\r') {
				k++
			}
			if k < len(t) && t[k] == '\n' {
				para++
			}
		case '.', '!', '?':
			k := i + 1
			if k < len(t) && t[k] != ' ' && t[k] != '\t' {
				continue
			}
			for k < len(t) && (t[k] == ' ' || t[k] == '\t') {
				k++
			}
			if k >= len(t) {
				continue
			}
			r, _ := utf8.DecodeRuneInString(t[k:])
			// "TP. Hồ Chí Minh", "ĐT. 239": an abbreviation, not a stop.
			w := i
			for w > 0 && isLetter(runeBefore(t, w)) {
				_, size := utf8.DecodeLastRuneInString(t[:w])
				w -= size
			}
			// A unit that ends a figure ("3,4 tỷ USD. Để …") is not one.
			if abbr := t[w:i]; t[i] == '.' && abbr != "" && utf8.RuneCountInString(abbr) <= 3 && strings.ToUpper(abbr) == abbr && !d.mentionEndsAt(i) {
				continue
			}
			if unicode.IsUpper(r) || r == '(' || r == '"' || r == '“' {
				emit(i + 1)
				start = k
			}
		}
	}
	emit(len(t))
}

// wrapped reports whether the line break at byte i only wraps a sentence:
// the line does not end a clause (no stop, colon or semicolon) and the next
// line, past blank lines only when page furniture sits between, goes on in
// lower case or with a figure. Table rows, bullets and enumerations ("b)")
// are lines of their own. It returns where the text goes on.
func (d *doc) wrapped(i int) (int, bool) {
	t := d.text[:d.bodyEnd]
	ls := strings.LastIndexByte(t[:i], '\n') + 1
	line := strings.TrimRight(t[ls:i], " \t\r")
	if line == "" || strings.ContainsAny(line, "|\t") || strings.ContainsAny(line[len(line)-1:], ".:;!?") {
		return 0, false
	}
	k := i + 1
	blank, furniture := false, false
	for k < len(t) {
		for k < len(t) && (t[k] == ' ' || t[k] == '\t' || t[k] == '\r') {
			k++
		}
		if k < len(t) && t[k] == '\n' {
			blank = true
			k++
			continue
		}
		if k < len(t) && d.inSkip(k) {
			furniture = true
			for k < len(t) && t[k] != '\n' {
				k++
			}
			continue
		}
		break
	}
	if k >= len(t) || blank && !furniture {
		return 0, false
	}
	le := strings.IndexByte(t[k:], '\n')
	if le < 0 {
		le = len(t) - k
	}
	if strings.ContainsAny(t[k:k+le], "|\t") {
		return 0, false
	}
	r, n := utf8.DecodeRuneInString(t[k:])
	// A line that fills the page's width goes on even before a capital
	// ("… Dự kiến cả năm\nGRDP tăng 8,1%"), unless what follows is a
	// heading or a bullet.
	full := d.wrapWidth > 0 && utf8.RuneCountInString(strings.TrimSpace(line))*5 >= d.wrapWidth*4 &&
		!reSectionHead.MatchString(t[k:k+le]) && !strings.ContainsRune("-–•+*", r)
	if !unicode.IsLower(r) && !isDigitRune(r) && !full {
		return 0, false
	}
	// "b) …", "2. …": an enumeration.
	if k+n < len(t) && (t[k+n] == ')' || isDigitRune(r) && t[k+n] == '.' && k+n+1 < len(t) && t[k+n+1] == ' ') {
		return 0, false
	}
	return k, true
}

// sentenceOf returns the sentence holding byte offset i.
func (d *doc) sentenceOf(i int) string {
	for _, s := range d.sents {
		if i >= s[0] && i < s[1] {
			return d.text[s[0]:s[1]]
		}
	}
	return ""
}

var reOfCount = regexp.MustCompile(`^/\d{1,5}[ \t]+`)

// readShareOfCount reads "120/181 xã đạt chuẩn": 120 communes (out of 181).
func (d *doc) readShareOfCount(i, j int, after string) (mention, bool) {
	loc := reOfCount.FindStringIndex(after)
	if loc == nil {
		return mention{}, false
	}
	num, n, ok := vi.ParseNumber(d.text[i:j])
	if !ok || n != j-i {
		return mention{}, false
	}
	u, size := vi.ParseUnit(after[loc[1]:])
	if u == "" || measureUnits[u] || u == "điểm" {
		return mention{}, false
	}
	end := j + loc[1] + size
	return mention{start: i, qualStart: i, end: end, unit: u,
		q: vi.Quantity{Number: num, Value: num.Value, Unit: u, UnitStart: j + loc[1]}}, true
}

// isAcronym reports whether s starts with a word of two or more capitals
// ("FDI", "ODA", "OCOP"): a qualifier of the counted noun, not a name.
func isAcronym(s string) bool {
	n := 0
	for _, r := range s {
		if !unicode.IsUpper(r) {
			return n >= 2 && !isLetter(r)
		}
		n++
	}
	return n >= 2
}

// parseDehyphenated reads a quantity whose unit is hyphenated across a line
// break ("286 doanh nghi-\nệp"), returning the bytes read in s.
func parseDehyphenated(s string) (vi.Quantity, int, bool) {
	k := strings.Index(s, "-\n")
	if k < 0 {
		return vi.Quantity{}, 0, false
	}
	cut := 2
	if k > 0 && !isLetter(runeBefore(s, k)) {
		return vi.Quantity{}, 0, false
	}
	clean := s[:k] + s[k+cut:]
	q, size, ok := vi.ParseQuantity(clean)
	if !ok || q.Unit == "" || size <= k {
		return vi.Quantity{}, 0, false
	}
	return q, size + cut, true
}

// mentionEndsAt reports a figure whose unit ends at byte i.
func (d *doc) mentionEndsAt(i int) bool {
	k := sort.Search(len(d.mentions), func(k int) bool { return d.mentions[k].end >= i })
	return k < len(d.mentions) && d.mentions[k].end == i
}

// wrapWidth reports the width at which the text's lines were wrapped, as a
// PDF's text is: most long lines end near one width, well under a
// paragraph's length. It is 0 for text whose lines are paragraphs.
func wrapWidth(t string) int {
	var lens []int
	for _, line := range strings.Split(t, "\n") {
		if n := utf8.RuneCountInString(strings.TrimSpace(line)); n > 20 {
			lens = append(lens, n)
		}
	}
	if len(lens) < 5 {
		return 0
	}
	sort.Ints(lens)
	w := lens[(len(lens)-1)*9/10]
	if w > 160 {
		return 0
	}
	near := 0
	for _, n := range lens {
		if n*10 >= w*8 && n*10 <= w*11 {
			near++
		}
	}
	if near*10 < len(lens)*4 {
		return 0
	}
	return w
}
