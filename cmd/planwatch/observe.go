package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"planwatch"
	"planwatch/calc"
	"planwatch/internal/engine"
	"planwatch/metrics"
	"planwatch/ops"
)

// newLogger logs to w as text (logfmt) or JSON, each record with the id of
// the request it was logged in.
func newLogger(w io.Writer, format string) (*slog.Logger, error) {
	switch format {
	case "", "text":
		return slog.New(metrics.ContextHandler(slog.NewTextHandler(w, nil))), nil
	case "json":
		return slog.New(metrics.ContextHandler(slog.NewJSONHandler(w, nil))), nil
	}
	return nil, planwatch.Errorf(planwatch.EINVALID, "--log-format %q: text hoặc / or json", format)
}

// registerMetrics adds to reg what serve exposes beside the requests: the
// store's change sets and values written, the analytics index, the last
// scheduled backup (sch may be nil) and the start time.
func registerMetrics(reg *metrics.Registry, store planwatch.Store, live *calc.Live, sch *ops.Scheduler, logger *slog.Logger) {
	started := float64(time.Now().Unix())
	reg.Gauge("planwatch_start_time_seconds", "When this server started (Unix time).", func() float64 { return started })
	reg.Gauge("planwatch_index_values", "Current values in the analytics index.", func() float64 { return float64(live.Dataset().Len()) })
	reg.Gauge("planwatch_index_change", "The store change number the analytics index reflects.", func() float64 { return float64(live.Dataset().Seq()) })
	if ct, ok := store.(interface {
		ChangeTotals(context.Context) ([]engine.ChangeTotal, error)
	}); ok {
		var totals func() []engine.ChangeTotal
		totals = func() []engine.ChangeTotal {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			ts, err := ct.ChangeTotals(ctx)
			if err != nil {
				logger.Warn("metrics: change totals", "err", err)
			}
			return ts
		}
		reg.Func("planwatch_change_sets_total", "Change sets committed to the database (imports, forms, API writes, catalogue changes, approvals), by kind and source of their values.",
			"counter", func() []metrics.Sample {
				var out []metrics.Sample
				for _, t := range totals() {
					out = append(out, metrics.Sample{Labels: [][2]string{{"kind", t.Kind}, {"source", t.Source}}, Value: float64(t.Sets)})
				}
				return out
			})
		reg.Func("planwatch_values_written_total", "Values imported, updated or deleted by the committed change sets, by source.",
			"counter", func() []metrics.Sample {
				bySource := map[string]int64{}
				var order []string
				for _, t := range totals() {
					if _, ok := bySource[t.Source]; !ok {
						order = append(order, t.Source)
					}
					bySource[t.Source] += t.Values
				}
				var out []metrics.Sample
				for _, s := range order {
					out = append(out, metrics.Sample{Labels: [][2]string{{"source", s}}, Value: float64(bySource[s])})
				}
				return out
			})
	}
	if sch != nil {
		last := func(f func(ops.BackupResult) float64) func() float64 { return func() float64 { return f(sch.Last()) } }
		reg.Gauge("planwatch_backup_last_time_seconds", "When the last scheduled backup ended (Unix time; 0: none yet).",
			last(func(r ops.BackupResult) float64 {
				if r.At.IsZero() {
					return 0
				}
				return float64(r.At.Unix())
			}))
		reg.Gauge("planwatch_backup_last_success", "1 if the last scheduled backup succeeded, 0 if it failed or none ran yet.",
			last(func(r ops.BackupResult) float64 {
				if r.OK {
					return 1
				}
				return 0
			}))
		reg.Gauge("planwatch_backup_last_duration_seconds", "How long the last scheduled backup took.",
			last(func(r ops.BackupResult) float64 { return r.Duration.Seconds() }))
		reg.Gauge("planwatch_backup_last_bytes", "Size of the last scheduled backup file.",
			last(func(r ops.BackupResult) float64 { return float64(r.Bytes) }))
	}
}

// serveMetrics serves reg at /metrics on addr, its own listener (kept off
// the public one), until ctx is done.
func serveMetrics(ctx context.Context, env *Env, addr string, reg *metrics.Registry, logger *slog.Logger) (wait func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("mở cổng số đo / metrics listen %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", reg)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	fmt.Fprintf(env.Stdout, "số đo / metrics: http://%s/metrics\n", ln.Addr())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("metrics server", "err", err)
		}
	}()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	return func() { <-done }, nil
}
