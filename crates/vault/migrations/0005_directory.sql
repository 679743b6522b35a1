-- 0005: the support-services directory the force publishes (reference data about services,
-- never about people), pulled by cursor with tombstones, and where the device's cursor is.
CREATE TABLE directory (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    contact     TEXT NOT NULL,
    description TEXT NOT NULL
);
ALTER TABLE device ADD COLUMN directory_cursor INTEGER NOT NULL DEFAULT 0;
