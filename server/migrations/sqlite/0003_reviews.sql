-- Review (审核) in two levels, publicity (公示), objections and reconsideration (复议).
-- Keep in step with ../postgres/0003_reviews.sql.

-- A leader reviews a unit at level 1 (分管领导审核) or confirms at level 2
-- (单位党委/主要领导 or 考核办确认). Both levels may read the unit's filings.
ALTER TABLE leader_units ADD COLUMN level INTEGER NOT NULL DEFAULT 1 CHECK (level IN (1, 2));

-- Each unit's choices: one review level or two, how long results are publicised, to whom,
-- what is shown and whether colleagues may object.
CREATE TABLE unit_review_settings (
    unit_id               INTEGER PRIMARY KEY REFERENCES units (id),
    merged_levels         INTEGER NOT NULL DEFAULT 0,
    publicity_days        INTEGER NOT NULL DEFAULT 5 CHECK (publicity_days BETWEEN 1 AND 30),
    -- 'unit': the unit's members; 'district': every signed-in user of the district.
    publicity_scope       TEXT    NOT NULL DEFAULT 'unit' CHECK (publicity_scope IN ('unit', 'district')),
    show_tasks            INTEGER NOT NULL DEFAULT 1,
    show_rank             INTEGER NOT NULL DEFAULT 1,
    colleague_objections  INTEGER NOT NULL DEFAULT 0,
    -- Days a reviewer has to answer an objection.
    answer_days           INTEGER NOT NULL DEFAULT 5 CHECK (answer_days BETWEEN 1 AND 30),
    updated_by            INTEGER REFERENCES users (id),
    updated_at            TEXT    NOT NULL
);

-- The reviewed score of a filing: the reviewer's adjustments fed to the engine, and the
-- engine's result with them. The cadre's own inputs and self-score stay in `filings`.
CREATE TABLE reviews (
    filing_id    INTEGER PRIMARY KEY REFERENCES filings (id),
    adjustments  TEXT    NOT NULL,
    result       TEXT    NOT NULL,
    total        TEXT    NOT NULL,
    grade        TEXT,
    level1_by    INTEGER REFERENCES users (id),
    level1_at    TEXT,
    level2_by    INTEGER REFERENCES users (id),
    level2_at    TEXT,
    -- The last comment of a return or send-back, shown to whom it was sent.
    comment      TEXT    NOT NULL DEFAULT '',
    updated_at   TEXT    NOT NULL
);

-- One publicity window per unit and period.
CREATE TABLE publications (
    id              INTEGER PRIMARY KEY,
    unit_id         INTEGER NOT NULL REFERENCES units (id),
    period          TEXT    NOT NULL,
    published_by    INTEGER NOT NULL REFERENCES users (id),
    published_at    TEXT    NOT NULL,
    window_ends_at  TEXT    NOT NULL,
    UNIQUE (unit_id, period)
);

-- Objections lodged during publicity and their reconsideration (复议).
CREATE TABLE objections (
    id              INTEGER PRIMARY KEY,
    filing_id       INTEGER NOT NULL REFERENCES filings (id),
    objector_id     INTEGER NOT NULL REFERENCES users (id),
    reason          TEXT    NOT NULL,
    lodged_at       TEXT    NOT NULL,
    answer_due      TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('open', 'kept', 'changed')),
    answer          TEXT,
    old_total       TEXT    NOT NULL,
    new_total       TEXT,
    answered_by     INTEGER REFERENCES users (id),
    answered_at     TEXT
);
CREATE INDEX objections_filing ON objections (filing_id);
