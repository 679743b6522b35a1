-- 0011: audit entries from now on are keyed: an HMAC under a key derived from the device secret
-- (src/audit.rs). Entries written before stay plain SHA-256 (keyed = 0): a chain cannot be
-- rewritten, and once an entry is keyed every later one is.
ALTER TABLE audit ADD COLUMN keyed INTEGER NOT NULL DEFAULT 0;
