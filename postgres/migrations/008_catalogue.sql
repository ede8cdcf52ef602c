-- 008: the catalogue managed in the product (issue 13), the same model as
-- the sqlite engine's. Indicators gain a formula (derived indicators), a
-- category (breakdowns) and a retired flag; every version of every indicator
-- is kept with who, when and from where; indicator sets say which indicators
-- (and target kinds) a unit monitors in a year; unit groups name sets of
-- units. Changes to sets and groups are in audit (indicator_set.set,
-- unit_group.set).

ALTER TABLE indicators ADD COLUMN formula text NOT NULL DEFAULT '';
ALTER TABLE indicators ADD COLUMN category text NOT NULL DEFAULT '';
ALTER TABLE indicators ADD COLUMN retired boolean NOT NULL DEFAULT false;

-- One row per version of an indicator's definition; the highest is the one
-- in indicators. Version 1 of what was there before is the migration's.
CREATE TABLE indicator_versions (
	code        text COLLATE "C" NOT NULL,
	version     integer NOT NULL CHECK (version >= 1),
	at          timestamptz NOT NULL,
	at_ns       integer NOT NULL DEFAULT 0,
	who         text NOT NULL DEFAULT '',
	src         text NOT NULL DEFAULT '',
	note        text NOT NULL DEFAULT '',
	name_vi     text NOT NULL,
	name_en     text NOT NULL DEFAULT '',
	unit        text NOT NULL DEFAULT '',
	sector      text NOT NULL DEFAULT '',
	kind        text NOT NULL,
	time_agg    text NOT NULL,
	unit_agg    text NOT NULL,
	direction   integer NOT NULL,
	decimals    integer NOT NULL DEFAULT 0,
	numerator   text NOT NULL DEFAULT '',
	denominator text NOT NULL DEFAULT '',
	periodicity text NOT NULL DEFAULT '',
	formula     text NOT NULL DEFAULT '',
	category    text NOT NULL DEFAULT '',
	retired     boolean NOT NULL DEFAULT false,
	PRIMARY KEY (code, version)
);
INSERT INTO indicator_versions (code, version, at, who, src, name_vi, name_en, unit, sector, kind, time_agg, unit_agg,
	direction, decimals, numerator, denominator, periodicity)
	SELECT code, 1, date_trunc('microseconds', now()), 'migrate', '008_catalogue', name_vi, name_en, unit,
	sector, kind, time_agg, unit_agg, direction, decimals, numerator, denominator, periodicity FROM indicators;
CREATE FUNCTION indicator_versions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'indicator versions cannot be changed or deleted';
END $$;
CREATE TRIGGER indicator_versions_no_change BEFORE UPDATE OR DELETE ON indicator_versions
	FOR EACH ROW EXECUTE FUNCTION indicator_versions_append_only();

-- The indicators a unit monitors in a year (the People's Council
-- resolution's list), each with the target kinds it carries ('' = any).
CREATE TABLE indicator_sets (
	orgunit text COLLATE "C" NOT NULL,
	year    integer NOT NULL,
	source  text NOT NULL DEFAULT '', -- the resolution or document naming the list
	who     text NOT NULL DEFAULT '',
	at      timestamptz NOT NULL,
	at_ns   integer NOT NULL DEFAULT 0,
	PRIMARY KEY (orgunit, year)
);
CREATE TABLE indicator_set_items (
	orgunit      text COLLATE "C" NOT NULL,
	year         integer NOT NULL,
	indicator    text COLLATE "C" NOT NULL REFERENCES indicators (code),
	target_kinds text NOT NULL DEFAULT '', -- comma-separated planwatch.TargetKind
	PRIMARY KEY (orgunit, year, indicator),
	FOREIGN KEY (orgunit, year) REFERENCES indicator_sets (orgunit, year) ON DELETE CASCADE
);

-- Named groups of units (border communes, poor districts).
CREATE TABLE unit_groups (
	code    text COLLATE "C" PRIMARY KEY,
	name_vi text NOT NULL,
	name_en text NOT NULL DEFAULT '',
	who     text NOT NULL DEFAULT '',
	at      timestamptz NOT NULL,
	at_ns   integer NOT NULL DEFAULT 0
);
CREATE TABLE unit_group_members (
	grp     text COLLATE "C" NOT NULL REFERENCES unit_groups (code) ON DELETE CASCADE,
	orgunit text COLLATE "C" NOT NULL,
	PRIMARY KEY (grp, orgunit)
);
