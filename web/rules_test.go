package web

import (
	"context"
	"net/http"
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
	if err := st.(planwatch.RuleStore).SaveRules(context.Background(), []planwatch.ValidationRule{rule}, "test"); err != nil {
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
