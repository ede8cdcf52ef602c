package report

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"strings"

	"planwatch/chart"
	"planwatch/vi"
)

//go:embed templates/*.tmpl
var templates embed.FS

// htmlTemplate is parsed once; html/template escapes every value.
var htmlTemplate = template.Must(template.ParseFS(templates, "templates/report.html.tmpl"))

// htmlView is what the template reads: the report with its text assembled.
type htmlView struct {
	R              *Report
	UnitName       string
	Date           string
	ResultsHeading string
	TasksHeading   string
	AnnexHeading   string
	AnnexColumns   []string
	Parts          []htmlPart
	MissingAll     string
	Tasks          []string
	Annex          [][]string
}

type htmlPart struct {
	Letter   string
	Title    string
	Sections []htmlSection
}

type htmlSection struct {
	ID, Title string
	N         int
	Paragraph string
	Notes     []string
	Missing   string
	Charts    []template.HTML
}

// WriteHTML writes the report as one self-contained HTML page (styles and
// SVG charts inline, no scripts) laid out for A4 printing.
func (r *Report) WriteHTML(w io.Writer) error {
	v := htmlView{R: r, UnitName: upperFirst(r.UnitName), ResultsHeading: r.resultsHeading(),
		TasksHeading: r.tasksHeading(), AnnexHeading: r.annexHeading(), AnnexColumns: AnnexColumns}
	if !r.Date.IsZero() {
		v.Date = r.Date.Format("02/01/2006")
	}
	charts := map[string][]template.HTML{}
	for _, c := range r.Charts {
		charts[c.Indicator] = append(charts[c.Indicator], c.SVG())
	}
	for i, p := range r.Parts {
		hp := htmlPart{Letter: string(rune('A' + i)), Title: p.Title}
		for j, s := range p.Sections {
			hs := htmlSection{ID: s.ID, Title: s.Title, N: j + 1, Paragraph: s.paragraph(), Notes: s.Notes, Missing: s.missingText(r)}
			for _, st := range s.Sentences {
				hs.Charts = append(hs.Charts, charts[st.Indicator]...)
			}
			hp.Sections = append(hp.Sections, hs)
		}
		v.Parts = append(v.Parts, hp)
	}
	if m := r.Assessment.Missing; len(m) > 0 {
		v.MissingAll = fmt.Sprintf("Chưa có số liệu %s của %d chỉ tiêu: %s.", r.Period.LabelVI(), len(m), strings.Join(m, "; "))
	}
	for _, t := range r.Tasks {
		v.Tasks = append(v.Tasks, t.text())
	}
	for i, a := range r.Annex {
		v.Annex = append(v.Annex, a.cells(i+1))
	}
	return htmlTemplate.Execute(w, v)
}

// SVG draws the chart.
func (c Chart) SVG() template.HTML {
	return chart.Line(c.Series, chart.Options{Title: c.Title, Unit: c.Unit, Labels: c.Labels,
		Format: func(x float64) string { return vi.FormatNumber(x, 0) }})
}
