package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"planwatch"
	"planwatch/internal/engine"
)

// Report settings (migration 004).

var _ planwatch.ReportSettingsStore = (*DB)(nil)

const reportSettingsColumns = `orgunit, governing_body, issuing_body, number, symbol, place, recipients,
	signer_authority, signer_title, signer_name, who, at`

// scanReportSettings reads a row of reportSettingsColumns.
func scanReportSettings(sc scanner) (planwatch.ReportSettings, error) {
	var s planwatch.ReportSettings
	var recipients, at string
	err := sc.Scan(&s.Unit, &s.GoverningBody, &s.IssuingBody, &s.Number, &s.Symbol, &s.Place, &recipients,
		&s.SignerAuthority, &s.SignerTitle, &s.SignerName, &s.By, &at)
	s.Recipients, s.At = codesOf(recipients), parseTime(at)
	return s, err
}

func reportSettings(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, unit string) (planwatch.ReportSettings, error) {
	s, err := scanReportSettings(q.QueryRowContext(ctx, `SELECT `+reportSettingsColumns+` FROM report_settings WHERE orgunit = ?`, unit))
	if errors.Is(err, sql.ErrNoRows) {
		return planwatch.ReportSettings{Unit: unit}, nil
	}
	return s, err
}

// insertReportSettings writes a unit's settings, replacing what it had.
func insertReportSettings(ctx context.Context, tx *sql.Tx, s *planwatch.ReportSettings) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO report_settings (`+reportSettingsColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (orgunit) DO UPDATE SET governing_body = excluded.governing_body, issuing_body = excluded.issuing_body,
		number = excluded.number, symbol = excluded.symbol, place = excluded.place, recipients = excluded.recipients,
		signer_authority = excluded.signer_authority, signer_title = excluded.signer_title, signer_name = excluded.signer_name,
		who = excluded.who, at = excluded.at`,
		s.Unit, s.GoverningBody, s.IssuingBody, s.Number, s.Symbol, s.Place, codesJSON(s.Recipients),
		s.SignerAuthority, s.SignerTitle, s.SignerName, s.By, formatTime(s.At))
	return err
}

// ReportSettings returns a unit's report settings; empty ones if none are stored.
func (db *DB) ReportSettings(ctx context.Context, unit string) (planwatch.ReportSettings, error) {
	s, err := reportSettings(ctx, db.r, unit)
	return s, internal("ReportSettings", err)
}

// SaveReportSettings replaces a unit's report settings and records the
// change in audit, in one transaction. EINVALID if they fail Validate.
func (db *DB) SaveReportSettings(ctx context.Context, s planwatch.ReportSettings, by, from string) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return internal("SaveReportSettings", err)
	}
	defer tx.Rollback()
	old, err := reportSettings(ctx, tx, s.Unit)
	if err != nil {
		return internal("SaveReportSettings", err)
	}
	s, entry, changed, err := engine.PlanReportSettings(old, s, db.now(), by, from)
	if err != nil || !changed {
		return err
	}
	if err := insertReportSettings(ctx, tx, &s); err != nil {
		return internal("SaveReportSettings", err)
	}
	aw, err := newAuditWriter(ctx, tx)
	if err != nil {
		return internal("SaveReportSettings", err)
	}
	defer aw.Close()
	if err := aw.add(ctx, entry); err != nil {
		return internal("SaveReportSettings", err)
	}
	seq, err := newChangeSet(ctx, tx, planwatch.ChangeRecord{Kind: planwatch.ChangeSettings, At: db.now(), By: by})
	if err != nil {
		return internal("SaveReportSettings", err)
	}
	if err := tx.Commit(); err != nil {
		return internal("SaveReportSettings", err)
	}
	db.observers.Notify(planwatch.Change{Seq: seq, Kind: planwatch.ChangeSettings})
	return nil
}
