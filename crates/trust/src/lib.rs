//! The force's root of trust, as devices and the force's tools check it.
//!
//! A force has one offline **root key** (Ed25519, made by `firstline-admin init-force` and kept
//! apart from the gateway). It signs the force's **key set**: the records, safeguarding,
//! pack-signing and receipt public keys and the TLS CA, each with its key id. A device learns
//! the root's fingerprint from its enrolment code (80 bits typed, all 256 in the QR link), so
//! the gateway that answers the enrolment cannot hand it keys the force never signed; every
//! later set must verify under the root the device already holds and may not go back in serial.
//!
//! The gateway signs each **receipt** (submission id and content hash) with its receipt key, the
//! one private key it holds, which opens nothing; a device destroys a record's readable copy only
//! once the signature verifies.

mod code;
mod key_file;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use firstline_protocol::{Base64Bytes, Receipt, SignedKeySet};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;

pub use code::{checked_gateway_url, EnrolmentCode, EnrolmentUri, CODE_FINGERPRINT_BYTES};
pub use key_file::{read_key_file, read_signing_key};

/// The key-set format this build writes and reads.
pub const KEY_SET_FORMAT: u32 = 1;

const KEY_SET_CONTEXT: &[u8] = b"firstline force key set v1\0";
const RECEIPT_CONTEXT: &[u8] = b"firstline receipt v1\0";
const FINGERPRINT_CONTEXT: &[u8] = b"firstline force root v1\0";
const COMMAND_CONTEXT: &[u8] = b"firstline device command v1\0";

/// What a key in the set is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyPurpose {
    /// X25519: main records are sealed to it.
    Records,
    /// X25519: the migrant-victim compartment is sealed to it (its private half is the
    /// safeguarding unit's alone).
    Safeguarding,
    /// Ed25519: the force's form packs are signed with it.
    PackSigning,
    /// Ed25519: the gateway signs receipts with it.
    Receipts,
    /// Ed25519: force IT signs device commands (a wipe) with it, away from the gateway, so a
    /// gateway cannot order a wipe on its own.
    Commands,
    /// The DER certificate of the CA the gateway's TLS certificate chains to (optional: a
    /// gateway on loopback serves plain HTTP).
    TlsCa,
}

/// One public key of the force, with its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForceKey {
    /// What it is for.
    pub purpose: KeyPurpose,
    /// [`firstline_protocol::key_id`] of `public`.
    pub key_id: String,
    /// The public key (32 bytes), or the CA certificate (DER).
    pub public: Base64Bytes,
}

impl ForceKey {
    /// A key with its id computed.
    pub fn new(purpose: KeyPurpose, public: Vec<u8>) -> ForceKey {
        ForceKey {
            purpose,
            key_id: firstline_protocol::key_id(&public),
            public: Base64Bytes(public),
        }
    }
}

/// The force's public keys as its root signs them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeySet {
    /// [`KEY_SET_FORMAT`].
    pub format: u32,
    /// The force's name as officers see it.
    pub force_name: String,
    /// Goes up by one with each set the root signs; a device never takes a lower one.
    pub serial: u64,
    /// When it was signed (seconds since the Unix epoch).
    pub issued_at: i64,
    /// Each purpose once (the TLS CA at most once).
    pub keys: Vec<ForceKey>,
}

impl KeySet {
    /// A set in this build's format with the five keys every force has and, where the gateway
    /// serves TLS, its CA certificate (DER).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        force_name: &str,
        serial: u64,
        issued_at: i64,
        records: Vec<u8>,
        safeguarding: Vec<u8>,
        pack_signing: Vec<u8>,
        receipts: Vec<u8>,
        commands: Vec<u8>,
        tls_ca: Option<Vec<u8>>,
    ) -> KeySet {
        let mut keys = vec![
            ForceKey::new(KeyPurpose::Records, records),
            ForceKey::new(KeyPurpose::Safeguarding, safeguarding),
            ForceKey::new(KeyPurpose::PackSigning, pack_signing),
            ForceKey::new(KeyPurpose::Receipts, receipts),
            ForceKey::new(KeyPurpose::Commands, commands),
        ];
        keys.extend(tls_ca.map(|der| ForceKey::new(KeyPurpose::TlsCa, der)));
        KeySet {
            format: KEY_SET_FORMAT,
            force_name: force_name.to_string(),
            serial,
            issued_at,
            keys,
        }
    }
}

/// Why a key set or receipt is not trusted.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TrustError {
    /// The root key does not match the fingerprint in the enrolment code.
    #[error("the force's keys are not signed by the root key your enrolment code names")]
    RootMismatch,
    /// The root key is not the one this device holds.
    #[error("the force's keys are signed by another root key than this device's")]
    OtherRoot,
    /// The signature does not verify.
    #[error("the force's key set signature does not verify")]
    BadSignature,
    /// A lower serial than the set the device holds.
    #[error(
        "the force's key set is older (serial {offered}) than the one this device holds ({held})"
    )]
    Rollback {
        /// The serial offered.
        offered: u64,
        /// The serial held.
        held: u64,
    },
    /// The gateway is served over HTTPS but the key set names no TLS CA to pin.
    #[error("the force's key set names no TLS CA, so an HTTPS gateway cannot be pinned; force IT must give init-force --tls-ca")]
    NoTlsCa,
    /// Not a key set this build reads.
    #[error("the force's key set cannot be read: {0}")]
    Malformed(String),
}

/// The fingerprint of a force root public key (SHA-256 with a context; enrolment codes carry
/// its first [`CODE_FINGERPRINT_BYTES`] bytes).
pub fn fingerprint(root_public: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(FINGERPRINT_CONTEXT);
    hasher.update(root_public);
    hasher.finalize().into()
}

/// Signs `key_set` with the force root key.
pub fn sign_key_set(root: &SigningKey, key_set: &KeySet) -> Result<SignedKeySet, TrustError> {
    let bytes =
        serde_json::to_vec(key_set).map_err(|error| TrustError::Malformed(error.to_string()))?;
    let signature = root.sign(&[KEY_SET_CONTEXT, &bytes].concat());
    Ok(SignedKeySet {
        key_set: Base64Bytes(bytes),
        root_public_key: Base64Bytes(root.verifying_key().to_bytes().to_vec()),
        signature: Base64Bytes(signature.to_bytes().to_vec()),
    })
}

/// What a signed key set must be signed by.
#[derive(Debug, Clone, Copy)]
pub enum Anchor<'a> {
    /// At enrolment: a root whose fingerprint starts with these bytes (at least
    /// [`CODE_FINGERPRINT_BYTES`]).
    Fingerprint(&'a [u8]),
    /// Later: the root this device holds, and the serial of the set it holds.
    Root {
        /// The root public key.
        public: &'a [u8],
        /// The serial held; a lower one is refused.
        serial: u64,
    },
    /// A device enrolled before key sets were signed holds no root: it takes the first signed
    /// set it pulls, and says so in diagnostics.
    FirstSeen,
}

/// A key set whose signature verified under its anchor, and whose keys are well formed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedKeySet {
    /// The root public key that signed it.
    pub root_public: [u8; 32],
    /// The set.
    pub key_set: KeySet,
}

impl VerifiedKeySet {
    /// The public key for `purpose` (every purpose but the TLS CA is always present).
    pub fn key(&self, purpose: KeyPurpose) -> Option<&[u8]> {
        self.key_set
            .keys
            .iter()
            .find(|key| key.purpose == purpose)
            .map(|key| key.public.0.as_slice())
    }

    /// The public key for a purpose every verified set has.
    fn required(&self, purpose: KeyPurpose) -> Vec<u8> {
        self.key(purpose).map(<[u8]>::to_vec).unwrap_or_default()
    }

    /// The records key.
    pub fn records(&self) -> Vec<u8> {
        self.required(KeyPurpose::Records)
    }

    /// The safeguarding key.
    pub fn safeguarding(&self) -> Vec<u8> {
        self.required(KeyPurpose::Safeguarding)
    }

    /// The pack-signing key.
    pub fn pack_signing(&self) -> Vec<u8> {
        self.required(KeyPurpose::PackSigning)
    }

    /// The gateway's receipt key.
    pub fn receipts(&self) -> Vec<u8> {
        self.required(KeyPurpose::Receipts)
    }

    /// The key force IT signs device commands with.
    pub fn commands(&self) -> Vec<u8> {
        self.required(KeyPurpose::Commands)
    }

    /// The TLS CA certificate (DER), if the force names one.
    pub fn tls_ca(&self) -> Option<Vec<u8>> {
        self.key(KeyPurpose::TlsCa).map(<[u8]>::to_vec)
    }
}

/// Verifies a signed key set under `anchor`: the root, the signature over the exact bytes, the
/// serial, then the set's shape (format, each purpose once, 32-byte keys, key ids that match).
pub fn verify_key_set(
    signed: &SignedKeySet,
    anchor: Anchor<'_>,
) -> Result<VerifiedKeySet, TrustError> {
    let root_public: [u8; 32] = signed
        .root_public_key
        .0
        .as_slice()
        .try_into()
        .map_err(|_| TrustError::Malformed("the root key is not 32 bytes".into()))?;
    match anchor {
        Anchor::Fingerprint(expected) => {
            if expected.len() < CODE_FINGERPRINT_BYTES
                || !fingerprint(&root_public).starts_with(expected)
            {
                return Err(TrustError::RootMismatch);
            }
        }
        Anchor::Root { public, .. } => {
            if public != root_public.as_slice() {
                return Err(TrustError::OtherRoot);
            }
        }
        Anchor::FirstSeen => {}
    }
    let root = VerifyingKey::from_bytes(&root_public).map_err(|_| TrustError::BadSignature)?;
    let signature =
        Signature::from_slice(&signed.signature.0).map_err(|_| TrustError::BadSignature)?;
    root.verify_strict(&[KEY_SET_CONTEXT, &signed.key_set.0].concat(), &signature)
        .map_err(|_| TrustError::BadSignature)?;
    let key_set: KeySet = serde_json::from_slice(&signed.key_set.0)
        .map_err(|error| TrustError::Malformed(error.to_string()))?;
    if let Anchor::Root { serial, .. } = anchor {
        if key_set.serial < serial {
            return Err(TrustError::Rollback {
                offered: key_set.serial,
                held: serial,
            });
        }
    }
    check_shape(&key_set)?;
    Ok(VerifiedKeySet {
        root_public,
        key_set,
    })
}

fn check_shape(key_set: &KeySet) -> Result<(), TrustError> {
    let malformed = |why: &str| Err(TrustError::Malformed(why.into()));
    if key_set.format != KEY_SET_FORMAT {
        return malformed("unknown key-set format");
    }
    if key_set.force_name.trim().is_empty() || key_set.force_name.chars().count() > 200 {
        return malformed("the force name must be 1 to 200 characters");
    }
    for purpose in [
        KeyPurpose::Records,
        KeyPurpose::Safeguarding,
        KeyPurpose::PackSigning,
        KeyPurpose::Receipts,
        KeyPurpose::Commands,
        KeyPurpose::TlsCa,
    ] {
        let count = key_set
            .keys
            .iter()
            .filter(|key| key.purpose == purpose)
            .count();
        if count > 1 || (count == 0 && purpose != KeyPurpose::TlsCa) {
            return malformed("each key purpose must appear once");
        }
    }
    for key in &key_set.keys {
        if key.key_id != firstline_protocol::key_id(&key.public.0) {
            return malformed("a key id does not match its key");
        }
        let size_fits = match key.purpose {
            KeyPurpose::TlsCa => (1..=16 * 1024).contains(&key.public.0.len()),
            _ => key.public.0.len() == 32,
        };
        if !size_fits {
            return malformed("a key has the wrong size");
        }
    }
    Ok(())
}

/// The exact bytes a receipt's signature covers: a context, then the submission id and the
/// content hash, each length-prefixed.
pub fn receipt_message(submission_id: &str, content_hash: &str) -> Vec<u8> {
    let mut message = RECEIPT_CONTEXT.to_vec();
    for part in [submission_id, content_hash] {
        message.extend_from_slice(&(part.len() as u32).to_be_bytes());
        message.extend_from_slice(part.as_bytes());
    }
    message
}

/// Signs a receipt for `submission_id` and `content_hash` with the gateway's receipt key:
/// returns the key id and the signature.
pub fn sign_receipt(
    receipt_key: &SigningKey,
    submission_id: &str,
    content_hash: &str,
) -> (String, Base64Bytes) {
    let signature = receipt_key.sign(&receipt_message(submission_id, content_hash));
    (
        firstline_protocol::key_id(receipt_key.verifying_key().as_bytes()),
        Base64Bytes(signature.to_bytes().to_vec()),
    )
}

/// Whether `receipt` is signed by the force's receipt key `receipts_public` (and names it).
pub fn receipt_verifies(receipts_public: &[u8], receipt: &Receipt) -> bool {
    let Ok(public) = <[u8; 32]>::try_from(receipts_public) else {
        return false;
    };
    let Ok(key) = VerifyingKey::from_bytes(&public) else {
        return false;
    };
    let Ok(signature) = Signature::from_slice(&receipt.signature.0) else {
        return false;
    };
    receipt.receipt_key_id == firstline_protocol::key_id(&public)
        && key
            .verify_strict(
                &receipt_message(&receipt.submission_id, &receipt.content_hash),
                &signature,
            )
            .is_ok()
}

/// The exact bytes a device command's signature covers: a context, then the device id, the
/// command id and its kind, each length-prefixed.
pub fn command_message(device_id: &str, command_id: i64, kind: &str) -> Vec<u8> {
    let mut message = COMMAND_CONTEXT.to_vec();
    for part in [
        device_id.as_bytes(),
        &command_id.to_be_bytes(),
        kind.as_bytes(),
    ] {
        message.extend_from_slice(&(part.len() as u32).to_be_bytes());
        message.extend_from_slice(part);
    }
    message
}

/// Signs a device command with force IT's commands key.
pub fn sign_command(
    commands_key: &SigningKey,
    device_id: &str,
    command_id: i64,
    kind: &str,
) -> Base64Bytes {
    Base64Bytes(
        commands_key
            .sign(&command_message(device_id, command_id, kind))
            .to_bytes()
            .to_vec(),
    )
}

/// Whether `signature` is force IT's signature (`commands_public`) over this command for this
/// device.
pub fn command_verifies(
    commands_public: &[u8],
    device_id: &str,
    command_id: i64,
    kind: &str,
    signature: &[u8],
) -> bool {
    let (Ok(public), Ok(signature)) = (
        <[u8; 32]>::try_from(commands_public),
        Signature::from_slice(signature),
    ) else {
        return false;
    };
    VerifyingKey::from_bytes(&public).is_ok_and(|key| {
        key.verify_strict(&command_message(device_id, command_id, kind), &signature)
            .is_ok()
    })
}

/// Whether `public` is the verifying half of `signing` (the gateway checks its receipt key
/// against the force's key set at start).
pub fn is_public_half(signing: &SigningKey, public: &[u8]) -> bool {
    signing.verifying_key().as_bytes().as_slice() == public
}

impl std::fmt::Display for KeyPurpose {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(match self {
            KeyPurpose::Records => "records",
            KeyPurpose::Safeguarding => "safeguarding",
            KeyPurpose::PackSigning => "pack_signing",
            KeyPurpose::Receipts => "receipts",
            KeyPurpose::Commands => "commands",
            KeyPurpose::TlsCa => "tls_ca",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key_set(serial: u64) -> KeySet {
        KeySet {
            format: KEY_SET_FORMAT,
            force_name: "Test Constabulary".into(),
            serial,
            issued_at: 1_800_000_000,
            keys: vec![
                ForceKey::new(KeyPurpose::Records, vec![1; 32]),
                ForceKey::new(KeyPurpose::Safeguarding, vec![2; 32]),
                ForceKey::new(KeyPurpose::PackSigning, vec![3; 32]),
                ForceKey::new(KeyPurpose::Receipts, vec![4; 32]),
                ForceKey::new(KeyPurpose::Commands, vec![5; 32]),
            ],
        }
    }

    #[test]
    fn a_set_verifies_under_its_fingerprint_and_root_and_nothing_else() {
        let root = SigningKey::from_bytes(&[7; 32]);
        let other = SigningKey::from_bytes(&[8; 32]);
        let signed = sign_key_set(&root, &key_set(2)).expect("signed");
        let print = fingerprint(root.verifying_key().as_bytes());
        let verified = verify_key_set(&signed, Anchor::Fingerprint(&print[..10])).expect("ok");
        assert_eq!(verified.records(), vec![1; 32]);
        assert_eq!(
            verify_key_set(&signed, Anchor::Fingerprint(&print[..9])),
            Err(TrustError::RootMismatch),
            "fewer than 80 bits of fingerprint are not enough"
        );
        let other_print = fingerprint(other.verifying_key().as_bytes());
        assert_eq!(
            verify_key_set(&signed, Anchor::Fingerprint(&other_print[..10])),
            Err(TrustError::RootMismatch)
        );
        let root_public = root.verifying_key().to_bytes();
        assert!(verify_key_set(
            &signed,
            Anchor::Root {
                public: &root_public,
                serial: 2
            }
        )
        .is_ok());
        assert_eq!(
            verify_key_set(
                &signed,
                Anchor::Root {
                    public: &root_public,
                    serial: 3
                }
            ),
            Err(TrustError::Rollback {
                offered: 2,
                held: 3
            })
        );
        // Signed by another root but claiming ours: the signature fails.
        let mut forged = sign_key_set(&other, &key_set(9)).expect("signed");
        forged.root_public_key = signed.root_public_key.clone();
        assert_eq!(
            verify_key_set(&forged, Anchor::Fingerprint(&print[..10])),
            Err(TrustError::BadSignature)
        );
        // Any changed byte of the set fails.
        let mut changed = signed.clone();
        changed.key_set.0[20] ^= 1;
        assert!(verify_key_set(&changed, Anchor::Fingerprint(&print[..10])).is_err());
    }

    #[test]
    fn a_set_missing_a_purpose_or_with_a_wrong_key_id_is_refused() {
        let root = SigningKey::from_bytes(&[7; 32]);
        let mut missing = key_set(1);
        missing.keys.pop();
        let mut wrong_id = key_set(1);
        wrong_id.keys[0].key_id = "0000000000000000".into();
        let mut twice = key_set(1);
        twice
            .keys
            .push(ForceKey::new(KeyPurpose::Records, vec![9; 32]));
        for set in [missing, wrong_id, twice] {
            let signed = sign_key_set(&root, &set).expect("signed");
            assert!(matches!(
                verify_key_set(&signed, Anchor::FirstSeen),
                Err(TrustError::Malformed(_))
            ));
        }
    }

    #[test]
    fn a_receipt_verifies_only_for_its_id_hash_and_key() {
        let gateway = SigningKey::from_bytes(&[5; 32]);
        let (receipt_key_id, signature) = sign_receipt(&gateway, "sub-1", "abc");
        let receipt = Receipt {
            submission_id: "sub-1".into(),
            content_hash: "abc".into(),
            received_at: 1,
            status: firstline_protocol::ReceiptStatus::Stored,
            receipt_key_id,
            signature,
        };
        let public = gateway.verifying_key().to_bytes();
        assert!(receipt_verifies(&public, &receipt));
        let mut other_hash = receipt.clone();
        other_hash.content_hash = "abd".into();
        assert!(!receipt_verifies(&public, &other_hash));
        let mut other_id = receipt.clone();
        other_id.submission_id = "sub-2".into();
        assert!(!receipt_verifies(&public, &other_id));
        assert!(!receipt_verifies(&[6; 32], &receipt));
        let mut unsigned = receipt;
        unsigned.signature = Base64Bytes(Vec::new());
        assert!(!receipt_verifies(&public, &unsigned));
    }
}
