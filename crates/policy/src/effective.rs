//! The effective settings: machine policy, force policy and defaults merged, setting by setting,
//! each with where its value came from and whether the machine policy locks it.

use serde::Serialize;

use crate::MachinePolicy;

/// Where an effective value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The app's built-in default.
    Default,
    /// The app's start options (`--idle-lock-seconds`, which can only shorten the idle lock).
    StartOption,
    /// The force's policy, from the gateway.
    Force,
    /// This device's machine policy.
    Machine,
}

/// One effective setting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Setting<T> {
    /// The value in force.
    pub value: T,
    /// Where it came from.
    pub source: Source,
    /// Whether the machine policy names this setting (nothing on the device changes it).
    pub locked: bool,
}

/// The force's policy as the device last kept it: each part as far as it is known (a device
/// that last pulled before a part was kept has none of it yet).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ForceSettings {
    /// Seconds without input after which the app locks.
    pub idle_lock_seconds: Option<u32>,
    /// Wrong PINs in a row after which an officer's key is destroyed.
    pub max_failed_pins: Option<u32>,
    /// Whether the device secret may live in a file.
    pub allow_file_secret: Option<bool>,
}

impl From<&firstline_protocol::Policy> for ForceSettings {
    fn from(policy: &firstline_protocol::Policy) -> Self {
        ForceSettings {
            idle_lock_seconds: Some(policy.idle_lock_seconds),
            max_failed_pins: Some(policy.max_failed_pins),
            allow_file_secret: Some(policy.allow_file_secret),
        }
    }
}

/// What the app was started with that can only make a setting stricter (`--idle-lock-seconds`).
#[derive(Debug, Clone, Copy, Default)]
pub struct StartOptions {
    /// `--idle-lock-seconds`.
    pub idle_lock_seconds: Option<u32>,
}

/// Every setting's effective value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Effective {
    /// Seconds without input before the app locks (the shortest wins).
    pub idle_lock_seconds: Setting<u32>,
    /// The fewest digits of an officer's PIN (the longest wins).
    pub min_pin_length: Setting<u32>,
    /// Wrong PINs in a row before an officer's key is destroyed (the fewest wins).
    pub max_failed_pins: Setting<u32>,
    /// Whether the device secret may live in a file.
    pub allow_file_secret: Setting<bool>,
    /// Whether officers may be set up here after the first.
    pub allow_local_officer_setup: Setting<bool>,
    /// Whether `--pack` may be used (development builds).
    pub allow_pack_override: Setting<bool>,
    /// Whether scenario training may run.
    pub allow_training: Setting<bool>,
    /// The fewest digits of a trainer's PIN (the longest wins, and never fewer than an
    /// officer's).
    pub trainer_min_pin_length: Setting<u32>,
    /// The app log's level.
    pub log_level: Setting<String>,
}

/// The app's defaults.
mod defaults {
    pub const IDLE_LOCK_SECONDS: u32 = 300;
    pub const MIN_PIN_LENGTH: u32 = 6;
    pub const MAX_FAILED_PINS: u32 = 10;
    pub const LOG_LEVEL: &str = "info";
}

/// Which of two values is stricter.
#[derive(Clone, Copy)]
enum Stricter {
    Lower,
    Higher,
}

/// The strictest of the candidates that are set; on a tie the later (machine over force over
/// default) names the source.
fn strictest(
    candidates: &[(Option<u32>, Source)],
    stricter: Stricter,
    locked: bool,
) -> Setting<u32> {
    let mut best: Option<(u32, Source)> = None;
    for (value, source) in candidates {
        let Some(value) = *value else { continue };
        let better = match (best, stricter) {
            (None, _) => true,
            (Some((held, _)), Stricter::Lower) => value <= held,
            (Some((held, _)), Stricter::Higher) => value >= held,
        };
        if better {
            best = Some((value, *source));
        }
    }
    let (value, source) = best.unwrap_or((0, Source::Default));
    Setting {
        value,
        source,
        locked,
    }
}

/// The first of machine, force and default that is set.
fn first_set<T: Clone>(machine: Option<T>, force: Option<T>, default: T) -> Setting<T> {
    match (machine, force) {
        (Some(value), _) => Setting {
            value,
            source: Source::Machine,
            locked: true,
        },
        (None, Some(value)) => Setting {
            value,
            source: Source::Force,
            locked: false,
        },
        (None, None) => Setting {
            value: default,
            source: Source::Default,
            locked: false,
        },
    }
}

/// The effective settings from the machine policy (if the device has one), the force's policy
/// (as far as the device has kept it) and the start options.
pub fn effective(
    machine: Option<&MachinePolicy>,
    force: Option<&ForceSettings>,
    start: &StartOptions,
) -> Effective {
    let empty = MachinePolicy::default();
    let machine = machine.unwrap_or(&empty);
    let force = force.copied().unwrap_or_default();
    let min_pin_length = strictest(
        &[
            (Some(defaults::MIN_PIN_LENGTH), Source::Default),
            (machine.min_pin_length, Source::Machine),
        ],
        Stricter::Higher,
        machine.min_pin_length.is_some(),
    );
    let mut trainer_min_pin_length = strictest(
        &[
            (Some(defaults::MIN_PIN_LENGTH), Source::Default),
            (machine.trainer_min_pin_length, Source::Machine),
        ],
        Stricter::Higher,
        machine.trainer_min_pin_length.is_some(),
    );
    if trainer_min_pin_length.value < min_pin_length.value {
        trainer_min_pin_length.value = min_pin_length.value;
        trainer_min_pin_length.source = min_pin_length.source;
    }
    Effective {
        idle_lock_seconds: strictest(
            &[
                (Some(defaults::IDLE_LOCK_SECONDS), Source::Default),
                (start.idle_lock_seconds, Source::StartOption),
                // A force value below the floor set-policy enforces (an old database) is read
                // as the floor: a lock at once would leave no device usable.
                (
                    force.idle_lock_seconds.map(|seconds| seconds.max(30)),
                    Source::Force,
                ),
                (machine.idle_lock_seconds, Source::Machine),
            ],
            Stricter::Lower,
            machine.idle_lock_seconds.is_some(),
        ),
        min_pin_length,
        max_failed_pins: strictest(
            &[
                (Some(defaults::MAX_FAILED_PINS), Source::Default),
                (
                    force.max_failed_pins.map(|count| count.max(1)),
                    Source::Force,
                ),
                (machine.max_failed_pins, Source::Machine),
            ],
            Stricter::Lower,
            machine.max_failed_pins.is_some(),
        ),
        allow_file_secret: first_set(machine.allow_file_secret, force.allow_file_secret, true),
        allow_local_officer_setup: first_set(machine.allow_local_officer_setup, None, true),
        allow_pack_override: first_set(machine.allow_pack_override, None, true),
        allow_training: first_set(machine.allow_training, None, true),
        trainer_min_pin_length,
        log_level: first_set(
            machine.log_level.clone(),
            None,
            defaults::LOG_LEVEL.to_string(),
        ),
    }
}
