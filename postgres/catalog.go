package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"planwatch"
)

// SaveIndicators inserts or replaces indicators by code, in one transaction,
// recording an indicator.set audit entry for each one that is new or changed.
// EINVALID, listing every invalid indicator, if one fails Validate.
func (db *DB) SaveIndicators(ctx context.Context, inds []planwatch.Indicator, by string) error {
	var problems []planwatch.Problem
	for i := range inds {
		if err := inds[i].Validate(); err != nil {
			problems = append(problems, planwatch.Problem{Row: i + 1, Column: "code", Value: inds[i].Code, Reason: planwatch.ErrorMessage(err)})
		}
	}
	if len(problems) > 0 {
		return invalid(problems)
	}
	now := db.now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		// Lock the catalogue against a concurrent save, so that the old
		// values recorded in the audit trail are the ones replaced.
		if _, err := tx.ExecContext(ctx, `LOCK TABLE indicators IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return err
		}
		existing, err := indicators(ctx, tx)
		if err != nil {
			return err
		}
		old := map[string]planwatch.Indicator{}
		for _, ind := range existing {
			old[ind.Code] = ind
		}
		for _, ind := range inds {
			prev, had := old[ind.Code]
			if had && prev == ind {
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO indicators
				(code, name_vi, name_en, unit, sector, kind, time_agg, unit_agg, direction, decimals, numerator, denominator, periodicity)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
				ON CONFLICT (code) DO UPDATE SET name_vi = excluded.name_vi, name_en = excluded.name_en,
				unit = excluded.unit, sector = excluded.sector, kind = excluded.kind, time_agg = excluded.time_agg,
				unit_agg = excluded.unit_agg, direction = excluded.direction, decimals = excluded.decimals,
				numerator = excluded.numerator, denominator = excluded.denominator, periodicity = excluded.periodicity`,
				ind.Code, ind.NameVI, ind.NameEN, ind.Unit, ind.Sector, string(ind.Kind), string(ind.TimeAgg),
				string(ind.UnitAgg), int(ind.Direction), ind.Decimals, ind.Numerator, ind.Denominator, ind.Periodicity); err != nil {
				return err
			}
			e := planwatch.AuditEntry{At: now, By: by, Action: "indicator.set", Entity: ind.Code, New: jsonText(ind)}
			if had {
				e.Old = jsonText(prev)
			}
			if err := addAudit(ctx, tx, e); err != nil {
				return err
			}
			old[ind.Code] = ind
		}
		return nil
	})
	return internal("SaveIndicators", err)
}

// Indicators lists the catalogue ordered by code.
func (db *DB) Indicators(ctx context.Context) ([]planwatch.Indicator, error) {
	out, err := indicators(ctx, db.r)
	return out, internal("Indicators", err)
}

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func indicators(ctx context.Context, q queryer) ([]planwatch.Indicator, error) {
	rows, err := q.QueryContext(ctx, `SELECT code, name_vi, name_en, unit, sector, kind, time_agg, unit_agg,
		direction, decimals, numerator, denominator, periodicity FROM indicators ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []planwatch.Indicator
	for rows.Next() {
		var ind planwatch.Indicator
		var kind, timeAgg, unitAgg string
		var dir int
		if err := rows.Scan(&ind.Code, &ind.NameVI, &ind.NameEN, &ind.Unit, &ind.Sector, &kind, &timeAgg, &unitAgg,
			&dir, &ind.Decimals, &ind.Numerator, &ind.Denominator, &ind.Periodicity); err != nil {
			return nil, err
		}
		ind.Kind, ind.TimeAgg, ind.UnitAgg = planwatch.Kind(kind), planwatch.TimeAgg(timeAgg), planwatch.UnitAgg(unitAgg)
		ind.Direction = planwatch.Direction(dir)
		out = append(out, ind)
	}
	return out, rows.Err()
}

// SaveOrgUnits inserts or replaces unit versions (by code and valid-from) and
// transitions (by old, new and date) in one transaction, with one
// orgunits.save audit entry. EINVALID, listing every bad row, if a unit has no
// code or name or a transition no old or new code.
func (db *DB) SaveOrgUnits(ctx context.Context, units []planwatch.OrgUnit, transitions []planwatch.Transition, by string) error {
	var problems []planwatch.Problem
	for i, u := range units {
		if u.Code == "" {
			problems = append(problems, planwatch.Problem{Row: i + 1, Column: "code", Reason: "thiếu mã đơn vị (unit code required)"})
		}
		if u.Name == "" {
			problems = append(problems, planwatch.Problem{Row: i + 1, Column: "name", Value: u.Code, Reason: "thiếu tên đơn vị (unit name required)"})
		}
		if !u.ValidTo.IsZero() && !u.ValidTo.After(u.ValidFrom) {
			problems = append(problems, planwatch.Problem{Row: i + 1, Column: "valid_to", Value: u.ValidTo.Format("2006-01-02"), Reason: "phải sau ngày bắt đầu hiệu lực (must be after valid_from)"})
		}
	}
	for i, t := range transitions {
		if t.Old == "" || t.New == "" {
			problems = append(problems, planwatch.Problem{Row: i + 1, Column: "transition", Value: t.Old + "→" + t.New, Reason: "thiếu mã cũ hoặc mới (old and new codes required)"})
		}
	}
	if len(problems) > 0 {
		return invalid(problems)
	}
	now := db.now()
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
		return addAudit(ctx, tx, planwatch.AuditEntry{At: now, By: by, Action: "orgunits.save",
			Detail: fmt.Sprintf("%d unit versions, %d transitions", len(units), len(transitions))})
	})
	return internal("SaveOrgUnits", err)
}

// OrgUnits lists every version of every unit, by code and valid-from.
func (db *DB) OrgUnits(ctx context.Context) ([]planwatch.OrgUnit, error) {
	out, err := orgUnits(ctx, db.r)
	return out, internal("OrgUnits", err)
}

func orgUnits(ctx context.Context, q queryer) ([]planwatch.OrgUnit, error) {
	rows, err := q.QueryContext(ctx, `SELECT code, valid_from, valid_to, name, full_name, type, name_en, parent, level
		FROM orgunits ORDER BY code, valid_from`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []planwatch.OrgUnit
	for rows.Next() {
		var u planwatch.OrgUnit
		var from, to sql.NullTime
		if err := rows.Scan(&u.Code, &from, &to, &u.Name, &u.FullName, &u.Type, &u.NameEN, &u.Parent, &u.Level); err != nil {
			return nil, err
		}
		u.ValidFrom, u.ValidTo = fromDate(from), fromDate(to)
		out = append(out, u)
	}
	return out, rows.Err()
}

// Transitions lists every transition, by date, old and new code.
func (db *DB) Transitions(ctx context.Context) ([]planwatch.Transition, error) {
	out, err := transitions(ctx, db.r)
	return out, internal("Transitions", err)
}

func transitions(ctx context.Context, q queryer) ([]planwatch.Transition, error) {
	rows, err := q.QueryContext(ctx, `SELECT old, new, date, "full", basis, weight FROM transitions ORDER BY date, old, new`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []planwatch.Transition
	for rows.Next() {
		var t planwatch.Transition
		var d sql.NullTime
		if err := rows.Scan(&t.Old, &t.New, &d, &t.Full, &t.Basis, &t.Weight); err != nil {
			return nil, err
		}
		t.Date = fromDate(d)
		out = append(out, t)
	}
	return out, rows.Err()
}

// jsonText renders a value for the Old and New fields of the audit trail.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// invalid is the error of a rejected input, listing every problem.
func invalid(problems []planwatch.Problem) error {
	return &planwatch.Error{
		Code:     planwatch.EINVALID,
		Message:  fmt.Sprintf("%d lỗi, không có gì được lưu (%d problems, nothing was stored)", len(problems), len(problems)),
		Problems: problems,
	}
}
