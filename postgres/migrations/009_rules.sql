-- 009: validation rules and breakdown categories (issue 13), the same model
-- as the sqlite engine's: each a small document read and written whole (its
-- JSON), every change in the audit trail (rule.set, rule.delete,
-- category.set, category.delete).

CREATE TABLE validation_rules (
	code       text COLLATE "C" PRIMARY KEY,
	body       text NOT NULL,
	updated_by text NOT NULL,
	updated_at text NOT NULL
);

CREATE TABLE categories (
	code       text COLLATE "C" PRIMARY KEY,
	body       text NOT NULL,
	updated_by text NOT NULL,
	updated_at text NOT NULL
);
