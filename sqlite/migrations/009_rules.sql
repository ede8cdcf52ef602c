-- 009: validation rules and breakdown categories (issue 13). Each is a
-- small document read and written whole (the JSON of the rule or the
-- category with its options); every change is in the audit trail
-- (rule.set, rule.delete, category.set, category.delete).

CREATE TABLE validation_rules (
	code       TEXT PRIMARY KEY,
	body       TEXT NOT NULL,
	updated_by TEXT NOT NULL,
	updated_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE categories (
	code       TEXT PRIMARY KEY,
	body       TEXT NOT NULL,
	updated_by TEXT NOT NULL,
	updated_at TEXT NOT NULL
) WITHOUT ROWID;
