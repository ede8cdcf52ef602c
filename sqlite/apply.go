package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"

	"planwatch"
	"planwatch/internal/engine"
)

// Apply validates and stores a change set atomically: engine.Prepare checks
// it and decides every revision, version and count (see there); if it finds
// a problem, Apply returns EINVALID listing them all and stores nothing.
// Otherwise the plan is written in one transaction, with one audit entry per
// change. DryRun does all the checking and counting and stores nothing.
func (db *DB) Apply(ctx context.Context, cs *planwatch.ChangeSet) (planwatch.ApplyResult, error) {
	if cs == nil {
		return planwatch.ApplyResult{}, planwatch.Errorf(planwatch.EINVALID, "không có thay đổi (empty change set)")
	}
	var tx *sql.Tx
	var err error
	if cs.DryRun {
		tx, err = db.r.BeginTx(ctx, nil)
	} else {
		tx, err = db.w.BeginTx(ctx, nil)
	}
	if err != nil {
		return planwatch.ApplyResult{}, internal("Apply", err)
	}
	defer tx.Rollback()
	p, err := engine.Prepare(ctx, cs, db.now(), reader{tx})
	if err != nil {
		return planwatch.ApplyResult{}, internal("Apply", err)
	}
	if len(p.Problems) > 0 {
		return planwatch.ApplyResult{}, engine.Invalid(p.Problems)
	}
	if err := planwatch.CheckLocked(ctx, reader{tx}, cs); err != nil {
		return planwatch.ApplyResult{}, internal("Apply", err)
	}
	if cs.DryRun {
		return p.Result, nil
	}
	if p.Empty() {
		return p.Result, nil
	}
	seq, err := newChangeSet(ctx, tx, planwatch.ChangeData, db.now(), cs.By, cs.From, p.Result)
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
type reader struct{ tx *sql.Tx }

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

func (r reader) KnownUnits(ctx context.Context, codes []string) (map[string]bool, error) {
	return r.existing(ctx, "orgunits", "code", codes)
}

func (r reader) Heads(ctx context.Context, keys []planwatch.Key) ([]engine.Head, error) {
	ks := make([]string, len(keys))
	for i, k := range keys {
		ks[i] = k.String()
	}
	return engine.Query(ctx, r.tx, func(s engine.Scanner) (engine.Head, error) {
		id, v, err := scanValue(s)
		return engine.Head{ID: id, Rev: v}, err
	}, `SELECT `+valueColumns+` FROM datavalues d
		WHERE d.k IN (SELECT value FROM json_each(?))
		AND d.revision = (SELECT max(x.revision) FROM datavalues x WHERE x.k = d.k AND x.vintage = d.vintage)`, jsonStrings(ks))
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

// write executes the plan within the transaction.
func write(ctx context.Context, tx *sql.Tx, p *engine.Plan, seq int64) error {
	aw, err := newAuditWriter(ctx, tx)
	if err != nil {
		return err
	}
	defer aw.Close()
	if err := writeValues(ctx, tx, p, seq, aw); err != nil {
		return err
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

func writeValues(ctx context.Context, tx *sql.Tx, p *engine.Plan, seq int64, aw *auditWriter) error {
	if len(p.Values) == 0 {
		return nil
	}
	ins, err := tx.PrepareContext(ctx, `INSERT INTO datavalues (k, indicator, orgunit, period, year, first_month,
		last_month, period_type, basis, vintage, revision, value, yoy, plan_pct, vs_ref, comment, deleted,
		source_kind, source_ref, source_row, source_sentence, source_formula, who, at, cs)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer ins.Close()
	for _, op := range p.Values {
		v := &op.Head.Rev
		r, err := ins.ExecContext(ctx, v.Key.String(), v.Indicator, v.Unit, v.Period.ID(), v.Period.Year, v.Period.First,
			v.Period.Last, int(v.Period.Type), string(v.Basis), int(v.Vintage), v.Revision, nullFloat(v.Value),
			nullFloat(v.YoY), nullFloat(v.PlanPct), nullFloat(v.VsRef), v.Comment, boolInt(v.Deleted),
			string(v.Source.Kind), v.Source.Ref, v.Source.Row, v.Source.Sentence, v.Source.Formula, v.By, formatTime(v.At), seq)
		if err != nil {
			return err
		}
		if op.Head.ID, err = r.LastInsertId(); err != nil {
			return err
		}
		if err := aw.add(ctx, op.Audit); err != nil {
			return err
		}
	}
	set, err := tx.PrepareContext(ctx, `INSERT INTO current_values (k, value_id, indicator, orgunit, start_month, end_month)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (k) DO UPDATE SET value_id = excluded.value_id`)
	if err != nil {
		return err
	}
	defer set.Close()
	del, err := tx.PrepareContext(ctx, `DELETE FROM current_values WHERE k = ?`)
	if err != nil {
		return err
	}
	defer del.Close()
	for _, k := range p.Dirty {
		h, ok := p.Current(k)
		if !ok {
			if _, err := del.ExecContext(ctx, k); err != nil {
				return err
			}
			continue
		}
		per := h.Rev.Period
		if _, err := set.ExecContext(ctx, k, h.ID, h.Rev.Indicator, h.Rev.Unit, per.Year*100+per.First, per.Year*100+per.Last); err != nil {
			return err
		}
	}
	return nil
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
