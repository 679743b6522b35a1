//! Request counters for `/metrics` (Prometheus text format): counts by outcome only, never ids
//! or contents.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::storage::Counts;

/// Counters since the gateway started.
#[derive(Default)]
pub struct Metrics {
    /// Submissions stored for the first time.
    pub submissions_stored: AtomicU64,
    /// Submissions already had (a retry).
    pub submissions_repeated: AtomicU64,
    /// Conflicting submissions kept for review.
    pub submissions_conflicting: AtomicU64,
    /// Requests refused with a 4xx.
    pub requests_refused: AtomicU64,
    /// Requests that failed with a 5xx.
    pub requests_failed: AtomicU64,
    /// Devices enrolled.
    pub enrolments: AtomicU64,
    /// Requests refused for going over a rate (429).
    pub requests_rate_limited: AtomicU64,
}

impl Metrics {
    /// Adds one to a counter.
    pub fn count(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The Prometheus text exposition of the counters and the stored totals.
    pub fn render(&self, counts: Option<Counts>) -> String {
        let mut text = String::new();
        let counters = [
            (
                "firstline_submissions_stored_total",
                "Submissions stored for the first time.",
                &self.submissions_stored,
            ),
            (
                "firstline_submissions_repeated_total",
                "Submissions the gateway already had.",
                &self.submissions_repeated,
            ),
            (
                "firstline_submissions_conflicting_total",
                "Same id, other content: kept for review.",
                &self.submissions_conflicting,
            ),
            (
                "firstline_requests_refused_total",
                "Requests answered with a 4xx.",
                &self.requests_refused,
            ),
            (
                "firstline_requests_failed_total",
                "Requests answered with a 5xx.",
                &self.requests_failed,
            ),
            (
                "firstline_enrolments_total",
                "Devices enrolled.",
                &self.enrolments,
            ),
            (
                "firstline_requests_rate_limited_total",
                "Requests refused for going over a device's or an address's rate (429).",
                &self.requests_rate_limited,
            ),
        ];
        for (name, help, counter) in counters {
            let _ = writeln!(
                text,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                counter.load(Ordering::Relaxed)
            );
        }
        if let Some(counts) = counts {
            let gauges = [
                (
                    "firstline_stored_submissions",
                    "Submissions in the database.",
                    counts.submissions,
                ),
                (
                    "firstline_stored_conflicts",
                    "Conflicts in the database.",
                    counts.conflicts,
                ),
                (
                    "firstline_devices",
                    "Devices enrolled, revoked included.",
                    counts.devices,
                ),
                (
                    "firstline_revoked_devices",
                    "Devices revoked.",
                    counts.revoked_devices,
                ),
            ];
            for (name, help, value) in gauges {
                let _ = writeln!(
                    text,
                    "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
                );
            }
        }
        text
    }
}
