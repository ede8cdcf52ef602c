-- 003: named mappings of a partner's identifiers to planwatch codes (issue
-- 15), the same model as the sqlite engine's. A mapping is replaced whole;
-- each replacement is in the audit trail.

CREATE TABLE mappings (
	name       text COLLATE "C" PRIMARY KEY,
	updated_by text NOT NULL,
	updated_at timestamptz NOT NULL
);

CREATE TABLE mapping_entries (
	mapping    text COLLATE "C" NOT NULL REFERENCES mappings (name) ON DELETE CASCADE,
	kind       text COLLATE "C" NOT NULL CHECK (kind IN ('dataElement', 'orgUnit', 'categoryOptionCombo', 'attributeOptionCombo', 'column')),
	partner_id text COLLATE "C" NOT NULL,
	code       text NOT NULL,
	value_type text NOT NULL DEFAULT '',
	PRIMARY KEY (mapping, kind, partner_id)
);
