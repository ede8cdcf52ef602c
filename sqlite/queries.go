package sqlite

import (
	"context"
	"encoding/json"
	"strings"

	"planwatch"
	"planwatch/internal/engine"
)

// scanner is a *sql.Rows or *sql.Row.
type scanner = engine.Scanner

// in adds "column IN (list)" to a query being built, when list is not empty.
func in(where []string, args []any, column string, list []string) ([]string, []any) {
	if len(list) == 0 {
		return where, args
	}
	return append(where, column+` IN (SELECT value FROM json_each(?))`), append(args, jsonStrings(list))
}

const targetColumns = `indicator, orgunit, year, kind, version, value, adjusted, adopted, source_kind, source_ref,
	source_row, source_sentence, source_formula, who, at`

func scanTarget(s scanner) (planwatch.Target, error) {
	var t planwatch.Target
	var kind, adopted, srcKind, at string
	var adjusted int
	err := s.Scan(&t.Indicator, &t.Unit, &t.Year, &kind, &t.Version, &t.Value, &adjusted, &adopted, &srcKind,
		&t.Source.Ref, &t.Source.Row, &t.Source.Sentence, &t.Source.Formula, &t.By, &at)
	t.Kind, t.Adjusted, t.Adopted = planwatch.TargetKind(kind), adjusted != 0, parseDate(adopted)
	t.Source.Kind, t.At = planwatch.SourceKind(srcKind), parseTime(at)
	return t, err
}

// Targets returns current targets (highest version) matching q, ordered by
// indicator, unit, year and kind.
func (db *DB) Targets(ctx context.Context, q planwatch.TargetQuery) ([]planwatch.Target, error) {
	var where []string
	var args []any
	where, args = in(where, args, "t.indicator", q.Indicators)
	where, args = in(where, args, "t.orgunit", q.Units)
	if len(q.Years) > 0 {
		b, _ := json.Marshal(q.Years)
		where, args = append(where, "t.year IN (SELECT value FROM json_each(?))"), append(args, string(b))
	}
	where = append(where, "t.version = (SELECT max(x.version) FROM targets x WHERE x.tk = t.tk)")
	out, err := db.targets(ctx, `SELECT `+targetColumns+` FROM targets t WHERE `+strings.Join(where, " AND ")+
		` ORDER BY t.indicator, t.orgunit, t.year, t.kind`, args...)
	return out, internal("Targets", err)
}

// TargetHistory returns every version of the targets of an indicator and
// unit, by year, kind and version.
func (db *DB) TargetHistory(ctx context.Context, indicator, unit string) ([]planwatch.Target, error) {
	out, err := db.targets(ctx, `SELECT `+targetColumns+` FROM targets WHERE indicator = ? AND orgunit = ?
		ORDER BY year, kind, version`, indicator, unit)
	return out, internal("TargetHistory", err)
}

func (db *DB) targets(ctx context.Context, query string, args ...any) ([]planwatch.Target, error) {
	return engine.Query(ctx, db.r, scanTarget, query, args...)
}

const milestoneColumns = `indicator, orgunit, year, first_month, last_month, period_type, share, bound, target_kind,
	source_kind, source_ref, source_row, source_sentence, source_formula, who, at`

func scanMilestone(s scanner) (planwatch.Milestone, error) {
	var m planwatch.Milestone
	var year, first, last, typ int
	var bound, kind, srcKind, at string
	err := s.Scan(&m.Indicator, &m.Unit, &year, &first, &last, &typ, &m.Share, &bound, &kind, &srcKind,
		&m.Source.Ref, &m.Source.Row, &m.Source.Sentence, &m.Source.Formula, &m.By, &at)
	m.Period, m.Bound, m.TargetKind = period(year, first, last, typ), planwatch.Bound(bound), planwatch.TargetKind(kind)
	m.Source.Kind, m.At = planwatch.SourceKind(srcKind), parseTime(at)
	return m, err
}

// Milestones returns the milestones of a unit ("" = every unit) and year
// (0 = every year), by indicator, unit and period.
func (db *DB) Milestones(ctx context.Context, unit string, year int) ([]planwatch.Milestone, error) {
	out, err := engine.Query(ctx, db.r, scanMilestone, `SELECT `+milestoneColumns+` FROM milestones
		WHERE (? = '' OR orgunit = ?) AND (? = 0 OR year = ?)
		ORDER BY indicator, orgunit, year, last_month, first_month, target_kind`, unit, unit, year, year)
	return out, internal("Milestones", err)
}

const noteColumns = `id, sector, orgunit, year, first_month, last_month, period_type, text, who, at`

func scanNote(s scanner) (planwatch.Note, error) {
	var n planwatch.Note
	var year, first, last, typ int
	var at string
	err := s.Scan(&n.ID, &n.Sector, &n.Unit, &year, &first, &last, &typ, &n.Text, &n.By, &at)
	n.Period, n.At = period(year, first, last, typ), parseTime(at)
	return n, err
}

// Notes returns the notes of a unit for periods within p's year that end by
// p's end, by period and then in the order they were added.
func (db *DB) Notes(ctx context.Context, unit string, p planwatch.Period) ([]planwatch.Note, error) {
	out, err := engine.Query(ctx, db.r, scanNote, `SELECT `+noteColumns+` FROM notes
		WHERE orgunit = ? AND year = ? AND last_month <= ? ORDER BY first_month, last_month, id`, unit, p.Year, p.Last)
	return out, internal("Notes", err)
}

const taskColumns = `id, orgunit, sector, text, owner, year, first_month, last_month, period_type, status,
	indicators, who, at`

func scanTask(s scanner) (planwatch.Task, error) {
	var t planwatch.Task
	var year, first, last, typ int
	var status, inds, at string
	err := s.Scan(&t.ID, &t.Unit, &t.Sector, &t.Text, &t.Owner, &year, &first, &last, &typ, &status, &inds, &t.By, &at)
	if err != nil {
		return t, err
	}
	t.Due, t.Status, t.At = period(year, first, last, typ), planwatch.TaskStatus(status), parseTime(at)
	if err := json.Unmarshal([]byte(inds), &t.Indicators); err != nil {
		return t, err
	}
	if len(t.Indicators) == 0 {
		t.Indicators = nil
	}
	return t, nil
}

// Tasks returns the tasks of a unit due in the year of p, by due period and
// then in the order they were added.
func (db *DB) Tasks(ctx context.Context, unit string, p planwatch.Period) ([]planwatch.Task, error) {
	out, err := engine.Query(ctx, db.r, scanTask, `SELECT `+taskColumns+` FROM tasks
		WHERE orgunit = ? AND year = ? ORDER BY last_month, first_month, id`, unit, p.Year)
	return out, internal("Tasks", err)
}
