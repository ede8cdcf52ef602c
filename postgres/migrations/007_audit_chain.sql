-- 007: the audit trail as a hash chain (tamper evidence). hash is the hash of
-- prev (the hash of the entry before) and of the entry's content
-- (internal/engine AuditHash). The entries already there are chained by the
-- migration's code (chainAudit in migrate.go), which enables again the
-- trigger disabled here: no UPDATE of audit is allowed outside this migration.
ALTER TABLE audit ADD COLUMN prev text NOT NULL DEFAULT '', ADD COLUMN hash text NOT NULL DEFAULT '';
ALTER TABLE audit DISABLE TRIGGER audit_no_update;
