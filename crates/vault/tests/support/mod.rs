//! Test support shared by the vault's test binaries: a vault on a temporary file with cheap
//! settings, a device enrolled with a test force, and the force keys that enrolment stores.
//! Each test binary uses a part of it.
#![allow(dead_code)]

use std::sync::Arc;

use firstline_seal::{DeviceKey, RecordsKey, SafeguardingKey};
use firstline_vault::{
    DeviceSecret, Enrolment, ForceKeys, KdfParams, Outbox, RootTrust, Vault, VaultOptions,
};
use zeroize::Zeroizing;

/// The first officer's PIN.
pub const PIN: &str = "246810";
/// The device secret the tests' vaults use.
pub const SECRET: [u8; 32] = [9; 32];

/// A device enrolled with a test force, and the force's private keys.
pub struct Setup {
    pub dir: tempfile::TempDir,
    pub records: RecordsKey,
    pub safeguarding: SafeguardingKey,
}

/// The vault in `dir`, with cheap key stretching and a fixed clock.
pub fn open(dir: &tempfile::TempDir) -> Vault {
    Vault::open(
        &dir.path().join("vault.sqlite"),
        DeviceSecret::provided(&SECRET),
        VaultOptions {
            kdf: KdfParams::FOR_TESTS,
            max_failed_pins: 5,
            min_pin_digits: firstline_vault::MIN_PIN_DIGITS,
            clock: Arc::new(|| 1_800_000_000),
        },
    )
    .expect("vault opens")
}

/// A vault whose first officer, "PC 1", is set up, enrolled with a test force.
pub fn enrolled() -> Setup {
    let dir = tempfile::tempdir().expect("temp dir");
    let permit = {
        let mut vault = open(&dir);
        vault.set_up_officer("PC 1", PIN).expect("officer");
        vault.unlock("PC 1", PIN).expect("unlocked");
        vault.enrolment_permit().expect("a permit")
    };
    enrol(dir, permit)
}

/// Enrols the vault in `dir` with a new test force, as the sync client would with `permit`.
pub fn enrol(dir: tempfile::TempDir, permit: firstline_vault::EnrolmentPermit) -> Setup {
    let (records_secret, records_public) = RecordsKey::generate();
    let (safeguarding_secret, safeguarding_public) = SafeguardingKey::generate();
    let mut outbox = Outbox::open(
        &dir.path().join("vault.sqlite"),
        DeviceSecret::provided(&SECRET),
    )
    .expect("outbox");
    outbox
        .enrol(
            permit,
            &Enrolment {
                device_id: "dev_1".into(),
                gateway_url: "http://127.0.0.1:9".into(),
                keys: force_keys(records_public, safeguarding_public, vec![0; 32]),
                token: Zeroizing::new("fl1_token".into()),
                signing_key: DeviceKey::generate().secret_bytes(),
            },
            1_800_000_000,
        )
        .expect("enrolled");
    Setup {
        dir,
        records: RecordsKey::from_bytes(&records_secret).expect("key"),
        safeguarding: SafeguardingKey::from_bytes(&safeguarding_secret).expect("key"),
    }
}

/// A test force's key set as enrolment stores it, verified from the enrolment code, with the
/// given records, safeguarding and pack-signing public keys (the rest fixed filler).
pub fn force_keys(
    records_public_key: Vec<u8>,
    safeguarding_public_key: Vec<u8>,
    pack_signing_public_key: Vec<u8>,
) -> ForceKeys {
    ForceKeys {
        force_name: "Test Constabulary".into(),
        root_public_key: vec![9; 32],
        root_trusted_how: RootTrust::EnrolmentCode,
        serial: 1,
        records_public_key,
        safeguarding_public_key,
        pack_signing_public_key,
        receipt_public_key: vec![8; 32],
        commands_public_key: vec![6; 32],
        tls_ca: None,
    }
}
