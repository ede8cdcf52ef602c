package web

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// A DHIS2 client pushes a data value set and reads it back.
func TestDataValueSets(t *testing.T) {
	s := newTestServer(t, Config{})
	do := func(method, path, ctype, body string) (int, string) {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	}
	set := `{"dataValues":[{"dataElement":"agri.planted_area","period":"202204","orgUnit":"20","value":"1234"},
		{"dataElement":"agri.planted_area","period":"202205","orgUnit":"20","value":"2345","comment":"<script>x</script>"}]}`
	if code, body := do("POST", "/api/dataValueSets?dryRun=true", "application/json", set); code != 200 || !strings.Contains(body, `"dryRun": true`) {
		t.Fatalf("dry run: %d %s", code, body)
	}
	if code, body := do("GET", "/api/dataValueSets?dataElement=agri.planted_area&period=202204", "", ""); code != 200 || strings.Contains(body, "1234") {
		t.Fatalf("a dry run stored something: %d %s", code, body)
	}
	if code, body := do("POST", "/api/dataValueSets", "application/json", set); code != 200 || !strings.Contains(body, `"imported": 2`) || !strings.Contains(body, `"SUCCESS"`) {
		t.Fatalf("import: %d %s", code, body)
	}
	code, body := do("GET", "/api/dataValueSets?dataElement=agri.planted_area&orgUnit=20&period=202204", "", "")
	if code != 200 || !strings.Contains(body, `"value": "1234"`) || strings.Contains(body, "2345") {
		t.Fatalf("export: %d %s", code, body)
	}
	code, body = do("GET", "/api/dataValueSets?dataElement=agri.planted_area&startDate=2022-05-01&endDate=2022-05-31&format=csv", "", "")
	if code != 200 || !strings.Contains(body, "agri.planted_area,202205,20") {
		t.Fatalf("csv export: %d %s", code, body)
	}
	// CSV push; one bad row rejects the whole set with a conflict naming it.
	csv := "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\n" +
		"agri.planted_area,202206,20,,,10\n" +
		"agri.planted_area,202207,20,,,ten\n"
	code, body = do("POST", "/api/dataValueSets", "application/csv", csv)
	if code != 409 || !strings.Contains(body, `"ERROR"`) || !strings.Contains(body, "ten") {
		t.Fatalf("bad csv: %d %s", code, body)
	}
	if _, body := do("GET", "/api/dataValueSets?dataElement=agri.planted_area&period=202206", "", ""); strings.Contains(body, `"202206"`) {
		t.Fatalf("a rejected set stored a value: %s", body)
	}
	if code, _ := do("POST", "/api/dataValueSets", "image/png", "xx"); code != 422 {
		t.Fatalf("unsupported type: %d", code)
	}
}
