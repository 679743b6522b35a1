//! What the app may log: a closed set of events whose fields are counts, codes and facts about
//! the device. Its text fields are `&'static str`, written into the program, so no text an
//! officer typed (an answer, a name) can reach the log file however the app is driven.

/// One thing worth a log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The app started.
    Started {
        /// Its version.
        version: &'static str,
        /// Whether a machine policy is in force.
        managed: bool,
    },
    /// The app could not open its vault or policy, and shows why.
    CannotStart {
        /// The refusal's kind (`firstline_workspace::Refusal`), e.g. `policy_unusable`.
        refusal: &'static str,
    },
    /// The machine policy could not be re-read; the last good one stays in force.
    PolicyProblem,
    /// An officer unlocked.
    Unlocked,
    /// A command was refused; the refusal's kind only (e.g. `wrong_pin`, `gated`).
    CommandRefused {
        /// The refusal's kind.
        refusal: &'static str,
    },
    /// An assessment was finalised and sealed for the force.
    Finalised,
    /// A sync pass ended.
    SyncPass {
        /// `drained`, `offline`, `unauthenticated`, `revoked`, `wiped`, `not_enrolled`,
        /// `update_required` or `failed`.
        outcome: &'static str,
        /// Records the force received in the pass.
        acknowledged: u32,
        /// Records set aside in the pass.
        quarantined: u32,
    },
    /// Enrolment at unlock (managed, or `--enrol`) ended.
    Enrolment {
        /// Whether the device is now enrolled.
        enrolled: bool,
        /// Whether the same code will not be tried again.
        refused_for_good: bool,
    },
    /// A support bundle was written.
    SupportBundle,
}

/// How the last sync pass ended.
static LAST_SYNC_OUTCOME: std::sync::Mutex<Option<&'static str>> = std::sync::Mutex::new(None);

/// Records `event` in the app's log (if one is running and the level lets it through).
pub fn record(event: Event) {
    use tracing::{debug, error, info, warn};
    const T: &str = crate::TARGET;
    match event {
        Event::Started { version, managed } => {
            info!(target: T, event = "started", version, managed, "app started");
        }
        Event::CannotStart { refusal } => {
            error!(target: T, event = "cannot_start", refusal, "the app cannot open its vault");
        }
        Event::PolicyProblem => warn!(
            target: T,
            event = "policy_problem",
            "the machine policy could not be re-read; the last good one is in force"
        ),
        Event::Unlocked => info!(target: T, event = "unlocked", "an officer unlocked"),
        Event::CommandRefused { refusal } => {
            info!(target: T, event = "refused", refusal, "a command was refused");
        }
        Event::Finalised => info!(target: T, event = "finalised", "an assessment was sealed"),
        Event::SyncPass {
            outcome,
            acknowledged,
            quarantined,
        } => {
            // A pass that moved nothing and ended as the one before is a debug line: a device
            // offline for a week polls every 15 s, and must not push the log's history out.
            let repeated = LAST_SYNC_OUTCOME
                .lock()
                .map(|mut last| last.replace(outcome) == Some(outcome))
                .unwrap_or(false);
            if acknowledged == 0 && quarantined == 0 && (repeated || outcome == "drained") {
                debug!(target: T, event = "sync_pass", outcome, "sync pass: nothing moved");
            } else if quarantined > 0 || outcome == "failed" {
                warn!(target: T, event = "sync_pass", outcome, acknowledged, quarantined, "sync pass");
            } else {
                info!(target: T, event = "sync_pass", outcome, acknowledged, quarantined, "sync pass");
            }
        }
        Event::Enrolment {
            enrolled,
            refused_for_good,
        } => {
            if enrolled {
                info!(target: T, event = "enrolment", enrolled, "the device enrolled");
            } else {
                warn!(target: T, event = "enrolment", enrolled, refused_for_good, "enrolment failed");
            }
        }
        Event::SupportBundle => {
            info!(target: T, event = "support_bundle", "a support bundle was written");
        }
    }
}
