package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"planwatch"
	"planwatch/sqlite"
)

// xssName is put into an indicator name and into texts to prove that
// everything is escaped.
const xssName = `<script>alert("xss")</script>Chỉ tiêu thử`

var testNow = time.Date(2022, 4, 20, 9, 0, 0, 0, time.UTC)

func fixtureIndicators() []planwatch.Indicator {
	return []planwatch.Indicator{
		{Code: "trade.retail_sales_services", NameVI: "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng", NameEN: "Retail sales of goods and services", Unit: "tỷ đồng", Sector: "Thương mại, dịch vụ", Kind: planwatch.KindFlow, TimeAgg: planwatch.TimeSum, UnitAgg: planwatch.UnitSum, Direction: 1, Decimals: 1, Periodicity: "quarter"},
		{Code: "agri.planted_area", NameVI: "Tổng diện tích gieo trồng các loại cây", NameEN: "Planted area", Unit: "ha", Sector: "Nông, lâm nghiệp và thủy sản", Kind: planwatch.KindFlow, TimeAgg: planwatch.TimeSum, UnitAgg: planwatch.UnitSum, Direction: 1, Periodicity: "quarter"},
		{Code: "bank.deposits", NameVI: "Tổng nguồn vốn huy động", NameEN: "Deposits mobilised", Unit: "tỷ đồng", Sector: "Tiền tệ, tín dụng", Kind: planwatch.KindStock, TimeAgg: planwatch.TimeLast, UnitAgg: planwatch.UnitSum, Direction: 1, Decimals: 1, Periodicity: "quarter"},
		{Code: "test.xss", NameVI: xssName, NameEN: xssName, Unit: "dự án", Sector: "Đầu tư và xây dựng", Kind: planwatch.KindCount, TimeAgg: planwatch.TimeSum, UnitAgg: planwatch.UnitSum, Direction: 1, Periodicity: "quarter"},
		{Code: "pop.poverty_rate", NameVI: "Tỷ lệ hộ nghèo", NameEN: "Poverty rate", Unit: "%", Sector: "Mức sống dân cư", Kind: planwatch.KindRate, TimeAgg: planwatch.TimeLast, UnitAgg: planwatch.UnitNone, Direction: -1, Decimals: 2, Periodicity: "year"},
	}
}

func fixtureUnits() []planwatch.OrgUnit {
	from := time.Date(2008, 1, 1, 0, 0, 0, 0, time.UTC)
	return []planwatch.OrgUnit{
		{Code: "20", Name: "Lạng Sơn", FullName: "Tỉnh Lạng Sơn", Type: "Tỉnh", Level: planwatch.LevelProvince, ValidFrom: from},
		{Code: "178", Name: "Thành phố Lạng Sơn", Type: "Thành phố", Parent: "20", Level: planwatch.LevelDistrict, ValidFrom: from},
		{Code: "180", Name: "Tràng Định", Type: "Huyện", Parent: "20", Level: planwatch.LevelDistrict, ValidFrom: from},
	}
}

func qv(ind, unit, period string, v float64) planwatch.DataValue {
	return planwatch.DataValue{Key: planwatch.Key{Indicator: ind, Unit: unit, Period: planwatch.MustPeriod(period)}, Basis: planwatch.BasisPeriod, Vintage: planwatch.Official, Value: planwatch.Float(v), Source: planwatch.Source{Kind: planwatch.SourceIllustrative, Ref: "fixture"}}
}

// fixtureData: two years of quarters for the province and its districts.
func fixtureData() *planwatch.ChangeSet {
	cs := &planwatch.ChangeSet{By: "test", From: "test"}
	for _, y := range []string{"2021", "2022"} {
		for q := 1; q <= 4; q++ {
			if y == "2022" && q > 1 {
				break
			}
			p := y + "Q" + string(rune('0'+q))
			f := 1.0
			if y == "2022" {
				f = 1.07
			}
			cs.Values = append(cs.Values,
				qv("trade.retail_sales_services", "178", p, 3000e9*f),
				qv("trade.retail_sales_services", "180", p, 2500e9*f),
				qv("agri.planted_area", "20", p, 28000*f),
				qv("bank.deposits", "20", p, 40000e9*f),
				qv("test.xss", "20", p, 3),
			)
		}
	}
	cs.Values = append(cs.Values, qv("pop.poverty_rate", "20", "2021", 12.5))
	t := func(ind string, v float64) planwatch.Target {
		return planwatch.Target{Indicator: ind, Unit: "20", Year: 2022, Kind: planwatch.TargetPlan, Value: v, Version: 1, Source: planwatch.Source{Kind: planwatch.SourceIllustrative, Ref: "NQ HĐND"}}
	}
	cs.Targets = []planwatch.Target{
		t("trade.retail_sales_services", 22600e9),
		t("agri.planted_area", 100000),
		t("bank.deposits", 45000e9),
		t("test.xss", 10),
	}
	return cs
}

// newTestStore opens a fresh SQLite store with the fixture catalogue and data.
func newTestStore(t testing.TB, withData bool) planwatch.Store {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "pw.db"), sqlite.WithNow(func() time.Time { return testNow }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.SaveIndicators(ctx, fixtureIndicators(), "test"); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveOrgUnits(ctx, fixtureUnits(), nil, "test"); err != nil {
		t.Fatal(err)
	}
	if withData {
		if _, err := st.Apply(ctx, fixtureData()); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

func newTestServer(t testing.TB, cfg Config) *Server {
	t.Helper()
	if cfg.Store == nil {
		cfg.Store = newTestStore(t, true)
	}
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return testNow }
	}
	cfg.Secret = []byte("test secret")
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(testWriter{t}, nil))
	}
	s, err := NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// client keeps cookies and the CSRF token like a browser.
type client struct {
	t    testing.TB
	h    http.Handler
	jar  map[string]*http.Cookie
	csrf string
	// user, when set, is sent as X-Test-User (servers authenticating with headerUser).
	user string
}

func newClient(t testing.TB, h http.Handler) *client {
	return &client{t: t, h: h, jar: map[string]*http.Cookie{}}
}

var csrfRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (c *client) do(req *http.Request) *httptest.ResponseRecorder {
	if c.user != "" && req.Header.Get("X-Test-User") == "" {
		req.Header.Set("X-Test-User", c.user)
	}
	for _, ck := range c.jar {
		req.AddCookie(ck)
	}
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, req)
	for _, ck := range rec.Result().Cookies() {
		c.jar[ck.Name] = ck
	}
	if m := csrfRe.FindStringSubmatch(rec.Body.String()); m != nil {
		c.csrf = m[1]
	}
	return rec
}

func (c *client) get(target string) *httptest.ResponseRecorder {
	return c.do(httptest.NewRequest("GET", target, nil))
}

func (c *client) postForm(target string, form url.Values) *httptest.ResponseRecorder {
	if form.Get("_csrf") == "" {
		form.Set("_csrf", c.csrf)
	}
	req := httptest.NewRequest("POST", target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func (c *client) postJSON(target, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", target, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return c.do(req)
}

func body(rec *httptest.ResponseRecorder) string {
	return rec.Body.String()
}

// testWriter sends log output to the test log.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

func regexpFind(s, re string) string {
	m := regexp.MustCompile(re).FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	return m[1]
}
