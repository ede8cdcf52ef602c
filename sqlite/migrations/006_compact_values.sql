-- 006: compact value storage (issue 12: at most 100 bytes per stored value).
-- The revisions one change set writes for one series (an indicator and a
-- unit) are one row of revisions, encoded by internal/engine (codec.go):
-- about 8 bytes per revision read from a file. Who, when and the source
-- file are the change set's (the v_ columns) unless a revision keeps its
-- own. The current value of a key is derived when read (planwatch.Current
-- over its revisions): there is no second copy. The rows of datavalues are
-- converted by Go code run with this migration (convertValues), which then
-- drops datavalues and current_values.
ALTER TABLE change_sets ADD COLUMN revisions INTEGER NOT NULL DEFAULT 0;
ALTER TABLE change_sets ADD COLUMN v_who TEXT NOT NULL DEFAULT '';
ALTER TABLE change_sets ADD COLUMN v_at TEXT NOT NULL DEFAULT '';
ALTER TABLE change_sets ADD COLUMN v_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE change_sets ADD COLUMN v_ref TEXT NOT NULL DEFAULT '';

CREATE TABLE series (
	id        INTEGER PRIMARY KEY,
	indicator TEXT NOT NULL REFERENCES indicators (code),
	orgunit   TEXT NOT NULL,
	UNIQUE (indicator, orgunit)
);
CREATE INDEX series_orgunit ON series (orgunit);

CREATE TABLE revisions (
	series INTEGER NOT NULL, -- series.id
	cs     INTEGER NOT NULL, -- change_sets.id
	n      INTEGER NOT NULL, -- revisions in data
	data   BLOB NOT NULL,
	PRIMARY KEY (series, cs)
) WITHOUT ROWID;
CREATE INDEX revisions_cs ON revisions (cs);
