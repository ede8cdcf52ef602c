-- 001: the first schema. Times are TEXT in UTC, "2006-01-02T15:04:05.000000000Z"
-- (fixed width, so they sort as text); dates are "2006-01-02", '' for none.

CREATE TABLE indicators (
	code        TEXT PRIMARY KEY,
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
	periodicity TEXT NOT NULL DEFAULT ''
);

-- A GSO code names a unit at a date: one row per version.
CREATE TABLE orgunits (
	code       TEXT NOT NULL,
	valid_from TEXT NOT NULL,
	valid_to   TEXT NOT NULL DEFAULT '',
	name       TEXT NOT NULL,
	full_name  TEXT NOT NULL DEFAULT '',
	type       TEXT NOT NULL DEFAULT '',
	name_en    TEXT NOT NULL DEFAULT '',
	parent     TEXT NOT NULL DEFAULT '',
	level      INTEGER NOT NULL,
	PRIMARY KEY (code, valid_from)
) WITHOUT ROWID;
CREATE INDEX orgunits_parent ON orgunits (parent);

CREATE TABLE transitions (
	old    TEXT NOT NULL,
	new    TEXT NOT NULL,
	date   TEXT NOT NULL,
	full   INTEGER NOT NULL,
	basis  TEXT NOT NULL DEFAULT '',
	weight REAL NOT NULL DEFAULT 0,
	PRIMARY KEY (old, new, date)
) WITHOUT ROWID;
CREATE INDEX transitions_new ON transitions (new);

-- Every revision of every figure. k is the key string indicator/orgunit/period.
CREATE TABLE datavalues (
	id              INTEGER PRIMARY KEY,
	k               TEXT NOT NULL,
	indicator       TEXT NOT NULL REFERENCES indicators (code),
	orgunit         TEXT NOT NULL,
	period          TEXT NOT NULL,
	year            INTEGER NOT NULL,
	first_month     INTEGER NOT NULL CHECK (first_month BETWEEN 1 AND 12),
	last_month      INTEGER NOT NULL CHECK (last_month BETWEEN first_month AND 12),
	period_type     INTEGER NOT NULL,
	basis           TEXT NOT NULL CHECK (basis IN ('period', 'cumulative')),
	vintage         INTEGER NOT NULL CHECK (vintage BETWEEN 1 AND 3),
	revision        INTEGER NOT NULL CHECK (revision >= 1),
	value           REAL,
	yoy             REAL,
	plan_pct        REAL,
	vs_ref          REAL,
	comment         TEXT NOT NULL DEFAULT '',
	deleted         INTEGER NOT NULL DEFAULT 0,
	source_kind     TEXT NOT NULL DEFAULT '',
	source_ref      TEXT NOT NULL DEFAULT '',
	source_row      INTEGER NOT NULL DEFAULT 0,
	source_sentence TEXT NOT NULL DEFAULT '',
	source_formula  TEXT NOT NULL DEFAULT '',
	who TEXT NOT NULL DEFAULT '',
	at              TEXT NOT NULL,
	UNIQUE (k, vintage, revision)
);

-- The current revision of each key (planwatch.Current: latest revision of the
-- most final vintage), kept in the same transaction as the revisions. A key
-- whose revisions are all withdrawn has no row. The period columns are copied
-- so that range queries need only this table's indexes.
CREATE TABLE current_values (
	k           TEXT PRIMARY KEY,
	value_id    INTEGER NOT NULL REFERENCES datavalues (id),
	indicator   TEXT NOT NULL,
	orgunit     TEXT NOT NULL,
	start_month INTEGER NOT NULL, -- YYYYMM
	end_month   INTEGER NOT NULL  -- YYYYMM
) WITHOUT ROWID;
CREATE INDEX current_values_indicator ON current_values (indicator, orgunit, start_month);
CREATE INDEX current_values_orgunit ON current_values (orgunit, start_month);

-- Every version of every target; the current one is the highest version.
CREATE TABLE targets (
	tk              TEXT NOT NULL, -- indicator/orgunit/year/kind
	indicator       TEXT NOT NULL REFERENCES indicators (code),
	orgunit         TEXT NOT NULL,
	year            INTEGER NOT NULL,
	kind            TEXT NOT NULL,
	version         INTEGER NOT NULL CHECK (version >= 1),
	value           REAL NOT NULL,
	adjusted        INTEGER NOT NULL DEFAULT 0,
	adopted         TEXT NOT NULL DEFAULT '',
	source_kind     TEXT NOT NULL DEFAULT '',
	source_ref      TEXT NOT NULL DEFAULT '',
	source_row      INTEGER NOT NULL DEFAULT 0,
	source_sentence TEXT NOT NULL DEFAULT '',
	source_formula  TEXT NOT NULL DEFAULT '',
	who TEXT NOT NULL DEFAULT '',
	at              TEXT NOT NULL,
	PRIMARY KEY (tk, version)
);
CREATE INDEX targets_indicator ON targets (indicator, orgunit, year);
CREATE INDEX targets_orgunit ON targets (orgunit, year);

CREATE TABLE milestones (
	mk              TEXT PRIMARY KEY, -- indicator/orgunit/period/target kind
	indicator       TEXT NOT NULL REFERENCES indicators (code),
	orgunit         TEXT NOT NULL,
	period          TEXT NOT NULL,
	year            INTEGER NOT NULL,
	first_month     INTEGER NOT NULL,
	last_month      INTEGER NOT NULL,
	period_type     INTEGER NOT NULL,
	share           REAL NOT NULL,
	bound           TEXT NOT NULL CHECK (bound IN ('min', 'max')),
	target_kind     TEXT NOT NULL,
	source_kind     TEXT NOT NULL DEFAULT '',
	source_ref      TEXT NOT NULL DEFAULT '',
	source_row      INTEGER NOT NULL DEFAULT 0,
	source_sentence TEXT NOT NULL DEFAULT '',
	source_formula  TEXT NOT NULL DEFAULT '',
	who TEXT NOT NULL DEFAULT '',
	at              TEXT NOT NULL
);
CREATE INDEX milestones_orgunit ON milestones (orgunit, year);
CREATE INDEX milestones_year ON milestones (year);

CREATE TABLE notes (
	id          INTEGER PRIMARY KEY,
	sector      TEXT NOT NULL DEFAULT '',
	orgunit     TEXT NOT NULL,
	period      TEXT NOT NULL,
	year        INTEGER NOT NULL,
	first_month INTEGER NOT NULL,
	last_month  INTEGER NOT NULL,
	period_type INTEGER NOT NULL,
	text        TEXT NOT NULL,
	who TEXT NOT NULL DEFAULT '',
	at          TEXT NOT NULL
);
CREATE INDEX notes_orgunit ON notes (orgunit, year);

CREATE TABLE tasks (
	id          INTEGER PRIMARY KEY,
	orgunit     TEXT NOT NULL,
	sector      TEXT NOT NULL DEFAULT '',
	text        TEXT NOT NULL,
	owner       TEXT NOT NULL DEFAULT '',
	due         TEXT NOT NULL,
	year        INTEGER NOT NULL,
	first_month INTEGER NOT NULL,
	last_month  INTEGER NOT NULL,
	period_type INTEGER NOT NULL,
	status      TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'done', 'dropped')),
	indicators  TEXT NOT NULL DEFAULT '[]', -- JSON array of indicator codes
	who TEXT NOT NULL DEFAULT '',
	at          TEXT NOT NULL
);
CREATE INDEX tasks_orgunit ON tasks (orgunit, year);

-- The audit trail is append-only: the code has no UPDATE or DELETE of it, and
-- these triggers refuse one from anywhere else (a sqlite3 shell, a bug).
CREATE TABLE audit (
	id     INTEGER PRIMARY KEY AUTOINCREMENT,
	at     TEXT NOT NULL,
	who TEXT NOT NULL DEFAULT '',
	src    TEXT NOT NULL DEFAULT '', -- AuditEntry.From
	action TEXT NOT NULL,
	entity TEXT NOT NULL DEFAULT '',
	old    TEXT NOT NULL DEFAULT '',
	new    TEXT NOT NULL DEFAULT '',
	detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_entity ON audit (entity);
CREATE INDEX audit_at ON audit (at);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
	SELECT RAISE(ABORT, 'audit entries cannot be changed');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
	SELECT RAISE(ABORT, 'audit entries cannot be deleted');
END;
