package web

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"planwatch"
)

// asUser sends a request as a matrix user (see headerUser).
func asUser(t *testing.T, s http.Handler, who, method, target, contentType, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("X-Test-User", who)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec
}

func postStep(t *testing.T, s http.Handler, who, action, unit, period, comment string) *httptest.ResponseRecorder {
	t.Helper()
	form := url.Values{"unit": {unit}, "period": {period}, "comment": {comment}}
	req := httptest.NewRequest("POST", "/approvals/"+action, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-Test-User", who)
	c := newClient(t, s)
	get := httptest.NewRequest("GET", "/approvals", nil)
	get.Header.Set("X-Test-User", who)
	c.do(get)
	req.Header.Set(csrfHeader, c.csrf)
	return c.do(req)
}

// TestApprovalWorkflow: submit, return, submit, approve (which locks entry
// with a message naming the unit and period), unlock with a reason (audited),
// and analytics that leave out what is not approved.
func TestApprovalWorkflow(t *testing.T) {
	st := newTestStore(t, true)
	s := newTestServer(t, Config{Store: st, Authenticate: headerUser})
	value := `[{"indicator":"trade.retail_sales_services","orgunit":"178","period":"2022Q1","value":3300e9}]`
	step := func(who, action, comment string, want int) {
		t.Helper()
		if rec := postStep(t, s, who, action, "178", "2022Q1", comment); rec.Code != want {
			t.Fatalf("%s %s: %d, want %d\n%s", who, action, rec.Code, want, rec.Body)
		}
	}
	step("reporter-180", "submit", "", http.StatusForbidden) // not its unit
	step("reporter-178", "approve", "", http.StatusForbidden)
	step("planner", "approve", "", http.StatusConflict) // not submitted yet
	step("reporter-178", "submit", "", http.StatusOK)
	step("planner", "return", "", http.StatusUnprocessableEntity) // a comment is required
	step("planner", "return", "thiếu số liệu tháng 3", http.StatusOK)
	step("reporter-178", "submit", "", http.StatusOK)
	step("planner", "approve", "", http.StatusOK)

	// Locked: the reporter's edit is refused with a clear message, through
	// the API and through the form; nothing is stored.
	rec := asUser(t, s, "reporter-178", "POST", "/api/values", "application/json", value)
	if rec.Code != http.StatusConflict || !strings.Contains(body(rec), "178") || !strings.Contains(body(rec), "2022Q1") || !strings.Contains(body(rec), "locked") {
		t.Fatalf("edit of an approved period: %d %s", rec.Code, body(rec))
	}
	rec = asUser(t, s, "planner", "POST", "/api/values", "application/json", strings.Replace(value, `"2022Q1"`, `"202202"`, 1))
	if rec.Code != http.StatusConflict {
		t.Errorf("a month within the approved quarter: %d", rec.Code)
	}
	c := newClient(t, s)
	get := httptest.NewRequest("GET", "/entry?unit=178&period=2022Q1", nil)
	get.Header.Set("X-Test-User", "reporter-178")
	c.do(get)
	form := url.Values{"_csrf": {c.csrf}, "unit": {"178"}, "period": {"2022Q1"}, "sector": {"Thương mại, dịch vụ"},
		"v.trade.retail_sales_services": {"3300"}, "vin.trade.retail_sales_services": {"official"}, "basis.trade.retail_sales_services": {"period"}}
	post := httptest.NewRequest("POST", "/entry", strings.NewReader(form.Encode()))
	post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	post.Header.Set("X-Test-User", "reporter-178")
	rec = c.do(post)
	if rec.Code != http.StatusConflict || !strings.Contains(body(rec), "đơn vị 178 kỳ 2022Q1") || !strings.Contains(body(rec), `id="entry-form"`) {
		t.Errorf("form edit of an approved period: %d\n%s", rec.Code, bodyStart(body(rec)))
	}
	if b := body(c.do(get)); !strings.Contains(b, "đã được planner duyệt và khóa") {
		t.Error("the entry form does not warn that the period is locked")
	}
	// Another unit and another period stay open.
	if rec := asUser(t, s, "planner", "POST", "/api/values", "application/json", strings.Replace(value, `"178"`, `"180"`, 1)); rec.Code != http.StatusOK {
		t.Errorf("another unit: %d %s", rec.Code, body(rec))
	}

	// Approved values are marked; analytics can leave out the others.
	rec = asUser(t, s, "viewer", "GET", "/api/values?unit=178,180&period=2022Q1&approved=true", "", "")
	var vals []planwatch.DataValue
	if err := json.Unmarshal(rec.Body.Bytes(), &vals); err != nil {
		t.Fatal(err)
	}
	if len(vals) != 1 || vals[0].Unit != "178" || !vals[0].Approved {
		t.Errorf("approved only: %+v", vals)
	}
	if b := body(asUser(t, s, "viewer", "GET", "/?unit=178&period=2022Q1", "", "")); !strings.Contains(b, `class="chip ap-approved"`) {
		t.Error("the dashboard does not show that the period is approved")
	}
	only := newTestServer(t, Config{Store: st, Authenticate: headerUser, ApprovedOnly: true})
	rec = asUser(t, only, "viewer", "GET", "/api/analytics/status?unit=20&period=2022Q1", "", "")
	if !strings.Contains(body(rec), `"reported": 1`) {
		t.Errorf("ApprovedOnly analytics should count only the approved district:\n%s", bodyStart(body(rec)))
	}

	// Unlock needs a reason, is audited, and opens entry again.
	step("planner", "unlock", "", http.StatusUnprocessableEntity)
	step("planner", "unlock", "sửa số liệu theo Cục Thống kê", http.StatusOK)
	if rec := asUser(t, s, "reporter-178", "POST", "/api/values", "application/json", value); rec.Code != http.StatusOK {
		t.Errorf("edit after unlock: %d %s", rec.Code, body(rec))
	}
	entries, err := st.Audit(t.Context(), planwatch.AuditQuery{Action: "approval."})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, fmt.Sprintf("%s %s %s→%s %s", e.By, e.Action, e.Old, e.New, e.Detail))
		if e.Entity != "approval/178/2022Q1" || e.From != "192.0.2.1" {
			t.Errorf("entry %+v", e)
		}
	}
	want := []string{
		"planner approval.unlock approved→open sửa số liệu theo Cục Thống kê",
		"planner approval.approve submitted→approved ",
		"reporter-178 approval.submit returned→submitted ",
		"planner approval.return submitted→returned thiếu số liệu tháng 3",
		"reporter-178 approval.submit open→submitted ",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("approval audit:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestAuditRandomEdits: N random edits by several users give exactly N
// audit entries, each with the right user, old and new value.
func TestAuditRandomEdits(t *testing.T) {
	st := newTestStore(t, true)
	s := newTestServer(t, Config{Store: st, Authenticate: headerUser})
	rng := rand.New(rand.NewPCG(6, 6))
	users := []string{"reporter-178", "planner", "admin"}
	keys := []string{"178/2022Q2", "178/2022Q3", "180/2022Q2"}
	type edit struct{ who, key, old, new string }
	current := map[string]string{}
	var edits []edit
	const n = 40
	for len(edits) < n {
		who := users[rng.IntN(len(users))]
		key := keys[rng.IntN(len(keys))]
		unit, period, _ := strings.Cut(key, "/")
		if who == "reporter-178" && unit != "178" {
			continue
		}
		x := float64(1+rng.IntN(9000)) * 1e9
		next := strconv.FormatFloat(x, 'f', -1, 64)
		if next == current[key] {
			continue // an unchanged value is ignored, not an edit
		}
		body := fmt.Sprintf(`[{"indicator":"trade.retail_sales_services","orgunit":%q,"period":%q,"value":%s}]`, unit, period, next)
		if rec := asUser(t, s, who, "POST", "/api/values", "application/json", body); rec.Code != http.StatusOK {
			t.Fatalf("edit %d: %d %s", len(edits), rec.Code, rec.Body)
		}
		edits = append(edits, edit{who, key, current[key], next})
		current[key] = next
	}
	rec := asUser(t, s, "admin", "GET", "/api/audit?action=value.&entity=trade.retail_sales_services/1&limit=1000&from=2022-04-20", "", "")
	var entries []planwatch.AuditEntry
	if err := json.Unmarshal(rec.Body.Bytes(), &entries); err != nil {
		t.Fatalf("%v: %s", err, rec.Body)
	}
	var mine []planwatch.AuditEntry
	for _, e := range entries {
		if e.By != "test" { // the fixture's own entries
			mine = append(mine, e)
		}
	}
	if len(mine) != n {
		t.Fatalf("%d audit entries for %d edits", len(mine), n)
	}
	for i, e := range mine {
		ed := edits[n-1-i] // newest first
		unit, period, _ := strings.Cut(ed.key, "/")
		if e.By != ed.who || e.Entity != "trade.retail_sales_services/"+unit+"/"+period || e.From != "192.0.2.1" {
			t.Errorf("entry %d: %+v, want edit %+v", i, e, ed)
		}
		wantAction := "value.update"
		if ed.old == "" {
			wantAction = "value.create"
		}
		if e.Action != wantAction || !strings.Contains(e.New, `"value":`+ed.new) || (ed.old != "" && !strings.Contains(e.Old, `"value":`+ed.old)) || (ed.old == "" && e.Old != "") {
			t.Errorf("entry %d: %s old=%s new=%s; want old %s new %s", i, e.Action, e.Old, e.New, ed.old, ed.new)
		}
	}
}
