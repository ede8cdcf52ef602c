package chart

import (
	"bytes"
	_ "embed"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// The PNG fonts: DejaVu Sans subset to the Latin and Vietnamese letters
// (font/SOURCE.md), so that a chart reads the same on every machine.
var (
	//go:embed font/DejaVuSans-vi.ttf
	regularTTF []byte
	//go:embed font/DejaVuSans-Bold-vi.ttf
	boldTTF []byte

	fontsOnce           sync.Once
	regularFont, boldFt *opentype.Font
	fontsErr            error
)

func fonts() (*opentype.Font, *opentype.Font, error) {
	fontsOnce.Do(func() {
		if regularFont, fontsErr = opentype.Parse(regularTTF); fontsErr != nil {
			return
		}
		boldFt, fontsErr = opentype.Parse(boldTTF)
	})
	return regularFont, boldFt, fontsErr
}

// PNG rasterizes the drawing at scale times its size (2 gives a sharp
// image at the width of an A4 text column), on a white background.
func (d *Drawing) PNG(scale float64) ([]byte, error) {
	if scale <= 0 {
		scale = 1
	}
	regular, bold, err := fonts()
	if err != nil {
		return nil, fmt.Errorf("chart: fonts: %w", err)
	}
	w, h := int(math.Ceil(float64(d.Width)*scale)), int(math.Ceil(float64(d.Height)*scale))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	r := &raster{img: img, scale: scale, faces: map[faceKey]font.Face{}, regular: regular, bold: bold}
	defer r.close()
	for _, s := range d.shapes {
		c := parseColor(s.color)
		switch s.kind {
		case shapeLine:
			r.stroke([]point{{s.x1, s.y1}, {s.x2, s.y2}}, s.width, s.dash, c)
		case shapePath:
			for _, run := range s.runs {
				r.stroke(run, s.width, s.dash, c)
			}
		case shapeCircle:
			r.dot(s.x1, s.y1, s.r, c)
		case shapeRect:
			r.fill([]point{{s.x1, s.y1}, {s.x1 + s.x2, s.y1}, {s.x1 + s.x2, s.y1 + s.y2}, {s.x1, s.y1 + s.y2}}, c)
		case shapeText:
			if err := r.text(s, c); err != nil {
				return nil, err
			}
		}
	}
	var buf bytes.Buffer
	// Fast compression: encoding is most of a chart's cost, and the best
	// compression saves little on flat colours.
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type faceKey struct {
	size float64
	bold bool
}

type raster struct {
	img           *image.RGBA
	scale         float64
	faces         map[faceKey]font.Face
	regular, bold *opentype.Font
}

func (r *raster) close() {
	for _, f := range r.faces {
		f.Close()
	}
}

// fill paints a polygon (drawing coordinates) with anti-aliasing, on a
// rasterizer the size of the polygon's bounds.
func (r *raster) fill(poly []point, c color.Color) {
	if len(poly) < 3 {
		return
	}
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range poly {
		minX, minY = math.Min(minX, p.x*r.scale), math.Min(minY, p.y*r.scale)
		maxX, maxY = math.Max(maxX, p.x*r.scale), math.Max(maxY, p.y*r.scale)
	}
	bounds := image.Rect(int(math.Floor(minX)), int(math.Floor(minY)), int(math.Ceil(maxX))+1, int(math.Ceil(maxY))+1).Intersect(r.img.Bounds())
	if bounds.Empty() {
		return
	}
	z := vector.NewRasterizer(bounds.Dx(), bounds.Dy())
	ox, oy := float64(bounds.Min.X), float64(bounds.Min.Y)
	for i, p := range poly {
		x, y := float32(p.x*r.scale-ox), float32(p.y*r.scale-oy)
		if i == 0 {
			z.MoveTo(x, y)
		} else {
			z.LineTo(x, y)
		}
	}
	z.ClosePath()
	z.Draw(r.img, bounds, image.NewUniform(c), image.Point{})
}

// dot paints a filled circle.
func (r *raster) dot(cx, cy, radius float64, c color.Color) {
	const n = 16
	poly := make([]point, n)
	for i := range poly {
		a := 2 * math.Pi * float64(i) / n
		poly[i] = point{cx + radius*math.Cos(a), cy + radius*math.Sin(a)}
	}
	r.fill(poly, c)
}

// stroke paints a polyline of the given width, dashed like the SVG, each
// segment as its own quadrilateral with round joins.
func (r *raster) stroke(pts []point, width float64, style string, c color.Color) {
	if width == 0 {
		width = 1
	}
	var on, off float64
	switch style {
	case "dashed":
		on, off = 6, 4
	case "dotted":
		on, off = 2, 3
	}
	phase := 0.0 // distance along the dash pattern, carried over segments as SVG does
	for i := 1; i < len(pts); i++ {
		a, b := pts[i-1], pts[i]
		length := math.Hypot(b.x-a.x, b.y-a.y)
		if length == 0 {
			continue
		}
		if on == 0 {
			r.segment(a, b, width, c)
			if i < len(pts)-1 && width > 1 {
				r.dot(b.x, b.y, width/2, c)
			}
			continue
		}
		for t := 0.0; t < length; {
			period := math.Mod(phase, on+off)
			var step float64
			if period < on {
				step = math.Min(on-period, length-t)
				p0 := point{a.x + (b.x-a.x)*t/length, a.y + (b.y-a.y)*t/length}
				p1 := point{a.x + (b.x-a.x)*(t+step)/length, a.y + (b.y-a.y)*(t+step)/length}
				r.segment(p0, p1, width, c)
			} else {
				step = math.Min(on+off-period, length-t)
			}
			t += step
			phase += step
		}
	}
}

func (r *raster) segment(a, b point, width float64, c color.Color) {
	length := math.Hypot(b.x-a.x, b.y-a.y)
	if length == 0 {
		return
	}
	nx, ny := -(b.y-a.y)/length*width/2, (b.x-a.x)/length*width/2
	r.fill([]point{{a.x + nx, a.y + ny}, {b.x + nx, b.y + ny}, {b.x - nx, b.y - ny}, {a.x - nx, a.y - ny}}, c)
}

func (r *raster) face(size float64, bold bool) (font.Face, error) {
	k := faceKey{size, bold}
	if f, ok := r.faces[k]; ok {
		return f, nil
	}
	f := r.regular
	if bold {
		f = r.bold
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size * r.scale, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return nil, fmt.Errorf("chart: font face: %w", err)
	}
	r.faces[k] = face
	return face, nil
}

// text draws a label with its baseline at (x, y), anchored as in the SVG.
func (r *raster) text(s shape, c color.Color) error {
	face, err := r.face(s.size, s.bold)
	if err != nil {
		return err
	}
	d := &font.Drawer{Dst: r.img, Src: image.NewUniform(c), Face: face}
	x := s.x1 * r.scale
	switch s.anchor {
	case "middle":
		x -= float64(d.MeasureString(s.text)) / 64 / 2
	case "end":
		x -= float64(d.MeasureString(s.text)) / 64
	}
	d.Dot = fixed.Point26_6{X: fixed.Int26_6(x * 64), Y: fixed.Int26_6(s.y1 * r.scale * 64)}
	d.DrawString(s.text)
	return nil
}

// parseColor reads the colours the charts use: "#rgb", "#rrggbb"; anything
// else is black (attr refuses the same in SVG).
func parseColor(s string) color.Color {
	s = strings.TrimPrefix(s, "#")
	if len(s) == 3 {
		s = string([]byte{s[0], s[0], s[1], s[1], s[2], s[2]})
	}
	if len(s) != 6 {
		return color.Black
	}
	v, err := strconv.ParseUint(s, 16, 32)
	if err != nil {
		return color.Black
	}
	return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xff}
}
