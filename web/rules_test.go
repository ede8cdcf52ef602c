package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"planwatch"
)

// A blocking validation rule refuses an entry through every write path of
// the server (JSON API, DHIS2 push) and lets a valid one through.
func TestBlockingRuleRefusesEntry(t *testing.T) {
	st := newTestStore(t, true)
	rule := planwatch.ValidationRule{Code: "area.max", NameVI: "Diện tích tối đa", Left: "agri.planted_area", Op: planwatch.OpLessEqual,
		Right: "50000", Importance: "high", Action: planwatch.RuleBlock, MessageVI: "Diện tích quá lớn"}
	if err := st.(planwatch.RuleStore).SaveRules(context.Background(), []planwatch.ValidationRule{rule}, "test", "test"); err != nil {
		t.Fatal(err)
	}
	s := newTestServer(t, Config{Store: st})
	c := newClient(t, s)
	rec := c.postJSON("/api/values", `[{"indicator":"agri.planted_area","orgunit":"20","period":"2022Q2","value":60000}]`)
	if rec.Code == http.StatusOK || !strings.Contains(body(rec), "area.max") {
		t.Fatalf("a value breaking a blocking rule: %d %s", rec.Code, body(rec))
	}
	req, _ := http.NewRequest("POST", "/api/dataValueSets", strings.NewReader(
		"dataelement,period,orgunit,value\nagri.planted_area,2022Q3,20,70000\n"))
	req.Header.Set("Content-Type", "application/csv")
	if rec := c.do(req); rec.Code != http.StatusConflict || !strings.Contains(body(rec), "area.max") {
		t.Fatalf("a DHIS2 push breaking a blocking rule: %d %s", rec.Code, body(rec))
	}
	vs, err := st.Values(context.Background(), planwatch.ValueQuery{Indicators: []string{"agri.planted_area"}, FromMonth: 202204})
	if err != nil || len(vs) != 0 {
		t.Fatalf("refused values were stored: %+v %v", vs, err)
	}
	if rec := c.postJSON("/api/values", `[{"indicator":"agri.planted_area","orgunit":"20","period":"2022Q2","value":40000}]`); rec.Code != http.StatusOK {
		t.Fatalf("a value within the rule: %d %s", rec.Code, body(rec))
	}
}

// The administrator sets up a breakdown and a rule on their pages; values
// entered per option roll up to the total; the data-quality page lists a
// reported total that differs from its parts and a broken rule, with links
// to the values; a derived indicator shows its formula.
func TestRulesAndBreakdownPages(t *testing.T) {
	st := newTestStore(t, true)
	ctx := context.Background()
	derived := planwatch.Indicator{Code: "trade.per_area", NameVI: "Bán lẻ trên diện tích", Unit: "x", Sector: "Thương mại, dịch vụ",
		Kind: planwatch.KindRate, TimeAgg: planwatch.TimeLast, UnitAgg: planwatch.UnitNone, Direction: 1,
		Formula: "trade.retail_sales_services / agri.planted_area"}
	if err := st.SaveIndicators(ctx, []planwatch.Indicator{derived}, "test"); err != nil {
		t.Fatal(err)
	}
	s := newTestServer(t, Config{Store: st})
	c := newClient(t, s)
	if rec := c.get("/categories"); rec.Code != http.StatusOK {
		t.Fatalf("categories page: %d", rec.Code)
	}
	rec := c.postForm("/categories", url.Values{"code": {"ownership"}, "name_vi": {"Thành phần kinh tế"},
		"options": {"state | Nhà nước | State\nnon_state | Ngoài nhà nước\nfdi | FDI | FDI"}})
	if rec.Code != http.StatusOK || !strings.Contains(body(rec), "ownership") {
		t.Fatalf("saving a category: %d %s", rec.Code, body(rec))
	}
	rec = c.postForm("/categories", url.Values{"code": {"sex"}, "name_vi": {"Giới tính"}, "options": {"male | Nam\nmale | Nam"}})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body(rec), `id="problems"`) {
		t.Errorf("a category with an option twice: %d", rec.Code)
	}
	rec = c.postForm("/categories/attach", url.Values{"indicator": {"trade.retail_sales_services"}, "category": {"ownership"}})
	if rec.Code != http.StatusOK || !strings.Contains(body(rec), `href="/indicators/trade.retail_sales_services"`) {
		t.Fatalf("attaching: %d %s", rec.Code, body(rec))
	}
	// Values per option, for a period without a total: the total is their sum.
	rec = newClient(t, s).postJSON("/api/values", `[{"indicator":"trade.retail_sales_services~state","orgunit":"178","period":"2022Q2","value":100},
		{"indicator":"trade.retail_sales_services~non_state","orgunit":"178","period":"2022Q2","value":200},
		{"indicator":"trade.retail_sales_services~fdi","orgunit":"178","period":"2022Q2","value":50},
		{"indicator":"trade.retail_sales_services~state","orgunit":"180","period":"2022Q2","value":1},
		{"indicator":"trade.retail_sales_services~non_state","orgunit":"180","period":"2022Q2","value":1},
		{"indicator":"trade.retail_sales_services~fdi","orgunit":"180","period":"2022Q2","value":1},
		{"indicator":"trade.retail_sales_services","orgunit":"180","period":"2022Q2","value":10}]`)
	if rec.Code != http.StatusOK {
		t.Fatalf("values per option: %d %s", rec.Code, body(rec))
	}
	rec = c.get("/api/analytics/status?orgunit=178&period=2022Q2")
	if !strings.Contains(body(rec), `"trade.retail_sales_services"`) {
		t.Fatalf("status: %s", body(rec))
	}
	// A rule from the form; a bad one names its fields.
	rec = c.postForm("/rules", url.Values{"code": {"area.cap"}, "name_vi": {"Diện tích tối đa"}, "left": {"agri.planted_area"},
		"op": {"<="}, "right": {"20000"}, "importance": {"high"}, "action": {"warn"}})
	if rec.Code != http.StatusOK {
		t.Fatalf("saving a rule: %d %s", rec.Code, body(rec))
	}
	rec = c.postForm("/rules", url.Values{"code": {"bad"}, "name_vi": {"Sai"}, "left": {"agri.nothing"},
		"op": {"<="}, "right": {"1,5"}, "importance": {"high"}, "action": {"warn"}})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body(rec), "agri.nothing") || !strings.Contains(body(rec), "decimal comma") {
		t.Errorf("a bad rule: %d %s", rec.Code, body(rec))
	}
	rec = c.get("/quality?unit=20&period=2022Q2")
	b := body(rec)
	if rec.Code != http.StatusOK || !strings.Contains(b, `data-rule="breakdown:trade.retail_sales_services" data-unit="180"`) ||
		strings.Contains(b, `data-rule="breakdown:trade.retail_sales_services" data-unit="178"`) {
		t.Errorf("quality page: the reported total of 180 (10 ≠ 3) flagged, not 178's (from its parts):\n%s", b)
	}
	if !strings.Contains(b, `href="/indicators/trade.retail_sales_services~fdi?period=2022Q2&amp;unit=180"`) {
		t.Errorf("quality page: no link to the values:\n%s", b)
	}
	rec = c.get("/quality?unit=20&period=2022Q1")
	if !strings.Contains(body(rec), `data-rule="area.cap" data-unit="20"`) {
		t.Errorf("quality page, 2022Q1: the rule area.cap (29960 > 20000) not listed")
	}
	rec = c.get("/api/validation?unit=20&period=2022Q1")
	if !strings.Contains(body(rec), `"rule": "area.cap"`) {
		t.Errorf("api/validation: %s", body(rec))
	}
	if rec := c.get("/api/analytics/status?unit=20&period=2022Q1"); !strings.Contains(body(rec), `"formula": "trade.retail_sales_services / agri.planted_area"`) {
		t.Errorf("status JSON lacks the derived indicator's formula")
	}
	rec = c.get("/indicators/trade.per_area?unit=20&period=2022Q1")
	if !strings.Contains(body(rec), `id="indicator-formula">trade.retail_sales_services / agri.planted_area<`) {
		t.Errorf("indicator page does not show the formula")
	}
	if rec := c.get("/rules?lang=en"); rec.Code != http.StatusOK || !strings.Contains(body(rec), "Validation rules") {
		t.Errorf("rules page in English: %d", rec.Code)
	}
}

// A warning rule lets the entry through and says which rule it breaks.
func TestWarningRuleOnEntry(t *testing.T) {
	st := newTestStore(t, true)
	rule := planwatch.ValidationRule{Code: "area.warn", NameVI: "Diện tích bất thường", Left: "agri.planted_area", Op: planwatch.OpLessEqual,
		Right: "50000", Importance: "medium", Action: planwatch.RuleWarn}
	if err := st.(planwatch.RuleStore).SaveRules(context.Background(), []planwatch.ValidationRule{rule}, "test", "test"); err != nil {
		t.Fatal(err)
	}
	s := newTestServer(t, Config{Store: st})
	c := newClient(t, s)
	q := "/entry?" + url.Values{"unit": {"20"}, "period": {"2022Q2"}, "sector": {"Nông, lâm nghiệp và thủy sản"}}.Encode()
	c.get(q)
	rec := c.postForm(q, url.Values{"v.agri.planted_area": {"60.000"}, "vin.agri.planted_area": {"official"}, "basis.agri.planted_area": {"period"}})
	if rec.Code != http.StatusOK || !strings.Contains(body(rec), "area.warn") {
		t.Fatalf("an entry breaking a warning rule: %d, no warning naming the rule\n%s", rec.Code, body(rec))
	}
	vs, _ := st.Values(context.Background(), planwatch.ValueQuery{Indicators: []string{"agri.planted_area"}, FromMonth: 202204})
	if len(vs) != 1 {
		t.Errorf("the entry was not stored: %+v", vs)
	}
	rec = c.postForm(q, url.Values{"v.agri.planted_area": {"40.000"}, "vin.agri.planted_area": {"official"}, "basis.agri.planted_area": {"period"}})
	if strings.Contains(body(rec), "area.warn") {
		t.Errorf("a good entry is warned about")
	}
}
