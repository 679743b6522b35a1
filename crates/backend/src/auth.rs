//! Credentials: one-time enrolment codes and device bearer tokens. Only their SHA-256 hashes
//! are stored, so a copy of the database cannot be used to enrol or to impersonate a device.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::Rng;
use sha2::{Digest, Sha256};

/// Letters and digits that cannot be mistaken for one another when read out or typed.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// A new enrolment code, `XXXX-XXXX-XXXX-XXXX` (80 bits).
pub fn new_enrolment_code() -> String {
    let mut rng = rand::rngs::OsRng;
    let characters: Vec<u8> = (0..16)
        .map(|_| CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())])
        .collect();
    characters
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// The stored form of an enrolment code: case, spaces and dashes do not matter.
pub fn enrolment_code_hash(code: &str) -> String {
    let normal: String = code
        .chars()
        .filter(|character| character.is_ascii_alphanumeric())
        .map(|character| character.to_ascii_uppercase())
        .collect();
    hex_sha256(format!("firstline enrolment code v1\0{normal}").as_bytes())
}

/// A new device bearer token (256 bits).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill(&mut bytes);
    format!("fl1_{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The stored form of a device token.
pub fn token_hash(token: &str) -> String {
    hex_sha256(format!("firstline device token v1\0{token}").as_bytes())
}

/// A new device id.
pub fn new_device_id() -> String {
    let mut bytes = [0u8; 12];
    rand::rngs::OsRng.fill(&mut bytes);
    format!("dev_{}", URL_SAFE_NO_PAD.encode(bytes))
}
