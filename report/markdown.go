package report

import (
	"fmt"
	"io"
	"strings"
)

// roman numbers the report's main headings.
var romanNum = []string{"I", "II", "III", "IV", "V", "VI"}

// Headings shared by every renderer.
func (r *Report) resultsHeading() string {
	return "Tình hình thực hiện nhiệm vụ phát triển kinh tế - xã hội " + r.Period.LabelVI()
}
func (r *Report) tasksHeading() string {
	return "Nhiệm vụ, giải pháp trọng tâm " + r.Next.LabelVI()
}
func (r *Report) annexHeading() string {
	return "Phụ lục: Một số chỉ tiêu chủ yếu " + r.Period.LabelVI()
}

// AnnexColumns are the annex table's headings.
var AnnexColumns = []string{"TT", "Chỉ tiêu", "Đơn vị tính", "Cùng kỳ năm trước", "Kế hoạch năm",
	"Thực hiện kỳ báo cáo (lũy kế)", "So với cùng kỳ (%)", "So với kế hoạch (%)"}

// cells returns the annex row's cells in AnnexColumns order ("–" for missing).
func (a AnnexRow) cells(n int) []string {
	dash := func(s string) string {
		if s == "" {
			return "–"
		}
		return s
	}
	cur := dash(a.Current)
	if a.Estimate && a.Current != "" {
		cur += " (ước)"
	}
	if a.Illustrative && a.Current != "" {
		cur += " (minh họa)"
	}
	return []string{fmt.Sprint(n), a.Name, a.Unit, dash(a.LastYear), dash(a.Plan), cur, dash(a.VsLastYear), dash(a.PlanPct)}
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
	return fmt.Sprintf("Chưa có số liệu %s của: %s.", r.Period.LabelVI(), strings.Join(s.Missing, "; "))
}

func (t TaskItem) text() string {
	s := t.Text
	var extra []string
	if t.Owner != "" {
		extra = append(extra, "chủ trì: "+t.Owner)
	}
	if len(t.Indicators) > 0 {
		extra = append(extra, "chỉ tiêu: "+strings.Join(t.Indicators, "; "))
	}
	if t.Carried {
		extra = append(extra, "chuyển tiếp, chưa hoàn thành")
	}
	if len(extra) > 0 {
		s = strings.TrimSuffix(s, ".") + " (" + strings.Join(extra, "; ") + ")."
	}
	return s
}

// WriteMarkdown writes the report as Markdown.
func (r *Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", r.Title)
	fmt.Fprintf(&b, "**%s** · Kỳ báo cáo: %s (%s)", upperFirst(r.UnitName), r.Period.LabelVI(), r.Period.ID())
	if !r.Date.IsZero() {
		fmt.Fprintf(&b, " · Ngày lập: %s", r.Date.Format("02/01/2006"))
	}
	b.WriteString("\n\n")
	for _, s := range r.Summary {
		b.WriteString(s + " ")
	}
	b.WriteString("\n\n")

	fmt.Fprintf(&b, "## I. %s\n\n", r.resultsHeading())
	for i, part := range r.Parts {
		fmt.Fprintf(&b, "### %c. %s\n\n", 'A'+i, part.Title)
		for j, sec := range part.Sections {
			fmt.Fprintf(&b, "#### %d. %s\n\n", j+1, sec.Title)
			if p := sec.paragraph(); p != "" {
				b.WriteString(p + "\n\n")
			}
			for _, n := range sec.Notes {
				b.WriteString(mdText(n) + "\n\n")
			}
			if m := sec.missingText(r); m != "" {
				b.WriteString("*" + m + "*\n\n")
			}
		}
	}
	if len(r.Parts) == 0 {
		fmt.Fprintf(&b, "Chưa có số liệu %s.\n\n", r.Period.LabelVI())
	}

	b.WriteString("## II. Đánh giá chung\n\n")
	a := r.Assessment
	list := func(title string, items []string, empty string) {
		fmt.Fprintf(&b, "### %s\n\n", title)
		if len(items) == 0 {
			b.WriteString(empty + "\n\n")
			return
		}
		for _, it := range items {
			b.WriteString("- " + mdText(it) + "\n")
		}
		b.WriteString("\n")
	}
	list("1. Kết quả nổi bật", a.Highlights, "Chưa đủ số liệu kế hoạch để đánh giá tiến độ.")
	list("2. Hạn chế, tồn tại", a.Shortcomings, "Không có chỉ tiêu chậm tiến độ trong số các chỉ tiêu có số liệu.")
	if len(a.Missing) > 0 {
		list("3. Số liệu còn thiếu", []string{fmt.Sprintf("Chưa có số liệu %s của %d chỉ tiêu: %s.", r.Period.LabelVI(), len(a.Missing), strings.Join(a.Missing, "; "))}, "")
	}

	fmt.Fprintf(&b, "## III. %s\n\n", r.tasksHeading())
	if len(r.Tasks) == 0 {
		b.WriteString(r.NoTasks + "\n\n")
	}
	for i, t := range r.Tasks {
		fmt.Fprintf(&b, "%d. %s\n", i+1, mdText(t.text()))
	}
	if len(r.Tasks) > 0 {
		b.WriteString("\n")
	}

	fmt.Fprintf(&b, "## %s\n\n", r.annexHeading())
	if len(r.Annex) == 0 {
		b.WriteString("Chưa có chỉ tiêu nào có số liệu hoặc kế hoạch.\n")
	} else {
		b.WriteString("| " + strings.Join(AnnexColumns, " | ") + " |\n")
		b.WriteString("|" + strings.Repeat("---|", len(AnnexColumns)) + "\n")
		for i, row := range r.Annex {
			cells := row.cells(i + 1)
			for k := range cells {
				cells[k] = strings.ReplaceAll(cells[k], "|", `\|`)
			}
			b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
		}
	}
	_, err := io.WriteString(w, strings.ReplaceAll(b.String(), " \n", "\n"))
	return err
}

// mdText keeps recorded text from starting Markdown blocks (headings, lists).
func mdText(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s != "" && strings.ContainsRune("#>-*+|", rune(s[0])) {
		s = `\` + s
	}
	return s
}
