// Package engine holds what the SQL storage engines of planwatch (sqlite and
// postgres) have in common and that does not depend on the SQL dialect: the
// planning of Store.Apply (filling in who and when, checking every item,
// deciding revisions, versions and counts, building the audit entries), the
// compact stored form of value revisions (codec.go: one record per series
// and change set) and reading it back (current values, revisions, what
// changed since a change number), the checks and audit entries of the
// catalogue writes, and loops over result rows.
//
// The engines keep everything that is SQL: they give the planner a Reader
// for the few lookups it needs, and write the Plan it returns in their own
// way. A new table (users, sessions, approvals …) should follow the same
// split: its checks and audit entries here, its statements in each engine.
package engine

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"planwatch"
)

// Invalid is the error of a rejected input, listing every problem.
func Invalid(problems []planwatch.Problem) error {
	n := planwatch.CountProblems(problems)
	return &planwatch.Error{
		Code:     planwatch.EINVALID,
		Message:  fmt.Sprintf("%d lỗi, không có gì được lưu (%d problems, nothing was stored)", n, n),
		Problems: problems,
	}
}

// JSONText renders a value for the Old and New fields of the audit trail.
func JSONText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// DateText is how a date reads in the audit trail and in problems: "" for
// none, otherwise YYYY-MM-DD.
func DateText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// Scanner is a *sql.Rows or a *sql.Row.
type Scanner interface{ Scan(dest ...any) error }

// Queryer is a *sql.DB, *sql.Tx or *sql.Conn.
type Queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Query runs query and scans every row with scan.
func Query[T any](ctx context.Context, q Queryer, scan func(Scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// ScanString scans a one-column row of text.
func ScanString(s Scanner) (string, error) {
	var v string
	err := s.Scan(&v)
	return v, err
}

// Each scans every row of rows with scan and calls fn with it, stopping at
// the first error; it closes rows.
func Each[T any](rows *sql.Rows, scan func(Scanner) (T, error), fn func(T) error) error {
	defer rows.Close()
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return err
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return rows.Err()
}

// QuoteIdent quotes a name read from the database (a table's) for use as
// an identifier in SQL, in both engines' dialect: between double quotes,
// each double quote in it doubled, so that the name is never read as SQL.
func QuoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
