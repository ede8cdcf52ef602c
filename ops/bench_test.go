package ops_test

import (
	"io"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"planwatch/ops"
	"planwatch/sqlite"
)

// BenchmarkBackupVsCopy compares, on the database PLANWATCH_BENCH_DB (the
// province set: see BENCHMARKS.md for how it is built), a backup
// (ops.Backup: what planwatch backup and serve's schedule run) with copying
// the database file (read, write, fsync), alternated run by run so that
// both meet the same load. It reports the fastest and the median of each
// and the ratio of the fastest.
func BenchmarkBackupVsCopy(b *testing.B) {
	path := os.Getenv("PLANWATCH_BENCH_DB")
	if path == "" {
		b.Skip("PLANWATCH_BENCH_DB names the database to back up")
	}
	ctx := b.Context()
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	dir := b.TempDir()
	var backups, copies []time.Duration
	for i := 0; b.Loop(); i++ {
		dst := filepath.Join(dir, "copy.db")
		os.Remove(dst)
		start := time.Now()
		if err := copyAndSync(path, dst); err != nil {
			b.Fatal(err)
		}
		copies = append(copies, time.Since(start))
		file := filepath.Join(dir, "b.backup")
		os.Remove(file)
		start = time.Now()
		if _, err := ops.Backup(ctx, s, file, time.Now()); err != nil {
			b.Fatal(err)
		}
		backups = append(backups, time.Since(start))
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	sort.Slice(copies, func(i, j int) bool { return copies[i] < copies[j] })
	sort.Slice(backups, func(i, j int) bool { return backups[i] < backups[j] })
	b.ReportMetric(ms(copies[0]), "copy-ms-min")
	b.ReportMetric(ms(copies[len(copies)/2]), "copy-ms-median")
	b.ReportMetric(ms(backups[0]), "backup-ms-min")
	b.ReportMetric(ms(backups[len(backups)/2]), "backup-ms-median")
	b.ReportMetric(float64(backups[0])/float64(copies[0]), "ratio-min")
}

func copyAndSync(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
