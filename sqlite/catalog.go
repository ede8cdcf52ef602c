package sqlite

import (
	"context"
	"database/sql"

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

// commitCatalog numbers a catalogue change and commits it.
func (db *DB) commitCatalog(ctx context.Context, tx *sql.Tx, by, op string) error {
	seq, err := newChangeSet(ctx, tx, planwatch.ChangeRecord{Kind: planwatch.ChangeCatalog, At: db.now(), By: by})
	if err != nil {
		return internal(op, err)
	}
	if err := tx.Commit(); err != nil {
		return internal(op, err)
	}
	db.observers.Notify(planwatch.Change{Seq: seq, Kind: planwatch.ChangeCatalog})
	return nil
}

// Indicators lists the catalogue ordered by code.
func (db *DB) Indicators(ctx context.Context) ([]planwatch.Indicator, error) {
	out, err := indicators(ctx, db.r)
	return out, internal("Indicators", err)
}

// upsertIndicator inserts or replaces an indicator, given IndicatorArgs.
var upsertIndicator = `INSERT INTO indicators (` + engine.IndicatorColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (code) DO UPDATE SET name_vi = excluded.name_vi, name_en = excluded.name_en,
	unit = excluded.unit, sector = excluded.sector, kind = excluded.kind, time_agg = excluded.time_agg,
	unit_agg = excluded.unit_agg, direction = excluded.direction, decimals = excluded.decimals,
	numerator = excluded.numerator, denominator = excluded.denominator, periodicity = excluded.periodicity,
	formula = excluded.formula, category = excluded.category, retired = excluded.retired`

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
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
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return internal("SaveOrgUnits", err)
	}
	defer tx.Rollback()
	us, err := tx.PrepareContext(ctx, `INSERT INTO orgunits (code, valid_from, valid_to, name, full_name, type, name_en, parent, level)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (code, valid_from) DO UPDATE SET valid_to = excluded.valid_to, name = excluded.name,
		full_name = excluded.full_name, type = excluded.type, name_en = excluded.name_en,
		parent = excluded.parent, level = excluded.level`)
	if err != nil {
		return internal("SaveOrgUnits", err)
	}
	defer us.Close()
	for _, u := range units {
		if _, err := us.ExecContext(ctx, u.Code, formatDate(u.ValidFrom), formatDate(u.ValidTo), u.Name, u.FullName,
			u.Type, u.NameEN, u.Parent, u.Level); err != nil {
			return internal("SaveOrgUnits", err)
		}
	}
	ts, err := tx.PrepareContext(ctx, `INSERT INTO transitions (old, new, date, full, basis, weight) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (old, new, date) DO UPDATE SET full = excluded.full, basis = excluded.basis, weight = excluded.weight`)
	if err != nil {
		return internal("SaveOrgUnits", err)
	}
	defer ts.Close()
	for _, t := range transitions {
		if _, err := ts.ExecContext(ctx, t.Old, t.New, formatDate(t.Date), boolInt(t.Full), t.Basis, t.Weight); err != nil {
			return internal("SaveOrgUnits", err)
		}
	}
	aw, err := newAuditWriter(ctx, tx)
	if err != nil {
		return internal("SaveOrgUnits", err)
	}
	defer aw.Close()
	if err := aw.add(ctx, engine.OrgUnitsEntry(db.now(), by, units, transitions)); err != nil {
		return internal("SaveOrgUnits", err)
	}
	return db.commitCatalog(ctx, tx, by, "SaveOrgUnits")
}

// OrgUnits lists every version of every unit, by code and valid-from.
func (db *DB) OrgUnits(ctx context.Context) ([]planwatch.OrgUnit, error) {
	out, err := engine.Query(ctx, db.r, scanOrgUnit, `SELECT `+orgUnitColumns+` FROM orgunits ORDER BY code, valid_from`)
	return out, internal("OrgUnits", err)
}

// UnitCodes lists the code of every unit once, in order: what checking a
// file's codes needs, without reading every version's names and dates.
func (db *DB) UnitCodes(ctx context.Context) ([]string, error) {
	out, err := engine.Query(ctx, db.r, engine.ScanString, `SELECT DISTINCT code FROM orgunits ORDER BY code`)
	return out, internal("UnitCodes", err)
}

const orgUnitColumns = `code, valid_from, valid_to, name, full_name, type, name_en, parent, level`

func scanOrgUnit(s scanner) (planwatch.OrgUnit, error) {
	var u planwatch.OrgUnit
	var from, to string
	err := s.Scan(&u.Code, &from, &to, &u.Name, &u.FullName, &u.Type, &u.NameEN, &u.Parent, &u.Level)
	u.ValidFrom, u.ValidTo = parseDate(from), parseDate(to)
	return u, err
}

// Transitions lists every transition, by date, old and new code.
func (db *DB) Transitions(ctx context.Context) ([]planwatch.Transition, error) {
	out, err := engine.Query(ctx, db.r, scanTransition, `SELECT old, new, date, full, basis, weight FROM transitions ORDER BY date, old, new`)
	return out, internal("Transitions", err)
}

func scanTransition(s scanner) (planwatch.Transition, error) {
	var t planwatch.Transition
	var date string
	var full int
	err := s.Scan(&t.Old, &t.New, &date, &full, &t.Basis, &t.Weight)
	t.Date, t.Full = parseDate(date), full != 0
	return t, err
}
