package benchrun

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"planwatch/colstore"
)

// Options configure Run.
type Options struct {
	Data string // directory with orgunits.csv, indicators.csv, targets.csv, data.csv
	DB   string // database path; "" = a temporary one, removed afterwards
	JSON bool   // print one JSON object instead of the table
	Runs int    // runs of each query (default 5)
}

// Result is what Run measured. The JSON names are those of issue 8.
type Result struct {
	Scale          string  `json:"scale"`
	Values         int64   `json:"values"`
	LoadValuesPerS float64 `json:"load_values_per_s"`
	Q1ms           float64 `json:"q1_ms"`
	Q2ms           float64 `json:"q2_ms"`
	Q3ms           float64 `json:"q3_ms"`
	Q4us           float64 `json:"q4_us"`
	Q1msMin        float64 `json:"q1_ms_min"`
	Q2msMin        float64 `json:"q2_ms_min"`
	Q3msMin        float64 `json:"q3_ms_min"`
	Q4usMin        float64 `json:"q4_us_min"`
	StartupS       float64 `json:"startup_s"`
	PeakRSSMB      float64 `json:"peak_rss_mb"`
	ChecksumsOK    bool    `json:"checksums_ok"`
	Checksums      string  `json:"checksums"` // what was checked, or why not
}

// Run loads the data into a fresh database, times the queries, reopens the
// database to time start-up, checks the checksums and prints the result to w.
func Run(ctx context.Context, o Options, w io.Writer) (Result, error) {
	var res Result
	if o.Runs <= 0 {
		o.Runs = 5
	}
	path := o.DB
	if path == "" {
		tmp, err := os.MkdirTemp("", "planwatch-bench-")
		if err != nil {
			return res, err
		}
		defer os.RemoveAll(tmp)
		path = filepath.Join(tmp, "planwatch.db")
	}
	db, err := colstore.Open(ctx, path)
	if err != nil {
		return res, err
	}
	st, err := Load(ctx, db, o.Data)
	if err != nil {
		db.Close()
		return res, err
	}
	res.Values = st.Values
	res.LoadValuesPerS = float64(st.Values) / st.Elapsed.Seconds()
	exp, known := ExpectedFor(st.Units, st.Values)
	res.Scale = exp.Scale
	if !known {
		res.Scale = "unknown"
	}

	c := db.Cube()
	var sums [4]string
	t1 := timeRuns(o.Runs, func() { sums[0] = Checksum(RenderQ1(Q1(c))) }, func() { Q1(c) })
	t2 := timeRuns(o.Runs, func() { r, _ := Q2(c); sums[1] = Checksum(RenderQ2(r)) }, func() { Q2(c) })
	t3 := timeRuns(o.Runs, func() { r, _ := Q3(c); sums[2] = Checksum(RenderQ3(r)) }, func() { Q3(c) })
	keys := NewLookupKeys(c)
	var q4sum float64
	var found int
	t4 := timeRuns(o.Runs, func() {}, func() { q4sum, found = Q4(c, keys) })
	sums[3] = fmt.Sprintf("%.2f", q4sum)
	res.Q1ms, res.Q1msMin = ms(t1)
	res.Q2ms, res.Q2msMin = ms(t2)
	res.Q3ms, res.Q3msMin = ms(t3)
	q4med, q4min := ms(t4)
	res.Q4us, res.Q4usMin = q4med*1000/Lookups, q4min*1000/Lookups
	c = nil
	if err := db.Close(); err != nil {
		return res, err
	}

	// Start-up: reopen the stored data from disk into a ready cube, after
	// the first cube's memory is given back (its cleanup runs after a GC).
	db = nil
	runtime.GC()
	time.Sleep(100 * time.Millisecond)
	debug.FreeOSMemory()
	t0 := time.Now()
	db, err = colstore.Open(ctx, path)
	if err != nil {
		return res, err
	}
	res.StartupS = time.Since(t0).Seconds()
	after := Checksum(RenderQ1(Q1(db.Cube())))
	db.Close()
	res.PeakRSSMB = peakRSSMB()

	switch {
	case !known:
		res.Checksums = "not checked: unknown scale"
	case found != Lookups:
		res.Checksums = fmt.Sprintf("Q4 found %d of %d keys", found, Lookups)
	default:
		var bad []string
		for i, want := range [4]string{exp.Q1, exp.Q2, exp.Q3, exp.Q4} {
			if sums[i] != want {
				bad = append(bad, fmt.Sprintf("Q%d %s ≠ %s", i+1, sums[i], want))
			}
		}
		if after != exp.Q1 {
			bad = append(bad, "Q1 after restart "+after+" ≠ "+exp.Q1)
		}
		res.ChecksumsOK = len(bad) == 0
		res.Checksums = "Q1–Q4 equal to the " + exp.Scale + " checksums (Q1 also after restart)"
		if len(bad) > 0 {
			res.Checksums = "MISMATCH: " + strings.Join(bad, "; ")
		}
	}

	if o.JSON {
		b, _ := json.Marshal(res)
		fmt.Fprintln(w, string(b))
	} else {
		fmt.Fprintf(w, "planwatch bench — %s scale, %d values (%s)\n", res.Scale, res.Values, o.Data)
		fmt.Fprintf(w, "  load (durable):   %.2f M values/s (%.2f s)\n", res.LoadValuesPerS/1e6, st.Elapsed.Seconds())
		fmt.Fprintf(w, "  Q1 quarter report: %8.3f ms median  (min %.3f)\n", res.Q1ms, res.Q1msMin)
		fmt.Fprintf(w, "  Q2 drill-down:     %8.3f ms median  (min %.3f)\n", res.Q2ms, res.Q2msMin)
		fmt.Fprintf(w, "  Q3 trend:          %8.3f ms median  (min %.3f)\n", res.Q3ms, res.Q3msMin)
		fmt.Fprintf(w, "  Q4 lookup:         %8.3f µs median  (min %.3f)\n", res.Q4us, res.Q4usMin)
		fmt.Fprintf(w, "  start-up:          %8.2f s\n", res.StartupS)
		fmt.Fprintf(w, "  peak memory:       %8.0f MB (VmHWM)\n", res.PeakRSSMB)
		fmt.Fprintf(w, "  checksums: %s\n", res.Checksums)
	}
	if known && !res.ChecksumsOK {
		return res, fmt.Errorf("bench: %s", res.Checksums)
	}
	return res, nil
}

// timeRuns times n runs of query (each from issuing it to having every row
// in Go values), then runs check once, untimed, to render the checksum.
func timeRuns(n int, check, query func()) []time.Duration {
	d := make([]time.Duration, n)
	for i := range d {
		t := time.Now()
		query()
		d[i] = time.Since(t)
	}
	check()
	return d
}

// ms returns the median and the minimum in milliseconds.
func ms(d []time.Duration) (med, lo float64) {
	s := slices.Clone(d)
	slices.Sort(s)
	return float64(s[len(s)/2].Nanoseconds()) / 1e6, float64(s[0].Nanoseconds()) / 1e6
}

// peakRSSMB reads the peak resident set size (VmHWM) of this process.
func peakRSSMB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
}
