package extract

import (
	"regexp"
	"sort"
	"strings"
)

// A notFactRule says when a figure in a sentence is not a fact of the
// report: it explains another figure, it bounds a group, it is a rank.
// Rules are tried on every figure before it becomes a fact (or a comparison
// of one); Examples are sentences whose figure between « and » must give no
// fact, Keeps sentences whose marked figure must (TestNotFactRules).
type notFactRule struct {
	Name     string
	Applies  func(d *doc, sentStart int, m mention) bool
	Examples []string
	Keeps    []string
}

var notFactRules = []notFactRule{
	{Name: "explanation",
		// "Nguyên nhân …", "…, chủ yếu do giá xăng dầu tăng 4,3%": why a
		// figure moved, not a figure of the report.
		Applies: func(d *doc, s int, m mention) bool {
			before := d.lo[s:m.qualStart]
			for _, w := range explanationWords {
				if hasWord(before, w) {
					return true
				}
			}
			// "… giảm 5,6% do thời tiết … làm lượng nước giảm 30%": a cause
			// that follows a figure.
			k := sort.Search(len(d.mentions), func(k int) bool { return d.mentions[k].start >= m.start }) - 1
			if k >= 0 && d.mentions[k].end >= s {
				gap := strings.TrimLeft(d.lo[d.mentions[k].end:m.qualStart], " ,")
				for _, w := range causeWords {
					if startsWithWord(gap, w) {
						return true
					}
				}
			}
			return false
		},
		Examples: []string{"Nguyên nhân tăng chủ yếu do nhu cầu mua sắm tăng cao, giá xăng dầu tăng «4,3%» theo giá thế giới.",
			"Sản xuất điện quý III/2023 giảm 5,6% do nắng hạn làm lượng nước về hồ giảm «30%».",
			"Tổng mức bán lẻ tháng 4/2023 tăng 12%, chủ yếu do giá xăng dầu tăng «4,3%»."},
		Keeps: []string{"Vốn đầu tư từ ngân sách do địa phương quản lý tháng 4/2023 đạt «245,8 tỷ đồng»."}},
	{Name: "threshold",
		// "doanh nghiệp có vốn đăng ký trên 20 tỷ đồng", "có từ 50 lao động
		// trở lên": the bound of a group in a relative clause with "có".
		Applies: func(d *doc, s int, m mention) bool {
			lo := d.lo
			bound := m.qual == "trên" || m.qual == "dưới" || m.qual == "không quá" || m.qual == "tối thiểu" || m.qual == "ít nhất" ||
				endsWithWords(lo, m.qualStart, "từ") >= 0
			rest := strings.TrimLeft(lo[m.end:min(len(lo), m.end+20)], " ")
			if !bound && !strings.HasPrefix(rest, "trở lên") && !strings.HasPrefix(rest, "trở xuống") {
				return false
			}
			start := m.qualStart
			if k := endsWithWords(lo, start, "từ"); k >= 0 {
				start = k
			}
			clause := lo[s:start]
			if k := strings.LastIndexAny(clause, ",;:("); k >= 0 {
				clause = clause[k+1:]
			}
			k := lastIndexWord(clause, "có")
			if k < 0 {
				return false
			}
			// Words between "có" and the bound name what is bounded, and no
			// verb of a figure comes between.
			between := strings.Fields(clause[k+len("có"):])
			orMore := strings.HasPrefix(rest, "trở lên") || strings.HasPrefix(rest, "trở xuống")
			if len(between) == 0 && !orMore {
				return false // "có trên 5.000 lượt khách": how many there are
			}
			for _, w := range []string{"đạt", "tăng", "giảm", "là", "ước", "bằng", "được"} {
				if hasWord(clause[k:], w) {
					return false
				}
			}
			return true
		},
		Examples: []string{"Có 12 doanh nghiệp có vốn đăng ký trên «20 tỷ đồng».",
			"Chỉ số sử dụng lao động của các doanh nghiệp có từ «50 lao động» trở lên tăng 1,8%.",
			"Có 15 dự án có tổng vốn đầu tư trên «100 tỷ đồng» đang triển khai."},
		Keeps: []string{"Có «12 doanh nghiệp» có vốn đăng ký trên 20 tỷ đồng.",
			"GRDP bình quân đầu người năm 2023 đạt «58 triệu đồng» trở lên.",
			"Toàn tỉnh có trên «5.000 lượt khách» trong tháng 4/2023."}},
	{Name: "quoted target",
		// "thấp hơn mục tiêu đề ra (7,5 - 8%)": the target a figure is
		// measured against, quoted in parentheses.
		Applies: func(d *doc, s int, m mention) bool {
			return reQuotedTarget.MatchString(d.lo[max(s, m.qualStart-60):m.qualStart])
		},
		Examples: []string{"Năm 2024, tăng trưởng GRDP ước đạt 6,8%, thấp hơn mục tiêu đề ra («7,5» - 8%)."},
		Keeps:    []string{"Năm 2024, tăng trưởng GRDP ước đạt «6,8%», thấp hơn mục tiêu đề ra (7,5 - 8%)."}},
}

// reQuotedTarget ends with a target word and an opening parenthesis.
var reQuotedTarget = regexp.MustCompile(`(?:mục tiêu|chỉ tiêu|kế hoạch)[^,;.()]{0,24}\(\s*$`)

// explanationWords open the explanation of a figure.
var explanationWords = []string{"nguyên nhân", "chủ yếu do", "là do", "một phần do", "do tác động", "do ảnh hưởng"}

// causeWords open a cause right after a figure ("tăng 5% do …").
var causeWords = []string{"do", "nhờ", "bởi", "vì"}

// notAFact reports the first rule that makes figure m of the sentence
// starting at s something other than a fact, or "".
func (d *doc) notAFact(s int, m mention) string {
	for _, r := range notFactRules {
		if r.Applies(d, s, m) {
			return r.Name
		}
	}
	return ""
}

// dropRestated drops the figures of a summary — the headline's opening
// paragraph or a sapo — that the body states again for the same period
// (the same value, or the same growth for a growth-only figure), keeping
// the body's, which says more. A summary's round figure ("hơn 12.400 tỷ
// đồng") restates the body's "12.450 tỷ đồng".
func (d *doc) dropRestated(facts []Fact) []Fact {
	// The summary is the opening paragraph, up to its first heading or
	// bullet: what follows one is the body.
	open := d.openingEnd()
	from := d.titleEnd
	if k := strings.LastIndex(strings.TrimRight(d.text[d.titleEnd:open], " \t\r\n"), "\n\n"); k >= 0 {
		from = d.titleEnd + k + 2
	}
	for off := from; off < open; {
		e := strings.IndexByte(d.text[off:open], '\n')
		if e < 0 {
			break
		}
		if line := strings.TrimSpace(d.text[off : off+e]); reSectionHead.MatchString(line) || d.plainHeading(off, off+e) ||
			strings.HasPrefix(line, "- ") || strings.HasPrefix(line, "+ ") {
			open = off
			break
		}
		off += e + 1
	}
	if open <= from {
		return facts
	}
	restated := func(f, g *Fact) bool {
		if f.Period != g.Period || f.Kind != g.Kind {
			return false
		}
		// The same figure; a summary's round one ("hơn 12.400") within 1%.
		tol := 1e-9
		if f.Qualifier != "" && f.Value != nil {
			tol = 0.01
		}
		close := func(a, b *float64) bool {
			return a != nil && b != nil && (*a == *b || *b != 0 && (*a-*b)/(*b) <= tol && (*b-*a)/(*b) <= tol)
		}
		if f.Value != nil {
			return close(f.Value, g.Value) && unitsAgree(f.Unit, g.Unit)
		}
		return close(f.YoYPct, g.YoYPct)
	}
	out := facts[:0:0]
	for i := range facts {
		f := &facts[i]
		drop := false
		if f.anchor < open && f.anchor >= from && f.Table == 0 {
			for k := range facts {
				if g := &facts[k]; g.anchor >= open && restated(f, g) {
					drop = true
					break
				}
			}
		}
		if !drop {
			out = append(out, *f)
		}
	}
	return out
}

func unitsAgree(a, b string) bool {
	return a == b || strings.HasPrefix(a, b) || strings.HasPrefix(b, a)
}
