-- 0014: the force's idle lock and wrong-PIN limit as last pulled (NULL until a pull after this
-- version), so that the effective settings (firstline-policy: the strictest of machine policy,
-- force and default) are known at each unlock, before any network. MAC'd with the rest of the
-- device row (src/integrity.rs).
ALTER TABLE device ADD COLUMN force_idle_lock_seconds INTEGER;
ALTER TABLE device ADD COLUMN force_max_failed_pins INTEGER;
