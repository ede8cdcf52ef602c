// Package calc is planwatch's analytics engine: the one index every page,
// command and API answers from. It keeps the current values in a compact
// in-memory index (a few dozen bytes a value), follows the store's commits
// incrementally (Live), and computes where indicators stand: roll-ups over
// time and over the administrative hierarchy by each indicator's rules, %
// of plan, growth against the same period last year, change against 31
// December, pace against the expected share of the year (linear or
// seasonal), year-end projection, status, ranking of child units and
// completeness. Missing data is reported as missing, never treated as zero.
//
// Across the 2025 reform (and any other change of territory) the engine
// counts every month of a territory — the former units' months until they
// ceased, the new units' after — and compares like with like: the base of a
// comparison covers the territory the unit covers in the period reported
// (see territory in aggregate.go).
package calc

import (
	"context"
	"iter"
	"maps"
	"math"
	"os"
	"reflect"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"planwatch"
	"planwatch/formula"
)

// entry is one current value in the index: 16 bytes, what a roll-up reads.
// Its revision and where it came from are kept beside it (entryMeta, in a
// slice of the same length and order), so that adding up the communes
// reads half the memory. The full history of a value stays in the store
// (Revisions).
type entry struct {
	value       float64 // NaN: only comparisons were reported
	year        int16
	first, last uint8
	vintage     uint8
	flags       uint8
}

// entryMeta is the rest of an entry: who, when and from where are shared
// by the values of one change set (provs); the rare wide fields (stated
// comparisons, comments, sentences, formulas) are kept aside in details.
type entryMeta struct {
	detail   int32 // index into Dataset.details, -1 for none
	prov     int32 // index into Dataset.provs
	revision int32
}

// provenance is who wrote a value, when and from where.
type provenance struct {
	By   string
	At   time.Time
	Kind planwatch.SourceKind
	Ref  string
}

const (
	flagCumulative uint8 = 1 << iota
	flagApproved
	flagRestated // reported for the unit's territory of today (số liệu tính lại theo địa giới mới)
)

func (e *entry) ok() bool         { return e.value == e.value }
func (e *entry) cumulative() bool { return e.flags&flagCumulative != 0 }

// series holds the entries of one indicator and unit, sorted by year, first
// and last month.
type series []entry

// Dataset is the in-memory index for analytics: the catalogue, the units,
// and the current values, targets and milestones. It is safe for concurrent
// readers; Apply, SetTargets and SetApprovals may run beside them.
type Dataset struct {
	// mark names the change seq is at, for the snapshot (ChangeMarker).
	mark string
	// baseID names the full snapshot the index was read from or last
	// wrote (0: none); the series marked dirty differ from it.
	baseID uint64
	// baseFile is the file of that full snapshot, as read or written.
	baseFile os.FileInfo
	// The catalogue and the units, swapped whole by a reload while readers
	// run (Indicators, Units); a map or hierarchy handed out never changes.
	inds  atomic.Pointer[map[string]planwatch.Indicator]
	units atomic.Pointer[planwatch.Hierarchy]

	// ApprovedOnly leaves out values of unit-periods not yet approved.
	ApprovedOnly bool

	mu         sync.RWMutex           // guards the fields below it; memo has its own
	values     map[string]*unitSeries // indicator → entries by unit id
	unitIDs    map[string]int32       // unit code → id, given by put and never taken back
	unitCodes  []string               // unit id → code
	details    []planwatch.DataValue  // the wide fields of some entries
	provs      []provenance
	provIdx    map[provenance]int32
	freeDetail []int32
	count      int
	targets    map[targetKey]planwatch.Target
	milestones []planwatch.Milestone
	approvals  planwatch.ApprovedPeriods
	years      map[string]map[int]bool // indicator → years with any value
	seq        int64                   // the store change the index reflects
	rawUnits   []planwatch.OrgUnit     // what Units was built from (for snapshots)
	rawTrans   []planwatch.Transition

	memoMu  sync.Mutex
	figures map[figureKey]Figure
	forgets uint64 // counts forgettings: a memo computed across one is not kept
	// The figures kept beside the snapshot not read yet (figures.go), how
	// many were read, and the forgetting number when they were found.
	kept        *keptFigures
	keptFigures int
	keptAt      uint64
	nodes       map[string]*node           // units as roll-ups walk them (tree.go)
	heldBy      map[string]map[string]bool // indicator → units with units under them: whether one holds figures of it
	exprs       map[string]*formula.Expr   // parsed formulas of derived indicators (composite.go)
	parts       map[string][]string        // indicator → its sub-indicators CODE~option
	partsFor    int                        // len(Indicators) when parts was built
}

type figureKey struct {
	indicator, unit string
	year            int16
	first, last     uint8
	asOf            int32 // days since 1970 of the territory's date; -1: as reported
}

type targetKey struct {
	indicator, unit string
	year            int
	kind            planwatch.TargetKind
}

// NewDataset indexes current values, targets and milestones.
func NewDataset(inds []planwatch.Indicator, units *planwatch.Hierarchy, values []planwatch.DataValue, targets []planwatch.Target, milestones []planwatch.Milestone) *Dataset {
	d := &Dataset{
		values:     map[string]*unitSeries{},
		unitIDs:    map[string]int32{},
		years:      map[string]map[int]bool{},
		targets:    map[targetKey]planwatch.Target{},
		milestones: milestones,
		figures:    make(map[figureKey]Figure, 1<<14),
	}
	byCode := make(map[string]planwatch.Indicator, len(inds))
	for _, ind := range inds {
		byCode[ind.Code] = ind
	}
	d.inds.Store(&byCode)
	if units == nil {
		units = planwatch.NewHierarchy(nil, nil)
	}
	d.units.Store(units)
	for _, v := range values {
		d.put(v)
	}
	d.setTargets(targets)
	return d
}

// Indicators is the catalogue by code, as of the last reload: the map is
// never changed (a reload puts in a new one), so a caller may keep it.
func (d *Dataset) Indicators() map[string]planwatch.Indicator {
	if m := d.inds.Load(); m != nil {
		return *m
	}
	return nil
}

// Units is the hierarchy of units, as of the last reload; never changed.
func (d *Dataset) Units() *planwatch.Hierarchy { return d.units.Load() }

// Len is the number of current values in the index.
func (d *Dataset) Len() int {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.count
}

// Seq is the store change sequence the index reflects (see Live).
func (d *Dataset) Seq() int64 {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.seq
}

// AddValue adds or replaces a current value (by key and basis).
func (d *Dataset) AddValue(v planwatch.DataValue) { d.Apply([]planwatch.DataValue{v}) }

// Apply brings committed changes into the index: each value replaces the
// current value of its key and basis, a Deleted one removes it. Figures of
// the indicators touched (and of ratios built on them) are recomputed at the
// next question; the others keep their memos.
func (d *Dataset) Apply(values []planwatch.DataValue) {
	if len(values) == 0 {
		return
	}
	touched := map[string]bool{}
	d.mu.Lock()
	for i, v := range values {
		if i == 0 || v.Unit != values[i-1].Unit || v.Indicator != values[i-1].Indicator {
			d.reserve(values[i:])
		}
		d.put(v)
		touched[v.Indicator] = true
	}
	d.mu.Unlock()
	d.forget(touched)
}

// reserve makes room in one go for the run of values of one series that
// starts values (a change feed hands a series' values together): grown value
// by value, a series of a few hundred entries was copied and cleared ~10
// times over. The caller holds mu.
func (d *Dataset) reserve(values []planwatch.DataValue) {
	n := 1
	for n < len(values) && values[n].Unit == values[0].Unit && values[n].Indicator == values[0].Indicator {
		n++
	}
	if n < 8 {
		return
	}
	us, id := d.slot(values[0].Indicator, values[0].Unit)
	us.byID[id] = slices.Grow(us.byID[id], n)
	us.meta[id] = slices.Grow(us.meta[id], n)
}

// slot is where the series of an indicator and unit is kept, made when
// missing; the caller holds mu.
func (d *Dataset) slot(indicator, unit string) (*unitSeries, int32) {
	us := d.values[indicator]
	if us == nil {
		us = &unitSeries{}
		d.values[indicator] = us
	}
	id := d.unitID(unit)
	if int(id) >= len(us.byID) {
		us.byID = append(us.byID, make([]series, len(d.unitCodes)-len(us.byID))...)
	}
	if int(id) >= len(us.meta) {
		us.meta = append(us.meta, make([][]entryMeta, len(d.unitCodes)-len(us.meta))...)
	}
	return us, id
}

// forget drops the memoised figures of the touched indicators and of the
// indicators computed from them; nil forgets everything.
func (d *Dataset) forget(touched map[string]bool) {
	d.memoMu.Lock()
	defer d.memoMu.Unlock()
	d.forgets++
	d.kept = nil // figures kept beside the snapshot are of the values before
	if touched == nil || len(d.figures) == 0 {
		clear(d.figures) // keeps the map's room for the next questions
		d.heldBy = nil
		return
	}
	for code := range touched {
		delete(d.heldBy, code)
	}
	for code, ind := range d.Indicators() {
		if touched[ind.Numerator] || touched[ind.Denominator] {
			touched[code] = true
		}
	}
	d.dependents(touched) // derived indicators and breakdown totals (composite.go)
	for k := range d.figures {
		if touched[k.indicator] {
			delete(d.figures, k)
		}
	}
}

// reloadUnits reads the units and transitions again; when they changed,
// every figure is forgotten (a roll-up depends on the whole hierarchy).
func (d *Dataset) reloadUnits(ctx context.Context, s planwatch.CatalogStore) error {
	units, err := s.OrgUnits(ctx)
	if err != nil {
		return err
	}
	trans, err := s.Transitions(ctx)
	if err != nil {
		return err
	}
	if slices.Equal(units, d.rawUnits) && slices.Equal(trans, d.rawTrans) {
		return nil
	}
	h := planwatch.NewHierarchy(units, trans)
	d.memoMu.Lock()
	defer d.memoMu.Unlock()
	d.units.Store(h)
	d.rawUnits, d.rawTrans = units, trans
	d.nodes, d.heldBy, d.kept = nil, nil, nil
	d.forgets++
	clear(d.figures)
	return nil
}

// put stores v in the index; the caller holds mu (or owns d).
func (d *Dataset) put(v planwatch.DataValue) {
	v.Normalize()
	e := entry{value: math.NaN(), year: int16(v.Period.Year), first: uint8(v.Period.First), last: uint8(v.Period.Last),
		vintage: uint8(v.Vintage)}
	em := entryMeta{detail: -1, revision: int32(v.Revision), prov: d.provenanceOf(v)}
	if v.Value != nil {
		e.value = *v.Value
	}
	if v.Basis == planwatch.BasisCumulative {
		e.flags |= flagCumulative
	}
	if v.Source.Kind == planwatch.SourceRestated {
		e.flags |= flagRestated
	}
	if d.approved(v.Unit, v.Period) {
		e.flags |= flagApproved
	}
	us, id := d.slot(v.Indicator, v.Unit)
	us.markDirty(id)
	s, m := us.byID[id], us.meta[id]
	i := sort.Search(len(s), func(i int) bool { return !s[i].before(&e) })
	found := i < len(s) && s[i].year == e.year && s[i].first == e.first && s[i].last == e.last && s[i].cumulative() == e.cumulative()
	if v.Deleted {
		if found {
			d.dropDetail(m[i].detail)
			us.byID[id] = append(s[:i], s[i+1:]...)
			us.meta[id] = append(m[:i], m[i+1:]...)
			d.count--
		}
		return
	}
	if needsDetail(&v) {
		em.detail = d.keepDetail(v)
	}
	if found {
		d.dropDetail(m[i].detail)
		s[i], m[i] = e, em
		return
	}
	s = append(s, entry{})
	copy(s[i+1:], s[i:])
	s[i] = e
	m = append(m, entryMeta{})
	copy(m[i+1:], m[i:])
	m[i] = em
	us.byID[id], us.meta[id] = s, m
	d.count++
	if d.years[v.Indicator] == nil {
		d.years[v.Indicator] = map[int]bool{}
	}
	d.years[v.Indicator][v.Period.Year] = true
}

// unitSeries is one indicator's series by unit id (Dataset.unitIDs): a
// roll-up reaches a unit's series by its node's id, without a look-up by
// code. A unit that ever had a value of the indicator has a non-nil series
// (empty once every value is withdrawn).
type unitSeries struct {
	byID []series
	meta [][]entryMeta // the rest of each series' entries, in the same order
	// dirty marks, by unit id, the series changed since the index's base
	// snapshot was written or read (a delta snapshot holds them).
	dirty []uint64
}

// markDirty notes that the series of unit id differs from the base
// snapshot's; the caller holds mu for writing.
func (us *unitSeries) markDirty(id int32) {
	w := int(id) / 64
	if w >= len(us.dirty) {
		us.dirty = append(us.dirty, make([]uint64, w+1-len(us.dirty))...)
	}
	us.dirty[w] |= 1 << (uint(id) % 64)
}

// isDirty reports whether the series of unit id differs from the base
// snapshot's.
func (us *unitSeries) isDirty(id int) bool {
	w := id / 64
	return w < len(us.dirty) && us.dirty[w]&(1<<(uint(id)%64)) != 0
}

// at is the series of unit id (nil for none); the caller holds mu.
func (us *unitSeries) at(id int32) series {
	if us == nil || id < 0 || int(id) >= len(us.byID) {
		return nil
	}
	return us.byID[id]
}

// unitID is the id of a unit code, given at its first value; the caller
// holds mu for writing.
func (d *Dataset) unitID(code string) int32 {
	if id, ok := d.unitIDs[code]; ok {
		return id
	}
	id := int32(len(d.unitCodes))
	d.unitIDs[code] = id
	d.unitCodes = append(d.unitCodes, code)
	return id
}

// seriesOf is the series of an indicator and unit; the caller holds mu.
func (d *Dataset) seriesOf(indicator, unit string) series {
	us := d.values[indicator]
	if us == nil {
		return nil
	}
	id, ok := d.unitIDs[unit]
	if !ok {
		return nil
	}
	return us.at(id)
}

// each calls fn for every unit with a series of the indicator (and the
// rest of its entries), in the order of unit ids; the caller holds mu.
func (us *unitSeries) each(codes []string, fn func(unit string, s series, m []entryMeta)) {
	if us == nil {
		return
	}
	for id, s := range us.byID {
		if s != nil {
			fn(codes[id], s, us.meta[id])
		}
	}
}

func (e *entry) before(o *entry) bool {
	if e.year != o.year {
		return e.year < o.year
	}
	if e.first != o.first {
		return e.first < o.first
	}
	if e.last != o.last {
		return e.last < o.last
	}
	return !e.cumulative() && o.cumulative()
}

// needsDetail says whether a value carries more than the index's columns.
func needsDetail(v *planwatch.DataValue) bool {
	return v.YoY != nil || v.PlanPct != nil || v.VsRef != nil || v.Comment != "" || v.Source.Sentence != "" || v.Source.Formula != ""
}

func (d *Dataset) provenanceOf(v planwatch.DataValue) int32 {
	p := provenance{By: v.By, At: v.At, Kind: v.Source.Kind, Ref: v.Source.Ref}
	if i, ok := d.provIdx[p]; ok {
		return i
	}
	if d.provIdx == nil {
		d.provIdx = map[provenance]int32{}
	}
	d.provs = append(d.provs, p)
	d.provIdx[p] = int32(len(d.provs) - 1)
	return int32(len(d.provs) - 1)
}

func (d *Dataset) keepDetail(v planwatch.DataValue) int32 {
	v.Value = nil // the entry holds it
	v.By, v.At, v.Source.Kind, v.Source.Ref = "", time.Time{}, "", ""
	if n := len(d.freeDetail); n > 0 {
		i := d.freeDetail[n-1]
		d.freeDetail = d.freeDetail[:n-1]
		d.details[i] = v
		return i
	}
	d.details = append(d.details, v)
	return int32(len(d.details) - 1)
}

func (d *Dataset) dropDetail(i int32) {
	if i >= 0 {
		d.details[i] = planwatch.DataValue{}
		d.freeDetail = append(d.freeDetail, i)
	}
}

// dataValue rebuilds the full value of an entry.
func (d *Dataset) dataValue(indicator, unit string, e *entry, m entryMeta) planwatch.DataValue {
	var v planwatch.DataValue
	if m.detail >= 0 && int(m.detail) < len(d.details) {
		v = d.details[m.detail]
	}
	v.Indicator, v.Unit = indicator, unit
	v.Period = periodOf(int(e.year), int(e.first), int(e.last))
	v.Basis = planwatch.BasisPeriod
	if e.cumulative() {
		v.Basis = planwatch.BasisCumulative
	}
	v.Vintage = planwatch.Vintage(e.vintage)
	v.Revision = int(m.revision)
	if m.prov >= 0 && int(m.prov) < len(d.provs) {
		p := d.provs[m.prov]
		v.By, v.At, v.Source.Kind, v.Source.Ref = p.By, p.At, p.Kind, p.Ref
	}
	v.Approved = e.flags&flagApproved != 0
	if e.ok() {
		v.Value = planwatch.Float(e.value)
	}
	return v
}

// periodOf names the months first..last of a year by their usual period.
func periodOf(year, first, last int) planwatch.Period {
	switch {
	case first == 1 && last == 12:
		return planwatch.YearOf(year)
	case first == last:
		return planwatch.MonthOf(year, first)
	case last-first == 2 && first%3 == 1:
		return planwatch.QuarterOf(year, (first+2)/3)
	case last-first == 5 && first%6 == 1:
		return planwatch.HalfOf(year, (first+5)/6)
	case first == 1:
		return planwatch.YearToDateOf(year, last)
	}
	p := planwatch.YearToDateOf(year, last)
	p.First = first
	return p
}

// entries returns the series of an indicator and unit (read-only).
func (d *Dataset) entries(indicator, unit string) series {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.seriesOf(indicator, unit)
}

// usable says whether an entry counts for analytics.
func (d *Dataset) usable(e *entry) bool {
	return !d.ApprovedOnly || e.flags&flagApproved != 0
}

// Reported returns the value reported for exactly these months (period basis,
// or cumulative basis when p starts in January), if any.
func (d *Dataset) Reported(indicator, unit string, p planwatch.Period) (planwatch.DataValue, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	us := d.values[indicator]
	id, known := d.unitIDs[unit]
	if !known {
		return planwatch.DataValue{}, false
	}
	s := us.at(id)
	i, ok := d.reportedAt(s, p)
	if !ok {
		return planwatch.DataValue{}, false
	}
	return d.dataValue(indicator, unit, &s[i], us.meta[id][i]), true
}

// reportedEntry finds the entry covering exactly p's months; the caller holds mu.
func (d *Dataset) reportedEntry(s series, p planwatch.Period) (entry, bool) {
	i, ok := d.reportedAt(s, p)
	if !ok {
		return entry{}, false
	}
	return s[i], true
}

// reportedAt is where in s the entry covering exactly p's months is.
func (d *Dataset) reportedAt(s series, p planwatch.Period) (int, bool) {
	found := -1
	lo, hi := yearBounds(s, p.Year)
	for i := lo; i < hi; i++ {
		e := &s[i]
		if int(e.last) != p.Last || !d.usable(e) {
			continue
		}
		covers := !e.cumulative() && int(e.first) == p.First
		covers = covers || (e.cumulative() && p.First == 1)
		if covers && (found < 0 || e.vintage > s[found].vintage) {
			found = i
		}
	}
	return found, found >= 0
}

// Target returns the current target of an indicator for a unit and year.
func (d *Dataset) Target(indicator, unit string, year int, kind planwatch.TargetKind) (planwatch.Target, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	t, ok := d.targets[targetKey{indicator, unit, year, kind}]
	return t, ok
}

// Targets lists the current targets, in no particular order.
func (d *Dataset) Targets() []planwatch.Target {
	d.mu.RLock()
	defer d.mu.RUnlock()
	out := make([]planwatch.Target, 0, len(d.targets))
	for _, t := range d.targets {
		out = append(out, t)
	}
	return out
}

// SetTargets replaces the targets and milestones.
func (d *Dataset) SetTargets(targets []planwatch.Target, milestones []planwatch.Milestone) {
	d.mu.Lock()
	d.targets = map[targetKey]planwatch.Target{}
	d.setTargets(targets)
	d.milestones = milestones
	d.mu.Unlock()
	// Remembered figures are of values only: plans are read afresh by Row.
}

func (d *Dataset) setTargets(targets []planwatch.Target) {
	for _, t := range targets {
		keepTarget(d.targets, t)
	}
}

// keepTarget puts t in m unless m holds a later version of its key.
func keepTarget(m map[targetKey]planwatch.Target, t planwatch.Target) {
	k := targetKey{t.Indicator, t.Unit, t.Year, t.Kind}
	if old, ok := m[k]; !ok || t.Version >= old.Version {
		m[k] = t
	}
}

// Milestones returns the milestones of a unit and year.
func (d *Dataset) Milestones(indicator, unit string, year int) []planwatch.Milestone {
	d.mu.RLock()
	defer d.mu.RUnlock()
	var out []planwatch.Milestone
	for _, m := range d.milestones {
		if m.Indicator == indicator && m.Unit == unit && m.Period.Year == year {
			out = append(out, m)
		}
	}
	return out
}

// SetApprovals marks the values of approved (locked) unit-periods.
func (d *Dataset) SetApprovals(approvals []planwatch.Approval) {
	locked := planwatch.ApprovedOf(approvals)
	d.mu.Lock()
	if reflect.DeepEqual(locked, d.approvals) || (len(locked) == 0 && len(d.approvals) == 0) {
		d.mu.Unlock()
		return // nothing to mark again, nothing to forget
	}
	d.approvals = locked
	for _, us := range d.values {
		for id, s := range us.byID {
			for i := range s {
				e := &s[i]
				flags := e.flags &^ flagApproved
				if d.approved(d.unitCodes[id], periodOf(int(e.year), int(e.first), int(e.last))) {
					flags |= flagApproved
				}
				if flags != e.flags {
					// Written only when it changes (an entry of a mapped
					// snapshot is copied at its first write), and the
					// series then differs from the full snapshot's.
					e.flags = flags
					us.markDirty(int32(id))
				}
			}
		}
	}
	d.mu.Unlock()
	d.forget(nil)
}

func (d *Dataset) approved(unit string, p planwatch.Period) bool {
	return d.approvals.Covers(unit, p)
}

// Values lists the current values matching q (indicators, units, months;
// ApprovedOnly), ordered by indicator, unit and period.
func (d *Dataset) Values(q planwatch.ValueQuery) []planwatch.DataValue {
	return slices.Collect(d.EachValue(q))
}

// EachValue yields the values Values lists, one at a time (a caller
// looking for one among the country's need not hold them all). The index
// is read-locked meanwhile: yield must not change it.
func (d *Dataset) EachValue(q planwatch.ValueQuery) iter.Seq[planwatch.DataValue] {
	return func(yield func(planwatch.DataValue) bool) {
		d.mu.RLock()
		defer d.mu.RUnlock()
		d.eachValue(q, yield)
	}
}

func (d *Dataset) eachValue(q planwatch.ValueQuery, yield func(planwatch.DataValue) bool) {
	want := func(list []string) map[string]bool {
		if len(list) == 0 {
			return nil
		}
		m := map[string]bool{}
		for _, s := range list {
			m[s] = true
		}
		return m
	}
	inds, units := want(q.Indicators), want(q.Units)
	var codes []string
	for code := range d.values {
		if inds == nil || inds[code] {
			codes = append(codes, code)
		}
	}
	sort.Strings(codes)
	for _, code := range codes {
		type unitEntries struct {
			s series
			m []entryMeta
		}
		byUnit := map[string]unitEntries{}
		d.values[code].each(d.unitCodes, func(u string, s series, m []entryMeta) {
			if units == nil || units[u] {
				byUnit[u] = unitEntries{s, m}
			}
		})
		for _, u := range slices.Sorted(maps.Keys(byUnit)) {
			s, m := byUnit[u].s, byUnit[u].m
			for i := range s {
				e := &s[i]
				start, end := int(e.year)*100+int(e.first), int(e.year)*100+int(e.last)
				if (q.FromMonth != 0 && start < q.FromMonth) || (q.ToMonth != 0 && end > q.ToMonth) {
					continue
				}
				if q.ApprovedOnly && e.flags&flagApproved == 0 {
					continue
				}
				if !yield(d.dataValue(code, u, e, m[i])) {
					return
				}
			}
		}
	}
}

// Span is the first and last period with any value, zero when empty.
func (d *Dataset) Span() (first, last planwatch.Period) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	for _, us := range d.values {
		for _, s := range us.byID {
			if len(s) == 0 {
				continue
			}
			a, b := &s[0], &s[len(s)-1]
			if first.IsZero() || int(a.year) < first.Year || (int(a.year) == first.Year && int(a.first) < first.First) {
				first = periodOf(int(a.year), int(a.first), int(a.last))
			}
			for i := len(s) - 1; i >= 0 && s[i].year == b.year; i-- {
				e := &s[i]
				if last.IsZero() || int(e.year) > last.Year || (int(e.year) == last.Year && int(e.last) > last.Last) {
					last = periodOf(int(e.year), int(e.first), int(e.last))
				}
			}
		}
	}
	return first, last
}

// UnitsWithValues counts, for every unit, its current values.
func (d *Dataset) UnitsWithValues() map[string]int {
	d.mu.RLock()
	defer d.mu.RUnlock()
	out := map[string]int{}
	for _, us := range d.values {
		us.each(d.unitCodes, func(u string, s series, _ []entryMeta) { out[u] += len(s) })
	}
	return out
}

// LatestOwnPeriod is the latest period a unit itself reported (any indicator).
func (d *Dataset) LatestOwnPeriod(unit string) (planwatch.Period, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	var best planwatch.Period
	id, ok := d.unitIDs[unit]
	if !ok {
		return best, false
	}
	for _, us := range d.values {
		s := us.at(id)
		for i := range s {
			e := &s[i]
			if best.IsZero() || int(e.year) > best.Year || (int(e.year) == best.Year && int(e.last) > best.Last) {
				best = periodOf(int(e.year), int(e.first), int(e.last))
			}
		}
	}
	return best, !best.IsZero()
}

// Source is what Load needs of a store.
type Source interface {
	planwatch.CatalogStore
	Values(ctx context.Context, q planwatch.ValueQuery) ([]planwatch.DataValue, error)
	Targets(ctx context.Context, q planwatch.TargetQuery) ([]planwatch.Target, error)
	Milestones(ctx context.Context, unit string, year int) ([]planwatch.Milestone, error)
}

// Load reads the catalogue, units, current values, targets and milestones
// from a store into a new index. approvedOnly leaves out values not yet
// approved. Prefer Open, which follows the store afterwards.
func Load(ctx context.Context, s Source, approvedOnly bool) (*Dataset, error) {
	d, err := loadCatalogue(ctx, s)
	if err != nil {
		return nil, err
	}
	d.ApprovedOnly = approvedOnly
	if err := d.reloadPlans(ctx, s); err != nil {
		return nil, err
	}
	vals, err := s.Values(ctx, planwatch.ValueQuery{})
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	for _, v := range vals {
		d.put(v)
	}
	d.mu.Unlock()
	return d, nil
}

// loadCatalogue makes an empty index over the store's catalogue and units.
func loadCatalogue(ctx context.Context, s planwatch.CatalogStore) (*Dataset, error) {
	d := NewDataset(nil, nil, nil, nil, nil)
	return d, d.loadCatalogue(ctx, s)
}

// loadCatalogue reads the catalogue and units of the store into d.
func (d *Dataset) loadCatalogue(ctx context.Context, s planwatch.CatalogStore) error {
	inds, err := s.Indicators(ctx)
	if err != nil {
		return err
	}
	units, err := s.OrgUnits(ctx)
	if err != nil {
		return err
	}
	trans, err := s.Transitions(ctx)
	if err != nil {
		return err
	}
	d.setCatalogue(inds, units, trans)
	return nil
}

// setCatalogue sets the indicators and units; it is called before the
// index is shared.
func (d *Dataset) setCatalogue(inds []planwatch.Indicator, units []planwatch.OrgUnit, trans []planwatch.Transition) {
	d.setCatalogueOf(inds, units, trans, nil)
}

// setCatalogueOf is setCatalogue with the units' hierarchy made already
// (a snapshot's, made while its directory was read), or nil.
func (d *Dataset) setCatalogueOf(inds []planwatch.Indicator, units []planwatch.OrgUnit, trans []planwatch.Transition, h *planwatch.Hierarchy) {
	byCode := make(map[string]planwatch.Indicator, len(inds))
	for _, ind := range inds {
		byCode[ind.Code] = ind
	}
	d.inds.Store(&byCode)
	if h == nil {
		h = planwatch.NewHierarchy(units, trans)
	}
	d.units.Store(h)
	d.rawUnits, d.rawTrans = units, trans
	d.memoMu.Lock()
	d.nodes, d.heldBy = nil, nil
	d.memoMu.Unlock()
}

// reloadPlans reads targets, milestones and approvals again.
func (d *Dataset) reloadPlans(ctx context.Context, s Source) error {
	targets, err := s.Targets(ctx, planwatch.TargetQuery{})
	if err != nil {
		return err
	}
	ms, err := s.Milestones(ctx, "", 0)
	if err != nil {
		return err
	}
	d.SetTargets(targets, ms)
	if as, ok := s.(ApprovalSource); ok {
		approvals, err := as.Approvals(ctx, planwatch.ApprovalQuery{State: planwatch.ApprovalApproved})
		if err != nil {
			return err
		}
		d.SetApprovals(approvals)
	}
	return nil
}

// PlanFigure is the target a unit is measured against, and where it came from.
type PlanFigure struct {
	Value float64
	// From lists the former units whose targets were added up, when the
	// unit's territory changed during the year and its own target was set
	// before the change (or it had none).
	From []string
	// Partial: some former unit had no target or was split without a weight.
	Partial bool
}

// PlanTarget is the target of a unit for a year, for the territory it covers
// at the end of that year: its own target, unless the unit's territory
// changed during the year and its own target was adopted before the change
// (or there is none), in which case the targets of the units it was formed
// of add up (aggregations that cannot add up give no target).
func (d *Dataset) PlanTarget(indicator, unit string, year int, kind planwatch.TargetKind) (PlanFigure, bool) {
	own, hasOwn := d.Target(indicator, unit, year, kind)
	ind := d.Indicators()[indicator]
	yearEnd := planwatch.YearOf(year).End()
	change := d.territoryChange(unit, planwatch.YearOf(year).Start().AddDate(0, 0, -1), yearEnd)
	if change.IsZero() || (hasOwn && (own.Adopted.IsZero() || !own.Adopted.Before(change))) {
		return PlanFigure{Value: own.Value}, hasOwn
	}
	if ind.UnitAgg != planwatch.UnitSum {
		return PlanFigure{Value: own.Value}, hasOwn
	}
	var f PlanFigure
	n := 0
	for _, tr := range d.Units().Predecessors(unit) {
		if !tr.Date.Equal(change) {
			continue
		}
		t, ok := d.Target(indicator, tr.Old, year, kind)
		w := 1.0
		if !tr.Full {
			w = tr.Weight
		}
		if !ok || w <= 0 {
			f.Partial = true
			continue
		}
		f.Value += w * t.Value
		f.From = append(f.From, tr.Old)
		n++
	}
	if n == 0 {
		return PlanFigure{Value: own.Value}, hasOwn
	}
	sort.Strings(f.From)
	return f, true
}

// Years lists the years with any value, in no particular order.
func (d *Dataset) Years() []int {
	d.mu.RLock()
	defer d.mu.RUnlock()
	seen := map[int]bool{}
	var out []int
	for _, ys := range d.years {
		for y := range ys {
			if !seen[y] {
				seen[y] = true
				out = append(out, y)
			}
		}
	}
	return out
}

// PlanMilestones are the milestones a unit is measured against in a year:
// its own; or, when its territory changed during the year and it set none,
// the milestones every one of the units it was formed of had set alike
// (from lists them). Milestones the former units did not share are not
// carried over: a share of plan cannot be split.
func (d *Dataset) PlanMilestones(indicator, unit string, year int) (ms []planwatch.Milestone, from []string) {
	if own := d.Milestones(indicator, unit, year); len(own) > 0 {
		return own, nil
	}
	change := d.territoryChange(unit, planwatch.YearOf(year).Start().AddDate(0, 0, -1), planwatch.YearOf(year).End())
	if change.IsZero() {
		return nil, nil
	}
	type key struct {
		period planwatch.Period
		share  float64
		bound  planwatch.Bound
		kind   planwatch.TargetKind
	}
	count := map[key]int{}
	first := map[key]planwatch.Milestone{}
	n := 0
	for _, tr := range d.Units().Predecessors(unit) {
		if !tr.Date.Equal(change) {
			continue
		}
		n++
		from = append(from, tr.Old)
		for _, m := range d.Milestones(indicator, tr.Old, year) {
			k := key{m.Period, m.Share, m.Bound, m.TargetKind}
			count[k]++
			if _, ok := first[k]; !ok {
				m.Unit = unit
				first[k] = m
			}
		}
	}
	for k, c := range count {
		if c == n {
			ms = append(ms, first[k])
		}
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Period.Last < ms[j].Period.Last })
	if len(ms) == 0 {
		return nil, nil
	}
	sort.Strings(from)
	return ms, from
}
