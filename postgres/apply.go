package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"planwatch"
)

// Apply validates and stores a change set atomically.
//
// First every part is checked (DataValue.Validate and more: known indicator
// and unit codes, well-formed periods, finite numbers, known target kinds,
// existing note and task ids, no conflicting target version). Every problem is
// collected; if there is one, Apply returns EINVALID listing them all and
// stores nothing. A problem's Row is the item's Source.Row when set, otherwise
// its 1-based index in its slice; Column is the field's JSON name, prefixed
// with "milestone.", "note." or "task." for those parts.
//
// Then, in one transaction: a value equal to the latest revision of its key
// and vintage is Ignored (so is withdrawing what is not there); otherwise it
// becomes the next revision of that key and vintage, counted Imported when
// the key had no current value, Updated when it had, Deleted when it
// withdraws one. Targets without a Version get the next one (or are Ignored
// when equal to the current one). Milestones are set by indicator, unit,
// period and target kind; notes and tasks with an ID update that one, without
// one are added. Every change gets one audit entry. DryRun does all the
// checking and counting and stores nothing.
func (db *DB) Apply(ctx context.Context, cs *planwatch.ChangeSet) (res planwatch.ApplyResult, err error) {
	if cs == nil {
		return res, planwatch.Errorf(planwatch.EINVALID, "không có thay đổi (empty change set)")
	}
	now := db.now()
	// One attempt runs every phase in one transaction; inTx retries it from
	// scratch after a deadlock, so the applier is rebuilt each time.
	attempt := func(tx *sql.Tx) error {
		res = planwatch.ApplyResult{}
		a := &applier{db: db, cs: cs, now: now, res: &res, tx: tx}
		a.fill()
		a.checkShape()
		if err := a.checkCodes(ctx); err != nil {
			return err
		}
		if err := a.plan(ctx); err != nil {
			return err
		}
		if len(a.problems) > 0 {
			return invalid(a.problems)
		}
		if cs.DryRun {
			return errDryRun
		}
		return a.write(ctx)
	}
	err = db.inTx(ctx, attempt)
	if errors.Is(err, errDryRun) {
		return res, nil
	}
	if err != nil {
		return planwatch.ApplyResult{}, internal("Apply", err)
	}
	return res, nil
}

// errDryRun rolls back the transaction of a dry run.
var errDryRun = errors.New("dry run")

// applier carries one Apply through its phases: fill, checkShape, checkCodes,
// plan (decide every revision and count, in memory) and write.
type applier struct {
	db       *DB
	cs       *planwatch.ChangeSet
	tx       *sql.Tx
	now      time.Time
	res      *planwatch.ApplyResult
	problems []planwatch.Problem

	values     []planwatch.DataValue
	targets    []planwatch.Target
	milestones []planwatch.Milestone
	notes      []planwatch.Note
	tasks      []planwatch.Task

	// Plan.
	valueOps     []*valueOp
	heads        map[string]*[4]*head // key → latest revision per vintage (index 1..3)
	dirty        []string             // keys whose current value must be recomputed
	targetOps    []targetOp
	milestoneOps []milestoneOp
	noteOps      []noteOp
	taskOps      []taskOp
}

// head is the latest revision of a key and vintage; id is 0 until written.
type head struct {
	id int64
	v  planwatch.DataValue
}

type valueOp struct {
	h     *head
	audit planwatch.AuditEntry
}

type targetOp struct {
	t     planwatch.Target
	audit planwatch.AuditEntry
}

type milestoneOp struct {
	m     planwatch.Milestone
	audit planwatch.AuditEntry
}

type noteOp struct {
	n     planwatch.Note
	audit planwatch.AuditEntry
}

type taskOp struct {
	t     planwatch.Task
	audit planwatch.AuditEntry
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
	a.problems = append(a.problems, planwatch.Problem{Row: row, Column: column, Value: value, Reason: reason})
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
		row, n := rowOf(i, v.Source), len(a.problems)
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
		if len(a.problems) == n { // the domain's own rule, in case it grows stricter
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

// existing returns which of codes are in table's code column.
func existing(ctx context.Context, q queryer, table, column string, codes map[string]bool) (map[string]bool, error) {
	list := make([]string, 0, len(codes))
	for c := range codes {
		list = append(list, c)
	}
	found := map[string]bool{}
	if len(list) == 0 {
		return found, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT `+column+` FROM `+table+` WHERE `+column+` = ANY($1)`, list)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		found[c] = true
	}
	return found, rows.Err()
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
	delete(inds, "")
	delete(units, "")
	knownInd, err := existing(ctx, a.tx, "indicators", "code", inds)
	if err != nil {
		return err
	}
	knownUnit, err := existing(ctx, a.tx, "orgunits", "code", units)
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

// current applies planwatch.Current to the latest revision of each vintage,
// which is all the rule looks at.
func current(hs *[4]*head) (*head, bool) {
	revs := make([]planwatch.DataValue, 0, 3)
	for _, h := range hs {
		if h != nil {
			revs = append(revs, h.v)
		}
	}
	cur, ok := planwatch.Current(revs)
	if !ok {
		return nil, false
	}
	return hs[cur.Vintage], true
}

// sameFigure reports whether b says nothing new after a.
func sameFigure(a, b *planwatch.DataValue) bool {
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

func figureText(v *planwatch.DataValue) string {
	return jsonText(figure{v.Value, v.YoY, v.PlanPct, v.VsRef, string(v.Basis), v.Vintage.String(), v.Revision, v.Comment})
}

func (a *applier) planValues(ctx context.Context) error {
	if len(a.values) == 0 || len(a.problems) > 0 {
		return nil
	}
	a.heads = make(map[string]*[4]*head, len(a.values))
	keys := make([]string, 0, len(a.values))
	for i := range a.values {
		k := a.values[i].Key.String()
		if a.heads[k] == nil {
			a.heads[k] = new([4]*head)
			keys = append(keys, k)
		}
	}
	if err := a.lockKeys(ctx, keys); err != nil {
		return err
	}
	// Preload the latest revision of each vintage of every key involved.
	rows, err := a.tx.QueryContext(ctx, `SELECT `+valueColumns+` FROM datavalues d
		WHERE d.k = ANY($1)
		AND d.revision = (SELECT max(x.revision) FROM datavalues x WHERE x.k = d.k AND x.vintage = d.vintage)`, keys)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		id, v, err := scanValue(rows)
		if err != nil {
			return err
		}
		a.heads[v.Key.String()][v.Vintage] = &head{id: id, v: v}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()

	isDirty := make(map[string]bool, len(keys))
	for i := range a.values {
		v := &a.values[i]
		k := v.Key.String()
		hs := a.heads[k]
		last := hs[v.Vintage]
		if v.Deleted {
			if last == nil || last.v.Deleted {
				a.res.Ignored++ // nothing to withdraw
				continue
			}
		} else if last != nil && !last.v.Deleted && sameFigure(&last.v, v) {
			a.res.Ignored++
			continue
		}
		before, had := current(hs)
		v.Revision = 1
		if last != nil {
			v.Revision = last.v.Revision + 1
		}
		op := &valueOp{h: &head{v: *v}}
		e := planwatch.AuditEntry{At: a.now, By: a.cs.By, From: a.cs.From, Entity: k,
			Detail: fmt.Sprintf("%s revision %d", v.Vintage, v.Revision)}
		if src := v.Source.String(); src != "" {
			e.Detail += "; " + src
		}
		if e.By == "" {
			e.By = v.By
		}
		switch {
		case v.Deleted:
			a.res.Deleted++
			e.Action = "value.delete"
		case !had:
			a.res.Imported++
			e.Action, e.New = "value.create", figureText(v)
		default:
			a.res.Updated++
			e.Action, e.New = "value.update", figureText(v)
		}
		// Old is what this revision revises: the previous revision of the
		// same vintage, or else the key's current value.
		if last != nil && !last.v.Deleted {
			e.Old = figureText(&last.v)
		} else if had {
			e.Old = figureText(&before.v)
		}
		op.audit = e
		hs[v.Vintage] = op.h
		a.valueOps = append(a.valueOps, op)
		if !isDirty[k] {
			isDirty[k] = true
			a.dirty = append(a.dirty, k)
		}
	}
	return nil
}

func targetKey(t *planwatch.Target) string {
	return fmt.Sprintf("%s/%s/%d/%s", t.Indicator, t.Unit, t.Year, t.Kind)
}

func sameTarget(a, b *planwatch.Target) bool {
	return a.Value == b.Value && a.Adjusted == b.Adjusted && a.Adopted.Equal(b.Adopted)
}

func targetText(t *planwatch.Target) string {
	return jsonText(struct {
		Value    float64 `json:"value"`
		Version  int     `json:"version"`
		Adjusted bool    `json:"adjusted,omitempty"`
		Adopted  string  `json:"adopted,omitempty"`
	}{t.Value, t.Version, t.Adjusted, dateText(t.Adopted)})
}

func (a *applier) planTargets(ctx context.Context) error {
	if len(a.targets) == 0 || len(a.problems) > 0 {
		return nil
	}
	type state struct {
		versions map[int]*planwatch.Target
		cur      *planwatch.Target
	}
	states := map[string]*state{}
	var keys []string
	for i := range a.targets {
		k := targetKey(&a.targets[i])
		if states[k] == nil {
			states[k] = &state{versions: map[int]*planwatch.Target{}}
			keys = append(keys, k)
		}
	}
	rows, err := a.tx.QueryContext(ctx, `SELECT `+targetColumns+` FROM targets WHERE tk = ANY($1)`, keys)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		t, err := scanTarget(rows)
		if err != nil {
			return err
		}
		st := states[targetKey(&t)]
		st.versions[t.Version] = &t
		if st.cur == nil || t.Version > st.cur.Version {
			st.cur = &t
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	for i := range a.targets {
		t := a.targets[i]
		k := targetKey(&t)
		st := states[k]
		if t.Version == 0 {
			if st.cur != nil && sameTarget(st.cur, &t) {
				a.res.Ignored++
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
				a.res.Ignored++
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
			a.res.Updated++
		} else {
			a.res.Imported++
		}
		st.versions[t.Version] = &t
		if st.cur == nil || t.Version > st.cur.Version {
			st.cur = &t
		}
		a.targetOps = append(a.targetOps, targetOp{t, e})
	}
	return nil
}

func milestoneKey(m *planwatch.Milestone) string {
	return fmt.Sprintf("%s/%s/%s/%s", m.Indicator, m.Unit, m.Period.ID(), m.TargetKind)
}

func milestoneText(m *planwatch.Milestone) string {
	return jsonText(struct {
		Share float64 `json:"share_pct"`
		Bound string  `json:"bound"`
	}{m.Share, string(m.Bound)})
}

func (a *applier) planMilestones(ctx context.Context) error {
	if len(a.milestones) == 0 || len(a.problems) > 0 {
		return nil
	}
	var keys []string
	for i := range a.milestones {
		keys = append(keys, milestoneKey(&a.milestones[i]))
	}
	old := map[string]*planwatch.Milestone{}
	rows, err := a.tx.QueryContext(ctx, `SELECT `+milestoneColumns+` FROM milestones WHERE mk = ANY($1)`, keys)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		m, err := scanMilestone(rows)
		if err != nil {
			return err
		}
		old[milestoneKey(&m)] = &m
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	for i := range a.milestones {
		m := a.milestones[i]
		k := milestoneKey(&m)
		prev := old[k]
		if prev != nil && prev.Share == m.Share && prev.Bound == m.Bound {
			a.res.Ignored++
			continue
		}
		e := planwatch.AuditEntry{At: a.now, By: a.cs.By, From: a.cs.From, Action: "milestone.set", Entity: k,
			New: milestoneText(&m), Detail: m.Source.String()}
		if e.By == "" {
			e.By = m.By
		}
		if prev != nil {
			e.Old = milestoneText(prev)
			a.res.Updated++
		} else {
			a.res.Imported++
		}
		old[k] = &m
		a.milestoneOps = append(a.milestoneOps, milestoneOp{m, e})
	}
	return nil
}

// byID loads the rows of table with the given ids, for updates of notes and tasks.
func byID[T any](ctx context.Context, q queryer, query string, ids []int64, scan func(*sql.Rows) (T, int64, error)) (map[int64]T, error) {
	out := map[int64]T{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := q.QueryContext(ctx, query, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		v, id, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out[id] = v
	}
	return out, rows.Err()
}

func noteEntity(id int64) string { return "note/" + strconv.FormatInt(id, 10) }
func taskEntity(id int64) string { return "task/" + strconv.FormatInt(id, 10) }

func noteText(n *planwatch.Note) string {
	return jsonText(struct {
		Sector string `json:"sector"`
		Unit   string `json:"orgunit"`
		Period string `json:"period"`
		Text   string `json:"text"`
	}{n.Sector, n.Unit, n.Period.ID(), n.Text})
}

func (a *applier) planNotes(ctx context.Context) error {
	if len(a.notes) == 0 || len(a.problems) > 0 {
		return nil
	}
	var ids []int64
	for _, n := range a.notes {
		if n.ID > 0 {
			ids = append(ids, n.ID)
		}
	}
	old, err := byID(ctx, a.tx, `SELECT `+noteColumns+` FROM notes WHERE id = ANY($1)`, ids,
		func(r *sql.Rows) (planwatch.Note, int64, error) { n, err := scanNote(r); return n, n.ID, err })
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
			a.res.Imported++
		} else {
			prev, ok := old[n.ID]
			if !ok {
				a.problem(i+1, "note.id", strconv.FormatInt(n.ID, 10), "không có ghi chú này (no such note)")
				continue
			}
			if prev.Sector == n.Sector && prev.Unit == n.Unit && prev.Period == n.Period && prev.Text == n.Text {
				a.res.Ignored++
				continue
			}
			e.Action, e.Entity, e.Old = "note.update", noteEntity(n.ID), noteText(&prev)
			a.res.Updated++
			old[n.ID] = n
		}
		a.noteOps = append(a.noteOps, noteOp{n, e})
	}
	return nil
}

func taskText(t *planwatch.Task) string {
	return jsonText(struct {
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
	if len(a.tasks) == 0 || len(a.problems) > 0 {
		return nil
	}
	var ids []int64
	for _, t := range a.tasks {
		if t.ID > 0 {
			ids = append(ids, t.ID)
		}
	}
	old, err := byID(ctx, a.tx, `SELECT `+taskColumns+` FROM tasks WHERE id = ANY($1)`, ids,
		func(r *sql.Rows) (planwatch.Task, int64, error) { t, err := scanTask(r); return t, t.ID, err })
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
			a.res.Imported++
		} else {
			prev, ok := old[t.ID]
			if !ok {
				a.problem(i+1, "task.id", strconv.FormatInt(t.ID, 10), "không có nhiệm vụ này (no such task)")
				continue
			}
			if taskText(&prev) == taskText(&t) {
				a.res.Ignored++
				continue
			}
			e.Action, e.Entity, e.Old = "task.update", taskEntity(t.ID), taskText(&prev)
			a.res.Updated++
			old[t.ID] = t
		}
		a.taskOps = append(a.taskOps, taskOp{t, e})
	}
	return nil
}

// lockKeys makes sure every key has its head row and locks those rows, in key
// order so that two writers never wait on each other crosswise. A writer on
// another instance that writes one of these keys waits here until this
// transaction ends, then reads the revisions it committed.
func (a *applier) lockKeys(ctx context.Context, keys []string) error {
	if a.cs.DryRun {
		return nil
	}
	seen := map[string]bool{}
	var ks, inds, units []string
	var starts, ends []int64
	for i := range a.values {
		v := &a.values[i]
		k := v.Key.String()
		if seen[k] {
			continue
		}
		seen[k] = true
		p := v.Period
		ks, inds, units = append(ks, k), append(inds, v.Indicator), append(units, v.Unit)
		starts, ends = append(starts, int64(p.Year*100+p.First)), append(ends, int64(p.Year*100+p.Last))
	}
	if _, err := a.tx.ExecContext(ctx, `INSERT INTO value_heads (k, indicator, orgunit, start_month, end_month)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[], $5::integer[]) AS u(k)
		ORDER BY k ON CONFLICT (k) DO NOTHING`, ks, inds, units, starts, ends); err != nil {
		return err
	}
	rows, err := a.tx.QueryContext(ctx, `SELECT k FROM value_heads WHERE k = ANY($1) ORDER BY k FOR UPDATE`, keys)
	if err != nil {
		return err
	}
	return rows.Close()
}

// write executes the plan within the transaction.
func (a *applier) write(ctx context.Context) error {
	var audits []planwatch.AuditEntry
	if err := a.writeValues(ctx, &audits); err != nil {
		return err
	}
	if err := a.writeTargets(ctx, &audits); err != nil {
		return err
	}
	if err := a.writeMilestones(ctx, &audits); err != nil {
		return err
	}
	if err := a.writeNotes(ctx, &audits); err != nil {
		return err
	}
	if err := a.writeTasks(ctx, &audits); err != nil {
		return err
	}
	return insertAudit(ctx, a.tx, audits)
}

// insertAudit appends entries in one statement, numbered in their order.
func insertAudit(ctx context.Context, tx *sql.Tx, es []planwatch.AuditEntry) error {
	if len(es) == 0 {
		return nil
	}
	n := len(es)
	at, ns := make([]time.Time, n), make([]int64, n)
	who, src, action, entity, old, nw, detail := make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, e := range es {
		t, r := splitTime(e.At)
		at[i], ns[i] = t, int64(r)
		who[i], src[i], action[i], entity[i], old[i], nw[i], detail[i] = e.By, e.From, e.Action, e.Entity, e.Old, e.New, e.Detail
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO audit (at, at_ns, who, src, action, entity, old, new, detail)
		SELECT at, at_ns, who, src, action, entity, old, new, detail
		FROM unnest($1::timestamptz[], $2::integer[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
		WITH ORDINALITY AS u(at, at_ns, who, src, action, entity, old, new, detail, n) ORDER BY n`,
		at, ns, who, src, action, entity, old, nw, detail)
	return err
}

// writeValues inserts the new revisions in one statement, with ids taken
// from the sequence beforehand so that each plan entry knows its row, and
// points each touched key's head at its current revision.
func (a *applier) writeValues(ctx context.Context, audits *[]planwatch.AuditEntry) error {
	if len(a.valueOps) == 0 {
		return nil
	}
	n := len(a.valueOps)
	ids := make([]int64, 0, n)
	rows, err := a.tx.QueryContext(ctx, `SELECT nextval(pg_get_serial_sequence('datavalues', 'id')) FROM generate_series(1, $1)`, n)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	var c valueCols
	for i, op := range a.valueOps {
		op.h.id = ids[i]
		c.add(op.h.id, &op.h.v)
		*audits = append(*audits, op.audit)
	}
	if err := c.insert(ctx, a.tx); err != nil {
		return err
	}
	ks := make([]string, 0, len(a.dirty))
	cur := make([]*int64, 0, len(a.dirty))
	for _, k := range a.dirty {
		ks = append(ks, k)
		if h, ok := current(a.heads[k]); ok {
			id := h.id
			cur = append(cur, &id)
		} else {
			cur = append(cur, nil)
		}
	}
	_, err = a.tx.ExecContext(ctx, `UPDATE value_heads h SET current_id = u.id
		FROM unnest($1::text[], $2::bigint[]) AS u(k, id) WHERE h.k = u.k`, ks, cur)
	return err
}

// valueCols holds revisions column by column, for one INSERT … unnest.
type valueCols struct {
	id, year, first, last, typ, vintage, revision, row, ns []int64
	k, indicator, orgunit, period, basis, comment          []string
	kind, ref, sentence, formula, who                      []string
	value, yoy, planPct, vsRef                             []*float64
	deleted                                                []bool
	at                                                     []time.Time
}

func (c *valueCols) add(id int64, v *planwatch.DataValue) {
	p := v.Period
	at, ns := splitTime(v.At)
	c.id, c.year, c.first, c.last = append(c.id, id), append(c.year, int64(p.Year)), append(c.first, int64(p.First)), append(c.last, int64(p.Last))
	c.typ, c.vintage, c.revision = append(c.typ, int64(p.Type)), append(c.vintage, int64(v.Vintage)), append(c.revision, int64(v.Revision))
	c.row, c.ns, c.at = append(c.row, int64(v.Source.Row)), append(c.ns, int64(ns)), append(c.at, at)
	c.k, c.indicator, c.orgunit, c.period = append(c.k, v.Key.String()), append(c.indicator, v.Indicator), append(c.orgunit, v.Unit), append(c.period, p.ID())
	c.basis, c.comment = append(c.basis, string(v.Basis)), append(c.comment, v.Comment)
	c.kind, c.ref, c.sentence = append(c.kind, string(v.Source.Kind)), append(c.ref, v.Source.Ref), append(c.sentence, v.Source.Sentence)
	c.formula, c.who = append(c.formula, v.Source.Formula), append(c.who, v.By)
	c.value, c.yoy, c.planPct, c.vsRef = append(c.value, v.Value), append(c.yoy, v.YoY), append(c.planPct, v.PlanPct), append(c.vsRef, v.VsRef)
	c.deleted = append(c.deleted, v.Deleted)
}

func (c *valueCols) insert(ctx context.Context, tx *sql.Tx) error {
	if len(c.id) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO datavalues (id, k, indicator, orgunit, period, year, first_month,
		last_month, period_type, basis, vintage, revision, value, yoy, plan_pct, vs_ref, comment, deleted,
		source_kind, source_ref, source_row, source_sentence, source_formula, who, at, at_ns)
		SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::integer[],
		$7::integer[], $8::integer[], $9::integer[], $10::text[], $11::integer[], $12::integer[],
		$13::float8[], $14::float8[], $15::float8[], $16::float8[], $17::text[], $18::boolean[],
		$19::text[], $20::text[], $21::integer[], $22::text[], $23::text[], $24::text[], $25::timestamptz[], $26::integer[])`,
		c.id, c.k, c.indicator, c.orgunit, c.period, c.year, c.first, c.last, c.typ, c.basis, c.vintage, c.revision,
		c.value, c.yoy, c.planPct, c.vsRef, c.comment, c.deleted, c.kind, c.ref, c.row, c.sentence, c.formula, c.who,
		c.at, c.ns)
	return err
}

func (a *applier) writeTargets(ctx context.Context, audits *[]planwatch.AuditEntry) error {
	for _, op := range a.targetOps {
		if err := insertTarget(ctx, a.tx, &op.t); err != nil {
			return err
		}
		*audits = append(*audits, op.audit)
	}
	return nil
}

func insertTarget(ctx context.Context, tx *sql.Tx, t *planwatch.Target) error {
	at, ns := splitTime(t.At)
	_, err := tx.ExecContext(ctx, `INSERT INTO targets (tk, indicator, orgunit, year, kind, version, value,
		adjusted, adopted, source_kind, source_ref, source_row, source_sentence, source_formula, who, at, at_ns)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
		targetKey(t), t.Indicator, t.Unit, t.Year, string(t.Kind), t.Version, t.Value, t.Adjusted, date(t.Adopted),
		string(t.Source.Kind), t.Source.Ref, t.Source.Row, t.Source.Sentence, t.Source.Formula, t.By, at, ns)
	return err
}

func (a *applier) writeMilestones(ctx context.Context, audits *[]planwatch.AuditEntry) error {
	for _, op := range a.milestoneOps {
		if err := upsertMilestone(ctx, a.tx, &op.m); err != nil {
			return err
		}
		*audits = append(*audits, op.audit)
	}
	return nil
}

func upsertMilestone(ctx context.Context, tx *sql.Tx, m *planwatch.Milestone) error {
	at, ns := splitTime(m.At)
	_, err := tx.ExecContext(ctx, `INSERT INTO milestones (mk, indicator, orgunit, period, year, first_month,
		last_month, period_type, share, bound, target_kind, source_kind, source_ref, source_row, source_sentence,
		source_formula, who, at, at_ns) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
		ON CONFLICT (mk) DO UPDATE SET share = excluded.share, bound = excluded.bound,
		source_kind = excluded.source_kind, source_ref = excluded.source_ref, source_row = excluded.source_row,
		source_sentence = excluded.source_sentence, source_formula = excluded.source_formula,
		who = excluded.who, at = excluded.at, at_ns = excluded.at_ns`,
		milestoneKey(m), m.Indicator, m.Unit, m.Period.ID(), m.Period.Year, m.Period.First, m.Period.Last,
		int(m.Period.Type), m.Share, string(m.Bound), string(m.TargetKind), string(m.Source.Kind), m.Source.Ref,
		m.Source.Row, m.Source.Sentence, m.Source.Formula, m.By, at, ns)
	return err
}

func (a *applier) writeNotes(ctx context.Context, audits *[]planwatch.AuditEntry) error {
	for _, op := range a.noteOps {
		n := &op.n
		at, ns := splitTime(n.At)
		args := []any{n.Sector, n.Unit, n.Period.ID(), n.Period.Year, n.Period.First, n.Period.Last,
			int(n.Period.Type), n.Text, n.By, at, ns}
		if n.ID == 0 {
			var id int64
			if err := a.tx.QueryRowContext(ctx, `INSERT INTO notes (sector, orgunit, period, year, first_month,
				last_month, period_type, text, who, at, at_ns) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
				RETURNING id`, args...).Scan(&id); err != nil {
				return err
			}
			op.audit.Entity = noteEntity(id)
		} else if _, err := a.tx.ExecContext(ctx, `UPDATE notes SET sector = $1, orgunit = $2, period = $3, year = $4,
			first_month = $5, last_month = $6, period_type = $7, text = $8, who = $9, at = $10, at_ns = $11 WHERE id = $12`,
			append(args, n.ID)...); err != nil {
			return err
		}
		*audits = append(*audits, op.audit)
	}
	return nil
}

func (a *applier) writeTasks(ctx context.Context, audits *[]planwatch.AuditEntry) error {
	for _, op := range a.taskOps {
		t := &op.t
		at, ns := splitTime(t.At)
		args := []any{t.Unit, t.Sector, t.Text, t.Owner, t.Due.ID(), t.Due.Year, t.Due.First, t.Due.Last,
			int(t.Due.Type), string(t.Status), strs(t.Indicators), t.By, at, ns}
		if t.ID == 0 {
			var id int64
			if err := a.tx.QueryRowContext(ctx, `INSERT INTO tasks (orgunit, sector, text, owner, due, year, first_month,
				last_month, period_type, status, indicators, who, at, at_ns)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`, args...).Scan(&id); err != nil {
				return err
			}
			op.audit.Entity = taskEntity(id)
		} else if _, err := a.tx.ExecContext(ctx, `UPDATE tasks SET orgunit = $1, sector = $2, text = $3, owner = $4,
			due = $5, year = $6, first_month = $7, last_month = $8, period_type = $9, status = $10, indicators = $11,
			who = $12, at = $13, at_ns = $14 WHERE id = $15`, append(args, t.ID)...); err != nil {
			return err
		}
		*audits = append(*audits, op.audit)
	}
	return nil
}

// dateText is how a date reads in the audit trail, as on SQLite.
func dateText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}
