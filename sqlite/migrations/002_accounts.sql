-- 002: accounts, sessions, login attempts and approvals (issue 6). Scopes are
-- JSON arrays of codes; times are TEXT in UTC as in 001.

CREATE TABLE accounts (
	name          TEXT PRIMARY KEY,
	password_hash TEXT NOT NULL DEFAULT '',
	role          TEXT NOT NULL CHECK (role IN ('admin', 'planner', 'reporter', 'viewer')),
	units         TEXT NOT NULL DEFAULT '[]',
	sectors       TEXT NOT NULL DEFAULT '[]',
	indicators    TEXT NOT NULL DEFAULT '[]',
	disabled      INTEGER NOT NULL DEFAULT 0,
	created       TEXT NOT NULL
) WITHOUT ROWID;

-- id_hash is the SHA-256 of the id the browser holds, never the id itself.
CREATE TABLE sessions (
	id_hash   TEXT PRIMARY KEY,
	username  TEXT NOT NULL REFERENCES accounts (name) ON DELETE CASCADE,
	created   TEXT NOT NULL,
	expires   TEXT NOT NULL,
	last_seen TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (username);
CREATE INDEX sessions_expires ON sessions (expires);

CREATE TABLE login_attempts (
	id       INTEGER PRIMARY KEY,
	username TEXT NOT NULL,
	ip       TEXT NOT NULL,
	at       TEXT NOT NULL,
	ok       INTEGER NOT NULL
);
CREATE INDEX login_attempts_user ON login_attempts (username, at);
CREATE INDEX login_attempts_ip ON login_attempts (ip, at);
CREATE INDEX login_attempts_at ON login_attempts (at);

-- The current approval state of a unit and period; its history is in audit.
CREATE TABLE approvals (
	orgunit     TEXT NOT NULL,
	period      TEXT NOT NULL,
	year        INTEGER NOT NULL,
	first_month INTEGER NOT NULL,
	last_month  INTEGER NOT NULL,
	period_type INTEGER NOT NULL,
	state       TEXT NOT NULL CHECK (state IN ('open', 'submitted', 'returned', 'approved')),
	who         TEXT NOT NULL,
	at          TEXT NOT NULL,
	comment     TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (orgunit, period)
) WITHOUT ROWID;
CREATE INDEX approvals_year ON approvals (year);
