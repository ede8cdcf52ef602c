package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"iter"

	"planwatch"
	"planwatch/internal/engine"
)

// Apply validates and stores a change set atomically (ApplyStream with
// cs.Values).
func (db *DB) Apply(ctx context.Context, cs *planwatch.ChangeSet) (planwatch.ApplyResult, error) {
	if cs == nil {
		return planwatch.ApplyResult{}, planwatch.Errorf(planwatch.EINVALID, "không có thay đổi (empty change set)")
	}
	return db.ApplyStream(ctx, cs, engine.Values(cs.Values))
}

var _ planwatch.StreamApplier = (*DB)(nil)

// ApplyStream validates and stores a change set atomically, its values read
// from values (cs.Values is not read): they are taken in compactly first,
// then engine.Prepare checks everything and decides every revision,
// version and count (see there); if it finds a problem, ApplyStream returns
// EINVALID listing them all and stores nothing. Otherwise the plan is
// written in one transaction as one numbered change set, with its audit
// entry (and one per change when the change set is small, engine.AuditEach).
// DryRun does all the checking and counting and stores nothing.
func (db *DB) ApplyStream(ctx context.Context, cs *planwatch.ChangeSet, values iter.Seq2[planwatch.DataValue, error]) (planwatch.ApplyResult, error) {
	if cs == nil {
		return planwatch.ApplyResult{}, planwatch.Errorf(planwatch.EINVALID, "không có thay đổi (empty change set)")
	}
	now := db.now()
	// A large change set's units are read meanwhile (unitsAhead).
	var ahead unitsAhead
	defer ahead.stop()
	b, err := engine.CollectLarge(cs, values, now, db.aheadAfter(), func() { ahead.start(ctx, db) })
	if err != nil {
		return planwatch.ApplyResult{}, err
	}
	b.WantChanged = db.observers.Any()
	var tx *sql.Tx
	if cs.DryRun {
		tx, err = db.r.BeginTx(ctx, nil)
	} else {
		tx, err = db.w.BeginTx(ctx, nil)
	}
	if err != nil {
		return planwatch.ApplyResult{}, internal("Apply", err)
	}
	defer tx.Rollback()
	r := reader{db: db, tx: tx, dryRun: cs.DryRun, units: &unitMemo{}, created: &seriesCreation{}}
	defer r.created.wait() // before the rollback
	if r.ahead, err = ahead.take(ctx, db, tx); err != nil {
		return planwatch.ApplyResult{}, internal("Apply", err)
	}
	p, err := engine.Prepare(ctx, cs, b, now, r)
	if err != nil {
		return planwatch.ApplyResult{}, internal("Apply", err)
	}
	if len(p.Problems) > 0 {
		return planwatch.ApplyResult{}, engine.Invalid(p.Problems)
	}
	if cs.DryRun || p.Empty() {
		return p.Result, nil
	}
	if err := r.created.wait(); err != nil {
		return planwatch.ApplyResult{}, internal("Apply", err)
	}
	seq, err := newChangeSet(ctx, tx, p.Record(0))
	if err != nil {
		return planwatch.ApplyResult{}, internal("Apply", err)
	}
	if err := write(ctx, tx, p, seq); err != nil {
		return planwatch.ApplyResult{}, internal("Apply", err)
	}
	if err := tx.Commit(); err != nil {
		return planwatch.ApplyResult{}, internal("Apply", err)
	}
	if db.observers.Any() {
		db.observers.Notify(planwatch.Change{Seq: seq, Kind: planwatch.ChangeData, Values: p.Changed()})
	}
	return p.Result, nil
}

// reader is the engine.Reader of an Apply: it reads within its transaction.
type reader struct {
	db     *DB
	tx     *sql.Tx
	dryRun bool
	units  *unitMemo   // the units read so far (UnitHistory); nil: none kept
	ahead  *unitsAhead // every unit, read ahead and still current; nil: none
	// created, when set, lets Series create the new series beside what
	// follows (seriesCreation); nil: Series creates them before it returns.
	created *seriesCreation
}

// existing returns which of codes are in table's column.
func (r reader) existing(ctx context.Context, table, column string, codes []string) (map[string]bool, error) {
	list, err := engine.Query(ctx, r.tx, engine.ScanString,
		`SELECT DISTINCT `+column+` FROM `+table+` WHERE `+column+` IN (SELECT value FROM json_each(?))`, jsonStrings(codes))
	found := make(map[string]bool, len(list))
	for _, c := range list {
		found[c] = true
	}
	return found, err
}

func (r reader) KnownIndicators(ctx context.Context, codes []string) (map[string]bool, error) {
	return r.existing(ctx, "indicators", "code", codes)
}

func (r reader) Targets(ctx context.Context, keys []string) ([]planwatch.Target, error) {
	return engine.Query(ctx, r.tx, scanTarget,
		`SELECT `+targetColumns+` FROM targets WHERE tk IN (SELECT value FROM json_each(?))`, jsonStrings(keys))
}

func (r reader) Milestones(ctx context.Context, keys []string) ([]planwatch.Milestone, error) {
	return engine.Query(ctx, r.tx, scanMilestone,
		`SELECT `+milestoneColumns+` FROM milestones WHERE mk IN (SELECT value FROM json_each(?))`, jsonStrings(keys))
}

func (r reader) Notes(ctx context.Context, ids []int64) ([]planwatch.Note, error) {
	return engine.Query(ctx, r.tx, scanNote,
		`SELECT `+noteColumns+` FROM notes WHERE id IN (SELECT value FROM json_each(?))`, jsonIDs(ids))
}

func (r reader) Tasks(ctx context.Context, ids []int64) ([]planwatch.Task, error) {
	return engine.Query(ctx, r.tx, scanTask,
		`SELECT `+taskColumns+` FROM tasks WHERE id IN (SELECT value FROM json_each(?))`, jsonIDs(ids))
}

// jsonIDs encodes a list of ids for a json_each(?) parameter.
func jsonIDs(ids []int64) string {
	b, _ := json.Marshal(ids)
	return string(b)
}

// write executes the plan as change set seq within the transaction.
func write(ctx context.Context, tx *sql.Tx, p *engine.Plan, seq int64) error {
	aw, err := newAuditWriter(ctx, tx)
	if err != nil {
		return err
	}
	defer aw.Close()
	if err := writeSeries(ctx, tx, p.Series, seq); err != nil {
		return err
	}
	if err := aw.add(ctx, p.ChangeSetAudit(seq)); err != nil {
		return err
	}
	for _, e := range p.ValueAudits() {
		if err := aw.add(ctx, e); err != nil {
			return err
		}
	}
	if err := writeTargets(ctx, tx, p, aw); err != nil {
		return err
	}
	if err := writeMilestones(ctx, tx, p, aw); err != nil {
		return err
	}
	if err := writeNotes(ctx, tx, p, aw); err != nil {
		return err
	}
	return writeTasks(ctx, tx, p, aw)
}

func writeTargets(ctx context.Context, tx *sql.Tx, p *engine.Plan, aw *auditWriter) error {
	if len(p.Targets) == 0 {
		return nil
	}
	ins, err := tx.PrepareContext(ctx, `INSERT INTO targets (tk, indicator, orgunit, year, kind, version, value,
		adjusted, adopted, source_kind, source_ref, source_row, source_sentence, source_formula, who, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer ins.Close()
	for _, op := range p.Targets {
		t := &op.Target
		if _, err := ins.ExecContext(ctx, engine.TargetKey(t), t.Indicator, t.Unit, t.Year, string(t.Kind), t.Version, t.Value,
			boolInt(t.Adjusted), formatDate(t.Adopted), string(t.Source.Kind), t.Source.Ref, t.Source.Row,
			t.Source.Sentence, t.Source.Formula, t.By, formatTime(t.At)); err != nil {
			return err
		}
		if err := aw.add(ctx, op.Audit); err != nil {
			return err
		}
	}
	return nil
}

func writeMilestones(ctx context.Context, tx *sql.Tx, p *engine.Plan, aw *auditWriter) error {
	if len(p.Milestones) == 0 {
		return nil
	}
	up, err := tx.PrepareContext(ctx, `INSERT INTO milestones (mk, indicator, orgunit, period, year, first_month,
		last_month, period_type, share, bound, target_kind, source_kind, source_ref, source_row, source_sentence,
		source_formula, who, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (mk) DO UPDATE SET share = excluded.share, bound = excluded.bound,
		source_kind = excluded.source_kind, source_ref = excluded.source_ref, source_row = excluded.source_row,
		source_sentence = excluded.source_sentence, source_formula = excluded.source_formula,
		who = excluded.who, at = excluded.at`)
	if err != nil {
		return err
	}
	defer up.Close()
	for _, op := range p.Milestones {
		m := &op.Milestone
		if _, err := up.ExecContext(ctx, engine.MilestoneKey(m), m.Indicator, m.Unit, m.Period.ID(), m.Period.Year,
			m.Period.First, m.Period.Last, int(m.Period.Type), m.Share, string(m.Bound), string(m.TargetKind),
			string(m.Source.Kind), m.Source.Ref, m.Source.Row, m.Source.Sentence, m.Source.Formula, m.By,
			formatTime(m.At)); err != nil {
			return err
		}
		if err := aw.add(ctx, op.Audit); err != nil {
			return err
		}
	}
	return nil
}

func writeNotes(ctx context.Context, tx *sql.Tx, p *engine.Plan, aw *auditWriter) error {
	for _, op := range p.Notes {
		n := &op.Note
		args := []any{n.Sector, n.Unit, n.Period.ID(), n.Period.Year, n.Period.First, n.Period.Last,
			int(n.Period.Type), n.Text, n.By, formatTime(n.At)}
		if n.ID == 0 {
			r, err := tx.ExecContext(ctx, `INSERT INTO notes (sector, orgunit, period, year, first_month,
				last_month, period_type, text, who, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
			if err != nil {
				return err
			}
			id, err := r.LastInsertId()
			if err != nil {
				return err
			}
			op.Audit.Entity = engine.NoteEntity(id)
		} else if _, err := tx.ExecContext(ctx, `UPDATE notes SET sector = ?, orgunit = ?, period = ?, year = ?,
			first_month = ?, last_month = ?, period_type = ?, text = ?, who = ?, at = ? WHERE id = ?`,
			append(args, n.ID)...); err != nil {
			return err
		}
		if err := aw.add(ctx, op.Audit); err != nil {
			return err
		}
	}
	return nil
}

func writeTasks(ctx context.Context, tx *sql.Tx, p *engine.Plan, aw *auditWriter) error {
	for _, op := range p.Tasks {
		t := &op.Task
		inds := t.Indicators
		if inds == nil {
			inds = []string{}
		}
		args := []any{t.Unit, t.Sector, t.Text, t.Owner, t.Due.ID(), t.Due.Year, t.Due.First, t.Due.Last,
			int(t.Due.Type), string(t.Status), jsonStrings(inds), t.By, formatTime(t.At)}
		if t.ID == 0 {
			r, err := tx.ExecContext(ctx, `INSERT INTO tasks (orgunit, sector, text, owner, due, year, first_month,
				last_month, period_type, status, indicators, who, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
			if err != nil {
				return err
			}
			id, err := r.LastInsertId()
			if err != nil {
				return err
			}
			op.Audit.Entity = engine.TaskEntity(id)
		} else if _, err := tx.ExecContext(ctx, `UPDATE tasks SET orgunit = ?, sector = ?, text = ?, owner = ?,
			due = ?, year = ?, first_month = ?, last_month = ?, period_type = ?, status = ?, indicators = ?, who = ?,
			at = ? WHERE id = ?`, append(args, t.ID)...); err != nil {
			return err
		}
		if err := aw.add(ctx, op.Audit); err != nil {
			return err
		}
	}
	return nil
}
