package extract

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"planwatch"
	"planwatch/vi"
)

// A period as a fact holds it: a domain period, a span of years, or none.
type periodVal struct {
	p     planwatch.Period
	multi string
	null  bool
	point bool // a date ("đến ngày 25/3/2024"), not a period
}

func (v periodVal) id() string {
	if v.null {
		return ""
	}
	return periodID(v.p, v.multi)
}

// sentenceState follows one sentence from figure to figure.
type sentenceState struct {
	start, end int
	last       int   // index of the fact comparisons attach to, or -1
	lastClause int   // clause start when last was set
	anchorEnd  int   // end of the last figure and its comparison phrase
	parent     int   // the total of a "Trong đó" breakdown, or -1
	paraLast   int   // the paragraph's last fact before this sentence, or -1
	chain      []int // growth-only facts split off the same figure ("…, tăng X% so với tháng 12 năm trước và tăng Y%")
	first      int   // index of the sentence's first fact
}

// build turns the mentions into facts, sentence by sentence.
// stopped reports whether the caller has given up (ExtractContext).
func (d *doc) stopped() bool {
	select {
	case <-d.done:
		return true
	default:
		return false
	}
}

func (d *doc) build() []Fact {
	var facts []Fact
	para := -1
	carry := periodVal{p: d.defaultP}
	var lastPoint *periodRef
	d.lastPoint = nil
	paraLast := -1 // last fact of the paragraph
	listParent := -1
	mi := 0
	for si, sp := range d.sents {
		if si%64 == 0 && d.stopped() {
			return nil
		}
		// The period in force runs on across paragraphs: a sentence with no
		// period of its own takes the nearest one before it in the body
		// (the headline and the date line only seed it).
		if d.para[si] != para {
			para = d.para[si]
			paraLast = -1
			// A single month or quarter set in one paragraph of a report on
			// a longer period ("Trong quý II, …" in a 6-month report) does
			// not run on into the next paragraph: that reports on the main
			// period again.
			if c := carry.p; !carry.null && carry.multi == "" && !carry.point && (c.Type == planwatch.Month || c.Type == planwatch.Quarter) && d.within(c) {
				carry = periodVal{p: d.mainP}
			}
		}
		// A numbered section heading ("2. Thương mại", "II. NHIỆM VỤ", "b)
		// Tín dụng") opens a new subject: the report's main period again.
		if ls, le := d.lineOf(sp[0]); ls == sp[0] && (reSectionHead.MatchString(strings.TrimRight(d.text[ls:le], " \t\r")) || d.plainHeading(ls, le)) && !d.hasMention(ls, le) && !d.mainP.IsZero() {
			carry = periodVal{p: d.mainP}
		}
		d.targetSection(sp[0])
		st := sentenceState{start: sp[0], end: sp[1], last: -1, anchorEnd: sp[0], parent: -1, paraLast: paraLast, first: len(facts)}
		sl := d.lo[sp[0]:sp[1]]
		bullet := strings.IndexAny(sl[:1], "-–•*+") == 0
		switch {
		case startsWithWord(strings.TrimLeft(sl, "(-–•*+ "), "trong đó") && paraLast >= 0:
			st.parent = paraLast
		case bullet && listParent >= 0:
			// "Trong đó:" then one line per component.
			st.parent = listParent
		}
		if !bullet {
			listParent = -1
		}
		if strings.HasSuffix(strings.TrimRight(sl, " "), "trong đó:") {
			listParent = paraLast
			if k := len(facts) - 1; k >= 0 {
				listParent = k
			}
		}
		var refs []periodRef
		for _, r := range d.periods {
			if r.start >= sp[0] && r.start < sp[1] {
				refs = append(refs, r)
			}
		}
		// Table rows are read apart.
		if tableSep(d.text[sp[0]:sp[1]]) != "" {
			for mi < len(d.mentions) && d.mentions[mi].start < sp[1] {
				mi++
			}
			continue
		}
		firstFact := len(facts)
		for ; mi < len(d.mentions) && d.mentions[mi].start < sp[1]; mi++ {
			m := d.mentions[mi]
			if m.start < sp[0] {
				continue
			}
			// The period in force at this figure.
			cur, fresh, explicit, event := carry, false, false, false
			if d.targetYear > 0 {
				// A list of targets: the year its heading names.
				cur, explicit = periodVal{p: planwatch.YearOf(d.targetYear)}, true
			}
			for _, r := range refs {
				if r.end > m.qualStart {
					break
				}
				if r.of {
					// "mức tăng 6,08% của năm 2023": the figure's own.
					continue
				}
				switch {
				case r.recall && lastPoint != nil:
					cur = periodVal{p: lastPoint.p, point: true}
				case r.event:
					cur, event = periodVal{p: r.p}, true
				case r.multi != "":
					cur = periodVal{multi: r.multi}
				case r.ytd && !cur.null && cur.multi == "" && !cur.p.IsZero():
					// "lũy kế", "tính chung": from 1 January through the
					// month or quarter in force.
					cur = periodVal{p: cur.p.YearToDate()}
				case !r.p.IsZero():
					cur = periodVal{p: r.p, point: r.point}
					if r.point {
						rr := r
						lastPoint = &rr
						d.lastPoint = &rr
					}
				default:
					continue
				}
				explicit = true
				if r.start >= st.anchorEnd {
					fresh = true
				}
			}
			if d.notAFact(sp[0], m) != "" {
				continue
			}
			n := len(facts)
			d.addMention(&facts, &st, m, cur, fresh, explicit, refs)
			if len(facts) > n {
				d.ownPeriod(&facts[len(facts)-1], m, refs)
				if event {
					facts[len(facts)-1].event = true
				}
			}
		}
		if len(facts) > firstFact {
			paraLast = len(facts) - 1
		}
		// A share of the year's plan on a single month or quarter that ran on
		// from an earlier sentence ("Tháng 9, …. Thu ngân sách đạt 5.100 tỷ
		// đồng, bằng 70% dự toán" in a 9-month report) is the running total
		// through it.
		for k := firstFact; k < len(facts); k++ {
			f := &facts[k]
			if f.carried && f.Kind == Actual && f.PlanPct != nil && f.Span != nil &&
				f.Span.First > 1 && (f.Span.Type == planwatch.Month || f.Span.Type == planwatch.Quarter) {
				p := f.Span.YearToDate()
				f.Span, f.Period = &p, p.ID()
			}
		}
		// A rate per year or month ("lãi suất … 0,55 - 0,7 %/tháng") with
		// no period of its own is read at the end of a running total in
		// force, not over it.
		for k := firstFact; k < len(facts); k++ {
			f := &facts[k]
			if f.carried && strings.HasPrefix(f.Unit, "%/") && f.Span != nil && f.Span.Months() > 1 && f.Span.First == 1 {
				p := planwatch.MonthOf(f.Span.Year, f.Span.Last)
				f.Span, f.Period = &p, p.ID()
			}
		}
		// What the next sentence inherits: the period of the last actual
		// figure, unless it was a point in time or a span of years. An aside
		// ("Riêng quý III, …", "Riêng tháng 5, …") leaves it as it was.
		aside := startsWithWord(strings.TrimLeft(sl, "(-–•*+ "), "riêng")
		// "…, tăng 8,9%; riêng quý III đạt …": an aside inside the sentence;
		// what comes before it carries.
		asideAt := sp[1]
		if k := reInnerAside.FindStringIndex(sl); k != nil {
			asideAt = sp[0] + k[0]
		}
		for k := len(facts) - 1; k >= firstFact && !aside; k-- {
			f := &facts[k]
			if f.event || f.anchor >= asideAt {
				continue
			}
			// A figure of another year ("PCI năm 2023" in a 2024 report)
			// is a one-off.
			if f.Kind == Actual && f.Span != nil && !isPointPeriod(refs, f) && (d.defaultP.IsZero() || f.Span.Year == d.defaultP.Year) {
				carry = periodVal{p: *f.Span}
				break
			}
		}
		if len(facts) == firstFact {
			// A sentence with no figure can still set the scene: "Trong quý I/2022, …".
			for _, r := range refs {
				// A later year than the report's ("PV: Năm 2025, ngành đặt ra
				// những mục tiêu gì?") sets the scene for targets only.
				if !r.p.IsZero() && !r.point && r.start-sp[0] < 40 && (d.defaultP.IsZero() || r.p.Year <= d.defaultP.Year) {
					carry = periodVal{p: r.p}
					break
				}
			}
		}
	}
	d.readTables(&facts)
	return facts
}

var reInnerAside = regexp.MustCompile(`[;,]\s*riêng\s`)

// within reports a single month or quarter strictly inside the report's
// main period.
func (d *doc) within(c planwatch.Period) bool {
	m := d.mainP
	return !m.IsZero() && m.Year == c.Year && m.Months() > c.Months() && c.First >= m.First && c.Last <= m.Last
}

// plainHeading reports an un-numbered section heading: a short line of words
// after a blank line, directly followed by text, with no figure, no period,
// and no sentence punctuation ("Thương mại, dịch vụ", "Tài chính, ngân hàng").
func (d *doc) plainHeading(ls, le int) bool {
	line := strings.TrimSpace(d.text[ls:le])
	if ls <= d.titleEnd || line == "" || len(strings.Fields(line)) > 8 || strings.ContainsAny(line, ".:;?!\"0123456789") || !isUpperStart(line) {
		return false
	}
	if ls >= 2 && d.text[ls-1] == '\n' && strings.TrimSpace(d.text[strings.LastIndexByte(d.text[:ls-1], '\n')+1:ls-1]) != "" {
		return false // not after a blank line
	}
	if le >= d.bodyEnd || strings.TrimSpace(d.text[le:min(d.bodyEnd, le+2)]) == "" {
		return false // not followed by text
	}
	for _, r := range d.periods {
		if r.start >= ls && r.start < le {
			return false
		}
	}
	return true
}

var reSectionHead = regexp.MustCompile(`^(?:\d{1,2}(?:\.\d{1,2})*\.|[IVX]{1,4}\.|[a-zđ]\))[ \t]+\S[^\n]{0,80}$`)

// lineOf returns the bounds of the line holding byte i.
func (d *doc) lineOf(i int) (int, int) {
	t := d.text[:d.bodyEnd]
	s := strings.LastIndexByte(t[:i], '\n') + 1
	e := strings.IndexByte(t[i:], '\n')
	if e < 0 {
		return s, len(t)
	}
	return s, i + e
}

// hasMention reports a figure in text[s:e].
func (d *doc) hasMention(s, e int) bool {
	for _, m := range d.mentions {
		if m.start >= s && m.start < e {
			return true
		}
	}
	return false
}

func isPointPeriod(refs []periodRef, f *Fact) bool {
	for _, r := range refs {
		if r.point && r.start < f.anchor && r.p == *f.Span {
			return true
		}
	}
	return false
}

// Words that put a figure in a target context: "phấn đấu", "mục tiêu",
// a forecast.
var targetWords = []string{"phấn đấu", "mục tiêu", "chỉ tiêu", "định hướng", "dự báo"}

// hasTargetWord reports a target word that is not the base of a comparison
// ("vượt 0,7 điểm phần trăm so với chỉ tiêu").
func hasTargetWord(lo string) bool {
	for _, w := range targetWords {
		off := 0
		for {
			k := indexWord(lo[off:], w)
			if k < 0 {
				break
			}
			k += off
			// "so với chỉ tiêu", "thấp hơn mục tiêu đề ra": a figure
			// measured against a target is not one.
			against := false
			for _, b := range []string{"so với", "so", "thấp hơn", "cao hơn", "vượt", "không đạt", "chưa đạt"} {
				if endsWithWords(lo, k, b) >= 0 {
					against = true
				}
			}
			if !against {
				return true
			}
			off = k + len(w)
		}
	}
	return false
}

// previousIndicator returns the subject an elided one stands for: the last
// fact's when it is empty, or an earlier fact of the paragraph whose subject
// it abbreviates ("tổng mức" for "Tổng mức bán lẻ hàng hóa …").
func (d *doc) previousIndicator(facts []Fact, st *sentenceState, cur string) string {
	last := st.last
	if last < 0 {
		last = st.paraLast
	}
	if last < 0 || last >= len(facts) {
		return ""
	}
	if cur == "" {
		return facts[last].Indicator
	}
	lc := strings.ToLower(cur)
	for k := last; k >= 0 && k > last-12; k-- {
		prev := facts[k].Indicator
		if len(prev) > len(cur) && strings.HasPrefix(strings.ToLower(prev), lc) && !isLetter(runeAt(prev, len(cur))) {
			return prev
		}
	}
	return ""
}

func hasLetter(s string) bool {
	for _, r := range s {
		if isLetter(r) {
			return true
		}
	}
	return false
}

func joinQual(q, field, w string) string {
	name := map[string]string{"yoy": "yoy_pct", "plan": "plan_pct", "ref": "vs_ref"}[field]
	if q == "" {
		return name + ": " + w
	}
	return q + "; " + name + ": " + w
}

func slotFree(f *Fact, field string) bool {
	switch field {
	case "plan":
		return f.PlanPct == nil
	case "yoy":
		return f.YoYPct == nil
	case "ref":
		return f.VsRef == nil
	}
	return false
}

// hasEstimate reports an estimate word: ước, ước tính, ước đạt, dự ước, dự kiến.
func hasEstimate(seg string) bool {
	return hasWord(seg, "ước") || hasWord(seg, "dự kiến") || hasWord(seg, "dự tính")
}

// planSubject reports a target stated as a figure: "kế hoạch vốn năm 2023
// được giao là …", "tổng số vốn đã phân bổ … là …".
func planSubject(seg string) bool {
	s := strings.TrimRight(seg, " \t\n")
	verbs := false
	for _, v := range []string{"là", "được giao", "giao", "đề ra"} {
		if endsWithWords(s, len(s), v) >= 0 {
			verbs = true
		}
	}
	return verbs && (hasWord(s, "kế hoạch") || hasWord(s, "dự toán"))
}

// planHead reports a subject that names a target: "kế hoạch gieo trồng
// 221.500 ha", "dự toán chi … 5.000 tỷ đồng".
func planHead(ind string) bool {
	l := strings.ToLower(ind)
	return startsWithWord(l, "kế hoạch") || startsWithWord(l, "dự toán")
}

// staticSubject reports a figure with no period of its own: natural area,
// population.
func staticSubject(seg string) bool {
	return hasWord(seg, "diện tích tự nhiên") || startsWithWord(strings.TrimLeft(seg, " ,"), "dân số")
}

// comparedPeriod reports a segment that names another period to compare
// with and opens a parenthesis for its figure: ", cao hơn quý I (".
func comparedPeriod(seg string) bool {
	t := strings.TrimLeft(seg, " ,;")
	if !strings.HasSuffix(strings.TrimRight(t, " "), "(") {
		return false
	}
	for _, w := range []string{"cao hơn", "thấp hơn", "nhanh hơn", "chậm hơn"} {
		if startsWithWord(t, w) {
			return true
		}
	}
	return false
}

// growthSubject reports a growth rate stated as a level: "tốc độ tăng trưởng
// … ước đạt 8,6%".
func growthSubject(seg string) bool {
	return hasWord(seg, "tăng trưởng") || hasWord(seg, "tốc độ tăng")
}

// Words skipped when looking for the verb before a percentage.
var verbSkip = map[string]bool{"khoảng": true, "trên": true, "hơn": true, "gần": true, "chỉ": true,
	"mới": true, "ước": true, "tính": true, "thêm": true, "xấp": true, "xỉ": true, "được": true, "có": true,
	"tỷ": true, "tỉ": true, "trọng": true, "lệ": true}

// precedingVerb returns the verb governing a percentage: tăng, giảm, bằng,
// đạt, vượt, gấp, chiếm, còn, mức, thấp hơn, cao hơn, or "".
func precedingVerb(lo string, i int) string {
	ws := wordsBefore(lo, i, 5)
	for k := len(ws) - 1; k >= 0; k-- {
		w := ws[k]
		if k > 0 && (w == "hơn") && (ws[k-1] == "thấp" || ws[k-1] == "cao") {
			return ws[k-1] + " hơn"
		}
		if verbSkip[w] {
			continue
		}
		switch w {
		case "tăng", "tãng", "giảm", "bằng", "đạt", "vượt", "gấp", "chiếm", "còn", "mức", "là", "lên", "tương", "đương":
			if w == "tương" || w == "đương" {
				return "tương đương"
			}
			return w
		case "trưởng":
			if k > 0 && ws[k-1] == "tăng" {
				return "tăng trưởng"
			}
		}
		return ""
	}
	return ""
}

// phraseEnd is the end of a noun phrase: the next comma, semicolon, stop or
// parenthesis.
func phraseEnd(s string) int {
	if k := strings.IndexAny(s, ",;.()\n"); k >= 0 {
		return k
	}
	return len(s)
}

// Lead-in pieces dropped, with the rest of their comma-separated piece,
// from the front of an indicator: "Theo báo cáo, …", "Về nông nghiệp, …".
var leadIns = []string{"theo", "về", "đối với", "tính chung", "lũy kế", "luỹ kế", "cộng dồn",
	"trong", "đến", "tính đến", "tại", "thông qua", "hiện nay", "năm", "quý", "tháng", "chiều", "sáng"}

// Connectives dropped on their own: "Trong đó, …", "riêng …".
var connectives = []string{"trong đó", "riêng", "ngoài ra", "bên cạnh đó", "đồng thời", "tuy nhiên", "tuy vậy",
	"ngược lại", "toàn tỉnh có", "toàn tỉnh", "tỉnh đã", "theo báo cáo", "tính chung", "lũy kế", "luỹ kế",
	"cộng dồn", "phấn đấu đến hết", "phấn đấu đến", "phấn đấu hết", "phấn đấu"}

// Head words that open an indicator's name.
var headWords = []string{"tổng", "giá trị", "kim ngạch", "doanh thu", "số", "tỷ lệ", "tỉ lệ", "chỉ số", "lượng",
	"sản lượng", "diện tích", "thu", "chi", "vốn", "dư nợ", "tốc độ", "khối lượng", "lượt", "nguồn vốn", "công suất"}

// Verbs and qualifiers trimmed from the end of an indicator.
var trailing = []string{"lũy kế", "luỹ kế", "phấn đấu đạt", "phấn đấu", "dự ước đạt", "dự kiến đạt", "ước tính đạt", "đến hết", "tính đến", "đến ngày", "đến", "ước thực hiện", "ước đạt", "ước tính", "dự ước đạt", "dự ước", "dự kiến đạt",
	"dự kiến", "ước tính tăng", "ước tăng", "ước giảm", "tăng", "giảm", "ước", "chỉ đạt", "đạt", "được giao là", "là", "có", "đón", "khoảng", "trên", "hơn", "gần",
	"ở mức", "giảm còn", "còn", "tăng thêm", "thêm", "với số tiền", "cho", "lên", "nâng tổng số lên", "đã", "toàn tỉnh có"}

var reSpaces = regexp.MustCompile(`\s+`)

// indicatorText is the subject of a figure: the words before it, less lead-ins,
// periods, verbs and parentheses; for a count, the counted noun and what
// follows it ("318 doanh nghiệp thành lập mới").
func (d *doc) indicatorText(segStart int, m mention) string {
	var b strings.Builder
	depth := 0
	for i := segStart; i < m.qualStart; {
		if end, ok := d.periodEnd[i]; ok && end <= m.qualStart {
			b.WriteByte(' ')
			i = end
			continue
		}
		r, n := utf8.DecodeRuneInString(d.text[i:])
		switch {
		case r == '(':
			depth++
		case r == ')':
			if depth > 0 {
				depth--
			}
		case depth == 0:
			b.WriteRune(r)
		}
		i += n
	}
	s := reSpaces.ReplaceAllString(b.String(), " ")
	// A target's subject follows "phấn đấu".
	if k := lastIndexWord(strings.ToLower(s), "phấn đấu"); k >= 0 && len(strings.Fields(s[k+len("phấn đấu"):])) > 1 {
		s = strings.TrimSpace(s[k+len("phấn đấu"):])
		for _, w := range []string{"đến hết", "hết", "đến"} {
			if startsWithWord(strings.ToLower(s), w) {
				s = s[len(w):]
				break
			}
		}
	}
	// Drop lead-in pieces: "Theo báo cáo, …", "Trong đó, …".
	for {
		s = strings.TrimLeft(s, " ,;:-–()•*")
		for _, w := range connectives {
			if startsWithWord(strings.ToLower(s), w) {
				s = strings.TrimLeft(s[len(w):], " ,;:")
			}
		}
		k := strings.Index(s, ",")
		if k < 0 {
			break
		}
		head := strings.ToLower(s[:k])
		lead := strings.TrimSpace(head) == ""
		for _, w := range leadIns {
			if startsWithWord(head, w) {
				lead = true
			}
		}
		if !lead {
			break
		}
		s = s[k+1:]
	}
	// "Hệ thống ngân hàng … ổn định, tổng nguồn vốn huy động …": the subject
	// starts at the last piece that opens with an indicator's head word.
	pieces := strings.Split(s, ",")
	for k := len(pieces) - 1; k > 0; k-- {
		lp := strings.ToLower(strings.TrimSpace(pieces[k]))
		for _, h := range headWords {
			if startsWithWord(lp, h) {
				s = strings.Join(pieces[k:], ",")
				k = 0
				break
			}
		}
	}
	s = strings.TrimSpace(strings.TrimRight(s, " :;,"))
	for changed := true; changed; {
		changed = false
		ls := strings.ToLower(s)
		for _, w := range connectives {
			if startsWithWord(ls, w) {
				s = strings.TrimLeft(s[len(w):], " ,:")
				changed = true
				break
			}
		}
		ls = strings.ToLower(s)
		for _, w := range trailing {
			if k := endsWithWords(ls, len(ls), w); k >= 0 {
				s = strings.TrimRight(s[:k], " ,")
				changed = true
				break
			}
		}
	}
	tail := d.text[m.end:min(d.bodyEnd, m.end+120)]
	tail = tail[:phraseEnd(tail)]
	if k := strings.Index(tail, " so với"); k >= 0 {
		tail = tail[:k]
	}
	tail = strings.TrimSpace(tail)
	switch {
	case !measureUnits[m.unit]:
		// "318 doanh nghiệp thành lập mới": the counted noun is the subject.
		s = strings.TrimSpace(s + " " + m.unit + " " + tail)
	case m.unit != "%" && len(strings.Fields(tail)) <= 3 && tail != "" && !isUpperStart(tail) && len(strings.Fields(s)) < 4:
		// "trồng mới 8.000 ha rừng".
		s = strings.TrimSpace(s + " " + tail)
	}
	if s == "" {
		return ""
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

func trimLeftPunct(t string, i, limit int) int {
	for i < limit {
		r, n := utf8.DecodeRuneInString(t[i:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			break
		}
		i += n
	}
	return i
}

// ownPeriod gives a figure the period written right after it with "của"
// ("cao hơn mức tăng 6,08% của năm 2023").
func (d *doc) ownPeriod(f *Fact, m mention, refs []periodRef) {
	for _, r := range refs {
		if !r.of || r.p.IsZero() || r.start < m.end {
			continue
		}
		gap := strings.TrimSpace(d.lo[m.end:r.start])
		if gap == "của" {
			p := r.p
			f.Span, f.Period = &p, p.ID()
		}
		return
	}
}

// Subjects that are stocks, read at a date: a balance, a herd, a count in
// force.
var stockWords = []string{"dư nợ", "nợ xấu", "huy động", "tiền gửi", "số dư", "tổng đàn", "đàn", "nợ thuế",
	"còn hiệu lực", "đang hoạt động", "tồn kho", "lãi suất"}

// Subjects that are flows summed from 1 January: at a date they run from the
// start of the year.
var flowWords = []string{"giải ngân", "thu ngân sách", "tổng thu", "chi ngân sách", "tổng chi", "kim ngạch",
	"doanh thu", "xuất khẩu", "nhập khẩu", "vốn đầu tư thực hiện", "tổng mức bán lẻ"}

func hasAnyWord(lo string, ws []string) bool {
	for _, w := range ws {
		if hasWord(lo, w) {
			return true
		}
	}
	return false
}

// pointPeriod settles the period of a figure whose sentence gives a date or
// none. A flow up to a date in the report's last month is the report's
// running total ("Giải ngân … đến ngày 25/3/2024" in a Q1 report: Q1). A
// stock with no date of its own, in a report whose running period ends where
// a date stated earlier falls ("đến 30/9/2024, tổng nguồn vốn huy động …";
// later "Tổng dư nợ cho vay …" in a 9-month report), is read at that date.
func (d *doc) pointPeriod(f *Fact, cur periodVal, explicit bool) {
	rp := d.defaultP
	if rp.IsZero() || f.Kind != Actual {
		return
	}
	subj := strings.ToLower(f.Indicator)
	// The period in force, which may have run on from an earlier paragraph.
	in := rp
	if !cur.point && !cur.p.IsZero() {
		in = cur.p
	}
	switch {
	case cur.point && !cur.p.IsZero() && cur.p.Year == rp.Year && cur.p.First == cur.p.Last && cur.p.Last == rp.Last &&
		hasAnyWord(subj, flowWords) && !hasAnyWord(subj, stockWords):
		p := milestoneSpan(cur.p)
		f.Span, f.Period = &p, p.ID()
	case !explicit && d.lastPoint != nil && d.lastPoint.p.Year == in.Year && d.lastPoint.p.Last == in.Last &&
		hasAnyWord(subj, stockWords) && !hasAnyWord(subj, flowWords):
		p := d.lastPoint.p
		f.Span, f.Period = &p, p.ID()
	}
}

// rateSubject reports a segment whose own subject is a rate: ", tỷ lệ bao
// phủ bảo hiểm y tế đạt".
func rateSubject(seg string) bool {
	s := strings.TrimLeft(seg, " ,;:")
	for _, w := range []string{"tỷ lệ", "tỉ lệ", "tỷ trọng", "tỉ trọng"} {
		if startsWithWord(s, w) {
			return len(strings.Fields(s[len(w):])) >= 3
		}
	}
	return false
}

// rateWordBefore reports "tỷ lệ" right before a percentage: "đạt tỷ lệ 98,6%".
func rateWordBefore(lo string, i int) bool {
	return endsWithWords(lo, i, "tỷ lệ") >= 0 || endsWithWords(lo, i, "tỉ lệ") >= 0
}

var reNamedAfter = regexp.MustCompile(`^\s*về\s+(?:số\s+|tổng\s+|lượng\s+)?([\p{L} ]+?)\s*(?:$|,|;|\.|\s+và\s|\s+so\s)`)

var reNamedBefore = regexp.MustCompile(`(?:^|[,;:]\s*)số\s+([\p{L} ]+?)\s+(?:tăng|giảm|bằng|gấp)(?:\s+(?:khoảng|hơn|gần|trên))?\s*$`)

// namedSubject returns the noun a growth names: "số vụ giảm" → "vụ",
// "tăng … về số doanh nghiệp" → "doanh nghiệp", or "".
func namedSubject(seg, after string) string {
	if m := reNamedAfter.FindStringSubmatch(after); m != nil {
		return strings.TrimSpace(m[1])
	}
	if m := reNamedBefore.FindStringSubmatch(strings.TrimSpace(seg) + " "); m != nil {
		return strings.TrimSpace(m[1])
	}
	return ""
}

// Nouns that name an amount of money.
var moneyNouns = []string{"vốn", "tiền", "kinh phí", "giá trị", "doanh thu"}

// namedFact returns the fact of the sentence that name designates: a count
// whose noun it starts with ("người chết" → "201 người" in "làm chết 201
// người", rather than the injured), or an amount of money for "vốn". -1
// when none.
func (d *doc) namedFact(facts []Fact, st *sentenceState, name string) int {
	if name == "" {
		return -1
	}
	best, bestScore := -1, 0
	for k := st.first; k < len(facts); k++ {
		f := &facts[k]
		if f.Value == nil || f.Kind != Actual {
			continue
		}
		score := 0
		switch {
		case vi.IsCurrency(f.Unit):
			for _, w := range moneyNouns {
				if startsWithWord(name, w) {
					score = 2
				}
			}
		case !measureUnits[f.Unit] && (name == f.Unit || startsWithWord(name, f.Unit)):
			score = 2
			for _, w := range strings.Fields(name[len(f.Unit):]) {
				if hasWord(strings.ToLower(f.Sentence), w) {
					score++
				}
			}
		}
		if score > bestScore {
			best, bestScore = k, score
		}
	}
	return best
}

// reArticleHead is an article of a resolution or decision: "Điều 2. …".
var reArticleHead = regexp.MustCompile(`^Điều[ \t]+\d{1,3}[.:][ \t]`)

// targetSection follows the lists of targets of a plan resolution or a
// report's next-year section: a heading that names targets ("Điều 2. Mục
// tiêu, chỉ tiêu chủ yếu năm 2023", "2. Các chỉ tiêu chủ yếu") opens one, in
// the year it names or the one in force; a lettered sub-heading ("a) Về
// kinh tế") stays in it; another heading closes it. The sentence starting
// at byte i is looked at.
func (d *doc) targetSection(i int) {
	ls, le := d.lineOf(i)
	if ls != i {
		return
	}
	line := strings.TrimRight(d.text[ls:le], " \t\r")
	article := reArticleHead.MatchString(line)
	if !article && !reSectionHead.MatchString(line) || d.hasMention(ls, le) {
		return
	}
	lo := d.lo[ls : ls+len(line)]
	// "1. Kết quả thực hiện các chỉ tiêu chủ yếu", "Đánh giá tình hình
	// thực hiện mục tiêu": a review of targets, whose figures are results.
	review := hasWord(lo, "kết quả") || hasWord(lo, "thực hiện") || hasWord(lo, "tình hình") || hasWord(lo, "đánh giá")
	switch {
	case (hasWord(lo, "chỉ tiêu") || hasWord(lo, "mục tiêu")) && !review:
		y := 0
		for _, r := range d.periods {
			if r.start >= ls && r.start < le && !r.p.IsZero() && r.explicitY {
				y = r.p.Year
				break
			}
		}
		if y > 0 {
			d.targetYear = y
		} else if d.targetYear == 0 && d.pc.year > 0 {
			d.targetYear = d.pc.year
		}
	case !article && len(line) > 1 && line[1] == ')':
		// a lettered sub-heading keeps the section
	default:
		d.targetYear = 0
	}
}

// reRangeEnd is the start of a range before a figure ("0,8 - 1 điểm"): the
// figure is its end, not a figure of its own.
var reRangeEnd = regexp.MustCompile(`\d\s*[-–]\s*$`)
