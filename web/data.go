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

// dataCache holds the snapshot of the analytics index the pages read: the
// index itself (calc.Live, kept up to date change by change) and what the
// pickers need, rebuilt whenever the index has taken in a change.
type dataCache struct {
	mu   sync.Mutex
	live *calc.Live
	snap *snapshot
}

// snapshot is the index and what the pickers need, at one version of it.
type snapshot struct {
	ds        *calc.Dataset
	version   int64
	inds      []planwatch.Indicator // catalogue order (by code)
	sectors   []string              // in catalogue order of first appearance
	provinces map[string]int        // province code → number of values
	years     []int                 // years with values or targets, newest first
	defUnit   string
	// defPeriod is the period shown when a page names none; found at the
	// first such page (it walks every series: a view that names its
	// period, after another process's import, does not wait for it).
	defPeriod  func() planwatch.Period
	valueCount int

	extractOnce sync.Once
	extractor   *extract.Extractor

	// The indicator sets of this version of the store (catalogue.go).
	setsOnce sync.Once
	sets     map[string]*planwatch.IndicatorSet
	setsOf   func() ([]planwatch.IndicatorSet, error)

	// statusMu guards status and memos: page-level results (status rows of
	// a unit and period, rankings) computed once per version of the index.
	statusMu sync.Mutex
	status   map[string]*statusResult
	memos    map[string]*memoEntry
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
		if snap.keepsMoreLocked() {
			snap.memos[key] = e
		}
	}
	snap.statusMu.Unlock()
	e.once.Do(func() { e.val = compute() })
	return e.val
}

// maxKeptResults bounds the page-level results a version of the index
// keeps (status rows, memos): anyone may ask for any unit and period, and
// what is kept lives until the data change. Past it, results are computed
// for each question and not kept.
const maxKeptResults = 1024

// keepsMoreLocked reports whether another result may be kept; the caller
// holds statusMu.
func (snap *snapshot) keepsMoreLocked() bool {
	return len(snap.status)+len(snap.memos) < maxKeptResults
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
		if snap.keepsMoreLocked() {
			snap.status[key] = r
		}
	}
	snap.statusMu.Unlock()
	r.once.Do(func() {
		opt := calc.DefaultOptions()
		opt.Set = snap.setOf(unit, p.Year)
		r.rows = snap.ds.Status(unit, p, opt)
		r.reported, r.expected = snap.ds.Completeness(unit, p)
	})
	return r
}

// Invalidate brings in changes committed elsewhere (another instance's
// commit announced by PostgreSQL's NOTIFY): the index reads what changed.
func (s *Server) Invalidate() {
	if live, err := s.liveIndex(context.Background()); err == nil {
		if err := live.Sync(context.Background()); err != nil {
			s.log.Warn("analytics index: sync", "err", err)
		}
	}
}

// invalidate brings in a change of plans or approvals made by this server.
func (s *Server) invalidate() {
	if live, err := s.liveIndex(context.Background()); err == nil {
		if err := live.Reload(context.Background()); err != nil {
			s.log.Warn("analytics index: reload", "err", err)
		}
	}
}

// patch brings this server's committed change set into the index.
func (s *Server) patch(ctx context.Context, cs *planwatch.ChangeSet) {
	if live, err := s.liveIndex(ctx); err == nil {
		if err := live.Refresh(ctx, cs); err != nil {
			s.log.Warn("analytics index: refresh", "err", err)
		}
	}
}

// liveIndex is the analytics index, opened from the store at first use
// unless the configuration brought one.
func (s *Server) liveIndex(ctx context.Context) (*calc.Live, error) {
	s.data.mu.Lock()
	defer s.data.mu.Unlock()
	if s.data.live != nil {
		return s.data.live, nil
	}
	live := s.cfg.Index
	if live == nil {
		var err error
		if live, err = calc.Open(ctx, s.store, s.cfg.ApprovedOnly); err != nil {
			return nil, err
		}
	}
	s.data.live = live
	return live, nil
}

// snapshot returns the index at its latest version, having first looked
// for changes committed by other processes (a cheap check).
func (s *Server) snapshot(ctx context.Context) (*snapshot, error) {
	live, err := s.liveIndex(ctx)
	if err != nil {
		return nil, err
	}
	if err := live.Sync(ctx); err != nil {
		return nil, err
	}
	s.data.mu.Lock()
	defer s.data.mu.Unlock()
	v := live.Version()
	if s.data.snap != nil && s.data.snap.version == v {
		return s.data.snap, nil
	}
	s.data.snap = s.build(live.Dataset(), v)
	return s.data.snap, nil
}

// build makes the snapshot of one version of the index.
func (s *Server) build(ds *calc.Dataset, version int64) *snapshot {
	h := ds.Units()
	snap := &snapshot{
		ds:         ds,
		version:    version,
		provinces:  map[string]int{},
		valueCount: ds.Len(),
	}
	snap.setsOf = s.storedSets
	codes := make([]string, 0, len(ds.Indicators()))
	for c := range ds.Indicators() {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	seenSector := map[string]bool{}
	for _, c := range codes {
		ind := ds.Indicators()[c]
		snap.inds = append(snap.inds, ind)
		if !seenSector[ind.Sector] {
			seenSector[ind.Sector] = true
			snap.sectors = append(snap.sectors, ind.Sector)
		}
	}
	years := map[int]bool{}
	for _, y := range ds.Years() {
		years[y] = true
	}
	far := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	for unit, n := range ds.UnitsWithValues() {
		if prov, ok := h.ProvinceOf(unit, far); ok {
			snap.provinces[prov] += n
		}
	}
	for _, t := range ds.Targets() {
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
	// The default period is the latest one the chosen unit itself reported
	// (a province's own figures, not its districts' illustrative series).
	snap.defPeriod = sync.OnceValue(func() planwatch.Period {
		if p, err := planwatch.ParsePeriod(s.cfg.DefaultPeriod); err == nil && s.cfg.DefaultPeriod != "" {
			return p
		}
		latest, ok := ds.LatestOwnPeriod(snap.defUnit)
		if !ok {
			_, latest = ds.Span()
		}
		if latest.IsZero() {
			now := s.now()
			return planwatch.QuarterOf(now.Year(), (int(now.Month())+2)/3)
		}
		if latest.Last%3 == 0 {
			return planwatch.QuarterOf(latest.Year, latest.Last/3)
		}
		return planwatch.MonthOf(latest.Year, latest.Last)
	})
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
		sel.Period = snap.defPeriod()
	}
	if sel.Unit != "" {
		if _, ok := snap.ds.Units().Latest(sel.Unit); !ok {
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
	u, ok := snap.ds.Units().At(code, p.End())
	if !ok {
		if u, ok = snap.ds.Units().Latest(code); !ok {
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
	p.version, p.versioned = snap.version, true
	p.PeriodLabel = sel.Period.Label(p.Lang)
	h := snap.ds.Units()
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
	cs := snap.ds.Units().ChildrenAt(unit, p.End())
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
