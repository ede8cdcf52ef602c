package postgres

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"planwatch"
	"planwatch/internal/engine"
)

// Apply validates and stores a change set atomically: engine.Prepare checks
// it and decides every revision, version and count (see there); if it finds
// a problem, Apply returns EINVALID listing them all and stores nothing.
// Otherwise the plan is written in the same transaction, with one audit
// entry per change. DryRun does all the checking and counting and stores
// nothing.
func (db *DB) Apply(ctx context.Context, cs *planwatch.ChangeSet) (res planwatch.ApplyResult, err error) {
	if cs == nil {
		return res, planwatch.Errorf(planwatch.EINVALID, "không có thay đổi (empty change set)")
	}
	now := db.now()
	var plan *engine.Plan // of the attempt that committed
	var seq int64
	// One attempt plans and writes in one transaction; inTx retries it from
	// scratch after a deadlock, so the plan is made again each time.
	attempt := func(tx *sql.Tx) error {
		res = planwatch.ApplyResult{}
		p, err := engine.Prepare(ctx, cs, now, reader{tx: tx, dryRun: cs.DryRun})
		if err != nil {
			return err
		}
		res, plan = p.Result, p
		if len(p.Problems) > 0 {
			return engine.Invalid(p.Problems)
		}
		if err := planwatch.CheckLocked(ctx, reader{tx: tx}, cs); err != nil {
			return err
		}
		if cs.DryRun {
			return errDryRun
		}
		if p.Empty() {
			seq = 0
			return nil
		}
		if seq, err = db.newChangeSet(ctx, tx, planwatch.ChangeData, now, cs.By, cs.From, p.Result); err != nil {
			return err
		}
		return write(ctx, tx, p, seq)
	}
	err = db.inTx(ctx, attempt)
	if errors.Is(err, errDryRun) {
		return res, nil
	}
	if err != nil {
		return planwatch.ApplyResult{}, internal("Apply", err)
	}
	if seq > 0 && db.observers.Any() {
		db.observers.Notify(planwatch.Change{Seq: seq, Kind: planwatch.ChangeData, Values: plan.Changed()})
	}
	return res, nil
}

// errDryRun rolls back the transaction of a dry run.
var errDryRun = errors.New("dry run")

// reader is the engine.Reader of an Apply: it reads within its transaction.
type reader struct {
	tx     *sql.Tx
	dryRun bool
}

// existing returns which of codes are in table's column.
func (r reader) existing(ctx context.Context, table, column string, codes []string) (map[string]bool, error) {
	list, err := engine.Query(ctx, r.tx, engine.ScanString,
		`SELECT DISTINCT `+column+` FROM `+table+` WHERE `+column+` = ANY($1)`, codes)
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

// Heads locks the keys (unless in a dry run), then reads their heads.
func (r reader) Heads(ctx context.Context, keys []planwatch.Key) ([]engine.Head, error) {
	ks := make([]string, len(keys))
	for i, k := range keys {
		ks[i] = k.String()
	}
	if err := r.lockKeys(ctx, keys, ks); err != nil {
		return nil, err
	}
	return engine.Query(ctx, r.tx, func(s engine.Scanner) (engine.Head, error) {
		id, v, err := scanValue(s)
		return engine.Head{ID: id, Rev: v}, err
	}, `SELECT `+valueColumns+` FROM datavalues d
		WHERE d.k = ANY($1)
		AND d.revision = (SELECT max(x.revision) FROM datavalues x WHERE x.k = d.k AND x.vintage = d.vintage)`, ks)
}

func (r reader) Targets(ctx context.Context, keys []string) ([]planwatch.Target, error) {
	return engine.Query(ctx, r.tx, scanTarget, `SELECT `+targetColumns+` FROM targets WHERE tk = ANY($1)`, keys)
}

func (r reader) Milestones(ctx context.Context, keys []string) ([]planwatch.Milestone, error) {
	return engine.Query(ctx, r.tx, scanMilestone, `SELECT `+milestoneColumns+` FROM milestones WHERE mk = ANY($1)`, keys)
}

func (r reader) Notes(ctx context.Context, ids []int64) ([]planwatch.Note, error) {
	return engine.Query(ctx, r.tx, scanNote, `SELECT `+noteColumns+` FROM notes WHERE id = ANY($1)`, ids)
}

func (r reader) Tasks(ctx context.Context, ids []int64) ([]planwatch.Task, error) {
	return engine.Query(ctx, r.tx, scanTask, `SELECT `+taskColumns+` FROM tasks WHERE id = ANY($1)`, ids)
}

// lockKeys makes sure every key has its head row and locks those rows, in key
// order so that two writers never wait on each other crosswise. A writer on
// another instance that writes one of these keys waits here until this
// transaction ends, then reads the revisions it committed.
func (r reader) lockKeys(ctx context.Context, keys []planwatch.Key, ks []string) error {
	if r.dryRun {
		return nil
	}
	var inds, units []string
	var starts, ends []int64
	for _, k := range keys {
		p := k.Period
		inds, units = append(inds, k.Indicator), append(units, k.Unit)
		starts, ends = append(starts, int64(p.Year*100+p.First)), append(ends, int64(p.Year*100+p.Last))
	}
	if _, err := r.tx.ExecContext(ctx, `INSERT INTO value_heads (k, indicator, orgunit, start_month, end_month)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[], $5::integer[]) AS u(k)
		ORDER BY k ON CONFLICT (k) DO NOTHING`, ks, inds, units, starts, ends); err != nil {
		return err
	}
	rows, err := r.tx.QueryContext(ctx, `SELECT k FROM value_heads WHERE k = ANY($1) ORDER BY k FOR UPDATE`, ks)
	if err != nil {
		return err
	}
	return rows.Close()
}

// write executes the plan within the transaction.
func write(ctx context.Context, tx *sql.Tx, p *engine.Plan, seq int64) error {
	var audits []planwatch.AuditEntry
	if err := writeValues(ctx, tx, p, seq, &audits); err != nil {
		return err
	}
	if err := writeTargets(ctx, tx, p, &audits); err != nil {
		return err
	}
	if err := writeMilestones(ctx, tx, p, &audits); err != nil {
		return err
	}
	if err := writeNotes(ctx, tx, p, &audits); err != nil {
		return err
	}
	if err := writeTasks(ctx, tx, p, &audits); err != nil {
		return err
	}
	return insertAudit(ctx, tx, audits)
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
func writeValues(ctx context.Context, tx *sql.Tx, p *engine.Plan, seq int64, audits *[]planwatch.AuditEntry) error {
	if len(p.Values) == 0 {
		return nil
	}
	n := len(p.Values)
	ids := make([]int64, 0, n)
	rows, err := tx.QueryContext(ctx, `SELECT nextval(pg_get_serial_sequence('datavalues', 'id')) FROM generate_series(1, $1)`, n)
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
	c := valueCols{seq: seq}
	for i, op := range p.Values {
		op.Head.ID = ids[i]
		c.add(op.Head.ID, &op.Head.Rev)
		*audits = append(*audits, op.Audit)
	}
	if err := c.insert(ctx, tx); err != nil {
		return err
	}
	ks := make([]string, 0, len(p.Dirty))
	cur := make([]*int64, 0, len(p.Dirty))
	for _, k := range p.Dirty {
		ks = append(ks, k)
		if h, ok := p.Current(k); ok {
			id := h.ID
			cur = append(cur, &id)
		} else {
			cur = append(cur, nil)
		}
	}
	_, err = tx.ExecContext(ctx, `UPDATE value_heads h SET current_id = u.id
		FROM unnest($1::text[], $2::bigint[]) AS u(k, id) WHERE h.k = u.k`, ks, cur)
	return err
}

// valueCols holds revisions column by column, for one INSERT … unnest.
type valueCols struct {
	seq                                                    int64 // the change set of every revision
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
		source_kind, source_ref, source_row, source_sentence, source_formula, who, at, at_ns, cs)
		SELECT *, $27::bigint FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::integer[],
		$7::integer[], $8::integer[], $9::integer[], $10::text[], $11::integer[], $12::integer[],
		$13::float8[], $14::float8[], $15::float8[], $16::float8[], $17::text[], $18::boolean[],
		$19::text[], $20::text[], $21::integer[], $22::text[], $23::text[], $24::text[], $25::timestamptz[], $26::integer[])`,
		c.id, c.k, c.indicator, c.orgunit, c.period, c.year, c.first, c.last, c.typ, c.basis, c.vintage, c.revision,
		c.value, c.yoy, c.planPct, c.vsRef, c.comment, c.deleted, c.kind, c.ref, c.row, c.sentence, c.formula, c.who,
		c.at, c.ns, c.seq)
	return err
}

func writeTargets(ctx context.Context, tx *sql.Tx, p *engine.Plan, audits *[]planwatch.AuditEntry) error {
	for _, op := range p.Targets {
		if err := insertTarget(ctx, tx, &op.Target); err != nil {
			return err
		}
		*audits = append(*audits, op.Audit)
	}
	return nil
}

func insertTarget(ctx context.Context, tx *sql.Tx, t *planwatch.Target) error {
	at, ns := splitTime(t.At)
	_, err := tx.ExecContext(ctx, `INSERT INTO targets (tk, indicator, orgunit, year, kind, version, value,
		adjusted, adopted, source_kind, source_ref, source_row, source_sentence, source_formula, who, at, at_ns)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
		engine.TargetKey(t), t.Indicator, t.Unit, t.Year, string(t.Kind), t.Version, t.Value, t.Adjusted, date(t.Adopted),
		string(t.Source.Kind), t.Source.Ref, t.Source.Row, t.Source.Sentence, t.Source.Formula, t.By, at, ns)
	return err
}

func writeMilestones(ctx context.Context, tx *sql.Tx, p *engine.Plan, audits *[]planwatch.AuditEntry) error {
	for _, op := range p.Milestones {
		if err := upsertMilestone(ctx, tx, &op.Milestone); err != nil {
			return err
		}
		*audits = append(*audits, op.Audit)
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
		engine.MilestoneKey(m), m.Indicator, m.Unit, m.Period.ID(), m.Period.Year, m.Period.First, m.Period.Last,
		int(m.Period.Type), m.Share, string(m.Bound), string(m.TargetKind), string(m.Source.Kind), m.Source.Ref,
		m.Source.Row, m.Source.Sentence, m.Source.Formula, m.By, at, ns)
	return err
}

func writeNotes(ctx context.Context, tx *sql.Tx, p *engine.Plan, audits *[]planwatch.AuditEntry) error {
	for _, op := range p.Notes {
		n := &op.Note
		at, ns := splitTime(n.At)
		args := []any{n.Sector, n.Unit, n.Period.ID(), n.Period.Year, n.Period.First, n.Period.Last,
			int(n.Period.Type), n.Text, n.By, at, ns}
		if n.ID == 0 {
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO notes (sector, orgunit, period, year, first_month,
				last_month, period_type, text, who, at, at_ns) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
				RETURNING id`, args...).Scan(&id); err != nil {
				return err
			}
			op.Audit.Entity = engine.NoteEntity(id)
		} else if _, err := tx.ExecContext(ctx, `UPDATE notes SET sector = $1, orgunit = $2, period = $3, year = $4,
			first_month = $5, last_month = $6, period_type = $7, text = $8, who = $9, at = $10, at_ns = $11 WHERE id = $12`,
			append(args, n.ID)...); err != nil {
			return err
		}
		*audits = append(*audits, op.Audit)
	}
	return nil
}

func writeTasks(ctx context.Context, tx *sql.Tx, p *engine.Plan, audits *[]planwatch.AuditEntry) error {
	for _, op := range p.Tasks {
		t := &op.Task
		at, ns := splitTime(t.At)
		args := []any{t.Unit, t.Sector, t.Text, t.Owner, t.Due.ID(), t.Due.Year, t.Due.First, t.Due.Last,
			int(t.Due.Type), string(t.Status), strs(t.Indicators), t.By, at, ns}
		if t.ID == 0 {
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO tasks (orgunit, sector, text, owner, due, year, first_month,
				last_month, period_type, status, indicators, who, at, at_ns)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`, args...).Scan(&id); err != nil {
				return err
			}
			op.Audit.Entity = engine.TaskEntity(id)
		} else if _, err := tx.ExecContext(ctx, `UPDATE tasks SET orgunit = $1, sector = $2, text = $3, owner = $4,
			due = $5, year = $6, first_month = $7, last_month = $8, period_type = $9, status = $10, indicators = $11,
			who = $12, at = $13, at_ns = $14 WHERE id = $15`, append(args, t.ID)...); err != nil {
			return err
		}
		*audits = append(*audits, op.Audit)
	}
	return nil
}
