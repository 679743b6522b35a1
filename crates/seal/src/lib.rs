//! Sealing a finalised assessment for the force, and opening it there.
//!
//! The main record is sealed with HPKE (RFC 9180, base mode, X25519 / HKDF-SHA256 /
//! AES-256-GCM) to the force's **records** key; the migrant-victim compartment is sealed, on its
//! own, to the **safeguarding** key. Each ciphertext is bound by its HPKE `info` to its
//! compartment and by associated data to its submission id, so it cannot be opened as the other
//! part or moved into another envelope. The device signs the whole envelope with the Ed25519 key
//! it made at enrolment. The two private keys are different types: code holding a
//! [`RecordsKey`] has no function that opens the safeguarding part.
//!
//! Every envelope carries a safeguarding part, padded (see `padding.rs`) to one fixed size
//! whether the section is empty or not, so neither the gateway nor the records side can tell
//! which victims have a migrant-victim section.

mod keys;
mod padding;

use firstline_protocol::{
    Envelope, PackRef, SealedPart, ENVELOPE_FORMAT, READABLE_ENVELOPE_FORMATS,
};
use hpke::aead::AesGcm256;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, OpModeR, OpModeS, Serializable};
use rand_core::TryRngCore;
use thiserror::Error;
use zeroize::Zeroizing;

pub use firstline_protocol::SECTION_SIZES;
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
    /// The envelope lacks a part or key id its format requires.
    #[error("the envelope is not complete for its format")]
    Incomplete,
    /// The safeguarding section is larger than the largest padded size.
    #[error("the safeguarding section is too large to seal")]
    SectionTooLarge,
    /// The device signature does not verify.
    #[error("the envelope's device signature does not verify")]
    BadSignature,
    /// A compartment cannot be opened with this key: wrong key, or changed or moved ciphertext.
    #[error("the {0} compartment cannot be opened with this key, or was changed")]
    CannotOpen(&'static str),
    /// The envelope is sealed to another key than the one given (a rotated force key).
    #[error("the {compartment} part is sealed to the force key {key_id}, not this one")]
    OtherKey {
        /// Which part.
        compartment: &'static str,
        /// The key id the envelope names.
        key_id: String,
    },
    /// An opened part is not the JSON document it must be.
    #[error("the {0} compartment does not hold a readable document")]
    NotJson(&'static str),
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

/// Seals `records` to the records key and `safeguarding` to the safeguarding key, and signs the
/// envelope with the device key. The safeguarding part is always there: `None` seals an empty
/// section, padded to the same size as a short one.
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
    let padded = padding::pad(safeguarding.unwrap_or_default())?;
    let safeguarding_part = seal_part(
        &recipients.safeguarding,
        SAFEGUARDING_INFO,
        &Envelope::compartment_aad(&header.submission_id, "safeguarding"),
        &padded,
    )?;
    let mut envelope = Envelope {
        format: ENVELOPE_FORMAT,
        submission_id: header.submission_id,
        supersedes: header.supersedes,
        device_id: header.device_id,
        pack: header.pack,
        sealed_at: header.sealed_at,
        records: records_part,
        safeguarding: Some(safeguarding_part),
        records_key_id: Some(recipients.records_key_id.clone()),
        safeguarding_key_id: Some(recipients.safeguarding_key_id.clone()),
        signature: Default::default(),
    };
    envelope.signature = device.sign(&envelope.signed_bytes()).into();
    Ok(envelope)
}

/// Checks the envelope's format (this build's, or format 1 from an older build's outbox), its
/// shape, and its signature by the device whose Ed25519 public key is `device_public_key`.
pub fn verify(envelope: &Envelope, device_public_key: &[u8]) -> Result<(), SealError> {
    if !READABLE_ENVELOPE_FORMATS.contains(&envelope.format) {
        return Err(SealError::UnsupportedFormat(envelope.format));
    }
    if !envelope.is_well_formed() {
        return Err(SealError::Incomplete);
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

/// Opens the migrant-victim compartment with the safeguarding key: its section, or `None` when
/// the section is empty (or, in format 1, left out).
pub fn open_safeguarding(
    envelope: &Envelope,
    key: &SafeguardingKey,
) -> Result<Option<Zeroizing<Vec<u8>>>, SealError> {
    let Some(part) = envelope.safeguarding.as_ref() else {
        return Ok(None);
    };
    let opened = open_part(
        key.private(),
        SAFEGUARDING_INFO,
        &Envelope::compartment_aad(&envelope.submission_id, "safeguarding"),
        part,
    )
    .ok_or(SealError::CannotOpen("safeguarding"))?;
    let section = if envelope.format >= 2 {
        padding::unpad(&opened).ok_or(SealError::CannotOpen("safeguarding"))?
    } else {
        opened
    };
    Ok((!section.is_empty()).then_some(section))
}

/// A submission opened on the force side: what `firstline-admin open` prints.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenedSubmission {
    /// The main record.
    pub record: serde_json::Value,
    /// With the safeguarding key: the migrant-victim section, or `None` when it is empty.
    /// Without it: `None`, and nothing says whether there is one.
    pub safeguarding_section: Option<serde_json::Value>,
}

/// Opens a submission with the records key and, where given, the safeguarding key.
pub fn open_submission(
    envelope: &Envelope,
    records: &RecordsKey,
    safeguarding: Option<&SafeguardingKey>,
) -> Result<OpenedSubmission, SealError> {
    if !READABLE_ENVELOPE_FORMATS.contains(&envelope.format) {
        return Err(SealError::UnsupportedFormat(envelope.format));
    }
    if !envelope.is_well_formed() {
        return Err(SealError::Incomplete);
    }
    let named = |compartment: &'static str, named: &Option<String>, public: Vec<u8>| match named {
        Some(key_id) if *key_id != firstline_protocol::key_id(&public) => {
            Err(SealError::OtherKey {
                compartment,
                key_id: key_id.clone(),
            })
        }
        _ => Ok(()),
    };
    named("records", &envelope.records_key_id, records.public_bytes())?;
    if let Some(key) = safeguarding {
        named(
            "safeguarding",
            &envelope.safeguarding_key_id,
            key.public_bytes(),
        )?;
    }
    let record = open_records(envelope, records)?;
    let record = serde_json::from_slice(&record).map_err(|_| SealError::NotJson("records"))?;
    let safeguarding_section = match safeguarding {
        Some(key) => open_safeguarding(envelope, key)?
            .map(|section| serde_json::from_slice(&section))
            .transpose()
            .map_err(|_| SealError::NotJson("safeguarding"))?,
        None => None,
    };
    Ok(OpenedSubmission {
        record,
        safeguarding_section,
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn force() -> (ForceRecipients, RecordsKey, SafeguardingKey) {
        let (records_secret, records_public) = RecordsKey::generate();
        let (safeguarding_secret, safeguarding_public) = SafeguardingKey::generate();
        let (Ok(recipients), Ok(records), Ok(safeguarding)) = (
            ForceRecipients::from_bytes(&records_public, &safeguarding_public),
            RecordsKey::from_bytes(&records_secret),
            SafeguardingKey::from_bytes(&safeguarding_secret),
        ) else {
            panic!("fresh keys are valid");
        };
        (recipients, records, safeguarding)
    }

    fn sealed(recipients: &ForceRecipients, device: &DeviceKey) -> Envelope {
        seal(
            EnvelopeHeader {
                submission_id: "s-1".into(),
                supersedes: None,
                device_id: "dev".into(),
                pack: PackRef {
                    id: "p".into(),
                    version: "1".into(),
                    hash: "h".into(),
                },
                sealed_at: 1,
            },
            br#"{"answers":{}}"#,
            None,
            recipients,
            device,
        )
        .unwrap_or_else(|error| panic!("seal: {error}"))
    }

    #[test]
    fn format_one_from_an_older_outbox_still_verifies_and_opens() {
        let (recipients, records, safeguarding) = force();
        let device = DeviceKey::generate();
        let mut envelope = sealed(&recipients, &device);
        envelope.format = 1;
        envelope.safeguarding = None;
        envelope.records_key_id = None;
        envelope.safeguarding_key_id = None;
        envelope.signature = device.sign(&envelope.signed_bytes()).into();
        assert_eq!(verify(&envelope, &device.public_bytes()), Ok(()));
        let opened = open_submission(&envelope, &records, Some(&safeguarding));
        assert!(matches!(opened, Ok(ref opened) if opened.safeguarding_section.is_none()));
    }

    #[test]
    fn format_two_without_a_padded_safeguarding_part_is_refused_even_when_signed() {
        let (recipients, records, _) = force();
        let device = DeviceKey::generate();
        let mut missing = sealed(&recipients, &device);
        missing.safeguarding = None;
        missing.signature = device.sign(&missing.signed_bytes()).into();
        assert_eq!(
            verify(&missing, &device.public_bytes()),
            Err(SealError::Incomplete)
        );
        let mut unpadded = sealed(&recipients, &device);
        let part = seal_part(
            &recipients.safeguarding,
            SAFEGUARDING_INFO,
            &Envelope::compartment_aad("s-1", "safeguarding"),
            b"short",
        )
        .unwrap_or_else(|error| panic!("seal: {error}"));
        unpadded.safeguarding = Some(part);
        unpadded.signature = device.sign(&unpadded.signed_bytes()).into();
        assert_eq!(
            verify(&unpadded, &device.public_bytes()),
            Err(SealError::Incomplete)
        );
        assert_eq!(
            open_submission(&unpadded, &records, None).err(),
            Some(SealError::Incomplete)
        );
        let mut future = sealed(&recipients, &device);
        future.format = 3;
        assert_eq!(
            verify(&future, &device.public_bytes()),
            Err(SealError::UnsupportedFormat(3))
        );
    }

    #[test]
    fn opening_with_a_rotated_key_names_the_key_the_envelope_was_sealed_to() {
        let (recipients, _, _) = force();
        let (_, other_records, _) = force();
        let envelope = sealed(&recipients, &DeviceKey::generate());
        match open_submission(&envelope, &other_records, None) {
            Err(SealError::OtherKey {
                compartment,
                key_id,
            }) => {
                assert_eq!(compartment, "records");
                assert_eq!(Some(key_id), envelope.records_key_id);
            }
            other => panic!("opened with another records key: {other:?}"),
        }
    }
}
