-- 社会评议 (SQLite): residents rate a unit or a person by QR code, anonymously.
-- A campaign is one unit (or one person of it, e.g. a village first secretary) for one
-- period; the QR code carries a signed token naming it.

CREATE TABLE social_campaigns (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES units (id),
    -- Set when the campaign rates one person rather than the whole unit.
    person_id   INTEGER REFERENCES people (id),
    -- 2026-11, 2026-Q4, 2026-H2 or 2026.
    period      TEXT    NOT NULL,
    -- What the poster and the resident page show (unit, or person and unit).
    title       TEXT    NOT NULL,
    created_by  INTEGER NOT NULL REFERENCES users (id),
    created_at  TEXT    NOT NULL,
    ends_at     TEXT    NOT NULL,
    -- Closed early by the admin; a campaign has ended when closed or past ends_at.
    closed_at   TEXT
);
CREATE INDEX social_campaigns_unit ON social_campaigns (unit_id, period);
CREATE INDEX social_campaigns_person ON social_campaigns (person_id, period);

-- One resident's rating. Nothing identifies the resident: the device id is a random
-- cookie value, the address is kept only as a keyed hash (for the per-address limit and
-- the anomaly flags). The two UNIQUE constraints are the stuffing defence that holds
-- across app servers: one rating per device per campaign, and each proof-of-work
-- solution accepted once.
CREATE TABLE social_ratings (
    id           INTEGER PRIMARY KEY,
    campaign_id  INTEGER NOT NULL REFERENCES social_campaigns (id),
    device_id    TEXT    NOT NULL,
    ip_hash      TEXT    NOT NULL,
    level        TEXT    NOT NULL CHECK (level IN ('satisfied', 'basic', 'dissatisfied')),
    comment      TEXT    NOT NULL DEFAULT '',
    challenge    TEXT    NOT NULL UNIQUE,
    created_at   TEXT    NOT NULL,
    UNIQUE (campaign_id, device_id)
);
CREATE INDEX social_ratings_ip ON social_ratings (campaign_id, ip_hash, created_at);
CREATE INDEX social_ratings_time ON social_ratings (campaign_id, created_at);
