package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"planwatch"
)

// The attacks of issue 15 on authorisation and provenance, each performed
// as the hostile review did it.

// TestAttackUploadTargetsOutsideScope (issue 15, 1): a reporter of district
// 180 uploads a targets file through /upload and /upload/commit, changing
// the province's 2022 plan and setting a target for another district.
func TestAttackUploadTargetsOutsideScope(t *testing.T) {
	s := newTestServer(t, Config{Authenticate: headerUser})
	ctx := t.Context()
	before, err := s.store.Targets(ctx, planwatch.TargetQuery{Years: []int{2022}})
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, s)
	c.user = "reporter-180"
	c.get("/upload")
	plan := "indicator,orgunit,year,value\ntrade.retail_sales_services,20,2022,1\nagri.planted_area,178,2022,5\n"
	if rec := c.postFile("/upload", "file", "plan.csv", plan, nil); rec.Code != http.StatusForbidden {
		t.Errorf("preview of a targets file by a reporter: %d, want 403\n%s", rec.Code, bodyStart(body(rec)))
	}
	// The commit checks again on its own: a file waiting under this
	// reporter's name (previewed before the scope was narrowed, say).
	id := s.uploads.put(&pendingUpload{name: "plan.csv", data: []byte(plan), by: "reporter-180", at: testNow}, testNow)
	if rec := c.postForm("/upload/commit", url.Values{"id": {id}}); rec.Code != http.StatusForbidden {
		t.Errorf("commit of a targets file by a reporter: %d, want 403\n%s", rec.Code, bodyStart(body(rec)))
	}
	// A values file for another district is refused the same way.
	c.get("/upload")
	other := "indicator,orgunit,period,value\nagri.planted_area,180,2022Q2,1\nagri.planted_area,178,2022Q2,1\n"
	if rec := c.postFile("/upload", "file", "values.csv", other, nil); rec.Code != http.StatusForbidden {
		t.Errorf("values of another district: %d, want 403", rec.Code)
	}
	after, err := s.store.Targets(ctx, planwatch.TargetQuery{Years: []int{2022}})
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Fatalf("targets: %d before, %d after", len(before), len(after))
	}
	for i := range after {
		if after[i].Value != before[i].Value || after[i].Unit != before[i].Unit || after[i].Version != before[i].Version {
			t.Errorf("target changed: %+v → %+v", before[i], after[i])
		}
	}
	// A planner may import the same file.
	p := newClient(t, s)
	p.user = "planner"
	p.get("/upload")
	rec := p.postFile("/upload", "file", "plan.csv", plan, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("planner preview: %d\n%s", rec.Code, bodyStart(body(rec)))
	}
	if rec := p.postForm("/upload/commit", url.Values{"id": {regexpFind(body(rec), `name="id" value="([0-9a-f]+)"`)}}); rec.Code != http.StatusOK {
		t.Errorf("planner commit: %d\n%s", rec.Code, bodyStart(body(rec)))
	}
}

// TestChangeSetAuthorization: the one check of a change set covers every
// kind of change it can hold, whatever handler built it.
func TestChangeSetAuthorization(t *testing.T) {
	sectorOf := func(code string) string { return fixtureIndicatorByCode(code).Sector }
	p := planwatch.MustPeriod("2022Q2")
	kinds := map[string]*planwatch.ChangeSet{
		"value 178":     {Values: []planwatch.DataValue{qv("trade.retail_sales_services", "178", "2022Q2", 1)}},
		"value 180":     {Values: []planwatch.DataValue{qv("trade.retail_sales_services", "180", "2022Q2", 1)}},
		"value agri":    {Values: []planwatch.DataValue{qv("agri.planted_area", "178", "2022Q2", 1)}},
		"target 178":    {Targets: []planwatch.Target{{Indicator: "agri.planted_area", Unit: "178", Year: 2022, Kind: planwatch.TargetPlan, Value: 1}}},
		"milestone 178": {Milestones: []planwatch.Milestone{{Indicator: "agri.planted_area", Unit: "178", Period: p, Share: 50}}},
		"note 178":      {Notes: []planwatch.Note{{Unit: "178", Period: p, Sector: "trade", Text: "x"}}},
		"task 178":      {Tasks: []planwatch.Task{{Unit: "178", Due: p, Text: "x"}}},
	}
	allowed := map[string][]string{
		"anonymous":      nil,
		"viewer":         nil,
		"reporter-178":   {"value 178", "value agri"},
		"reporter-180":   {"value 180"},
		"reporter-trade": {"value 178"},
		"planner":        {"value 178", "value 180", "value agri", "target 178", "milestone 178", "note 178", "task 178"},
		"admin":          {"value 178", "value 180", "value agri", "target 178", "milestone 178", "note 178", "task 178"},
	}
	for who, u := range matrixUsers {
		for kind, cs := range kinds {
			want := false
			for _, k := range allowed[who] {
				want = want || k == kind
			}
			err := authorizeChanges(u, cs, sectorOf)
			if (err == nil) != want {
				t.Errorf("%s: %s allowed=%v, want %v (%v)", who, kind, err == nil, want, err)
			}
			if err != nil && u != nil && planwatch.ErrorCode(err) != planwatch.EFORBIDDEN {
				t.Errorf("%s: %s: code %s, want forbidden", who, kind, planwatch.ErrorCode(err))
			}
		}
	}
	// A refusal names the row and column of every item refused.
	cs := &planwatch.ChangeSet{Values: []planwatch.DataValue{
		qv("trade.retail_sales_services", "178", "2022Q2", 1), qv("trade.retail_sales_services", "180", "2022Q2", 1)},
		Targets: []planwatch.Target{{Indicator: "agri.planted_area", Unit: "178", Year: 2022, Value: 1, Source: planwatch.Source{Row: 7}}}}
	err := authorizeChanges(matrixUsers["reporter-178"], cs, sectorOf)
	var pe *planwatch.Error
	if !asError(err, &pe) || len(pe.Problems) != 2 || pe.Problems[0].Row != 2 || pe.Problems[1].Row != 7 {
		t.Errorf("problems of a refused change set: %v %+v", err, pe)
	}
}

// TestAttackAPIProvenance (issue 15, 7): a reporter's POST /api/values
// sets by, at and the source of the revision, so that a late value shows as
// on time in completeness. The server sets them.
func TestAttackAPIProvenance(t *testing.T) {
	s := newTestServer(t, Config{Authenticate: headerUser})
	c := newClient(t, s)
	c.user = "reporter-178"
	rec := c.postJSON("/api/values", `[{"indicator":"trade.retail_sales_services","orgunit":"178","period":"2022Q2","value":7,
		"by":"planner","at":"2022-01-02T00:00:00Z","source":{"kind":"document","ref":"Báo cáo","sentence":"đạt 7 tỷ"}}]`)
	if rec.Code != http.StatusOK {
		t.Fatalf("post: %d %s", rec.Code, body(rec))
	}
	revs, err := s.store.Revisions(t.Context(), planwatch.Key{Indicator: "trade.retail_sales_services", Unit: "178", Period: planwatch.MustPeriod("2022Q2")})
	if err != nil || len(revs) != 1 {
		t.Fatalf("revisions: %+v %v", revs, err)
	}
	v := revs[0]
	if v.By != "reporter-178" || !v.At.Equal(testNow) || v.Source.Kind != planwatch.SourceAPI || v.Source.Sentence != "" {
		t.Errorf("provenance taken from the request: by %q at %v source %+v", v.By, v.At, v.Source)
	}
	// Targets through the API: the planner cannot sign for someone else either.
	p := newClient(t, s)
	p.user = "planner"
	if rec := p.postJSON("/api/targets", `[{"indicator":"agri.planted_area","unit":"178","year":2022,"value":9,"by":"admin","at":"2021-01-01T00:00:00Z"}]`); rec.Code != http.StatusOK {
		t.Fatalf("targets: %d %s", rec.Code, body(rec))
	}
	ts, _ := s.store.TargetHistory(t.Context(), "agri.planted_area", "178")
	if len(ts) != 1 || ts[0].By != "planner" || !ts[0].At.Equal(testNow) {
		t.Errorf("target provenance: %+v", ts)
	}
}

// TestStoredByKeptOnlyForAdmins: a partner's storedBy survives an import
// only when an administrator imports it, and the audit says it came from
// the file while naming the administrator as the one who made the change.
func TestStoredByKeptOnlyForAdmins(t *testing.T) {
	s := newTestServer(t, Config{Authenticate: headerUser})
	post := func(who, unit string) {
		t.Helper()
		req := newJSONRequest("/api/values", `[{"indicator":"agri.planted_area","orgunit":"`+unit+`","period":"2022Q3","value":3,"by":"dhis2-partner"}]`)
		req.Header.Set("X-Test-User", who)
		rec := newClient(t, s).do(req)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", who, rec.Code, body(rec))
		}
	}
	post("planner", "178")
	post("admin", "180")
	by := func(unit string) string {
		revs, _ := s.store.Revisions(t.Context(), planwatch.Key{Indicator: "agri.planted_area", Unit: unit, Period: planwatch.MustPeriod("2022Q3")})
		if len(revs) != 1 {
			t.Fatalf("revisions of %s: %+v", unit, revs)
		}
		return revs[0].By
	}
	if got := by("178"); got != "planner" {
		t.Errorf("a planner's import kept storedBy: %q", got)
	}
	if got := by("180"); got != "dhis2-partner" {
		t.Errorf("an admin's import lost storedBy: %q", got)
	}
	entries, err := s.store.Audit(t.Context(), planwatch.AuditQuery{Entity: "agri.planted_area/180/2022Q3"})
	if err != nil || len(entries) != 1 || entries[0].By != "admin" || !strings.Contains(entries[0].Detail, "dhis2-partner") {
		t.Errorf("audit of a kept storedBy: %+v %v", entries, err)
	}
}

// TestAttackApprovalSubmit (issue 15, 12): submitting an unknown unit, and
// a sector-scoped reporter submitting its whole unit.
func TestAttackApprovalSubmit(t *testing.T) {
	s := newTestServer(t, Config{Authenticate: headerUser})
	for _, c := range []struct{ who, unit string }{
		{"planner", "ZZZ"}, {"planner", "<b>x</b>"}, {"reporter-trade", "178"},
	} {
		cl := newClient(t, s)
		cl.user = c.who
		cl.get("/approvals")
		rec := cl.postForm("/approvals/submit", url.Values{"unit": {c.unit}, "period": {"2021Q4"}})
		if rec.Code == http.StatusSeeOther || rec.Code == http.StatusOK {
			t.Errorf("%s submits %q: %d", c.who, c.unit, rec.Code)
		}
	}
	as, err := s.approvals.Approvals(t.Context(), planwatch.ApprovalQuery{})
	if err != nil || len(as) != 0 {
		t.Errorf("approvals stored: %+v %v", as, err)
	}
}

func newJSONRequest(target, body string) *http.Request {
	req, _ := http.NewRequest("POST", target, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = "192.0.2.1:1234"
	return req
}

// TestOneWritePath: the web application stores change sets in one place,
// Server.apply (Server.applyStream for a streamed file), where they are
// authorised; a handler calling the store's Apply or ApplyStream itself
// would bypass the check.
func TestOneWritePath(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				if sel, ok := call.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "Apply" || sel.Sel.Name == "ApplyStream" || sel.Sel.Name == "SetApproval") {
					if fn.Name.Name != "apply" && fn.Name.Name != "applyStream" && fn.Name.Name != "postApproval" {
						t.Errorf("%s: %s calls %s directly; go through Server.apply", fset.Position(call.Pos()), fn.Name.Name, sel.Sel.Name)
					}
				}
				return true
			})
		}
	}
}

// TestKeepStoredByAdminOnly: a DHIS2 push keeps its storedBy only when an
// administrator asks for it (keepStoredBy=true); anyone else asking is
// refused, and without asking the value is the pusher's.
func TestKeepStoredByAdminOnly(t *testing.T) {
	s := newTestServer(t, Config{Authenticate: headerUser})
	push := func(who, unit, query string) int {
		body := `{"dataValues":[{"dataElement":"agri.planted_area","period":"2022Q3","orgUnit":"` + unit + `","value":"5","storedBy":"dhis2-user"}]}`
		req := newJSONRequest("/api/dataValueSets"+query, body)
		req.Header.Set("X-Test-User", who)
		return newClient(t, s).do(req).Code
	}
	by := func(unit string) string {
		revs, _ := s.store.Revisions(t.Context(), planwatch.Key{Indicator: "agri.planted_area", Unit: unit, Period: planwatch.MustPeriod("2022Q3")})
		if len(revs) == 0 {
			return ""
		}
		return revs[len(revs)-1].By
	}
	if code := push("planner", "178", "?keepStoredBy=true"); code != http.StatusForbidden {
		t.Errorf("a planner asking to keep storedBy: %d, want 403", code)
	}
	if code := push("admin", "178", ""); code != http.StatusOK || by("178") != "admin" {
		t.Errorf("an admin's push without asking: %d, by %q", code, by("178"))
	}
	if code := push("admin", "180", "?keepStoredBy=true"); code != http.StatusOK || by("180") != "dhis2-user" {
		t.Errorf("an admin's push keeping storedBy: %d, by %q", code, by("180"))
	}
}
