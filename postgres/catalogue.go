package postgres

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"planwatch"
	"planwatch/internal/engine"
)

var _ planwatch.CatalogueEditor = (*DB)(nil)

// ApplyCatalogue checks a catalogue change (engine.PlanCatalogue) and
// stores it in one transaction, the catalogue locked against another
// change: each changed indicator and its new version, the sets and groups,
// an audit entry per change, and the conversion of values and targets a
// change of unit asked for, as a change set of its own before the
// catalogue's. EINVALID listing every problem: nothing stored.
func (db *DB) ApplyCatalogue(ctx context.Context, c *planwatch.CatalogueChange) (planwatch.CatalogueResult, error) {
	if c == nil {
		return planwatch.CatalogueResult{}, planwatch.Errorf(planwatch.EINVALID, "không có thay đổi (empty change)")
	}
	now := db.now()
	var res planwatch.CatalogueResult
	var data, cat planwatch.Change
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		data, cat = planwatch.Change{}, planwatch.Change{}
		// The old values in the audit trail and the version numbers must
		// be the ones replaced.
		if _, err := tx.ExecContext(ctx, `LOCK TABLE indicators IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return err
		}
		p, err := engine.PlanCatalogue(ctx, c, catalogueReader{db, tx}, now)
		if err != nil {
			return err
		}
		res = p.Result
		if p.Convert != nil {
			p.Convert.DryRun = c.DryRun
			b, err := engine.Collect(p.Convert, engine.Values(p.Convert.Values), now)
			if err != nil {
				return err
			}
			b.WantChanged = db.observers.Any()
			vp, err := engine.Prepare(ctx, p.Convert, b, now, reader{db: db, tx: tx, dryRun: c.DryRun})
			if err != nil {
				return err
			}
			if len(vp.Problems) > 0 {
				return engine.Invalid(vp.Problems)
			}
			res.Converted = vp.Result
			if !c.DryRun && !vp.Empty() {
				if data.Seq, err = db.newChangeSet(ctx, tx, vp.Record(0)); err != nil {
					return err
				}
				if err := write(ctx, tx, vp, data.Seq); err != nil {
					return err
				}
				data.Kind, data.Values = planwatch.ChangeData, vp.Changed()
			}
		}
		if c.DryRun {
			return errDryRun
		}
		if p.Empty() {
			return nil
		}
		if err := writeCatalogue(ctx, tx, p); err != nil {
			return err
		}
		cat.Kind = planwatch.ChangeCatalog
		cat.Seq, err = db.newChangeSet(ctx, tx, planwatch.ChangeRecord{Kind: planwatch.ChangeCatalog, At: now, By: c.By, From: c.From})
		return err
	})
	if errors.Is(err, errDryRun) {
		return res, nil
	}
	if err != nil {
		if planwatch.ErrorCode(err) == planwatch.EINVALID {
			return res, err
		}
		return res, internal("ApplyCatalogue", err)
	}
	if data.Seq > 0 {
		db.observers.Notify(data)
	}
	if cat.Seq > 0 {
		db.observers.Notify(cat)
	}
	return res, nil
}

func writeCatalogue(ctx context.Context, tx *sql.Tx, p *engine.CataloguePlan) error {
	if err := p.WriteCategories(ctx, tx, categoryDocs, func(e planwatch.AuditEntry) error { return addAudit(ctx, tx, e) }); err != nil {
		return err
	}
	for i, ch := range p.Indicators {
		if _, err := tx.ExecContext(ctx, upsertIndicator, engine.IndicatorArgs(nil, &ch.Indicator)...); err != nil {
			return err
		}
		v := &p.Versions[i]
		at, ns := splitTime(v.At)
		if _, err := tx.ExecContext(ctx, `INSERT INTO indicator_versions (version, at, at_ns, who, src, note, `+engine.IndicatorColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)`,
			engine.IndicatorArgs([]any{v.Version, at, ns, v.By, v.From, v.Note}, &v.Indicator)...); err != nil {
			return err
		}
		if err := addAudit(ctx, tx, ch.Audit); err != nil {
			return err
		}
	}
	for _, s := range p.Sets {
		if err := writeSet(ctx, tx, &s); err != nil {
			return err
		}
	}
	for _, g := range p.Groups {
		if err := writeGroup(ctx, tx, &g); err != nil {
			return err
		}
	}
	for _, e := range p.Audit {
		if err := addAudit(ctx, tx, e); err != nil {
			return err
		}
	}
	return nil
}

// writeSet replaces the set of s's unit and year (removes it when s has no items).
func writeSet(ctx context.Context, tx *sql.Tx, s *planwatch.IndicatorSet) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM indicator_sets WHERE orgunit = $1 AND year = $2`, s.Unit, s.Year); err != nil {
		return err
	}
	if len(s.Items) == 0 {
		return nil
	}
	at, ns := splitTime(s.At)
	if _, err := tx.ExecContext(ctx, `INSERT INTO indicator_sets (orgunit, year, source, who, at, at_ns) VALUES ($1, $2, $3, $4, $5, $6)`,
		s.Unit, s.Year, s.Source, s.By, at, ns); err != nil {
		return err
	}
	for _, it := range s.Items {
		if _, err := tx.ExecContext(ctx, `INSERT INTO indicator_set_items (orgunit, year, indicator, target_kinds) VALUES ($1, $2, $3, $4)`,
			s.Unit, s.Year, it.Indicator, planwatch.JoinTargetKinds(it.TargetKinds)); err != nil {
			return err
		}
	}
	return nil
}

// writeGroup replaces the group of g's code (removes it when g has no units).
func writeGroup(ctx context.Context, tx *sql.Tx, g *planwatch.UnitGroup) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM unit_groups WHERE code = $1`, g.Code); err != nil {
		return err
	}
	if len(g.Units) == 0 {
		return nil
	}
	at, ns := splitTime(g.At)
	if _, err := tx.ExecContext(ctx, `INSERT INTO unit_groups (code, name_vi, name_en, who, at, at_ns) VALUES ($1, $2, $3, $4, $5, $6)`,
		g.Code, g.NameVI, g.NameEN, g.By, at, ns); err != nil {
		return err
	}
	for _, u := range g.Units {
		if _, err := tx.ExecContext(ctx, `INSERT INTO unit_group_members (grp, orgunit) VALUES ($1, $2)`, g.Code, u); err != nil {
			return err
		}
	}
	return nil
}

// IndicatorHistory returns every version of an indicator, oldest first.
func (db *DB) IndicatorHistory(ctx context.Context, code string) ([]planwatch.IndicatorVersion, error) {
	out, err := indicatorVersions(ctx, db.w, `WHERE code = $1`, code)
	return out, internal("IndicatorHistory", err)
}

func indicatorVersions(ctx context.Context, q engine.Queryer, where string, args ...any) ([]planwatch.IndicatorVersion, error) {
	return engine.Query(ctx, q, func(s engine.Scanner) (planwatch.IndicatorVersion, error) {
		var v planwatch.IndicatorVersion
		var at time.Time
		var ns int
		err := engine.ScanIndicatorVersion(s, &v, &at, &ns)
		v.At = joinTime(at, ns)
		return v, err
	}, `SELECT version, at, at_ns, who, src, note, `+engine.IndicatorColumns+` FROM indicator_versions `+where+` ORDER BY code, version`, args...)
}

// IndicatorSets returns the sets of a unit and year ("" and 0: any).
func (db *DB) IndicatorSets(ctx context.Context, unit string, year int) ([]planwatch.IndicatorSet, error) {
	out, err := indicatorSets(ctx, db.r, unit, year)
	return out, internal("IndicatorSets", err)
}

func indicatorSets(ctx context.Context, q engine.Queryer, unit string, year int) ([]planwatch.IndicatorSet, error) {
	var w where
	if unit != "" {
		w.add("s.orgunit = " + w.arg(unit))
	}
	if year != 0 {
		w.add("s.year = " + w.arg(year))
	}
	rows, err := engine.Query(ctx, q, func(s engine.Scanner) (engine.SetRow, error) {
		var r engine.SetRow
		var at time.Time
		var ns int
		err := s.Scan(&r.Set.Unit, &r.Set.Year, &r.Set.Source, &r.Set.By, &at, &ns, &r.Item.Indicator, &r.Kinds)
		r.Set.At = joinTime(at, ns)
		return r, err
	}, `SELECT s.orgunit, s.year, s.source, s.who, s.at, s.at_ns, i.indicator, i.target_kinds
		FROM indicator_sets s JOIN indicator_set_items i ON i.orgunit = s.orgunit AND i.year = s.year`+w.String()+`
		ORDER BY s.orgunit, s.year, i.indicator`, w.args...)
	return engine.GroupSets(rows), err
}

// UnitGroups returns every unit group by code, its units sorted.
func (db *DB) UnitGroups(ctx context.Context) ([]planwatch.UnitGroup, error) {
	out, err := unitGroups(ctx, db.r)
	return out, internal("UnitGroups", err)
}

func unitGroups(ctx context.Context, q engine.Queryer) ([]planwatch.UnitGroup, error) {
	rows, err := engine.Query(ctx, q, func(s engine.Scanner) (engine.GroupRow, error) {
		var r engine.GroupRow
		var at time.Time
		var ns int
		err := s.Scan(&r.Group.Code, &r.Group.NameVI, &r.Group.NameEN, &r.Group.By, &at, &ns, &r.Unit)
		r.Group.At = joinTime(at, ns)
		return r, err
	}, `SELECT g.code, g.name_vi, g.name_en, g.who, g.at, g.at_ns, m.orgunit
		FROM unit_groups g JOIN unit_group_members m ON m.grp = g.code ORDER BY g.code, m.orgunit`)
	return engine.GroupGroups(rows), err
}

// catalogueReader is the engine.CatalogueReader of an ApplyCatalogue.
type catalogueReader struct {
	db *DB
	tx *sql.Tx
}

func (r catalogueReader) Indicators(ctx context.Context) ([]planwatch.Indicator, error) {
	return indicators(ctx, r.tx)
}

func (r catalogueReader) LatestVersions(ctx context.Context) (map[string]int, error) {
	return engine.LatestVersions(ctx, r.tx)
}

func (r catalogueReader) KnownUnits(ctx context.Context, codes []string) (map[string]bool, error) {
	return reader{db: r.db, tx: r.tx, dryRun: true}.existing(ctx, "orgunits", "code", codes)
}

func (r catalogueReader) CurrentValues(ctx context.Context, code string) ([]planwatch.DataValue, error) {
	lookup, err := r.db.defaults.Since(ctx, defaultsSince(r.tx))
	if err != nil {
		return nil, err
	}
	rows, err := r.tx.QueryContext(ctx, `SELECT `+seriesRowColumns+` FROM revisions r JOIN series s ON s.id = r.series
		WHERE s.indicator = $1 ORDER BY r.series, r.cs`, code)
	if err != nil {
		return nil, err
	}
	return engine.CurrentValues(rows, lookup)
}

func (r catalogueReader) CurrentTargets(ctx context.Context, code string) ([]planwatch.Target, error) {
	all, err := engine.Query(ctx, r.tx, scanTarget, `SELECT `+targetColumns+` FROM targets WHERE indicator = $1 ORDER BY tk, version`, code)
	return engine.CurrentTargets(all), err
}

func (r catalogueReader) IndicatorSets(ctx context.Context) ([]planwatch.IndicatorSet, error) {
	return indicatorSets(ctx, r.tx, "", 0)
}

func (r catalogueReader) UnitGroups(ctx context.Context) ([]planwatch.UnitGroup, error) {
	return unitGroups(ctx, r.tx)
}

func (r catalogueReader) Categories(ctx context.Context) ([]planwatch.Category, error) {
	bodies, err := categoryDocs.Bodies(ctx, r.tx)
	if err != nil {
		return nil, err
	}
	return engine.DecodeCategories(bodies)
}
