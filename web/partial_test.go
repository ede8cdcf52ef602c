package web

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"planwatch"
)

// A total made from only some of the units under it says so, on the
// dashboard and in the API, as the report and `planwatch status` do: a
// country total of one province out of 63 read as the country's figure
// misleads.
func TestPartialTotalsAreMarked(t *testing.T) {
	st := newTestStore(t, true)
	// 2022Q2: Thành phố Lạng Sơn reported, Tràng Định did not.
	if _, err := st.Apply(context.Background(), &planwatch.ChangeSet{By: "test", From: "test",
		Values: []planwatch.DataValue{qv("trade.retail_sales_services", "178", "2022Q2", 3100e9)}}); err != nil {
		t.Fatal(err)
	}
	s := newTestServer(t, Config{Store: st})
	c := newClient(t, s)
	row := regexp.MustCompile(`(?s)<tr class="st-[a-z_]+" data-code="trade.retail_sales_services">.*?</tr>`)

	vi := row.FindString(body(c.get("/?unit=20&period=2022Q2")))
	if !strings.Contains(vi, `class="partial"`) || !strings.Contains(vi, "1/2 đơn vị") {
		t.Errorf("partial province total not marked on the dashboard:\n%s", vi)
	}
	en := row.FindString(body(c.get("/?unit=20&period=2022Q2&lang=en")))
	if !strings.Contains(en, "1 of 2 units") {
		t.Errorf("partial province total not marked in English:\n%s", en)
	}
	card := regexp.MustCompile(`(?s)<section class="cards" id="standing">.*?</section>`).
		FindString(body(c.get("/indicators/trade.retail_sales_services?unit=20&period=2022Q2&lang=vi")))
	if !strings.Contains(card, `class="partial"`) || !strings.Contains(card, "1/2 đơn vị") {
		t.Errorf("partial total not marked on the indicator page:\n%s", card)
	}
	whole := row.FindString(body(c.get("/?unit=20&period=2022Q1")))
	if whole == "" || strings.Contains(whole, `class="partial"`) {
		t.Errorf("a total of every unit is marked partial (or missing):\n%s", whole)
	}

	var got struct {
		Rows []struct {
			Indicator    string `json:"indicator"`
			Completeness *struct {
				Units    int  `json:"units"`
				Expected int  `json:"expected"`
				Partial  bool `json:"partial"`
			} `json:"completeness"`
		} `json:"rows"`
	}
	for _, tc := range []struct {
		period          string
		units, expected int
		partial         bool
	}{{"2022Q2", 1, 2, true}, {"2022Q1", 2, 2, false}} {
		rec := c.get("/api/analytics/status?unit=20&period=" + tc.period)
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range got.Rows {
			if r.Indicator != "trade.retail_sales_services" {
				continue
			}
			found = true
			if r.Completeness == nil || r.Completeness.Units != tc.units || r.Completeness.Expected != tc.expected || r.Completeness.Partial != tc.partial {
				t.Errorf("%s: API completeness %+v, want %d of %d, partial %v", tc.period, r.Completeness, tc.units, tc.expected, tc.partial)
			}
		}
		if !found {
			t.Errorf("%s: no retail row in the API", tc.period)
		}
	}
}
