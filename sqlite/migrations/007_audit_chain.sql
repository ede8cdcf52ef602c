-- 007: the audit trail as a hash chain (tamper evidence). hash is the hash of
-- prev (the hash of the entry before) and of the entry's content
-- (internal/engine AuditHash). The entries already there are chained by the
-- migration's code (chainAudit in migrate.go), which puts back the trigger
-- dropped here: no UPDATE of audit is allowed outside this migration.
ALTER TABLE audit ADD COLUMN prev TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN hash TEXT NOT NULL DEFAULT '';
DROP TRIGGER audit_no_update;
