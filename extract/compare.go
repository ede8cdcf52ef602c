package extract

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"planwatch"
)

// What a percentage is compared with.
type folKind int

const (
	folNone folKind = iota
	folPlan         // the plan or an estimate: a share of the target
	folYoY          // the same period last year: a growth
	folRef          // another reference: a date or another period (vs_ref)
)

// following is the comparison read after a figure.
type following struct {
	kind    folKind
	refKind string // for folRef: date, year, month, monthN, quarter, quarterN, yearstart
	ref     string // a resolved reference (a date)
	year    int    // the year written ("so với năm 2022")
	n       int    // the month or quarter written ("so với tháng 4", "so với quý II")
	end     int
	rule    string // the name of the rule that read it
}

// A comparisonRule reads one way of saying what a figure is compared with,
// at the start of the (lower-case) text after the figure. Rules are tried
// in order; the first that matches at a word boundary wins. Ref says how
// the reference is resolved (see attachCompare); Examples are phrases the
// rule must read whole (TestComparisonRules).
type comparisonRule struct {
	Name     string
	Pattern  *regexp.Regexp
	Kind     folKind
	Ref      string
	Examples []string
}

const so = `(?:so với|so)\s+`

var comparisonRules = []comparisonRule{
	{Name: "plan", Kind: folPlan,
		Pattern:  regexp.MustCompile(`^(?:so với\s+|so\s+)?(?:kế hoạch|kh|dự toán|chỉ tiêu)`),
		Examples: []string{"kế hoạch năm", "kh", "dự toán trung ương giao", "so với kế hoạch", "so kế hoạch", "chỉ tiêu nghị quyết"}},
	{Name: "same period", Kind: folYoY,
		Pattern:  regexp.MustCompile(`^(?:` + so + `)?(?:cùng kỳ|cùng kì|cùng thời điểm)(?:\s+năm\s+(?:trước|ngoái))?`),
		Examples: []string{"cùng kỳ", "so với cùng kỳ", "so với cùng kỳ năm trước", "so cùng kỳ", "so với cùng thời điểm năm trước"}},
	{Name: "date", Kind: folRef, Ref: "date",
		Pattern:  regexp.MustCompile(`^` + so + `(?:ngày\s+|thời điểm\s+|cùng thời điểm\s+)?(\d{1,2})/(\d{1,2})/(\d{4})`),
		Examples: []string{"so với 31/12/2022", "so với thời điểm 31/12/2023", "so với ngày 1/1/2024"}},
	{Name: "end of a year", Kind: folRef, Ref: "date",
		Pattern:  regexp.MustCompile(`^` + so + `(?:thời điểm\s+)?cuối năm\s+(\d{4})`),
		Examples: []string{"so với cuối năm 2022", "so với thời điểm cuối năm 2023"}},
	{Name: "a year", Kind: folRef, Ref: "year",
		Pattern:  regexp.MustCompile(`^` + so + `(?:cùng kỳ\s+)?năm\s+(\d{4})`),
		Examples: []string{"so với năm 2022"}},
	{Name: "previous month", Kind: folRef, Ref: "month",
		Pattern:  regexp.MustCompile(`^` + so + `(?:tháng trước|tháng liền kề|tháng liền trước|cùng tháng trước)`),
		Examples: []string{"so với tháng trước", "so tháng trước", "so với tháng liền kề"}},
	{Name: "previous quarter", Kind: folRef, Ref: "quarter",
		Pattern:  regexp.MustCompile(`^` + so + `(?:quý trước|quý liền kề|quý liền trước)`),
		Examples: []string{"so với quý trước", "so quý trước"}},
	{Name: "start of the year", Kind: folRef, Ref: "yearstart",
		Pattern:  regexp.MustCompile(`^` + so + `(?:thời điểm\s+)?(?:đầu năm|cuối năm trước)`),
		Examples: []string{"so với đầu năm", "so đầu năm", "so với thời điểm đầu năm", "so với cuối năm trước"}},
	{Name: "a month", Kind: folRef, Ref: "monthN",
		Pattern:  regexp.MustCompile(`^` + so + `tháng\s+(\d{1,2})(?:\s+năm\s+(?:trước|ngoái))?`),
		Examples: []string{"so với tháng 12 năm trước", "so với tháng 4", "so tháng 3"}},
	{Name: "a quarter", Kind: folRef, Ref: "quarterN",
		Pattern:  regexp.MustCompile(`^` + so + `quý\s+(iv|iii|ii|i|[1-4])(?:\s+năm\s+(?:trước|ngoái))?`),
		Examples: []string{"so với quý i", "so với quý ii", "so quý iii", "so với quý iv năm trước"}},
	{Name: "previous year", Kind: folYoY,
		Pattern:  regexp.MustCompile(`^` + so + `(?:năm trước|năm ngoái)`),
		Examples: []string{"so với năm trước", "so năm trước", "so với năm ngoái"}},
	{Name: "same season", Kind: folYoY,
		Pattern:  regexp.MustCompile(`^` + so + `(?:cùng\s+)?vụ(?:\s+[\p{L}]+){0,2}?\s+(?:năm trước|năm ngoái|năm \d{4})`),
		Examples: []string{"so với vụ mùa năm trước", "so với cùng vụ năm trước", "so với vụ đông xuân năm 2023"}},
}

// readFollowing reads what a percentage is compared with: "kế hoạch",
// "dự toán", "so với cùng kỳ", "so với tháng trước", "so với 31/12/2021", …
func readFollowing(lo string, i, limit int) following {
	j := i
	for j < limit && (lo[j] == ' ' || lo[j] == '\t') {
		j++
	}
	rest := lo[j:limit]
	if len(rest) > 120 {
		rest = rest[:120]
		for len(rest) > 0 && !utf8.ValidString(rest) {
			rest = rest[:len(rest)-1]
		}
	}
	if strings.IndexByte(rest, '\n') >= 0 {
		// "đạt 25,3% kế\nhoạch năm", "kế hoạ-\nch": a wrapped line.
		f := readFollowingClean(rest)
		if f.kind != folNone {
			f.end = j + min(f.end, len(rest))
		} else {
			f.end = i
		}
		return f
	}
	return readFollowingAt(rest, i, j)
}

// readFollowingClean reads a comparison across a wrapped line: line breaks
// count as spaces and a hyphen at a line end joins the word.
func readFollowingClean(rest string) following {
	clean := strings.NewReplacer("-\r\n", "", "-\n", "", "\r\n", " ", "\n", " ").Replace(rest)
	f := readFollowingAt(clean, 0, 0)
	// Offsets in clean are at most len(rest) - len(clean) short.
	f.end += len(rest) - len(clean)
	return f
}

// readFollowingAt reads the comparison at the start of rest, which starts at
// byte j of the text, with the first rule of comparisonRules that matches;
// i is returned as the end when none does.
func readFollowingAt(rest string, i, j int) following {
	for _, r := range comparisonRules {
		m := r.Pattern.FindStringSubmatchIndex(rest)
		if m == nil || isLetter(runeAt(rest, m[1])) {
			continue
		}
		f := following{kind: r.Kind, refKind: r.Ref, end: j + m[1], rule: r.Name}
		group := func(k int) string {
			if m[2*k] < 0 {
				return ""
			}
			return rest[m[2*k]:m[2*k+1]]
		}
		switch r.Name {
		case "plan":
			// The share runs to the end of the noun phrase ("kế hoạch vốn
			// Thủ tướng Chính phủ giao").
			f.end = j + phraseEnd(rest)
		case "date":
			f.ref = fmt.Sprintf("%04d-%02d-%02d", atoi(group(3)), atoi(group(2)), atoi(group(1)))
		case "end of a year":
			f.ref = group(1) + "-12-31"
		case "a year":
			f.ref, f.year = group(1), atoi(group(1))
		case "a month":
			f.n = atoi(group(1))
		case "a quarter":
			f.n = romanQ[group(1)]
		}
		return f
	}
	return following{kind: folNone, end: i}
}

// attachCompare stores a comparison on f, resolving a reference against the
// fact's period: the previous month or quarter, the latest month or
// quarter of that name before the fact's, the end of the previous year.
func attachCompare(f *Fact, field string, v float64, fol following, d *doc) {
	switch field {
	case "plan":
		f.PlanPct = ptr(v)
	case "yoy":
		f.YoYPct = ptr(v)
	case "ref":
		ref := fol.ref
		var p planwatch.Period
		if f.Span != nil {
			p = *f.Span
		} else {
			p = planwatch.YearOf(d.pc.year)
		}
		switch fol.refKind {
		case "month":
			ref = prevMonthRef(p)
		case "monthN":
			// "so với tháng 12 năm trước", "so với tháng 3": the latest such
			// month before the fact's.
			y := p.Year
			if fol.n >= p.Last {
				y--
			}
			ref = fmt.Sprintf("%04d-%02d", y, fol.n)
		case "quarter":
			q := (p.Last+2)/3 - 1
			y := p.Year
			if q == 0 {
				q, y = 4, y-1
			}
			ref = fmt.Sprintf("%04dQ%d", y, q)
		case "quarterN":
			// "so với quý I" in a report on quý II: this year's.
			y := p.Year
			if fol.n >= (p.Last+2)/3 {
				y--
			}
			ref = fmt.Sprintf("%04dQ%d", y, fol.n)
		case "yearstart":
			ref = fmt.Sprintf("%04d-12-31", p.Year-1)
		case "year":
			if fol.year == p.Year-1 {
				f.YoYPct = ptr(v)
				return
			}
		}
		f.VsRef = &VsRef{Pct: v, Ref: ref}
	}
}
