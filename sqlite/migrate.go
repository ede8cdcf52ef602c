package sqlite

import (
	"context"
	"database/sql"
	"time"

	"planwatch"
	"planwatch/internal/engine"
)

// migrationCode is Go run within a migration's transaction, after its SQL,
// for what SQL cannot do.
var migrationCode = map[int]func(ctx context.Context, tx *sql.Tx, now time.Time) error{
	6: convertValues,
	7: chainAudit,
}

// convertValues moves the revisions of datavalues (one row each, migrations
// 001 and 005) into the compact tables of migration 006, keeping every
// revision with its number, author, time and source, grouped by the change
// set that wrote it, and drops the old tables. Revisions written before
// changes were numbered belong to change set 1 ("migrate").
func convertValues(ctx context.Context, tx *sql.Tx, now time.Time) error {
	rows, err := tx.QueryContext(ctx, `SELECT d.cs, `+legacyColumns+` FROM datavalues d ORDER BY d.cs, d.indicator, d.orgunit, d.id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	ids := map[engine.SeriesKey]int64{}
	ins, err := tx.PrepareContext(ctx, `INSERT INTO series (indicator, orgunit) VALUES (?, ?)`)
	if err != nil {
		return err
	}
	defer ins.Close()
	legacy := func(yield func(engine.LegacyRevision, error) bool) {
		for rows.Next() {
			var r engine.LegacyRevision
			var err error
			r.Value, err = scanLegacy(rows, &r.Change)
			if !yield(r, err) || err != nil {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(engine.LegacyRevision{}, err)
		}
	}
	err = engine.Regroup(legacy, func(cs int64, w *engine.SeriesWrite) error {
		if ids[w.SeriesKey] == 0 {
			res, err := ins.ExecContext(ctx, w.Indicator, w.Unit)
			if err != nil {
				return err
			}
			if ids[w.SeriesKey], err = res.LastInsertId(); err != nil {
				return err
			}
		}
		w.ID = ids[w.SeriesKey]
		return writeSeries(ctx, tx, []*engine.SeriesWrite{w}, cs)
	}, func(cs int64, d engine.ChangeDefaults, n int) error {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO change_sets (id, at, kind) VALUES (?, ?, ?)`,
			cs, formatTime(now), string(planwatch.ChangeMigrate)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE change_sets SET revisions = ?, v_who = ?, v_at = ?, v_kind = ?, v_ref = ? WHERE id = ?`,
			n, d.By, formatTime(d.At), string(d.Kind), d.Ref, cs)
		return err
	})
	if err != nil {
		return err
	}
	rows.Close()
	_, err = tx.ExecContext(ctx, `DROP TABLE current_values; DROP TABLE datavalues;`)
	return err
}

const legacyColumns = `d.indicator, d.orgunit, d.year, d.first_month, d.last_month, d.period_type, d.basis,
	d.vintage, d.revision, d.value, d.yoy, d.plan_pct, d.vs_ref, d.comment, d.deleted, d.source_kind, d.source_ref,
	d.source_row, d.source_sentence, d.source_formula, d.who, d.at`

func scanLegacy(s scanner, cs *int64) (planwatch.DataValue, error) {
	var v planwatch.DataValue
	var year, first, last, typ, vintage, deleted int
	var basis, kind, at string
	var value, yoy, planPct, vsRef sql.NullFloat64
	err := s.Scan(cs, &v.Indicator, &v.Unit, &year, &first, &last, &typ, &basis, &vintage, &v.Revision,
		&value, &yoy, &planPct, &vsRef, &v.Comment, &deleted, &kind, &v.Source.Ref, &v.Source.Row,
		&v.Source.Sentence, &v.Source.Formula, &v.By, &at)
	v.Period = period(year, first, last, typ)
	v.Basis, v.Vintage, v.Deleted = planwatch.Basis(basis), planwatch.Vintage(vintage), deleted != 0
	v.Value, v.YoY, v.PlanPct, v.VsRef = floatPtr(value), floatPtr(yoy), floatPtr(planPct), floatPtr(vsRef)
	v.Source.Kind, v.At = planwatch.SourceKind(kind), parseTime(at)
	return v, err
}
