package calc

import (
	"os"
	"path/filepath"
	"testing"

	"planwatch"
	"planwatch/data"
	"planwatch/nativecsv"
)

// BenchmarkNationalStatus measures the status of the country and of a
// province on the national product set (about 31 M values written by
// ../shared/bench/product --scale national into the directory named by
// PLANWATCH_NATIONAL), in the index the pages use. The values are read from
// the CSV files once and kept as a snapshot image at PLANWATCH_NATIONAL/index
// for later runs. Each iteration starts with no remembered figures.
func BenchmarkNationalStatus(b *testing.B) {
	dir := os.Getenv("PLANWATCH_NATIONAL")
	if dir == "" {
		b.Skip("PLANWATCH_NATIONAL names no directory with the national product set")
	}
	inds, err := data.Indicators()
	if err != nil {
		b.Fatal(err)
	}
	units, trans, err := data.OrgUnits()
	if err != nil {
		b.Fatal(err)
	}
	d := NewDataset(nil, nil, nil, nil, nil)
	image := filepath.Join(dir, "index")
	img, err := mapFile(image)
	if err == nil {
		if _, _, err = d.readSnapshot(img); err != nil {
			d = NewDataset(nil, nil, nil, nil, nil) // an image of another layout: made again
		}
	}
	if err != nil {
		files, _ := filepath.Glob(filepath.Join(dir, "values-*.csv"))
		for _, f := range files {
			r, err := os.Open(f)
			if err != nil {
				b.Fatal(err)
			}
			cs, err := nativecsv.Read(r, f)
			r.Close()
			if err != nil {
				b.Fatal(err)
			}
			d.Apply(cs.Values)
		}
		tf, err := os.Open(filepath.Join(dir, "targets.csv"))
		if err != nil {
			b.Fatal(err)
		}
		cs, err := nativecsv.Read(tf, "targets.csv")
		tf.Close()
		if err != nil {
			b.Fatal(err)
		}
		d.SetTargets(cs.Targets, nil)
		out, err := os.Create(image)
		if err != nil {
			b.Fatal(err)
		}
		if err := d.WriteSnapshot(out); err != nil {
			b.Fatal(err)
		}
		out.Close()
	}
	d.setCatalogue(inds, units, trans)
	for _, unit := range []string{planwatch.CountryCode, "01", "20"} {
		b.Run(unit, func(b *testing.B) {
			cpu := cpuTime()
			for b.Loop() {
				d.forget(nil)
				if rows := d.Status(unit, planwatch.MustPeriod("2025Q3"), DefaultOptions()); len(rows) == 0 {
					b.Fatal("no rows")
				}
			}
			// On a shared machine the processor time is the figure to compare.
			b.ReportMetric(float64(cpuTime()-cpu)/1e6/float64(b.N), "cpu-ms/op")
		})
	}
}
