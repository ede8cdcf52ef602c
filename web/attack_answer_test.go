package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"planwatch"
)

// TestAttackUnboundedValueAnswers (fifth session): GET /api/values and
// GET /api/dataValueSets without a filter answered every current value of
// the store, read whole into memory and encoded whole — open to anyone on a
// public server. The country's 31 M values take gigabytes: one anonymous
// request could stop the server. An answer holds at most maxAnswerValues
// values (the store stops reading past them, ValueQuery.Limit); a request
// that would get more is refused, asking for a narrower one, and narrower
// requests are answered as before.
func TestAttackUnboundedValueAnswers(t *testing.T) {
	st := newTestStore(t, true)
	cs := &planwatch.ChangeSet{By: "test", From: "test"}
	inds := []string{"trade.retail_sales_services", "agri.planted_area", "bank.deposits", "test.xss"}
	for y := 2010; len(cs.Values) <= 100_000; y++ {
		for _, ind := range inds {
			for _, unit := range []string{"20", "178", "180"} {
				for first := 1; first <= 12; first++ {
					for last := first; last <= 12; last++ {
						p := fmt.Sprintf("%d%02d", y, first)
						if last > first {
							p += fmt.Sprintf("-%02d", last)
						}
						cs.Values = append(cs.Values, qv(ind, unit, p, float64(last)))
					}
				}
			}
		}
	}
	if _, err := st.Apply(t.Context(), cs); err != nil {
		t.Fatal(err)
	}
	s := newTestServer(t, Config{Store: st, PublicRead: true})
	c := newClient(t, s)
	for _, u := range []string{"/api/values", "/api/dataValueSets", "/api/dataValueSets?format=csv", "/api/values?indicator=" + strings.Join(inds, ",")} {
		rec := c.get(u)
		if rec.Code != http.StatusUnprocessableEntity || rec.Body.Len() > 4096 {
			t.Errorf("GET %s: %d, %d bytes; want 422 asking for a narrower request", u, rec.Code, rec.Body.Len())
		}
	}
	for _, u := range []string{"/api/values?indicator=agri.planted_area&unit=178&period=2022", "/api/dataValueSets?dataElement=agri.planted_area&orgUnit=178&startDate=2022-01-01&endDate=2022-12-31"} {
		rec := c.get(u)
		if rec.Code != http.StatusOK || !strings.Contains(body(rec), "agri.planted_area") {
			t.Errorf("GET %s: %d\n%.300s", u, rec.Code, body(rec))
		}
	}
}
