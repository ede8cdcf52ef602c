package benchrun

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"planwatch"
	"planwatch/data"
	"planwatch/vi"
)

// ServeResult is what was measured of `planwatch serve`.
type ServeResult struct {
	// FirstDashboardS runs from starting the process to the first
	// dashboard answered in full (the index opened from its snapshot, the
	// status of the unit computed, the page rendered).
	FirstDashboardS float64     `json:"first_dashboard_s"`
	Dashboard       Timing      `json:"dashboard_sequential"` // later views, one client
	Pages           []PageLoad  `json:"pages"`
	AfterImport     AfterImport `json:"after_import"`
	AfterIdle       AfterIdle   `json:"after_idle"`
	RSSMB           float64     `json:"rss_mb"`
	PeakRSSMB       float64     `json:"peak_rss_mb"`
	Stopped         string      `json:"stopped,omitempty"`
}

// PageLoad is the latency of one page under concurrent clients.
type PageLoad struct {
	Name     string  `json:"name"`
	Path     string  `json:"path"`
	FirstMs  float64 `json:"first_ms"` // the first request to it, alone
	Clients  int     `json:"clients"`
	Requests int     `json:"requests"` // every view, the opening ones included
	Errors   int     `json:"errors"`
	Error    string  `json:"error,omitempty"` // the first error
	// The later views, on the visitor's kept connection.
	P50ms float64 `json:"p50_ms"`
	P99ms float64 `json:"p99_ms"`
	MaxMs float64 `json:"max_ms"`
	// The first view of each visitor, which opens its connection while
	// every other visitor opens theirs.
	OpeningP50ms float64 `json:"opening_p50_ms"`
	OpeningP99ms float64 `json:"opening_p99_ms"`
	PerS         float64 `json:"requests_per_s"`
	// ServerCPUms is the server's processor time per view during the
	// load (user and system, from /proc): what a view costs the server,
	// whatever else the machine runs; 0 where unknown.
	ServerCPUms float64 `json:"server_cpu_ms_per_view"`
}

// AfterImport is the dashboard right after another process imported a file.
type AfterImport struct {
	File        string  `json:"file"`
	ImportS     float64 `json:"import_s"`
	DashboardMs float64 `json:"dashboard_ms"`
	Visible     bool    `json:"visible"`
	Check       string  `json:"check"`
}

// AfterIdle is the dashboard after the server had no request for a while.
type AfterIdle struct {
	IdleS       float64 `json:"idle_s"`
	DashboardMs float64 `json:"dashboard_ms"`
}

type pageTarget struct{ name, path string }

type serveOptions struct {
	bin, db, work      string
	files              []string
	unit               string
	period             planwatch.Period
	indicator          string // an indicator with a row in the unit's status
	clients, requests  int
	idle               time.Duration
	progress           func(string, ...any)
	startTimeout       time.Duration
	sequentialRequests int
}

// measureServe starts `planwatch serve` on the database and measures it.
func measureServe(ctx context.Context, o serveOptions) (ServeResult, error) {
	var res ServeResult
	if o.startTimeout == 0 {
		o.startTimeout = 10 * time.Minute
	}
	if o.sequentialRequests == 0 {
		o.sequentialRequests = 20
	}
	addr, err := freeAddr()
	if err != nil {
		return res, err
	}
	base := "http://" + addr
	q := "unit=" + url.QueryEscape(o.unit) + "&period=" + url.QueryEscape(o.period.ID())
	dashboard := base + "/?" + q
	pages := []pageTarget{
		{"dashboard", "/?" + q},
		{"indicator page", "/indicators/" + url.PathEscape(o.indicator) + "?" + q},
		{"report page", "/report?" + q},
		{"completeness page", "/completeness?" + q},
		{"API status", "/api/analytics/status?" + q},
		{"API indicator", "/api/analytics/indicators/" + url.PathEscape(o.indicator) + "?" + q},
	}
	client := &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{
		MaxIdleConns: o.clients + 8, MaxIdleConnsPerHost: o.clients + 8, IdleConnTimeout: time.Minute,
	}}
	defer client.CloseIdleConnections()

	cmd := exec.Command(o.bin, "serve", "--db", o.db, "--addr", addr, "--public")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return res, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() { res.Stopped = stopServe(cmd, exited) }()

	// First dashboard: poll until the server listens and answers.
	for {
		if time.Since(t0) > o.startTimeout {
			return res, fmt.Errorf("bench: serve did not answer within %s\n%s", o.startTimeout, lastLines(logs.String(), 20))
		}
		select {
		case err := <-exited:
			exited <- err
			return res, fmt.Errorf("bench: serve exited: %v\n%s", err, lastLines(logs.String(), 20))
		default:
		}
		code, _, err := get(ctx, client, dashboard)
		if err == nil && code == http.StatusOK {
			break
		}
		if err == nil {
			return res, fmt.Errorf("bench: first dashboard: HTTP %d\n%s", code, lastLines(logs.String(), 20))
		}
		time.Sleep(5 * time.Millisecond)
	}
	res.FirstDashboardS = time.Since(t0).Seconds()

	var seq []time.Duration
	for range o.sequentialRequests {
		d, err := timedGet(ctx, client, dashboard)
		if err != nil {
			return res, err
		}
		seq = append(seq, d)
	}
	res.Dashboard = timingOf(seq)

	for _, p := range pages {
		o.progress("%d clients × %d requests: %s", o.clients, o.requests, p.name)
		cpu0 := procCPU(cmd.Process.Pid)
		pl, err := loadPage(ctx, client, base, p, o.clients, o.requests)
		if err != nil {
			return res, err
		}
		if cpu0 > 0 && pl.Requests > 0 {
			pl.ServerCPUms = ms1(procCPU(cmd.Process.Pid)-cpu0) / float64(pl.Requests)
		}
		res.Pages = append(res.Pages, pl)
	}

	o.progress("another process imports one value")
	if res.AfterImport, err = importThenView(ctx, client, base, o); err != nil {
		return res, err
	}

	o.progress("idle %s", o.idle)
	time.Sleep(o.idle)
	d, err := timedGet(ctx, client, dashboard)
	if err != nil {
		return res, err
	}
	res.AfterIdle = AfterIdle{IdleS: o.idle.Seconds(), DashboardMs: ms1(d)}
	rss, hwm := procStatus(cmd.Process.Pid)
	res.RSSMB, res.PeakRSSMB = mb(rss), mb(hwm)
	return res, nil
}

// stopServe interrupts the server (it saves its index snapshot) and waits.
func stopServe(cmd *exec.Cmd, exited chan error) string {
	select {
	case err := <-exited:
		return fmt.Sprintf("had exited: %v", err)
	default:
	}
	_ = cmd.Process.Signal(os.Interrupt)
	select {
	case <-exited:
		return ""
	case <-time.After(time.Minute):
		_ = cmd.Process.Kill()
		<-exited
		return "killed after a minute"
	}
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// get fetches a URL and reads the whole body.
func get(ctx context.Context, c *http.Client, u string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// timedGet fetches a page that must answer 200 and returns how long it took.
func timedGet(ctx context.Context, c *http.Client, u string) (time.Duration, error) {
	t := time.Now()
	code, _, err := get(ctx, c, u)
	d := time.Since(t)
	if err == nil && code != http.StatusOK {
		err = fmt.Errorf("bench: GET %s: HTTP %d", u, code)
	}
	return d, err
}

func ms1(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// loadPage times one request to a page alone, then clients concurrent
// visitors (see visitor) each opening a connection with a first view and
// then viewing the page n times more, one after the other, as a browser
// does on a kept connection. The later views are the issue's "every later
// view"; the first views, each opening a connection at the same moment as
// the other clients', are reported beside them.
func loadPage(ctx context.Context, c *http.Client, base string, p pageTarget, clients, n int) (PageLoad, error) {
	pl := PageLoad{Name: p.name, Path: p.path, Clients: clients}
	first, err := timedGet(ctx, c, base+p.path)
	if err != nil {
		return pl, err
	}
	pl.FirstMs = ms1(first)
	var mu sync.Mutex
	var later, opening []time.Duration
	var firstErr error
	var wg sync.WaitGroup
	t0 := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := newVisitor(base, p.path)
			if err != nil {
				mu.Lock()
				firstErr = cmp.Or(firstErr, err)
				mu.Unlock()
				return
			}
			defer v.close()
			mine, opened := make([]time.Duration, 0, n+1), make([]time.Duration, 0, 1)
			bad := 0
			var why error
			for i := range n + 1 {
				t := time.Now()
				_, err := v.view(ctx)
				d := time.Since(t)
				if err != nil {
					bad++
					why = cmp.Or(why, err)
				}
				if i == 0 {
					opened = append(opened, d)
				} else {
					mine = append(mine, d)
				}
			}
			mu.Lock()
			later, opening = append(later, mine...), append(opening, opened...)
			pl.Errors += bad
			firstErr = cmp.Or(firstErr, why)
			mu.Unlock()
		}()
	}
	wg.Wait()
	wall := time.Since(t0)
	if len(later) == 0 {
		return pl, fmt.Errorf("bench: %s: no views: %v", p.name, firstErr)
	}
	slices.Sort(later)
	slices.Sort(opening)
	pl.Requests = len(later) + len(opening)
	pl.P50ms, pl.P99ms, pl.MaxMs = ms1(quantile(later, 0.5)), ms1(quantile(later, 0.99)), ms1(later[len(later)-1])
	pl.OpeningP50ms, pl.OpeningP99ms = ms1(quantile(opening, 0.5)), ms1(quantile(opening, 0.99))
	pl.PerS = float64(pl.Requests) / wall.Seconds()
	if pl.Errors > 0 {
		pl.Error = firstErr.Error()
	}
	return pl, nil
}

// probe is one value of the data set the import changes: a commune's value
// of a flow counted in its base unit, within the period shown, under the
// unit shown.
type probe struct {
	indicator, orgunit, period, unit string
	value                            float64
}

// importThenView has another process import a one-row file that raises one
// commune's value within the period by delta, then times the next
// dashboard, and checks that it shows the unit's figure raised by delta
// (and that the API says the same).
func importThenView(ctx context.Context, c *http.Client, base string, o serveOptions) (AfterImport, error) {
	const delta = 1000
	var a AfterImport
	pr, err := findProbe(o.files, o.unit, o.period)
	if err != nil {
		return a, err
	}
	q := "unit=" + url.QueryEscape(o.unit) + "&period=" + url.QueryEscape(o.period.ID())
	before, err := apiValue(ctx, c, base+"/api/analytics/status?"+q, pr.indicator)
	if err != nil {
		return a, err
	}
	a.File = filepath.Join(o.work, "one-value.csv")
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	cw.Write([]string{"indicator", "orgunit", "period", "value", "unit"})
	cw.Write([]string{pr.indicator, pr.orgunit, pr.period, strings.Replace(strconv.FormatFloat(pr.value+delta, 'f', -1, 64), ".", ",", 1), pr.unit})
	cw.Flush()
	if err := os.WriteFile(a.File, buf.Bytes(), 0o644); err != nil {
		return a, err
	}
	imp, err := runChild(ctx, o.bin, "import", "--db", o.db, a.File)
	if err != nil {
		return a, err
	}
	a.ImportS = imp.Wall.Seconds()
	t := time.Now()
	code, page, err := get(ctx, c, base+"/?"+q)
	a.DashboardMs = ms1(time.Since(t))
	if err != nil || code != http.StatusOK {
		return a, fmt.Errorf("bench: dashboard after the import: HTTP %d, %v", code, err)
	}
	want := before + delta
	shown, ok := dashboardValue(page, pr.indicator)
	after, err := apiValue(ctx, c, base+"/api/analytics/status?"+q, pr.indicator)
	if err != nil {
		return a, err
	}
	a.Visible = ok && math.Abs(shown-want) <= 0.5 && math.Abs(after-want) <= 1e-6*math.Max(1, math.Abs(want))
	a.Check = fmt.Sprintf("%s of %s raised by %d: %s %s → the dashboard shows %s for %s (want %s)", pr.indicator, pr.orgunit, delta,
		o.unit, vi.FormatNumber(before, 2), vi.FormatNumber(shown, 2), o.unit, vi.FormatNumber(want, 2))
	if a.Visible {
		a.Check = "shown: " + a.Check
	} else {
		a.Check = "NOT SHOWN: " + a.Check
	}
	return a, nil
}

// findProbe finds in the values files a row of a commune under unit within
// p, of a flow that sums over time and units, written in the indicator's
// base unit.
func findProbe(files []string, unit string, p planwatch.Period) (probe, error) {
	inds, err := data.Indicators()
	if err != nil {
		return probe{}, err
	}
	byCode := map[string]planwatch.Indicator{}
	for _, ind := range inds {
		byCode[ind.Code] = ind
	}
	units, trans, err := data.OrgUnits()
	if err != nil {
		return probe{}, err
	}
	h := planwatch.NewHierarchy(units, trans)
	for _, f := range files {
		pr, err := scanProbe(f, func(ind, org, per, u string) bool {
			in, ok := byCode[ind]
			if !ok || in.TimeAgg != planwatch.TimeSum || in.UnitAgg != planwatch.UnitSum || u != in.Unit {
				return false
			}
			if _, scale := in.BaseUnit(); scale != 1 {
				return false
			}
			rp, err := planwatch.ParsePeriod(per)
			if err != nil || rp.Year != p.Year || rp.First < p.First || rp.Last > p.Last {
				return false
			}
			return org != unit && h.IsAncestor(unit, org, rp.End())
		})
		if err == nil {
			return pr, nil
		}
		if !errors.Is(err, errNoProbe) {
			return probe{}, err
		}
	}
	return probe{}, fmt.Errorf("bench: no value of a commune of %s in %s to change", unit, p.ID())
}

var errNoProbe = errors.New("no probe")

func scanProbe(path string, fits func(ind, org, per, unit string) bool) (probe, error) {
	f, err := os.Open(path)
	if err != nil {
		return probe{}, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.ReuseRecord = true
	head, err := r.Read()
	if err != nil {
		return probe{}, err
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	for _, need := range []string{"indicator", "orgunit", "period", "value", "unit"} {
		if _, ok := col[need]; !ok {
			return probe{}, fmt.Errorf("%s: no column %s", filepath.Base(path), need)
		}
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return probe{}, errNoProbe
		}
		if err != nil {
			return probe{}, err
		}
		ind, org, per, u := rec[col["indicator"]], rec[col["orgunit"]], rec[col["period"]], rec[col["unit"]]
		if !fits(ind, org, per, u) {
			continue
		}
		x, err := strconv.ParseFloat(strings.Replace(strings.ReplaceAll(rec[col["value"]], ".", ""), ",", ".", 1), 64)
		if err != nil {
			continue
		}
		return probe{indicator: ind, orgunit: org, period: per, unit: u, value: x}, nil
	}
}

// apiValue reads the value of an indicator in /api/analytics/status.
func apiValue(ctx context.Context, c *http.Client, u, indicator string) (float64, error) {
	code, b, err := get(ctx, c, u)
	if err != nil || code != http.StatusOK {
		return 0, fmt.Errorf("bench: GET %s: HTTP %d, %v", u, code, err)
	}
	var st struct {
		Rows []struct {
			Indicator string   `json:"indicator"`
			Value     *float64 `json:"value"`
		} `json:"rows"`
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return 0, err
	}
	for _, r := range st.Rows {
		if r.Indicator == indicator && r.Value != nil {
			return *r.Value, nil
		}
	}
	return 0, fmt.Errorf("bench: %s has no value of %s", u, indicator)
}

// dashboardValue reads the number in the value cell of an indicator's row
// of the dashboard page (Vietnamese format: "34.440,7 tấn").
func dashboardValue(page []byte, indicator string) (float64, bool) {
	s := string(page)
	i := strings.Index(s, `data-code="`+indicator+`"`)
	if i < 0 {
		return 0, false
	}
	s = s[i:]
	j := strings.Index(s, `class="num value"`)
	if j < 0 {
		return 0, false
	}
	s = s[j:]
	k := strings.IndexByte(s, '>')
	if k < 0 {
		return 0, false
	}
	n, _, ok := vi.ParseNumber(strings.TrimSpace(s[k+1:]))
	return n.Value, ok
}
