package chart

import (
	"encoding/xml"
	"io"
	"math"
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
