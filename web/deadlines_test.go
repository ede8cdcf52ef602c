package web

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"planwatch"
)

func TestDueDate(t *testing.T) {
	s := newTestServer(t, Config{DueDays: map[string]int{"Tiền tệ, tín dụng": 31, "Mức sống dân cư": 20}})
	for _, c := range []struct {
		sector, period, want string
	}{
		{"Thương mại, dịch vụ", "2022Q1", "2022-03-15"}, // Decree 09 default: the day after the 14th cut-off
		{"Thương mại, dịch vụ", "202202", "2022-02-15"},
		{"Thương mại, dịch vụ", "2022S1", "2022-06-15"},
		{"Thương mại, dịch vụ", "2022", "2022-12-15"},
		{"Tiền tệ, tín dụng", "202202", "2022-02-28"}, // day 31 in a short month
		{"Mức sống dân cư", "2022Q2", "2022-06-20"},
	} {
		if got := s.dueDate(c.sector, planwatch.MustPeriod(c.period)).Format("2006-01-02"); got != c.want {
			t.Errorf("%s %s: due %s, want %s", c.sector, c.period, got, c.want)
		}
	}
}

// TestCompleteness: who has reported, who is late, and whom to remind.
func TestCompleteness(t *testing.T) {
	st := newTestStore(t, true).(accountStore)
	for _, a := range []planwatch.Account{
		{Name: "lan", Role: planwatch.RoleReporter, Units: []string{"178"}},
		{Name: "minh", Role: planwatch.RoleReporter, Units: []string{"180"}, Sectors: []string{"Thương mại, dịch vụ"}},
		{Name: "cu", Role: planwatch.RoleReporter, Disabled: true},
	} {
		if err := st.CreateAccount(t.Context(), a); err != nil {
			t.Fatal(err)
		}
	}
	// The fixture's values were stored on 20 April 2022 (testNow).
	now := time.Date(2022, 6, 10, 9, 0, 0, 0, time.UTC)
	s := newTestServer(t, Config{Store: st, Accounts: st, Now: func() time.Time { return now }, Authenticate: headerUser})
	if rec := asUser(t, s, "planner", "POST", "/api/values", "application/json",
		`[{"indicator":"trade.retail_sales_services","orgunit":"178","period":"2022Q2","value":3000e9}]`); rec.Code != 200 {
		t.Fatal(rec.Code, body(rec))
	}
	type form struct {
		Unit               string `json:"orgunit"`
		Sector, Status     string
		Reported, Expected int
		Remind             []string
	}
	get := func(period string) map[string]form {
		rec := asUser(t, s, "planner", "GET", "/api/completeness?unit=20&period="+period, "", "")
		var out struct{ Forms []form }
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("%v: %s", err, rec.Body)
		}
		m := map[string]form{}
		for _, f := range out.Forms {
			m[f.Unit+"|"+f.Sector] = f
		}
		return m
	}
	q1 := get("2022Q1")
	if len(q1) != 8 { // 2 districts × 4 sectors with quarterly indicators (poverty is yearly)
		t.Errorf("Q1: %d forms: %+v", len(q1), q1)
	}
	if f := q1["178|Thương mại, dịch vụ"]; f.Status != timeLate || f.Reported != 1 || f.Expected != 1 {
		t.Errorf("178 trade Q1 (reported 20 April, due 15 March): %+v", f)
	}
	if f := q1["178|Tiền tệ, tín dụng"]; f.Status != timeOverdue || !slices.Equal(f.Remind, []string{"lan"}) {
		t.Errorf("178 banking Q1: %+v", f)
	}
	if f := q1["180|Thương mại, dịch vụ"]; f.Status != timeLate {
		t.Errorf("180 trade Q1: %+v", f)
	}
	if f := q1["180|Tiền tệ, tín dụng"]; f.Status != timeOverdue || len(f.Remind) != 0 {
		t.Errorf("180 banking Q1 (minh reports trade only): %+v", f)
	}
	q2 := get("2022Q2")
	if f := q2["178|Thương mại, dịch vụ"]; f.Status != timeOnTime {
		t.Errorf("178 trade Q2 (reported before 15 June): %+v", f)
	}
	if f := q2["180|Thương mại, dịch vụ"]; f.Status != timePending || !slices.Equal(f.Remind, []string{"minh"}) {
		t.Errorf("180 trade Q2 (due in 5 days): %+v", f)
	}
	b := body(asUser(t, s, "planner", "GET", "/completeness?unit=20&period=2022Q2&lang=en", "", ""))
	if !strings.Contains(b, `id="reminders"`) || !strings.Contains(b, "minh") || !strings.Contains(b, "not yet due") || !strings.Contains(b, "on time") {
		t.Errorf("completeness page lacks reminders or statuses:\n%s", bodyStart(b))
	}
}

// TestAuditPage: filters, and no way to change the trail.
func TestAuditPage(t *testing.T) {
	st := newTestStore(t, true)
	s := newTestServer(t, Config{Store: st, Authenticate: headerUser})
	if err := st.RecordAudit(t.Context(), planwatch.AuditEntry{By: "lan", From: "10.0.0.1", Action: "login", Entity: "user/lan"}); err != nil {
		t.Fatal(err)
	}
	b := body(asUser(t, s, "planner", "GET", "/audit?by=lan", "", ""))
	if !strings.Contains(b, "user/lan") || !strings.Contains(b, "10.0.0.1") || strings.Contains(b, "trade.retail_sales_services/178") {
		t.Errorf("audit page filtered by user:\n%s", bodyStart(b))
	}
	rec := asUser(t, s, "admin", "GET", "/api/audit?action=value.&entity=trade.retail_sales_services/178/&limit=3", "", "")
	var entries []planwatch.AuditEntry
	if err := json.Unmarshal(rec.Body.Bytes(), &entries); err != nil || len(entries) != 3 {
		t.Fatalf("API: %v %d", err, len(entries))
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Entity, "trade.retail_sales_services/178/") || !strings.HasPrefix(e.Action, "value.") {
			t.Errorf("filtered entry %+v", e)
		}
	}
	for _, bad := range []string{"/api/audit?from=yesterday", "/api/audit?limit=0", "/api/audit?limit=999999"} {
		if rec := asUser(t, s, "admin", "GET", bad, "", ""); rec.Code != 422 {
			t.Errorf("%s: %d", bad, rec.Code)
		}
	}
	if rec := asUser(t, s, "admin", "GET", "/api/audit?from=2022-04-20&to=2022-04-20", "", ""); rec.Code != 200 || strings.TrimSpace(body(rec)) == "[]" {
		t.Errorf("one day (to is inclusive for a date): %d %s", rec.Code, bodyStart(body(rec)))
	}
	for _, p := range s.Routes() {
		if strings.Contains(p, "audit") && !strings.HasPrefix(p, "GET ") {
			t.Errorf("route %q could change the audit trail", p)
		}
	}
	for _, m := range []string{"PUT", "DELETE", "PATCH", "POST"} {
		if rec := asUser(t, s, "admin", m, "/api/audit", "application/json", "{}"); rec.Code < 400 {
			t.Errorf("%s /api/audit: %d", m, rec.Code)
		}
	}
}
