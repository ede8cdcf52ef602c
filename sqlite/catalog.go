package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

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
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return internal("SaveIndicators", err)
	}
	defer tx.Rollback()
	old := map[string]planwatch.Indicator{}
	existing, err := indicators(ctx, tx)
	if err != nil {
		return internal("SaveIndicators", err)
	}
	for _, ind := range existing {
		old[ind.Code] = ind
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO indicators
		(code, name_vi, name_en, unit, sector, kind, time_agg, unit_agg, direction, decimals, numerator, denominator, periodicity)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET name_vi = excluded.name_vi, name_en = excluded.name_en,
		unit = excluded.unit, sector = excluded.sector, kind = excluded.kind, time_agg = excluded.time_agg,
		unit_agg = excluded.unit_agg, direction = excluded.direction, decimals = excluded.decimals,
		numerator = excluded.numerator, denominator = excluded.denominator, periodicity = excluded.periodicity`)
	if err != nil {
		return internal("SaveIndicators", err)
	}
	defer stmt.Close()
	aw, err := newAuditWriter(ctx, tx)
	if err != nil {
		return internal("SaveIndicators", err)
	}
	defer aw.Close()
	now := db.now()
	for _, ind := range inds {
		prev, had := old[ind.Code]
		if had && prev == ind {
			continue
		}
		if _, err := stmt.ExecContext(ctx, ind.Code, ind.NameVI, ind.NameEN, ind.Unit, ind.Sector, string(ind.Kind),
			string(ind.TimeAgg), string(ind.UnitAgg), int(ind.Direction), ind.Decimals, ind.Numerator, ind.Denominator,
			ind.Periodicity); err != nil {
			return internal("SaveIndicators", err)
		}
		e := planwatch.AuditEntry{At: now, By: by, Action: "indicator.set", Entity: ind.Code, New: jsonText(ind)}
		if had {
			e.Old = jsonText(prev)
		}
		if err := aw.add(ctx, e); err != nil {
			return internal("SaveIndicators", err)
		}
		old[ind.Code] = ind
	}
	return internal("SaveIndicators", tx.Commit())
}

// Indicators lists the catalogue ordered by code.
func (db *DB) Indicators(ctx context.Context) ([]planwatch.Indicator, error) {
	out, err := indicators(ctx, db.r)
	return out, internal("Indicators", err)
}

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
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
			problems = append(problems, planwatch.Problem{Row: i + 1, Column: "valid_to", Value: formatDate(u.ValidTo), Reason: "phải sau ngày bắt đầu hiệu lực (must be after valid_from)"})
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
	if err := aw.add(ctx, planwatch.AuditEntry{At: db.now(), By: by, Action: "orgunits.save",
		Detail: fmt.Sprintf("%d unit versions, %d transitions", len(units), len(transitions))}); err != nil {
		return internal("SaveOrgUnits", err)
	}
	return internal("SaveOrgUnits", tx.Commit())
}

// OrgUnits lists every version of every unit, by code and valid-from.
func (db *DB) OrgUnits(ctx context.Context) ([]planwatch.OrgUnit, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT code, valid_from, valid_to, name, full_name, type, name_en, parent, level
		FROM orgunits ORDER BY code, valid_from`)
	if err != nil {
		return nil, internal("OrgUnits", err)
	}
	defer rows.Close()
	var out []planwatch.OrgUnit
	for rows.Next() {
		var u planwatch.OrgUnit
		var from, to string
		if err := rows.Scan(&u.Code, &from, &to, &u.Name, &u.FullName, &u.Type, &u.NameEN, &u.Parent, &u.Level); err != nil {
			return nil, internal("OrgUnits", err)
		}
		u.ValidFrom, u.ValidTo = parseDate(from), parseDate(to)
		out = append(out, u)
	}
	return out, internal("OrgUnits", rows.Err())
}

// Transitions lists every transition, by date, old and new code.
func (db *DB) Transitions(ctx context.Context) ([]planwatch.Transition, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT old, new, date, full, basis, weight FROM transitions ORDER BY date, old, new`)
	if err != nil {
		return nil, internal("Transitions", err)
	}
	defer rows.Close()
	var out []planwatch.Transition
	for rows.Next() {
		var t planwatch.Transition
		var date string
		var full int
		if err := rows.Scan(&t.Old, &t.New, &date, &full, &t.Basis, &t.Weight); err != nil {
			return nil, internal("Transitions", err)
		}
		t.Date, t.Full = parseDate(date), full != 0
		out = append(out, t)
	}
	return out, internal("Transitions", rows.Err())
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
