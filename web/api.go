package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"planwatch"
	"planwatch/calc"
)

func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) error {
	b, err := assets.ReadFile("openapi.json")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, err = w.Write(b)
	return err
}

func (s *Server) apiIndicators(w http.ResponseWriter, r *http.Request) error {
	inds, err := s.store.Indicators(r.Context())
	if err != nil {
		return err
	}
	if sec := r.URL.Query().Get("sector"); sec != "" {
		out := inds[:0]
		for _, ind := range inds {
			if ind.Sector == sec {
				out = append(out, ind)
			}
		}
		inds = out
	}
	writeJSON(w, http.StatusOK, inds)
	return nil
}

// apiUnits lists the units in force at a date (?at=YYYY-MM-DD, default
// today), optionally the children of ?parent=.
func (s *Server) apiUnits(w http.ResponseWriter, r *http.Request) error {
	snap, err := s.snapshot(r.Context())
	if err != nil {
		return err
	}
	at := s.now()
	if a := r.URL.Query().Get("at"); a != "" {
		if at, err = time.Parse("2006-01-02", a); err != nil {
			return invalid("at %q: expected YYYY-MM-DD", a)
		}
	}
	h := snap.ds.Units
	var codes []string
	if parent := r.URL.Query().Get("parent"); parent != "" {
		codes = h.ChildrenAt(parent, at)
	} else {
		codes = h.Codes()
	}
	out := []planwatch.OrgUnit{}
	for _, c := range codes {
		if u, ok := h.At(c, at); ok {
			out = append(out, u)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	writeJSON(w, http.StatusOK, out)
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// apiValues returns current values: ?indicator=a,b&unit=x,y&period=2022Q1
// (or &from=YYYYMM&to=YYYYMM) &approved=true.
func (s *Server) apiValues(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	vq := planwatch.ValueQuery{Indicators: splitList(q.Get("indicator")), Units: splitList(q.Get("unit")), ApprovedOnly: q.Get("approved") == "true"}
	if ps := q.Get("period"); ps != "" {
		p, err := planwatch.ParsePeriod(ps)
		if err != nil {
			return err
		}
		vq.FromMonth, vq.ToMonth = p.Year*100+p.First, p.Year*100+p.Last
	}
	for _, f := range []struct {
		name string
		dst  *int
	}{{"from", &vq.FromMonth}, {"to", &vq.ToMonth}} {
		if v := q.Get(f.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 190001 || n%100 < 1 || n%100 > 12 {
				return invalid("%s %q: expected a month YYYYMM", f.name, v)
			}
			*f.dst = n
		}
	}
	vals, err := s.store.Values(r.Context(), vq)
	if err != nil {
		return err
	}
	if vals, err = s.markApproved(r.Context(), vals, vq.ApprovedOnly); err != nil {
		return err
	}
	hideNames(r.Context(), vals, nil)
	if vals == nil {
		vals = []planwatch.DataValue{}
	}
	writeJSON(w, http.StatusOK, vals)
	return nil
}

// decodeJSON reads a request body (bounded by its route, see guard) into
// v, answering a malformed body as EINVALID and one over the limit as 413.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return invalid("thiếu nội dung JSON / empty body")
		}
		if err := bodyError(err); planwatch.ErrorCode(err) == codeTooLarge {
			return err
		}
		return invalid("JSON không hợp lệ / invalid JSON: %v", err)
	}
	return nil
}

// valuesBody accepts either {"values": [...], "dry_run": true} or a bare array.
type valuesBody struct {
	Values []planwatch.DataValue `json:"values"`
	DryRun bool                  `json:"dry_run"`
}

func (b *valuesBody) UnmarshalJSON(data []byte) error {
	if t := strings.TrimSpace(string(data)); strings.HasPrefix(t, "[") {
		return json.Unmarshal(data, &b.Values)
	}
	type plain valuesBody
	return json.Unmarshal(data, (*plain)(b))
}

func (s *Server) apiPostValues(w http.ResponseWriter, r *http.Request) error {
	var body valuesBody
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	for i := range body.Values {
		v := &body.Values[i]
		if v.Basis == "" {
			v.Basis = planwatch.BasisPeriod
		}
		if v.Vintage == 0 {
			v.Vintage = planwatch.Official
		}
		// The client may say its figure is restated for the unit's territory
		// of today ("source": {"kind": "restated"}): a statement about the
		// figure, not provenance; the rest of the source is the server's.
		restated := v.Source.Kind == planwatch.SourceRestated
		v.Source = apiSource(v.Source, i)
		if restated {
			v.Source.Kind = planwatch.SourceRestated
		}
	}
	res, err := s.apply(r, &planwatch.ChangeSet{Values: body.Values, DryRun: body.DryRun})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// apiSource is the source of the i-th item posted to the API: the API says
// so, whatever the request claims (a document's sentence or a derivation
// would be provenance the server cannot vouch for); the client's reference
// is kept as a label.
func apiSource(claimed planwatch.Source, i int) planwatch.Source {
	return planwatch.Source{Kind: planwatch.SourceAPI, Ref: truncate(claimed.Ref, 200), Row: i + 1}
}

// apply is where every web write is stored: it asks the policy about every
// change of cs (authorizeChanges), makes who, when and from where the
// server's (stamp), stores cs as the requesting user and refreshes analytics.
func (s *Server) apply(r *http.Request, cs *planwatch.ChangeSet) (planwatch.ApplyResult, error) {
	ctx := r.Context()
	u := userOf(ctx)
	snap, err := s.snapshot(ctx)
	if err != nil {
		return planwatch.ApplyResult{}, err
	}
	if err := authorizeChanges(u, cs, func(code string) string { return snap.ds.Indicators[code].Sector }); err != nil {
		return planwatch.ApplyResult{}, err
	}
	if err := s.checkBlocking(ctx, snap, cs); err != nil {
		return planwatch.ApplyResult{}, err
	}
	stamp(u, cs)
	cs.By = userName(ctx)
	cs.From = s.clientIP(r)
	// An approved unit-period is locked: the store refuses such writes inside
	// its Apply transaction (planwatch.CheckLocked), for every write path.
	res, err := s.store.Apply(ctx, cs)
	if err == nil && !cs.DryRun {
		s.patch(ctx, cs)
	}
	return res, err
}

// stamp clears who and when from every change, so that the store records
// the signed-in user (ChangeSet.By) and its own clock: a request cannot
// backdate a figure or sign it with another name. Only an administrator's
// import keeps a value's By from the file (a partner's storedBy, which the
// audit records as such, naming the administrator as the one who changed it).
func stamp(u *User, cs *planwatch.ChangeSet) {
	keepStoredBy := u != nil && u.Role == RoleAdmin
	for i := range cs.Values {
		v := &cs.Values[i]
		v.At = time.Time{}
		if !keepStoredBy {
			v.By = ""
		}
	}
	for i := range cs.Targets {
		cs.Targets[i].By, cs.Targets[i].At = "", time.Time{}
	}
	for i := range cs.Milestones {
		cs.Milestones[i].By, cs.Milestones[i].At = "", time.Time{}
	}
	for i := range cs.Notes {
		cs.Notes[i].By, cs.Notes[i].At = "", time.Time{}
	}
	for i := range cs.Tasks {
		cs.Tasks[i].By, cs.Tasks[i].At = "", time.Time{}
	}
}

func (s *Server) apiRevisions(w http.ResponseWriter, r *http.Request) error {
	p, err := planwatch.ParsePeriod(r.PathValue("period"))
	if err != nil {
		return err
	}
	revs, err := s.store.Revisions(r.Context(), planwatch.Key{Indicator: r.PathValue("indicator"), Unit: r.PathValue("unit"), Period: p})
	if err != nil {
		return err
	}
	hideNames(r.Context(), revs, nil)
	if revs == nil {
		revs = []planwatch.DataValue{}
	}
	writeJSON(w, http.StatusOK, revs)
	return nil
}

func (s *Server) apiTargets(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	tq := planwatch.TargetQuery{Indicators: splitList(q.Get("indicator")), Units: splitList(q.Get("unit"))}
	for _, y := range splitList(q.Get("year")) {
		n, err := strconv.Atoi(y)
		if err != nil {
			return invalid("year %q: expected a year", y)
		}
		tq.Years = append(tq.Years, n)
	}
	ts, err := s.store.Targets(r.Context(), tq)
	if err != nil {
		return err
	}
	if ts == nil {
		ts = []planwatch.Target{}
	}
	writeJSON(w, http.StatusOK, ts)
	return nil
}

type targetsBody struct {
	Targets    []planwatch.Target    `json:"targets"`
	Milestones []planwatch.Milestone `json:"milestones"`
	DryRun     bool                  `json:"dry_run"`
}

func (b *targetsBody) UnmarshalJSON(data []byte) error {
	if t := strings.TrimSpace(string(data)); strings.HasPrefix(t, "[") {
		return json.Unmarshal(data, &b.Targets)
	}
	type plain targetsBody
	return json.Unmarshal(data, (*plain)(b))
}

func (s *Server) apiPostTargets(w http.ResponseWriter, r *http.Request) error {
	var body targetsBody
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	for i := range body.Targets {
		t := &body.Targets[i]
		if t.Kind == "" {
			t.Kind = planwatch.TargetPlan
		}
		t.Source = apiSource(t.Source, i)
	}
	for i := range body.Milestones {
		m := &body.Milestones[i]
		if m.TargetKind == "" {
			m.TargetKind = planwatch.TargetPlan
		}
		if m.Bound == "" {
			m.Bound = planwatch.BoundMin
		}
		m.Source = apiSource(m.Source, i)
	}
	res, err := s.apply(r, &planwatch.ChangeSet{Targets: body.Targets, Milestones: body.Milestones, DryRun: body.DryRun})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// statusJSON is one row of /api/analytics/status.
type statusJSON struct {
	Indicator   string   `json:"indicator"`
	Name        string   `json:"name"`
	Sector      string   `json:"sector"`
	Unit        string   `json:"orgunit"`
	Period      string   `json:"period"`
	DisplayUnit string   `json:"display_unit"`
	Value       *float64 `json:"value"`
	YTD         *float64 `json:"ytd"`
	LastYear    *float64 `json:"last_year"`
	Target      *float64 `json:"target"`
	PlanPct     *float64 `json:"plan_pct"`
	ExpectedPct *float64 `json:"expected_pct"`
	PaceMethod  string   `json:"pace_method,omitempty"`
	YoY         *float64 `json:"yoy_pct"`
	PPChange    *float64 `json:"pp_change,omitempty"`
	VsRef       *float64 `json:"vs_ref,omitempty"`
	Projection  *float64 `json:"projection,omitempty"`
	Status      string   `json:"status"`
	Estimate    bool     `json:"estimate"`
	Formula     string   `json:"formula,omitempty"` // a derived indicator's formula
}

func figurePtr(f calc.Figure) *float64 {
	if !f.OK {
		return nil
	}
	v := f.Value
	return &v
}

func rowJSON(row calc.Row) statusJSON {
	return statusJSON{
		Indicator: row.Indicator.Code, Name: row.Indicator.NameVI, Sector: row.Indicator.Sector,
		Unit: row.Unit, Period: row.Period.ID(), DisplayUnit: row.Indicator.Unit,
		Value: figurePtr(row.Current), YTD: figurePtr(row.YTD), LastYear: figurePtr(row.LastYear),
		Target: row.Target, PlanPct: row.PlanPct, ExpectedPct: row.ExpectedPct, PaceMethod: row.PaceMethod,
		YoY: row.YoY, PPChange: row.PPChange, VsRef: row.VsRef, Projection: row.Projection,
		Status: string(row.Status), Estimate: row.Estimate, Formula: row.Indicator.Formula,
	}
}

// apiStatus is the dashboard as JSON: ?unit=&period=&sector=.
func (s *Server) apiStatus(w http.ResponseWriter, r *http.Request) error {
	snap, sel, err := s.selected(r)
	if err != nil {
		return err
	}
	rows := []statusJSON{}
	st := snap.statusOf(sel.Unit, sel.Period)
	for _, row := range st.rows {
		if sel.Sector == "" || row.Indicator.Sector == sel.Sector {
			rows = append(rows, rowJSON(row))
		}
	}
	rep, exp := st.reported, st.expected
	writeJSON(w, http.StatusOK, map[string]any{
		"orgunit": sel.Unit, "period": sel.Period.ID(), "rows": rows,
		"completeness": map[string]int{"reported": rep, "expected": exp},
	})
	return nil
}

// apiIndicatorAnalytics is one indicator for a unit: its row, its quarterly
// series for this and last year, and its child units ranked.
func (s *Server) apiIndicatorAnalytics(w http.ResponseWriter, r *http.Request) error {
	snap, err := s.snapshot(r.Context())
	if err != nil {
		return err
	}
	code := r.PathValue("code")
	if _, ok := snap.ds.Indicators[code]; !ok {
		return notFound("không có chỉ tiêu %q / no indicator %q", code, code)
	}
	sel, err := s.selectionOf(r, snap)
	if err != nil {
		return err
	}
	type point struct {
		Period string   `json:"period"`
		Value  *float64 `json:"value"`
	}
	type ranked struct {
		Unit    string   `json:"orgunit"`
		Value   *float64 `json:"value"`
		PlanPct *float64 `json:"plan_pct"`
		YoY     *float64 `json:"yoy_pct"`
		Rank    int      `json:"rank"`
	}
	series := []point{}
	for _, pt := range snap.ds.Series(code, sel.Unit, planwatch.Quarter, sel.Period.Year-1, sel.Period.Year) {
		series = append(series, point{pt.Period.ID(), figurePtr(pt.Figure)})
	}
	ranking := []ranked{}
	for _, rk := range snap.ds.Rank(code, sel.Unit, sel.Period, calc.DefaultOptions()) {
		ranking = append(ranking, ranked{rk.Unit, figurePtr(rk.Value), rk.PlanPct, rk.YoY, rk.Rank})
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"row":     rowJSON(snap.ds.Row(code, sel.Unit, sel.Period, calc.DefaultOptions())),
		"series":  series,
		"ranking": ranking,
	})
	return nil
}
