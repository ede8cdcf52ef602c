package postgres

import (
	"context"
	"database/sql"
	"errors"
	"iter"
	"time"

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
// written in the same transaction as one numbered change set, with its
// audit entry (and one per change when the change set is small,
// engine.AuditEach). DryRun does all the checking and counting and stores
// nothing.
func (db *DB) ApplyStream(ctx context.Context, cs *planwatch.ChangeSet, values iter.Seq2[planwatch.DataValue, error]) (res planwatch.ApplyResult, err error) {
	if cs == nil {
		return res, planwatch.Errorf(planwatch.EINVALID, "không có thay đổi (empty change set)")
	}
	now := db.now()
	b, err := engine.Collect(cs, values, now)
	if err != nil {
		return res, err
	}
	b.WantChanged = db.observers.Any()
	var plan *engine.Plan // of the attempt that committed
	var seq int64
	// One attempt plans and writes in one transaction; inTx retries it from
	// scratch after a deadlock, so the plan is made again each time.
	attempt := func(tx *sql.Tx) error {
		res, seq = planwatch.ApplyResult{}, 0
		if !cs.DryRun {
			// The change lock before the checks, not only at the change
			// set's number: at READ COMMITTED, an approval committed between
			// the lock check and the commit would otherwise be missed
			// (TestImportAfterConcurrentApproval). Writes to the data are
			// serial, as on SQLite.
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(changeLock)); err != nil {
				return err
			}
		}
		p, err := engine.Prepare(ctx, cs, b, now, reader{db: db, tx: tx, dryRun: cs.DryRun})
		if err != nil {
			return err
		}
		res, plan = p.Result, p
		if len(p.Problems) > 0 {
			return engine.Invalid(p.Problems)
		}
		if cs.DryRun {
			return errDryRun
		}
		if p.Empty() {
			return nil
		}
		if seq, err = db.newChangeSet(ctx, tx, p.Record(0)); err != nil {
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
	db     *DB
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

// write executes the plan as change set seq within the transaction.
func write(ctx context.Context, tx *sql.Tx, p *engine.Plan, seq int64) error {
	if err := writeSeries(ctx, tx, p.Series, seq); err != nil {
		return err
	}
	audits := append([]planwatch.AuditEntry{p.ChangeSetAudit(seq)}, p.ValueAudits()...)
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

// insertAudit appends entries in one statement, numbered in their order and
// chained after the last entry of the trail (engine.AuditChain). The change
// lock (held to commit, and taken again harmlessly when the transaction
// numbers a change set) makes appends follow one another across instances,
// so that the last entry read is the one the first of es follows: one read
// a transaction, none per entry.
func insertAudit(ctx context.Context, tx *sql.Tx, es []planwatch.AuditEntry) error {
	if len(es) == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(changeLock)); err != nil {
		return err
	}
	var chain engine.AuditChain
	if err := tx.QueryRowContext(ctx, `SELECT coalesce((SELECT hash FROM audit ORDER BY id DESC LIMIT 1), '')`).Scan(&chain.Prev); err != nil {
		return err
	}
	n := len(es)
	at, ns := make([]time.Time, n), make([]int64, n)
	who, src, action, entity, old, nw, detail, prev, hash := make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, e := range es {
		chain.Link(&e)
		t, r := splitTime(e.At)
		at[i], ns[i] = t, int64(r)
		who[i], src[i], action[i], entity[i], old[i], nw[i], detail[i] = e.By, e.From, e.Action, e.Entity, e.Old, e.New, e.Detail
		prev[i], hash[i] = e.Prev, e.Hash
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO audit (at, at_ns, who, src, action, entity, old, new, detail, prev, hash)
		SELECT at, at_ns, who, src, action, entity, old, new, detail, prev, hash
		FROM unnest($1::timestamptz[], $2::integer[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
		WITH ORDINALITY AS u(at, at_ns, who, src, action, entity, old, new, detail, prev, hash, n) ORDER BY n`,
		at, ns, who, src, action, entity, old, nw, detail, prev, hash)
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
