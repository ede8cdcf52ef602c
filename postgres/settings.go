package postgres

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
	var recipients string
	err := sc.Scan(&s.Unit, &s.GoverningBody, &s.IssuingBody, &s.Number, &s.Symbol, &s.Place, &recipients,
		&s.SignerAuthority, &s.SignerTitle, &s.SignerName, &s.By, &s.At)
	s.Recipients, s.At = codesOf(recipients), s.At.UTC()
	return s, err
}

func reportSettings(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, unit string, lock bool) (planwatch.ReportSettings, error) {
	query := `SELECT ` + reportSettingsColumns + ` FROM report_settings WHERE orgunit = $1`
	if lock {
		query += ` FOR UPDATE`
	}
	s, err := scanReportSettings(q.QueryRowContext(ctx, query, unit))
	if errors.Is(err, sql.ErrNoRows) {
		return planwatch.ReportSettings{Unit: unit}, nil
	}
	return s, err
}

// insertReportSettings writes a unit's settings, replacing what it had.
func insertReportSettings(ctx context.Context, tx *sql.Tx, s *planwatch.ReportSettings) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO report_settings (`+reportSettingsColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (orgunit) DO UPDATE SET governing_body = excluded.governing_body, issuing_body = excluded.issuing_body,
		number = excluded.number, symbol = excluded.symbol, place = excluded.place, recipients = excluded.recipients,
		signer_authority = excluded.signer_authority, signer_title = excluded.signer_title, signer_name = excluded.signer_name,
		who = excluded.who, at = excluded.at`,
		s.Unit, s.GoverningBody, s.IssuingBody, s.Number, s.Symbol, s.Place, codesJSON(s.Recipients),
		s.SignerAuthority, s.SignerTitle, s.SignerName, s.By, s.At.UTC())
	return err
}

// ReportSettings returns a unit's report settings; empty ones if none are
// stored. It reads the primary, so a page shows what was just saved.
func (db *DB) ReportSettings(ctx context.Context, unit string) (planwatch.ReportSettings, error) {
	s, err := reportSettings(ctx, db.w, unit, false)
	return s, internal("ReportSettings", err)
}

// SaveReportSettings replaces a unit's report settings and records the
// change in audit, in one transaction. EINVALID if they fail Validate.
func (db *DB) SaveReportSettings(ctx context.Context, s planwatch.ReportSettings, by, from string) error {
	now := db.now()
	var seq int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		seq = 0
		old, err := reportSettings(ctx, tx, s.Unit, true)
		if err != nil {
			return err
		}
		s, entry, changed, err := engine.PlanReportSettings(old, s, now, by, from)
		if err != nil || !changed {
			return err
		}
		if err := insertReportSettings(ctx, tx, &s); err != nil {
			return err
		}
		if err := addAudit(ctx, tx, entry); err != nil {
			return err
		}
		// Report settings show on report pages: other instances hear of it.
		seq, err = db.newChangeSet(ctx, tx, planwatch.ChangeRecord{Kind: planwatch.ChangeSettings, At: now, By: by})
		return err
	})
	if err != nil {
		return internal("SaveReportSettings", err)
	}
	if seq > 0 {
		db.observers.Notify(planwatch.Change{Seq: seq, Kind: planwatch.ChangeSettings})
	}
	return nil
}
