//! Signed scenario packs, signed exactly as form packs are (Ed25519 over the canonical encoding,
//! `firstline_form::canonical_bytes`) and by the same keys: the force's pack-signing key in a
//! real deployment, the demo key in development builds. A signed file is
//! `{"key_id": …, "signature": <base64>, "scenario": {…}}`.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _};
use firstline_form::{Pack, TrustedKey};
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
    let key = trusted
        .iter()
        .find(|key| key.key_id == signed.key_id)
        .ok_or_else(|| ScenarioError::UnknownKey {
            scenario: claimed.clone(),
            key_id: signed.key_id.clone(),
        })?;
    let tampered = || ScenarioError::Tampered {
        scenario: claimed.clone(),
    };
    let signature: [u8; 64] = BASE64
        .decode(&signed.signature)
        .map_err(|_| tampered())?
        .try_into()
        .map_err(|_| tampered())?;
    key.key
        .verify(
            &firstline_form::canonical_bytes(&signed.scenario),
            &Signature::from_bytes(&signature),
        )
        .map_err(|_| tampered())?;
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
    let signature = key.sign(&firstline_form::canonical_bytes(&value));
    let mut bytes = serde_json::to_vec_pretty(&SignedScenarioFile {
        key_id: key_id.to_string(),
        signature: BASE64.encode(signature.to_bytes()),
        scenario: value,
    })
    .map_err(malformed)?;
    bytes.push(b'\n');
    Ok(bytes)
}
