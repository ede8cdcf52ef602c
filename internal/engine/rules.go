package engine

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"planwatch"
	"planwatch/formula"
)

// Validation rules and breakdown categories (migration 009) are small
// documents read and written whole: each is one row (code, the JSON of the
// rule or category, who and when), with the same statements on both
// engines but for the placeholders, so they live here.

// CheckRules lists every problem of rules, each on its row (1-based in the
// order given): bad fields, expressions that do not parse, a code given twice.
func CheckRules(rules []planwatch.ValidationRule) []planwatch.Problem {
	var ps []planwatch.Problem
	seen := map[string]int{}
	for i := range rules {
		r := &rules[i]
		row := i + 1
		for _, p := range r.Validate() {
			p.Row = row
			ps = planwatch.AddProblem(ps, p)
		}
		for _, side := range []struct{ col, expr string }{{"left", r.Left}, {"right", r.Right}} {
			if strings.TrimSpace(side.expr) == "" {
				continue
			}
			if _, err := formula.Parse(TemplateExpr(side.expr, "x")); err != nil {
				ps = planwatch.AddProblem(ps, planwatch.Problem{Row: row, Column: side.col, Value: side.expr, Reason: err.Error()})
			}
		}
		if prev, dup := seen[r.Code]; dup {
			ps = planwatch.AddProblem(ps, planwatch.Problem{Row: row, Column: "code", Value: r.Code,
				Reason: fmt.Sprintf("trùng mã ở dòng %d / same code as row %d", prev, prev)})
		}
		seen[r.Code] = row
	}
	return ps
}

// TemplateExpr is a rule template's side with "$" standing for code.
func TemplateExpr(expr, code string) string { return strings.ReplaceAll(expr, "$", code) }

// Docs reads and writes one table of documents; Ph writes the n-th
// placeholder (1-based) of the engine's dialect.
type Docs struct {
	Table  string // validation_rules or categories
	Entity string // rule or category: the audit's action prefix and entity
	Ph     func(n int) string
}

// Bodies returns the stored documents' JSON by code, in code order.
func (d Docs) Bodies(ctx context.Context, q Queryer) ([]string, error) {
	return Query(ctx, q, ScanString, `SELECT body FROM `+d.Table+` ORDER BY code`)
}

// Put inserts or replaces one document; it returns the audit entry (by
// whom, from where), or
// nothing when the stored document is the same.
func (d Docs) Put(ctx context.Context, tx *sql.Tx, code string, doc any, by, from string, at time.Time) (*planwatch.AuditEntry, error) {
	body := JSONText(doc)
	var old string
	err := tx.QueryRowContext(ctx, `SELECT body FROM `+d.Table+` WHERE code = `+d.Ph(1), code).Scan(&old)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	if old == body {
		return nil, nil
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`INSERT INTO %s (code, body, updated_by, updated_at) VALUES (%s, %s, %s, %s)
		ON CONFLICT (code) DO UPDATE SET body = excluded.body, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		d.Table, d.Ph(1), d.Ph(2), d.Ph(3), d.Ph(4)), code, body, by, at.UTC().Format(time.RFC3339Nano)); err != nil {
		return nil, err
	}
	return &planwatch.AuditEntry{At: at, By: by, From: from, Action: d.Entity + ".set", Entity: d.Entity + "/" + code, Old: old, New: body}, nil
}

// Delete removes one document and returns its audit entry. ENOTFOUND if
// there is none of that code.
func (d Docs) Delete(ctx context.Context, tx *sql.Tx, code, by, from string, at time.Time) (planwatch.AuditEntry, error) {
	var old string
	err := tx.QueryRowContext(ctx, `DELETE FROM `+d.Table+` WHERE code = `+d.Ph(1)+` RETURNING body`, code).Scan(&old)
	if errors.Is(err, sql.ErrNoRows) {
		return planwatch.AuditEntry{}, planwatch.Errorf(planwatch.ENOTFOUND, "không có %s %q / no %s %q", d.Entity, code, d.Entity, code)
	}
	return planwatch.AuditEntry{At: at, By: by, From: from, Action: d.Entity + ".delete", Entity: d.Entity + "/" + code, Old: old}, err
}

// RuleDocs and CategoryDocs are the two tables, for a dialect.
func RuleDocs(ph func(int) string) Docs { return Docs{"validation_rules", "rule", ph} }

// CategoryDocs is the categories table for a dialect.
func CategoryDocs(ph func(int) string) Docs { return Docs{"categories", "category", ph} }

// DecodeRules reads stored rule documents.
func DecodeRules(bodies []string) ([]planwatch.ValidationRule, error) {
	return decodeAll[planwatch.ValidationRule](bodies)
}

// DecodeCategories reads stored category documents.
func DecodeCategories(bodies []string) ([]planwatch.Category, error) {
	return decodeAll[planwatch.Category](bodies)
}

func decodeAll[T any](bodies []string) ([]T, error) {
	out := make([]T, len(bodies))
	for i, b := range bodies {
		if err := json.Unmarshal([]byte(b), &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// SortedRules returns rules ordered by code (the last of a code given twice wins).
func SortedRules(rules []planwatch.ValidationRule) []planwatch.ValidationRule {
	byCode := map[string]planwatch.ValidationRule{}
	for _, r := range rules {
		r.Generated = false
		byCode[r.Code] = r
	}
	out := make([]planwatch.ValidationRule, 0, len(byCode))
	for _, r := range byCode {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// CheckCategory is Category.Validate as an error.
func CheckCategory(c *planwatch.Category) error {
	if ps := c.Validate(); len(ps) > 0 {
		return Invalid(ps)
	}
	return nil
}

// Records reads every rule and category as stored, for Dump.
func (d Docs) Records(ctx context.Context, q Queryer) ([]planwatch.RuleRecord, error) {
	return Query(ctx, q, func(s Scanner) (planwatch.RuleRecord, error) {
		r := planwatch.RuleRecord{Kind: d.Entity}
		err := s.Scan(&r.Code, &r.Body, &r.By, &r.At)
		return r, err
	}, `SELECT code, body, updated_by, updated_at FROM `+d.Table+` ORDER BY code`)
}

// RuleRecords reads both tables of a dialect, rules first.
func RuleRecords(ctx context.Context, q Queryer, ph func(int) string) ([]planwatch.RuleRecord, error) {
	rs, err := RuleDocs(ph).Records(ctx, q)
	if err != nil {
		return nil, err
	}
	cs, err := CategoryDocs(ph).Records(ctx, q)
	return append(rs, cs...), err
}

// RestoreRule stores a dumped rule or category as it was.
func RestoreRule(ctx context.Context, tx *sql.Tx, ph func(int) string, r *planwatch.RuleRecord) error {
	d := RuleDocs(ph)
	if r.Kind == "category" {
		d = CategoryDocs(ph)
	}
	_, err := tx.ExecContext(ctx, fmt.Sprintf(`INSERT INTO %s (code, body, updated_by, updated_at) VALUES (%s, %s, %s, %s)`,
		d.Table, ph(1), ph(2), ph(3), ph(4)), r.Code, r.Body, r.By, r.At)
	return err
}
