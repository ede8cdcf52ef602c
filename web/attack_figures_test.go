package web

import (
	"net/http"
	"strings"
	"testing"

	"planwatch"
)

// TestAttackFiguresBeyondRange (fifth session): a reporter of district 178
// posts figures a float holds but no roll-up survives — 1e308 for two
// quarters (their sum, the year to date, is +Inf) and 1e-300 for last
// year's quarter (this year's growth over it is +Inf). Before, both were
// stored, and /api/analytics/status answered 500 for the district and the
// province to every reader: JSON has no infinity. Every figure of a value
// or a plan is refused beyond the bounds a socio-economic figure keeps
// (engine.MaxFigure), naming its row and column; the status stays readable.
func TestAttackFiguresBeyondRange(t *testing.T) {
	s := newTestServer(t, Config{Authenticate: headerUser})
	c := newClient(t, s)
	c.user = "reporter-178"
	for _, attack := range []string{
		`[{"indicator":"trade.retail_sales_services","orgunit":"178","period":"2022Q2","value":1e308},
		  {"indicator":"trade.retail_sales_services","orgunit":"178","period":"2022Q3","value":1e308}]`,
		`[{"indicator":"trade.retail_sales_services","orgunit":"178","period":"2021Q4","value":1e-300},
		  {"indicator":"trade.retail_sales_services","orgunit":"178","period":"2022Q4","value":5e12}]`,
		`[{"indicator":"trade.retail_sales_services","orgunit":"178","period":"2022Q2","value":1,"yoy_pct":-1e300}]`,
	} {
		rec := c.postJSON("/api/values", attack)
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body(rec), `"column": "value"`) && !strings.Contains(body(rec), `"column": "yoy_pct"`) {
			t.Errorf("figures out of range: %d, want 422 naming the column\n%.400s", rec.Code, body(rec))
		}
	}
	// Plans are figures too.
	p := newClient(t, s)
	p.user = "planner"
	if rec := p.postJSON("/api/targets", `[{"indicator":"trade.retail_sales_services","unit":"178","year":2023,"value":1e300}]`); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body(rec), "1e+300") {
		t.Errorf("a target of 1e300: %d, want 422\n%.300s", rec.Code, body(rec))
	}
	for _, u := range []string{"178", "20"} {
		for _, per := range []string{"2022Q3", "2022Q4"} {
			if rec := c.get("/api/analytics/status?unit=" + u + "&period=" + per); rec.Code != http.StatusOK {
				t.Errorf("status of %s %s after the attack: %d\n%.300s", u, per, rec.Code, body(rec))
			}
		}
	}
	// Figures of a province, of the country, and small ones stay welcome.
	ok := `[{"indicator":"trade.retail_sales_services","orgunit":"178","period":"2022Q2","value":9.5e18,"yoy_pct":0.004},
	        {"indicator":"trade.retail_sales_services","orgunit":"178","period":"2022Q3","value":0.000001}]`
	if rec := c.postJSON("/api/values", ok); rec.Code != http.StatusOK {
		t.Errorf("figures in range: %d\n%.400s", rec.Code, body(rec))
	}
	revs, err := s.store.Revisions(t.Context(), planwatch.Key{Indicator: "trade.retail_sales_services", Unit: "178", Period: planwatch.MustPeriod("2022Q2")})
	if err != nil || len(revs) == 0 || *revs[len(revs)-1].Value != 9.5e18 {
		t.Errorf("stored %+v %v, want 9.5e18", revs, err)
	}
}

// TestAttackControlCharactersInTexts (fifth session): a value's texts
// (comment, source reference) carrying a NUL, a terminal escape or another
// control character were stored as sent — PostgreSQL refuses a NUL in text,
// so the same file failed there with an internal error and a SQLite
// database holding one could not be copied to it — and text in decomposed
// form (NFD, as some keyboards and macOS files send it) was kept so, unlike
// every other text of the product (NFC). The store refuses control
// characters but tab and line breaks, naming the row and column, and keeps
// texts in NFC, on every write path.
func TestAttackControlCharactersInTexts(t *testing.T) {
	s := newTestServer(t, Config{Authenticate: headerUser})
	c := newClient(t, s)
	c.user = "reporter-178"
	for _, text := range []string{`nul\u0000here`, `\u001b[2Jcleared`, `bell\u0007`, `c1\u009bcontrol`} {
		for _, field := range []string{`"comment":"` + text + `"`, `"source":{"ref":"` + text + `"}`} {
			rec := c.postJSON("/api/values", `[{"indicator":"agri.planted_area","orgunit":"178","period":"202305","value":5,`+field+`}]`)
			if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body(rec), "control character") {
				t.Errorf("%s: %d, want 422 naming the control character\n%.400s", field, rec.Code, body(rec))
			}
		}
	}
	key := planwatch.Key{Indicator: "agri.planted_area", Unit: "178", Period: planwatch.MustPeriod("202305")}
	if revs, _ := s.store.Revisions(t.Context(), key); len(revs) > 0 {
		t.Fatalf("a text with a control character was stored: %q", revs[0].Comment)
	}
	const nfd, nfc = "Ta\u0306ng tru\u031bo\u031b\u0309ng\tcao\r\nhơn", "Tăng trưởng\tcao\r\nhơn"
	rec := c.postJSON("/api/values", `[{"indicator":"agri.planted_area","orgunit":"178","period":"202305","value":5,"comment":"`+strings.NewReplacer("\t", `\t`, "\r", `\r`, "\n", `\n`).Replace(nfd)+`"}]`)
	if rec.Code != http.StatusOK {
		t.Fatalf("a comment in NFD with a tab and a line break: %d\n%.400s", rec.Code, body(rec))
	}
	revs, err := s.store.Revisions(t.Context(), key)
	if err != nil || len(revs) != 1 || revs[0].Comment != nfc {
		t.Errorf("stored %q (%v), want the NFC %q", revs, err, nfc)
	}
}
