package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"planwatch"
	"planwatch/internal/engine"
)

// Named mappings of partner identifiers (migration 003).

var _ planwatch.MappingStore = (*DB)(nil)

// SaveMapping stores m under its name, replacing the entries of a mapping of
// that name, with an audit entry in the same transaction. EINVALID if m fails
// Validate.
func (db *DB) SaveMapping(ctx context.Context, m planwatch.Mapping) error {
	if err := m.Validate(); err != nil {
		return err
	}
	if m.At.IsZero() {
		m.At = db.now()
	}
	m.Entries = append([]planwatch.MappingEntry(nil), m.Entries...)
	engine.SortMapping(m.Entries)
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return internal("SaveMapping", err)
	}
	defer tx.Rollback()
	old, err := mapping(ctx, tx, m.Name)
	var prev *planwatch.Mapping
	if err == nil {
		prev = &old
	} else if planwatch.ErrorCode(err) != planwatch.ENOTFOUND {
		return internal("SaveMapping", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM mapping_entries WHERE mapping = ?`, m.Name); err != nil {
		return internal("SaveMapping", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO mappings (name, updated_by, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		m.Name, m.By, formatTime(m.At)); err != nil {
		return internal("SaveMapping", err)
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO mapping_entries (mapping, kind, partner_id, code, value_type) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return internal("SaveMapping", err)
	}
	defer stmt.Close()
	for _, en := range m.Entries {
		if _, err := stmt.ExecContext(ctx, m.Name, en.Kind, en.PartnerID, en.Code, en.ValueType); err != nil {
			return internal("SaveMapping", err)
		}
	}
	aw, err := newAuditWriter(ctx, tx)
	if err != nil {
		return internal("SaveMapping", err)
	}
	defer aw.Close()
	if err := aw.add(ctx, engine.MappingAudit(m, prev)); err != nil {
		return internal("SaveMapping", err)
	}
	return internal("SaveMapping", tx.Commit())
}

// Mapping returns one mapping. ENOTFOUND if there is none of that name.
func (db *DB) Mapping(ctx context.Context, name string) (planwatch.Mapping, error) {
	m, err := mapping(ctx, db.r, name)
	return m, internal("Mapping", err)
}

type queryRower interface {
	engine.Queryer
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func mapping(ctx context.Context, q queryRower, name string) (planwatch.Mapping, error) {
	m := planwatch.Mapping{Name: name}
	var at string
	err := q.QueryRowContext(ctx, `SELECT updated_by, updated_at FROM mappings WHERE name = ?`, name).Scan(&m.By, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return m, planwatch.Errorf(planwatch.ENOTFOUND, "không có bảng ánh xạ %q / no mapping %q", name, name)
	} else if err != nil {
		return m, err
	}
	m.At = parseTime(at)
	m.Entries, err = engine.Query(ctx, q, scanMappingEntry, `SELECT kind, partner_id, code, value_type FROM mapping_entries
		WHERE mapping = ? ORDER BY kind, partner_id`, name)
	return m, err
}

func scanMappingEntry(s scanner) (planwatch.MappingEntry, error) {
	var en planwatch.MappingEntry
	err := s.Scan(&en.Kind, &en.PartnerID, &en.Code, &en.ValueType)
	return en, err
}

// Mappings lists every mapping, with its entries, ordered by name.
func (db *DB) Mappings(ctx context.Context) ([]planwatch.Mapping, error) {
	out, err := allMappings(ctx, db.r)
	return out, internal("Mappings", err)
}

// allMappings reads every mapping through q: the database, or a transaction.
func allMappings(ctx context.Context, q queryRower) ([]planwatch.Mapping, error) {
	names, err := engine.Query(ctx, q, engine.ScanString, `SELECT name FROM mappings ORDER BY name`)
	if err != nil {
		return nil, err
	}
	out := make([]planwatch.Mapping, 0, len(names))
	for _, n := range names {
		m, err := mapping(ctx, q, n)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// insertMapping stores a mapping as it is, for Restore: its audit entries
// come with the other records.
func insertMapping(ctx context.Context, tx *sql.Tx, m planwatch.Mapping) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO mappings (name, updated_by, updated_at) VALUES (?, ?, ?)`,
		m.Name, m.By, formatTime(m.At)); err != nil {
		return err
	}
	for _, en := range m.Entries {
		if _, err := tx.ExecContext(ctx, `INSERT INTO mapping_entries (mapping, kind, partner_id, code, value_type) VALUES (?, ?, ?, ?, ?)`,
			m.Name, en.Kind, en.PartnerID, en.Code, en.ValueType); err != nil {
			return err
		}
	}
	return nil
}
