package web

import (
	"encoding/json"
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
	st, inds := storeOfManyValues(t)
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

// TestAttackApprovedAnswerCountsUnapproved (sixth session): with
// approved=true, GET /api/values counted the store's values against
// maxAnswerValues before leaving out the unapproved ones (approvals were
// marked in web, after the read): among more than 100,000 values, the few
// of one approved unit-period were refused as "more than 100,000", and a
// store that stopped at the limit could have answered an arbitrary part of
// them. The store's read takes the approved-only filter before its limit
// counts, so the answer is every approved value and only those.
func TestAttackApprovedAnswerCountsUnapproved(t *testing.T) {
	st, _ := storeOfManyValues(t)
	if err := st.(planwatch.ApprovalStore).SetApproval(t.Context(), planwatch.Approval{Unit: "178", Period: planwatch.MustPeriod("2011Q1"),
		State: planwatch.ApprovalApproved, By: "an"}); err != nil {
		t.Fatal(err)
	}
	s := newTestServer(t, Config{Store: st, PublicRead: true})
	c := newClient(t, s)
	rec := c.get("/api/values?approved=true")
	var got []planwatch.DataValue
	if rec.Code != http.StatusOK {
		t.Fatalf("GET approved=true: %d, want 200 with the approved values\n%.300s", rec.Code, body(rec))
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	// The month spans within January–March, for each of the 4 indicators.
	want := 0
	for first := 1; first <= 3; first++ {
		want += 3 - first + 1
	}
	want *= 4
	if len(got) != want {
		t.Errorf("GET approved=true: %d values, want %d (every span within 178's approved 2011Q1)", len(got), want)
	}
	for _, v := range got {
		if v.Unit != "178" || v.Period.Year != 2011 || v.Period.Last > 3 || !v.Approved {
			t.Errorf("unapproved value answered: %+v", v)
			break
		}
	}
}

// storeOfManyValues is the test store with more than maxAnswerValues
// values (every month span of 2010 onwards, for the fixture's units), and
// the indicators it holds.
func storeOfManyValues(t *testing.T) (planwatch.Store, []string) {
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
	return st, inds
}

// TestAttackDataValueSetsBadDates (fifth session, reviewer 5): a malformed
// startDate or endDate of GET /api/dataValueSets was read as no bound at
// all: "endDate=2022-1x-31" answered every value after startDate, so a
// mistyped date widened the answer silently (and the caller believed it
// had the months asked for). A date that is not YYYY-MM-DD (or YYYY-MM) is
// refused, naming the parameter; well-formed ones bound the answer.
func TestAttackDataValueSetsBadDates(t *testing.T) {
	s := newTestServer(t, Config{PublicRead: true})
	c := newClient(t, s)
	for _, q := range []string{"endDate=2022-1x-31", "endDate=2022-13-01", "endDate=20221231", "startDate=2022-00-01", "startDate=yesterday"} {
		name := q[:strings.Index(q, "=")]
		u := "/api/dataValueSets?dataElement=agri.planted_area&" + q
		if name == "endDate" {
			u += "&startDate=2022-01-01"
		}
		rec := c.get(u)
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body(rec), name) {
			t.Errorf("GET with %s: %d, want 422 naming %s\n%.300s", q, rec.Code, name, body(rec))
		}
	}
	rec := c.get("/api/dataValueSets?dataElement=agri.planted_area&orgUnit=20&startDate=2022-01-01&endDate=2022-03-31")
	if rec.Code != http.StatusOK || !strings.Contains(body(rec), `"period"`) || strings.Contains(body(rec), `"2022Q2"`) || strings.Contains(body(rec), `"202204"`) {
		t.Errorf("GET of 2022-01-01..2022-03-31: %d, want 200 without later periods\n%.600s", rec.Code, body(rec))
	}
}
