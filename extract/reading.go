package extract

import (
	"strings"

	"planwatch"
)

// reading is one figure being turned into a fact, or into a comparison of
// the fact before it: the sentence it sits in, the clause and segment that
// name its subject, and the period in force.
type reading struct {
	d        *doc
	facts    *[]Fact
	st       *sentenceState
	m        mention
	cur      periodVal
	fresh    bool // a period was written since the last figure
	explicit bool // the period was written in the sentence
	refs     []periodRef

	clause   int    // where the figure's clause starts (after ";" or ":")
	segStart int    // where the words that name the figure start
	seg      string // those words, lower case
	before   string // the sentence up to the figure, lower case
	target   bool   // a target's context: "phấn đấu", "mục tiêu", a list of targets
	estimate bool

	// For a percentage, points or a ratio.
	x    float64
	dec  int
	verb string // the verb before it: tăng, giảm, đạt, bằng, …
	fol  following
}

// addMention adds the fact a figure makes, or attaches it to the fact
// before. The grammar of a figure, in the order it is tried:
//
//  1. an interest rate ("lãi suất … 6,5 - 9%/năm") — interestRate;
//  2. a value with a unit ("5.953 tỷ đồng"): an actual figure, a plan
//     figure in a target's context — value;
//  3. a percentage, points or a ratio — percentage: a target of a list of
//     targets, a milestone, growth net of prices, then by its verb and what
//     follows it a share of the plan, a growth, a change against a
//     reference (comparisonRules), a share, a change in points or a level.
func (d *doc) addMention(facts *[]Fact, st *sentenceState, m mention, cur periodVal, fresh, explicit bool, refs []periodRef) {
	r := d.newReading(facts, st, m, cur, fresh, explicit, refs)
	if m.unit == "%/năm" && r.interestRate() {
		return
	}
	switch r.m.unit {
	case "%", "điểm %", "lần":
		r.percentage()
	default:
		r.value()
	}
}

func (d *doc) newReading(facts *[]Fact, st *sentenceState, m mention, cur periodVal, fresh, explicit bool, refs []periodRef) *reading {
	lo := d.lo
	r := &reading{d: d, facts: facts, st: st, m: m, cur: cur, fresh: fresh, explicit: explicit, refs: refs}
	r.clause = st.start
	if k := strings.LastIndexAny(d.text[st.start:m.qualStart], ";:"); k >= 0 {
		r.clause = st.start + k + 1
	}
	r.segStart = min(max(r.clause, st.anchorEnd), m.qualStart)
	// "- Thu nội địa: 1.000 tỷ đồng": the subject is before the colon.
	if c := r.clause; c > st.start && c > st.anchorEnd && !hasLetter(lo[c:m.qualStart]) && d.text[c-1] == ':' {
		prev := st.start
		if k := strings.LastIndexAny(d.text[st.start:c-1], ";:"); k >= 0 {
			prev = st.start + k + 1
		}
		r.segStart = max(prev, min(st.anchorEnd, c-1))
	}
	r.seg = lo[r.segStart:m.qualStart]
	r.before = lo[st.start:m.qualStart]
	r.target = hasTargetWord(r.before) || d.targetYear > 0
	// "(trong đó cà phê nhân đạt …)": a breakdown of the fact before.
	if st.last >= 0 && hasWord(r.seg, "trong đó") {
		st.parent = st.last
	}
	r.estimate = hasEstimate(r.seg)
	if st.parent >= 0 && (*facts)[st.parent].Estimate {
		r.estimate = true
	}
	return r
}

// newFact appends a fact of the figure, in the period in force, named by
// its segment (or by the fact before when the subject is elided).
func (r *reading) newFact(kind string) *Fact {
	d, m, cur := r.d, r.m, r.cur
	f := Fact{Kind: kind, Place: d.place, Estimate: r.estimate, anchor: m.start, Start: trimLeftPunct(d.text, r.segStart, m.start), carried: !r.explicit}
	if cur.null || cur.multi != "" || cur.p.IsZero() {
		f.Period = cur.id()
	} else {
		p := cur.p
		f.Span, f.Period = &p, p.ID()
	}
	f.Indicator = d.indicatorText(r.segStart, m)
	// "…; cộng dồn 4 tháng ước đạt 6,92 tỷ USD", "Tính chung …, tổng mức
	// ước tính đạt …": an elided subject is the one before.
	if prev := d.previousIndicator(*r.facts, r.st, f.Indicator); prev != "" {
		f.Indicator = prev
	}
	if !cur.null && cur.multi == "" {
		d.pointPeriod(&f, cur, r.explicit)
	}
	*r.facts = append(*r.facts, f)
	return &(*r.facts)[len(*r.facts)-1]
}

// setEnd ends the fact's sentence at byte end.
func (r *reading) setEnd(f *Fact, end int) {
	if end > f.Start {
		f.Sentence = strings.TrimRight(r.d.text[f.Start:end], " ,;")
	}
}

// last makes the newest fact the one comparisons attach to.
func (r *reading) last() {
	r.st.last, r.st.lastClause = len(*r.facts)-1, r.clause
}

// canAttach is the fact a comparison of this clause attaches to, or nil.
func (r *reading) canAttach() *Fact {
	st := r.st
	if st.last < 0 || st.lastClause != r.clause || r.fresh {
		return nil
	}
	return &(*r.facts)[st.last]
}

// interestRate reads "lãi suất … 6,5 - 9%/năm" (a level; its change "giảm
// 0,6%/năm" is in points and is not a growth). Elsewhere "tăng 6,9%/năm" is
// an average yearly growth, read as a percentage: it reports false then.
func (r *reading) interestRate() bool {
	d, m, st := r.d, r.m, r.st
	if !hasWord(r.before, "lãi suất") {
		r.m.unit = "%"
		return false
	}
	switch precedingVerb(d.lo, m.qualStart) {
	case "tăng", "giảm", "cao hơn", "thấp hơn":
		st.anchorEnd = max(m.end, readFollowing(d.lo, m.end, d.bodyEnd).end)
		return true
	}
	f := r.newFact(Actual)
	f.Value, f.Unit, f.Qualifier, f.Range = ptr(m.q.Number.Value), "%/năm", m.qual, m.rng
	r.setEnd(f, m.end)
	r.last()
	st.anchorEnd = m.end
	st.chain = []int{st.last}
	return true
}

// value reads a figure with a unit: an actual figure; a plan figure in a
// target's context ("kế hoạch vốn … được giao là", "phấn đấu …", a list of
// targets) for the year in force; no period for what has none (natural
// area, population).
func (r *reading) value() {
	d, m, st := r.d, r.m, r.st
	f := r.newFact(Actual)
	f.Value, f.Unit, f.Qualifier, f.Range = ptr(m.q.Value), m.unit, m.qual, m.rng
	if r.target || planSubject(r.seg) || planHead(f.Indicator) {
		f.Kind = Plan
		y := d.pc.year
		if !r.cur.p.IsZero() {
			y = r.cur.p.Year
		}
		if y > 0 {
			p := planwatch.YearOf(y)
			f.Span, f.Period = &p, p.ID()
		}
	}
	if !r.explicit && staticSubject(r.seg) {
		f.Span, f.Period = nil, ""
	}
	r.setEnd(f, m.end)
	r.last()
	st.anchorEnd = m.end
	st.chain = []int{st.last}
}

// percentage reads a percentage, points or a ratio.
func (r *reading) percentage() {
	d, m, st := r.d, r.m, r.st
	r.x, r.dec = m.q.Number.Value, m.q.Number.Decimals
	r.verb = precedingVerb(d.lo, m.qualStart)
	r.fol = readFollowing(d.lo, m.end, d.bodyEnd)
	st.anchorEnd = max(m.end, r.fol.end)
	switch {
	case r.listTarget():
	case m.fromRange:
		// "từ 9 - 9,5%" outside a list of targets: a target range, not a
		// figure.
	case r.target:
		r.milestone()
	case st.last >= 0 && strings.Contains(d.lo[r.clause:m.qualStart], "loại trừ yếu tố giá"):
		// Growth net of prices belongs to the fact before.
		(*r.facts)[st.last].YoYRealPct = ptr(r.x)
	default:
		r.compare()
	}
}

// listTarget reads a target of a list of targets: a growth target
// ("Tốc độ tăng trưởng kinh tế (GRDP) 8-8,5%") or a level ("Tỷ lệ che phủ
// rừng đạt 63%", "Tỷ lệ hộ nghèo … dưới 2,5%").
func (r *reading) listTarget() bool {
	d, m := r.d, r.m
	if d.targetYear == 0 || m.unit != "%" || r.fol.kind != folNone || reRangeEnd.MatchString(d.lo[max(0, m.qualStart-12):m.qualStart]) ||
		r.verb != "" && r.verb != "đạt" && r.verb != "là" && !riseVerbs[r.verb] {
		return false
	}
	f := r.newFact(Plan)
	f.Estimate, f.Unit, f.Qualifier, f.Range = false, "%", m.qual, m.rng
	// "GRDP tăng 8 - 8,5%", "tốc độ tăng trưởng … từ 8 - 8,5%": a growth target.
	if growthSubject(r.seg) || riseVerbs[r.verb] {
		f.Kind, f.YoYPct = PlanGrowth, ptr(r.x)
	} else {
		f.Value = ptr(r.x)
	}
	r.setEnd(f, r.st.anchorEnd)
	r.last()
	return true
}

// milestone reads "phấn đấu đến hết quý II … đạt trên 60% kế hoạch": a
// share of the plan to reach from 1 January to the date it names. Other
// percentages in a target's context are targets, not facts.
func (r *reading) milestone() {
	d, m, st := r.d, r.m, r.st
	if r.fol.kind != folPlan || r.verb != "đạt" && r.verb != "" {
		return
	}
	f := r.newFact(Milestone)
	f.Estimate, f.Unit, f.PlanPct, f.Bound = false, "%", ptr(r.x), "min"
	if m.qual == "dưới" || m.qual == "không quá" {
		f.Bound = "max"
	}
	var at *planwatch.Period
	if k := indexWord(r.before, "phấn đấu"); k >= 0 {
		for _, ref := range r.refs {
			if ref.start >= st.start+k && ref.end <= m.qualStart && !ref.p.IsZero() {
				p := ref.p
				at = &p
			}
		}
	}
	if at == nil {
		if hasWord(r.before, "hết năm") || hasWord(r.before, "cả năm") {
			p := planwatch.YearOf(d.pc.year)
			at = &p
		} else if !r.cur.p.IsZero() {
			p := planwatch.YearOf(r.cur.p.Year)
			at = &p
		}
	}
	if at != nil {
		p := milestoneSpan(*at)
		f.Span, f.Period = &p, p.ID()
	}
	r.setEnd(f, st.anchorEnd)
	st.last, st.lastClause = -1, r.clause
}

// level reads a percentage that is a level of its own ("tỷ lệ nợ xấu
// 0,92%", "công suất phòng 68,45 %"), or a growth stated as a level
// ("tốc độ tăng trưởng … ước đạt 8,6%").
func (r *reading) level() {
	d, m, st, seg := r.d, r.m, r.st, r.seg
	// "cao hơn mức bình quân cả nước (28,2%)": another unit's figure.
	if hasWord(seg, "cả nước") || hasWord(seg, "toàn quốc") || hasWord(seg, "bình quân chung") {
		return
	}
	// "GRDP quý II ước đạt 6,85%, cao hơn quý I (5,12%)": the growth of
	// the period the one before is compared with.
	if r.fresh && st.last >= 0 && (*r.facts)[st.last].Value == nil && (*r.facts)[st.last].YoYPct != nil && comparedPeriod(seg) {
		ind := (*r.facts)[st.last].Indicator
		f := r.newFact(Actual)
		f.Indicator, f.Unit, f.YoYPct, f.Qualifier = ind, "%", ptr(r.x), m.qual
		r.setEnd(f, st.anchorEnd)
		r.last()
		return
	}
	f := r.newFact(Actual)
	f.Unit, f.Qualifier, f.Range = "%", m.qual, m.rng
	if growthSubject(seg) {
		attachCompare(f, "yoy", r.x, r.fol, d)
	} else {
		f.Value = ptr(r.x)
	}
	r.setEnd(f, st.anchorEnd)
	r.last()
}

// Verbs before a percentage that say what it is: a rise, a fall, or the
// figure as a percentage of what it is compared with (index form).
var (
	riseVerbs  = map[string]bool{"tăng": true, "tãng": true, "cao hơn": true, "vượt": true, "tăng trưởng": true}
	fallVerbs  = map[string]bool{"giảm": true, "thấp hơn": true}
	ratioVerbs = map[string]bool{"bằng": true, "đạt": true, "tương đương": true}
	levelVerbs = map[string]bool{"còn": true, "mức": true, "là": true, "lên": true}
)

// compare reads a percentage by its verb and what follows it: a change in
// points, a ratio ("gấp 2,5 lần"), a share of the plan, a share, a level,
// or a growth or change against a reference; then attaches it.
func (r *reading) compare() {
	d, m, st := r.d, r.m, r.st
	x, dec, verb, fol := r.x, r.dec, r.verb, r.fol
	var field string
	var v float64
	switch {
	case m.unit == "điểm %":
		v = x
		if fallVerbs[verb] {
			v = -x
		}
		if f := r.canAttach(); f != nil && f.PPChange == nil {
			f.PPChange = ptr(v)
			r.setEnd(f, st.anchorEnd)
		}
		return
	case m.unit == "lần":
		if verb != "gấp" {
			return
		}
		field, v = "yoy", round((x-1)*100, dec-2)
		if fol.kind == folRef {
			field = "ref"
		}
	case fol.kind == folPlan:
		field, v = "plan", x
		switch {
		case riseVerbs[verb]:
			v = round(100+x, dec)
		case fallVerbs[verb]:
			v = round(100-x, dec)
		}
	case (verb == "đạt" || verb == "bằng") && fol.kind == folNone && r.canAttach() != nil && r.canAttach().Value != nil && r.canAttach().Unit != "%" && !rateSubject(r.seg):
		// "thu nội địa 1.000 tỷ đồng, đạt 50%": the share of the plan, left
		// implicit; "bằng 35% GRDP", "đạt tỷ lệ 98,6%": a share of
		// something else.
		f := r.canAttach()
		if rest := strings.TrimLeft(d.lo[m.end:min(d.bodyEnd, m.end+8)], " "); (rest == "" || strings.ContainsAny(rest[:1], ",;.)\n")) && !rateWordBefore(d.lo, m.qualStart) {
			if f.PlanPct == nil {
				f.PlanPct = ptr(x)
				r.setEnd(f, st.anchorEnd)
			}
			return
		}
		if f.SharePct == nil {
			f.SharePct = ptr(x)
			r.setEnd(f, st.anchorEnd)
		}
		return
	case verb == "chiếm":
		if f := r.canAttach(); f != nil && f.Value != nil && f.Unit != "%" && f.SharePct == nil {
			f.SharePct = ptr(x)
			r.setEnd(f, st.anchorEnd)
			return
		}
		r.level()
		return
	case levelVerbs[verb]:
		r.level()
		return
	default:
		sign := 0.0
		switch {
		case riseVerbs[verb]:
			sign = 1
		case fallVerbs[verb]:
			sign = -1
		}
		switch {
		case fol.kind == folNone && sign == 0:
			// "ước đạt 8,6%" with nothing after it: a level.
			r.level()
			return
		case ratioVerbs[verb]:
			v = round(x-100, dec)
		default:
			v = sign * x
		}
		field = "yoy"
		if fol.kind == folRef {
			field = "ref"
		}
	}
	r.attach(field, v)
}

// attach puts a comparison on the fact it belongs to: the fact it names
// ("số vụ giảm 6,3%"), the fact of its clause, the first of a chain split
// by a second reference, a growth-only companion, or a new growth-only fact.
func (r *reading) attach(field string, v float64) {
	d, m, st, fol := r.d, r.m, r.st, r.fol
	facts := r.facts
	f := r.canAttach()
	// "…; so với cùng kỳ, số vụ giảm 6,3%", "tăng 12,4% về số doanh
	// nghiệp và giảm 8,2% về số vốn": the growth of the figure it names.
	if k := d.namedFact(*facts, st, namedSubject(r.seg, d.lo[m.end:min(d.bodyEnd, max(m.end, fol.end)+60)])); k >= 0 && slotFree(&(*facts)[k], field) {
		f = &(*facts)[k]
	}
	if f != nil && !slotFree(f, field) {
		if field == "plan" && f.PlanPctAlt == nil {
			f.PlanPctAlt = ptr(v)
			r.setEnd(f, st.anchorEnd)
			return
		}
		// A second reference split the statement: the first fact of the
		// chain takes what it still lacks.
		f = nil
		for _, k := range st.chain {
			if slotFree(&(*facts)[k], field) {
				f = &(*facts)[k]
				break
			}
		}
		if f == nil && st.last >= 0 {
			prev := &(*facts)[st.last]
			f = r.newFact(Actual)
			f.Indicator = prev.Indicator
			f.Unit = "%"
			if prev.Value != nil {
				// A further reference for a value: a growth-only companion.
				f.Estimate = prev.Estimate
			}
			st.chain = append(st.chain, len(*facts)-1)
			attachCompare(f, field, v, fol, d)
			r.setEnd(f, st.anchorEnd)
			return
		}
	}
	if f == nil {
		f = r.newFact(Actual)
		f.Unit = "%"
		if m.rng != "" {
			f.Range = m.rng
		}
		if m.qual != "" {
			f.Qualifier = m.qual
		}
		r.last()
		st.chain = []int{st.last}
	} else if m.qual != "" {
		f.Qualifier = joinQual(f.Qualifier, field, m.qual)
	}
	attachCompare(f, field, v, fol, d)
	r.setEnd(f, st.anchorEnd)
}
