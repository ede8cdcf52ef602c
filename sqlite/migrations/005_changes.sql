-- 005: the change sequence (planwatch.ChangeFeed). Every committed write that
-- changes something gets one change_sets row; its id is the sequence number
-- an analytics index follows. datavalues.cs is the change set that wrote a
-- revision, so that what changed after a number is one index range.
CREATE TABLE change_sets (
	id       INTEGER PRIMARY KEY,      -- the change sequence number
	at       TEXT NOT NULL,
	who      TEXT NOT NULL DEFAULT '',
	src      TEXT NOT NULL DEFAULT '', -- ChangeSet.From: an address, "cli", a file
	kind     TEXT NOT NULL,            -- planwatch.ChangeKind, or 'migrate' for what was there before
	imported INTEGER NOT NULL DEFAULT 0,
	updated  INTEGER NOT NULL DEFAULT 0,
	ignored  INTEGER NOT NULL DEFAULT 0,
	deleted  INTEGER NOT NULL DEFAULT 0
);

-- What a database held before this migration counts as change 1.
INSERT INTO change_sets (id, at, kind)
	SELECT 1, strftime('%Y-%m-%dT%H:%M:%f000000Z', 'now'), 'migrate'
	WHERE EXISTS (SELECT 1 FROM datavalues) OR EXISTS (SELECT 1 FROM targets) OR EXISTS (SELECT 1 FROM approvals);
ALTER TABLE datavalues ADD COLUMN cs INTEGER NOT NULL DEFAULT 1;
CREATE INDEX datavalues_cs ON datavalues (cs);
