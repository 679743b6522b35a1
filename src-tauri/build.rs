//! Declares every app command to Tauri's ACL, so a window can call only what its capability in
//! `capabilities/` grants it.

/// The app's commands, one line per area file in `src/commands/`.
const COMMANDS: &[&str] = &[
    // assessment.rs
    "start_assessment",
    "answer_question",
    "assessment_summary",
    "assessment_view",
    "resume_assessment",
    "amend_assessment",
    "save_pending",
    "set_screen",
    "leave_screen",
    "resume_last",
    // vault.rs
    "vault_status",
    "set_up_officer",
    "unlock",
    "lock",
    "list_drafts",
    "diagnostics",
    "write_support_bundle",
    "change_pin",
    // sync.rs
    "finalise_assessment",
    "sync_status",
    "sync_now",
    "support_services",
    "enrol_device",
    "wipe_device",
    // training.rs
    "training_status",
    "training_set_up",
    "training_unlock",
    "training_change_pin",
    "training_lock",
    "training_scenarios",
    "training_new_class",
    "training_classes",
    "training_start_run",
    "training_view",
    "training_ask",
    "training_answer",
    "training_injects",
    "training_finish",
    "training_run",
    "training_write_report",
    "training_write_cohort",
    "training_clear_trainee",
    "training_delete_class",
];

fn main() {
    // The UI is embedded by `generate_context!`, which cargo cannot see reading ui/dist: rebuild
    // when the built UI changes, or the app would ship the previous one.
    println!("cargo:rerun-if-changed=../ui/dist");
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        eprintln!("tauri build step failed: {error:#}");
        std::process::exit(1);
    }
}
