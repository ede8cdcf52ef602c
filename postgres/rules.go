package postgres

import (
	"context"
	"database/sql"
	"strconv"

	"planwatch"
	"planwatch/internal/engine"
)

// Validation rules and breakdown categories (migration 009), read from the
// primary like mappings: a rule just saved applies to the next entry.

var _ planwatch.RuleStore = (*DB)(nil)

func pgPh(n int) string { return "$" + strconv.Itoa(n) }

var (
	ruleDocs     = engine.RuleDocs(pgPh)
	categoryDocs = engine.CategoryDocs(pgPh)
)

// SaveRules inserts or replaces rules by code, all or none, each change audited.
func (db *DB) SaveRules(ctx context.Context, rules []planwatch.ValidationRule, by, from string) error {
	if ps := engine.CheckRules(rules); len(ps) > 0 {
		return engine.Invalid(ps)
	}
	return internal("SaveRules", db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		for _, r := range engine.SortedRules(rules) {
			e, err := ruleDocs.Put(ctx, tx, r.Code, r, by, from, now)
			if err != nil {
				return err
			}
			if e != nil {
				if err := addAudit(ctx, tx, *e); err != nil {
					return err
				}
			}
		}
		return nil
	}))
}

// DeleteRule removes a rule, audited. ENOTFOUND if there is none of that code.
func (db *DB) DeleteRule(ctx context.Context, code, by, from string) error {
	return internal("DeleteRule", db.inTx(ctx, func(tx *sql.Tx) error {
		e, err := ruleDocs.Delete(ctx, tx, code, by, from, db.now())
		if err != nil {
			return err
		}
		return addAudit(ctx, tx, e)
	}))
}

// Rules lists the stored rules ordered by code.
func (db *DB) Rules(ctx context.Context) ([]planwatch.ValidationRule, error) {
	bodies, err := ruleDocs.Bodies(ctx, db.w)
	if err != nil {
		return nil, internal("Rules", err)
	}
	rules, err := engine.DecodeRules(bodies)
	return rules, internal("Rules", err)
}

// SaveCategory inserts or replaces a category, audited, with the parts
// of the indicators broken down by it made and retired as its options say,
// in one transaction (ApplyCatalogue).
func (db *DB) SaveCategory(ctx context.Context, c planwatch.Category, by, from string) error {
	_, err := db.ApplyCatalogue(ctx, &planwatch.CatalogueChange{By: by, From: from, Categories: []planwatch.Category{c}})
	return err
}

// DeleteCategory removes a category, audited, detaching the indicators
// broken down by it and retiring their parts (values kept), in one
// transaction. ENOTFOUND if there is none of that code.
func (db *DB) DeleteCategory(ctx context.Context, code, by, from string) error {
	_, err := db.ApplyCatalogue(ctx, &planwatch.CatalogueChange{By: by, From: from, RemoveCategories: []string{code}})
	return err
}

// Categories lists the categories ordered by code.
func (db *DB) Categories(ctx context.Context) ([]planwatch.Category, error) {
	bodies, err := categoryDocs.Bodies(ctx, db.w)
	if err != nil {
		return nil, internal("Categories", err)
	}
	cats, err := engine.DecodeCategories(bodies)
	return cats, internal("Categories", err)
}
