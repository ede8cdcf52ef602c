package web

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"planwatch"
	"planwatch/data"
	"planwatch/demo"
	"planwatch/sqlite"
)

// artifactsDir is where screenshots go: $PLANWATCH_ARTEFACTS (scripts/test.sh
// sets it to artefacts/ at the top of the repository, ignored by git; the
// older $PLANWATCH_ARTIFACTS is read too), else a directory under the
// system's temporary directory, named in the test log.
func artifactsDir(t *testing.T) string {
	dir := os.Getenv("PLANWATCH_ARTEFACTS")
	if dir == "" {
		dir = os.Getenv("PLANWATCH_ARTIFACTS")
	}
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "planwatch-artefacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// demoStore is the Lạng Sơn demo on the real catalogue and units.
func demoStore(t testing.TB) planwatch.Store {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "demo.db"), sqlite.WithNow(func() time.Time { return testNow }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	inds, err := data.Indicators()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SaveIndicators(ctx, inds, "test"); err != nil {
		t.Fatal(err)
	}
	units, trans, err := data.OrgUnits()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SaveOrgUnits(ctx, units, trans, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, st, testNow); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestBrowser drives the application in headless Chromium through the
// acceptance scenarios of issue 5.
func TestBrowser(t *testing.T) {
	b := launchBrowser(t)
	s := newTestServer(t, Config{Store: demoStore(t), PublicRead: true})
	srv := httptest.NewServer(s)
	defer srv.Close()
	base := srv.URL
	art := artifactsDir(t)
	q := func(path string, kv ...string) string {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return base + path + "?" + v.Encode()
	}

	t.Run("dashboard", func(t *testing.T) {
		b.t = t
		b.navigate(q("/", "unit", "20", "period", "2022Q1"))
		b.waitFor("document.querySelectorAll('#dashboard tbody tr').length > 5")
		if txt := b.evalString("document.body.innerText"); !strings.Contains(txt, "Lạng Sơn") || !strings.Contains(txt, "quý I/2022") {
			t.Errorf("dashboard text lacks the unit or period:\n%.500s", txt)
		}
		if n := b.eval("document.querySelectorAll('#dashboard .bar .pace').length").(float64); n == 0 {
			t.Error("no expected-pace marker on the plan bars")
		}
		t.Logf("screenshot %s", b.screenshot(art, "dashboard.png"))
		// The same page on a phone.
		b.call("Emulation.setDeviceMetricsOverride", map[string]any{"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": true})
		b.navigate(q("/", "unit", "20", "period", "2022Q1"))
		if w := b.eval("document.documentElement.scrollWidth").(float64); w > 400 {
			t.Errorf("the dashboard is %vpx wide on a 390px phone", w)
		}
		t.Logf("screenshot %s", b.screenshot(art, "dashboard-mobile.png"))
		b.call("Emulation.setDeviceMetricsOverride", map[string]any{"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": false})
		b.navigate(q("/", "unit", "20", "period", "2022Q1", "lang", "en"))
		if txt := b.evalString("document.querySelector('h1').innerText"); txt != "Plan implementation" {
			t.Errorf("English title %q", txt)
		}
		b.navigate(q("/", "lang", "vi"))
	})

	t.Run("indicator", func(t *testing.T) {
		b.t = t
		b.navigate(q("/", "unit", "20", "period", "2022Q1"))
		b.submit("document.querySelector('#dashboard tbody a').click()")
		b.waitFor("location.pathname.startsWith('/indicators/') && document.querySelector('#trend svg')")
		b.navigate(q("/indicators/trade.retail_sales_services", "unit", "20", "period", "2022Q1"))
		b.waitFor("document.querySelector('#trend svg') && document.querySelector('#breakdown')")
		if n := b.eval("document.querySelectorAll('#breakdown tbody tr').length").(float64); n < 2 {
			t.Errorf("breakdown has %v rows", n)
		}
		if txt := b.evalString("document.querySelector('#values') ? document.querySelector('#values').innerText : ''"); txt == "" {
			t.Error("no values with sources on the indicator page")
		}
		t.Logf("screenshot %s", b.screenshot(art, "indicator.png"))
	})

	t.Run("enter a value and see it on the dashboard", func(t *testing.T) {
		b.t = t
		b.navigate(q("/entry", "unit", "20", "period", "2022Q2", "sector", "Nông, lâm nghiệp và thủy sản"))
		code := b.evalString("document.querySelector('#entry-form input.numin').name.slice(2)")
		b.eval("document.querySelector('#entry-form input.numin').value = '12.345'")
		b.submit("document.querySelector('#entry-save').click()")
		if txt := b.evalString("document.querySelector('.flash.ok') ? document.querySelector('.flash.ok').innerText : document.body.innerText"); !strings.Contains(txt, "Đã lưu: 1 số mới") {
			t.Fatalf("entry not saved: %.800s", txt)
		}
		b.navigate(q("/", "unit", "20", "period", "2022Q2"))
		cell := b.evalString("(document.querySelector('#dashboard tr[data-code=\"" + code + "\"] .value') || {}).innerText || ''")
		if !strings.Contains(cell, "12.345") {
			t.Errorf("dashboard shows %q for %s, want 12.345", cell, code)
		}
	})

	t.Run("upload a file with a bad row", func(t *testing.T) {
		b.t = t
		path := filepath.Join(t.TempDir(), "so-lieu.csv")
		os.WriteFile(path, []byte("indicator,orgunit,period,value\ntrade.retail_sales_services,20,2022Q2,6000000000000\ntrade.retail_sales_services,20,2022Q7,1\n"), 0o644)
		b.navigate(q("/upload", "unit", "20", "period", "2022Q1"))
		b.setFile("#upload-file", path)
		b.submit("document.querySelector('#upload-check').click()")
		txt := b.evalString("(document.querySelector('#problems') || {}).innerText || document.body.innerText")
		if !strings.Contains(txt, "dòng 3") || !strings.Contains(txt, "period") {
			t.Errorf("the bad row is not named: %.600s", txt)
		}
	})

	t.Run("extract the seed article and save its facts", func(t *testing.T) {
		b.t = t
		seed, err := os.ReadFile(filepath.Join("..", "..", "shared", "seed", "langson-2022q1.txt"))
		if err != nil {
			t.Skipf("seed article not available (%v): shared/seed sits beside the repository", err)
		}
		js, _ := json.Marshal(string(seed))
		b.navigate(q("/read", "unit", "20", "period", "2022Q1"))
		b.eval("document.querySelector('#read-text').value = " + string(js))
		b.submit("document.querySelector('#read-extract').click()")
		b.waitFor("document.querySelectorAll('#doc mark').length > 0")
		marks := b.eval("document.querySelectorAll('#doc mark').length").(float64)
		checked := b.eval("document.querySelectorAll('#facts input[type=checkbox]:checked').length").(float64)
		if marks < 10 || checked < 10 {
			t.Errorf("%v marks, %v facts chosen: expected the article's facts", marks, checked)
		}
		b.submit("document.querySelector('#read-save').click()")
		txt := b.evalString("(document.querySelector('.flash.ok') || document.querySelector('.flash.bad') || document.body).innerText")
		if !strings.HasPrefix(txt, "Đã lưu") {
			t.Errorf("facts not saved: %.1000s", txt)
		}
		t.Logf("%v marks, %v facts saved: %s", marks, checked, txt)
	})

	t.Run("download a report", func(t *testing.T) {
		b.t = t
		dir := t.TempDir()
		b.allowDownloads(dir)
		b.navigate(q("/report", "unit", "20", "period", "2022Q1"))
		for _, f := range []string{"md", "docx"} {
			b.eval("document.querySelector('#dl-" + f + "').click()")
			want := filepath.Join(dir, "bao-cao-20-2022Q1."+f)
			var info os.FileInfo
			for i := 0; i < 600; i++ {
				if st, err := os.Stat(want); err == nil && st.Size() > 0 {
					info = st
					break
				}
				time.Sleep(100 * time.Millisecond)
			}
			if info == nil {
				entries, _ := os.ReadDir(dir)
				t.Fatalf("report %s not downloaded; directory has %v", f, entries)
			}
			if f == "md" {
				b, _ := os.ReadFile(want)
				if !strings.Contains(string(b), "Lạng Sơn") {
					t.Errorf("downloaded report lacks the province:\n%.300s", b)
				}
			}
		}
	})
}
