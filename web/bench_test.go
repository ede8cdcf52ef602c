package web

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"planwatch"
	"planwatch/data"
	"planwatch/sqlite"
)

// provinceStore builds a province-scale store once: the real catalogue and
// units, and for Lạng Sơn's 200 communes of 2022 a quarterly value of every
// indicator that sums over units, for 2021 and 2022Q1–Q2, with provincial
// targets for both years.
var provinceOnce struct {
	sync.Once
	store  planwatch.Store
	values int
	err    error
}

func provinceStore(b *testing.B) (planwatch.Store, int) {
	provinceOnce.Do(func() {
		ctx := context.Background()
		dir, err := filepathTemp()
		if err != nil {
			provinceOnce.err = err
			return
		}
		st, err := sqlite.Open(ctx, filepath.Join(dir, "province.db"))
		if err != nil {
			provinceOnce.err = err
			return
		}
		inds, _ := data.Indicators()
		units, trans, _ := data.OrgUnits()
		if err := st.SaveIndicators(ctx, inds, "bench"); err != nil {
			provinceOnce.err = err
			return
		}
		if err := st.SaveOrgUnits(ctx, units, trans, "bench"); err != nil {
			provinceOnce.err = err
			return
		}
		h := planwatch.NewHierarchy(units, trans)
		at := time.Date(2022, 3, 31, 0, 0, 0, 0, time.UTC)
		var communes []string
		for _, d := range h.ChildrenAt("20", at) {
			communes = append(communes, h.ChildrenAt(d, at)...)
		}
		rng := rand.New(rand.NewPCG(1, 2))
		cs := &planwatch.ChangeSet{By: "bench", From: "bench"}
		periods := []string{"2021Q1", "2021Q2", "2021Q3", "2021Q4", "2022Q1", "2022Q2"}
		for _, ind := range inds {
			if ind.UnitAgg != planwatch.UnitSum {
				continue
			}
			_, scale := ind.BaseUnit()
			total := 0.0
			for _, c := range communes {
				for _, p := range periods {
					v := float64(10+rng.IntN(90)) * scale
					if ind.Kind == planwatch.KindCount {
						v = float64(1 + rng.IntN(20))
					}
					total += v
					cs.Values = append(cs.Values, planwatch.DataValue{Key: planwatch.Key{Indicator: ind.Code, Unit: c, Period: planwatch.MustPeriod(p)},
						Basis: planwatch.BasisPeriod, Vintage: planwatch.Official, Value: planwatch.Float(v), Source: planwatch.Source{Kind: planwatch.SourceIllustrative, Ref: "bench"}})
				}
			}
			for _, y := range []int{2021, 2022} {
				cs.Targets = append(cs.Targets, planwatch.Target{Indicator: ind.Code, Unit: "20", Year: y, Kind: planwatch.TargetPlan, Value: total / 3, Version: 1, Source: planwatch.Source{Kind: planwatch.SourceIllustrative}})
			}
		}
		if _, err := st.Apply(ctx, cs); err != nil {
			provinceOnce.err = err
			return
		}
		provinceOnce.store, provinceOnce.values = st, len(cs.Values)
	})
	if provinceOnce.err != nil {
		b.Fatal(provinceOnce.err)
	}
	return provinceOnce.store, provinceOnce.values
}

func benchPage(b *testing.B, path string, cold bool) {
	st, n := provinceStore(b)
	s := newTestServer(b, Config{Store: st, DefaultUnit: "20", DefaultPeriod: "2022Q2"})
	get := func() {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != 200 {
			b.Fatalf("%s: %d", path, rec.Code)
		}
	}
	get() // load the dataset (and, warm, the page's analytics) outside the timing
	b.ReportMetric(float64(n), "values")
	b.ResetTimer()
	for b.Loop() {
		if cold {
			s.invalidate()
		}
		get()
	}
}

// BenchmarkDashboard is the dashboard of the province for a quarter, with
// the analytics dataset already loaded (the steady state between writes).
func BenchmarkDashboard(b *testing.B) { benchPage(b, "/?unit=20&period=2022Q2", false) }

// BenchmarkDashboardCold reloads the dataset from the store first, as the
// first request after a write does.
func BenchmarkDashboardCold(b *testing.B) { benchPage(b, "/?unit=20&period=2022Q2", true) }

// BenchmarkIndicatorPage is one indicator with its trend, breakdown by
// district and stored values.
func BenchmarkIndicatorPage(b *testing.B) {
	benchPage(b, "/indicators/trade.retail_sales_services?unit=20&period=2022Q2", false)
}

func filepathTemp() (string, error) {
	return mkdirTemp("planwatch-bench-")
}

func mkdirTemp(prefix string) (string, error) { return os.MkdirTemp("", prefix) }

// BenchmarkDashboardAfterWrite is one value written through the server
// (the API) and then the dashboard: the cached dataset is patched with the
// touched series instead of being reloaded.
func BenchmarkDashboardAfterWrite(b *testing.B) {
	st, n := provinceStore(b)
	s := newTestServer(b, Config{Store: st, DefaultUnit: "20", DefaultPeriod: "2022Q2"})
	get := func(method, path, body string) {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body.String())
		}
	}
	get("GET", "/?unit=20&period=2022Q2", "")
	b.ReportMetric(float64(n), "values")
	i := 0
	for b.Loop() {
		i++
		get("POST", "/api/values", fmt.Sprintf(`[{"indicator":"trade.retail_sales_services","orgunit":"20","period":"2022Q2","value":%d}]`, 1000+i))
		get("GET", "/?unit=20&period=2022Q2", "")
	}
}
