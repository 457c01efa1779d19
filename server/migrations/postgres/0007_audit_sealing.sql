-- The audit log is sealed after commit instead of inside each writer's transaction.
--
-- Appending used to take a transaction-scoped advisory lock, read the last hash and
-- chain to it: the lock was held through COMMIT, so every writer's commit (and its WAL
-- flush) queued behind the previous one. An entry is now inserted unsealed (seq,
-- prev_hash and hash NULL) by the transaction that made the change, and a sealer
-- (src/storage/audit.rs, one at a time under an advisory lock) gives it its chain
-- position and hash shortly after it commits. Until then the trigger still refuses any
-- change to it; only the hash chain does not cover it yet. Existing entries keep their
-- hashes, with seq = id (the old chain order).

ALTER TABLE audit_log ADD COLUMN seq BIGINT UNIQUE;
ALTER TABLE audit_log ALTER COLUMN prev_hash DROP NOT NULL;
ALTER TABLE audit_log ALTER COLUMN hash DROP NOT NULL;

ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;
UPDATE audit_log SET seq = id;
ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update;

CREATE INDEX audit_log_unsealed ON audit_log (id) WHERE seq IS NULL;

-- The one change allowed: sealing an unsealed entry once, touching nothing else.
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND OLD.seq IS NULL AND OLD.prev_hash IS NULL AND OLD.hash IS NULL
       AND NEW.seq IS NOT NULL AND NEW.prev_hash IS NOT NULL AND NEW.hash IS NOT NULL
       AND NEW.id = OLD.id AND NEW.at = OLD.at
       AND NEW.actor_user_id IS NOT DISTINCT FROM OLD.actor_user_id
       AND NEW.action = OLD.action AND NEW.subject_type = OLD.subject_type AND NEW.subject_id = OLD.subject_id
       AND NEW.before_state IS NOT DISTINCT FROM OLD.before_state
       AND NEW.after_state IS NOT DISTINCT FROM OLD.after_state THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;
