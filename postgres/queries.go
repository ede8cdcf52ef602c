package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"planwatch"
	"planwatch/internal/engine"
)

// scanner is a *sql.Rows or *sql.Row.
type scanner = engine.Scanner

// where builds the WHERE clause of a query with numbered parameters.
type where struct {
	conds []string
	args  []any
}

func (w *where) arg(v any) string {
	w.args = append(w.args, v)
	return fmt.Sprintf("$%d", len(w.args))
}

func (w *where) add(cond string) { w.conds = append(w.conds, cond) }

// in adds "column = ANY(list)" when list is not empty.
func (w *where) in(column string, list []string) {
	if len(list) > 0 {
		w.add(column + " = ANY(" + w.arg(list) + ")")
	}
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

const targetColumns = `indicator, orgunit, year, kind, version, value, adjusted, adopted, source_kind, source_ref,
	source_row, source_sentence, source_formula, who, at, at_ns`

func scanTarget(s scanner) (planwatch.Target, error) {
	var t planwatch.Target
	var kind, srcKind string
	var adopted sql.NullTime
	var at time.Time
	var ns int
	err := s.Scan(&t.Indicator, &t.Unit, &t.Year, &kind, &t.Version, &t.Value, &t.Adjusted, &adopted, &srcKind,
		&t.Source.Ref, &t.Source.Row, &t.Source.Sentence, &t.Source.Formula, &t.By, &at, &ns)
	t.Kind, t.Adopted = planwatch.TargetKind(kind), fromDate(adopted)
	t.Source.Kind, t.At = planwatch.SourceKind(srcKind), joinTime(at, ns)
	return t, err
}

// Targets returns current targets (highest version) matching q, ordered by
// indicator, unit, year and kind. It reads the replica when there is one.
func (db *DB) Targets(ctx context.Context, q planwatch.TargetQuery) ([]planwatch.Target, error) {
	var w where
	w.in("t.indicator", q.Indicators)
	w.in("t.orgunit", q.Units)
	if len(q.Years) > 0 {
		w.add("t.year = ANY(" + w.arg(q.Years) + ")")
	}
	w.add("t.version = (SELECT max(x.version) FROM targets x WHERE x.tk = t.tk)")
	out, err := targets(ctx, db.r, `SELECT `+targetColumns+` FROM targets t`+w.String()+
		` ORDER BY t.indicator, t.orgunit, t.year, t.kind`, w.args...)
	return out, internal("Targets", err)
}

// TargetHistory returns every version of the targets of an indicator and
// unit, by year, kind and version.
func (db *DB) TargetHistory(ctx context.Context, indicator, unit string) ([]planwatch.Target, error) {
	out, err := targets(ctx, db.r, `SELECT `+targetColumns+` FROM targets WHERE indicator = $1 AND orgunit = $2
		ORDER BY year, kind, version`, indicator, unit)
	return out, internal("TargetHistory", err)
}

func targets(ctx context.Context, q queryer, query string, args ...any) ([]planwatch.Target, error) {
	return engine.Query(ctx, q, scanTarget, query, args...)
}

const milestoneColumns = `indicator, orgunit, year, first_month, last_month, period_type, share, bound, target_kind,
	source_kind, source_ref, source_row, source_sentence, source_formula, who, at, at_ns`

func scanMilestone(s scanner) (planwatch.Milestone, error) {
	var m planwatch.Milestone
	var year, first, last, typ, ns int
	var bound, kind, srcKind string
	var at time.Time
	err := s.Scan(&m.Indicator, &m.Unit, &year, &first, &last, &typ, &m.Share, &bound, &kind, &srcKind,
		&m.Source.Ref, &m.Source.Row, &m.Source.Sentence, &m.Source.Formula, &m.By, &at, &ns)
	m.Period, m.Bound, m.TargetKind = period(year, first, last, typ), planwatch.Bound(bound), planwatch.TargetKind(kind)
	m.Source.Kind, m.At = planwatch.SourceKind(srcKind), joinTime(at, ns)
	return m, err
}

// Milestones returns the milestones of a unit ("" = every unit) and year
// (0 = every year), by indicator, unit and period.
func (db *DB) Milestones(ctx context.Context, unit string, year int) ([]planwatch.Milestone, error) {
	out, err := milestones(ctx, db.r, `SELECT `+milestoneColumns+` FROM milestones
		WHERE ($1 = '' OR orgunit = $1) AND ($2 = 0 OR year = $2)
		ORDER BY indicator, orgunit, year, last_month, first_month, target_kind`, unit, year)
	return out, internal("Milestones", err)
}

func milestones(ctx context.Context, q queryer, query string, args ...any) ([]planwatch.Milestone, error) {
	return engine.Query(ctx, q, scanMilestone, query, args...)
}

const noteColumns = `id, sector, orgunit, year, first_month, last_month, period_type, text, who, at, at_ns`

func scanNote(s scanner) (planwatch.Note, error) {
	var n planwatch.Note
	var year, first, last, typ, ns int
	var at time.Time
	err := s.Scan(&n.ID, &n.Sector, &n.Unit, &year, &first, &last, &typ, &n.Text, &n.By, &at, &ns)
	n.Period, n.At = period(year, first, last, typ), joinTime(at, ns)
	return n, err
}

// Notes returns the notes of a unit for periods within p's year that end by
// p's end, by period and then in the order they were added.
func (db *DB) Notes(ctx context.Context, unit string, p planwatch.Period) ([]planwatch.Note, error) {
	out, err := notes(ctx, db.r, `SELECT `+noteColumns+` FROM notes
		WHERE orgunit = $1 AND year = $2 AND last_month <= $3 ORDER BY first_month, last_month, id`, unit, p.Year, p.Last)
	return out, internal("Notes", err)
}

func notes(ctx context.Context, q queryer, query string, args ...any) ([]planwatch.Note, error) {
	return engine.Query(ctx, q, scanNote, query, args...)
}

const taskColumns = `id, orgunit, sector, text, owner, year, first_month, last_month, period_type, status,
	indicators, who, at, at_ns`

// arrays scans text[] columns, which database/sql cannot do by itself.
var arrays = pgtype.NewMap()

func scanTask(s scanner) (planwatch.Task, error) {
	var t planwatch.Task
	var year, first, last, typ, ns int
	var status string
	var at time.Time
	err := s.Scan(&t.ID, &t.Unit, &t.Sector, &t.Text, &t.Owner, &year, &first, &last, &typ, &status,
		arrays.SQLScanner(&t.Indicators), &t.By, &at, &ns)
	if err != nil {
		return t, err
	}
	t.Due, t.Status, t.At = period(year, first, last, typ), planwatch.TaskStatus(status), joinTime(at, ns)
	if len(t.Indicators) == 0 {
		t.Indicators = nil
	}
	return t, nil
}

// Tasks returns the tasks of a unit due in the year of p, by due period and
// then in the order they were added.
func (db *DB) Tasks(ctx context.Context, unit string, p planwatch.Period) ([]planwatch.Task, error) {
	out, err := tasks(ctx, db.r, `SELECT `+taskColumns+` FROM tasks
		WHERE orgunit = $1 AND year = $2 ORDER BY last_month, first_month, id`, unit, p.Year)
	return out, internal("Tasks", err)
}

func tasks(ctx context.Context, q queryer, query string, args ...any) ([]planwatch.Task, error) {
	return engine.Query(ctx, q, scanTask, query, args...)
}
