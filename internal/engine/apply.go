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
	// KnownIndicators returns which of codes are in the catalogue.
	KnownIndicators(ctx context.Context, codes []string) (map[string]bool, error)
	// UnitHistory returns every version of the units with the given codes
	// and the transitions into them (New among codes): which units exist,
	// and when they can have figures (planwatch.LifetimeOf).
	UnitHistory(ctx context.Context, codes []string) ([]planwatch.OrgUnit, []planwatch.Transition, error)
	// Approvals reads approvals, for the lock check (planwatch.CheckLockedKeys).
	Approvals(ctx context.Context, q planwatch.ApprovalQuery) ([]planwatch.Approval, error)
	// Series returns the id of each of the series keys. Outside a dry run it
	// creates the missing ones and, on engines with several writers, locks
	// them all until the transaction ends, so that revisions are numbered
	// under the lock; in a dry run it returns the stored ones only.
	Series(ctx context.Context, keys []SeriesKey) (map[SeriesKey]int64, error)
	// Stored calls fn with every stored revisions row of the series ids
	// (sorted), by series and then change set.
	Stored(ctx context.Context, ids []int64, fn func(series, cs int64, data []byte) error) error
	// Defaults returns the value defaults of the change sets ids.
	Defaults(ctx context.Context, ids []int64) (Defaults, error)
	// Targets returns every version of the targets whose TargetKey is in keys.
	Targets(ctx context.Context, keys []string) ([]planwatch.Target, error)
	// Milestones returns the milestones whose MilestoneKey is in keys.
	Milestones(ctx context.Context, keys []string) ([]planwatch.Milestone, error)
	// Notes and Tasks return the stored ones with the given ids.
	Notes(ctx context.Context, ids []int64) ([]planwatch.Note, error)
	Tasks(ctx context.Context, ids []int64) ([]planwatch.Task, error)
}

// Plan is what a change set does, decided in memory before anything is
// written. The engine numbers the change set (a change_sets row with
// ValueDefaults and the counts, and its audit entry, ChangeSetAudit), then
// writes the series, targets, milestones, notes and tasks, and Audits.
type Plan struct {
	// Result counts what the change set does.
	Result planwatch.ApplyResult
	// Problems lists everything wrong with the change set; when there is
	// one, nothing must be stored.
	Problems []planwatch.Problem

	// Series holds the new revisions, one row per series (Encode).
	Series []*SeriesWrite
	// ValueDefaults are who, when and where from for the values, unless a
	// value says otherwise; they go with the change set.
	ValueDefaults ChangeDefaults
	Targets       []TargetOp    // new target versions
	Milestones    []MilestoneOp // milestones to insert or replace, by MilestoneKey
	Notes         []NoteOp      // notes to add (ID 0) or update
	Tasks         []TaskOp      // tasks to add (ID 0) or update

	valueAudits []planwatch.AuditEntry
	changed     []changedKey
	defaults    Defaults
	by, from    string
	now         time.Time
}

// Empty reports whether the plan changes nothing (everything Ignored).
func (p *Plan) Empty() bool {
	return len(p.Series)+len(p.Targets)+len(p.Milestones)+len(p.Notes)+len(p.Tasks) == 0
}

// ValueAudits are the audit entries of the values, one each when the
// change set is small (AuditEach).
func (p *Plan) ValueAudits() []planwatch.AuditEntry { return p.valueAudits }

// ChangeSetAudit is the audit entry of the change set numbered seq: who,
// from where, the file and the counts.
func (p *Plan) ChangeSetAudit(seq int64) planwatch.AuditEntry {
	r := p.Result
	detail := fmt.Sprintf("imported %d, updated %d, ignored %d, deleted %d", r.Imported, r.Updated, r.Ignored, r.Deleted)
	if p.ValueDefaults.Ref != "" {
		detail += "; " + string(p.ValueDefaults.Kind) + ": " + p.ValueDefaults.Ref
	}
	return planwatch.AuditEntry{At: p.now, By: p.by, From: p.from, Action: "changes.apply", Entity: ChangeSetEntity(seq),
		New: JSONText(r), Detail: detail}
}

// ChangeSetEntity names a change set in the audit trail.
func ChangeSetEntity(seq int64) string { return "changeset/" + strconv.FormatInt(seq, 10) }

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
// needs through r. Its values are the batch b (Collect), not cs.Values.
//
// First every part is checked (DataValue.Validate and more: known indicator
// and unit codes, well-formed periods, finite numbers, known target kinds,
// existing note and task ids, no conflicting target version, no value under
// an approved unit-period). Every problem is collected in Plan.Problems. A
// problem's Row is the item's Source.Row when set, otherwise its 1-based
// index in its slice; Column is the field's JSON name, prefixed with
// "milestone.", "note." or "task." for those parts. Values under a lock
// make Prepare return ECONFLICT (planwatch.CheckLockedKeys).
//
// Then: a value equal to the latest revision of its key and vintage is
// Ignored (so is withdrawing what is not there); otherwise it becomes the
// next revision of that key and vintage, counted Imported when the key had no
// current value, Updated when it had, Deleted when it withdraws one. Targets
// without a Version get the next one (or are Ignored when equal to the
// current one). Milestones are set by indicator, unit, period and target
// kind; notes and tasks with an ID update that one, without one are added.
// Every change but a value of a large change set gets its audit entry.
//
// The error is one of r's or the lock check's; the caller's slices are not
// modified.
func Prepare(ctx context.Context, cs *planwatch.ChangeSet, b *Batch, now time.Time, r Reader) (*Plan, error) {
	a := &applier{cs: cs, batch: b, now: now, r: r, p: &Plan{by: cs.By, from: cs.From, now: now}}
	if b != nil {
		a.p.Problems = addProblems(a.p.Problems, b.Problems)
		a.p.ValueDefaults = b.Defaults
	}
	a.fill()
	a.checkShape()
	if err := a.checkCodes(ctx); err != nil {
		return nil, err
	}
	if len(a.p.Problems) == 0 {
		if err := planwatch.CheckLockedKeys(ctx, r, a.lockedKeys()); err != nil {
			return nil, err
		}
	}
	if err := a.plan(ctx); err != nil {
		return nil, err
	}
	return a.p, nil
}

// applier carries one Prepare through its phases: fill, checkShape,
// checkCodes and plan.
type applier struct {
	cs    *planwatch.ChangeSet
	batch *Batch
	now   time.Time
	r     Reader
	p     *Plan

	scratch    []Entry             // of decoding
	ids        map[SeriesKey]int64 // the batch's series (seriesIDs), once read
	targets    []planwatch.Target
	milestones []planwatch.Milestone
	notes      []planwatch.Note
	tasks      []planwatch.Task
}

// fill copies the change set's parts other than values (the caller's slices
// are not modified) and fills in who and when.
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
	a.targets = append([]planwatch.Target(nil), a.cs.Targets...)
	for i := range a.targets {
		t := &a.targets[i]
		t.By, t.At = by(t.By), at(t.At)
		planwatch.NFC(&t.By, &t.Source.Ref, &t.Source.Sentence, &t.Source.Formula)
	}
	a.milestones = append([]planwatch.Milestone(nil), a.cs.Milestones...)
	for i := range a.milestones {
		m := &a.milestones[i]
		m.By, m.At = by(m.By), at(m.At)
		planwatch.NFC(&m.By, &m.Source.Ref, &m.Source.Sentence, &m.Source.Formula)
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
		planwatch.NFC(&n.By, &n.Text, &n.Sector)
	}
	a.tasks = append([]planwatch.Task(nil), a.cs.Tasks...)
	for i := range a.tasks {
		t := &a.tasks[i]
		t.By, t.At = by(t.By), at(t.At)
		planwatch.NFC(&t.By, &t.Text, &t.Owner, &t.Sector)
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

// periodProblem reports a zero or malformed period.
func periodProblem(row int, column string, p planwatch.Period) *planwatch.Problem {
	if p.IsZero() {
		return &planwatch.Problem{Row: row, Column: column, Reason: "thiếu kỳ báo cáo (period required)"}
	}
	if q, err := planwatch.ParsePeriod(p.ID()); err != nil || q != p {
		return &planwatch.Problem{Row: row, Column: column, Value: fmt.Sprintf("%d/%d-%d", p.Year, p.First, p.Last), Reason: "kỳ báo cáo không hợp lệ (invalid period)"}
	}
	return nil
}

// MaxFigure and MinFigure bound the magnitude of every figure stored (a
// value, a reported comparison, a target, a milestone's share), zero aside:
// the country's yearly GDP is about 10^16 VND, and a figure beyond these
// bounds would overflow the roll-ups and ratios computed from it (two of
// 10^308 add up to +Inf; a growth over 10^-300 is +Inf), which no answer
// can show (JSON has no infinity).
const (
	MaxFigure = 1e20
	MinFigure = 1e-20
)

// floatProblem reports a number that is not finite, or beyond the bounds
// of a figure (MaxFigure, MinFigure).
func floatProblem(row int, column string, f *float64) *planwatch.Problem {
	if f == nil {
		return nil
	}
	switch a := math.Abs(*f); {
	case math.IsNaN(*f) || math.IsInf(*f, 0):
		return &planwatch.Problem{Row: row, Column: column, Value: fmtFloat(*f), Reason: "không phải số hữu hạn (not a finite number)"}
	case a > MaxFigure || a != 0 && a < MinFigure:
		return &planwatch.Problem{Row: row, Column: column, Value: fmtFloat(*f), Reason: "ngoài khoảng của một số liệu, từ 1e-20 đến 1e20 (beyond the range of a figure, 1e-20 to 1e20)"}
	}
	return nil
}

func (a *applier) checkPeriod(row int, column string, p planwatch.Period) {
	if pr := periodProblem(row, column, p); pr != nil {
		a.p.Problems = planwatch.AddProblem(a.p.Problems, *pr)
	}
}

// checkText reports a free text planwatch.TextProblem refuses.
func (a *applier) checkText(row int, column, text string) {
	if reason := planwatch.TextProblem(text); reason != "" {
		a.problem(row, column, planwatch.ShownText(text), reason)
	}
}

// checkTexts applies checkText to a plan's source texts and its author,
// the columns named with prefix.
func (a *applier) checkTexts(row int, prefix string, src planwatch.Source, by string) {
	a.checkText(row, prefix+"source.ref", src.Ref)
	a.checkText(row, prefix+"source.sentence", src.Sentence)
	a.checkText(row, prefix+"source.formula", src.Formula)
	a.checkText(row, prefix+"by", by)
}

func (a *applier) checkFloat(row int, column string, f *float64) {
	if pr := floatProblem(row, column, f); pr != nil {
		a.p.Problems = planwatch.AddProblem(a.p.Problems, *pr)
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
		a.checkTexts(row, "", t.Source, t.By)
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
		a.checkTexts(row, "milestone.", m.Source, m.By)
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
		a.checkText(i+1, "note.text", n.Text)
		a.checkText(i+1, "note.sector", n.Sector)
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
		a.checkText(i+1, "task.text", t.Text)
		a.checkText(i+1, "task.owner", t.Owner)
		a.checkText(i+1, "task.sector", t.Sector)
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
	if a.batch != nil {
		for _, sb := range a.batch.Series {
			inds[sb.Indicator], units[sb.Unit] = true, true
		}
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
	lives, err := lifetimes(ctx, units, a.r)
	if err != nil {
		return err
	}
	knownUnit := make(map[string]bool, len(lives))
	for code := range lives {
		knownUnit[code] = true
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
	// A unit's figures fall within its life (formed by the 2025 reform,
	// merged away by it): the period's column is the unit's.
	life := func(row int, column, code string, p planwatch.Period) {
		if l, ok := lives[code]; ok && !p.IsZero() {
			if why := l.Problem(code, p); why != "" {
				a.problem(row, column, code, why)
			}
		}
	}
	if a.batch != nil && len(a.p.Problems) == 0 && a.batch.allKnown(knownInd, knownUnit) {
		// The series are read and the missing ones created while the
		// batch's entries are gathered (Collect): should a later check
		// refuse the change set, the transaction that created them is
		// rolled back.
		if a.ids, err = a.seriesIDs(ctx); err != nil {
			return err
		}
	}
	if a.batch != nil {
		a.p.Problems = addProblems(a.p.Problems, a.batch.checkCodes(knownInd, knownUnit))
		a.p.Problems = addProblems(a.p.Problems, a.batch.checkLives(lives))
	}
	for i, t := range a.targets {
		ind(rowOf(i, t.Source), "indicator", t.Indicator)
		unit(rowOf(i, t.Source), "unit", t.Unit)
		if t.Year >= 1900 && t.Year <= 2200 {
			life(rowOf(i, t.Source), "unit", t.Unit, planwatch.YearOf(t.Year))
		}
	}
	for i, m := range a.milestones {
		ind(rowOf(i, m.Source), "milestone.indicator", m.Indicator)
		unit(rowOf(i, m.Source), "milestone.unit", m.Unit)
		life(rowOf(i, m.Source), "milestone.unit", m.Unit, m.Period)
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
