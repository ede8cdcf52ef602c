package web

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"planwatch"
	"planwatch/calc"
	"planwatch/extract"
)

// dataCache keeps the analytics dataset between requests. Writes through the
// server drop it at once; the TTL covers writes by other processes.
type dataCache struct {
	mu     sync.Mutex
	ttl    time.Duration
	loaded time.Time
	snap   *snapshot
}

// snapshot is the dataset and what the pickers need, loaded together.
type snapshot struct {
	ds         *calc.Dataset
	inds       []planwatch.Indicator // catalogue order (by code)
	sectors    []string              // in catalogue order of first appearance
	provinces  map[string]int        // province code → number of values
	years      []int                 // years with values or targets, newest first
	defUnit    string
	defPeriod  planwatch.Period
	valueCount int

	extractOnce sync.Once
	extractor   *extract.Extractor

	// statusMu guards status: the dashboard rows of a unit and period,
	// computed once per snapshot (calc rolls up from the communes on every
	// call, which costs seconds at province scale).
	statusMu sync.Mutex
	status   map[string]*statusResult
	memos    map[string]*memoEntry

	// The material the snapshot was built from, kept so that a write of a
	// few values patches it instead of reloading everything (see patch).
	src source
}

// source is what a snapshot is built from.
type source struct {
	inds    []planwatch.Indicator
	h       *planwatch.Hierarchy
	vals    []planwatch.DataValue
	targets []planwatch.Target
	ms      []planwatch.Milestone
}

// memo computes a value once per snapshot under a key: analytics that are
// costly (roll-ups from the communes) and asked for again and again.
func (snap *snapshot) memo(key string, compute func() any) any {
	snap.statusMu.Lock()
	if snap.memos == nil {
		snap.memos = map[string]*memoEntry{}
	}
	e, ok := snap.memos[key]
	if !ok {
		e = &memoEntry{}
		snap.memos[key] = e
	}
	snap.statusMu.Unlock()
	e.once.Do(func() { e.val = compute() })
	return e.val
}

type memoEntry struct {
	once sync.Once
	val  any
}

// statusResult is where every indicator of a unit stands in a period.
type statusResult struct {
	once               sync.Once
	rows               []calc.Row
	reported, expected int
}

// statusOf returns the (cached) status rows and completeness of a unit and period.
func (snap *snapshot) statusOf(unit string, p planwatch.Period) *statusResult {
	key := unit + "|" + p.ID()
	snap.statusMu.Lock()
	if snap.status == nil {
		snap.status = map[string]*statusResult{}
	}
	r, ok := snap.status[key]
	if !ok {
		r = &statusResult{}
		snap.status[key] = r
	}
	snap.statusMu.Unlock()
	r.once.Do(func() {
		r.rows = snap.ds.Status(unit, p, calc.DefaultOptions())
		r.reported, r.expected = snap.ds.Completeness(unit, p)
	})
	return r
}

// Invalidate drops the cached analytics dataset: the next request reloads it.
// The server calls it itself after its own writes; cmd/planwatch connects it
// to the store's notifications of other instances' commits.
func (s *Server) Invalidate() { s.invalidate() }

func (s *Server) invalidate() {
	s.data.mu.Lock()
	s.data.snap = nil
	s.data.mu.Unlock()
}

// snapshot returns the current dataset, loading it when stale.
func (s *Server) snapshot(ctx context.Context) (*snapshot, error) {
	s.data.mu.Lock()
	defer s.data.mu.Unlock()
	if s.data.snap != nil && s.now().Sub(s.data.loaded) < s.data.ttl {
		return s.data.snap, nil
	}
	snap, err := s.load(ctx)
	if err != nil {
		return nil, err
	}
	s.data.snap, s.data.loaded = snap, s.now()
	return snap, nil
}

// patch refreshes the cached snapshot after a committed write of values
// only: the series of the (indicator, unit) pairs the write touched are read
// again from the store (which decides the current values) and the snapshot is
// rebuilt from memory, without reloading the catalogue, the units or the
// other values. Anything else (targets, milestones, approvals) drops the cache.
func (s *Server) patch(ctx context.Context, cs *planwatch.ChangeSet) {
	s.data.mu.Lock()
	defer s.data.mu.Unlock()
	old := s.data.snap
	if old == nil || len(cs.Targets) > 0 || len(cs.Milestones) > 0 || s.cfg.ApprovedOnly || len(cs.Values) == 0 {
		s.data.snap = nil
		return
	}
	type pair = calc.Series
	touched := map[pair]bool{}
	var indList, unitList []string
	seenInd, seenUnit := map[string]bool{}, map[string]bool{}
	for _, v := range cs.Values {
		touched[pair{Indicator: v.Indicator, Unit: v.Unit}] = true
		if !seenInd[v.Indicator] {
			seenInd[v.Indicator] = true
			indList = append(indList, v.Indicator)
		}
		if !seenUnit[v.Unit] {
			seenUnit[v.Unit] = true
			unitList = append(unitList, v.Unit)
		}
	}
	fresh, err := s.store.Values(ctx, planwatch.ValueQuery{Indicators: indList, Units: unitList})
	if err == nil {
		fresh, err = s.markApproved(ctx, fresh, false)
	}
	if err != nil {
		s.data.snap = nil // the next request reloads and reports any error
		return
	}
	src := old.src
	vals := make([]planwatch.DataValue, 0, len(src.vals)+len(fresh))
	for _, v := range src.vals {
		if !touched[pair{Indicator: v.Indicator, Unit: v.Unit}] {
			vals = append(vals, v)
		}
	}
	for _, v := range fresh {
		if touched[pair{Indicator: v.Indicator, Unit: v.Unit}] {
			vals = append(vals, v)
		}
	}
	src.vals = vals
	s.data.snap = s.build(src, old.ds.Patch(touched, fresh))
}

func (s *Server) load(ctx context.Context) (*snapshot, error) {
	st := s.store
	inds, err := st.Indicators(ctx)
	if err != nil {
		return nil, err
	}
	units, err := st.OrgUnits(ctx)
	if err != nil {
		return nil, err
	}
	trans, err := st.Transitions(ctx)
	if err != nil {
		return nil, err
	}
	vals, err := st.Values(ctx, planwatch.ValueQuery{ApprovedOnly: s.cfg.ApprovedOnly})
	if err != nil {
		return nil, err
	}
	if vals, err = s.markApproved(ctx, vals, s.cfg.ApprovedOnly); err != nil {
		return nil, err
	}
	targets, err := st.Targets(ctx, planwatch.TargetQuery{})
	if err != nil {
		return nil, err
	}
	ms, err := st.Milestones(ctx, "", 0)
	if err != nil {
		return nil, err
	}
	return s.build(source{inds, planwatch.NewHierarchy(units, trans), vals, targets, ms}, nil), nil
}

// build makes a snapshot from its material; ds is the dataset of that
// material when the caller has it already (a patch), else nil.
func (s *Server) build(src source, ds *calc.Dataset) *snapshot {
	inds, h, vals, targets := src.inds, src.h, src.vals, src.targets
	if ds == nil {
		ds = calc.NewDataset(inds, h, vals, targets, src.ms)
	}
	snap := &snapshot{
		ds:         ds,
		inds:       inds,
		provinces:  map[string]int{},
		valueCount: len(vals),
		src:        src,
	}
	seenSector := map[string]bool{}
	for _, ind := range inds {
		if !seenSector[ind.Sector] {
			seenSector[ind.Sector] = true
			snap.sectors = append(snap.sectors, ind.Sector)
		}
	}
	years := map[int]bool{}
	var latest planwatch.Period
	// The default period is the latest one the chosen unit itself reported
	// (a province's own figures, not its districts' illustrative series).
	latestOwn := map[string]planwatch.Period{}
	later := func(a, b planwatch.Period) bool {
		return a.Year > b.Year || (a.Year == b.Year && a.Last > b.Last)
	}
	for _, v := range vals {
		if later(v.Period, latestOwn[v.Unit]) {
			latestOwn[v.Unit] = v.Period
		}
		years[v.Period.Year] = true
		if prov, ok := h.ProvinceOf(v.Unit, v.Period.End()); ok {
			snap.provinces[prov]++
		}
		if later(v.Period, latest) {
			latest = v.Period
		}
	}
	for _, t := range targets {
		years[t.Year] = true
		if prov, ok := h.ProvinceOf(t.Unit, planwatch.YearOf(t.Year).End()); ok {
			if _, seen := snap.provinces[prov]; !seen {
				snap.provinces[prov] = 0
			}
		}
	}
	for y := range years {
		snap.years = append(snap.years, y)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(snap.years)))

	snap.defUnit = s.cfg.DefaultUnit
	if snap.defUnit == "" {
		best := -1
		for code, n := range snap.provinces {
			if n > best || (n == best && code < snap.defUnit) {
				snap.defUnit, best = code, n
			}
		}
	}
	if own, ok := latestOwn[snap.defUnit]; ok {
		latest = own
	}
	if p, err := planwatch.ParsePeriod(s.cfg.DefaultPeriod); err == nil && s.cfg.DefaultPeriod != "" {
		snap.defPeriod = p
	} else if !latest.IsZero() {
		if latest.Last%3 == 0 {
			snap.defPeriod = planwatch.QuarterOf(latest.Year, latest.Last/3)
		} else {
			snap.defPeriod = planwatch.MonthOf(latest.Year, latest.Last)
		}
	} else {
		now := s.now()
		snap.defPeriod = planwatch.QuarterOf(now.Year(), (int(now.Month())+2)/3)
	}
	return snap
}

// selection is the unit, period and sector a page shows.
type selection struct {
	Unit   string
	Period planwatch.Period
	Sector string
}

// selectionOf reads ?unit=&period=&sector= with the defaults of the data.
func (s *Server) selectionOf(r *http.Request, snap *snapshot) (selection, error) {
	sel := selection{Unit: strings.TrimSpace(r.FormValue("unit")), Sector: r.FormValue("sector")}
	if sel.Unit == "" {
		sel.Unit = snap.defUnit
	}
	if ps := strings.TrimSpace(r.FormValue("period")); ps != "" {
		p, err := planwatch.ParsePeriod(ps)
		if err != nil {
			return sel, err
		}
		sel.Period = p
	} else {
		sel.Period = snap.defPeriod
	}
	if sel.Unit != "" {
		if _, ok := snap.ds.Units.Latest(sel.Unit); !ok {
			return sel, notFound("không có đơn vị hành chính %q / no administrative unit %q", sel.Unit, sel.Unit)
		}
	}
	if sel.Sector != "" && !contains(snap.sectors, sel.Sector) {
		sel.Sector = ""
	}
	return sel, nil
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// unitName is the name of a unit at the end of p (its latest name otherwise).
func unitName(snap *snapshot, code string, p planwatch.Period) string {
	u, ok := snap.ds.Units.At(code, p.End())
	if !ok {
		if u, ok = snap.ds.Units.Latest(code); !ok {
			return code
		}
	}
	if u.Name == "" {
		return code
	}
	return u.Name
}

// selected is the current snapshot and the unit, period and sector the
// request asks for (selectionOf).
func (s *Server) selected(r *http.Request) (*snapshot, selection, error) {
	snap, err := s.snapshot(r.Context())
	if err != nil {
		return nil, selection{}, err
	}
	sel, err := s.selectionOf(r, snap)
	if err != nil {
		return nil, selection{}, err
	}
	return snap, sel, nil
}

// pageWithPickers is the common preamble of a page handler: the snapshot and
// selection of the request, and a new page named name with its unit, period
// and sector pickers filled.
func (s *Server) pageWithPickers(w http.ResponseWriter, r *http.Request, name string) (*page, *snapshot, selection, error) {
	snap, sel, err := s.selected(r)
	if err != nil {
		return nil, nil, selection{}, err
	}
	p := s.newPage(w, r, name)
	s.fillPickers(p, snap, sel)
	return p, snap, sel, nil
}

// fillPickers sets the unit, period and sector options of a page.
func (s *Server) fillPickers(p *page, snap *snapshot, sel selection) {
	p.Unit, p.Period, p.Sector = sel.Unit, sel.Period.ID(), sel.Sector
	p.PeriodLabel = sel.Period.Label(p.Lang)
	h := snap.ds.Units
	at := sel.Period.End()
	seen := map[string]bool{}
	add := func(code, prefix string) {
		if code == "" || seen[code] {
			return
		}
		seen[code] = true
		p.Units = append(p.Units, option{code, prefix + unitName(snap, code, sel.Period)})
	}
	// The chosen unit's ancestors, the unit, its children, then other provinces with data.
	var chain []string
	for code := sel.Unit; code != ""; {
		chain = append([]string{code}, chain...)
		u, ok := h.At(code, at)
		if !ok {
			u, ok = h.Latest(code)
		}
		if !ok {
			break
		}
		code = u.Parent
	}
	for i, c := range chain {
		add(c, strings.Repeat("· ", i))
	}
	for _, c := range sortedChildren(snap, sel.Unit, sel.Period) {
		add(c, strings.Repeat("· ", len(chain)))
	}
	provs := make([]string, 0, len(snap.provinces))
	for c := range snap.provinces {
		provs = append(provs, c)
	}
	sort.Strings(provs)
	for _, c := range provs {
		add(c, "")
	}

	years := snap.years
	if !contains(intStrings(years), itoa(sel.Period.Year)) {
		years = append([]int{sel.Period.Year}, years...)
	}
	lang := p.Lang
	for _, y := range years {
		ps := []planwatch.Period{
			planwatch.QuarterOf(y, 1), planwatch.HalfOf(y, 1), planwatch.YearToDateOf(y, 9), planwatch.YearOf(y),
			planwatch.QuarterOf(y, 2), planwatch.QuarterOf(y, 3), planwatch.QuarterOf(y, 4),
		}
		for m := 1; m <= 12; m++ {
			ps = append(ps, planwatch.MonthOf(y, m))
		}
		for _, q := range ps {
			p.Periods = append(p.Periods, option{q.ID(), q.Label(lang)})
		}
	}
	if !containsOption(p.Periods, sel.Period.ID()) {
		p.Periods = append([]option{{sel.Period.ID(), sel.Period.Label(lang)}}, p.Periods...)
	}
	for _, sec := range snap.sectors {
		p.Sectors = append(p.Sectors, option{sec, sectorLabel(lang, sec)})
	}
}

func sortedChildren(snap *snapshot, unit string, p planwatch.Period) []string {
	cs := snap.ds.Units.ChildrenAt(unit, p.End())
	sort.Strings(cs)
	return cs
}

func containsOption(os []option, v string) bool {
	for _, o := range os {
		if o.Value == v {
			return true
		}
	}
	return false
}

func intStrings(xs []int) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = itoa(x)
	}
	return out
}
