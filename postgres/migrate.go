package postgres

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
// set that wrote it (engine.Regroup), and drops the old tables. Revisions
// written before changes were numbered belong to change set 1 ("migrate").
func convertValues(ctx context.Context, tx *sql.Tx, now time.Time) error {
	rows, err := tx.QueryContext(ctx, `SELECT d.cs, `+legacyColumns+` FROM datavalues d ORDER BY d.cs, d.indicator, d.orgunit, d.id`)
	if err != nil {
		return err
	}
	defer rows.Close()
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
	var batch []*engine.SeriesWrite
	var keys []engine.SeriesKey
	ids := map[engine.SeriesKey]int64{}
	// A change set's series are written together once it ends; the series
	// rows are made as they come (another statement on tx while rows is
	// open would interrupt it, so all writes wait for the end of reading).
	type pending struct {
		cs int64
		ws []*engine.SeriesWrite
		d  engine.ChangeDefaults
		n  int
	}
	var changes []pending
	err = engine.Regroup(legacy, func(cs int64, w *engine.SeriesWrite) error {
		if _, ok := ids[w.SeriesKey]; !ok {
			ids[w.SeriesKey] = 0
			keys = append(keys, w.SeriesKey)
		}
		batch = append(batch, w)
		return nil
	}, func(cs int64, d engine.ChangeDefaults, n int) error {
		changes = append(changes, pending{cs, batch, d, n})
		batch = nil
		return nil
	})
	if err != nil {
		return err
	}
	rows.Close()
	if len(keys) > 0 {
		got, err := reader{tx: tx}.Series(ctx, keys)
		if err != nil {
			return err
		}
		ids = got
	}
	for _, c := range changes {
		for _, w := range c.ws {
			w.ID = ids[w.SeriesKey]
		}
		if err := writeSeries(ctx, tx, c.ws, c.cs); err != nil {
			return err
		}
		var vat any
		vatNS := 0
		if !c.d.At.IsZero() {
			t, ns := splitTime(c.d.At)
			vat, vatNS = t, ns
		}
		at, ns := splitTime(now)
		if _, err := tx.ExecContext(ctx, `INSERT INTO change_sets (id, at, at_ns, kind) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING`,
			c.cs, at, ns, string(planwatch.ChangeMigrate)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE change_sets SET revisions = $1, v_who = $2, v_at = $3, v_at_ns = $4, v_kind = $5, v_ref = $6
			WHERE id = $7`, c.n, c.d.By, vat, vatNS, string(c.d.Kind), c.d.Ref, c.cs); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `DROP TABLE value_heads; DROP TABLE datavalues`)
	return err
}

const legacyColumns = `d.indicator, d.orgunit, d.year, d.first_month, d.last_month, d.period_type, d.basis,
	d.vintage, d.revision, d.value, d.yoy, d.plan_pct, d.vs_ref, d.comment, d.deleted, d.source_kind, d.source_ref,
	d.source_row, d.source_sentence, d.source_formula, d.who, d.at, d.at_ns`

func scanLegacy(s scanner, cs *int64) (planwatch.DataValue, error) {
	var v planwatch.DataValue
	var year, first, last, typ, vintage, ns int
	var basis, kind string
	var value, yoy, planPct, vsRef sql.NullFloat64
	var at time.Time
	err := s.Scan(cs, &v.Indicator, &v.Unit, &year, &first, &last, &typ, &basis, &vintage, &v.Revision,
		&value, &yoy, &planPct, &vsRef, &v.Comment, &v.Deleted, &kind, &v.Source.Ref, &v.Source.Row,
		&v.Source.Sentence, &v.Source.Formula, &v.By, &at, &ns)
	v.Period = period(year, first, last, typ)
	v.Basis, v.Vintage = planwatch.Basis(basis), planwatch.Vintage(vintage)
	v.Value, v.YoY, v.PlanPct, v.VsRef = floatPtr(value), floatPtr(yoy), floatPtr(planPct), floatPtr(vsRef)
	v.Source.Kind, v.At = planwatch.SourceKind(kind), joinTime(at, ns)
	return v, err
}
