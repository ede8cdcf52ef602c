package chart

import (
	"math"
	"testing"
)

// BenchmarkPNG rasterizes a year's line chart at the scale the DOCX report uses.
func BenchmarkPNG(b *testing.B) {
	v := func(f func(i int) float64) []float64 {
		out := make([]float64, 12)
		for i := range out {
			out[i] = f(i)
		}
		return out
	}
	d := LineDrawing([]Series{
		{Name: "Năm 2022", Values: v(func(i int) float64 {
			if i > 2 {
				return math.NaN()
			}
			return float64(1950 * (i + 1))
		})},
		{Name: "Năm 2021", Values: v(func(i int) float64 { return float64(1900 * (i + 1)) }), Style: "dashed"},
		{Name: "Kế hoạch 2022 (tiến độ đều)", Values: v(func(i int) float64 { return float64(1886 * (i + 1)) }), Style: "dotted"},
	}, Options{Title: "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng", Unit: "tỷ đồng", Labels: []string{"T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "T10", "T11", "T12"}})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.PNG(2); err != nil {
			b.Fatal(err)
		}
	}
}
