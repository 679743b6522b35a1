//! Signed scenario packs, signed exactly as form packs are (Ed25519 over the canonical
//! encoding: `firstline_form::sign_document` and `verify_signature`) and by the same keys: the
//! force's pack-signing key in a real deployment, the demo key in development builds. A signed
//! file is
//! `{"key_id": …, "signature": <base64>, "scenario": {…}}`.

use ed25519_dalek::SigningKey;
use firstline_form::{Pack, SignatureProblem, TrustedKey};
use serde::{Deserialize, Serialize};

use crate::error::ScenarioError;
use crate::scenario::Scenario;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SignedScenarioFile {
    key_id: String,
    signature: String,
    scenario: serde_json::Value,
}

fn malformed(error: impl std::fmt::Display) -> ScenarioError {
    ScenarioError::Malformed {
        detail: error.to_string(),
    }
}

/// Verifies a signed scenario file against the trusted keys, then loads it against `pack`.
pub fn verify_scenario(
    bytes: &[u8],
    trusted: &[TrustedKey],
    pack: &Pack,
) -> Result<Scenario, ScenarioError> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(malformed)?;
    if value.get("signature").is_none() {
        return Err(ScenarioError::Unsigned);
    }
    let signed: SignedScenarioFile = serde_json::from_value(value).map_err(malformed)?;
    let claimed = signed
        .scenario
        .get("id")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("(no id)")
        .to_string();
    firstline_form::verify_signature(&signed.scenario, &signed.key_id, &signed.signature, trusted)
        .map_err(|problem| match problem {
            SignatureProblem::UnknownKey => ScenarioError::UnknownKey {
                scenario: claimed.clone(),
                key_id: signed.key_id.clone(),
            },
            SignatureProblem::Tampered => ScenarioError::Tampered {
                scenario: claimed.clone(),
            },
        })?;
    Scenario::load(signed.scenario, pack)
}

/// Signs a scenario (its JSON bytes) with `key`, after checking it loads against `pack`.
/// Returns the signed file's bytes, pretty-printed.
pub fn sign_scenario(
    scenario_json: &[u8],
    key_id: &str,
    key: &SigningKey,
    pack: &Pack,
) -> Result<Vec<u8>, ScenarioError> {
    let value: serde_json::Value = serde_json::from_slice(scenario_json).map_err(malformed)?;
    Scenario::load(value.clone(), pack)?;
    let mut bytes = serde_json::to_vec_pretty(&SignedScenarioFile {
        key_id: key_id.to_string(),
        signature: firstline_form::sign_document(&value, key),
        scenario: value,
    })
    .map_err(malformed)?;
    bytes.push(b'\n');
    Ok(bytes)
}
