package benchrun

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"planwatch"
)

// ProductOptions configure RunProduct.
type ProductOptions struct {
	Data string // the files of shared/bench/product: targets.csv, values-*.csv
	Bin  string // the planwatch binary; "" = this executable
	Work string // directory for the database; "" = a temporary one, removed afterwards
	// DB, a postgres:// URL, runs on that PostgreSQL server instead of a
	// SQLite file: a new database is made on it for the run and dropped
	// afterwards; the index snapshots go to Work/index-cache
	// (PLANWATCH_INDEX_CACHE of the children).
	DB       string
	Units    []string // units whose status and report are timed (default 20); the dashboard is the first one's
	Period   string   // the period shown (default 2025Q3)
	Runs     int      // runs of status and report after the first (default 5)
	Clients  int      // concurrent clients on the pages of serve (default 200)
	Requests int      // requests of each client to each page (default 3)
	Idle     time.Duration
	JSON     bool
}

// ProductResult is what RunProduct measured; times in seconds unless the
// name says ms.
type ProductResult struct {
	Data          string  `json:"data"`
	Scale         string  `json:"scale"`
	Engine        string  `json:"engine"` // sqlite or postgres
	Values        int64   `json:"values"`
	ValueFiles    int     `json:"value_files"`
	Period        string  `json:"period"`
	LoadAvgStart  float64 `json:"load_average_start"`
	LoadAvgEnd    float64 `json:"load_average_end"`
	InitS         float64 `json:"init_s"`
	TargetsS      float64 `json:"targets_import_s"`
	ImportS       float64 `json:"import_s"` // every values file, one `planwatch import` each
	ImportPerS    float64 `json:"import_values_per_s"`
	ImportPeakMB  float64 `json:"import_peak_rss_mb"`
	DBBytes       int64   `json:"db_bytes"`
	BytesPerValue float64 `json:"db_bytes_per_value"`
	IndexBytes    int64   `json:"index_snapshot_bytes"`

	Commands []CommandResult `json:"commands"`
	Serve    ServeResult     `json:"serve"`
}

// CommandResult is one command timed as a whole process.
type CommandResult struct {
	Command string `json:"command"`
	Unit    string `json:"unit"`
	// FirstS is the first run; for status, right after the import, it reads
	// every change since the index snapshot and writes a new one.
	FirstS float64 `json:"first_s"`
	Later  Timing  `json:"later"`
	PeakMB float64 `json:"peak_rss_mb"`
}

// issue12Before are the figures issue 12 quotes for the realistic province
// set before the one engine; it quotes none for the national set.
var issue12Before = map[string]string{
	"import": "18,000–20,000/s, 1,400 MB", "size": "810–820 bytes/value", "status": "5.5–9.2 s", "report": "8.9 s",
	"first": "9.0 s", "idle": "9.5–10.1 s", "serve": "1,150 MB",
}

// issue12Goals are issue 12's acceptance figures by scale ("" where it sets none).
var issue12Goals = map[string]map[string]string{
	"province": {"import": "≥ 1,000,000/s, ≤ 500 MB", "size": "≤ 100 bytes/value", "status": "≤ 0.3 s", "report": "≤ 0.5 s",
		"first": "≤ 0.5 s", "page": "p99 ≤ 50 ms", "after": "≤ 50 ms, shows the import", "idle": "≤ 50 ms", "serve": "≤ 300 MB"},
	"national": {"import": "≥ 1,000,000/s", "status": "≤ 1 s", "first": "starts in ≤ 5 s", "serve": "≤ 4 GB"},
}

// RunProduct measures planwatch as a user runs it on the realistic data set
// of shared/bench/product: `init`, `import targets.csv` and `import
// values-*.csv` as child processes of the real binary (wall time, peak
// memory, database size), `status --format json` and `report` as whole
// processes (the first run and the median of later ones), then `serve`:
// first dashboard after start, concurrent clients on the pages, the view
// right after another process's import (checked to show it) and after idle
// time, and its memory.
func RunProduct(ctx context.Context, o ProductOptions, w io.Writer) (ProductResult, error) {
	var res ProductResult
	if o.Bin == "" {
		exe, err := os.Executable()
		if err != nil {
			return res, err
		}
		o.Bin = exe
	}
	if len(o.Units) == 0 {
		o.Units = []string{"20"}
	}
	if o.Period == "" {
		o.Period = "2025Q3"
	}
	period, err := planwatch.ParsePeriod(o.Period)
	if err != nil {
		return res, err
	}
	if o.Runs <= 0 {
		o.Runs = 5
	}
	if o.Clients <= 0 {
		o.Clients = 200
	}
	if o.Requests <= 0 {
		o.Requests = 3
	}
	if o.Idle <= 0 {
		o.Idle = 12 * time.Second // beyond the 10 s the web's cache used to live
	}
	files, err := filepath.Glob(filepath.Join(o.Data, "values-*.csv"))
	if err != nil || len(files) == 0 {
		return res, fmt.Errorf("bench: no values-*.csv in %s (generate them with shared/bench/product)", o.Data)
	}
	sort.Strings(files)
	targets := filepath.Join(o.Data, "targets.csv")
	res.Data, res.ValueFiles, res.Period = o.Data, len(files), period.ID()
	for _, f := range files {
		n, err := countRows(f)
		if err != nil {
			return res, err
		}
		res.Values += n
	}
	res.Scale = productScale(res.Values)
	work := o.Work
	if work == "" {
		if work, err = os.MkdirTemp("", "planwatch-product-"); err != nil {
			return res, err
		}
		defer os.RemoveAll(work)
	} else if err := os.MkdirAll(work, 0o755); err != nil {
		return res, err
	}
	db := filepath.Join(work, "planwatch.db")
	res.Engine = "sqlite"
	dbBytes := func() int64 { return dbSize(db) }
	indexBytes := func() int64 { return fileSize(db + ".index") }
	if o.DB != "" {
		if !isPostgres(o.DB) {
			return res, fmt.Errorf("bench: --db %q: a postgres:// URL (a SQLite database goes in --work)", o.DB)
		}
		pg, err := newBenchDatabase(ctx, o.DB)
		if err != nil {
			return res, err
		}
		defer pg.Drop()
		cache := filepath.Join(work, "index-cache")
		if err := os.RemoveAll(cache); err != nil {
			return res, err
		}
		defer setenv("PLANWATCH_INDEX_CACHE", cache)()
		db, res.Engine = pg.URL, "postgres"
		dbBytes = func() int64 { return pg.Size(ctx) }
		indexBytes = func() int64 { return dirSize(cache) }
	}
	for _, suffix := range []string{"", "-wal", "-shm", ".index"} {
		if err := os.Remove(filepath.Join(work, "planwatch.db") + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return res, err
		}
	}
	res.LoadAvgStart = loadAverage()
	progress := func(format string, args ...any) {
		if !o.JSON {
			fmt.Fprintf(w, "  … "+format+"\n", args...)
		}
	}

	// A new user's session: create the database, import the plans, then the values.
	c, err := runChild(ctx, o.Bin, "init", "--db", db)
	if err != nil {
		return res, err
	}
	res.InitS = c.Wall.Seconds()
	if c, err = runChild(ctx, o.Bin, "import", "--db", db, targets); err != nil {
		return res, err
	}
	res.TargetsS = c.Wall.Seconds()
	var importWall time.Duration
	var importPeak int64
	for _, f := range files {
		progress("import %s", filepath.Base(f))
		c, err := runChild(ctx, o.Bin, "import", "--db", db, f)
		if err != nil {
			return res, err
		}
		importWall += c.Wall
		importPeak = max(importPeak, c.MaxRSS)
	}
	res.ImportS = importWall.Seconds()
	res.ImportPerS = float64(res.Values) / importWall.Seconds()
	res.ImportPeakMB = mb(importPeak)
	res.DBBytes = dbBytes()
	res.BytesPerValue = float64(res.DBBytes) / float64(res.Values)

	// status and report as whole processes.
	var probeIndicator string
	for _, unit := range o.Units {
		progress("status --unit %s", unit)
		cr, out, err := timeCommand(ctx, o.Bin, o.Runs, "status --format json", unit,
			"status", "--db", db, "--unit", unit, "--period", period.ID(), "--format", "json")
		if err != nil {
			return res, err
		}
		var st struct {
			Rows []struct {
				Indicator string `json:"indicator"`
			} `json:"rows"`
		}
		if err := json.Unmarshal(out, &st); err != nil || len(st.Rows) == 0 {
			return res, fmt.Errorf("bench: status of %s %s gave no rows (%v)", unit, period.ID(), err)
		}
		if probeIndicator == "" {
			probeIndicator = st.Rows[0].Indicator
		}
		res.Commands = append(res.Commands, cr)
	}
	res.IndexBytes = indexBytes()
	for _, unit := range o.Units {
		progress("report --unit %s", unit)
		out := filepath.Join(work, "report-"+unit+".md")
		cr, _, err := timeCommand(ctx, o.Bin, o.Runs, "report --format md", unit,
			"report", "--db", db, "--unit", unit, "--period", period.ID(), "--format", "md", "-o", out)
		if err != nil {
			return res, err
		}
		res.Commands = append(res.Commands, cr)
	}

	progress("serve")
	res.Serve, err = measureServe(ctx, serveOptions{
		bin: o.Bin, db: db, work: work, files: files, unit: o.Units[0], period: period,
		indicator: probeIndicator, clients: o.Clients, requests: o.Requests, idle: o.Idle, progress: progress,
	})
	res.LoadAvgEnd = loadAverage()
	if err != nil {
		return res, err
	}
	if o.JSON {
		b, _ := json.Marshal(res)
		fmt.Fprintln(w, string(b))
	} else {
		res.WriteTable(w)
	}
	if !res.Serve.AfterImport.Visible {
		return res, fmt.Errorf("bench: %s", res.Serve.AfterImport.Check)
	}
	return res, nil
}

// timeCommand runs a command once, then runs more times, and returns the
// timings and the output of the first run.
func timeCommand(ctx context.Context, bin string, runs int, name, unit string, args ...string) (CommandResult, []byte, error) {
	cr := CommandResult{Command: name, Unit: unit}
	first, err := runChild(ctx, bin, args...)
	if err != nil {
		return cr, nil, err
	}
	cr.FirstS = first.Wall.Seconds()
	peak := first.MaxRSS
	var later []time.Duration
	for range runs {
		c, err := runChild(ctx, bin, args...)
		if err != nil {
			return cr, nil, err
		}
		later = append(later, c.Wall)
		peak = max(peak, c.MaxRSS)
	}
	cr.Later, cr.PeakMB = timingOf(later), mb(peak)
	return cr, first.Stdout, nil
}

// productScale names the data set by its size (shared/bench/product/README.md).
func productScale(values int64) string {
	switch values {
	case 592_290:
		return "province"
	case 31_309_260:
		return "national"
	}
	return "custom"
}

// countRows counts the data rows of a CSV file (lines after the header;
// the generator writes no line breaks inside fields).
func countRows(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	var n int64
	var last byte = '\n'
	for {
		k, err := f.Read(buf)
		n += int64(bytes.Count(buf[:k], []byte{'\n'}))
		if k > 0 {
			last = buf[k-1]
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, err
		}
	}
	if last != '\n' {
		n++
	}
	return n - 1, nil
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// dbSize is the size of a SQLite database with its write-ahead log.
func dbSize(path string) int64 {
	return fileSize(path) + fileSize(path+"-wal")
}

// WriteTable prints the result beside the figures issue 12 quotes.
func (r *ProductResult) WriteTable(w io.Writer) {
	fmt.Fprintf(w, "planwatch bench --product — %s set, %d values in %d file(s), period %s (%s), %s\n", r.Scale, r.Values, r.ValueFiles, r.Period, r.Data, r.Engine)
	fmt.Fprintf(w, "load average %.1f at start, %.1f at end\n\n", r.LoadAvgStart, r.LoadAvgEnd)
	goals := issue12Goals[r.Scale]
	before := map[string]string{}
	if r.Scale == "province" {
		before = issue12Before
	}
	fmt.Fprintf(w, "| what the user does | measured | issue 12, before (province) | goal (%s) |\n", r.Scale)
	fmt.Fprintln(w, "|---|---|---|---|")
	row := func(what, got, key string) {
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", what, got, before[key], goals[key])
	}
	row("`planwatch import` values (whole processes)", fmt.Sprintf("%s values/s (%.1f s), peak %.0f MB", thousands(r.ImportPerS), r.ImportS, r.ImportPeakMB), "import")
	row("database size", fmt.Sprintf("%.0f MB, %.0f bytes/value (+ index snapshot %.0f MB)", mb(r.DBBytes), r.BytesPerValue, mb(r.IndexBytes)), "size")
	for _, c := range r.Commands {
		key := "status"
		if c.Command != "status --format json" {
			key = "report"
		}
		row(fmt.Sprintf("`%s --unit %s`", c.Command, c.Unit),
			fmt.Sprintf("%.2f s median of %d (%.2f–%.2f); first after import %.2f s; peak %.0f MB", c.Later.Median, c.Later.N, c.Later.Min, c.Later.Max, c.FirstS, c.PeakMB), key)
	}
	s := &r.Serve
	row("`serve`: first dashboard after start", fmt.Sprintf("%.2f s", s.FirstDashboardS), "first")
	row("dashboard, one client, later views", fmt.Sprintf("%.1f ms median (%.1f–%.1f)", s.Dashboard.Median*1000, s.Dashboard.Min*1000, s.Dashboard.Max*1000), "")
	for _, p := range s.Pages {
		row(fmt.Sprintf("%s, %d concurrent clients", p.Name, p.Clients),
			fmt.Sprintf("later views p50 %.1f ms, p99 %.1f ms, max %.1f ms; each client's first view (opening its connection) p50 %.1f ms, p99 %.1f ms (%d requests, %d errors, %.0f/s, server CPU %.2f ms a view); first view alone %.1f ms", p.P50ms, p.P99ms, p.MaxMs, p.OpeningP50ms, p.OpeningP99ms, p.Requests, p.Errors, p.PerS, p.ServerCPUms, p.FirstMs), "page")
	}
	a := &s.AfterImport
	row("dashboard right after another process's import", fmt.Sprintf("%.1f ms (import of 1 value: %.2f s); %s", a.DashboardMs, a.ImportS, a.Check), "after")
	row(fmt.Sprintf("dashboard after %.0f s idle", s.AfterIdle.IdleS), fmt.Sprintf("%.1f ms", s.AfterIdle.DashboardMs), "idle")
	row("`serve` memory", fmt.Sprintf("%.0f MB resident (peak %.0f MB)", s.RSSMB, s.PeakRSSMB), "serve")
}

// thousands writes n rounded with comma groups: 1,234,567.
func thousands(x float64) string {
	s := fmt.Sprintf("%.0f", x)
	var b []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			b = append(b, ',')
		}
		b = append(b, s[i])
	}
	return string(b)
}

// setenv sets an environment variable of this process (and so of the
// children it starts) and returns what restores it.
func setenv(key, value string) (restore func()) {
	old, had := os.LookupEnv(key)
	os.Setenv(key, value)
	return func() {
		if had {
			os.Setenv(key, old)
		} else {
			os.Unsetenv(key)
		}
	}
}
