//! Sealing a finalised assessment for the force, and opening it there.
//!
//! The main record is sealed with HPKE (RFC 9180, base mode, X25519 / HKDF-SHA256 /
//! AES-256-GCM) to the force's **records** key; the migrant-victim compartment is sealed, on its
//! own, to the **safeguarding** key. Each ciphertext is bound by its HPKE `info` to its
//! compartment and by associated data to its submission id, so it cannot be opened as the other
//! part or moved into another envelope. The device signs the whole envelope with the Ed25519 key
//! it made at enrolment. The two private keys are different types: code holding a
//! [`RecordsKey`] has no function that opens the safeguarding part.

mod keys;

use firstline_protocol::{Envelope, PackRef, SealedPart, ENVELOPE_FORMAT};
use hpke::aead::AesGcm256;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, OpModeR, OpModeS, Serializable};
use rand_core::TryRngCore;
use thiserror::Error;
use zeroize::Zeroizing;

pub use keys::{DeviceKey, ForceRecipients, RecordsKey, SafeguardingKey, SecretKeyBytes};

const RECORDS_INFO: &[u8] = b"firstline records v1";
const SAFEGUARDING_INFO: &[u8] = b"firstline safeguarding v1";

/// What went wrong sealing, verifying or opening.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum SealError {
    /// A key's bytes are not a valid key of its kind.
    #[error("the {0} key is not a valid key")]
    BadKey(&'static str),
    /// The envelope's format is not one this build reads.
    #[error("envelope format {0} is not supported")]
    UnsupportedFormat(u32),
    /// The device signature does not verify.
    #[error("the envelope's device signature does not verify")]
    BadSignature,
    /// A compartment cannot be opened with this key: wrong key, or changed or moved ciphertext.
    #[error("the {0} compartment cannot be opened with this key, or was changed")]
    CannotOpen(&'static str),
    /// Encryption failed (the system random number generator).
    #[error("sealing failed")]
    Sealing,
}

/// The clear metadata of an envelope about to be sealed.
#[derive(Debug, Clone)]
pub struct EnvelopeHeader {
    /// The submission (assessment) id.
    pub submission_id: String,
    /// The submission it amends, if any.
    pub supersedes: Option<String>,
    /// The enrolled device's id.
    pub device_id: String,
    /// The form pack used.
    pub pack: PackRef,
    /// Seconds since the Unix epoch.
    pub sealed_at: i64,
}

/// Seals `records` to the records key and `safeguarding` (if any) to the safeguarding key, and
/// signs the envelope with the device key.
pub fn seal(
    header: EnvelopeHeader,
    records: &[u8],
    safeguarding: Option<&[u8]>,
    recipients: &ForceRecipients,
    device: &DeviceKey,
) -> Result<Envelope, SealError> {
    let records_part = seal_part(
        &recipients.records,
        RECORDS_INFO,
        &Envelope::compartment_aad(&header.submission_id, "records"),
        records,
    )?;
    let safeguarding_part = safeguarding
        .map(|plaintext| {
            seal_part(
                &recipients.safeguarding,
                SAFEGUARDING_INFO,
                &Envelope::compartment_aad(&header.submission_id, "safeguarding"),
                plaintext,
            )
        })
        .transpose()?;
    let mut envelope = Envelope {
        format: ENVELOPE_FORMAT,
        submission_id: header.submission_id,
        supersedes: header.supersedes,
        device_id: header.device_id,
        pack: header.pack,
        sealed_at: header.sealed_at,
        records: records_part,
        safeguarding: safeguarding_part,
        signature: Default::default(),
    };
    envelope.signature = device.sign(&envelope.signed_bytes()).into();
    Ok(envelope)
}

/// Checks the envelope's format and its signature by the device whose Ed25519 public key is
/// `device_public_key`.
pub fn verify(envelope: &Envelope, device_public_key: &[u8]) -> Result<(), SealError> {
    if envelope.format != ENVELOPE_FORMAT {
        return Err(SealError::UnsupportedFormat(envelope.format));
    }
    keys::verify_signature(
        device_public_key,
        &envelope.signed_bytes(),
        &envelope.signature.0,
    )
}

/// Opens the main record with the records key.
pub fn open_records(
    envelope: &Envelope,
    key: &RecordsKey,
) -> Result<Zeroizing<Vec<u8>>, SealError> {
    open_part(
        key.private(),
        RECORDS_INFO,
        &Envelope::compartment_aad(&envelope.submission_id, "records"),
        &envelope.records,
    )
    .ok_or(SealError::CannotOpen("records"))
}

/// Opens the migrant-victim compartment with the safeguarding key; `None` if the envelope has
/// none.
pub fn open_safeguarding(
    envelope: &Envelope,
    key: &SafeguardingKey,
) -> Result<Option<Zeroizing<Vec<u8>>>, SealError> {
    envelope
        .safeguarding
        .as_ref()
        .map(|part| {
            open_part(
                key.private(),
                SAFEGUARDING_INFO,
                &Envelope::compartment_aad(&envelope.submission_id, "safeguarding"),
                part,
            )
            .ok_or(SealError::CannotOpen("safeguarding"))
        })
        .transpose()
}

fn seal_part(
    recipient: &<X25519HkdfSha256 as hpke::Kem>::PublicKey,
    info: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<SealedPart, SealError> {
    let (enc, ciphertext) = hpke::single_shot_seal::<AesGcm256, HkdfSha256, X25519HkdfSha256, _>(
        &OpModeS::Base,
        recipient,
        info,
        plaintext,
        aad,
        &mut rand_core::OsRng.unwrap_err(),
    )
    .map_err(|_| SealError::Sealing)?;
    Ok(SealedPart {
        enc: enc.to_bytes().to_vec().into(),
        ciphertext: ciphertext.into(),
    })
}

fn open_part(
    private: &<X25519HkdfSha256 as hpke::Kem>::PrivateKey,
    info: &[u8],
    aad: &[u8],
    part: &SealedPart,
) -> Option<Zeroizing<Vec<u8>>> {
    let enc = <X25519HkdfSha256 as hpke::Kem>::EncappedKey::from_bytes(&part.enc.0).ok()?;
    hpke::single_shot_open::<AesGcm256, HkdfSha256, X25519HkdfSha256>(
        &OpModeR::Base,
        private,
        &enc,
        info,
        &part.ciphertext.0,
        aad,
    )
    .ok()
    .map(Zeroizing::new)
}
