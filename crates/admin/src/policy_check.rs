//! `firstline-admin check-policy`: a machine policy file read as a device will read it, and
//! what it fixes said setting by setting, before the device-management system drops it on a
//! fleet.

use std::path::Path;

use firstline_policy::{effective, MachinePolicy, StartOptions};

/// Checks the policy at `file`: prints what it fixes, or fails saying where and why (never
/// quoting the file, which may hold an enrolment code).
pub fn check_policy(file: &Path) -> Result<(), String> {
    let text =
        std::fs::read_to_string(file).map_err(|error| format!("{}: {error}", file.display()))?;
    let policy = MachinePolicy::parse(&text, &file.display().to_string())
        .map_err(|error| error.to_string())?;
    println!("{} is a valid machine policy. It fixes:", file.display());
    let settings = effective(Some(&policy), None, &StartOptions::default());
    let rows = serde_json::to_value(&settings).map_err(|error| error.to_string())?;
    let named: Vec<(&String, &serde_json::Value)> = rows
        .as_object()
        .map(|rows| {
            rows.iter()
                .filter(|(_, setting)| setting["locked"] == true)
                .collect()
        })
        .unwrap_or_default();
    let mut fixed = 0;
    for (name, setting) in &named {
        fixed += 1;
        println!("  {name} = {}", setting["value"]);
    }
    if let Some(enrolment) = &policy.enrolment {
        fixed += 1;
        println!(
            "  enrolment: with {} at the first officer unlock, code {}",
            enrolment.gateway_url,
            match (&enrolment.code, &enrolment.code_file) {
                (Some(_), _) => "in the file (checked against root_fingerprint)".to_string(),
                (None, Some(path)) => format!("from {} (read on the device)", path.display()),
                (None, None) => String::new(),
            }
        );
    }
    if fixed == 0 {
        println!("  nothing: every setting keeps the force's value or the default");
    }
    Ok(())
}
