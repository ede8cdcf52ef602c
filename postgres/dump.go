package postgres

import (
	"context"
	"database/sql"
	"iter"

	"planwatch"
)

var (
	_ planwatch.Dumper   = (*DB)(nil)
	_ planwatch.Restorer = (*DB)(nil)
)

// Dump yields every row, table by table, from one snapshot of the primary
// (a repeatable-read, read-only transaction).
func (db *DB) Dump(ctx context.Context) iter.Seq2[planwatch.Record, error] {
	return func(yield func(planwatch.Record, error) bool) {
		tx, err := db.w.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
		if err != nil {
			yield(planwatch.Record{}, internal("Dump", err))
			return
		}
		defer tx.Rollback()
		each := func(query string, scan func(*sql.Rows) (planwatch.Record, error)) bool {
			rows, err := tx.QueryContext(ctx, query)
			if err != nil {
				yield(planwatch.Record{}, internal("Dump", err))
				return false
			}
			defer rows.Close()
			for rows.Next() {
				r, err := scan(rows)
				if err != nil {
					yield(planwatch.Record{}, internal("Dump", err))
					return false
				}
				if !yield(r, nil) {
					return false
				}
			}
			if err := rows.Err(); err != nil {
				yield(planwatch.Record{}, internal("Dump", err))
				return false
			}
			return true
		}
		inds, err := indicators(ctx, tx)
		if err != nil {
			yield(planwatch.Record{}, internal("Dump", err))
			return
		}
		for i := range inds {
			if !yield(planwatch.Record{Indicator: &inds[i]}, nil) {
				return
			}
		}
		units, err := orgUnits(ctx, tx)
		if err != nil {
			yield(planwatch.Record{}, internal("Dump", err))
			return
		}
		for i := range units {
			if !yield(planwatch.Record{OrgUnit: &units[i]}, nil) {
				return
			}
		}
		trans, err := transitions(ctx, tx)
		if err != nil {
			yield(planwatch.Record{}, internal("Dump", err))
			return
		}
		for i := range trans {
			if !yield(planwatch.Record{Transition: &trans[i]}, nil) {
				return
			}
		}
		_ = each(`SELECT `+valueColumns+` FROM datavalues d ORDER BY d.id`, func(r *sql.Rows) (planwatch.Record, error) {
			_, v, err := scanValue(r)
			return planwatch.Record{Value: &v}, err
		}) && each(`SELECT `+targetColumns+` FROM targets ORDER BY tk, version`, func(r *sql.Rows) (planwatch.Record, error) {
			t, err := scanTarget(r)
			return planwatch.Record{Target: &t}, err
		}) && each(`SELECT `+milestoneColumns+` FROM milestones ORDER BY mk`, func(r *sql.Rows) (planwatch.Record, error) {
			m, err := scanMilestone(r)
			return planwatch.Record{Milestone: &m}, err
		}) && each(`SELECT `+noteColumns+` FROM notes ORDER BY id`, func(r *sql.Rows) (planwatch.Record, error) {
			n, err := scanNote(r)
			return planwatch.Record{Note: &n}, err
		}) && each(`SELECT `+taskColumns+` FROM tasks ORDER BY id`, func(r *sql.Rows) (planwatch.Record, error) {
			t, err := scanTask(r)
			return planwatch.Record{Task: &t}, err
		}) && each(`SELECT id, at, at_ns, who, src, action, entity, old, new, detail FROM audit ORDER BY id`, func(r *sql.Rows) (planwatch.Record, error) {
			e, err := scanAudit(r)
			return planwatch.Record{Audit: &e}, err
		})
	}
}

// restoredHead is what Restore keeps of the latest revision of each key and
// vintage, to set the current values at the end.
type restoredHead struct {
	id       int64
	v        planwatch.DataValue
	revision int
}

// Restore stores records as they are, in one transaction on the primary:
// revisions keep their numbers, authors and times, notes, tasks and audit
// entries their ids. ECONFLICT if the database already holds data.
func (db *DB) Restore(ctx context.Context, records iter.Seq2[planwatch.Record, error]) error {
	err := db.tryTx(ctx, func(tx *sql.Tx) error {
		var used bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM indicators) OR EXISTS (SELECT 1 FROM orgunits)
			OR EXISTS (SELECT 1 FROM datavalues) OR EXISTS (SELECT 1 FROM audit)`).Scan(&used); err != nil {
			return err
		}
		if used {
			return planwatch.Errorf(planwatch.ECONFLICT, "cơ sở dữ liệu đích không trống (the target database is not empty)")
		}
		heads := map[string]*[4]*restoredHead{}
		var keys []string
		for r, err := range records {
			if err != nil {
				return err
			}
			if err := restoreOne(ctx, tx, r, heads, &keys); err != nil {
				return err
			}
		}
		for _, k := range keys {
			hs := heads[k]
			var revs []planwatch.DataValue
			var some *restoredHead
			for _, h := range hs {
				if h != nil {
					revs, some = append(revs, h.v), h
				}
			}
			var cur *int64
			if c, ok := planwatch.Current(revs); ok {
				cur = &hs[c.Vintage].id
			}
			p := some.v.Period
			if _, err := tx.ExecContext(ctx, `INSERT INTO value_heads (k, current_id, indicator, orgunit, start_month, end_month)
				VALUES ($1, $2, $3, $4, $5, $6)`, k, cur, some.v.Indicator, some.v.Unit, p.Year*100+p.First, p.Year*100+p.Last); err != nil {
				return err
			}
		}
		// Identity columns continue after the copied ids.
		for _, t := range []string{"datavalues", "notes", "tasks", "audit"} {
			if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), coalesce(max(id), 0) + 1, false) FROM `+t); err != nil {
				return err
			}
		}
		return nil
	})
	return internal("Restore", err)
}

func restoreOne(ctx context.Context, tx *sql.Tx, r planwatch.Record, heads map[string]*[4]*restoredHead, keys *[]string) error {
	var err error
	switch {
	case r.Indicator != nil:
		ind := r.Indicator
		_, err = tx.ExecContext(ctx, `INSERT INTO indicators (code, name_vi, name_en, unit, sector, kind, time_agg,
			unit_agg, direction, decimals, numerator, denominator, periodicity)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			ind.Code, ind.NameVI, ind.NameEN, ind.Unit, ind.Sector, string(ind.Kind), string(ind.TimeAgg),
			string(ind.UnitAgg), int(ind.Direction), ind.Decimals, ind.Numerator, ind.Denominator, ind.Periodicity)
	case r.OrgUnit != nil:
		u := r.OrgUnit
		_, err = tx.ExecContext(ctx, `INSERT INTO orgunits (code, valid_from, valid_to, name, full_name, type, name_en, parent, level)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			u.Code, date(u.ValidFrom), date(u.ValidTo), u.Name, u.FullName, u.Type, u.NameEN, u.Parent, u.Level)
	case r.Transition != nil:
		t := r.Transition
		_, err = tx.ExecContext(ctx, `INSERT INTO transitions (old, new, date, "full", basis, weight) VALUES ($1, $2, $3, $4, $5, $6)`,
			t.Old, t.New, date(t.Date), t.Full, t.Basis, t.Weight)
	case r.Value != nil:
		v := r.Value
		var c valueCols
		var id int64
		if err := tx.QueryRowContext(ctx, `SELECT nextval(pg_get_serial_sequence('datavalues', 'id'))`).Scan(&id); err != nil {
			return err
		}
		c.add(id, v)
		if err := c.insert(ctx, tx); err != nil {
			return err
		}
		k := v.Key.String()
		hs := heads[k]
		if hs == nil {
			hs = new([4]*restoredHead)
			heads[k] = hs
			*keys = append(*keys, k)
		}
		if v.Vintage >= planwatch.Estimate && v.Vintage <= planwatch.Official {
			if h := hs[v.Vintage]; h == nil || v.Revision > h.revision {
				hs[v.Vintage] = &restoredHead{id: id, v: *v, revision: v.Revision}
			}
		}
	case r.Target != nil:
		err = insertTarget(ctx, tx, r.Target)
	case r.Milestone != nil:
		err = upsertMilestone(ctx, tx, r.Milestone)
	case r.Note != nil:
		n := r.Note
		at, ns := splitTime(n.At)
		_, err = tx.ExecContext(ctx, `INSERT INTO notes (id, sector, orgunit, period, year, first_month, last_month,
			period_type, text, who, at, at_ns) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			n.ID, n.Sector, n.Unit, n.Period.ID(), n.Period.Year, n.Period.First, n.Period.Last, int(n.Period.Type),
			n.Text, n.By, at, ns)
	case r.Task != nil:
		t := r.Task
		at, ns := splitTime(t.At)
		_, err = tx.ExecContext(ctx, `INSERT INTO tasks (id, orgunit, sector, text, owner, due, year, first_month,
			last_month, period_type, status, indicators, who, at, at_ns)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
			t.ID, t.Unit, t.Sector, t.Text, t.Owner, t.Due.ID(), t.Due.Year, t.Due.First, t.Due.Last, int(t.Due.Type),
			string(t.Status), strs(t.Indicators), t.By, at, ns)
	case r.Audit != nil:
		e := r.Audit
		at, ns := splitTime(e.At)
		_, err = tx.ExecContext(ctx, `INSERT INTO audit (id, at, at_ns, who, src, action, entity, old, new, detail)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, e.ID, at, ns, e.By, e.From, e.Action, e.Entity, e.Old, e.New, e.Detail)
	}
	return err
}
