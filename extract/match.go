package extract

import (
	"math"
	"strings"
	"sync"
)

// matcher finds the catalogue indicator a fact measures. Names are compared
// as bags of diacritic-folded words weighted by rarity in the catalogue (a
// word like "OCOP" says more than "tổng"); the fact's own subject counts in
// full and the rest of its sentence a little, so "doanh thu 277 tỷ đồng" in a
// sentence about tourists finds the tourism revenue. Units must agree.
type matcher struct {
	// last caches the words of the last sentence matched against: the
	// facts of one sentence come one after the other.
	lastMu       sync.Mutex
	lastSentence string
	lastTokens   []string

	entries []matchEntry
	idf     map[string]float64
	maxIDF  float64 // weight of a word the catalogue does not use
}

func (e *matchEntry) w(k int, idf float64) float64 {
	if e.half[k] {
		return idf / 2
	}
	return idf
}

// splitParens separates the parenthesised parts of a name.
func splitParens(s string) (main, paren string) {
	var a, b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '(':
			depth++
		case r == ')':
			if depth > 0 {
				depth--
			}
		case depth > 0:
			b.WriteRune(r)
		default:
			a.WriteRune(r)
		}
	}
	return a.String(), b.String()
}

type matchEntry struct {
	Entry
	words  []string
	half   []bool // the word is in parentheses
	set    map[string]bool
	weight float64 // sum of word weights
	unit   string  // base unit: VND, USD, %, or the noun
}

// Words that carry no meaning for matching, checked before diacritics are
// folded ("trong" is stop, "trồng" is not).
var stopWords = map[string]bool{"các": true, "của": true, "và": true, "trên": true, "được": true, "trong": true,
	"kỳ": true, "so": true, "với": true, "năm": true, "là": true, "cho": true, "từ": true, "đến": true,
	"những": true, "một": true, "theo": true, "đã": true, "có": true, "ở": true, "tại": true}

// tokens returns the folded content words of s.
func tokens(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !isLetter(r) && !isDigitRune(r) }) {
		if stopWords[w] {
			continue
		}
		out = append(out, strings.Fields(fold(w))...)
	}
	return out
}

// implied are words of a growth-rate name that a growth-only statement need
// not repeat.
var implied = map[string]bool{"toc": true, "do": true, "tang": true, "truong": true}

// expansions spell out abbreviations and usual short names (folded text).
var expansions = map[string]string{
	"grdp":                "tong san pham tren dia ban",
	"tang truong kinh te": "tong san pham tren dia ban grdp",
	"iip":                 "chi so san xuat cong nghiep",
	"cpi":                 "chi so gia tieu dung",
	"fdi":                 "dau tu truc tiep nuoc ngoai",
	"ddi":                 "dau tu trong nuoc",
	"ocop":                "san pham ocop",
}

func newMatcher(cat []Entry) *matcher {
	m := &matcher{idf: map[string]float64{}}
	df := map[string]int{}
	for _, e := range cat {
		me := matchEntry{Entry: e, unit: baseUnit(e.Unit)}
		seen := map[string]bool{}
		// Words in parentheses qualify the name ("(theo chuẩn nghèo đa
		// chiều)") and count half.
		main, paren := splitParens(e.NameVI)
		for i, part := range []string{main, paren} {
			for _, w := range tokens(part) {
				if seen[w] {
					continue
				}
				seen[w] = true
				me.words = append(me.words, w)
				if me.set == nil {
					me.set = map[string]bool{}
				}
				me.set[w] = true
				me.half = append(me.half, i == 1)
				df[w]++
			}
		}
		m.entries = append(m.entries, me)
	}
	n := float64(len(cat)) + 1
	for w, c := range df {
		m.idf[w] = math.Log(n / float64(c))
	}
	m.maxIDF = math.Log(n)
	for i := range m.entries {
		for k, w := range m.entries[i].words {
			m.entries[i].weight += m.entries[i].w(k, m.idf[w])
		}
	}
	return m
}

// baseUnit reduces a catalogue display unit to what facts carry.
func baseUnit(u string) string {
	l := strings.ToLower(u)
	switch {
	case strings.Contains(l, "đồng"):
		return "VND"
	case strings.Contains(l, "usd"):
		return "USD"
	case strings.Contains(l, "%"):
		return "%"
	}
	for _, s := range []string{"nghìn ", "triệu ", "tỷ "} {
		l = strings.TrimPrefix(l, s)
	}
	return l
}

// unitFits reports whether a fact's unit can be the catalogue's.
func unitFits(fact, cat string, valueNull bool) bool {
	if valueNull {
		return cat == "%"
	}
	if fact == cat {
		return true
	}
	switch {
	case fact == "VND" || fact == "USD" || cat == "VND" || cat == "USD":
		return false
	case fact == "kWh":
		return strings.HasSuffix(cat, "kwh")
	case fact == "lao động" || fact == "người":
		return cat == "người" || cat == "lao động"
	}
	return strings.HasPrefix(cat, fact) || strings.HasPrefix(fact, cat)
}

// match returns the best code for f and a confidence in [0, 1], or "", 0.
func (m *matcher) match(f *Fact, sentence string) (string, float64) {
	if len(m.entries) == 0 {
		return "", 0
	}
	subject := map[string]bool{}
	words := tokens(f.Indicator)
	fi := " " + strings.Join(words, " ") + " "
	for abbr, long := range expansions {
		if strings.Contains(fi, " "+abbr+" ") {
			words = append(words, strings.Fields(long)...)
		}
	}
	for _, w := range words {
		subject[w] = true
	}
	// What the figure is compared with tells apart indicators such as CPI
	// vs the previous month, vs December, vs the same period.
	compared := ""
	if f.YoYPct != nil {
		compared += " cùng kỳ năm trước"
	}
	if f.VsRef != nil {
		switch {
		case strings.HasSuffix(f.VsRef.Ref, "-12"):
			compared += " tháng 12 năm trước"
		case len(f.VsRef.Ref) == 7:
			compared += " tháng trước"
		}
	}
	context := map[string]bool{}
	for _, w := range m.sentenceTokens(sentence) {
		context[w] = true
	}
	for _, w := range tokens(compared) {
		context[w] = true
	}
	valueNull := f.Value == nil
	// The fact's subject words with their weights, for precision.
	type sw struct {
		w  string
		wt float64
	}
	var subj []sw
	subjAll := 0.0
	for w := range subject {
		if valueNull && implied[w] {
			continue
		}
		wt, ok := m.idf[w]
		if !ok {
			wt = m.maxIDF
		}
		subj = append(subj, sw{w, wt})
		subjAll += wt
	}
	best, bestScore := "", 0.0
	for i := range m.entries {
		e := &m.entries[i]
		if e.weight == 0 {
			continue
		}
		if f.Kind == Milestone || valueNull && f.YoYPct == nil && f.VsRef == nil {
			// A milestone, or a plan share alone, is about a level indicator.
			if e.unit == "%" {
				continue
			}
		} else if !unitFits(f.Unit, e.unit, valueNull) {
			continue
		}
		got, weight := 0.0, e.weight
		for k, w := range e.words {
			wt := e.w(k, m.idf[w])
			// A growth-only statement says "tốc độ tăng" by being one.
			if valueNull && implied[w] {
				weight -= wt
				continue
			}
			switch {
			case subject[w]:
				got += wt
			case context[w]:
				got += 0.35 * wt
			}
		}
		if weight <= 0 || got == 0 {
			continue
		}
		// Recall: how much of the entry's name the fact says; precision: how
		// much of the fact's subject the name covers (so "sản lượng trái
		// cây" does not become "sản lượng thủy sản").
		recall := got / weight
		subjGot := 0.0
		for _, x := range subj {
			if e.set[x.w] {
				subjGot += x.wt
			}
		}
		precision := 1.0
		if subjAll > 0 {
			precision = subjGot / subjAll
		}
		if precision == 0 {
			continue
		}
		score := 2 * recall * precision / (recall + precision)
		// A growth-only statement is a growth rate, not the index level.
		if valueNull && (strings.Contains(e.NameVI, "Tốc độ tăng") || strings.Contains(e.NameVI, "tăng trưởng")) {
			score += 0.15
		}
		if f.Kind == Plan && strings.Contains(strings.ToLower(e.NameVI), "kế hoạch") {
			score += 0.05
		}
		if score > bestScore {
			best, bestScore = e.Code, score
		}
	}
	if bestScore < 0.5 {
		return "", 0
	}
	return best, math.Min(1, math.Round(bestScore*100)/100)
}

// sentenceTokens is tokens(sentence), kept for the next fact of the same
// sentence.
func (m *matcher) sentenceTokens(sentence string) []string {
	m.lastMu.Lock()
	defer m.lastMu.Unlock()
	if sentence != m.lastSentence || m.lastTokens == nil {
		m.lastSentence, m.lastTokens = sentence, tokens(sentence)
	}
	return m.lastTokens
}
