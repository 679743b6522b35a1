-- 0002: every signed form pack a draft uses, kept by content hash, so a draft can always be
-- resumed with the exact pack it was started on. Pack files are not secret (form wording).

CREATE TABLE packs (
    pack_hash    TEXT PRIMARY KEY,
    signed_bytes BLOB NOT NULL,
    kept_at      INTEGER NOT NULL
);
