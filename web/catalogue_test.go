package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"planwatch"
)

// TestCataloguePage (issue 13, part 1): an administrator adds an indicator
// on the page, changes it (a new version in its history), is refused a
// change of aggregation of an indicator with values, changes a unit with a
// factor, and retires an indicator, which leaves the dashboard while its
// data stay. A planner cannot change the catalogue, by page or API.
func TestCataloguePage(t *testing.T) {
	st := newTestStore(t, true)
	s := newTestServer(t, Config{Store: st, Authenticate: headerUser})
	admin := newClient(t, s)
	admin.user = "admin"
	if rec := admin.get("/catalogue"); rec.Code != http.StatusOK || !strings.Contains(body(rec), "trade.retail_sales_services") {
		t.Fatalf("GET /catalogue: %d\n%s", rec.Code, body(rec))
	}
	form := url.Values{"code": {"trade.border_visitors"}, "name_vi": {"Số khách quốc tế qua cửa khẩu Hữu Nghị"}, "name_en": {"Visitors through Huu Nghi"},
		"unit": {"lượt người"}, "sector": {"Thương mại, dịch vụ"}, "kind": {"flow"}, "time_agg": {""}, "unit_agg": {""}, "direction": {"1"},
		"decimals": {"0"}, "periodicity": {"month"}, "note": {"NQ 35/NQ-HĐND"}}
	if rec := admin.postForm("/catalogue", form); rec.Code != http.StatusOK || !strings.Contains(body(rec), "trade.border_visitors") {
		t.Fatalf("add: %d\n%s", rec.Code, body(rec))
	}
	form.Set("name_en", "International visitors through Huu Nghi gate")
	form.Set("editing", "1")
	rec := admin.postForm("/catalogue", form)
	if rec.Code != http.StatusOK || !strings.Contains(body(rec), `id="indicator-history"`) || !strings.Contains(body(rec), "name_en: Visitors through Huu Nghi → International") {
		t.Fatalf("edit: %d\n%s", rec.Code, body(rec))
	}
	h, _ := st.(planwatch.CatalogueEditor).IndicatorHistory(t.Context(), "trade.border_visitors")
	if len(h) != 2 || h[1].By != "admin" || h[1].Note != "NQ 35/NQ-HĐND" || h[1].From == "" {
		t.Errorf("history: %+v", h)
	}
	// A change of meaning of an indicator with values is refused, naming them.
	change := url.Values{"code": {"trade.retail_sales_services"}, "name_vi": {"Tổng mức bán lẻ"}, "unit": {"tỷ đồng"}, "kind": {"flow"},
		"time_agg": {"avg"}, "direction": {"1"}, "periodicity": {"quarter"}, "editing": {"1"}}
	rec = admin.postForm("/catalogue", change)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body(rec), "giá trị") {
		t.Errorf("aggregation change with values: %d\n%s", rec.Code, body(rec))
	}
	change.Set("time_agg", "sum")
	change.Set("unit", "triệu đồng")
	if rec = admin.postForm("/catalogue", change); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("unit change without a factor: %d", rec.Code)
	}
	change.Set("convert", "0,001")
	if rec = admin.postForm("/catalogue", change); rec.Code != http.StatusOK {
		t.Fatalf("unit change with a factor: %d\n%s", rec.Code, body(rec))
	}
	vs, _ := st.Values(t.Context(), planwatch.ValueQuery{Indicators: []string{"trade.retail_sales_services"}, Units: []string{"178"}})
	if len(vs) == 0 || *vs[0].Value != 3000e6 {
		t.Errorf("converted value: %+v", vs)
	}
	// Retiring: gone from the dashboard, data kept.
	if rec := admin.get("/?unit=20&period=2022Q1"); !strings.Contains(body(rec), "Tổng nguồn vốn huy động") {
		t.Fatalf("dashboard before retiring lacks the indicator")
	}
	if rec := admin.postForm("/catalogue/retire", url.Values{"code": {"bank.deposits"}, "retired": {"1"}}); rec.Code != http.StatusOK {
		t.Fatalf("retire: %d\n%s", rec.Code, body(rec))
	}
	if rec := admin.get("/?unit=20&period=2022Q1"); strings.Contains(body(rec), "Tổng nguồn vốn huy động") {
		t.Errorf("a retired indicator is still on the dashboard")
	}
	if vs, _ := st.Values(t.Context(), planwatch.ValueQuery{Indicators: []string{"bank.deposits"}}); len(vs) == 0 {
		t.Errorf("retiring lost the data")
	}
	// A planner may not change indicators, by page or API; nothing is stored.
	planner := newClient(t, s)
	planner.user = "planner"
	planner.get("/sets")
	if rec := planner.postForm("/catalogue", form); rec.Code != http.StatusForbidden {
		t.Errorf("planner POST /catalogue: %d", rec.Code)
	}
	rec = planner.postJSON("/api/catalogue", `{"indicators":[{"code":"x.y","name_vi":"X","kind":"flow","time_agg":"sum","unit_agg":"sum","direction":1}]}`)
	if rec.Code != http.StatusForbidden {
		t.Errorf("planner POST /api/catalogue with indicators: %d %s", rec.Code, body(rec))
	}
	if h, _ := st.(planwatch.CatalogueEditor).IndicatorHistory(t.Context(), "x.y"); len(h) != 0 {
		t.Errorf("a refused change was stored")
	}
}

// TestSetsAndGroupsPages (issue 13, parts 4 and 7): a planner saves the
// indicator set of a unit and year, which then drives the unit's
// dashboard; a unit group is saved, shown and removed.
func TestSetsAndGroupsPages(t *testing.T) {
	st := newTestStore(t, true)
	s := newTestServer(t, Config{Store: st, Authenticate: headerUser})
	c := newClient(t, s)
	c.user = "planner"
	if rec := c.get("/sets?unit=20&year=2022"); rec.Code != http.StatusOK {
		t.Fatalf("GET /sets: %d\n%s", rec.Code, body(rec))
	}
	rec := c.postForm("/sets", url.Values{"unit": {"20"}, "year": {"2022"}, "source": {"NQ 35"}, "indicator": {"agri.planted_area", "test.xss"},
		"kinds.agri.planted_area": {"KH"}})
	if rec.Code != http.StatusOK {
		t.Fatalf("POST /sets: %d\n%s", rec.Code, body(rec))
	}
	sets, _ := st.(planwatch.CatalogueEditor).IndicatorSets(t.Context(), "20", 2022)
	if len(sets) != 1 || len(sets[0].Items) != 2 || sets[0].By != "planner" {
		t.Fatalf("stored sets: %+v", sets)
	}
	rec = c.postForm("/sets", url.Values{"unit": {"20"}, "year": {"2022"}, "indicator": {"nope"}})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body(rec), "nope") {
		t.Errorf("unknown indicator: %d", rec.Code)
	}
	// The set drives the unit's dashboard, entry form and report for that year.
	dash := body(c.get("/?unit=20&period=2022Q1"))
	if strings.Contains(dash, "Tổng nguồn vốn huy động") || !strings.Contains(dash, "Tổng diện tích gieo trồng") {
		t.Errorf("the dashboard does not follow the set")
	}
	if entry := body(c.get("/entry?unit=20&period=2022Q1&sector=" + url.QueryEscape("Tiền tệ, tín dụng"))); strings.Contains(entry, `name="v.bank.deposits"`) {
		t.Errorf("the entry form offers an indicator outside the set")
	}
	if rep := body(c.get("/report?unit=20&period=2022Q1")); strings.Contains(rep, "huy động") {
		t.Errorf("the report speaks of an indicator outside the set")
	}
	if dash := body(c.get("/?unit=20&period=2021Q4")); !strings.Contains(dash, "Tổng nguồn vốn huy động") {
		t.Errorf("a year without a set shows everything")
	}
	var got []planwatch.IndicatorSet
	if rec := c.get("/api/indicator-sets?unit=20&year=2022"); json.Unmarshal(rec.Body.Bytes(), &got) != nil || len(got) != 1 {
		t.Errorf("GET /api/indicator-sets: %s", body(rec))
	}

	rec = c.postForm("/groups", url.Values{"code": {"border"}, "name_vi": {"Huyện biên giới"}, "units": {"178, 180"}})
	if rec.Code != http.StatusOK || !strings.Contains(body(rec), `data-group="border"`) {
		t.Fatalf("POST /groups: %d\n%s", rec.Code, body(rec))
	}
	rec = c.postForm("/groups", url.Values{"code": {"bad"}, "name_vi": {"X"}, "units": {"178, 999"}})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body(rec), "999") {
		t.Errorf("unknown unit: %d", rec.Code)
	}
	var groups []planwatch.UnitGroup
	if rec := c.get("/api/unit-groups"); json.Unmarshal(rec.Body.Bytes(), &groups) != nil || len(groups) != 1 || len(groups[0].Units) != 2 {
		t.Errorf("GET /api/unit-groups: %s", body(rec))
	}
	// The group's dashboard, indicator ranking and report combine its units.
	dash = body(c.get("/?group=border&period=2022Q1"))
	if !strings.Contains(dash, `id="group-dashboard"`) || !strings.Contains(dash, "Huyện biên giới") || !strings.Contains(dash, "5.885") {
		t.Errorf("group dashboard:\n%s", dash)
	}
	page := body(c.get("/indicators/trade.retail_sales_services?group=border&period=2022Q1"))
	if !strings.Contains(page, "Tràng Định") || !strings.Contains(page, "Thành phố Lạng Sơn") {
		t.Errorf("group ranking lacks its units")
	}
	if rep := body(c.get("/report?group=border&unit=20&period=2022Q1")); !strings.Contains(rep, `id="group-report"`) || strings.Contains(rep, `id="settings-form"`) {
		t.Errorf("group report page")
	}
	var model struct {
		UnitCode string `json:"unit_code"`
		UnitName string `json:"unit_name"`
	}
	rec = c.get("/api/unit-groups/border/report/2022Q1")
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &model) != nil || !strings.Contains(body(rec), "Huyện biên giới") {
		t.Errorf("GET /api/unit-groups/border/report/2022Q1: %d %s", rec.Code, body(rec))
	}
	if rec := c.get("/api/unit-groups/nope/report/2022Q1"); rec.Code != http.StatusNotFound {
		t.Errorf("unknown group: %d", rec.Code)
	}
	if rec := c.postForm("/groups", url.Values{"code": {"border"}, "remove": {"1"}}); rec.Code != http.StatusOK || strings.Contains(body(rec), `data-group="border"`) {
		t.Errorf("remove: %d", rec.Code)
	}
	// A viewer sees neither page.
	v := newClient(t, s)
	v.user = "viewer"
	if rec := v.get("/sets"); rec.Code != http.StatusForbidden {
		t.Errorf("viewer GET /sets: %d", rec.Code)
	}
}
