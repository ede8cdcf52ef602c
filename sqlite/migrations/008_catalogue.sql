-- 008: the catalogue managed in the product (issue 13). Indicators gain a
-- formula (derived indicators), a category (breakdowns) and a retired flag;
-- every version of every indicator is kept with who, when and from where;
-- indicator sets say which indicators (and target kinds) a unit monitors in a
-- year; unit groups name sets of units. Changes to sets and groups are in
-- audit (indicator_set.set, unit_group.set).

ALTER TABLE indicators ADD COLUMN formula TEXT NOT NULL DEFAULT '';
ALTER TABLE indicators ADD COLUMN category TEXT NOT NULL DEFAULT '';
ALTER TABLE indicators ADD COLUMN retired INTEGER NOT NULL DEFAULT 0;

-- One row per version of an indicator's definition; the highest is the one
-- in indicators. Version 1 of what was there before is the migration's.
CREATE TABLE indicator_versions (
	code        TEXT NOT NULL,
	version     INTEGER NOT NULL CHECK (version >= 1),
	at          TEXT NOT NULL,
	who         TEXT NOT NULL DEFAULT '',
	src         TEXT NOT NULL DEFAULT '',
	note        TEXT NOT NULL DEFAULT '',
	name_vi     TEXT NOT NULL,
	name_en     TEXT NOT NULL DEFAULT '',
	unit        TEXT NOT NULL DEFAULT '',
	sector      TEXT NOT NULL DEFAULT '',
	kind        TEXT NOT NULL,
	time_agg    TEXT NOT NULL,
	unit_agg    TEXT NOT NULL,
	direction   INTEGER NOT NULL,
	decimals    INTEGER NOT NULL DEFAULT 0,
	numerator   TEXT NOT NULL DEFAULT '',
	denominator TEXT NOT NULL DEFAULT '',
	periodicity TEXT NOT NULL DEFAULT '',
	formula     TEXT NOT NULL DEFAULT '',
	category    TEXT NOT NULL DEFAULT '',
	retired     INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (code, version)
) WITHOUT ROWID;
INSERT INTO indicator_versions (code, version, at, who, src, name_vi, name_en, unit, sector, kind, time_agg, unit_agg,
	direction, decimals, numerator, denominator, periodicity)
	SELECT code, 1, strftime('%Y-%m-%dT%H:%M:%f000000Z', 'now'), 'migrate', '008_catalogue', name_vi, name_en, unit,
	sector, kind, time_agg, unit_agg, direction, decimals, numerator, denominator, periodicity FROM indicators;
CREATE TRIGGER indicator_versions_no_update BEFORE UPDATE ON indicator_versions
BEGIN
	SELECT RAISE(ABORT, 'indicator versions cannot be changed');
END;
CREATE TRIGGER indicator_versions_no_delete BEFORE DELETE ON indicator_versions
BEGIN
	SELECT RAISE(ABORT, 'indicator versions cannot be deleted');
END;

-- The indicators a unit monitors in a year (the People's Council
-- resolution's list), each with the target kinds it carries ('' = any).
CREATE TABLE indicator_sets (
	orgunit TEXT NOT NULL,
	year    INTEGER NOT NULL,
	source  TEXT NOT NULL DEFAULT '', -- the resolution or document naming the list
	who     TEXT NOT NULL DEFAULT '',
	at      TEXT NOT NULL,
	PRIMARY KEY (orgunit, year)
) WITHOUT ROWID;
CREATE TABLE indicator_set_items (
	orgunit      TEXT NOT NULL,
	year         INTEGER NOT NULL,
	indicator    TEXT NOT NULL REFERENCES indicators (code),
	target_kinds TEXT NOT NULL DEFAULT '', -- comma-separated planwatch.TargetKind
	PRIMARY KEY (orgunit, year, indicator),
	FOREIGN KEY (orgunit, year) REFERENCES indicator_sets (orgunit, year) ON DELETE CASCADE
) WITHOUT ROWID;

-- Named groups of units (border communes, poor districts).
CREATE TABLE unit_groups (
	code    TEXT PRIMARY KEY,
	name_vi TEXT NOT NULL,
	name_en TEXT NOT NULL DEFAULT '',
	who     TEXT NOT NULL DEFAULT '',
	at      TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE unit_group_members (
	grp     TEXT NOT NULL REFERENCES unit_groups (code) ON DELETE CASCADE,
	orgunit TEXT NOT NULL,
	PRIMARY KEY (grp, orgunit)
) WITHOUT ROWID;
