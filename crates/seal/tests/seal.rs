//! Sealing and opening through the public API: each key opens only its compartment, every
//! changed byte is caught, a compartment moved into another envelope does not open.
#![allow(clippy::expect_used)]

use firstline_protocol::{Envelope, PackRef};
use firstline_seal::{
    open_records, open_safeguarding, seal, verify, DeviceKey, EnvelopeHeader, ForceRecipients,
    RecordsKey, SafeguardingKey, SealError,
};
use proptest::prelude::*;

struct Force {
    records_secret: Vec<u8>,
    safeguarding_secret: Vec<u8>,
    records: RecordsKey,
    safeguarding: SafeguardingKey,
    recipients: ForceRecipients,
}

fn force() -> Force {
    let (records_secret, records_public) = RecordsKey::generate();
    let (safeguarding_secret, safeguarding_public) = SafeguardingKey::generate();
    Force {
        records_secret: records_secret.to_vec(),
        safeguarding_secret: safeguarding_secret.to_vec(),
        records: RecordsKey::from_bytes(&records_secret).expect("records key"),
        safeguarding: SafeguardingKey::from_bytes(&safeguarding_secret).expect("safeguarding key"),
        recipients: ForceRecipients::from_bytes(&records_public, &safeguarding_public)
            .expect("recipients"),
    }
}

fn header(id: &str) -> EnvelopeHeader {
    EnvelopeHeader {
        submission_id: id.to_string(),
        supersedes: None,
        device_id: "device-1".to_string(),
        pack: PackRef {
            id: "default".into(),
            version: "1".into(),
            hash: "abc".into(),
        },
        sealed_at: 1_700_000_000,
    }
}

const MAIN: &[u8] = br#"{"q1":"main answer"}"#;
const MIGRANT: &[u8] = br#"{"m1":"CANARY-MIGRANT"}"#;

#[test]
fn each_key_opens_its_own_compartment() {
    let force = force();
    let device = DeviceKey::generate();
    let envelope = seal(
        header("s1"),
        MAIN,
        Some(MIGRANT),
        &force.recipients,
        &device,
    )
    .expect("sealed");
    verify(&envelope, &device.public_bytes()).expect("signature verifies");
    assert_eq!(
        open_records(&envelope, &force.records)
            .expect("records")
            .as_slice(),
        MAIN
    );
    assert_eq!(
        open_safeguarding(&envelope, &force.safeguarding)
            .expect("opens")
            .expect("present")
            .as_slice(),
        MIGRANT
    );
}

#[test]
fn the_records_key_cannot_open_the_migrant_compartment() {
    let force = force();
    let device = DeviceKey::generate();
    let envelope = seal(
        header("s1"),
        MAIN,
        Some(MIGRANT),
        &force.recipients,
        &device,
    )
    .expect("sealed");
    // The records key's private bytes, tried on the safeguarding part (the types forbid it).
    let records_as_safeguarding =
        SafeguardingKey::from_bytes(&force.records_secret).expect("converts");
    assert_eq!(
        open_safeguarding(&envelope, &records_as_safeguarding),
        Err(SealError::CannotOpen("safeguarding"))
    );
    // And the safeguarding key cannot open the main record.
    let safeguarding_as_records =
        RecordsKey::from_bytes(&force.safeguarding_secret).expect("converts");
    assert_eq!(
        open_records(&envelope, &safeguarding_as_records).map(|_| ()),
        Err(SealError::CannotOpen("records"))
    );
    let text = serde_json::to_string(&envelope).expect("json");
    assert!(!text.contains("CANARY"));
}

#[test]
fn a_compartment_moved_into_another_envelope_does_not_open() {
    let force = force();
    let device = DeviceKey::generate();
    let first = seal(
        header("s1"),
        MAIN,
        Some(MIGRANT),
        &force.recipients,
        &device,
    )
    .expect("s1");
    let mut second = seal(
        header("s2"),
        b"other",
        Some(b"other"),
        &force.recipients,
        &device,
    )
    .expect("s2");
    second.safeguarding = first.safeguarding.clone();
    second.records = first.records.clone();
    assert_eq!(
        open_records(&second, &force.records).map(|_| ()),
        Err(SealError::CannotOpen("records"))
    );
    assert_eq!(
        open_safeguarding(&second, &force.safeguarding).map(|_| ()),
        Err(SealError::CannotOpen("safeguarding"))
    );
    assert_eq!(
        verify(&second, &device.public_bytes()),
        Err(SealError::BadSignature)
    );
}

#[test]
fn another_devices_key_does_not_verify() {
    let force = force();
    let device = DeviceKey::generate();
    let envelope = seal(header("s1"), MAIN, None, &force.recipients, &device).expect("sealed");
    assert_eq!(
        verify(&envelope, &DeviceKey::generate().public_bytes()),
        Err(SealError::BadSignature)
    );
    assert_eq!(open_safeguarding(&envelope, &force.safeguarding), Ok(None));
}

#[test]
fn device_keys_round_trip_through_their_bytes() {
    let device = DeviceKey::generate();
    let again = DeviceKey::from_bytes(&device.secret_bytes()).expect("from bytes");
    assert_eq!(device.public_bytes(), again.public_bytes());
    assert!(DeviceKey::from_bytes(&[1, 2, 3]).is_err());
    assert!(ForceRecipients::from_bytes(&[0; 5], &[0; 32]).is_err());
}

fn flip(bytes: &mut [u8], index: usize) {
    let index = index % bytes.len();
    bytes[index] ^= 0x01;
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_changed_byte_is_caught(main in proptest::collection::vec(any::<u8>(), 0..512),
                                  migrant in proptest::collection::vec(any::<u8>(), 1..512),
                                  which in 0usize..5, index in any::<usize>()) {
        let force = force();
        let device = DeviceKey::generate();
        let mut envelope: Envelope =
            seal(header("s1"), &main, Some(&migrant), &force.recipients, &device).expect("sealed");
        let opened = open_records(&envelope, &force.records).expect("opens");
        prop_assert_eq!(opened.as_slice(), &main[..]);
        let part = envelope.safeguarding.as_mut().expect("present");
        match which {
            0 => flip(&mut envelope.records.ciphertext.0, index),
            1 => flip(&mut envelope.records.enc.0, index),
            2 => flip(&mut part.ciphertext.0, index),
            3 => flip(&mut part.enc.0, index),
            _ => flip(&mut envelope.signature.0, index),
        }
        prop_assert_eq!(verify(&envelope, &device.public_bytes()), Err(SealError::BadSignature));
        let records = open_records(&envelope, &force.records).map(|_| ());
        let safeguarding = open_safeguarding(&envelope, &force.safeguarding).map(|_| ());
        match which {
            0 | 1 => prop_assert!(records.is_err()),
            2 | 3 => prop_assert!(safeguarding.is_err()),
            _ => prop_assert!(records.is_ok() && safeguarding.is_ok()),
        }
    }
}
