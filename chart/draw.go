package chart

import (
	"fmt"
	"html/template"
	"math"
	"strings"
)

// A chart is drawn once into a Drawing, a list of simple shapes in the
// coordinates of its viewBox; SVG writes them as markup for the web and the
// HTML report, PNG rasterizes the same shapes for documents that need a
// bitmap (the DOCX report's fallback image). Both show the same chart.
type Drawing struct {
	Width, Height int
	Title         string
	shapes        []shape
}

type shapeKind int

const (
	shapeLine   shapeKind = iota // a straight segment x1,y1 → x2,y2
	shapePath                    // polylines (one per run of points without a gap)
	shapeCircle                  // a filled dot at x1,y1 of radius r
	shapeRect                    // a filled rectangle x1,y1,w,h
	shapeText                    // text at x1,y1 (baseline)
)

type point struct{ x, y float64 }

type shape struct {
	kind           shapeKind
	x1, y1, x2, y2 float64 // line ends; a rect's corner (x1,y1) and size (x2,y2); a circle's centre (x1,y1)
	r              float64
	runs           [][]point // a path's polylines
	color          string    // stroke of lines and paths, fill of dots, rects and text
	width          float64   // stroke width
	dash           string    // "", "dashed" or "dotted"
	text           string
	size           float64 // font size
	bold           bool
	anchor         string // "start", "middle" or "end"
	tip            string // tooltip (SVG <title>)
}

func (d *Drawing) line(x1, y1, x2, y2 float64, color string, width float64, dash string) {
	d.shapes = append(d.shapes, shape{kind: shapeLine, x1: x1, y1: y1, x2: x2, y2: y2, color: color, width: width, dash: dash})
}

func (d *Drawing) text(x, y float64, s string, size float64, bold bool, anchor string) {
	d.shapes = append(d.shapes, shape{kind: shapeText, x1: x, y1: y, text: s, size: size, bold: bold, anchor: anchor, color: "#000"})
}

// SVG writes the drawing as a self-contained <svg> element: no scripts, no
// external references, every text escaped.
func (d *Drawing) SVG() template.HTML {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s" font-family="sans-serif" font-size="11">`,
		d.Width, d.Height, d.Width, d.Height, esc(d.Title))
	fmt.Fprintf(&b, `<title>%s</title>`, esc(d.Title))
	for _, s := range d.shapes {
		switch s.kind {
		case shapeLine:
			fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"%s%s/>`, num(s.x1), num(s.y1), num(s.x2), num(s.y2),
				attr(s.color), strokeWidth(s.width), dash(s.dash))
		case shapePath:
			var p strings.Builder
			for _, run := range s.runs {
				for i, pt := range run {
					op := " L"
					if i == 0 {
						op = " M"
					}
					fmt.Fprintf(&p, "%s%.1f %.1f", op, pt.x, pt.y)
				}
			}
			fmt.Fprintf(&b, `<path d="%s" fill="none" stroke="%s"%s%s/>`, strings.TrimSpace(p.String()), attr(s.color), strokeWidth(s.width), dash(s.dash))
		case shapeCircle:
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="%s" fill="%s"><title>%s</title></circle>`, s.x1, s.y1, num(s.r), attr(s.color), esc(s.tip))
		case shapeRect:
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s</title></rect>`, s.x1, s.y1, s.x2, s.y2, attr(s.color), esc(s.tip))
		case shapeText:
			b.WriteString(`<text x="` + num(s.x1) + `" y="` + num(s.y1) + `"`)
			if s.anchor != "" && s.anchor != "start" {
				b.WriteString(` text-anchor="` + s.anchor + `"`)
			}
			if s.size != 11 {
				fmt.Fprintf(&b, ` font-size="%s"`, num(s.size))
			}
			if s.bold {
				b.WriteString(` font-weight="bold"`)
			}
			b.WriteString(">" + esc(s.text) + "</text>")
		}
	}
	b.WriteString("</svg>")
	return template.HTML(b.String())
}

// num writes a coordinate: integers without a fraction, others to 0.1.
func num(x float64) string {
	if x == math.Trunc(x) {
		return fmt.Sprintf("%d", int(x))
	}
	return fmt.Sprintf("%.1f", x)
}

func strokeWidth(w float64) string {
	if w == 0 || w == 1 {
		return ""
	}
	return ` stroke-width="` + num(w) + `"`
}
