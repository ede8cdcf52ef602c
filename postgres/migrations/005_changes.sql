-- 005: the change sequence (planwatch.ChangeFeed). Every committed write that
-- changes something gets one change_sets row; its id is the sequence number
-- an analytics index follows. Ids are given under an advisory lock held to
-- the commit (changes.go), so they follow commit order across instances.
-- datavalues.cs is the change set that wrote a revision.
CREATE TABLE change_sets (
	id       bigint PRIMARY KEY,       -- the change sequence number
	at       timestamptz NOT NULL,
	at_ns    integer NOT NULL DEFAULT 0,
	who      text NOT NULL DEFAULT '',
	src      text NOT NULL DEFAULT '', -- ChangeSet.From: an address, "cli", a file
	kind     text NOT NULL,            -- planwatch.ChangeKind, or 'migrate' for what was there before
	imported integer NOT NULL DEFAULT 0,
	updated  integer NOT NULL DEFAULT 0,
	ignored  integer NOT NULL DEFAULT 0,
	deleted  integer NOT NULL DEFAULT 0
);

-- What a database held before this migration counts as change 1.
INSERT INTO change_sets (id, at, kind)
	SELECT 1, now(), 'migrate'
	WHERE EXISTS (SELECT 1 FROM datavalues) OR EXISTS (SELECT 1 FROM targets) OR EXISTS (SELECT 1 FROM approvals);
ALTER TABLE datavalues ADD COLUMN cs bigint NOT NULL DEFAULT 1;
CREATE INDEX datavalues_cs ON datavalues (cs);
