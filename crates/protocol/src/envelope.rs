//! The sealed submission envelope: clear metadata the gateway routes and dedupes on, the two
//! HPKE-sealed compartments, and the device's Ed25519 signature over [`Envelope::signed_bytes`].
//! The content hash the gateway dedupes on is the SHA-256 of those same bytes, so it does not
//! depend on how the JSON around them is spaced or ordered.
//!
//! Format 2 (this build makes it) always carries a safeguarding part, padded to a fixed size
//! whether or not the assessment had a migrant-victim section, and names the force keys each
//! part is sealed to by key id. Format 1 (an optional safeguarding part, no key ids) is still
//! read, for envelopes made by older builds and waiting in outboxes; see docs/sync-api.yaml for
//! when the gateway stops taking it.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Base64Bytes;

/// The envelope format this build makes.
pub const ENVELOPE_FORMAT: u32 = 2;

/// The formats this build reads: format 1 only until the outboxes of older builds are drained.
pub const READABLE_ENVELOPE_FORMATS: [u32; 2] = [1, 2];

/// The sizes a format-2 safeguarding section is padded to before sealing, smallest first
/// (bytes of plaintext; HPKE adds a 16-byte tag). See docs/sync-api.yaml.
pub const SECTION_SIZES: [usize; 4] = [4 * 1024, 16 * 1024, 64 * 1024, 256 * 1024];

/// AES-256-GCM's tag, which HPKE adds to every sealed part.
const AEAD_TAG: usize = 16;

/// An X25519 encapsulated key's length.
const ENCAPSULATED_KEY: usize = 32;

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
    #[serde(deserialize_with = "crate::whole_number::deserialize")]
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
    #[serde(deserialize_with = "crate::whole_number::deserialize")]
    pub sealed_at: i64,
    /// The main record, sealed to the force's records key.
    pub records: SealedPart,
    /// The migrant-victim compartment, sealed only to the safeguarding key and padded to a
    /// fixed size. Always present in format 2 (an empty section when there is none); format 1
    /// left it out when the section was never reached.
    pub safeguarding: Option<SealedPart>,
    /// Format 2: the id of the force key `records` is sealed to (see `key_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub records_key_id: Option<String>,
    /// Format 2: the id of the force key `safeguarding` is sealed to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub safeguarding_key_id: Option<String>,
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
        // Format 1's bytes end here, so envelopes made by older builds still verify.
        if self.format >= 2 {
            for key_id in [&self.records_key_id, &self.safeguarding_key_id] {
                field(key_id.as_deref().unwrap_or_default().as_bytes());
            }
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

    /// Whether the envelope has the shape its format requires: format 2 always carries a
    /// safeguarding part of one of the padded sizes, and both key ids.
    pub fn is_well_formed(&self) -> bool {
        match self.format {
            1 => self.records_key_id.is_none() && self.safeguarding_key_id.is_none(),
            2 => {
                self.safeguarding.as_ref().is_some_and(|part| {
                    part.enc.0.len() == ENCAPSULATED_KEY
                        && SECTION_SIZES
                            .iter()
                            .any(|size| part.ciphertext.0.len() == size + AEAD_TAG)
                }) && self.records_key_id.is_some()
                    && self.safeguarding_key_id.is_some()
            }
            _ => false,
        }
    }

    /// The associated data binding a compartment's ciphertext to this submission.
    pub fn compartment_aad(submission_id: &str, compartment: &str) -> Vec<u8> {
        format!("firstline compartment v1\0{submission_id}\0{compartment}").into_bytes()
    }
}

/// A force public key's id: the first 8 bytes of its SHA-256, in hex. Envelopes name the keys
/// they are sealed to by it, so a force can rotate keys and still open old submissions.
pub fn key_id(public_key: &[u8]) -> String {
    Sha256::digest(public_key)[..8]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
