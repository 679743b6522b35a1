//! The machine policy file and the effective settings, setting by setting: ordered settings
//! take the strictest of machine, force and default (whichever order they come in); the others
//! take machine over force over default; what the machine policy names is locked; a malformed
//! or out-of-range file is refused saying where.

// Tests fail by panicking, with a message saying what did not happen.
#![allow(clippy::expect_used)]

use firstline_policy::{
    effective, ForceSettings, MachinePolicy, PolicyError, Source, StartOptions,
};
use firstline_protocol::Policy;

fn force(idle: u32, max_failed: u32, allow_file: bool) -> ForceSettings {
    ForceSettings::from(&Policy {
        idle_lock_seconds: idle,
        max_failed_pins: max_failed,
        keep_readable_copy_until_receipt: true,
        allow_file_secret: allow_file,
    })
}

fn machine(text: &str) -> MachinePolicy {
    MachinePolicy::parse(text, "policy.toml").expect("a valid policy")
}

#[test]
fn with_no_policy_at_all_every_setting_is_the_default_and_unlocked() {
    let settings = effective(None, None, &StartOptions::default());
    assert_eq!(settings.idle_lock_seconds.value, 300);
    assert_eq!(settings.min_pin_length.value, 6);
    assert_eq!(settings.max_failed_pins.value, 10);
    assert!(settings.allow_file_secret.value);
    assert!(settings.allow_local_officer_setup.value);
    assert!(settings.allow_pack_override.value);
    assert!(settings.allow_training.value);
    assert_eq!(settings.trainer_min_pin_length.value, 6);
    assert_eq!(settings.log_level.value, "info");
    let json = serde_json_like(&settings);
    assert!(!json.contains("locked: true"), "{json}");
}

fn serde_json_like(settings: &firstline_policy::Effective) -> String {
    format!("{settings:?}")
}

#[test]
fn the_idle_lock_is_the_shortest_of_machine_force_start_option_and_default() {
    let strict_machine = machine("idle_lock_seconds = 60");
    let machine_at_default = machine("idle_lock_seconds = 300");
    let start = StartOptions::default();
    // Machine stricter than force.
    let settings = effective(Some(&strict_machine), Some(&force(120, 10, true)), &start);
    assert_eq!(
        (
            settings.idle_lock_seconds.value,
            settings.idle_lock_seconds.source
        ),
        (60, Source::Machine)
    );
    assert!(settings.idle_lock_seconds.locked);
    // Force stricter than machine: the force's value, still locked (the machine policy names it).
    let settings = effective(
        Some(&machine_at_default),
        Some(&force(120, 10, true)),
        &start,
    );
    assert_eq!(
        (
            settings.idle_lock_seconds.value,
            settings.idle_lock_seconds.source
        ),
        (120, Source::Force)
    );
    assert!(settings.idle_lock_seconds.locked);
    // A force looser than the default does not loosen it: the default is always a candidate.
    let settings = effective(None, Some(&force(900, 20, true)), &start);
    assert_eq!(
        (
            settings.idle_lock_seconds.value,
            settings.idle_lock_seconds.source
        ),
        (300, Source::Default)
    );
    assert_eq!(settings.max_failed_pins.value, 10);
    // A start option can shorten it, never lengthen it.
    let short_start = StartOptions {
        idle_lock_seconds: Some(2),
    };
    let settings = effective(
        Some(&strict_machine),
        Some(&force(120, 10, true)),
        &short_start,
    );
    assert_eq!(
        (
            settings.idle_lock_seconds.value,
            settings.idle_lock_seconds.source
        ),
        (2, Source::StartOption)
    );
    let long_start = StartOptions {
        idle_lock_seconds: Some(3000),
    };
    let settings = effective(None, None, &long_start);
    assert_eq!(
        (
            settings.idle_lock_seconds.value,
            settings.idle_lock_seconds.source
        ),
        (300, Source::Default),
        "a start option loosened the idle lock"
    );
    // A force value of 0 (an old database) is read as the 30-second floor.
    let settings = effective(None, Some(&force(0, 10, true)), &start);
    assert_eq!(settings.idle_lock_seconds.value, 30);
    // Part of the force's policy not kept yet: the rest still counts.
    let partial = ForceSettings {
        allow_file_secret: Some(false),
        ..ForceSettings::default()
    };
    let settings = effective(None, Some(&partial), &start);
    assert_eq!(settings.idle_lock_seconds.source, Source::Default);
    assert_eq!(
        (
            settings.allow_file_secret.value,
            settings.allow_file_secret.source
        ),
        (false, Source::Force)
    );
}

#[test]
fn the_wrong_pin_limit_is_the_fewest_and_the_pin_length_the_longest() {
    let start = StartOptions::default();
    let settings = effective(
        Some(&machine("max_failed_pins = 5\nmin_pin_length = 8")),
        Some(&force(300, 3, true)),
        &start,
    );
    assert_eq!(
        (
            settings.max_failed_pins.value,
            settings.max_failed_pins.source
        ),
        (3, Source::Force)
    );
    assert_eq!(
        (
            settings.min_pin_length.value,
            settings.min_pin_length.source
        ),
        (8, Source::Machine)
    );
    let settings = effective(
        Some(&machine("max_failed_pins = 2")),
        Some(&force(300, 3, true)),
        &start,
    );
    assert_eq!(
        (
            settings.max_failed_pins.value,
            settings.max_failed_pins.source
        ),
        (2, Source::Machine)
    );
    // A trainer's PIN is never shorter than an officer's.
    let settings = effective(
        Some(&machine("min_pin_length = 10\ntrainer_min_pin_length = 8")),
        None,
        &start,
    );
    assert_eq!(settings.trainer_min_pin_length.value, 10);
    let settings = effective(Some(&machine("trainer_min_pin_length = 9")), None, &start);
    assert_eq!(
        (
            settings.trainer_min_pin_length.value,
            settings.trainer_min_pin_length.source
        ),
        (9, Source::Machine)
    );
    assert_eq!(settings.min_pin_length.value, 6);
}

#[test]
fn the_other_settings_take_machine_over_force_over_default() {
    let start = StartOptions::default();
    // The file secret: the machine's word beats the force's, either way round.
    let settings = effective(
        Some(&machine("allow_file_secret = true")),
        Some(&force(300, 10, false)),
        &start,
    );
    assert_eq!(
        (
            settings.allow_file_secret.value,
            settings.allow_file_secret.source
        ),
        (true, Source::Machine)
    );
    assert!(settings.allow_file_secret.locked);
    let settings = effective(None, Some(&force(300, 10, false)), &start);
    assert_eq!(
        (
            settings.allow_file_secret.value,
            settings.allow_file_secret.source
        ),
        (false, Source::Force)
    );
    assert!(!settings.allow_file_secret.locked);
    let settings = effective(
        Some(&machine(
            "allow_local_officer_setup = false\nallow_pack_override = false\nallow_training = false\nlog_level = \"warn\"",
        )),
        Some(&force(300, 10, true)),
        &start,
    );
    for (value, source, locked) in [
        (
            settings.allow_local_officer_setup.value,
            settings.allow_local_officer_setup.source,
            settings.allow_local_officer_setup.locked,
        ),
        (
            settings.allow_pack_override.value,
            settings.allow_pack_override.source,
            settings.allow_pack_override.locked,
        ),
        (
            settings.allow_training.value,
            settings.allow_training.source,
            settings.allow_training.locked,
        ),
    ] {
        assert_eq!((value, source, locked), (false, Source::Machine, true));
    }
    assert_eq!(settings.log_level.value, "warn");
    assert!(settings.log_level.locked);
}

#[test]
fn a_bad_policy_file_is_refused_saying_where_and_why() {
    for (text, says) in [
        ("idle_lock_seconds = 10", "idle_lock_seconds must be 30 to 300"),
        ("idle_lock_seconds = 900", "idle_lock_seconds must be 30 to 300"),
        ("max_failed_pins = 20", "max_failed_pins must be 1 to 10"),
        ("idle_lock_seconds = \"five\"", "invalid type"),
        ("idle_lock = 60", "unknown field"),
        ("min_pin_length = 4", "min_pin_length must be 6 to 12"),
        ("max_failed_pins = 0", "max_failed_pins must be 1 to 10"),
        ("log_level = \"everything\"", "log_level"),
        ("allow_training = \"no\"", "invalid type"),
        ("[enrolment]\ngateway_url = \"https://g.example\"\nroot_fingerprint = \"12\"\ncode = \"x\"", "64 hex digits"),
        (
            "[enrolment]\ngateway_url = \"ftp://g.example\"\nroot_fingerprint = \"0000000000000000000000000000000000000000000000000000000000000000\"\ncode_file = \"/c\"",
            "not an http(s) URL",
        ),
        (
            "[enrolment]\ngateway_url = \"https://g.example\"\nroot_fingerprint = \"0000000000000000000000000000000000000000000000000000000000000000\"",
            "needs code or code_file",
        ),
        ("this is not toml", "policy.toml: line 1"),
        (
            "[enrolment]\ngateway_url = \"https://g.example\"\nroot_fingerprint = \"\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\"\ncode_file = \"/c\"",
            "64 hex digits",
        ),
    ] {
        let refusal = MachinePolicy::parse(text, "policy.toml")
            .expect_err(text)
            .to_string();
        assert!(refusal.starts_with("policy.toml: "), "{refusal}");
        assert!(refusal.contains(says), "{text}: {refusal}");
    }
}

#[test]
fn a_refusal_names_the_line_but_never_quotes_it() {
    // A misspelt key on the line of an enrolment code: the refusal must not repeat the code.
    let text = "idle_lock_seconds = 60\n[enrolment]\ngateway_url = \"https://g.example\"\nroot_fingerprint = \"00\"\ncoed = \"CANARY-CODE-4411\"\n";
    let refusal = MachinePolicy::parse(text, "policy.toml")
        .expect_err("unknown key")
        .to_string();
    assert!(refusal.contains("line 5"), "{refusal}");
    assert!(!refusal.contains("CANARY-CODE-4411"), "{refusal}");
    let as_a_number = "[enrolment]\ngateway_url = \"https://g.example\"\nroot_fingerprint = \"00\"\ncode = 44114411\n";
    let refusal = MachinePolicy::parse(as_a_number, "policy.toml")
        .expect_err("not a string")
        .to_string();
    assert!(refusal.contains("line 4 (code)"), "{refusal}");
    assert!(!refusal.contains("44114411"), "{refusal}");
    let unquoted = "[enrolment]\ncode = CANARY-CODE-4411\n";
    let refusal = MachinePolicy::parse(unquoted, "policy.toml")
        .expect_err("not TOML")
        .to_string();
    assert!(!refusal.contains("CANARY-CODE-4411"), "{refusal}");
}

#[test]
fn a_missing_file_is_an_unmanaged_device_and_an_unreadable_one_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert_eq!(
        MachinePolicy::load(&dir.path().join("policy.toml")).expect("no file is fine"),
        None
    );
    assert!(matches!(
        MachinePolicy::load(dir.path()),
        Err(PolicyError::Unreadable { .. })
    ));
}

#[test]
fn managed_enrolment_gives_the_gateway_and_a_code_carrying_the_whole_fingerprint() {
    let root = [9u8; 32];
    let fingerprint = firstline_trust::fingerprint(&root);
    let hex: String = fingerprint
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let typed = firstline_trust::EnrolmentCode::typed("ABCDEFGHJKLMNPQR", &fingerprint);
    let dir = tempfile::tempdir().expect("temp dir");
    let code_file = dir.path().join("enrolment-code");
    std::fs::write(&code_file, format!("{typed}\n")).expect("code file");
    let policy = machine(&format!(
        "[enrolment]\ngateway_url = \"https://gateway.force.example/\"\nroot_fingerprint = \"{hex}\"\ncode_file = \"{}\"\n",
        code_file.display()
    ));
    let enrolment = policy.enrolment.expect("managed enrolment");
    assert!(!format!("{enrolment:?}").contains(&typed));
    let (gateway, link) = enrolment.enrol_with().expect("enrol with");
    assert_eq!(gateway, "https://gateway.force.example");
    let code = firstline_trust::EnrolmentCode::parse(&link).expect("a link");
    assert_eq!(code.secret, "ABCDEFGHJKLMNPQR");
    assert_eq!(code.fingerprint, fingerprint.to_vec());

    // A code for another force is refused before anything is sent.
    let other = firstline_trust::EnrolmentCode::typed(
        "ABCDEFGHJKLMNPQR",
        &firstline_trust::fingerprint(&[8; 32]),
    );
    std::fs::write(&code_file, other).expect("code file");
    assert!(enrolment
        .enrol_with()
        .expect_err("another force's code")
        .contains("another force"));
}
