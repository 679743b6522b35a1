-- 0004: the form pack the force publishes, pulled by the sync client and verified against the
-- force's pack-signing key; its bytes live in `packs` like every other kept pack.
ALTER TABLE device ADD COLUMN force_pack_hash TEXT;
