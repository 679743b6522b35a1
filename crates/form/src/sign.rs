//! Signed form packs: Ed25519 over the pack's canonical encoding (JSON with object keys sorted
//! and no insignificant white space). A signed pack file is
//! `{"key_id": …, "signature": <base64>, "pack": {…}}`; the app verifies it against the keys it
//! trusts before anything in it is read, and records the SHA-256 of the canonical encoding.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::PackError;
use crate::pack::{load_pack_value, Pack};

/// A public key the app accepts pack signatures from.
#[derive(Debug, Clone)]
pub struct TrustedKey {
    /// The id a signed pack names.
    pub key_id: String,
    /// The Ed25519 public key.
    pub key: VerifyingKey,
}

impl TrustedKey {
    /// A trusted key from its id and its 32 public-key bytes in base64.
    pub fn from_base64(key_id: &str, public_key: &str) -> Result<TrustedKey, String> {
        let bytes: [u8; 32] = BASE64
            .decode(public_key.trim())
            .map_err(|error| format!("key {key_id}: not base64: {error}"))?
            .try_into()
            .map_err(|_| format!("key {key_id}: an Ed25519 public key is 32 bytes"))?;
        let key =
            VerifyingKey::from_bytes(&bytes).map_err(|error| format!("key {key_id}: {error}"))?;
        Ok(TrustedKey {
            key_id: key_id.to_string(),
            key,
        })
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SignedPackFile {
    key_id: String,
    signature: String,
    pack: serde_json::Value,
}

/// The canonical encoding that is signed and hashed.
pub(crate) fn canonical_bytes(value: &serde_json::Value) -> Vec<u8> {
    // serde_json's map is ordered by key (the `preserve_order` feature is off), so this is
    // canonical: same content, same bytes.
    serde_json::to_vec(value).unwrap_or_default()
}

/// SHA-256, hex.
pub(crate) fn content_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Verifies a signed pack file against the trusted keys, then loads it.
pub fn verify_pack(bytes: &[u8], trusted: &[TrustedKey]) -> Result<Pack, PackError> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|error| PackError::Malformed {
            detail: error.to_string(),
        })?;
    if value.get("signature").is_none() {
        return Err(PackError::Unsigned);
    }
    let signed: SignedPackFile =
        serde_json::from_value(value).map_err(|error| PackError::Malformed {
            detail: error.to_string(),
        })?;
    let claimed_id = signed
        .pack
        .get("id")
        .and_then(|id| id.as_str())
        .unwrap_or("(no id)")
        .to_string();
    verify_signature(&signed.pack, &signed.key_id, &signed.signature, trusted).map_err(
        |problem| match problem {
            SignatureProblem::UnknownKey => PackError::UnknownKey {
                pack: claimed_id.clone(),
                key_id: signed.key_id.clone(),
            },
            SignatureProblem::Tampered => PackError::Tampered {
                pack: claimed_id.clone(),
            },
        },
    )?;
    load_pack_value(signed.pack)
}

/// Why a signed document (a form pack, a scenario pack) does not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureProblem {
    /// It names a key that is not trusted.
    UnknownKey,
    /// The signature is not one, or not over this content: changed after signing.
    Tampered,
}

/// Checks `signature` (base64 Ed25519) over the canonical encoding of `document`, made with
/// the trusted key `key_id`: the one check form packs and scenario packs share.
pub fn verify_signature(
    document: &serde_json::Value,
    key_id: &str,
    signature: &str,
    trusted: &[TrustedKey],
) -> Result<(), SignatureProblem> {
    let key = trusted
        .iter()
        .find(|key| key.key_id == key_id)
        .ok_or(SignatureProblem::UnknownKey)?;
    let signature: [u8; 64] = BASE64
        .decode(signature)
        .map_err(|_| SignatureProblem::Tampered)?
        .try_into()
        .map_err(|_| SignatureProblem::Tampered)?;
    key.key
        .verify(
            &canonical_bytes(document),
            &Signature::from_bytes(&signature),
        )
        .map_err(|_| SignatureProblem::Tampered)
}

/// The base64 Ed25519 signature of `document`'s canonical encoding with `key`.
pub fn sign_document(document: &serde_json::Value, key: &SigningKey) -> String {
    BASE64.encode(key.sign(&canonical_bytes(document)).to_bytes())
}

/// Signs a pack (its JSON bytes) with `key`, after checking that it loads. Returns the signed
/// pack file's bytes, pretty-printed.
pub fn sign_pack(pack_json: &[u8], key_id: &str, key: &SigningKey) -> Result<Vec<u8>, PackError> {
    let value: serde_json::Value =
        serde_json::from_slice(pack_json).map_err(|error| PackError::Malformed {
            detail: error.to_string(),
        })?;
    load_pack_value(value.clone())?;
    let file = SignedPackFile {
        key_id: key_id.to_string(),
        signature: sign_document(&value, key),
        pack: value,
    };
    let mut bytes = serde_json::to_vec_pretty(&file).map_err(|error| PackError::Malformed {
        detail: error.to_string(),
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}
