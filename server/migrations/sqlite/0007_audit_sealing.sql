-- The audit log is sealed after commit instead of inside each writer's transaction.
--
-- An entry is now inserted unsealed (seq, prev_hash and hash NULL) by the transaction
-- that made the change, and a sealer (src/storage/audit.rs, one at a time) gives it its
-- chain position and hash shortly after it commits. Until then the triggers still refuse
-- any change to it; only the hash chain does not cover it yet.
--
-- SQLite cannot drop NOT NULL in place: the table is rebuilt (new table, copy, drop,
-- rename), its existing entries keeping their hashes with seq = id (the old chain order).

DROP TRIGGER audit_log_no_update;
DROP TRIGGER audit_log_no_delete;

CREATE TABLE audit_log_sealed (
    id            INTEGER PRIMARY KEY,
    at            TEXT    NOT NULL,
    actor_user_id INTEGER REFERENCES users (id),
    action        TEXT    NOT NULL,
    subject_type  TEXT    NOT NULL,
    subject_id    TEXT    NOT NULL,
    before_state  TEXT,
    after_state   TEXT,
    -- Chain position, previous entry's hash and own hash: all NULL until sealed.
    seq           INTEGER UNIQUE,
    prev_hash     TEXT,
    hash          TEXT    UNIQUE
);

INSERT INTO audit_log_sealed
    (id, at, actor_user_id, action, subject_type, subject_id, before_state, after_state, seq, prev_hash, hash)
SELECT id, at, actor_user_id, action, subject_type, subject_id, before_state, after_state, id, prev_hash, hash
FROM audit_log;

DROP TABLE audit_log;
ALTER TABLE audit_log_sealed RENAME TO audit_log;

CREATE INDEX audit_log_unsealed ON audit_log (id) WHERE seq IS NULL;

-- The one change allowed: sealing an unsealed entry once, touching nothing else.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NOT (
    OLD.seq IS NULL AND OLD.prev_hash IS NULL AND OLD.hash IS NULL
    AND NEW.seq IS NOT NULL AND NEW.prev_hash IS NOT NULL AND NEW.hash IS NOT NULL
    AND NEW.id IS OLD.id AND NEW.at IS OLD.at AND NEW.actor_user_id IS OLD.actor_user_id
    AND NEW.action IS OLD.action AND NEW.subject_type IS OLD.subject_type AND NEW.subject_id IS OLD.subject_id
    AND NEW.before_state IS OLD.before_state AND NEW.after_state IS OLD.after_state
)
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
