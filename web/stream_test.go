package web

import (
	"context"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"planwatch"
	"planwatch/sqlite"
)

// POST /api/values and /api/dataValueSets read their bodies as they arrive
// (applyStream): the rules of a whole change set still hold — all or
// nothing, dry runs, every value put to the policy, the server's who and
// when, bodies over their limit refused — and a body that breaks off or
// goes wrong half-way stores nothing.
func TestStreamedWrites(t *testing.T) {
	s := newTestServer(t, Config{Authenticate: headerUser})
	post := func(who, target, ctype, body string) (int, string) {
		req := newJSONRequest(target, body)
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("X-Test-User", who)
		rec := newClient(t, s).do(req)
		return rec.Code, rec.Body.String()
	}
	value := func(unit, month string, x int) string {
		return fmt.Sprintf(`{"indicator":"agri.planted_area","orgunit":%q,"period":%q,"value":%d,"by":"someone-else","at":"2001-02-03T04:05:06Z"}`, unit, month, x)
	}
	stored := func(unit, month string) (planwatch.DataValue, bool) {
		revs, _ := s.store.Revisions(t.Context(), planwatch.Key{Indicator: "agri.planted_area", Unit: unit, Period: planwatch.MustPeriod(month)})
		if len(revs) == 0 {
			return planwatch.DataValue{}, false
		}
		return revs[len(revs)-1], true
	}
	const json = "application/json"

	// A bare array is stored, as the signed-in user.
	if code, b := post("reporter-178", "/api/values", json, "["+value("178", "202301", 1)+","+value("178", "202302", 2)+"]"); code != http.StatusOK || !strings.Contains(b, `"imported": 2`) {
		t.Fatalf("array: %d %s", code, b)
	}
	if v, ok := stored("178", "202302"); !ok || v.By != "reporter-178" || *v.Value != 2 || v.At.Year() == 2001 {
		t.Errorf("stored %+v %v: want 2 by reporter-178, at the server's time", v, ok)
	}
	// A comment beyond the bound of a value's texts is refused, naming it.
	long := `[{"indicator":"agri.planted_area","orgunit":"178","period":"202308","value":8,"comment":"` + strings.Repeat("ả", 4001) + `"}]`
	if code, b := post("reporter-178", "/api/values", json, long); code != http.StatusUnprocessableEntity || !strings.Contains(b, "comment") {
		t.Errorf("a 4,001-character comment: %d %.300s", code, b)
	}
	if _, ok := stored("178", "202308"); ok {
		t.Error("a value with a comment beyond the bound was stored")
	}
	// dry_run before the values, or in the query: nothing stored.
	for _, c := range []struct{ target, body string }{
		{"/api/values", `{"dry_run": true, "values": [` + value("178", "202303", 3) + `]}`},
		{"/api/values?dry_run=true", `[` + value("178", "202303", 3) + `]`},
	} {
		if code, b := post("reporter-178", c.target, json, c.body); code != http.StatusOK || !strings.Contains(b, `"imported": 1`) {
			t.Errorf("dry run %s: %d %s", c.target, code, b)
		}
	}
	// dry_run after the values cannot be honoured once stored: refused.
	code, b := post("reporter-178", "/api/values", json, `{"values": [`+value("178", "202303", 3)+`], "dry_run": true}`)
	if code != http.StatusUnprocessableEntity || !strings.Contains(b, "dry_run") {
		t.Errorf("dry_run after values: %d %s", code, b)
	}
	if _, ok := stored("178", "202303"); ok {
		t.Error("a dry run stored a value")
	}
	// Other members are skipped; values in the object form are stored.
	if code, b := post("reporter-178", "/api/values", json, `{"comment": {"x": [1, 2]}, "values": [`+value("178", "202304", 4)+`], "dry_run": false}`); code != http.StatusOK || !strings.Contains(b, `"imported": 1`) {
		t.Errorf("object: %d %s", code, b)
	}
	// A value out of the user's units refuses everything, naming it.
	code, b = post("reporter-178", "/api/values", json, "["+value("178", "202305", 5)+","+value("180", "202305", 5)+"]")
	if code != http.StatusForbidden || !strings.Contains(b, "180") {
		t.Errorf("out of scope: %d %s", code, b)
	}
	if _, ok := stored("178", "202305"); ok {
		t.Error("a refused body stored its allowed value")
	}
	// Broken JSON half-way names the value and stores nothing.
	code, b = post("reporter-178", "/api/values", json, "["+value("178", "202306", 6)+`, {"indicator": }]`)
	if code != http.StatusUnprocessableEntity || !strings.Contains(b, `"row": 2`) || !strings.Contains(b, "invalid JSON") {
		t.Errorf("broken JSON: %d %s", code, b)
	}
	if _, ok := stored("178", "202306"); ok {
		t.Error("a broken body stored its first value")
	}
	// Anonymous: nothing.
	if code, _ := post("anonymous", "/api/values", json, "["+value("178", "202307", 7)+"]"); code != http.StatusUnauthorized && code != http.StatusForbidden {
		t.Errorf("anonymous: %d", code)
	}

	// Over the route's limit: 413 and nothing stored, whichever route.
	defer func(a, b int64) {
		bodyLimits["POST /api/values"], bodyLimits["POST /api/dataValueSets"] = a, b
	}(bodyLimits["POST /api/values"], bodyLimits["POST /api/dataValueSets"])
	bodyLimits["POST /api/values"], bodyLimits["POST /api/dataValueSets"] = 4000, 4000
	var many []string
	for d := 1; d <= 60; d++ {
		many = append(many, value("178", fmt.Sprintf("%d%02d", 2019+d/12, 1+d%12), d))
	}
	if code, b := post("reporter-178", "/api/values", json, "["+strings.Join(many, ",")+"]"); code != http.StatusRequestEntityTooLarge {
		t.Errorf("values over the limit: %d %s", code, b)
	}
	csv := "dataelement,period,orgunit,value\n" + strings.Repeat("agri.planted_area,202401,178,1\n", 200)
	if code, b := post("reporter-178", "/api/dataValueSets", "application/csv", csv); code != http.StatusRequestEntityTooLarge {
		t.Errorf("data value set over the limit: %d %s", code, b)
	}
	if _, ok := stored("178", "202401"); ok {
		t.Error("a body over the limit stored a value")
	}
	if _, ok := stored("178", "201902"); ok {
		t.Error("a body over the limit stored a value")
	}
}

// watchedStore tells, at the first value a streamed write hands the store,
// how much of the request body had been read.
type watchedStore struct {
	*sqlite.DB
	body  *countingReader
	atOne int64 // bytes of the body read when the first value reached the store
}

func (w *watchedStore) ApplyStream(ctx context.Context, cs *planwatch.ChangeSet, values iter.Seq2[planwatch.DataValue, error]) (planwatch.ApplyResult, error) {
	w.atOne = -1
	return w.DB.ApplyStream(ctx, cs, func(yield func(planwatch.DataValue, error) bool) {
		for v, err := range values {
			if w.atOne < 0 {
				w.atOne = w.body.n
			}
			if !yield(v, err) {
				return
			}
		}
	})
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// The streamed routes hand the store its first value long before the end
// of a large body has been read: the body is never held whole.
func TestStreamedWritesDoNotHoldTheBody(t *testing.T) {
	st := &watchedStore{DB: newTestStore(t, true).(*sqlite.DB)}
	s := newTestServer(t, Config{Store: st, Authenticate: headerUser})
	var js, csv strings.Builder
	csv.WriteString("dataelement,period,orgunit,value\n")
	js.WriteString("[")
	for i := range 7200 { // 300 years of months, two communes
		if i > 0 {
			js.WriteString(",")
		}
		p, unit := fmt.Sprintf("%d%02d", 1900+i/24, 1+i/2%12), []string{"178", "180"}[i%2]
		fmt.Fprintf(&js, `{"indicator":"agri.planted_area","orgunit":%q,"period":%q,"value":%d}`, unit, p, i)
		fmt.Fprintf(&csv, "agri.planted_area,%s,%s,%d\n", p, unit, i)
	}
	js.WriteString("]")
	for _, c := range []struct{ target, ctype, body string }{
		{"/api/values", "application/json", js.String()},
		{"/api/dataValueSets", "application/csv", csv.String()},
	} {
		st.body = &countingReader{r: strings.NewReader(c.body)}
		req := httptest.NewRequest("POST", c.target, st.body)
		req.Header.Set("Content-Type", c.ctype)
		req.Header.Set("X-Test-User", "admin")
		rec := newClient(t, s).do(req)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "7200") {
			t.Fatalf("%s: %d %.300s", c.target, rec.Code, rec.Body.String())
		}
		if st.atOne < 0 || st.atOne > int64(len(c.body))/2 {
			t.Errorf("%s: %d of %d bytes read before the first value reached the store", c.target, st.atOne, len(c.body))
		}
	}
}
