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

	"planwatch/calc"
)

// Options configure Run.
type Options struct {
	Data string // directory with orgunits.csv, indicators.csv, targets.csv, data.csv
	DB   string // database path; "" = a temporary one, removed afterwards
	Load string // LoadIndex (default) or LoadStore
	JSON bool   // print one JSON object instead of the table
	Runs int    // runs of each query (default 5)
}

// Result is what Run measured. The JSON names are those of issue 8; the
// *_first fields are the first run of each query, which computes the
// figures the index then keeps (calc memoises figures until a change
// touches their indicator).
type Result struct {
	Scale          string  `json:"scale"`
	Engine         string  `json:"engine"`
	Load           string  `json:"load"`
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
	Q1msFirst      float64 `json:"q1_ms_first"`
	Q2msFirst      float64 `json:"q2_ms_first"`
	Q3msFirst      float64 `json:"q3_ms_first"`
	Q4usFirst      float64 `json:"q4_us_first"`
	StartupS       float64 `json:"startup_s"`
	PeakRSSMB      float64 `json:"peak_rss_mb"`
	IndexMB        float64 `json:"index_snapshot_mb"`
	LoadAverage    float64 `json:"load_average"`
	ChecksumsOK    bool    `json:"checksums_ok"`
	Checksums      string  `json:"checksums"` // what was checked, or why not
}

// Run loads the data into a fresh database and its index, times the
// queries, reopens the database to time start-up, checks the checksums and
// prints the result to w.
func Run(ctx context.Context, o Options, w io.Writer) (Result, error) {
	res := Result{Engine: "calc"}
	if o.Runs <= 0 {
		o.Runs = 5
	}
	if o.Load == "" {
		o.Load = LoadIndex
	}
	res.Load = o.Load
	res.LoadAverage = loadAverage()
	path := o.DB
	if path == "" {
		tmp, err := os.MkdirTemp("", "planwatch-bench-")
		if err != nil {
			return res, err
		}
		defer os.RemoveAll(tmp)
		path = filepath.Join(tmp, "planwatch.db")
	}
	l, st, err := Load(ctx, o.Data, path, o.Load)
	if err != nil {
		return res, err
	}
	res.Values = st.Values
	res.LoadValuesPerS = float64(st.Values) / st.Elapsed.Seconds()
	exp, known := ExpectedFor(st.Units, st.Values)
	res.Scale = exp.Scale
	if !known {
		res.Scale = "unknown"
	}

	var sums [4]string
	t1 := timeRuns(o.Runs, func() { sums[0] = Checksum(RenderQ1(Q1(l))) }, func() { Q1(l) })
	t2 := timeRuns(o.Runs, func() { sums[1] = Checksum(RenderQ2(Q2(l))) }, func() { Q2(l) })
	t3 := timeRuns(o.Runs, func() { sums[2] = Checksum(RenderQ3(Q3(l))) }, func() { Q3(l) })
	keys := NewLookupKeys(l)
	var q4sum float64
	var found int
	t4 := timeRuns(o.Runs, func() {}, func() { q4sum, found = Q4(l, keys) })
	sums[3] = fmt.Sprintf("%.2f", q4sum)
	res.Q1ms, res.Q1msMin = ms(t1)
	res.Q2ms, res.Q2msMin = ms(t2)
	res.Q3ms, res.Q3msMin = ms(t3)
	q4med, q4min := ms(t4)
	res.Q4us, res.Q4usMin = q4med*1000/Lookups, q4min*1000/Lookups
	res.Q1msFirst, res.Q2msFirst, res.Q3msFirst = msOf(t1[0]), msOf(t2[0]), msOf(t3[0])
	res.Q4usFirst = msOf(t4[0]) * 1000 / Lookups
	if err := l.Close(); err != nil {
		return res, err
	}
	res.IndexMB = mb(fileSize(calc.SnapshotPath(path)))

	// Start-up: open the store and the index from its snapshot, after the
	// first index's memory is given back.
	l = nil
	runtime.GC()
	debug.FreeOSMemory()
	t0 := time.Now()
	l, err = Reopen(ctx, path)
	if err != nil {
		return res, err
	}
	res.StartupS = time.Since(t0).Seconds()
	after := Checksum(RenderQ1(Q1(l)))
	l.Close()
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
		fmt.Fprintf(w, "planwatch bench — %s scale, %d values (%s), index calc, load through the %s; load average %.1f\n", res.Scale, res.Values, o.Data, res.Load, res.LoadAverage)
		fmt.Fprintf(w, "  load (durable):    %.2f M values/s (%.2f s)\n", res.LoadValuesPerS/1e6, st.Elapsed.Seconds())
		fmt.Fprintf(w, "  Q1 quarter report: %8.3f ms median  (min %.3f, first %.3f)\n", res.Q1ms, res.Q1msMin, res.Q1msFirst)
		fmt.Fprintf(w, "  Q2 drill-down:     %8.3f ms median  (min %.3f, first %.3f)\n", res.Q2ms, res.Q2msMin, res.Q2msFirst)
		fmt.Fprintf(w, "  Q3 trend:          %8.3f ms median  (min %.3f, first %.3f)\n", res.Q3ms, res.Q3msMin, res.Q3msFirst)
		fmt.Fprintf(w, "  Q4 lookup:         %8.3f µs median  (min %.3f, first %.3f)\n", res.Q4us, res.Q4usMin, res.Q4usFirst)
		fmt.Fprintf(w, "  start-up:          %8.2f s (store + index snapshot of %.0f MB)\n", res.StartupS, res.IndexMB)
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

func msOf(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

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
