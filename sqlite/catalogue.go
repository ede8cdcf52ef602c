package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"planwatch"
	"planwatch/internal/engine"
)

var _ planwatch.CatalogueEditor = (*DB)(nil)

// ApplyCatalogue checks a catalogue change (engine.PlanCatalogue) and
// stores it in one transaction: each changed indicator and its new version,
// the sets and groups, an audit entry per change, and the conversion of
// values and targets a change of unit asked for, as a change set of its own
// before the catalogue's. EINVALID listing every problem: nothing stored.
func (db *DB) ApplyCatalogue(ctx context.Context, c *planwatch.CatalogueChange) (planwatch.CatalogueResult, error) {
	if c == nil {
		return planwatch.CatalogueResult{}, planwatch.Errorf(planwatch.EINVALID, "không có thay đổi (empty change)")
	}
	now := db.now()
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return planwatch.CatalogueResult{}, internal("ApplyCatalogue", err)
	}
	defer tx.Rollback()
	p, err := engine.PlanCatalogue(ctx, c, catalogueReader{db, tx}, now)
	if err != nil {
		return planwatch.CatalogueResult{}, keepInvalid("ApplyCatalogue", err)
	}
	var data planwatch.Change
	if p.Convert != nil {
		p.Convert.DryRun = c.DryRun
		b, err := engine.Collect(p.Convert, engine.Values(p.Convert.Values), now)
		if err != nil {
			return p.Result, keepInvalid("ApplyCatalogue", err)
		}
		b.WantChanged = db.observers.Any()
		vp, err := engine.Prepare(ctx, p.Convert, b, now, reader{db: db, tx: tx, dryRun: c.DryRun, units: &unitMemo{}})
		if err != nil {
			return p.Result, internal("ApplyCatalogue", err)
		}
		if len(vp.Problems) > 0 {
			return p.Result, engine.Invalid(vp.Problems)
		}
		p.Result.Converted = vp.Result
		if !c.DryRun && !vp.Empty() {
			if data.Seq, err = newChangeSet(ctx, tx, vp.Record(0)); err != nil {
				return p.Result, internal("ApplyCatalogue", err)
			}
			if err := write(ctx, tx, vp, data.Seq); err != nil {
				return p.Result, internal("ApplyCatalogue", err)
			}
			data.Kind, data.Values = planwatch.ChangeData, vp.Changed()
		}
	}
	if c.DryRun || p.Empty() {
		return p.Result, nil
	}
	if err := writeCatalogue(ctx, tx, p); err != nil {
		return p.Result, internal("ApplyCatalogue", err)
	}
	seq, err := newChangeSet(ctx, tx, planwatch.ChangeRecord{Kind: planwatch.ChangeCatalog, At: now, By: c.By, From: c.From})
	if err != nil {
		return p.Result, internal("ApplyCatalogue", err)
	}
	if err := tx.Commit(); err != nil {
		return p.Result, internal("ApplyCatalogue", err)
	}
	if data.Seq > 0 {
		db.observers.Notify(data)
	}
	db.observers.Notify(planwatch.Change{Seq: seq, Kind: planwatch.ChangeCatalog})
	return p.Result, nil
}

// keepInvalid passes an EINVALID error on as it is and wraps any other.
func keepInvalid(op string, err error) error {
	if planwatch.ErrorCode(err) == planwatch.EINVALID {
		return err
	}
	return internal(op, err)
}

func writeCatalogue(ctx context.Context, tx *sql.Tx, p *engine.CataloguePlan) error {
	aw, err := newAuditWriter(ctx, tx)
	if err != nil {
		return err
	}
	defer aw.Close()
	if err := p.WriteCategories(ctx, tx, categoryDocs, func(e planwatch.AuditEntry) error { return aw.add(ctx, e) }); err != nil {
		return err
	}
	for i, ch := range p.Indicators {
		if _, err := tx.ExecContext(ctx, upsertIndicator, engine.IndicatorArgs(nil, &ch.Indicator)...); err != nil {
			return err
		}
		v := &p.Versions[i]
		if _, err := tx.ExecContext(ctx, `INSERT INTO indicator_versions (version, at, who, src, note, `+engine.IndicatorColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			engine.IndicatorArgs([]any{v.Version, formatTime(v.At), v.By, v.From, v.Note}, &v.Indicator)...); err != nil {
			return err
		}
		if err := aw.add(ctx, ch.Audit); err != nil {
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
		if err := aw.add(ctx, e); err != nil {
			return err
		}
	}
	return nil
}

// writeSet replaces the set of s's unit and year (removes it when s has no items).
func writeSet(ctx context.Context, tx *sql.Tx, s *planwatch.IndicatorSet) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM indicator_sets WHERE orgunit = ? AND year = ?`, s.Unit, s.Year); err != nil {
		return err
	}
	if len(s.Items) == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO indicator_sets (orgunit, year, source, who, at) VALUES (?, ?, ?, ?, ?)`,
		s.Unit, s.Year, s.Source, s.By, formatTime(s.At)); err != nil {
		return err
	}
	for _, it := range s.Items {
		if _, err := tx.ExecContext(ctx, `INSERT INTO indicator_set_items (orgunit, year, indicator, target_kinds) VALUES (?, ?, ?, ?)`,
			s.Unit, s.Year, it.Indicator, planwatch.JoinTargetKinds(it.TargetKinds)); err != nil {
			return err
		}
	}
	return nil
}

// writeGroup replaces the group of g's code (removes it when g has no units).
func writeGroup(ctx context.Context, tx *sql.Tx, g *planwatch.UnitGroup) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM unit_groups WHERE code = ?`, g.Code); err != nil {
		return err
	}
	if len(g.Units) == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO unit_groups (code, name_vi, name_en, who, at) VALUES (?, ?, ?, ?, ?)`,
		g.Code, g.NameVI, g.NameEN, g.By, formatTime(g.At)); err != nil {
		return err
	}
	for _, u := range g.Units {
		if _, err := tx.ExecContext(ctx, `INSERT INTO unit_group_members (grp, orgunit) VALUES (?, ?)`, g.Code, u); err != nil {
			return err
		}
	}
	return nil
}

// IndicatorHistory returns every version of an indicator, oldest first.
func (db *DB) IndicatorHistory(ctx context.Context, code string) ([]planwatch.IndicatorVersion, error) {
	out, err := indicatorVersions(ctx, db.r, `WHERE code = ?`, code)
	return out, internal("IndicatorHistory", err)
}

func indicatorVersions(ctx context.Context, q queryer, where string, args ...any) ([]planwatch.IndicatorVersion, error) {
	return engine.Query(ctx, q, func(s engine.Scanner) (planwatch.IndicatorVersion, error) {
		var v planwatch.IndicatorVersion
		var at string
		err := engine.ScanIndicatorVersion(s, &v, &at)
		v.At = parseTime(at)
		return v, err
	}, `SELECT version, at, who, src, note, `+engine.IndicatorColumns+` FROM indicator_versions `+where+` ORDER BY code, version`, args...)
}

// IndicatorSets returns the sets of a unit and year ("" and 0: any).
func (db *DB) IndicatorSets(ctx context.Context, unit string, year int) ([]planwatch.IndicatorSet, error) {
	out, err := indicatorSets(ctx, db.r, unit, year)
	return out, internal("IndicatorSets", err)
}

func indicatorSets(ctx context.Context, q queryer, unit string, year int) ([]planwatch.IndicatorSet, error) {
	var where []string
	var args []any
	if unit != "" {
		where, args = append(where, "s.orgunit = ?"), append(args, unit)
	}
	if year != 0 {
		where, args = append(where, "s.year = ?"), append(args, year)
	}
	w := ""
	if len(where) > 0 {
		w = " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := engine.Query(ctx, q, func(s engine.Scanner) (engine.SetRow, error) {
		var r engine.SetRow
		var at string
		err := s.Scan(&r.Set.Unit, &r.Set.Year, &r.Set.Source, &r.Set.By, &at, &r.Item.Indicator, &r.Kinds)
		r.Set.At = parseTime(at)
		return r, err
	}, `SELECT s.orgunit, s.year, s.source, s.who, s.at, i.indicator, i.target_kinds
		FROM indicator_sets s JOIN indicator_set_items i ON i.orgunit = s.orgunit AND i.year = s.year`+w+`
		ORDER BY s.orgunit, s.year, i.indicator`, args...)
	return engine.GroupSets(rows), err
}

// UnitGroups returns every unit group by code, its units sorted.
func (db *DB) UnitGroups(ctx context.Context) ([]planwatch.UnitGroup, error) {
	out, err := unitGroups(ctx, db.r)
	return out, internal("UnitGroups", err)
}

func unitGroups(ctx context.Context, q queryer) ([]planwatch.UnitGroup, error) {
	rows, err := engine.Query(ctx, q, func(s engine.Scanner) (engine.GroupRow, error) {
		var r engine.GroupRow
		var at string
		err := s.Scan(&r.Group.Code, &r.Group.NameVI, &r.Group.NameEN, &r.Group.By, &at, &r.Unit)
		r.Group.At = parseTime(at)
		return r, err
	}, `SELECT g.code, g.name_vi, g.name_en, g.who, g.at, m.orgunit
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
		WHERE s.indicator = ? ORDER BY r.series, r.cs`, code)
	if err != nil {
		return nil, err
	}
	return engine.CurrentValues(rows, lookup)
}

func (r catalogueReader) CurrentTargets(ctx context.Context, code string) ([]planwatch.Target, error) {
	all, err := engine.Query(ctx, r.tx, scanTarget, `SELECT `+targetColumns+` FROM targets WHERE indicator = ? ORDER BY tk, version`, code)
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
