package main

import (
	"context"
	"flag"
	"fmt"

	"planwatch/benchrun"
)

// cmdBench runs the national-scale analytics benchmark (issue 8) on the
// shared benchmark files: load, Q1–Q4 medians, start-up, peak memory, checksums.
func cmdBench(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	data := fs.String("data", "", "thư mục dữ liệu benchmark / benchmark data directory (orgunits.csv, indicators.csv, targets.csv, data.csv)")
	db := fs.String("db", "", "cơ sở dữ liệu / database path (default: a temporary one, removed afterwards)")
	asJSON := fs.Bool("json", false, "in một đối tượng JSON / print one JSON object")
	runs := fs.Int("runs", 5, "số lần chạy mỗi truy vấn / runs of each query")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *data == "" {
		return fmt.Errorf("bench: --data DIR is required (generate it with shared/bench/gen)")
	}
	_, err := benchrun.Run(ctx, benchrun.Options{Data: *data, DB: *db, JSON: *asJSON, Runs: *runs}, env.Stdout)
	return err
}
