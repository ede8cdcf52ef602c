// Package chart draws small, self-contained SVG charts (lines and bars) for
// reports and web pages: no JavaScript, no external files, labels escaped, so
// the markup can be inlined in HTML that is printed or served offline.
package chart

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"
)

// Series is one named sequence of values, aligned with Options.Labels.
// A NaN value is a gap (missing data), never drawn as zero.
type Series struct {
	Name   string
	Values []float64
	// Style is "solid" (default), "dashed" or "dotted".
	Style string
	// Color is a CSS color; empty picks one from the palette.
	Color string
}

// Options shape a chart.
type Options struct {
	Title  string
	Labels []string // x-axis labels, one per value
	Unit   string   // shown after the title
	// HideTitle leaves the title out of the picture (it still labels the
	// SVG for screen readers): for a chart under a caption that says it.
	HideTitle bool
	// Reference draws a dashed line at this value (HBarsDrawing), e.g. 100
	// for percentages of a base; 0 draws none.
	Reference float64
	Width     int // default 640
	Height    int // default 260
	// Format writes axis values; default: plain with up to one decimal.
	Format func(float64) string
}

// Palette is the default series colours (colour-blind safe, print friendly).
var Palette = []string{"#1f5fa8", "#d95f02", "#555555", "#1b9e77", "#7570b3", "#e7298a"}

const (
	padLeft   = 64
	padRight  = 16
	padTop    = 34
	padBottom = 48
)

func (o *Options) defaults() {
	if o.Width <= 0 {
		o.Width = 640
	}
	if o.Height <= 0 {
		o.Height = 260
	}
	if o.Format == nil {
		o.Format = func(x float64) string { return trimFloat(x) }
	}
}

func trimFloat(x float64) string {
	s := fmt.Sprintf("%.1f", x)
	return strings.TrimSuffix(s, ".0")
}

// Line draws the series as lines over the labels, as SVG.
func Line(series []Series, opt Options) template.HTML { return LineDrawing(series, opt).SVG() }

// Bars draws grouped bars (one group per label, one bar per series), as SVG.
func Bars(series []Series, opt Options) template.HTML { return BarsDrawing(series, opt).SVG() }

// LineDrawing draws the series as lines over the labels.
func LineDrawing(series []Series, opt Options) *Drawing {
	opt.defaults()
	lo, hi := valueRange(series, false)
	c := newCanvas(opt, lo, hi)
	c.frame()
	n := len(opt.Labels)
	for i, s := range series {
		color := colorOf(s, i)
		var runs [][]point
		var run []point
		var dots []shape
		for j, v := range s.Values {
			if j >= n || math.IsNaN(v) || math.IsInf(v, 0) {
				if len(run) > 0 {
					runs, run = append(runs, run), nil
				}
				continue
			}
			x, y := c.x(j, n), c.y(v)
			run = append(run, point{x, y})
			dots = append(dots, shape{kind: shapeCircle, x1: x, y1: y, r: 2.5, color: color,
				tip: s.Name + " " + label(opt.Labels, j) + ": " + opt.Format(v)})
		}
		if len(run) > 0 {
			runs = append(runs, run)
		}
		// Dots first, then the line over them, as the SVG has always been written.
		c.d.shapes = append(c.d.shapes, dots...)
		if len(runs) > 0 {
			c.d.shapes = append(c.d.shapes, shape{kind: shapePath, runs: runs, color: color, width: 2, dash: s.Style})
		}
	}
	c.legend(series)
	return c.d
}

// BarsDrawing draws grouped bars: one group per label, one bar per series.
func BarsDrawing(series []Series, opt Options) *Drawing {
	opt.defaults()
	lo, hi := valueRange(series, true)
	c := newCanvas(opt, lo, hi)
	c.bars = true
	c.frame()
	n := len(opt.Labels)
	if n > 0 && len(series) > 0 {
		group := float64(c.w) / float64(n)
		bw := group * 0.8 / float64(len(series))
		for i, s := range series {
			color := colorOf(s, i)
			for j, v := range s.Values {
				if j >= n || math.IsNaN(v) || math.IsInf(v, 0) {
					continue
				}
				x := float64(padLeft) + group*float64(j) + group*0.1 + bw*float64(i)
				y0, y1 := c.y(0), c.y(v)
				top, h := math.Min(y0, y1), math.Abs(y1-y0)
				c.d.shapes = append(c.d.shapes, shape{kind: shapeRect, x1: x, y1: top, x2: bw, y2: h, color: color,
					tip: s.Name + " " + label(opt.Labels, j) + ": " + opt.Format(v)})
			}
		}
	}
	c.legend(series)
	return c.d
}

// canvas maps values to the plot area of a drawing.
type canvas struct {
	d      *Drawing
	opt    Options
	lo, hi float64
	w, h   int
	bars   bool
}

func newCanvas(opt Options, lo, hi float64) *canvas {
	title := opt.Title
	if opt.Unit != "" {
		title += " (" + opt.Unit + ")"
	}
	c := &canvas{d: &Drawing{Width: opt.Width, Height: opt.Height, Title: title}, opt: opt, lo: lo, hi: hi,
		w: opt.Width - padLeft - padRight, h: opt.Height - padTop - padBottom}
	if !opt.HideTitle {
		c.d.text(padLeft, 16, title, 13, true, "start")
	}
	return c
}

func (c *canvas) x(j, n int) float64 {
	if n <= 1 {
		return float64(padLeft) + float64(c.w)/2
	}
	return float64(padLeft) + float64(c.w)*float64(j)/float64(n-1)
}

func (c *canvas) y(v float64) float64 {
	return float64(padTop) + float64(c.h)*(1-(v-c.lo)/(c.hi-c.lo))
}

// frame draws the axes, grid lines with values, and the x labels.
func (c *canvas) frame() {
	left, right := float64(padLeft), float64(padLeft+c.w)
	for _, t := range ticks(c.lo, c.hi, 4) {
		y := math.Round(c.y(t)*10) / 10
		c.d.line(left, y, right, y, "#ddd", 1, "")
		c.d.text(left-4, y+4, c.opt.Format(t), 11, false, "end")
	}
	base := float64(padTop + c.h)
	c.d.line(left, base, right, base, "#333", 1, "")
	n := len(c.opt.Labels)
	every := 1
	if n > 12 {
		every = (n + 11) / 12
	}
	for j, l := range c.opt.Labels {
		if j%every != 0 {
			continue
		}
		x := c.x(j, n)
		if c.bars {
			x = float64(padLeft) + float64(c.w)/float64(n)*(float64(j)+0.5)
		}
		c.d.text(math.Round(x*10)/10, base+16, l, 11, false, "middle")
	}
}

func (c *canvas) legend(series []Series) { c.legendAt(float64(c.opt.Height-10), series, "line") }

// legendAt draws the series' names at baseline y, each after a sample of
// its line or, for bars, a square of its colour.
func (c *canvas) legendAt(y float64, series []Series, mark string) {
	x := float64(padLeft)
	for i, s := range series {
		if mark == "rect" {
			c.d.shapes = append(c.d.shapes, shape{kind: shapeRect, x1: x + 5, y1: y - 10, x2: 10, y2: 10, color: colorOf(s, i), tip: s.Name})
		} else {
			c.d.line(x, y-4, x+18, y-4, colorOf(s, i), 2, s.Style)
		}
		c.d.text(x+22, y, s.Name, 11, false, "start")
		x += 30 + 7*float64(len([]rune(s.Name)))
	}
}

// valueRange finds the plotted range, including zero for bars and when
// the data are all of one sign and close to it.
func valueRange(series []Series, withZero bool) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, s := range series {
		for _, v := range s.Values {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if math.IsInf(lo, 1) {
		return 0, 1
	}
	if withZero || lo > 0 {
		lo = math.Min(lo, 0)
	}
	if withZero || hi < 0 {
		hi = math.Max(hi, 0)
	}
	if hi == lo {
		hi = lo + 1
	}
	step := niceStep((hi - lo) / 4)
	return math.Floor(lo/step) * step, math.Ceil(hi/step) * step
}

func niceStep(raw float64) float64 {
	if raw <= 0 {
		return 1
	}
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if raw <= m*mag {
			return m * mag
		}
	}
	return 10 * mag
}

func ticks(lo, hi float64, n int) []float64 {
	step := niceStep((hi - lo) / float64(n))
	var out []float64
	for t := math.Ceil(lo/step) * step; t <= hi+step/1e6; t += step {
		out = append(out, t)
	}
	return out
}

func colorOf(s Series, i int) string {
	if s.Color != "" {
		return s.Color
	}
	return Palette[i%len(Palette)]
}

func dash(style string) string {
	switch style {
	case "dashed":
		return ` stroke-dasharray="6 4"`
	case "dotted":
		return ` stroke-dasharray="2 3"`
	}
	return ""
}

func label(labels []string, j int) string {
	if j < len(labels) {
		return labels[j]
	}
	return ""
}

// esc escapes text for SVG text content and quoted attributes.
func esc(s string) string { return html.EscapeString(s) }

// attr escapes a value for a quoted attribute and keeps it from breaking out
// of a CSS colour (no quotes, angle brackets or semicolons).
func attr(s string) string {
	if strings.ContainsAny(s, `"'<>;&`) {
		return "#000"
	}
	return html.EscapeString(s)
}

// HBarsDrawing draws horizontal grouped bars, one group per label with the
// label on its left (wrapped on two lines), one bar per series with its
// value at its end: for comparing indicators whose names are long. The
// height follows the number of bars; a reference line is drawn at
// opt.Reference when it is not zero (100 for percentages of a base).
func HBarsDrawing(series []Series, opt Options) *Drawing {
	if opt.Width <= 0 {
		opt.Width = 640
	}
	const labelWidth, barHeight, groupGap, top = 230, 14, 12, 8
	n := len(opt.Labels)
	groupHeight := barHeight*max(1, len(series)) + groupGap
	if opt.Height <= 0 {
		opt.Height = top + n*groupHeight + 24 + 28
	}
	opt.defaults()
	lo, hi := valueRange(series, true)
	if opt.Reference != 0 {
		lo, hi = math.Min(lo, 0), math.Max(hi, opt.Reference)
	}
	title := opt.Title
	if opt.Unit != "" {
		title += " (" + opt.Unit + ")"
	}
	d := &Drawing{Width: opt.Width, Height: opt.Height, Title: title}
	y0 := float64(top)
	if !opt.HideTitle {
		d.text(8, 16, title, 13, true, "start")
		y0 += 22
		d.Height += 22
	}
	left, right := float64(labelWidth), float64(opt.Width-48)
	x := func(v float64) float64 { return left + (right-left)*(v-lo)/(hi-lo) }
	bottom := y0 + float64(n*groupHeight)
	for _, t := range ticks(lo, hi, 4) {
		xt := math.Round(x(t)*10) / 10
		d.line(xt, y0, xt, bottom, "#ddd", 1, "")
		d.text(xt, bottom+14, opt.Format(t), 11, false, "middle")
	}
	if opt.Reference != 0 {
		xr := math.Round(x(opt.Reference)*10) / 10
		d.line(xr, y0, xr, bottom, "#333", 1, "dashed")
	}
	d.line(x(0), y0, x(0), bottom, "#333", 1, "")
	for j, l := range opt.Labels {
		gy := y0 + float64(j*groupHeight)
		lines := wrap(l, 36, 2)
		mid := gy + float64(barHeight*max(1, len(series)))/2
		for k, line := range lines {
			d.text(left-6, mid+4+float64(k*13)-float64(len(lines)-1)*6.5, line, 11, false, "end")
		}
		for i, s := range series {
			if j >= len(s.Values) || math.IsNaN(s.Values[j]) || math.IsInf(s.Values[j], 0) {
				continue
			}
			v := s.Values[j]
			by := gy + float64(i*barHeight)
			x0, x1 := x(0), x(v)
			d.shapes = append(d.shapes, shape{kind: shapeRect, x1: math.Min(x0, x1), y1: by + 1, x2: math.Abs(x1 - x0), y2: barHeight - 2,
				color: colorOf(s, i), tip: s.Name + " " + l + ": " + opt.Format(v)})
			d.text(math.Max(x0, x1)+3, by+barHeight-3, opt.Format(v), 10, false, "start")
		}
	}
	c := &canvas{d: d, opt: opt}
	c.legendAt(float64(d.Height-10), series, "rect")
	return d
}

// wrap splits a label into at most n lines of about width characters,
// ending the last with "…" when it had to cut.
func wrap(s string, width, n int) []string {
	words := strings.Fields(s)
	var lines []string
	cur := ""
	for _, w := range words {
		if cur != "" && len([]rune(cur))+1+len([]rune(w)) > width {
			lines = append(lines, cur)
			cur = ""
			if len(lines) == n {
				last := []rune(lines[n-1])
				if len(last) > width-1 {
					last = last[:width-1]
				}
				lines[n-1] = string(last) + "…"
				return lines
			}
		}
		if cur != "" {
			cur += " "
		}
		cur += w
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}
