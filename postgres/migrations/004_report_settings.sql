-- 004: what a unit's period report prints around its text as an
-- administrative document (issuing body, number, recipients, signer; issue 18),
-- the same model as the sqlite engine's. Recipients are a JSON array in text.
-- One row per unit; every change is in audit (report_settings.set).

CREATE TABLE report_settings (
	orgunit          text COLLATE "C" PRIMARY KEY,
	governing_body   text NOT NULL DEFAULT '',
	issuing_body     text NOT NULL DEFAULT '',
	number           text NOT NULL DEFAULT '',
	symbol           text NOT NULL DEFAULT '',
	place            text NOT NULL DEFAULT '',
	recipients       text NOT NULL DEFAULT '[]',
	signer_authority text NOT NULL DEFAULT '',
	signer_title     text NOT NULL DEFAULT '',
	signer_name      text NOT NULL DEFAULT '',
	who              text NOT NULL,
	at               timestamptz NOT NULL
);
