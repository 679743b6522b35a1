//! Test support shared by the vault's test binaries: the force keys a test enrolment stores.

use firstline_vault::{ForceKeys, RootTrust};

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
