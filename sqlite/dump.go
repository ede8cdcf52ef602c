package sqlite

// Dump and Restore let planwatch copy-store move a whole store between
// engines; they live apart from the rest of the engine because only that
// command uses them.

import (
	"context"
	"database/sql"
	"iter"

	"planwatch"
	"planwatch/internal/engine"
)

var (
	_ planwatch.Dumper   = (*DB)(nil)
	_ planwatch.Restorer = (*DB)(nil)
)

// Dump yields every row, table by table, from one read transaction (one
// snapshot, under WAL). Accounts and approvals are included; sessions and
// login attempts, being transient, are not (see planwatch.Record).
func (db *DB) Dump(ctx context.Context) iter.Seq2[planwatch.Record, error] {
	return func(yield func(planwatch.Record, error) bool) {
		tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			yield(planwatch.Record{}, internal("Dump", err))
			return
		}
		defer tx.Rollback()
		d := &engine.Dump{Ctx: ctx, Q: tx, Yield: yield, Wrap: func(err error) error { return internal("Dump", err) }}
		lookup, err := db.defaults.Since(ctx, defaultsSince(tx))
		if err != nil {
			d.Fail(err)
			return
		}
		maps, mapsErr := allMappings(ctx, tx) // read whole: a few, with their entries
		ruleRecs, rulesErr := engine.RuleRecords(ctx, tx, sqlitePh)
		inds, err := indicators(ctx, tx)
		versions, vErr := indicatorVersions(ctx, tx, "")
		sets, sErr := indicatorSets(ctx, tx, "", 0)
		groups, gErr := unitGroups(ctx, tx)
		_ = engine.DumpAll(d, inds, err, func(ind *planwatch.Indicator) planwatch.Record {
			return planwatch.Record{Indicator: ind}
		}) && engine.DumpAll(d, versions, vErr, func(v *planwatch.IndicatorVersion) planwatch.Record {
			return planwatch.Record{IndicatorVersion: v}
		}) && d.Rows(`SELECT `+orgUnitColumns+` FROM orgunits ORDER BY code, valid_from`, func(s engine.Scanner) (planwatch.Record, error) {
			u, err := scanOrgUnit(s)
			return planwatch.Record{OrgUnit: &u}, err
		}) && d.Rows(`SELECT old, new, date, full, basis, weight FROM transitions ORDER BY date, old, new`, func(s engine.Scanner) (planwatch.Record, error) {
			t, err := scanTransition(s)
			return planwatch.Record{Transition: &t}, err
		}) && engine.DumpAll(d, sets, sErr, func(s *planwatch.IndicatorSet) planwatch.Record {
			return planwatch.Record{IndicatorSet: s}
		}) && engine.DumpAll(d, groups, gErr, func(g *planwatch.UnitGroup) planwatch.Record {
			return planwatch.Record{UnitGroup: g}
		}) && d.Rows(`SELECT `+accountColumns+` FROM accounts ORDER BY name`, func(s engine.Scanner) (planwatch.Record, error) {
			a, err := scanAccount(s)
			return planwatch.Record{User: &a}, err
		}) && d.Rows(`SELECT `+changeColumns+` FROM change_sets ORDER BY id`, func(s engine.Scanner) (planwatch.Record, error) {
			c, err := scanChange(s)
			return planwatch.Record{Change: &c}, err
		}) && d.Values(`SELECT `+seriesRowColumns+` FROM revisions r JOIN series s ON s.id = r.series ORDER BY r.cs, r.series`, lookup) && d.Rows(`SELECT orgunit, year, first_month, last_month, period_type, state, who, at, comment
			FROM approvals ORDER BY orgunit, year, first_month, last_month`, func(s engine.Scanner) (planwatch.Record, error) {
			a, err := scanApproval(s)
			return planwatch.Record{Approval: &a}, err
		}) && d.Rows(`SELECT `+targetColumns+` FROM targets ORDER BY tk, version`, func(s engine.Scanner) (planwatch.Record, error) {
			t, err := scanTarget(s)
			return planwatch.Record{Target: &t}, err
		}) && d.Rows(`SELECT `+milestoneColumns+` FROM milestones ORDER BY mk`, func(s engine.Scanner) (planwatch.Record, error) {
			m, err := scanMilestone(s)
			return planwatch.Record{Milestone: &m}, err
		}) && d.Rows(`SELECT `+noteColumns+` FROM notes ORDER BY id`, func(s engine.Scanner) (planwatch.Record, error) {
			n, err := scanNote(s)
			return planwatch.Record{Note: &n}, err
		}) && d.Rows(`SELECT `+taskColumns+` FROM tasks ORDER BY id`, func(s engine.Scanner) (planwatch.Record, error) {
			t, err := scanTask(s)
			return planwatch.Record{Task: &t}, err
		}) && d.Rows(`SELECT `+reportSettingsColumns+` FROM report_settings ORDER BY orgunit`, func(s engine.Scanner) (planwatch.Record, error) {
			rs, err := scanReportSettings(s)
			return planwatch.Record{ReportSettings: &rs}, err
		}) && engine.DumpAll(d, maps, mapsErr, func(m *planwatch.Mapping) planwatch.Record {
			return planwatch.Record{Mapping: m}
		}) && engine.DumpAll(d, ruleRecs, rulesErr, func(r *planwatch.RuleRecord) planwatch.Record {
			return planwatch.Record{Rule: r}
		}) && d.Rows(`SELECT `+auditColumns+` FROM audit ORDER BY id`, func(s engine.Scanner) (planwatch.Record, error) {
			e, err := scanAudit(s)
			return planwatch.Record{Audit: &e}, err
		})
	}
}

// Restore stores records as they are, in one transaction: revisions keep
// their numbers, authors and times, notes, tasks and audit entries their ids,
// accounts their password hashes. ECONFLICT if the database already holds
// data (accounts and approvals included).
func (db *DB) Restore(ctx context.Context, records iter.Seq2[planwatch.Record, error]) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return internal("Restore", err)
	}
	defer tx.Rollback()
	var used bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM indicators) OR EXISTS (SELECT 1 FROM orgunits)
		OR EXISTS (SELECT 1 FROM change_sets) OR EXISTS (SELECT 1 FROM audit)
		OR EXISTS (SELECT 1 FROM accounts) OR EXISTS (SELECT 1 FROM approvals)`).Scan(&used); err != nil {
		return internal("Restore", err)
	}
	if used {
		return planwatch.Errorf(planwatch.ECONFLICT, "cơ sở dữ liệu đích không trống (the target database is not empty)")
	}
	var rs engine.Restoring
	for r, err := range records {
		if err != nil {
			return err
		}
		switch {
		case r.Change != nil:
			rs.Change(*r.Change)
		case r.Value != nil:
			rs.Value(*r.Value, r.Seq)
		default:
			if err := restoreOne(ctx, tx, r); err != nil {
				return internal("Restore", err)
			}
		}
	}
	if err := db.restoreValues(ctx, tx, &rs); err != nil {
		return internal("Restore", err)
	}
	return internal("Restore", tx.Commit())
}

func restoreOne(ctx context.Context, tx *sql.Tx, r planwatch.Record) error {
	var err error
	switch {
	case r.Indicator != nil:
		ind := r.Indicator
		_, err = tx.ExecContext(ctx, `INSERT INTO indicators (`+engine.IndicatorColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			engine.IndicatorArgs(nil, ind)...)
	case r.IndicatorVersion != nil:
		v := r.IndicatorVersion
		_, err = tx.ExecContext(ctx, `INSERT INTO indicator_versions (version, at, who, src, note, `+engine.IndicatorColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			engine.IndicatorArgs([]any{v.Version, formatTime(v.At), v.By, v.From, v.Note}, &v.Indicator)...)
	case r.IndicatorSet != nil:
		err = writeSet(ctx, tx, r.IndicatorSet)
	case r.UnitGroup != nil:
		err = writeGroup(ctx, tx, r.UnitGroup)
	case r.OrgUnit != nil:
		u := r.OrgUnit
		_, err = tx.ExecContext(ctx, `INSERT INTO orgunits (code, valid_from, valid_to, name, full_name, type, name_en, parent, level)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, u.Code, formatDate(u.ValidFrom), formatDate(u.ValidTo), u.Name, u.FullName,
			u.Type, u.NameEN, u.Parent, u.Level)
	case r.Transition != nil:
		t := r.Transition
		_, err = tx.ExecContext(ctx, `INSERT INTO transitions (old, new, date, full, basis, weight) VALUES (?, ?, ?, ?, ?, ?)`,
			t.Old, t.New, formatDate(t.Date), boolInt(t.Full), t.Basis, t.Weight)
	case r.User != nil:
		a := r.User
		_, err = tx.ExecContext(ctx, `INSERT INTO accounts (name, password_hash, role, units, sectors, indicators, disabled, created, must_change_password)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.Name, a.PasswordHash, a.Role, codesJSON(a.Units), codesJSON(a.Sectors),
			codesJSON(a.Indicators), boolInt(a.Disabled), formatTime(a.Created), boolInt(a.MustChangePassword))
	case r.Approval != nil:
		a, p := r.Approval, r.Approval.Period
		_, err = tx.ExecContext(ctx, `INSERT INTO approvals (orgunit, period, year, first_month, last_month, period_type, state, who, at, comment)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.Unit, p.ID(), p.Year, p.First, p.Last, int(p.Type), string(a.State),
			a.By, formatTime(a.At), a.Comment)
	case r.Target != nil:
		t := r.Target
		_, err = tx.ExecContext(ctx, `INSERT INTO targets (tk, indicator, orgunit, year, kind, version, value,
			adjusted, adopted, source_kind, source_ref, source_row, source_sentence, source_formula, who, at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, engine.TargetKey(t), t.Indicator, t.Unit, t.Year,
			string(t.Kind), t.Version, t.Value, boolInt(t.Adjusted), formatDate(t.Adopted), string(t.Source.Kind),
			t.Source.Ref, t.Source.Row, t.Source.Sentence, t.Source.Formula, t.By, formatTime(t.At))
	case r.Milestone != nil:
		m := r.Milestone
		_, err = tx.ExecContext(ctx, `INSERT INTO milestones (mk, indicator, orgunit, period, year, first_month,
			last_month, period_type, share, bound, target_kind, source_kind, source_ref, source_row, source_sentence,
			source_formula, who, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			engine.MilestoneKey(m), m.Indicator, m.Unit, m.Period.ID(), m.Period.Year, m.Period.First, m.Period.Last,
			int(m.Period.Type), m.Share, string(m.Bound), string(m.TargetKind), string(m.Source.Kind), m.Source.Ref,
			m.Source.Row, m.Source.Sentence, m.Source.Formula, m.By, formatTime(m.At))
	case r.Note != nil:
		n := r.Note
		_, err = tx.ExecContext(ctx, `INSERT INTO notes (id, sector, orgunit, period, year, first_month, last_month,
			period_type, text, who, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, n.ID, n.Sector, n.Unit, n.Period.ID(),
			n.Period.Year, n.Period.First, n.Period.Last, int(n.Period.Type), n.Text, n.By, formatTime(n.At))
	case r.Task != nil:
		t := r.Task
		_, err = tx.ExecContext(ctx, `INSERT INTO tasks (id, orgunit, sector, text, owner, due, year, first_month,
			last_month, period_type, status, indicators, who, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			t.ID, t.Unit, t.Sector, t.Text, t.Owner, t.Due.ID(), t.Due.Year, t.Due.First, t.Due.Last, int(t.Due.Type),
			string(t.Status), jsonStrings(t.Indicators), t.By, formatTime(t.At))
	case r.ReportSettings != nil:
		err = insertReportSettings(ctx, tx, r.ReportSettings)
	case r.Mapping != nil:
		err = insertMapping(ctx, tx, *r.Mapping)
	case r.Rule != nil:
		err = engine.RestoreRule(ctx, tx, sqlitePh, r.Rule)
	case r.Audit != nil:
		e := r.Audit
		_, err = tx.ExecContext(ctx, `INSERT INTO audit (id, at, who, src, action, entity, old, new, detail, prev, hash)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.ID, formatTime(e.At), e.By, e.From, e.Action, e.Entity, e.Old, e.New, e.Detail, e.Prev, e.Hash)
	}
	return err
}

// restoreValues writes the change sets and values of a copy, keeping their
// numbers.
func (db *DB) restoreValues(ctx context.Context, tx *sql.Tx, rs *engine.Restoring) error {
	rs.Finish(db.now())
	for _, c := range rs.Changes {
		if _, err := newChangeSet(ctx, tx, c); err != nil {
			return err
		}
	}
	ids, err := reader{db: db, tx: tx}.Series(ctx, rs.SeriesKeys())
	if err != nil {
		return err
	}
	return rs.Each(func(seq int64, w *engine.SeriesWrite) error {
		w.ID = ids[w.SeriesKey]
		return writeSeries(ctx, tx, []*engine.SeriesWrite{w}, seq)
	})
}
