//! The idle lock: after the policy's idle time without the officer's activity, the vault locks
//! before the next command runs, whatever the UI's own timer did. Reading on a timer (the sync
//! screen's refresh) is not activity, so it cannot hold the lock off.

use std::time::{Duration, Instant};

/// Whether a command is the officer's own doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    /// The officer did something (answered, moved, opened a screen): it resets the idle time.
    Officer,
    /// A screen read on its own (a refresh): it does not.
    Passive,
}

/// The idle time allowed and when the officer last did something.
#[derive(Debug, Clone)]
pub struct IdleLock {
    limit: Duration,
    last_activity: Instant,
}

impl IdleLock {
    /// An idle lock of `limit`, counting from now.
    pub fn new(limit: Duration) -> IdleLock {
        IdleLock {
            limit,
            last_activity: Instant::now(),
        }
    }

    /// The idle time allowed.
    pub fn limit(&self) -> Duration {
        self.limit
    }

    /// A new idle time allowed (the policy changed), counting from the last activity.
    pub fn set_limit(&mut self, limit: Duration) {
        self.limit = limit;
    }

    /// Called before each command at `now`: whether the vault must lock first (idle too long);
    /// then counts `activity`.
    pub fn must_lock(&mut self, activity: Activity, now: Instant) -> bool {
        let expired = now.saturating_duration_since(self.last_activity) > self.limit;
        if activity == Activity::Officer {
            self.last_activity = now;
        }
        expired
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passive_reads_do_not_hold_the_lock_off_and_activity_does() {
        let start = Instant::now();
        let mut idle = IdleLock {
            limit: Duration::from_secs(300),
            last_activity: start,
        };
        let at = |seconds| start + Duration::from_secs(seconds);
        assert!(!idle.must_lock(Activity::Passive, at(200)));
        assert!(!idle.must_lock(Activity::Passive, at(290)));
        assert!(
            idle.must_lock(Activity::Passive, at(301)),
            "refreshes held the lock off"
        );
        let mut idle = IdleLock {
            limit: Duration::from_secs(300),
            last_activity: start,
        };
        assert!(!idle.must_lock(Activity::Officer, at(200)));
        assert!(
            !idle.must_lock(Activity::Officer, at(450)),
            "activity reset the clock"
        );
        assert!(idle.must_lock(Activity::Officer, at(751)));
    }
}
