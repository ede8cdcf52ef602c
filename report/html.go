package report

import (
	"embed"
	"html/template"
	"io"

	"planwatch/chart"
)

//go:embed templates/*.tmpl
var templates embed.FS

// htmlTemplate is parsed once; html/template escapes every value.
var htmlTemplate = template.Must(template.ParseFS(templates, "templates/report.html.tmpl"))

// htmlView is what the template reads: the report laid out in blocks.
type htmlView struct {
	R        *Report
	Lang     string
	UnitName string
	Head     Letterhead
	Body     []htmlBlock
	Annex    []htmlBlock
}

// htmlBlock is a block as the template writes it.
type htmlBlock struct {
	Heading int // 0: not a heading; else the HTML heading level (h2…h4)
	ID      string
	Text    string
	Class   string // paragraph class: "", "note", "missing"
	Items   []string
	Ordered bool
	Table   *htmlTable
	Chart   template.HTML
	Caption string
}

type htmlTable struct {
	Caption string
	Columns []string
	Rows    [][]htmlCell
}

type htmlCell struct {
	Text    string
	Numeric bool
}

func htmlBlocks(l lang, bs []block) []htmlBlock {
	var out []htmlBlock
	for _, b := range bs {
		switch b.kind {
		case blockHeading:
			out = append(out, htmlBlock{Heading: b.level + 1, ID: b.id, Text: b.text})
		case blockPara:
			out = append(out, htmlBlock{Text: b.text, Class: b.style})
		case blockList:
			out = append(out, htmlBlock{Items: b.items, Ordered: b.ordered})
		case blockTable:
			t := &htmlTable{Caption: b.table.caption, Columns: b.table.columns}
			for _, row := range b.table.rows {
				cells := make([]htmlCell, len(row))
				for i, c := range row {
					cells[i] = htmlCell{Text: c, Numeric: i < len(b.table.numeric) && b.table.numeric[i]}
				}
				t.Rows = append(t.Rows, cells)
			}
			out = append(out, htmlBlock{Table: t})
		case blockChart:
			out = append(out, htmlBlock{Chart: b.chart.SVG(), Caption: l.figureCaption(b.figure, b.chart)})
		}
	}
	return out
}

// WriteHTML writes the report as one self-contained HTML page (styles and
// SVG charts inline, no scripts) laid out for A4 printing as an
// administrative document: the header table, the title, the text, the
// recipients and signature block, then the annex on a new page.
func (r *Report) WriteHTML(w io.Writer) error {
	l := langOf(r.Lang)
	v := htmlView{R: r, Lang: string(l), UnitName: upperFirst(r.UnitName), Head: r.Letterhead,
		Body: htmlBlocks(l, r.body()), Annex: htmlBlocks(l, r.annex())}
	return htmlTemplate.Execute(w, v)
}

// Drawing draws the chart once for its SVG and its PNG, without its title:
// the report's caption under it says what it shows.
func (c Chart) Drawing() *chart.Drawing { return c.draw(true) }

// SVG draws the chart for the report.
func (c Chart) SVG() template.HTML { return c.Drawing().SVG() }

// TitledSVG draws the chart with its title inside, for a page without captions.
func (c Chart) TitledSVG() template.HTML { return c.draw(false).SVG() }

func (c Chart) draw(hideTitle bool) *chart.Drawing {
	l := langOf(c.Lang)
	if c.Kind == "bars" {
		return chart.HBarsDrawing(c.Series, chart.Options{Title: c.Title, Unit: c.Unit, Labels: c.Labels, HideTitle: hideTitle, Reference: c.Reference,
			Format: func(x float64) string { return l.num(x, 1) }})
	}
	return chart.LineDrawing(c.Series, chart.Options{Title: c.Title, Unit: c.Unit, Labels: c.Labels, HideTitle: hideTitle,
		Format: func(x float64) string { return l.num(x, 0) }})
}
