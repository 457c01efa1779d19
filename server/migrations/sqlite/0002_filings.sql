-- Schemes, the three displays (三亮: duties, tasks, achievements), drafts and filings.

-- Assessment schemes exactly as the engine validated them, one row per version.
CREATE TABLE schemes (
    id              TEXT    NOT NULL,
    version         INTEGER NOT NULL,
    name            TEXT    NOT NULL,
    period_kind     TEXT    NOT NULL CHECK (period_kind IN ('month', 'quarter', 'half_year', 'year')),
    hash            TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    effective_from  TEXT    NOT NULL,
    effective_to    TEXT,
    created_at      TEXT    NOT NULL,
    PRIMARY KEY (id, version)
);

-- Which scheme a person files under: by unit category or by one unit, and tier.
-- A unit binding wins over its category's.
CREATE TABLE scheme_bindings (
    id            INTEGER PRIMARY KEY,
    scope_kind    TEXT    NOT NULL CHECK (scope_kind IN ('category', 'unit')),
    scope         TEXT    NOT NULL,
    tier          TEXT    NOT NULL CHECK (tier IN ('principal', 'section', 'staff')),
    scheme_id     TEXT    NOT NULL,
    -- The filing is due at the end of this day of the month after the period.
    deadline_day  INTEGER NOT NULL DEFAULT 5 CHECK (deadline_day BETWEEN 1 AND 28),
    allow_late    INTEGER NOT NULL DEFAULT 1,
    UNIQUE (scope_kind, scope, tier)
);

-- 岗位职责: a person's post duties for a year, set by the unit.
CREATE TABLE duties (
    person_id   INTEGER NOT NULL REFERENCES people (id),
    year        INTEGER NOT NULL,
    body        TEXT    NOT NULL,
    set_by      INTEGER REFERENCES users (id),
    updated_at  TEXT    NOT NULL,
    PRIMARY KEY (person_id, year)
);

-- 任务清单: tasks with measure, target and deadline. A cadre proposes, the leader
-- approves, the cadre signs (承诺); or a leader dispatches and the cadre accepts (派单/接单).
CREATE TABLE tasks (
    id             INTEGER PRIMARY KEY,
    person_id      INTEGER NOT NULL REFERENCES people (id),
    year           INTEGER NOT NULL,
    title          TEXT    NOT NULL,
    measure        TEXT    NOT NULL DEFAULT '',
    target         TEXT    NOT NULL DEFAULT '',
    deadline       TEXT,
    -- The scheme indicator the task's reports count toward, if any.
    indicator      TEXT,
    status         TEXT    NOT NULL CHECK (status IN ('proposed', 'approved', 'committed', 'dispatched', 'done', 'cancelled')),
    origin         TEXT    NOT NULL CHECK (origin IN ('self', 'dispatched')),
    created_by     INTEGER NOT NULL REFERENCES users (id),
    approved_by    INTEGER REFERENCES users (id),
    approved_at    TEXT,
    committed_at   TEXT,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL
);
CREATE INDEX tasks_person ON tasks (person_id, year);

-- The server's copy of a cadre's draft (the phone keeps its own in local storage).
CREATE TABLE drafts (
    person_id       INTEGER NOT NULL REFERENCES people (id),
    period          TEXT    NOT NULL,
    scheme_id       TEXT    NOT NULL,
    scheme_version  INTEGER NOT NULL,
    body            TEXT    NOT NULL,
    -- The phone's own counter, so an older copy never overwrites a newer one.
    client_rev      INTEGER NOT NULL,
    updated_at      TEXT    NOT NULL,
    PRIMARY KEY (person_id, period)
);

-- Photo evidence, stored in the database so app servers stay stateless.
CREATE TABLE evidence (
    id            TEXT    PRIMARY KEY,
    person_id     INTEGER NOT NULL REFERENCES people (id),
    content_type  TEXT    NOT NULL,
    size          INTEGER NOT NULL,
    bytes         BLOB    NOT NULL,
    created_at    TEXT    NOT NULL
);
CREATE INDEX evidence_person ON evidence (person_id);

-- One filing per person and period; resubmitting before review replaces it and the
-- replaced version moves to filing_revisions.
CREATE TABLE filings (
    id                 INTEGER PRIMARY KEY,
    person_id          INTEGER NOT NULL REFERENCES people (id),
    unit_id            INTEGER NOT NULL REFERENCES units (id),
    period             TEXT    NOT NULL,
    scheme_id          TEXT    NOT NULL,
    scheme_version     INTEGER NOT NULL,
    scheme_hash        TEXT    NOT NULL,
    engine_version     TEXT    NOT NULL,
    status             TEXT    NOT NULL,
    revision           INTEGER NOT NULL,
    -- Bumped by every state change: reviewers acting at once cannot both succeed.
    version            INTEGER NOT NULL,
    nothing_to_report  INTEGER NOT NULL,
    late               INTEGER NOT NULL,
    inputs             TEXT    NOT NULL,
    result             TEXT    NOT NULL,
    total              TEXT    NOT NULL,
    grade              TEXT,
    submitted_at       TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL,
    UNIQUE (person_id, period),
    FOREIGN KEY (scheme_id, scheme_version) REFERENCES schemes (id, version)
);
CREATE INDEX filings_unit ON filings (unit_id, period);

CREATE TABLE filing_revisions (
    filing_id        INTEGER NOT NULL REFERENCES filings (id),
    revision         INTEGER NOT NULL,
    scheme_version   INTEGER NOT NULL,
    inputs           TEXT    NOT NULL,
    result           TEXT    NOT NULL,
    total            TEXT    NOT NULL,
    late             INTEGER NOT NULL,
    submitted_at     TEXT    NOT NULL,
    PRIMARY KEY (filing_id, revision)
);

-- Idempotency: the answer given to each submission key, returned again on a resend.
CREATE TABLE submissions (
    idempotency_key  TEXT    PRIMARY KEY,
    person_id        INTEGER NOT NULL REFERENCES people (id),
    filing_id        INTEGER NOT NULL REFERENCES filings (id),
    revision         INTEGER NOT NULL,
    response         TEXT    NOT NULL,
    created_at       TEXT    NOT NULL
);
