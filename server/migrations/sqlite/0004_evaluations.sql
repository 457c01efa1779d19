-- The three evaluations' rounds: leaders and fellow cadres rate the people of an
-- assessment unit (领导评鉴 · 干部评价), and units rate the departments that serve them
-- (双向考核). Residents' ratings (社会评议) live in 0005.
-- Keep in step with ../postgres/0004_evaluations.sql.

-- One round per kind, unit and period, opened and closed by the organisation admin.
-- kind 'unit': leaders and peers of `unit_id` rate its people.
-- kind 'two_way': units of `rater_categories` rate units of `ratee_categories`
-- (comma-separated unit categories); `unit_id` is NULL.
CREATE TABLE evaluation_rounds (
    id                INTEGER PRIMARY KEY,
    kind              TEXT    NOT NULL CHECK (kind IN ('unit', 'two_way')),
    unit_id           INTEGER REFERENCES units (id),
    period            TEXT    NOT NULL,
    -- Aggregates of anonymous ratings stay hidden below this many raters.
    min_raters        INTEGER NOT NULL CHECK (min_raters BETWEEN 1 AND 100),
    rater_categories  TEXT    NOT NULL DEFAULT '',
    ratee_categories  TEXT    NOT NULL DEFAULT '',
    status            TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    opened_by         INTEGER NOT NULL REFERENCES users (id),
    opened_at         TEXT    NOT NULL,
    closed_at         TEXT,
    CHECK ((kind = 'unit') = (unit_id IS NOT NULL))
);
CREATE UNIQUE INDEX evaluation_rounds_one ON evaluation_rounds (kind, COALESCE(unit_id, 0), period);

-- Leader evaluation: signed by the leader (not anonymous), changeable while the round is
-- open. `levels` holds one level per dimension (德能勤绩廉), `score` their exact mean.
CREATE TABLE leader_ratings (
    round_id       INTEGER NOT NULL REFERENCES evaluation_rounds (id),
    rater_user_id  INTEGER NOT NULL REFERENCES users (id),
    person_id      INTEGER NOT NULL REFERENCES people (id),
    levels         TEXT    NOT NULL,
    score          TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    PRIMARY KEY (round_id, rater_user_id, person_id)
);

-- Peer evaluation, anonymous by construction: who took part (ballots) and what was given
-- (ratings) are kept apart, with no column linking them and no timestamps on ratings.
CREATE TABLE peer_ballots (
    round_id         INTEGER NOT NULL REFERENCES evaluation_rounds (id),
    rater_person_id  INTEGER NOT NULL REFERENCES people (id),
    PRIMARY KEY (round_id, rater_person_id)
);
CREATE TABLE peer_ratings (
    id         INTEGER PRIMARY KEY,
    round_id   INTEGER NOT NULL REFERENCES evaluation_rounds (id),
    person_id  INTEGER NOT NULL REFERENCES people (id),
    score      TEXT    NOT NULL
);
CREATE INDEX peer_ratings_person ON peer_ratings (round_id, person_id);

-- Two-way: one ballot per rating unit, given by one of its leaders; the ratings of the
-- served units are kept apart from the ballots as for peers.
CREATE TABLE two_way_ballots (
    round_id        INTEGER NOT NULL REFERENCES evaluation_rounds (id),
    rater_unit_id   INTEGER NOT NULL REFERENCES units (id),
    PRIMARY KEY (round_id, rater_unit_id)
);
CREATE TABLE two_way_ratings (
    id         INTEGER PRIMARY KEY,
    round_id   INTEGER NOT NULL REFERENCES evaluation_rounds (id),
    unit_id    INTEGER NOT NULL REFERENCES units (id),
    score      TEXT    NOT NULL
);
CREATE INDEX two_way_ratings_unit ON two_way_ratings (round_id, unit_id);
