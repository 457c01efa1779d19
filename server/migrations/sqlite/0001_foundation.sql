-- Kaohe foundation schema (SQLite): organisation tree, people, users and roles,
-- sessions, login throttling and the append-only audit log.

CREATE TABLE units (
    id          INTEGER PRIMARY KEY,
    parent_id   INTEGER REFERENCES units (id),
    code        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    -- 街道 / 镇 / 经济部门 / 综合管理 …: decides which scheme family applies.
    category    TEXT    NOT NULL,
    -- The group a unit is ranked in (Wanzhou's 街道组, 大镇组 …).
    peer_group  TEXT    NOT NULL,
    created_at  TEXT    NOT NULL
);
CREATE INDEX units_parent ON units (parent_id);

CREATE TABLE people (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES units (id),
    name        TEXT    NOT NULL,
    -- 'principal' 党政正职 | 'section' 科级 | 'staff' 一般工作人员
    tier        TEXT    NOT NULL CHECK (tier IN ('principal', 'section', 'staff')),
    post        TEXT    NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT    NOT NULL
);
CREATE INDEX people_unit ON people (unit_id);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    username       TEXT    NOT NULL UNIQUE,
    password_hash  TEXT    NOT NULL,
    person_id      INTEGER REFERENCES people (id),
    display_name   TEXT    NOT NULL,
    disabled       INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT    NOT NULL
);

CREATE TABLE user_roles (
    user_id  INTEGER NOT NULL REFERENCES users (id),
    role     TEXT    NOT NULL CHECK (role IN ('cadre', 'leader', 'admin')),
    PRIMARY KEY (user_id, role)
);

-- Units a leader supervises (分管): the record-level right for leaders.
CREATE TABLE leader_units (
    user_id  INTEGER NOT NULL REFERENCES users (id),
    unit_id  INTEGER NOT NULL REFERENCES units (id),
    PRIMARY KEY (user_id, unit_id)
);

-- Server-side sessions: the JWT names a row here, so signing out or disabling a
-- user takes effect on the next request, on every app server.
CREATE TABLE sessions (
    id          TEXT    PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    created_at  TEXT    NOT NULL,
    expires_at  TEXT    NOT NULL,
    revoked_at  TEXT,
    user_agent  TEXT    NOT NULL DEFAULT '',
    ip          TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed sign-ins, counted per user name and per client address over a window.
-- Kept in the database (not in memory) so throttling holds across app servers.
CREATE TABLE login_failures (
    id        INTEGER PRIMARY KEY,
    username  TEXT    NOT NULL,
    ip        TEXT    NOT NULL,
    at        TEXT    NOT NULL
);
CREATE INDEX login_failures_username ON login_failures (username, at);
CREATE INDEX login_failures_ip ON login_failures (ip, at);

-- Append-only record of every state change, hash-chained: each row's hash covers
-- the previous row's hash, so a changed or deleted row breaks the chain.
CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    at            TEXT    NOT NULL,
    actor_user_id INTEGER REFERENCES users (id),
    action        TEXT    NOT NULL,
    subject_type  TEXT    NOT NULL,
    subject_id    TEXT    NOT NULL,
    before_state  TEXT,
    after_state   TEXT,
    prev_hash     TEXT    NOT NULL,
    hash          TEXT    NOT NULL UNIQUE
);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- Key/value settings the server keeps for itself (e.g. whether demo data was loaded).
CREATE TABLE server_settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
