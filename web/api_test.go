package web

import (
	"encoding/json"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
)

func TestAPI(t *testing.T) {
	s := newTestServer(t, Config{})
	tests := []struct {
		name, method, path, body string
		status                   int
		want                     []string
	}{
		{"indicators", "GET", "/api/indicators", "", 200, []string{`"code": "trade.retail_sales_services"`}},
		{"units", "GET", "/api/units?parent=20&at=2022-01-01", "", 200, []string{`"code": "178"`, `"code": "180"`}},
		{"units bad date", "GET", "/api/units?at=yesterday", "", 422, []string{`"code": "invalid"`}},
		{"values", "GET", "/api/values?indicator=agri.planted_area&unit=20&period=2022Q1", "", 200, []string{`"period": "2022Q1"`, `"value": 29960`}},
		{"values bad month", "GET", "/api/values?from=202213", "", 422, []string{`"code": "invalid"`}},
		{"revisions", "GET", "/api/values/agri.planted_area/20/2022Q1/revisions", "", 200, []string{`"revision": 1`}},
		{"targets", "GET", "/api/targets?unit=20&year=2022", "", 200, []string{`"kind": "KH"`}},
		{"status", "GET", "/api/analytics/status?unit=20&period=2022Q1", "", 200, []string{`"status": "on_track"`, `"reported": 2`}},
		{"status bad period", "GET", "/api/analytics/status?period=xx", "", 422, []string{`"message"`}},
		{"indicator analytics", "GET", "/api/analytics/indicators/trade.retail_sales_services?unit=20&period=2022Q1", "", 200, []string{`"ranking"`, `"orgunit": "178"`}},
		{"indicator analytics 404", "GET", "/api/analytics/indicators/nope", "", 404, []string{`"code": "not_found"`}},
		{"post value", "POST", "/api/values", `[{"indicator":"agri.planted_area","orgunit":"20","period":"2022Q2","value":31000}]`, 200, []string{`"imported": 1`}},
		{"post bad value names the problem", "POST", "/api/values", `{"values":[{"indicator":"nope","orgunit":"20","period":"2022Q2","value":1}]}`, 422, []string{`"code": "invalid"`, `"problems"`}},
		{"post malformed", "POST", "/api/values", `{`, 422, []string{`invalid JSON`}},
		{"post target", "POST", "/api/targets", `[{"indicator":"bank.deposits","unit":"20","year":2023,"value":5e13}]`, 200, []string{`"imported": 1`}},
		{"extract", "POST", "/api/extract", `{"text":"Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng quý I/2022 đạt 5.953 tỷ đồng, tăng 7,35% so với cùng kỳ."}`, 200, []string{`"value": 5953000000000`, `"yoy_pct": 7.35`}},
		{"extract empty", "POST", "/api/extract", `{"text":" "}`, 422, []string{`"code": "invalid"`}},
		{"extract web page", "POST", "/api/extract", `{"file":"PGh0bWw+PGJvZHk+PG5hdj5HacOhIHbDoG5nIDc2LDUgdHJp4buHdSDEkeG7k25nPC9uYXY+PGFydGljbGU+PGgxPlRpbjwvaDE+PHA+VOG7lW5nIG3hu6ljIGLDoW4gbOG6uyBow6BuZyBow7NhIHbDoCBkb2FuaCB0aHUgZOG7i2NoIHbhu6UgdGnDqnUgZMO5bmcgcXXDvSBJLzIwMjIgxJHhuqF0IDUuOTUzIHThu7cgxJHhu5NuZy48L3A+PC9hcnRpY2xlPjwvYm9keT48L2h0bWw+"}`, 200, []string{`"value": 5953000000000`, `"period": "2022Q1"`}},
		{"extract bad zip", "POST", "/api/extract", `{"file":"UEsDBAoAAAAAAA=="}`, 422, []string{`"code": "invalid"`}},
		{"report json", "GET", "/api/reports/20/2022Q1", "", 200, []string{`"UnitCode": "20"`, `"Title"`}},
		{"report md", "GET", "/api/reports/20/2022Q1?format=md", "", 200, []string{"Lạng Sơn"}},
		{"report bad format", "GET", "/api/reports/20/2022Q1?format=pdf", "", 422, nil},
		{"report unknown unit", "GET", "/api/reports/99/2022Q1", "", 404, nil},
		{"unknown api", "GET", "/api/nope", "", 404, []string{`"code": "not_found"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
			if tc.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			b := rec.Body.String()
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, b)
			}
			for _, w := range tc.want {
				if !strings.Contains(b, w) {
					t.Errorf("response lacks %s:\n%.600s", w, b)
				}
			}
		})
	}
}

// TestOpenAPIListsEveryRoute parses the OpenAPI document and checks that it
// documents exactly the registered /api routes, method by method.
func TestOpenAPIListsEveryRoute(t *testing.T) {
	s := newTestServer(t, Config{})
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/api/openapi.json", nil))
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("openapi.json does not parse: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi version %q", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for p, ops := range doc.Paths {
		for m := range ops {
			documented[strings.ToUpper(m)+" "+p] = true
		}
	}
	registered := map[string]bool{}
	for _, r := range s.Routes() {
		method, path, ok := strings.Cut(r, " ")
		if ok && strings.HasPrefix(path, "/api/") {
			registered[method+" "+path] = true
		}
	}
	var missing, extra []string
	for r := range registered {
		if !documented[r] {
			missing = append(missing, r)
		}
	}
	for d := range documented {
		if !registered[d] {
			extra = append(extra, d)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 {
		t.Errorf("routes not in openapi.json: %v", missing)
	}
	if len(extra) > 0 {
		t.Errorf("openapi.json documents routes that do not exist: %v", extra)
	}
}
