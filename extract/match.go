package extract

import (
	"math"
	"strings"
)

// matcher finds the catalogue indicator a fact measures. Names are compared
// as bags of diacritic-folded words weighted by rarity in the catalogue (a
// word like "OCOP" says more than "tổng"); the fact's own subject counts in
// full and the rest of its sentence a little, so "doanh thu 277 tỷ đồng" in a
// sentence about tourists finds the tourism revenue. Units must agree.
type matcher struct {
	entries []matchEntry
	idf     map[string]float64
}

type matchEntry struct {
	Entry
	words  []string
	weight float64 // sum of idf over words
	unit   string  // base unit: VND, USD, %, or the noun
}

// Words that carry no meaning for matching.
var stopWords = map[string]bool{"cac": true, "cua": true, "va": true, "tren": true, "duoc": true, "trong": true,
	"ky": true, "so": true, "voi": true, "nam": true, "la": true, "cho": true, "tu": true, "den": true,
	"nhung": true, "mot": true, "theo": true, "da": true, "co": true, "o": true, "tai": true, "qua": false}

func newMatcher(cat []Entry) *matcher {
	m := &matcher{idf: map[string]float64{}}
	df := map[string]int{}
	for _, e := range cat {
		me := matchEntry{Entry: e, unit: baseUnit(e.Unit)}
		seen := map[string]bool{}
		for _, w := range strings.Fields(fold(e.NameVI)) {
			if stopWords[w] || seen[w] {
				continue
			}
			seen[w] = true
			me.words = append(me.words, w)
			df[w]++
		}
		m.entries = append(m.entries, me)
	}
	n := float64(len(cat)) + 1
	for w, c := range df {
		m.idf[w] = math.Log(n / float64(c))
	}
	for i := range m.entries {
		for _, w := range m.entries[i].words {
			m.entries[i].weight += m.idf[w]
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
	for _, w := range strings.Fields(fold(f.Indicator)) {
		subject[w] = true
	}
	context := map[string]bool{}
	for _, w := range strings.Fields(fold(sentence)) {
		context[w] = true
	}
	best, bestScore := "", 0.0
	for _, e := range m.entries {
		if e.weight == 0 {
			continue
		}
		valueNull := f.Value == nil
		if f.Kind == Milestone {
			// A milestone is a share of the plan of a level indicator.
			if e.unit == "%" {
				continue
			}
		} else if !unitFits(f.Unit, e.unit, valueNull) {
			continue
		}
		got := 0.0
		for _, w := range e.words {
			switch {
			case subject[w]:
				got += m.idf[w]
			case context[w]:
				got += 0.35 * m.idf[w]
			}
		}
		score := got / e.weight
		// A growth-only statement is a growth rate, not the index level.
		if valueNull && (strings.Contains(e.NameVI, "Tốc độ tăng") || strings.Contains(e.NameVI, "tăng trưởng")) {
			score += 0.05
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
