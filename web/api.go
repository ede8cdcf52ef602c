package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"planwatch"
	"planwatch/calc"
	"planwatch/rules"
	"planwatch/vi"
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
	h := snap.ds.Units()
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
	vals, err := s.answerValues(r.Context(), vq)
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

// maxAnswerValues bounds the values one answer of the read API holds:
// past it a request is refused, asking for a narrower one (by indicator,
// unit or period). Without it one request for everything (the country's
// 31 M values) would be read and encoded whole, gigabytes, by anyone a
// public server answers.
const maxAnswerValues = 100_000

// answerValues reads the current values q selects for an answer, refusing
// a query that selects more than maxAnswerValues: the store stops reading
// just past them (ValueQuery.Limit).
func (s *Server) answerValues(ctx context.Context, q planwatch.ValueQuery) ([]planwatch.DataValue, error) {
	q.Limit = maxAnswerValues + 1
	vals, err := s.store.Values(ctx, q)
	if err != nil {
		return nil, err
	}
	if len(vals) > maxAnswerValues {
		return nil, invalid("câu hỏi chọn hơn %s giá trị: hãy thu hẹp theo chỉ tiêu, đơn vị hoặc kỳ / the request selects more than %d values: narrow it by indicator, unit or period",
			vi.FormatNumber(maxAnswerValues, 0), maxAnswerValues)
	}
	return vals, nil
}

// decodeJSON reads a request body (bounded by its route, see guard) into
// v, in the request's turn (holdWhole), answering a malformed body as
// EINVALID and one over the limit as 413.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := holdWhole(r, r.Body)
	if err != nil {
		return err
	}
	if err := json.NewDecoder(body).Decode(v); err != nil {
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

// apiPostValues stores the values of the body, either a bare array or
// {"dry_run": true, "values": [...]}, all or nothing. The body (bounded by
// maxUpload) is read as it arrives, one value at a time, and the values are
// handed to the store as they come (applyStream) rather than held as a
// change set. So that nothing is stored before a dry run is known,
// "dry_run" must come before "values" (or be given as ?dry_run=true); a
// true one after them refuses the body.
func (s *Server) apiPostValues(w http.ResponseWriter, r *http.Request) error {
	cs := &planwatch.ChangeSet{}
	switch v := r.URL.Query().Get("dry_run"); v {
	case "", "false":
	case "true":
		cs.DryRun = true
	default:
		return invalid("dry_run %q: true hoặc false / expected true or false", v)
	}
	var body io.Reader = r.Body
	if _, ok := s.store.(planwatch.StreamApplier); !ok { // the values are held as a change set
		var err error
		if body, err = holdWhole(r, body); err != nil {
			return err
		}
	}
	b, err := openValuesBody(body, cs)
	if err != nil {
		return err
	}
	var res planwatch.ApplyResult
	if b == nil { // an object without values
		res, err = s.apply(r, cs)
	} else {
		res, err = s.applyStream(r, cs, b.values)
	}
	if err != nil {
		return bodyError(err)
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// valuesBody reads the values of a POST /api/values body one at a time.
type valuesBody struct {
	dec    *json.Decoder
	object bool // {"values": [...]}, not a bare array
	cs     *planwatch.ChangeSet
}

// openValuesBody reads the body up to its first value: the opening of the
// array, and in the object form every member before "values" (dry_run
// sets cs.DryRun). It returns nil when the object has no values.
func openValuesBody(body io.Reader, cs *planwatch.ChangeSet) (*valuesBody, error) {
	b := &valuesBody{dec: json.NewDecoder(body), cs: cs}
	tok, err := b.dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, invalid("thiếu nội dung JSON / empty body")
		}
		return nil, b.fail(err)
	}
	switch tok {
	case json.Delim('['):
		return b, nil
	case json.Delim('{'):
		b.object = true
	default:
		return nil, invalid("JSON không hợp lệ / invalid JSON: want an array of values or {\"values\": [...]}")
	}
	for b.dec.More() {
		key, err := b.member(&cs.DryRun)
		if err != nil {
			return nil, err
		}
		if strings.EqualFold(key, "values") {
			if tok, err := b.dec.Token(); err != nil || tok != json.Delim('[') {
				return nil, invalid("JSON không hợp lệ / invalid JSON: \"values\" must be an array")
			}
			return b, nil
		}
	}
	if _, err := b.dec.Token(); err != nil { // the closing brace
		return nil, b.fail(err)
	}
	return nil, nil
}

// member reads the name of the object's next member and, unless it is
// "values", its value: a true dry_run sets *dry, other members are skipped
// (names match as when decoding into a struct: case aside).
func (b *valuesBody) member(dry *bool) (string, error) {
	tok, err := b.dec.Token()
	if err != nil {
		return "", b.fail(err)
	}
	key, _ := tok.(string)
	switch {
	case strings.EqualFold(key, "values"):
		return key, nil
	case strings.EqualFold(key, "dry_run"):
		var d bool
		if err := b.dec.Decode(&d); err != nil {
			return "", b.fail(err)
		}
		*dry = *dry || d
	default:
		var skip json.RawMessage
		if err := b.dec.Decode(&skip); err != nil {
			return "", b.fail(err)
		}
	}
	return key, nil
}

// values yields the values of the array, with the API's defaults and
// source, then checks what follows it.
func (b *valuesBody) values(yield func(planwatch.DataValue, error) bool) {
	for i := 0; b.dec.More(); i++ {
		var v planwatch.DataValue
		if err := b.dec.Decode(&v); err != nil {
			yield(v, b.failAt(i, err))
			return
		}
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
		if !yield(v, nil) {
			return
		}
	}
	if _, err := b.dec.Token(); err != nil { // the closing bracket
		yield(planwatch.DataValue{}, b.fail(err))
		return
	}
	if !b.object {
		return
	}
	late := false // a dry run asked for after the values
	for b.dec.More() {
		key, err := b.member(&late)
		if err != nil {
			yield(planwatch.DataValue{}, err)
			return
		}
		if strings.EqualFold(key, "values") {
			yield(planwatch.DataValue{}, invalid("JSON không hợp lệ / invalid JSON: \"values\" twice"))
			return
		}
	}
	if late && !b.cs.DryRun {
		yield(planwatch.DataValue{}, invalid("\"dry_run\" phải đứng trước \"values\" (hoặc dùng ?dry_run=true); không lưu gì / \"dry_run\" must come before \"values\" (or use ?dry_run=true); nothing was stored"))
		return
	}
	if _, err := b.dec.Token(); err != nil { // the closing brace
		yield(planwatch.DataValue{}, b.fail(err))
	}
}

// fail is the error of a body that could not be read: 413 over its
// limit, otherwise invalid JSON.
func (b *valuesBody) fail(err error) error {
	if err := bodyError(err); planwatch.ErrorCode(err) == codeTooLarge {
		return err
	}
	return invalid("JSON không hợp lệ / invalid JSON: %v", err)
}

// failAt is fail naming the value (its row, from 1) that could not be read.
func (b *valuesBody) failAt(i int, err error) error {
	if e := b.fail(err); planwatch.ErrorCode(e) == codeTooLarge {
		return e
	}
	return &planwatch.Error{Code: planwatch.EINVALID, Message: fmt.Sprintf("JSON không hợp lệ ở giá trị %d / invalid JSON at value %d: %v", i+1, i+1, err),
		Problems: []planwatch.Problem{{Row: i + 1, Reason: "JSON không hợp lệ / invalid JSON: " + err.Error()}}}
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
	if err := authorizeChanges(u, cs, func(code string) string { return snap.ds.Indicators()[code].Sector }); err != nil {
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

// applyStream stores a change set whose values come as a stream (a pushed
// file read as it arrives), doing what apply does to a whole one: every
// value put to the policy, who and when made the server's, the blocking
// validation rules checked (the values they read are kept aside), all or
// nothing. The values are not held as a change set: the store takes each
// in compactly as it comes (Store.ApplyStream).
func (s *Server) applyStream(r *http.Request, cs *planwatch.ChangeSet, values iter.Seq2[planwatch.DataValue, error]) (planwatch.ApplyResult, error) {
	ctx := r.Context()
	st, ok := s.store.(planwatch.StreamApplier)
	if !ok {
		for v, err := range values {
			if err != nil {
				return planwatch.ApplyResult{}, err
			}
			cs.Values = append(cs.Values, v)
		}
		return s.apply(r, cs)
	}
	snap, err := s.snapshot(ctx)
	if err != nil {
		return planwatch.ApplyResult{}, err
	}
	set, _, err := s.ruleSet(ctx, snap)
	if err != nil {
		return planwatch.ApplyResult{}, err
	}
	guard := rules.NewGuard(set, snap.ds)
	u := userOf(ctx)
	auth := &changeAuthorizer{u: u, sectorOf: func(code string) string { return snap.ds.Indicators()[code].Sector }}
	checked := func(yield func(planwatch.DataValue, error) bool) {
		var guarded []planwatch.DataValue
		i := 0
		for v, err := range values {
			if err != nil {
				if !yield(v, err) {
					return
				}
				continue
			}
			if err := auth.value(i, v); err != nil {
				yield(planwatch.DataValue{}, err)
				return
			}
			i++
			stampValue(u, &v)
			if guard.Wants(v.Indicator) {
				guarded = append(guarded, v)
			}
			if !yield(v, nil) {
				return
			}
		}
		if err := auth.err(); err != nil {
			yield(planwatch.DataValue{}, err)
			return
		}
		if ps := guard.Check(guarded); len(ps) > 0 {
			yield(planwatch.DataValue{}, rules.Refusal(ps))
		}
	}
	stamp(u, cs)
	cs.By = userName(ctx)
	cs.From = s.clientIP(r)
	res, err := st.ApplyStream(ctx, cs, checked)
	if err == nil && !cs.DryRun {
		s.patch(ctx, cs)
	}
	return res, err
}

// stampValue clears who and when from a value, as stamp does.
func stampValue(u *User, v *planwatch.DataValue) {
	v.At = time.Time{}
	if u == nil || u.Role != RoleAdmin {
		v.By = ""
	}
}

// stamp clears who and when from every change, so that the store records
// the signed-in user (ChangeSet.By) and its own clock: a request cannot
// backdate a figure or sign it with another name. Only an administrator's
// import keeps a value's By from the file (a partner's storedBy, which the
// audit records as such, naming the administrator as the one who changed it).
func stamp(u *User, cs *planwatch.ChangeSet) {
	for i := range cs.Values {
		stampValue(u, &cs.Values[i])
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
	// Completeness: of the units under the unit, how many the value is made
	// of (as `planwatch status --format json` says).
	Completeness *completenessJSON `json:"completeness,omitempty"`
}

type completenessJSON struct {
	Units    int `json:"units"`
	Expected int `json:"expected"`
	// Partial: some unit is missing, here or further down (a unit under
	// it made of only some of its own); the dashboard marks it.
	Partial bool `json:"partial"`
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
		Completeness: completenessOf(row.Current),
	}
}

func completenessOf(f calc.Figure) *completenessJSON {
	if !f.OK || f.Expected == 0 {
		return nil
	}
	return &completenessJSON{f.Units, f.Expected, f.Partial}
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
	if _, ok := snap.ds.Indicators()[code]; !ok {
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
