package web

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
)

// A write through the server is visible to the next read at once, whether the
// cached dataset is patched (values) or dropped (targets), and a withdrawn
// value leaves the analytics.
func TestWriteVisibleToNextRead(t *testing.T) {
	s := newTestServer(t, Config{})
	do := func(method, path, body string) string {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body.String())
		}
		return rec.Body.String()
	}
	retail := func() (value *float64, planPct *float64) {
		var doc struct {
			Rows []struct {
				Indicator string   `json:"indicator"`
				Value     *float64 `json:"value"`
				PlanPct   *float64 `json:"plan_pct"`
			} `json:"rows"`
		}
		body := do("GET", "/api/analytics/status?unit=20&period=2022Q2", "")
		if err := json.Unmarshal([]byte(body), &doc); err != nil {
			t.Fatalf("%v: %s", err, body)
		}
		for _, r := range doc.Rows {
			if r.Indicator == "trade.retail_sales_services" {
				return r.Value, r.PlanPct
			}
		}
		return nil, nil
	}
	if v, _ := retail(); v != nil {
		t.Fatalf("2022Q2 has a value before any write: %v", *v)
	}
	// Load and cache the dataset, then write two districts' figures.
	do("POST", "/api/values", `[{"indicator":"trade.retail_sales_services","orgunit":"178","period":"2022Q2","value":3100e9},
		{"indicator":"trade.retail_sales_services","orgunit":"180","period":"2022Q2","value":2600e9}]`)
	if v, _ := retail(); v == nil || *v != 5700e9 {
		t.Fatalf("after the write: %v, want 5700e9", v)
	}
	// A correction is a new revision; the next read sees it.
	do("POST", "/api/values", `[{"indicator":"trade.retail_sales_services","orgunit":"180","period":"2022Q2","value":2700e9}]`)
	if v, _ := retail(); v == nil || *v != 5800e9 {
		t.Fatalf("after the correction: %v, want 5800e9", v)
	}
	// Withdrawn: the district's figure leaves the roll-up.
	do("POST", "/api/values", `[{"indicator":"trade.retail_sales_services","orgunit":"180","period":"2022Q2","deleted":true}]`)
	if v, _ := retail(); v == nil || *v != 3100e9 {
		t.Fatalf("after the withdrawal: %v, want 3100e9", v)
	}
	// A new target (a write that drops the cache) changes % of plan.
	_, before := retail()
	do("POST", "/api/targets", `[{"indicator":"trade.retail_sales_services","unit":"20","year":2022,"value":20000e9}]`)
	if _, after := retail(); after == nil || before == nil || *after == *before {
		t.Fatalf("plan share before %v after %v: the new target is not visible", before, after)
	}
}
