package engine

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"planwatch"
)

// Reader is what planning needs from the database, read within the
// transaction that will write the plan.
type Reader interface {
	// KnownIndicators and KnownUnits return which of codes are in the catalogue.
	KnownIndicators(ctx context.Context, codes []string) (map[string]bool, error)
	KnownUnits(ctx context.Context, codes []string) (map[string]bool, error)
	// Heads returns the latest stored revision of each vintage of each key,
	// with its row id. keys come in the order the change set names them,
	// each once.
	Heads(ctx context.Context, keys []planwatch.Key) ([]Head, error)
	// Targets returns every version of the targets whose TargetKey is in keys.
	Targets(ctx context.Context, keys []string) ([]planwatch.Target, error)
	// Milestones returns the milestones whose MilestoneKey is in keys.
	Milestones(ctx context.Context, keys []string) ([]planwatch.Milestone, error)
	// Notes and Tasks return the stored ones with the given ids.
	Notes(ctx context.Context, ids []int64) ([]planwatch.Note, error)
	Tasks(ctx context.Context, ids []int64) ([]planwatch.Task, error)
}

// Plan is what a change set does, decided in memory before anything is
// written. The engine writes the ops in order (values, targets, milestones,
// notes, tasks), each with its audit entry.
type Plan struct {
	// Result counts what the change set does.
	Result planwatch.ApplyResult
	// Problems lists everything wrong with the change set; when there is
	// one, nothing must be stored.
	Problems []planwatch.Problem

	// Values are the new revisions. The engine sets Head.ID when it writes
	// one, before it recomputes the current value of the Dirty keys.
	Values []*ValueOp
	// Dirty lists the keys whose current value must be recomputed, by Current.
	Dirty      []string
	Targets    []TargetOp    // new target versions
	Milestones []MilestoneOp // milestones to insert or replace, by MilestoneKey
	Notes      []NoteOp      // notes to add (ID 0) or update
	Tasks      []TaskOp      // tasks to add (ID 0) or update

	heads Heads
}

// Empty reports whether the plan changes nothing (everything Ignored).
func (p *Plan) Empty() bool {
	return len(p.Values)+len(p.Targets)+len(p.Milestones)+len(p.Notes)+len(p.Tasks) == 0
}

// Current returns the revision that is the current value of the key k of
// Dirty, once the plan is written; false when it has none.
func (p *Plan) Current(k string) (*Head, bool) { return p.heads.Current(k) }

// ValueOp stores one new revision. Audit.Entity is its key.
type ValueOp struct {
	Head  *Head
	Audit planwatch.AuditEntry
}

// TargetOp stores one new target version.
type TargetOp struct {
	Target planwatch.Target
	Audit  planwatch.AuditEntry
}

// MilestoneOp sets one milestone.
type MilestoneOp struct {
	Milestone planwatch.Milestone
	Audit     planwatch.AuditEntry
}

// NoteOp adds a note (ID 0: the engine sets Audit.Entity to NoteEntity of
// the new id) or updates one.
type NoteOp struct {
	Note  planwatch.Note
	Audit planwatch.AuditEntry
}

// TaskOp adds a task (ID 0: the engine sets Audit.Entity to TaskEntity of
// the new id) or updates one.
type TaskOp struct {
	Task  planwatch.Task
	Audit planwatch.AuditEntry
}

// Prepare decides what the change set cs does, as of now, reading what it
// needs through r.
//
// First every part is checked (DataValue.Validate and more: known indicator
// and unit codes, well-formed periods, finite numbers, known target kinds,
// existing note and task ids, no conflicting target version). Every problem is
// collected in Plan.Problems. A problem's Row is the item's Source.Row when
// set, otherwise its 1-based index in its slice; Column is the field's JSON
// name, prefixed with "milestone.", "note." or "task." for those parts.
//
// Then: a value equal to the latest revision of its key and vintage is
// Ignored (so is withdrawing what is not there); otherwise it becomes the
// next revision of that key and vintage, counted Imported when the key had no
// current value, Updated when it had, Deleted when it withdraws one. Targets
// without a Version get the next one (or are Ignored when equal to the
// current one). Milestones are set by indicator, unit, period and target
// kind; notes and tasks with an ID update that one, without one are added.
// Every change gets one audit entry.
//
// The error is one of r's; the caller's slices are not modified.
func Prepare(ctx context.Context, cs *planwatch.ChangeSet, now time.Time, r Reader) (*Plan, error) {
	a := &applier{cs: cs, now: now, r: r, p: &Plan{}}
	a.fill()
	a.checkShape()
	if err := a.checkCodes(ctx); err != nil {
		return nil, err
	}
	if err := a.plan(ctx); err != nil {
		return nil, err
	}
	return a.p, nil
}

// applier carries one Prepare through its phases: fill, checkShape,
// checkCodes and plan.
type applier struct {
	cs  *planwatch.ChangeSet
	now time.Time
	r   Reader
	p   *Plan

	values     []planwatch.DataValue
	targets    []planwatch.Target
	milestones []planwatch.Milestone
	notes      []planwatch.Note
	tasks      []planwatch.Task
}

// fill copies the change set (the caller's slices are not modified) and fills
// in who and when.
func (a *applier) fill() {
	by := func(s string) string {
		if s != "" {
			return s
		}
		return a.cs.By
	}
	at := func(t time.Time) time.Time {
		if !t.IsZero() {
			return t.UTC()
		}
		return a.now
	}
	a.values = append([]planwatch.DataValue(nil), a.cs.Values...)
	for i := range a.values {
		v := &a.values[i]
		v.By, v.At, v.Revision, v.Approved = by(v.By), at(v.At), 0, false
		v.Normalize()
	}
	a.targets = append([]planwatch.Target(nil), a.cs.Targets...)
	for i := range a.targets {
		t := &a.targets[i]
		t.By, t.At = by(t.By), at(t.At)
	}
	a.milestones = append([]planwatch.Milestone(nil), a.cs.Milestones...)
	for i := range a.milestones {
		m := &a.milestones[i]
		m.By, m.At = by(m.By), at(m.At)
		if m.Bound == "" {
			m.Bound = planwatch.BoundMin
		}
		if m.TargetKind == "" {
			m.TargetKind = planwatch.TargetPlan
		}
	}
	a.notes = append([]planwatch.Note(nil), a.cs.Notes...)
	for i := range a.notes {
		n := &a.notes[i]
		n.By, n.At = by(n.By), at(n.At)
	}
	a.tasks = append([]planwatch.Task(nil), a.cs.Tasks...)
	for i := range a.tasks {
		t := &a.tasks[i]
		t.By, t.At = by(t.By), at(t.At)
		if t.Status == "" {
			t.Status = planwatch.TaskOpen
		}
	}
}

func (a *applier) problem(row int, column, value, reason string) {
	a.p.Problems = planwatch.AddProblem(a.p.Problems, planwatch.Problem{Row: row, Column: column, Value: value, Reason: reason})
}

func rowOf(i int, src planwatch.Source) int {
	if src.Row > 0 {
		return src.Row
	}
	return i + 1
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// checkPeriod reports a zero or malformed period.
func (a *applier) checkPeriod(row int, column string, p planwatch.Period) {
	if p.IsZero() {
		a.problem(row, column, "", "thiếu kỳ báo cáo (period required)")
		return
	}
	if q, err := planwatch.ParsePeriod(p.ID()); err != nil || q != p {
		a.problem(row, column, fmt.Sprintf("%d/%d-%d", p.Year, p.First, p.Last), "kỳ báo cáo không hợp lệ (invalid period)")
	}
}

func (a *applier) checkFloat(row int, column string, f *float64) {
	if f != nil && (math.IsNaN(*f) || math.IsInf(*f, 0)) {
		a.problem(row, column, fmtFloat(*f), "không phải số hữu hạn (not a finite number)")
	}
}

func knownTargetKind(k planwatch.TargetKind) bool {
	for _, tk := range planwatch.TargetKinds {
		if tk.Kind == k {
			return true
		}
	}
	return false
}

// checkShape checks what needs no database.
func (a *applier) checkShape() {
	for i := range a.values {
		v := &a.values[i]
		row, n := rowOf(i, v.Source), len(a.p.Problems)
		if v.Indicator == "" {
			a.problem(row, "indicator", "", "thiếu mã chỉ tiêu (indicator required)")
		}
		if v.Unit == "" {
			a.problem(row, "orgunit", "", "thiếu mã đơn vị (unit required)")
		}
		a.checkPeriod(row, "period", v.Period)
		if v.Basis != planwatch.BasisPeriod && v.Basis != planwatch.BasisCumulative {
			a.problem(row, "basis", string(v.Basis), "phải là period hoặc cumulative (expected period or cumulative)")
		}
		if v.Vintage < planwatch.Estimate || v.Vintage > planwatch.Official {
			a.problem(row, "vintage", strconv.Itoa(int(v.Vintage)), "phải là estimate, preliminary hoặc official (expected estimate, preliminary or official)")
		}
		a.checkFloat(row, "value", v.Value)
		a.checkFloat(row, "yoy_pct", v.YoY)
		a.checkFloat(row, "plan_pct", v.PlanPct)
		a.checkFloat(row, "vs_ref", v.VsRef)
		if !v.Deleted && v.Value == nil && v.YoY == nil && v.PlanPct == nil && v.VsRef == nil {
			a.problem(row, "value", "", "thiếu giá trị hoặc so sánh (a value or a reported comparison is required)")
		}
		if len(a.p.Problems) == n { // the domain's own rule, in case it grows stricter
			if err := v.Validate(); err != nil {
				a.problem(row, "", "", planwatch.ErrorMessage(err))
			}
		}
	}
	for i := range a.targets {
		t := &a.targets[i]
		row := rowOf(i, t.Source)
		if t.Indicator == "" {
			a.problem(row, "indicator", "", "thiếu mã chỉ tiêu (indicator required)")
		}
		if t.Unit == "" {
			a.problem(row, "unit", "", "thiếu mã đơn vị (unit required)")
		}
		if t.Year < 1900 || t.Year > 2200 {
			a.problem(row, "year", strconv.Itoa(t.Year), "năm không hợp lệ (invalid year)")
		}
		if !knownTargetKind(t.Kind) {
			a.problem(row, "kind", string(t.Kind), "loại chỉ tiêu kế hoạch không hợp lệ (unknown target kind)")
		}
		a.checkFloat(row, "value", &t.Value)
		if t.Version < 0 {
			a.problem(row, "version", strconv.Itoa(t.Version), "phiên bản không hợp lệ (invalid version)")
		}
	}
	for i := range a.milestones {
		m := &a.milestones[i]
		row := rowOf(i, m.Source)
		if m.Indicator == "" {
			a.problem(row, "milestone.indicator", "", "thiếu mã chỉ tiêu (indicator required)")
		}
		if m.Unit == "" {
			a.problem(row, "milestone.unit", "", "thiếu mã đơn vị (unit required)")
		}
		a.checkPeriod(row, "milestone.period", m.Period)
		a.checkFloat(row, "milestone.share_pct", &m.Share)
		if m.Share < 0 {
			a.problem(row, "milestone.share_pct", fmtFloat(m.Share), "tỷ lệ âm (negative share)")
		}
		if m.Bound != planwatch.BoundMin && m.Bound != planwatch.BoundMax {
			a.problem(row, "milestone.bound", string(m.Bound), "phải là min hoặc max (expected min or max)")
		}
		if !knownTargetKind(m.TargetKind) {
			a.problem(row, "milestone.target_kind", string(m.TargetKind), "loại chỉ tiêu kế hoạch không hợp lệ (unknown target kind)")
		}
	}
	for i := range a.notes {
		n := &a.notes[i]
		if n.ID < 0 {
			a.problem(i+1, "note.id", strconv.FormatInt(n.ID, 10), "mã ghi chú không hợp lệ (invalid note id)")
		}
		if n.Unit == "" {
			a.problem(i+1, "note.orgunit", "", "thiếu mã đơn vị (unit required)")
		}
		a.checkPeriod(i+1, "note.period", n.Period)
		if strings.TrimSpace(n.Text) == "" {
			a.problem(i+1, "note.text", "", "thiếu nội dung (text required)")
		}
	}
	for i := range a.tasks {
		t := &a.tasks[i]
		if t.ID < 0 {
			a.problem(i+1, "task.id", strconv.FormatInt(t.ID, 10), "mã nhiệm vụ không hợp lệ (invalid task id)")
		}
		if t.Unit == "" {
			a.problem(i+1, "task.orgunit", "", "thiếu mã đơn vị (unit required)")
		}
		if strings.TrimSpace(t.Text) == "" {
			a.problem(i+1, "task.text", "", "thiếu nội dung (text required)")
		}
		a.checkPeriod(i+1, "task.due", t.Due)
		switch t.Status {
		case planwatch.TaskOpen, planwatch.TaskInProgress, planwatch.TaskDone, planwatch.TaskDropped:
		default:
			a.problem(i+1, "task.status", string(t.Status), "trạng thái không hợp lệ (expected open, in_progress, done or dropped)")
		}
	}
}

// known asks lookup which of codes exist; none are asked for when codes is empty.
func known(ctx context.Context, codes map[string]bool, lookup func(context.Context, []string) (map[string]bool, error)) (map[string]bool, error) {
	delete(codes, "")
	if len(codes) == 0 {
		return map[string]bool{}, nil
	}
	list := make([]string, 0, len(codes))
	for c := range codes {
		list = append(list, c)
	}
	slices.Sort(list)
	return lookup(ctx, list)
}

// checkCodes reports indicator and unit codes that are not in the catalogue.
func (a *applier) checkCodes(ctx context.Context) error {
	inds, units := map[string]bool{}, map[string]bool{}
	for _, v := range a.values {
		inds[v.Indicator], units[v.Unit] = true, true
	}
	for _, t := range a.targets {
		inds[t.Indicator], units[t.Unit] = true, true
	}
	for _, m := range a.milestones {
		inds[m.Indicator], units[m.Unit] = true, true
	}
	for _, n := range a.notes {
		units[n.Unit] = true
	}
	for _, t := range a.tasks {
		units[t.Unit] = true
		for _, c := range t.Indicators {
			inds[c] = true
		}
	}
	knownInd, err := known(ctx, inds, a.r.KnownIndicators)
	if err != nil {
		return err
	}
	knownUnit, err := known(ctx, units, a.r.KnownUnits)
	if err != nil {
		return err
	}
	ind := func(row int, column, code string) {
		if code != "" && !knownInd[code] {
			a.problem(row, column, code, "chỉ tiêu không có trong danh mục (unknown indicator)")
		}
	}
	unit := func(row int, column, code string) {
		if code != "" && !knownUnit[code] {
			a.problem(row, column, code, "đơn vị hành chính không tồn tại (unknown administrative unit)")
		}
	}
	for i, v := range a.values {
		ind(rowOf(i, v.Source), "indicator", v.Indicator)
		unit(rowOf(i, v.Source), "orgunit", v.Unit)
	}
	for i, t := range a.targets {
		ind(rowOf(i, t.Source), "indicator", t.Indicator)
		unit(rowOf(i, t.Source), "unit", t.Unit)
	}
	for i, m := range a.milestones {
		ind(rowOf(i, m.Source), "milestone.indicator", m.Indicator)
		unit(rowOf(i, m.Source), "milestone.unit", m.Unit)
	}
	for i, n := range a.notes {
		unit(i+1, "note.orgunit", n.Unit)
	}
	for i, t := range a.tasks {
		unit(i+1, "task.orgunit", t.Unit)
		for _, c := range t.Indicators {
			ind(i+1, "task.indicators", c)
		}
	}
	return nil
}

// plan decides, in memory, what every item of the change set does.
func (a *applier) plan(ctx context.Context) error {
	if err := a.planValues(ctx); err != nil {
		return err
	}
	if err := a.planTargets(ctx); err != nil {
		return err
	}
	if err := a.planMilestones(ctx); err != nil {
		return err
	}
	if err := a.planNotes(ctx); err != nil {
		return err
	}
	return a.planTasks(ctx)
}

// SameFigure reports whether b says nothing new after a.
func SameFigure(a, b *planwatch.DataValue) bool {
	eq := func(x, y *float64) bool { return (x == nil && y == nil) || (x != nil && y != nil && *x == *y) }
	return a.Basis == b.Basis && a.Deleted == b.Deleted && a.Comment == b.Comment &&
		eq(a.Value, b.Value) && eq(a.YoY, b.YoY) && eq(a.PlanPct, b.PlanPct) && eq(a.VsRef, b.VsRef)
}

// figure is how a revision reads in the audit trail.
type figure struct {
	Value    *float64 `json:"value,omitempty"`
	YoY      *float64 `json:"yoy_pct,omitempty"`
	PlanPct  *float64 `json:"plan_pct,omitempty"`
	VsRef    *float64 `json:"vs_ref,omitempty"`
	Basis    string   `json:"basis"`
	Vintage  string   `json:"vintage"`
	Revision int      `json:"revision"`
	Comment  string   `json:"comment,omitempty"`
}

// FigureText is how a revision reads in the audit trail.
func FigureText(v *planwatch.DataValue) string {
	return JSONText(figure{v.Value, v.YoY, v.PlanPct, v.VsRef, string(v.Basis), v.Vintage.String(), v.Revision, v.Comment})
}

func (a *applier) planValues(ctx context.Context) error {
	if len(a.values) == 0 || len(a.p.Problems) > 0 {
		return nil
	}
	heads := &a.p.heads
	var keys []planwatch.Key
	for i := range a.values {
		n := len(heads.keys)
		if heads.of(a.values[i].Key); len(heads.keys) > n {
			keys = append(keys, a.values[i].Key)
		}
	}
	// Preload the latest revision of each vintage of every key involved.
	stored, err := a.r.Heads(ctx, keys)
	if err != nil {
		return err
	}
	for i := range stored {
		h := &stored[i]
		heads.m[h.Rev.Key.String()].v[h.Rev.Vintage] = h
	}

	isDirty := make(map[string]bool, len(keys))
	for i := range a.values {
		v := &a.values[i]
		k := v.Key.String()
		hs := heads.m[k]
		last := hs.v[v.Vintage]
		if v.Deleted {
			if last == nil || last.Rev.Deleted {
				a.p.Result.Ignored++ // nothing to withdraw
				continue
			}
		} else if last != nil && !last.Rev.Deleted && SameFigure(&last.Rev, v) {
			a.p.Result.Ignored++
			continue
		}
		before, had := hs.current()
		v.Revision = 1
		if last != nil {
			v.Revision = last.Rev.Revision + 1
		}
		op := &ValueOp{Head: &Head{Rev: *v}}
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
			a.p.Result.Deleted++
			e.Action = "value.delete"
		case !had:
			a.p.Result.Imported++
			e.Action, e.New = "value.create", FigureText(v)
		default:
			a.p.Result.Updated++
			e.Action, e.New = "value.update", FigureText(v)
		}
		// Old is what this revision revises: the previous revision of the
		// same vintage, or else the key's current value.
		if last != nil && !last.Rev.Deleted {
			e.Old = FigureText(&last.Rev)
		} else if had {
			e.Old = FigureText(&before.Rev)
		}
		op.Audit = e
		hs.v[v.Vintage] = op.Head
		a.p.Values = append(a.p.Values, op)
		if !isDirty[k] {
			isDirty[k] = true
			a.p.Dirty = append(a.p.Dirty, k)
		}
	}
	return nil
}

// TargetKey identifies a target's versions: indicator, unit, year and kind.
func TargetKey(t *planwatch.Target) string {
	return fmt.Sprintf("%s/%s/%d/%s", t.Indicator, t.Unit, t.Year, t.Kind)
}

func sameTarget(a, b *planwatch.Target) bool {
	return a.Value == b.Value && a.Adjusted == b.Adjusted && a.Adopted.Equal(b.Adopted)
}

func targetText(t *planwatch.Target) string {
	return JSONText(struct {
		Value    float64 `json:"value"`
		Version  int     `json:"version"`
		Adjusted bool    `json:"adjusted,omitempty"`
		Adopted  string  `json:"adopted,omitempty"`
	}{t.Value, t.Version, t.Adjusted, DateText(t.Adopted)})
}

func (a *applier) planTargets(ctx context.Context) error {
	if len(a.targets) == 0 || len(a.p.Problems) > 0 {
		return nil
	}
	type state struct {
		versions map[int]*planwatch.Target
		cur      *planwatch.Target
	}
	states := map[string]*state{}
	var keys []string
	for i := range a.targets {
		k := TargetKey(&a.targets[i])
		if states[k] == nil {
			states[k] = &state{versions: map[int]*planwatch.Target{}}
			keys = append(keys, k)
		}
	}
	stored, err := a.r.Targets(ctx, keys)
	if err != nil {
		return err
	}
	for i := range stored {
		t := &stored[i]
		st := states[TargetKey(t)]
		st.versions[t.Version] = t
		if st.cur == nil || t.Version > st.cur.Version {
			st.cur = t
		}
	}
	for i := range a.targets {
		t := a.targets[i]
		k := TargetKey(&t)
		st := states[k]
		if t.Version == 0 {
			if st.cur != nil && sameTarget(st.cur, &t) {
				a.p.Result.Ignored++
				continue
			}
			t.Version = 1
			if st.cur != nil {
				t.Version = st.cur.Version + 1
			}
		} else if old, ok := st.versions[t.Version]; ok {
			if !sameTarget(old, &t) {
				a.problem(rowOf(i, t.Source), "version", strconv.Itoa(t.Version),
					"phiên bản này đã có với giá trị khác (this version already exists with another value)")
			} else {
				a.p.Result.Ignored++
			}
			continue
		}
		e := planwatch.AuditEntry{At: a.now, By: a.cs.By, From: a.cs.From, Action: "target.set", Entity: k,
			New: targetText(&t), Detail: t.Source.String()}
		if e.By == "" {
			e.By = t.By
		}
		if st.cur != nil {
			e.Old = targetText(st.cur)
			a.p.Result.Updated++
		} else {
			a.p.Result.Imported++
		}
		st.versions[t.Version] = &t
		if st.cur == nil || t.Version > st.cur.Version {
			st.cur = &t
		}
		a.p.Targets = append(a.p.Targets, TargetOp{t, e})
	}
	return nil
}

// MilestoneKey identifies a milestone: indicator, unit, period and target kind.
func MilestoneKey(m *planwatch.Milestone) string {
	return fmt.Sprintf("%s/%s/%s/%s", m.Indicator, m.Unit, m.Period.ID(), m.TargetKind)
}

func milestoneText(m *planwatch.Milestone) string {
	return JSONText(struct {
		Share float64 `json:"share_pct"`
		Bound string  `json:"bound"`
	}{m.Share, string(m.Bound)})
}

func (a *applier) planMilestones(ctx context.Context) error {
	if len(a.milestones) == 0 || len(a.p.Problems) > 0 {
		return nil
	}
	var keys []string
	for i := range a.milestones {
		keys = append(keys, MilestoneKey(&a.milestones[i]))
	}
	stored, err := a.r.Milestones(ctx, keys)
	if err != nil {
		return err
	}
	old := map[string]*planwatch.Milestone{}
	for i := range stored {
		old[MilestoneKey(&stored[i])] = &stored[i]
	}
	for i := range a.milestones {
		m := a.milestones[i]
		k := MilestoneKey(&m)
		prev := old[k]
		if prev != nil && prev.Share == m.Share && prev.Bound == m.Bound {
			a.p.Result.Ignored++
			continue
		}
		e := planwatch.AuditEntry{At: a.now, By: a.cs.By, From: a.cs.From, Action: "milestone.set", Entity: k,
			New: milestoneText(&m), Detail: m.Source.String()}
		if e.By == "" {
			e.By = m.By
		}
		if prev != nil {
			e.Old = milestoneText(prev)
			a.p.Result.Updated++
		} else {
			a.p.Result.Imported++
		}
		old[k] = &m
		a.p.Milestones = append(a.p.Milestones, MilestoneOp{m, e})
	}
	return nil
}

// NoteEntity and TaskEntity name a note and a task in the audit trail.
func NoteEntity(id int64) string { return "note/" + strconv.FormatInt(id, 10) }
func TaskEntity(id int64) string { return "task/" + strconv.FormatInt(id, 10) }

func noteText(n *planwatch.Note) string {
	return JSONText(struct {
		Sector string `json:"sector"`
		Unit   string `json:"orgunit"`
		Period string `json:"period"`
		Text   string `json:"text"`
	}{n.Sector, n.Unit, n.Period.ID(), n.Text})
}

// updatedIDs lists the ids (> 0) of items that update stored ones.
func updatedIDs[T any](items []T, id func(*T) int64) []int64 {
	var ids []int64
	for i := range items {
		if n := id(&items[i]); n > 0 {
			ids = append(ids, n)
		}
	}
	return ids
}

// byID loads the stored items with the given ids.
func byID[T any](ctx context.Context, ids []int64, load func(context.Context, []int64) ([]T, error), id func(*T) int64) (map[int64]T, error) {
	out := map[int64]T{}
	if len(ids) == 0 {
		return out, nil
	}
	list, err := load(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range list {
		out[id(&list[i])] = list[i]
	}
	return out, nil
}

func noteID(n *planwatch.Note) int64 { return n.ID }
func taskID(t *planwatch.Task) int64 { return t.ID }

func (a *applier) planNotes(ctx context.Context) error {
	if len(a.notes) == 0 || len(a.p.Problems) > 0 {
		return nil
	}
	old, err := byID(ctx, updatedIDs(a.notes, noteID), a.r.Notes, noteID)
	if err != nil {
		return err
	}
	for i, n := range a.notes {
		e := planwatch.AuditEntry{At: a.now, By: a.cs.By, From: a.cs.From, New: noteText(&n)}
		if e.By == "" {
			e.By = n.By
		}
		if n.ID == 0 {
			e.Action = "note.add"
			a.p.Result.Imported++
		} else {
			prev, ok := old[n.ID]
			if !ok {
				a.problem(i+1, "note.id", strconv.FormatInt(n.ID, 10), "không có ghi chú này (no such note)")
				continue
			}
			if prev.Sector == n.Sector && prev.Unit == n.Unit && prev.Period == n.Period && prev.Text == n.Text {
				a.p.Result.Ignored++
				continue
			}
			e.Action, e.Entity, e.Old = "note.update", NoteEntity(n.ID), noteText(&prev)
			a.p.Result.Updated++
			old[n.ID] = n
		}
		a.p.Notes = append(a.p.Notes, NoteOp{n, e})
	}
	return nil
}

func taskText(t *planwatch.Task) string {
	return JSONText(struct {
		Unit       string   `json:"orgunit"`
		Sector     string   `json:"sector,omitempty"`
		Text       string   `json:"text"`
		Owner      string   `json:"owner,omitempty"`
		Due        string   `json:"due"`
		Status     string   `json:"status"`
		Indicators []string `json:"indicators,omitempty"`
	}{t.Unit, t.Sector, t.Text, t.Owner, t.Due.ID(), string(t.Status), t.Indicators})
}

func (a *applier) planTasks(ctx context.Context) error {
	if len(a.tasks) == 0 || len(a.p.Problems) > 0 {
		return nil
	}
	old, err := byID(ctx, updatedIDs(a.tasks, taskID), a.r.Tasks, taskID)
	if err != nil {
		return err
	}
	for i, t := range a.tasks {
		e := planwatch.AuditEntry{At: a.now, By: a.cs.By, From: a.cs.From, New: taskText(&t)}
		if e.By == "" {
			e.By = t.By
		}
		if t.ID == 0 {
			e.Action = "task.add"
			a.p.Result.Imported++
		} else {
			prev, ok := old[t.ID]
			if !ok {
				a.problem(i+1, "task.id", strconv.FormatInt(t.ID, 10), "không có nhiệm vụ này (no such task)")
				continue
			}
			if taskText(&prev) == taskText(&t) {
				a.p.Result.Ignored++
				continue
			}
			e.Action, e.Entity, e.Old = "task.update", TaskEntity(t.ID), taskText(&prev)
			a.p.Result.Updated++
			old[t.ID] = t
		}
		a.p.Tasks = append(a.p.Tasks, TaskOp{t, e})
	}
	return nil
}

// Changed lists, once the plan is written, the new current value of every
// key whose current value changed; a key left with no current value (all
// withdrawn) comes as a Deleted value of that key. Commit observers (caches,
// the national cube) are fed with it.
func (p *Plan) Changed() []planwatch.DataValue {
	out := make([]planwatch.DataValue, 0, len(p.Dirty))
	for _, k := range p.Dirty {
		if h, ok := p.Current(k); ok {
			out = append(out, h.Rev)
			continue
		}
		if v, err := Withdrawn(k); err == nil {
			out = append(out, v)
		}
	}
	return out
}
