//! The sealed submission envelope: clear metadata the gateway routes and dedupes on, the two
//! HPKE-sealed compartments, and the device's Ed25519 signature over [`Envelope::signed_bytes`].
//! The content hash the gateway dedupes on is the SHA-256 of those same bytes, so it does not
//! depend on how the JSON around them is spaced or ordered.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Base64Bytes;

/// The envelope format this build makes and reads.
pub const ENVELOPE_FORMAT: u32 = 1;

/// The form pack an assessment was made on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackRef {
    /// Pack id.
    pub id: String,
    /// Pack version.
    pub version: String,
    /// The pack's content hash.
    pub hash: String,
}

/// One HPKE-sealed compartment (RFC 9180 base mode, X25519 / HKDF-SHA256 / AES-256-GCM).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealedPart {
    /// The encapsulated key.
    pub enc: Base64Bytes,
    /// The AEAD ciphertext with its tag.
    pub ciphertext: Base64Bytes,
}

/// A finalised assessment as it leaves the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    /// [`ENVELOPE_FORMAT`].
    pub format: u32,
    /// Made on the device when the record was made (the assessment id); the dedupe key.
    pub submission_id: String,
    /// The submission this one amends, if any.
    pub supersedes: Option<String>,
    /// The enrolled device that sealed and signed it.
    pub device_id: String,
    /// The form pack used.
    pub pack: PackRef,
    /// When it was sealed (seconds since the Unix epoch, device clock).
    pub sealed_at: i64,
    /// The main record, sealed to the force's records key.
    pub records: SealedPart,
    /// The migrant-victim compartment, sealed only to the safeguarding key; absent when that
    /// section was never reached.
    pub safeguarding: Option<SealedPart>,
    /// Ed25519 signature by the device over [`Envelope::signed_bytes`].
    pub signature: Base64Bytes,
}

impl Envelope {
    /// The exact bytes the device signs: every field but the signature, each length-prefixed,
    /// after a domain-separation tag.
    pub fn signed_bytes(&self) -> Vec<u8> {
        let mut bytes = b"firstline envelope v1\0".to_vec();
        let mut field = |value: &[u8]| {
            bytes.extend_from_slice(&(value.len() as u32).to_be_bytes());
            bytes.extend_from_slice(value);
        };
        field(&self.format.to_be_bytes());
        field(self.submission_id.as_bytes());
        match &self.supersedes {
            Some(id) => field(format!("1{id}").as_bytes()),
            None => field(b"0"),
        }
        field(self.device_id.as_bytes());
        field(self.pack.id.as_bytes());
        field(self.pack.version.as_bytes());
        field(self.pack.hash.as_bytes());
        field(&self.sealed_at.to_be_bytes());
        field(&self.records.enc.0);
        field(&self.records.ciphertext.0);
        match &self.safeguarding {
            Some(part) => {
                field(b"1");
                field(&part.enc.0);
                field(&part.ciphertext.0);
            }
            None => field(b"0"),
        }
        bytes
    }

    /// Hex SHA-256 of [`Envelope::signed_bytes`]: with the submission id, the dedupe key.
    pub fn content_hash(&self) -> String {
        Sha256::digest(self.signed_bytes())
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }

    /// The associated data binding a compartment's ciphertext to this submission.
    pub fn compartment_aad(submission_id: &str, compartment: &str) -> Vec<u8> {
        format!("firstline compartment v1\0{submission_id}\0{compartment}").into_bytes()
    }
}
