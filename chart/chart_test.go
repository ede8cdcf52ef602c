package chart

import (
	"bytes"
	"encoding/xml"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"os"
	"strings"
	"testing"
)

// wellFormed parses the SVG as XML.
func wellFormed(t *testing.T, svg string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v\n%s", err, svg)
		}
	}
}

func TestLineEscapesAndSkipsGaps(t *testing.T) {
	svg := string(Line([]Series{
		{Name: `Năm 2022 <script>alert("x")</script>`, Values: []float64{1, 2, math.NaN(), 4}},
		{Name: "Kế hoạch & dự toán", Values: []float64{1, 1, 1, 1}, Style: "dashed", Color: `red" onload="x`},
	}, Options{Title: "Tổng mức <bán lẻ>", Unit: "tỷ đồng", Labels: []string{"T1", "T2", "T3", "T4"}}))
	wellFormed(t, svg)
	if strings.Contains(svg, "<script>") || strings.Contains(svg, "onload") {
		t.Errorf("unescaped input in SVG:\n%s", svg)
	}
	if !strings.Contains(svg, "Kế hoạch &amp; dự toán") || !strings.Contains(svg, "Tổng mức &lt;bán lẻ&gt; (tỷ đồng)") {
		t.Errorf("labels missing or not escaped:\n%s", svg)
	}
	// The gap splits the first series into two sub-paths.
	if n := strings.Count(svg, "<path"); n != 2 {
		t.Errorf("paths = %d, want 2", n)
	}
	first := svg[strings.Index(svg, "<path"):]
	first = first[:strings.Index(first, "/>")]
	if strings.Count(first, "M") != 2 {
		t.Errorf("gap not kept: %s", first)
	}
	if !strings.Contains(svg, `stroke-dasharray="6 4"`) {
		t.Error("dashed style not drawn")
	}
	if strings.Count(svg, "<circle") != 7 {
		t.Errorf("circles = %d, want 7 (one per known value)", strings.Count(svg, "<circle"))
	}
}

func TestBarsIncludeZeroAndNegative(t *testing.T) {
	svg := string(Bars([]Series{{Name: "Tăng trưởng", Values: []float64{5, -3, math.NaN()}}},
		Options{Title: "x", Labels: []string{"A", "B", "C"}}))
	wellFormed(t, svg)
	if n := strings.Count(svg, "<rect"); n != 2 {
		t.Errorf("bars = %d, want 2 (NaN skipped)", n)
	}
	lo, hi := valueRange([]Series{{Values: []float64{5, -3}}}, true)
	if lo > -3 || hi < 5 {
		t.Errorf("range [%v, %v] does not cover the data", lo, hi)
	}
}

func TestEmptyChart(t *testing.T) {
	wellFormed(t, string(Line(nil, Options{Title: "trống"})))
	wellFormed(t, string(Bars([]Series{{Name: "a"}}, Options{})))
}

// TestPNGDrawsTheSameChart rasterizes a line chart and finds its parts in
// the bitmap: the size at the scale asked, a white background, each
// series' colour where its line runs, dark text pixels where the title is.
func TestPNGDrawsTheSameChart(t *testing.T) {
	d := LineDrawing([]Series{
		{Name: "Năm 2022", Values: []float64{1, 2, math.NaN(), 4}},
		{Name: "Kế hoạch (tiến độ đều)", Values: []float64{1, 2, 3, 4}, Style: "dotted"},
	}, Options{Title: "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng", Unit: "tỷ đồng", Labels: []string{"T1", "T2", "T3", "T4"}})
	b, err := d.PNG(2)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if got := img.Bounds().Size(); got.X != 1280 || got.Y != 520 {
		t.Fatalf("size %v, want 1280×520 (640×260 at scale 2)", got)
	}
	count := func(want color.RGBA, r image.Rectangle) int {
		n := 0
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
				if c == want {
					n++
				}
			}
		}
		return n
	}
	white := color.RGBA{255, 255, 255, 255}
	if n := count(white, image.Rect(0, 0, 8, 8)); n != 64 {
		t.Errorf("corner is not white (%d of 64 pixels)", n)
	}
	blue := color.RGBA{0x1f, 0x5f, 0xa8, 0xff}
	orange := color.RGBA{0xd9, 0x5f, 0x02, 0xff}
	plot := image.Rect(2*padLeft, 2*padTop, 2*(640-padRight), 2*(260-padBottom))
	if n := count(blue, plot); n < 200 {
		t.Errorf("first series: %d pixels of its colour in the plot, want a line", n)
	}
	if n := count(orange, plot); n < 50 {
		t.Errorf("dotted series: %d pixels of its colour in the plot, want dots", n)
	}
	// The title is drawn in black across the top.
	dark := 0
	for y := 0; y < 2*padTop-8; y++ {
		for x := 2 * padLeft; x < 1200; x++ {
			if r, _, _, _ := img.At(x, y).RGBA(); r < 0x4000 {
				dark++
			}
		}
	}
	if dark < 500 {
		t.Errorf("title: %d dark pixels, want text", dark)
	}
	if os.Getenv("CHART_PNG") != "" {
		_ = os.WriteFile(os.Getenv("CHART_PNG"), b, 0o644)
	}
}
