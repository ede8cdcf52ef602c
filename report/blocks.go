package report

import (
	"fmt"
	"strconv"
	"strings"
)

// The report's text is laid out once as a sequence of blocks (headings,
// paragraphs, lists, tables, charts) that every renderer walks: Markdown,
// HTML and DOCX cannot disagree on what the report says or in what order.

type blockKind int

const (
	blockHeading blockKind = iota
	blockPara
	blockList
	blockTable
	blockChart
)

type block struct {
	kind  blockKind
	level int    // heading: 1 (I.), 2 (A. or 1. of the assessment), 3 (1. of a part)
	id    string // heading: the section's ID
	text  string
	style string // paragraph: "" (body), "note", "missing"
	items []string
	// ordered: a numbered list (the tasks).
	ordered bool
	table   *tableBlock
	chart   *Chart
	figure  int // a chart's number, from 1
}

type tableBlock struct {
	caption string
	columns []string
	rows    [][]string
	// numeric marks the columns aligned right.
	numeric []bool
	// widths are the DOCX column widths in twentieths of a point.
	widths []int
}

// Headings shared by every renderer.
func (r *Report) resultsHeading() string {
	l := langOf(r.Lang)
	return l.pick("Tình hình thực hiện nhiệm vụ phát triển kinh tế - xã hội ", "Socio-economic situation in ") + l.label(r.Period)
}
func (r *Report) tasksHeading() string {
	l := langOf(r.Lang)
	return l.pick("Nhiệm vụ, giải pháp trọng tâm ", "Priorities for ") + l.label(r.Next)
}
func (r *Report) annexHeading() string {
	l := langOf(r.Lang)
	return l.pick("Phụ lục: Một số chỉ tiêu chủ yếu ", "Annex: Main indicators, ") + l.label(r.Period)
}

// meta is the line under the title of the Markdown and HTML versions.
func (r *Report) meta() string {
	l := langOf(r.Lang)
	s := fmt.Sprintf(l.pick("Kỳ báo cáo: %s (%s)", "Reporting period: %s (%s)"), l.label(r.Period), r.Period.ID())
	if !r.Date.IsZero() {
		if l == langEN {
			s += " · Date: " + l.date(r.Date)
		} else {
			s += " · Ngày lập: " + r.Date.Format("02/01/2006")
		}
	}
	return s
}

// annexColumns are the annex table's headings.
func (l lang) annexColumns() []string {
	if l == langEN {
		return []string{"No.", "Indicator", "Unit", "Same period last year", "Annual plan",
			"Actual (year to date)", "% of same period last year", "% of annual plan"}
	}
	return []string{"TT", "Chỉ tiêu", "Đơn vị tính", "Cùng kỳ năm trước", "Kế hoạch năm",
		"Thực hiện kỳ báo cáo (lũy kế)", "So với cùng kỳ (%)", "So với kế hoạch (%)"}
}

// AnnexColumns are the annex table's headings in Vietnamese.
var AnnexColumns = langVI.annexColumns()

func dash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

func itoa(n int) string { return strconv.Itoa(n) }

// cells returns the annex row's cells in annexColumns order ("–" for missing).
func (a AnnexRow) cells(l lang, n int) []string {
	cur := dash(a.Current)
	if a.Estimate && a.Current != "" {
		cur += l.pick(" (ước)", " (est.)")
	}
	if a.Illustrative && a.Current != "" {
		cur += l.pick(" (minh họa)", " (illustrative)")
	}
	return []string{itoa(n), a.Name, a.Unit, dash(a.LastYear), dash(a.Plan), cur, dash(a.VsLastYear), dash(a.PlanPct)}
}

// paragraph joins a section's sentences into one paragraph, as reports write them.
func (s *Section) paragraph() string {
	texts := make([]string, len(s.Sentences))
	for i, st := range s.Sentences {
		texts[i] = st.Text
	}
	return strings.Join(texts, " ")
}

func (s *Section) missingText(r *Report) string {
	if len(s.Missing) == 0 {
		return ""
	}
	l := langOf(r.Lang)
	return fmt.Sprintf(l.pick("Chưa có số liệu %s của: %s.", "No figures yet for %s on: %s."), l.label(r.Period), strings.Join(s.Missing, "; "))
}

func (t TaskItem) text(l lang) string {
	s := t.Text
	var extra []string
	if t.Owner != "" {
		extra = append(extra, l.pick("chủ trì: ", "lead: ")+t.Owner)
	}
	if len(t.Indicators) > 0 {
		extra = append(extra, l.pick("chỉ tiêu: ", "indicators: ")+strings.Join(t.Indicators, "; "))
	}
	if t.Carried {
		extra = append(extra, l.pick("chuyển tiếp, chưa hoàn thành", "carried over, not completed"))
	}
	if len(extra) > 0 {
		s = strings.TrimSuffix(s, ".") + " (" + strings.Join(extra, "; ") + ")."
	}
	return s
}

// body lays out the report from its summary to the priority tasks.
func (r *Report) body() []block {
	l := langOf(r.Lang)
	var out []block
	heading := func(level int, id, text string) {
		out = append(out, block{kind: blockHeading, level: level, id: id, text: text})
	}
	para := func(style, text string) {
		if text != "" {
			out = append(out, block{kind: blockPara, style: style, text: text})
		}
	}
	charts := map[string][]*Chart{} // by indicator, or by section for bars
	for i := range r.Charts {
		c := &r.Charts[i]
		key := c.Indicator
		if c.Kind == "bars" {
			key = "section:" + c.Section
		}
		charts[key] = append(charts[key], c)
	}
	figure := 0

	for _, s := range r.Summary {
		para("", s)
	}
	heading(1, "", "I. "+r.resultsHeading())
	for i, p := range r.Parts {
		heading(2, "", fmt.Sprintf("%c. %s", 'A'+i, p.Title))
		for j, s := range p.Sections {
			heading(3, s.ID, fmt.Sprintf("%d. %s", j+1, s.Title))
			para("", s.paragraph())
			for _, n := range s.Notes {
				para("note", n)
			}
			para("missing", s.missingText(r))
			keys := []string{"section:" + s.ID}
			for _, st := range s.Sentences {
				keys = append(keys, st.Indicator)
			}
			for _, k := range keys {
				for _, c := range charts[k] {
					figure++
					out = append(out, block{kind: blockChart, chart: c, figure: figure})
				}
			}
		}
	}
	if len(r.Parts) == 0 {
		para("", l.pick("Chưa có số liệu ", "No figures yet for ")+l.label(r.Period)+".")
	}

	heading(1, "", l.pick("II. Đánh giá chung", "II. Overall assessment"))
	n := 0
	sub := func(title string) {
		n++
		heading(2, "", fmt.Sprintf("%d. %s", n, title))
	}
	list := func(title string, items []string, empty string) {
		sub(title)
		if len(items) == 0 {
			para("", empty)
			return
		}
		out = append(out, block{kind: blockList, items: items})
	}
	a := r.Assessment
	list(l.pick("Kết quả nổi bật", "Highlights"), a.Highlights,
		l.pick("Chưa đủ số liệu kế hoạch để đánh giá tiến độ.", "Not enough plan figures to assess progress."))
	list(l.pick("Hạn chế, tồn tại", "Shortcomings"), a.Shortcomings,
		l.pick("Không có chỉ tiêu chậm tiến độ trong số các chỉ tiêu có số liệu.", "No indicator with figures is behind schedule."))
	if len(r.Comparison) > 0 {
		sub(l.pick("So sánh giữa các đơn vị trên các chỉ tiêu chậm tiến độ", "Comparison of units on the lagging indicators"))
		for _, rk := range r.Comparison {
			out = append(out, rk.block(l, r))
		}
	}
	if m := a.Missing; len(m) > 0 {
		list(l.pick("Số liệu còn thiếu", "Missing figures"), []string{fmt.Sprintf(l.pick("Chưa có số liệu %s của %d chỉ tiêu: %s.", "No figures yet for %s on %d indicators: %s."),
			l.label(r.Period), len(m), strings.Join(m, "; "))}, "")
	}

	heading(1, "", "III. "+r.tasksHeading())
	if len(r.Tasks) == 0 {
		para("", r.NoTasks)
	} else {
		items := make([]string, len(r.Tasks))
		for i, t := range r.Tasks {
			items[i] = t.text(l)
		}
		out = append(out, block{kind: blockList, items: items, ordered: true})
	}
	return out
}

// block lays out a ranking as a table under its caption.
func (rk *Ranking) block(l lang, r *Report) block {
	columns, plan, yoy := l.rankColumns(rk)
	caption := fmt.Sprintf(l.pick("Xếp hạng các đơn vị cấp dưới của %s: %s, %s", "Ranking of the units of %s: %s, %s"), r.UnitName, rk.Title, l.label(r.Period))
	if rk.Illustrative {
		caption += l.pick(" (số liệu minh họa)", " (illustrative figures)")
	}
	// Widths within the text width (9354): rank, unit, then the figures share the rest.
	widths := []int{680, 3400}
	for range columns[2:] {
		widths = append(widths, (textWidth-680-3400)/(len(columns)-2))
	}
	t := &tableBlock{caption: caption, columns: columns, numeric: []bool{true, false, true, true, true}, widths: widths}
	note := func(rank, text string) {
		row := make([]string, len(columns))
		row[0], row[1] = rank, text
		t.rows = append(t.rows, row)
	}
	for i, row := range rk.Rows {
		t.rows = append(t.rows, row.cells(plan, yoy))
		if rk.Omitted > 0 && i == len(rk.Rows)/2-1 {
			note("…", fmt.Sprintf(l.pick("(%d đơn vị khác)", "(%d other units)"), rk.Omitted))
		}
	}
	if rk.Unreported > 0 {
		note("", fmt.Sprintf(l.pick("%d đơn vị chưa có số liệu", "%d units without figures"), rk.Unreported))
	}
	return block{kind: blockTable, table: t}
}

// annex lays out the annex table.
func (r *Report) annex() []block {
	l := langOf(r.Lang)
	out := []block{{kind: blockHeading, level: 1, text: r.annexHeading()}}
	if len(r.Annex) == 0 {
		return append(out, block{kind: blockPara, text: l.pick("Chưa có chỉ tiêu nào có số liệu hoặc kế hoạch.", "No indicator has figures or a plan.")})
	}
	// Column widths within the text width of A4 with the report's margins (9354).
	t := &tableBlock{columns: l.annexColumns(), numeric: []bool{true, false, false, true, true, true, true, true},
		widths: []int{454, 2600, 850, 1000, 1050, 1150, 1100, 1150}}
	for i, a := range r.Annex {
		t.rows = append(t.rows, a.cells(l, i+1))
	}
	return append(out, block{kind: blockTable, table: t})
}

// figureCaption is a chart's caption: "Hình 1. …", "Figure 1. …".
func (l lang) figureCaption(n int, c *Chart) string {
	return fmt.Sprintf(l.pick("Hình %d. %s (%s)", "Figure %d. %s (%s)"), n, c.Title, c.Unit)
}
