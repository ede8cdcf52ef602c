-- 004: what a unit's period report prints around its text as an
-- administrative document (issuing body, number, recipients, signer; issue 18).
-- One row per unit; every change is in audit (report_settings.set).

CREATE TABLE report_settings (
	orgunit          TEXT PRIMARY KEY,
	governing_body   TEXT NOT NULL DEFAULT '',
	issuing_body     TEXT NOT NULL DEFAULT '',
	number           TEXT NOT NULL DEFAULT '',
	symbol           TEXT NOT NULL DEFAULT '',
	place            TEXT NOT NULL DEFAULT '',
	recipients       TEXT NOT NULL DEFAULT '[]',
	signer_authority TEXT NOT NULL DEFAULT '',
	signer_title     TEXT NOT NULL DEFAULT '',
	signer_name      TEXT NOT NULL DEFAULT '',
	who              TEXT NOT NULL,
	at               TEXT NOT NULL
) WITHOUT ROWID;
