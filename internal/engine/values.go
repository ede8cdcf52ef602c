package engine

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
	"time"

	"planwatch"
	"planwatch/internal/hugepage"
)

// AuditEach is the largest number of values a change set may hold for its
// values to get an audit entry each (value.create, value.update,
// value.delete, with the old and new figure): what a person types into a
// form or sends through the API. A larger change set (a file import) gets
// only its change set's entry, naming who, from where, the file and the
// counts; each of its values still keeps its revision, with who, when and
// source, so Revisions tells every value's history.
const AuditEach = 100

// SeriesKey names a series: the figures of one indicator for one unit.
type SeriesKey struct{ Indicator, Unit string }

// Batch is the values of one change set as a store takes them in: filled in
// (who, when), normalized, checked one by one, and held compactly, grouped
// by series, so that a file of millions of rows fits in little memory.
type Batch struct {
	// Defaults are who, when and where from for the change set's values: the
	// first value's. Values that differ keep their own.
	Defaults ChangeDefaults
	// N counts the values taken in.
	N int
	// Series lists the series in the order they were first seen. Their
	// Entries are there once gathered (Collect): what reads them waits.
	Series []*SeriesBatch
	// Problems lists what is wrong with single values (and what the
	// stream's reader reported); codes are checked later, by Prepare.
	Problems []planwatch.Problem
	// WantChanged asks Prepare to work out the new current value of every
	// key the change set changes (Plan.Changed), for commit observers.
	WantChanged bool

	bySeries map[SeriesKey]*SeriesBatch
	keep     planwatch.Unsaid          // what values take from the stored ones (ChangeSet.Keep)
	blocks   [][]waiting               // entries waiting in file order (push), then gathered
	extras   []*Extra                  // the extra fields of waiting entries
	last     *SeriesBatch              // files list a series' values together
	periods  map[planwatch.Period]bool // periods already found well formed
	gathered chan struct{}             // closed once gathered (wait)
}

// SeriesBatch is what a change set writes to one series.
type SeriesBatch struct {
	SeriesKey
	Entries []Entry
	n       int32 // its index in Batch.Series
}

// Values iterates over a slice of values, as Collect takes them.
func Values(vs []planwatch.DataValue) iter.Seq2[planwatch.DataValue, error] {
	return func(yield func(planwatch.DataValue, error) bool) {
		for _, v := range vs {
			if !yield(v, nil) {
				return
			}
		}
	}
}

// Collect takes in the values of change set cs (whose own Values are not
// read) from values, filling in who (cs.By) and when (now) where missing.
// values may yield an EINVALID *planwatch.Error with Problems for a row it
// could not read: the problems are kept and reading goes on. Any other error
// stops it and is returned.
func Collect(cs *planwatch.ChangeSet, values iter.Seq2[planwatch.DataValue, error], now time.Time) (*Batch, error) {
	return CollectLarge(cs, values, now, 0, nil)
}

// CollectLarge is Collect calling large, once, when the change set names
// its n-th unit (n > 0): a store may then start reading what Prepare will
// need of a change set of many units, whichever they are (every unit's
// life), while the rest is taken in.
func CollectLarge(cs *planwatch.ChangeSet, values iter.Seq2[planwatch.DataValue, error], now time.Time, n int, large func()) (*Batch, error) {
	b := &Batch{bySeries: map[SeriesKey]*SeriesBatch{}, periods: map[planwatch.Period]bool{}, keep: cs.Keep}
	var units map[string]bool // named so far, until the n-th
	series := 0               // len(b.Series) when last looked at
	if large != nil && n > 0 {
		units = map[string]bool{}
	}
	for v, err := range values {
		if err != nil {
			var pe *planwatch.Error
			if errors.As(err, &pe) && pe.Code == planwatch.EINVALID && len(pe.Problems) > 0 {
				b.Problems = addProblems(b.Problems, pe.Problems)
				b.N++
				continue
			}
			return nil, err
		}
		b.Add(cs, &v, now)
		if units != nil && len(b.Series) > series { // a new series: a new unit?
			series = len(b.Series)
			if u := b.Series[series-1].Unit; !units[u] {
				if units[u] = true; len(units) == n {
					large()
					units = nil
				}
			}
		}
	}
	// The entries are gathered into their series on a goroutine of their
	// own: Prepare reads the catalogue and creates the series meanwhile
	// (they need the series' keys alone), and waits for the entries only
	// when it checks them (wait).
	b.gathered = make(chan struct{})
	go func() {
		defer close(b.gathered)
		b.gather()
	}()
	return b, nil
}

// wait returns once every series has its entries (Collect).
func (b *Batch) wait() {
	if b.gathered != nil {
		<-b.gathered
	}
}

// Add takes in one value (see Collect).
func (b *Batch) Add(cs *planwatch.ChangeSet, v *planwatch.DataValue, now time.Time) {
	i := b.N
	b.N++
	if v.By == "" {
		v.By = cs.By
	}
	if v.At.IsZero() {
		v.At = now
	} else {
		v.At = v.At.UTC()
	}
	v.Revision, v.Approved = 0, false
	v.Normalize()
	planwatch.NFC(&v.Comment, &v.Source.Sentence, &v.Source.Ref, &v.Source.Formula)
	if ps := b.valueProblems(rowOf(i, v.Source), v); len(ps) > 0 {
		b.Problems = addProblems(b.Problems, ps)
		return
	}
	if len(b.Series) == 0 {
		b.Defaults = DefaultsOf(v)
	}
	sb := b.last
	if sb == nil || sb.Indicator != v.Indicator || sb.Unit != v.Unit {
		sk := SeriesKey{v.Indicator, v.Unit}
		sb = b.bySeries[sk]
		if sb == nil {
			sb = &SeriesBatch{SeriesKey: SeriesKey{strings.Clone(v.Indicator), strings.Clone(v.Unit)}, n: int32(len(b.Series))}
			b.bySeries[sb.SeriesKey] = sb
			b.Series = append(b.Series, sb)
		}
		b.last = sb
	}
	b.push(sb, EntryOf(v, i, &b.Defaults))
}

// waiting is an entry as it waits in a batch's blocks (push): with the
// index of its series, and without pointers (its Extra, if any, is in
// Batch.extras), so that neither the collector nor gather's copies have to
// look at the blocks.
type waiting struct {
	code, row, index uint32
	series           int32
	flags, vintage   uint8
	extra            uint32 // Batch.extras[extra-1], 0 for none
	value            float64
}

// push takes in entry e of series sb. Entries wait in file order, in
// blocks, each with the number of its series; gather then gives every
// series its entries in one slice. (A file may come back to a series:
// appending series by series would copy and reallocate.)
func (b *Batch) push(sb *SeriesBatch, e Entry) {
	if len(b.blocks) == 0 || len(b.blocks[len(b.blocks)-1]) == cap(b.blocks[len(b.blocks)-1]) {
		size := 64
		if n := len(b.blocks); n > 0 {
			size = min(8*cap(b.blocks[n-1]), 1<<18) // up to 8 MiB, soon
		}
		b.blocks = append(b.blocks, hugepage.Make[waiting](size))
	}
	w := waiting{code: e.Code, row: e.Row, index: e.Index, series: sb.n, flags: e.Flags, vintage: e.Vintage, value: e.Value}
	if e.Extra != nil {
		b.extras = append(b.extras, e.Extra)
		w.extra = uint32(len(b.extras))
	}
	last := &b.blocks[len(b.blocks)-1]
	*last = append(*last, w)
}

// gather gives every series its entries, in the order they came. The
// series' slices are carved from chunks of about gatherChunk entries,
// series after series in the order they were first seen, each chunk made
// when its first entry comes, and each block is let go once copied: a file
// that lists a series' values together (the usual case) holds its entries
// about once meanwhile instead of twice (blocks and copies). Entries are
// copied field by field: a fresh entry's Extra is already nil, and setting
// only the rare one costs no write barrier.
func (b *Batch) gather() {
	count := make([]int, len(b.Series)+1)
	for _, block := range b.blocks {
		for i := range block {
			count[block[i].series+1]++
		}
	}
	for i := 1; i < len(count); i++ {
		count[i] += count[i-1]
	}
	var starts []int // the first series of each chunk
	for i := 0; i < len(b.Series); {
		starts = append(starts, i)
		j := i + 1
		for j < len(b.Series) && count[j+1]-count[i] <= gatherChunk {
			j++
		}
		i = j
	}
	carve := func(n int32) {
		c, _ := slices.BinarySearch(starts, int(n)+1)
		lo, hi := starts[c-1], len(b.Series)
		if c < len(starts) {
			hi = starts[c]
		}
		chunk := hugepage.Make[Entry](count[hi] - count[lo])[:count[hi]-count[lo]]
		for i := lo; i < hi; i++ {
			off := count[i] - count[lo]
			b.Series[i].Entries = chunk[off:off:(off + count[i+1] - count[i])]
		}
	}
	for bi, block := range b.blocks {
		b.blocks[bi] = nil
		for i := range block {
			w := &block[i]
			sb := b.Series[w.series]
			if sb.Entries == nil {
				carve(w.series)
			}
			sb.Entries = sb.Entries[:len(sb.Entries)+1]
			e := &sb.Entries[len(sb.Entries)-1]
			e.Code, e.Row, e.Index, e.Flags, e.Vintage, e.Value = w.code, w.row, w.index, w.flags, w.vintage, w.value
			if w.extra != 0 {
				e.Extra = b.extras[w.extra-1]
			}
		}
	}
	b.blocks, b.extras = nil, nil
}

// gatherChunk is about how many entries gather carves series' slices from
// at a time.
const gatherChunk = 1 << 18

// valueProblems checks what needs no database.
// MaxValueText bounds, in characters, each text a value carries (comment,
// source sentence, reference, formula, who): planwatch.MaxText.
const MaxValueText = planwatch.MaxText

func (b *Batch) valueProblems(row int, v *planwatch.DataValue) []planwatch.Problem {
	var ps []planwatch.Problem
	problem := func(column, value, reason string) {
		ps = append(ps, planwatch.Problem{Row: row, Column: column, Value: value, Reason: reason})
	}
	if v.Indicator == "" {
		problem("indicator", "", "thiếu mã chỉ tiêu (indicator required)")
	}
	if v.Unit == "" {
		problem("orgunit", "", "thiếu mã đơn vị (unit required)")
	}
	if !b.periods[v.Period] {
		if p := periodProblem(row, "period", v.Period); p != nil {
			ps = append(ps, *p)
		} else if len(b.periods) < 4096 {
			b.periods[v.Period] = true
		}
	}
	if v.Basis != planwatch.BasisPeriod && v.Basis != planwatch.BasisCumulative {
		problem("basis", string(v.Basis), "phải là period hoặc cumulative (expected period or cumulative)")
	}
	if v.Vintage < planwatch.Estimate || v.Vintage > planwatch.Official {
		problem("vintage", strconv.Itoa(int(v.Vintage)), "phải là estimate, preliminary hoặc official (expected estimate, preliminary or official)")
	}
	for _, f := range []struct {
		column string
		f      *float64
	}{{"value", v.Value}, {"yoy_pct", v.YoY}, {"plan_pct", v.PlanPct}, {"vs_ref", v.VsRef}} {
		if p := floatProblem(row, f.column, f.f); p != nil {
			ps = append(ps, *p)
		}
	}
	if !v.Deleted && v.Value == nil && v.YoY == nil && v.PlanPct == nil && v.VsRef == nil {
		problem("value", "", "thiếu giá trị hoặc so sánh (a value or a reported comparison is required)")
	}
	for _, t := range []struct{ column, text string }{{"comment", v.Comment}, {"source.sentence", v.Source.Sentence},
		{"source.ref", v.Source.Ref}, {"source.formula", v.Source.Formula}, {"by", v.By}} {
		if reason := planwatch.TextProblem(t.text); reason != "" {
			problem(t.column, planwatch.ShownText(t.text), reason)
		}
	}
	if len(ps) == 0 { // the domain's own rule, in case it grows stricter
		if err := v.Validate(); err != nil {
			problem("", "", planwatch.ErrorMessage(err))
		}
	}
	return ps
}

// entryRow is the row a problem of entry e names: its file row, or else
// its position in the change set.
func entryRow(e *Entry) int {
	if e.Row > 0 {
		return int(e.Row)
	}
	return int(e.Index) + 1
}

// checkCodes reports every value whose indicator or unit is not in the
// catalogue.
func (b *Batch) checkCodes(knownInd, knownUnit map[string]bool) []planwatch.Problem {
	b.wait()
	var ps []planwatch.Problem
	for _, sb := range b.Series {
		ind, unit := knownInd[sb.Indicator], knownUnit[sb.Unit]
		if ind && unit {
			continue
		}
		for i := range sb.Entries {
			row := entryRow(&sb.Entries[i])
			if !ind {
				ps = planwatch.AddProblem(ps, planwatch.Problem{Row: row, Column: "indicator", Value: sb.Indicator, Reason: "chỉ tiêu không có trong danh mục (unknown indicator)"})
			}
			if !unit {
				ps = planwatch.AddProblem(ps, planwatch.Problem{Row: row, Column: "orgunit", Value: sb.Unit, Reason: "đơn vị hành chính không tồn tại (unknown administrative unit)"})
			}
		}
	}
	if planwatch.CountProblems(ps) == len(ps) { // a capped list keeps its count last
		slices.SortStableFunc(ps, func(a, b planwatch.Problem) int { return cmp.Compare(a.Row, b.Row) })
	}
	return ps
}

// addProblems appends src to dst as planwatch.AddProblem would, one by
// one, so that dst stays capped.
func addProblems(dst, src []planwatch.Problem) []planwatch.Problem {
	for _, p := range src {
		if p.More == 0 {
			dst = planwatch.AddProblem(dst, p)
			continue
		}
		for range p.More { // problems only counted stay counted
			dst = planwatch.AddProblem(dst, planwatch.Problem{Row: p.Row, Reason: p.Reason})
		}
	}
	return dst
}

// Keys iterates over the keys of the batch's values with their position in
// the change set, for planwatch.CheckLockedKeys.
func (b *Batch) Keys() iter.Seq2[int, planwatch.Key] {
	return func(yield func(int, planwatch.Key) bool) {
		b.wait()
		for _, sb := range b.Series {
			for i := range sb.Entries {
				e := &sb.Entries[i]
				if !yield(int(e.Index), planwatch.Key{Indicator: sb.Indicator, Unit: sb.Unit, Period: PeriodOf(e.Code)}) {
					return
				}
			}
		}
	}
}

// SeriesWrite is what a plan stores for one series: the new revisions of
// one change set, encoded (Encode) as one row of the revisions table.
type SeriesWrite struct {
	// ID is the series' id, 0 in a dry run for a series not yet stored.
	ID int64
	SeriesKey
	Entries []Entry
}

// keyHead holds the latest revision of each vintage of one key: all that
// planwatch.Current looks at.
type keyHead struct {
	v     [4]headRef
	dirty bool // written by the plan
}

type headRef struct {
	e  *Entry
	cs int64 // its change set; 0 for the one being planned
}

// current is planwatch.Current on heads.
func (h *keyHead) current() (headRef, bool) {
	for vin := planwatch.Official; vin >= planwatch.Estimate; vin-- {
		if r := h.v[vin]; r.e != nil {
			if r.e.Flags&flagDeleted == 0 {
				return r, true
			}
		}
	}
	return headRef{}, false
}

// changedKey is a key whose current value the plan changes.
type changedKey struct {
	series *SeriesWrite
	code   uint32
	cur    headRef // e nil: no current value left
}

// planValues decides the revision of every value, series by series,
// reading what the store holds of each series the batch writes.
func (a *applier) planValues(ctx context.Context) error {
	b := a.batch
	if b == nil || len(b.Series) == 0 || len(a.p.Problems) > 0 {
		return nil
	}
	b.wait()
	ids := a.ids
	if ids == nil {
		var err error
		if ids, err = a.seriesIDs(ctx); err != nil {
			return err
		}
	}
	var stored []int64
	byID := make(map[int64]*SeriesBatch, len(b.Series))
	for _, sb := range b.Series {
		if id := ids[sb.SeriesKey]; id > 0 {
			stored = append(stored, id)
			byID[id] = sb
		}
	}
	var changed []changedKey
	csNeeded := map[int64]bool{}
	// The heads of the keys of one series at a time, reused.
	index := map[uint32]int32{}
	var heads []keyHead
	planned := make(map[*SeriesBatch]bool, len(b.Series))
	planOne := func(sb *SeriesBatch, old []storedEntry) {
		planned[sb] = true
		if len(old) == 0 && b.N > AuditEach && !b.WantChanged && firstRevisions(sb.Entries) {
			// A new series of one value a key (a file of new figures): each
			// is its key's first revision, and none is compared.
			for i := range sb.Entries {
				sb.Entries[i].Revision = 1
			}
			a.p.Result.Imported += len(sb.Entries)
			a.p.Series = append(a.p.Series, &SeriesWrite{ID: ids[sb.SeriesKey], SeriesKey: sb.SeriesKey, Entries: sb.Entries})
			return
		}
		// The new revisions are the batch's own entries, numbered in place,
		// as long as none is ignored (a file of new figures): a copy only
		// from the first ignored one. Planning again (a retried
		// transaction) numbers them again.
		w := &SeriesWrite{ID: ids[sb.SeriesKey], SeriesKey: sb.SeriesKey, Entries: sb.Entries[:0:len(sb.Entries)]}
		aliased := true
		clear(index)
		heads = heads[:0]
		head := func(code uint32) *keyHead {
			i, ok := index[code]
			if !ok {
				i = int32(len(heads))
				heads = append(heads, keyHead{})
				index[code] = i
			}
			return &heads[i]
		}
		for i := range old {
			se := &old[i]
			h := head(se.e.Code)
			if r := h.v[se.e.Vintage]; r.e == nil || se.e.Revision > r.e.Revision {
				h.v[se.e.Vintage] = headRef{&se.e, se.cs}
			}
		}
		var dirty []uint32
		for i := range sb.Entries {
			e := sb.Entries[i]
			h := head(e.Code)
			last := h.v[e.Vintage].e
			if b.keep != 0 && last != nil && last.Flags&flagDeleted == 0 {
				keepUnsaid(&e, last, b.keep)
			}
			ignore := false
			if e.Flags&flagDeleted != 0 {
				ignore = last == nil || last.Flags&flagDeleted != 0 // nothing to withdraw
			} else {
				ignore = last != nil && last.Flags&flagDeleted == 0 && sameFigure(last, &e)
			}
			if ignore {
				a.p.Result.Ignored++
				if aliased {
					// From here on the batch's entries stay as they are.
					aliased = false
					w.Entries = append(make([]Entry, 0, len(sb.Entries)), w.Entries...)
					for j := range w.Entries {
						ne := &w.Entries[j]
						heads[index[ne.Code]].v[ne.Vintage] = headRef{ne, 0}
					}
				}
				continue
			}
			before, had := h.current()
			e.Revision = 1
			if last != nil {
				e.Revision = last.Revision + 1
			}
			switch {
			case e.Flags&flagDeleted != 0:
				a.p.Result.Deleted++
			case !had:
				a.p.Result.Imported++
			default:
				a.p.Result.Updated++
			}
			w.Entries = append(w.Entries, e)
			ne := &w.Entries[len(w.Entries)-1]
			if b.N <= AuditEach {
				a.p.valueAudits = append(a.p.valueAudits, a.valueAudit(w, ne, last, before, had))
			}
			h.v[e.Vintage] = headRef{ne, 0}
			if !h.dirty && b.WantChanged {
				h.dirty = true
				dirty = append(dirty, e.Code)
			}
		}
		if len(w.Entries) == 0 {
			return
		}
		a.p.Series = append(a.p.Series, w)
		if b.WantChanged {
			for _, code := range dirty {
				cur, _ := heads[index[code]].current()
				changed = append(changed, changedKey{w, code, cur})
				if cur.e != nil && cur.cs != 0 {
					csNeeded[cur.cs] = true
				}
			}
		}
	}
	// Stored series are planned as their rows come (by id), holding one
	// series' revisions at a time; then those with none.
	if len(stored) > 0 {
		slices.Sort(stored)
		var cur int64
		var old []storedEntry
		if err := a.r.Stored(ctx, stored, func(series, cs int64, data []byte) error {
			if series != cur {
				if cur != 0 {
					planOne(byID[cur], old)
				}
				cur = series
				if b.WantChanged {
					old = nil // the changed keys keep pointers into it
				} else {
					old = old[:0] // one series' revisions at a time, in the same room
				}
			}
			es, err := Decode(a.scratch[:0], data)
			a.scratch = es
			if err != nil {
				return fmt.Errorf("series %d, change set %d: %w", series, cs, err)
			}
			for i := range es {
				old = append(old, storedEntry{es[i], cs})
			}
			return nil
		}); err != nil {
			return err
		}
		if cur != 0 {
			planOne(byID[cur], old)
		}
	}
	for _, sb := range b.Series {
		if !planned[sb] {
			planOne(sb, nil)
		}
	}
	if b.WantChanged {
		a.p.changed = changed
		if len(csNeeded) > 0 {
			list := make([]int64, 0, len(csNeeded))
			for id := range csNeeded {
				list = append(list, id)
			}
			var err error
			if a.p.defaults, err = a.r.Defaults(ctx, list); err != nil {
				return err
			}
		}
	}
	return nil
}

// firstRevisions reports whether es, the entries of a series with no
// stored revisions, are each the first revision of its key: none withdraws
// a value, and their keys come in increasing order (so each once).
func firstRevisions(es []Entry) bool {
	for i := range es {
		if es[i].Flags&flagDeleted != 0 || i > 0 && es[i].Code <= es[i-1].Code {
			return false
		}
	}
	return true
}

// seriesIDs returns the ids of the batch's series (Reader.Series).
func (a *applier) seriesIDs(ctx context.Context) (map[SeriesKey]int64, error) {
	keys := make([]SeriesKey, len(a.batch.Series))
	for i, sb := range a.batch.Series {
		keys[i] = sb.SeriesKey
	}
	return a.r.Series(ctx, keys)
}

// keepUnsaid gives e what its change set does not say (keep), from the
// revision last it revises: the current value of its key and vintage.
func keepUnsaid(e, last *Entry, keep planwatch.Unsaid) {
	if e.Extra == nil && last.Extra == nil {
		return // nothing said, nothing to keep
	}
	var x, from Extra
	if e.Extra != nil {
		x = *e.Extra
	}
	if last.Extra != nil {
		from = *last.Extra
	}
	if keep&planwatch.KeepComment != 0 {
		x.Comment = from.Comment
	}
	if keep&planwatch.KeepYoY != 0 {
		x.YoY = from.YoY
	}
	if keep&planwatch.KeepPlanPct != 0 {
		x.PlanPct = from.PlanPct
	}
	if keep&planwatch.KeepVsRef != 0 {
		x.VsRef = from.VsRef
	}
	switch {
	case x == Extra{}:
		e.Extra = nil
	case e.Extra == nil || x != *e.Extra:
		e.Extra = &x
	}
}

type storedEntry struct {
	e  Entry
	cs int64
}

// valueAudit is the audit entry of one new revision ne of series w: last is
// the previous revision of its vintage, before the key's current value.
func (a *applier) valueAudit(w *SeriesWrite, ne, last *Entry, before headRef, had bool) planwatch.AuditEntry {
	figure := func(e *Entry) string {
		v := e.DataValue(w.Indicator, w.Unit, &ChangeDefaults{})
		return FigureText(&v)
	}
	v := ne.DataValue(w.Indicator, w.Unit, &a.batch.Defaults)
	k := v.Key.String()
	e := planwatch.AuditEntry{At: a.now, By: a.cs.By, From: a.cs.From, Entity: k,
		Detail: fmt.Sprintf("%s revision %d", v.Vintage, v.Revision)}
	if src := v.Source.String(); src != "" {
		e.Detail += "; " + src
	}
	if e.By == "" {
		e.By = v.By
	} else if v.By != e.By {
		// A partner's storedBy kept by an import: the change is still the importer's.
		e.Detail += "; storedBy " + v.By
	}
	switch {
	case v.Deleted:
		e.Action = "value.delete"
	case !had:
		e.Action, e.New = "value.create", FigureText(&v)
	default:
		e.Action, e.New = "value.update", FigureText(&v)
	}
	// Old is what this revision revises: the previous revision of the
	// same vintage, or else the key's current value.
	if last != nil && last.Flags&flagDeleted == 0 {
		e.Old = figure(last)
	} else if had {
		e.Old = figure(before.e)
	}
	return e
}

// Changed lists, once the plan is written as change set seq, the new
// current value of every key whose current value changed; a key left with
// no current value (all withdrawn) comes as a Deleted value of that key.
// Commit observers (caches, indexes) are fed with it. It is empty unless
// the batch asked for it (WantChanged).
func (p *Plan) Changed() []planwatch.DataValue {
	out := make([]planwatch.DataValue, 0, len(p.changed))
	for _, c := range p.changed {
		if c.cur.e == nil {
			out = append(out, planwatch.DataValue{Key: planwatch.Key{Indicator: c.series.Indicator, Unit: c.series.Unit, Period: PeriodOf(c.code)}, Deleted: true})
			continue
		}
		d := &p.ValueDefaults
		if c.cur.cs != 0 {
			d = p.defaults.Lookup(c.cur.cs)
		}
		out = append(out, c.cur.e.DataValue(c.series.Indicator, c.series.Unit, d))
	}
	return out
}

// Record is the change set row of the plan, written as number seq.
func (p *Plan) Record(seq int64) planwatch.ChangeRecord {
	n := 0
	for _, w := range p.Series {
		n += len(w.Entries)
	}
	d := p.ValueDefaults
	return planwatch.ChangeRecord{Seq: seq, At: p.now, By: p.by, From: p.from, Kind: planwatch.ChangeData, Result: p.Result,
		Revisions: n, ValueBy: d.By, ValueAt: d.At, ValueSource: planwatch.Source{Kind: d.Kind, Ref: d.Ref}}
}

// DefaultsOfRecord are the value defaults a change record gives.
func DefaultsOfRecord(r *planwatch.ChangeRecord) ChangeDefaults {
	return ChangeDefaults{By: r.ValueBy, At: r.ValueAt, Kind: r.ValueSource.Kind, Ref: r.ValueSource.Ref}
}

// Restoring gathers the records of a copy (planwatch.Restorer) into what
// the engine writes: its change sets, and the values grouped by change set
// and series, each with the revision number it had.
type Restoring struct {
	Changes  []planwatch.ChangeRecord
	defaults map[int64]*ChangeDefaults
	groups   map[int64]map[SeriesKey]*SeriesWrite
	orphans  []planwatch.DataValue // values of no known change
	maxSeq   int64
}

// Change takes a change record in.
func (r *Restoring) Change(c planwatch.ChangeRecord) {
	if r.defaults == nil {
		r.defaults = map[int64]*ChangeDefaults{}
	}
	d := DefaultsOfRecord(&c)
	r.defaults[c.Seq] = &d
	r.Changes = append(r.Changes, c)
	r.maxSeq = max(r.maxSeq, c.Seq)
}

// Value takes a value record in, written by change seq.
func (r *Restoring) Value(v planwatch.DataValue, seq int64) {
	d := r.defaults[seq]
	if d == nil {
		r.orphans = append(r.orphans, v)
		return
	}
	r.add(v, seq, d)
}

func (r *Restoring) add(v planwatch.DataValue, seq int64, d *ChangeDefaults) {
	if r.groups == nil {
		r.groups = map[int64]map[SeriesKey]*SeriesWrite{}
	}
	g := r.groups[seq]
	if g == nil {
		g = map[SeriesKey]*SeriesWrite{}
		r.groups[seq] = g
	}
	sk := SeriesKey{v.Indicator, v.Unit}
	w := g[sk]
	if w == nil {
		w = &SeriesWrite{SeriesKey: sk}
		g[sk] = w
	}
	e := EntryOf(&v, 0, d)
	e.Revision = uint32(v.Revision)
	w.Entries = append(w.Entries, e)
}

// Finish puts the values of no known change (a copy from a store that did
// not number its changes) into one restore change after the others.
func (r *Restoring) Finish(now time.Time) {
	if len(r.orphans) == 0 {
		return
	}
	d := DefaultsOf(&r.orphans[0])
	c := planwatch.ChangeRecord{Seq: r.maxSeq + 1, At: now, Kind: planwatch.ChangeRestore, Revisions: len(r.orphans),
		ValueBy: d.By, ValueAt: d.At, ValueSource: planwatch.Source{Kind: d.Kind, Ref: d.Ref}}
	r.Change(c)
	for _, v := range r.orphans {
		r.add(v, c.Seq, &d)
	}
	r.orphans = nil
}

// Each calls fn with the values of every change and series, by change.
func (r *Restoring) Each(fn func(seq int64, w *SeriesWrite) error) error {
	seqs := make([]int64, 0, len(r.groups))
	for seq := range r.groups {
		seqs = append(seqs, seq)
	}
	slices.Sort(seqs)
	for _, seq := range seqs {
		g := r.groups[seq]
		ws := make([]*SeriesWrite, 0, len(g))
		for _, w := range g {
			ws = append(ws, w)
		}
		slices.SortFunc(ws, func(a, b *SeriesWrite) int {
			return cmp.Or(cmp.Compare(a.Indicator, b.Indicator), cmp.Compare(a.Unit, b.Unit))
		})
		for _, w := range ws {
			if err := fn(seq, w); err != nil {
				return err
			}
		}
	}
	return nil
}

// SeriesKeys lists every series the copy writes to, once each.
func (r *Restoring) SeriesKeys() []SeriesKey {
	seen := map[SeriesKey]bool{}
	var out []SeriesKey
	for _, g := range r.groups {
		for k := range g {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	slices.SortFunc(out, func(a, b SeriesKey) int {
		return cmp.Or(cmp.Compare(a.Indicator, b.Indicator), cmp.Compare(a.Unit, b.Unit))
	})
	return out
}

// allKnown reports whether the indicator and unit of every series of the
// batch are known.
func (b *Batch) allKnown(knownInd, knownUnit map[string]bool) bool {
	for _, sb := range b.Series {
		if !knownInd[sb.Indicator] || !knownUnit[sb.Unit] {
			return false
		}
	}
	return true
}
