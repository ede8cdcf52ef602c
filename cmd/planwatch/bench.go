package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"planwatch/benchrun"
)

// cmdBench runs a benchmark: --product DIR measures the product as users run
// it (import, status, report, serve) on the files of shared/bench/product;
// --data DIR runs the analytics workload of issue 8 (Q1–Q4) on the index
// the product uses (package calc).
func cmdBench(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	product := fs.String("product", "", "thư mục dữ liệu thực tế / realistic data directory (targets.csv, values-*.csv of shared/bench/product)")
	data := fs.String("data", "", "thư mục dữ liệu benchmark / benchmark data directory (orgunits.csv, indicators.csv, targets.csv, data.csv)")
	db := fs.String("db", "", "--data: cơ sở dữ liệu / database path (default: a temporary one, removed afterwards); --product: postgres://… URL of a PostgreSQL server, on which a new database is made for the run (default: SQLite)")
	load := fs.String("load", "index", "--data: index (values straight into the index, then its snapshot) | store (through Store.ApplyStream as planwatch import does, then the index follows the store)")
	work := fs.String("work", "", "--product: thư mục làm việc / directory for the database (default: a temporary one, removed afterwards)")
	units := fs.String("unit", "20", "--product: đơn vị / units whose status and report are timed, comma-separated; the dashboard is the first one's")
	period := fs.String("period", "2025Q3", "--product: kỳ / period")
	clients := fs.Int("clients", 200, "--product: số máy khách đồng thời / concurrent clients")
	requests := fs.Int("requests", 3, "--product: số yêu cầu mỗi máy khách mỗi trang / requests per client and page")
	idle := fs.Duration("idle", 12*time.Second, "--product: thời gian rảnh trước lần xem cuối / idle time before the last view")
	asJSON := fs.Bool("json", false, "in một đối tượng JSON / print one JSON object")
	runs := fs.Int("runs", 5, "số lần chạy / runs of each query or command")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	switch {
	case *product != "" && *data != "":
		return fmt.Errorf("bench: --product or --data, not both")
	case *product != "":
		_, err := benchrun.RunProduct(ctx, benchrun.ProductOptions{
			Data: *product, Work: *work, DB: *db, Units: strings.Split(*units, ","), Period: *period,
			Runs: *runs, Clients: *clients, Requests: *requests, Idle: *idle, JSON: *asJSON,
		}, env.Stdout)
		return err
	case *data != "":
		_, err := benchrun.Run(ctx, benchrun.Options{Data: *data, DB: *db, Load: *load, JSON: *asJSON, Runs: *runs}, env.Stdout)
		return err
	}
	return fmt.Errorf("bench: --product DIR (shared/bench/product) or --data DIR (shared/bench/gen) is required")
}
