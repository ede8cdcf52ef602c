package benchrun

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"planwatch"
	"planwatch/data"
	"planwatch/postgres/pgtest"
)

func TestCountRows(t *testing.T) {
	dir := t.TempDir()
	for content, want := range map[string]int64{
		"a,b\n1,2\n3,4\n": 2,
		"a,b\n1,2\n3,4":   2, // no final line break
		"a,b\n":           0,
	} {
		p := filepath.Join(dir, "f.csv")
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if got, err := countRows(p); err != nil || got != want {
			t.Errorf("countRows(%q) = %d, %v; want %d", content, got, err, want)
		}
	}
}

func TestDashboardValue(t *testing.T) {
	page := []byte(`<tr class="st-at_risk" data-code="a.b"><td>x</td><td class="num value" data-label="Giá trị">1.234,5 tấn</td></tr>` +
		`<tr class="st-on_track" data-code="c.d"><td>y</td><td class="num value" data-label="Giá trị">—</td></tr>`)
	if v, ok := dashboardValue(page, "a.b"); !ok || v != 1234.5 {
		t.Errorf("a.b = %v, %v; want 1234.5", v, ok)
	}
	if _, ok := dashboardValue(page, "c.d"); ok {
		t.Error("a missing figure read as a number")
	}
	if _, ok := dashboardValue(page, "e.f"); ok {
		t.Error("an absent row read as a number")
	}
}

func TestQuantile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i))
	}
	if q := quantile(d, 0.5); q != 50 {
		t.Errorf("p50 = %d, want 50", q)
	}
	if q := quantile(d, 0.99); q != 99 {
		t.Errorf("p99 = %d, want 99", q)
	}
	if q := quantile(d[:1], 0.99); q != 1 {
		t.Errorf("p99 of one = %d, want 1", q)
	}
}

// smallProductSet writes a few communes of province 20 for 2024–2025 in
// the generator's format, with a plan for the province.
func smallProductSet(t *testing.T) string {
	t.Helper()
	inds, err := data.Indicators()
	if err != nil {
		t.Fatal(err)
	}
	units, trans, err := data.OrgUnits()
	if err != nil {
		t.Fatal(err)
	}
	h := planwatch.NewHierarchy(units, trans)
	var flows []planwatch.Indicator
	for _, ind := range inds {
		if _, scale := ind.BaseUnit(); scale == 1 && ind.TimeAgg == planwatch.TimeSum && ind.UnitAgg == planwatch.UnitSum && len(flows) < 3 {
			flows = append(flows, ind)
		}
	}
	if len(flows) == 0 {
		t.Fatal("no flow counted in its base unit in the catalogue")
	}
	dir := t.TempDir()
	write := func(name string, rows [][]string) {
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		w.WriteAll(rows)
		if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	values := [][]string{{"indicator", "orgunit", "period", "value", "unit"}}
	targets := [][]string{{"indicator", "orgunit", "year", "value", "kind", "unit"}}
	for _, ind := range flows {
		for _, y := range []int{2024, 2025} {
			for m := 1; m <= 9; m++ {
				p := planwatch.MonthOf(y, m)
				communes := h.ChildrenAt("20", p.End())
				if len(communes) > 4 {
					communes = communes[:4]
				}
				for i, c := range communes {
					// Under the 2022 lists the province's children are districts: their communes.
					if u, _ := h.At(c, p.End()); u.Level == planwatch.LevelDistrict {
						if cs := h.ChildrenAt(c, p.End()); len(cs) > 0 {
							c = cs[0]
						}
					}
					values = append(values, []string{ind.Code, c, p.ID(), fmt.Sprintf("%d,5", 100+10*i+m), ind.Unit})
				}
			}
		}
		targets = append(targets, []string{ind.Code, "20", "2025", "5000", "KH", ind.Unit})
	}
	write("values-000.csv", values)
	write("targets.csv", targets)
	return dir
}

// The product benchmark runs the real binary end to end on a small set:
// imports, status and report, serve under a few clients, and the dashboard
// right after another process's import shows the imported value.
func TestRunProductSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds the planwatch binary")
	}
	dir := smallProductSet(t)
	bin := filepath.Join(t.TempDir(), "planwatch")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/planwatch").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	var out bytes.Buffer
	res, err := RunProduct(context.Background(), ProductOptions{Data: dir, Bin: bin, Runs: 1, Clients: 3, Requests: 2, Idle: 10 * time.Millisecond}, &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	rows, _ := countRows(filepath.Join(dir, "values-000.csv"))
	if res.Values != rows || res.Scale != "custom" {
		t.Errorf("values %d (%s), want %d (custom)", res.Values, res.Scale, rows)
	}
	if !res.Serve.AfterImport.Visible || !strings.HasPrefix(res.Serve.AfterImport.Check, "shown:") {
		t.Errorf("the import was not seen: %s", res.Serve.AfterImport.Check)
	}
	if len(res.Commands) != 2 || res.Commands[0].Later.N != 1 || len(res.Serve.Pages) != 6 {
		t.Errorf("commands %+v, pages %d", res.Commands, len(res.Serve.Pages))
	}
	for _, p := range res.Serve.Pages {
		if p.Errors != 0 || p.Requests != 9 || p.OpeningP99ms <= 0 { // 3 clients: an opening view and 2 later ones each
			t.Errorf("%s: %d requests, %d errors", p.Name, p.Requests, p.Errors)
		}
	}
	if res.ImportPerS <= 0 || res.BytesPerValue <= 0 || res.Serve.FirstDashboardS <= 0 {
		t.Errorf("missing figures: %+v", res)
	}
	if !strings.Contains(out.String(), "| `serve` memory |") {
		t.Errorf("no table:\n%s", out.String())
	}
}

// TestRunProductPostgres: --db postgres://… runs the same measurements on
// a new database of that server, dropped afterwards, with the index
// snapshots in the work directory's cache.
func TestRunProductPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds the planwatch binary")
	}
	srv, err := pgtest.Start()
	if err != nil {
		pgtest.Unavailable(t, err)
	}
	t.Cleanup(func() {
		if err := srv.Stop(); err != nil {
			t.Errorf("stop PostgreSQL: %v", err)
		}
	})
	dir := smallProductSet(t)
	bin := filepath.Join(t.TempDir(), "planwatch")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/planwatch").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	var out bytes.Buffer
	work := t.TempDir()
	res, err := RunProduct(context.Background(), ProductOptions{Data: dir, Bin: bin, Work: work, DB: srv.DSN("postgres"),
		Runs: 1, Clients: 3, Requests: 2, Idle: 10 * time.Millisecond}, &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if res.Engine != "postgres" || !res.Serve.AfterImport.Visible {
		t.Errorf("engine %q, after import %s", res.Engine, res.Serve.AfterImport.Check)
	}
	if res.ImportPerS <= 0 || res.BytesPerValue <= 0 || res.IndexBytes <= 0 {
		t.Errorf("missing figures: import %v/s, %v bytes/value, index %d bytes", res.ImportPerS, res.BytesPerValue, res.IndexBytes)
	}
	var left int
	db, err := sql.Open("pgx", srv.DSN("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.QueryRow(`SELECT count(*) FROM pg_database WHERE datname LIKE 'planwatch_bench_%'`).Scan(&left); err != nil || left != 0 {
		t.Errorf("%d bench databases left (%v)", left, err)
	}
	if os.Getenv("PLANWATCH_INDEX_CACHE") != "" {
		t.Error("PLANWATCH_INDEX_CACHE left set")
	}
}
