-- 003: named mappings of a partner's identifiers to planwatch codes (issue
-- 15): DHIS2 UIDs to indicator and unit codes, SDMX columns to planwatch's.
-- A mapping is replaced whole; each replacement is in the audit trail.

CREATE TABLE mappings (
	name       TEXT PRIMARY KEY,
	updated_by TEXT NOT NULL,
	updated_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE mapping_entries (
	mapping    TEXT NOT NULL REFERENCES mappings (name) ON DELETE CASCADE,
	kind       TEXT NOT NULL CHECK (kind IN ('dataElement', 'orgUnit', 'categoryOptionCombo', 'attributeOptionCombo', 'column')),
	partner_id TEXT NOT NULL,
	code       TEXT NOT NULL,
	value_type TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (mapping, kind, partner_id)
) WITHOUT ROWID;
