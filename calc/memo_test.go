package calc

import (
	"fmt"
	"testing"

	"planwatch"
)

// The figures an index remembers are bounded (maxMemoFigures): a reader
// asking for every period from 1900 to 2200 grew them without end until
// the data changed. Past the bound, figures are computed as before and not
// kept, and they are the same.
func TestMemoBounded(t *testing.T) {
	d := testDataset()
	want := d.Value("flow", "P", planwatch.MustPeriod("2022Q1"))
	saved := maxMemoFigures
	maxMemoFigures = 50
	defer func() { maxMemoFigures = saved }()
	for y := 1950; y < 2050; y++ {
		for _, p := range []string{"Q1", "Q2", "Q3", "Q4", ""} {
			d.Status("P", planwatch.MustPeriod(fmt.Sprint(y)+p), DefaultOptions())
		}
	}
	d.memoMu.Lock()
	n := len(d.figures)
	d.memoMu.Unlock()
	if n > maxMemoFigures {
		t.Errorf("%d figures remembered, want at most %d", n, maxMemoFigures)
	}
	if got := d.Value("flow", "P", planwatch.MustPeriod("2022Q1")); got.Value != want.Value || got.OK != want.OK {
		t.Errorf("past the bound: %+v, want %+v", got, want)
	}
}
