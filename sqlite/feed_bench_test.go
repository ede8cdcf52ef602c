package sqlite_test

import (
	"context"
	"os"
	"testing"

	"planwatch"
	"planwatch/sqlite"
)

// BenchmarkCurrentSince reads every current value of a database through the
// change feed, as the analytics index does at its first start. It needs a
// filled database, named by PLANWATCH_BENCH_DB (see BENCHMARKS.md, "Storage:
// import and size"); without one it is skipped.
func BenchmarkCurrentSince(b *testing.B) {
	path := os.Getenv("PLANWATCH_BENCH_DB")
	if path == "" {
		b.Skip("PLANWATCH_BENCH_DB names no database")
	}
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	n := 0
	for b.Loop() {
		n = 0
		if _, err := db.CurrentSince(ctx, 0, func(planwatch.DataValue) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n), "values")
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "values/s")
}
