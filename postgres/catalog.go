package postgres

import (
	"context"
	"database/sql"
	"time"

	"planwatch"
	"planwatch/internal/engine"
)

// SaveIndicators inserts or replaces indicators by code: ApplyCatalogue
// with only indicators (each change a new version, audited; a change of
// meaning of an indicator with stored values refused).
func (db *DB) SaveIndicators(ctx context.Context, inds []planwatch.Indicator, by string) error {
	_, err := db.ApplyCatalogue(ctx, &planwatch.CatalogueChange{By: by, Indicators: inds})
	return err
}

// catalogChanged tells the change observers of a committed catalogue change.
func (db *DB) catalogChanged(op string, seq int64, err error) error {
	if err != nil {
		return internal(op, err)
	}
	if seq > 0 {
		db.observers.Notify(planwatch.Change{Seq: seq, Kind: planwatch.ChangeCatalog})
	}
	return nil
}

// Indicators lists the catalogue ordered by code.
func (db *DB) Indicators(ctx context.Context) ([]planwatch.Indicator, error) {
	out, err := indicators(ctx, db.r)
	return out, internal("Indicators", err)
}

// upsertIndicator inserts or replaces an indicator, given IndicatorArgs.
var upsertIndicator = `INSERT INTO indicators (` + engine.IndicatorColumns + `) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
	ON CONFLICT (code) DO UPDATE SET name_vi = excluded.name_vi, name_en = excluded.name_en,
	unit = excluded.unit, sector = excluded.sector, kind = excluded.kind, time_agg = excluded.time_agg,
	unit_agg = excluded.unit_agg, direction = excluded.direction, decimals = excluded.decimals,
	numerator = excluded.numerator, denominator = excluded.denominator, periodicity = excluded.periodicity,
	formula = excluded.formula, category = excluded.category, retired = excluded.retired`

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func indicators(ctx context.Context, q queryer) ([]planwatch.Indicator, error) {
	return engine.Query(ctx, q, engine.ScanIndicator, `SELECT `+engine.IndicatorColumns+` FROM indicators ORDER BY code`)
}

// SaveOrgUnits inserts or replaces unit versions (by code and valid-from) and
// transitions (by old, new and date) in one transaction, with one
// orgunits.save audit entry. EINVALID, listing every bad row, if a unit has no
// code or name or a transition no old or new code.
func (db *DB) SaveOrgUnits(ctx context.Context, units []planwatch.OrgUnit, transitions []planwatch.Transition, by string) error {
	if problems := engine.CheckOrgUnits(units, transitions); len(problems) > 0 {
		return engine.Invalid(problems)
	}
	now := db.now()
	var seq int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		// One statement per table: the national list has tens of thousands
		// of unit versions. A code given twice keeps its last version.
		seen := map[string]int{}
		var codes, names, fulls, types, nameENs, parents []string
		var froms []time.Time
		var tos []*time.Time
		var levels []int64
		for _, u := range units {
			key := u.Code + "\x00" + u.ValidFrom.Format(time.DateOnly)
			to := (*time.Time)(nil)
			if !u.ValidTo.IsZero() {
				d := date(u.ValidTo).(time.Time)
				to = &d
			}
			if i, ok := seen[key]; ok {
				names[i], fulls[i], types[i], nameENs[i], parents[i], tos[i], levels[i] = u.Name, u.FullName, u.Type, u.NameEN, u.Parent, to, int64(u.Level)
				continue
			}
			seen[key] = len(codes)
			codes, froms, tos = append(codes, u.Code), append(froms, date(u.ValidFrom).(time.Time)), append(tos, to)
			names, fulls, types = append(names, u.Name), append(fulls, u.FullName), append(types, u.Type)
			nameENs, parents, levels = append(nameENs, u.NameEN), append(parents, u.Parent), append(levels, int64(u.Level))
		}
		if len(codes) > 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO orgunits (code, valid_from, valid_to, name, full_name, type, name_en, parent, level)
				SELECT * FROM unnest($1::text[], $2::date[], $3::date[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::integer[])
				ON CONFLICT (code, valid_from) DO UPDATE SET valid_to = excluded.valid_to, name = excluded.name,
				full_name = excluded.full_name, type = excluded.type, name_en = excluded.name_en,
				parent = excluded.parent, level = excluded.level`,
				codes, froms, tos, names, fulls, types, nameENs, parents, levels); err != nil {
				return err
			}
		}
		tseen := map[string]int{}
		var olds, news, bases []string
		var dates []time.Time
		var fulls2 []bool
		var weights []float64
		for _, t := range transitions {
			key := t.Old + "\x00" + t.New + "\x00" + t.Date.Format(time.DateOnly)
			if i, ok := tseen[key]; ok {
				fulls2[i], bases[i], weights[i] = t.Full, t.Basis, t.Weight
				continue
			}
			tseen[key] = len(olds)
			d, _ := date(t.Date).(time.Time)
			olds, news, dates = append(olds, t.Old), append(news, t.New), append(dates, d)
			fulls2, bases, weights = append(fulls2, t.Full), append(bases, t.Basis), append(weights, t.Weight)
		}
		if len(olds) > 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO transitions (old, new, date, "full", basis, weight)
				SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::boolean[], $5::text[], $6::float8[])
				ON CONFLICT (old, new, date) DO UPDATE SET "full" = excluded."full", basis = excluded.basis, weight = excluded.weight`,
				olds, news, dates, fulls2, bases, weights); err != nil {
				return err
			}
		}
		if err := addAudit(ctx, tx, engine.OrgUnitsEntry(now, by, units, transitions)); err != nil {
			return err
		}
		var err error
		seq, err = db.newChangeSet(ctx, tx, planwatch.ChangeRecord{Kind: planwatch.ChangeCatalog, At: now, By: by})
		return err
	})
	return db.catalogChanged("SaveOrgUnits", seq, err)
}

// OrgUnits lists every version of every unit, by code and valid-from.
func (db *DB) OrgUnits(ctx context.Context) ([]planwatch.OrgUnit, error) {
	out, err := orgUnits(ctx, db.r)
	return out, internal("OrgUnits", err)
}

func orgUnits(ctx context.Context, q queryer) ([]planwatch.OrgUnit, error) {
	return engine.Query(ctx, q, scanOrgUnit, `SELECT `+orgUnitColumns+` FROM orgunits ORDER BY code, valid_from`)
}

const orgUnitColumns = `code, valid_from, valid_to, name, full_name, type, name_en, parent, level`

func scanOrgUnit(s engine.Scanner) (planwatch.OrgUnit, error) {
	var u planwatch.OrgUnit
	var from, to sql.NullTime
	err := s.Scan(&u.Code, &from, &to, &u.Name, &u.FullName, &u.Type, &u.NameEN, &u.Parent, &u.Level)
	u.ValidFrom, u.ValidTo = fromDate(from), fromDate(to)
	return u, err
}

// Transitions lists every transition, by date, old and new code.
func (db *DB) Transitions(ctx context.Context) ([]planwatch.Transition, error) {
	out, err := transitions(ctx, db.r)
	return out, internal("Transitions", err)
}

func transitions(ctx context.Context, q queryer) ([]planwatch.Transition, error) {
	return engine.Query(ctx, q, scanTransition, `SELECT `+transitionColumns+` FROM transitions ORDER BY date, old, new`)
}

const transitionColumns = `old, new, date, "full", basis, weight`

func scanTransition(s engine.Scanner) (planwatch.Transition, error) {
	var t planwatch.Transition
	var d sql.NullTime
	err := s.Scan(&t.Old, &t.New, &d, &t.Full, &t.Basis, &t.Weight)
	t.Date = fromDate(d)
	return t, err
}
