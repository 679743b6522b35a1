//! A test force, as the gateway's and the sync client's suites set one up: fixed root and
//! receipt keys (test forces only), the force's record and its key set signed by that root,
//! stored as `firstline-admin init-force` would; the receipt key file every test gateway starts
//! with; enrolment codes naming the root; and the demo force's pack-signing key, as anyone can
//! derive it. A dev-dependency only.

#![allow(clippy::expect_used)]

use firstline_backend::storage::{ForceRecord, Storage};

/// The test force's root key seed.
pub const ROOT_SEED: [u8; 32] = [43; 32];
/// The test gateway's receipt key seed.
pub const RECEIPT_SEED: [u8; 32] = [42; 32];
/// The test force IT's commands key seed.
pub const COMMANDS_SEED: [u8; 32] = [44; 32];

/// The demo force's pack-signing key id (the built-in default pack names it).
pub const DEMO_PACK_KEY_ID: &str = "firstline-demo-force-2026";

/// The demo force's pack-signing key, made as anyone can make it from the public phrase in
/// `crates/form/examples/sign_pack.rs`: what an attacker would sign a pack with.
pub fn demo_pack_key() -> ed25519_dalek::SigningKey {
    use sha2::Digest;
    ed25519_dalek::SigningKey::from_bytes(
        &sha2::Sha256::digest(b"firstline demo force pack-signing key: never for a real force")
            .into(),
    )
}

/// The receipt key file every test gateway is started with (`--receipt-key`).
pub fn receipt_key_file() -> String {
    use base64::Engine;
    let path =
        std::env::temp_dir().join(format!("firstline-test-receipt-{}.key", std::process::id()));
    if !path.exists() {
        std::fs::write(
            &path,
            base64::engine::general_purpose::STANDARD.encode(RECEIPT_SEED),
        )
        .expect("receipt key written");
    }
    path.display().to_string()
}

/// The test gateway's receipt public key.
pub fn receipts_public() -> Vec<u8> {
    ed25519_dalek::SigningKey::from_bytes(&RECEIPT_SEED)
        .verifying_key()
        .to_bytes()
        .to_vec()
}

/// Sets the test force up in `storage`: its record and its key set (serial 1, no TLS CA).
pub async fn set_up_force(
    storage: &dyn Storage,
    records_public: Vec<u8>,
    safeguarding_public: Vec<u8>,
    pack_signing_public: Vec<u8>,
) {
    set_up_force_with(
        storage,
        records_public,
        safeguarding_public,
        pack_signing_public,
        None,
        1,
    )
    .await
}

/// [`set_up_force`] with the TLS CA devices pin (DER) and the key set's serial.
pub async fn set_up_force_with(
    storage: &dyn Storage,
    records_public: Vec<u8>,
    safeguarding_public: Vec<u8>,
    pack_signing_public: Vec<u8>,
    tls_ca: Option<Vec<u8>>,
    serial: u64,
) {
    storage
        .set_force(&ForceRecord {
            name: "Test Constabulary".into(),
            records_public_key: records_public.clone(),
            safeguarding_public_key: safeguarding_public.clone(),
            pack_signing_public_key: pack_signing_public.clone(),
        })
        .await
        .expect("force set up");
    let key_set = firstline_trust::KeySet::new(
        "Test Constabulary",
        serial,
        1_800_000_000,
        records_public,
        safeguarding_public,
        pack_signing_public,
        receipts_public(),
        ed25519_dalek::SigningKey::from_bytes(&COMMANDS_SEED)
            .verifying_key()
            .to_bytes()
            .to_vec(),
        tls_ca,
    );
    let signed =
        firstline_trust::sign_key_set(&ed25519_dalek::SigningKey::from_bytes(&ROOT_SEED), &key_set)
            .expect("signed");
    storage
        .set_key_set(&serde_json::to_string(&signed).expect("json"))
        .await
        .expect("key set stored");
}

/// A typed enrolment code for `secret` naming the test root, as `firstline-admin` prints it.
pub fn typed_code(secret: &str) -> String {
    let root = ed25519_dalek::SigningKey::from_bytes(&ROOT_SEED);
    firstline_trust::EnrolmentCode::typed(
        secret,
        &firstline_trust::fingerprint(root.verifying_key().as_bytes()),
    )
}

/// Orders a wipe of `device_id` signed with the test force IT's commands key, as
/// `firstline-admin wipe` does; returns the command id.
pub async fn order_signed_wipe(storage: &dyn Storage, device_id: &str, now: i64) -> i64 {
    let id = storage
        .order_command(device_id, firstline_protocol::CommandKind::Wipe, now)
        .await
        .expect("ordered")
        .expect("a known device");
    let signature = firstline_trust::sign_command(
        &ed25519_dalek::SigningKey::from_bytes(&COMMANDS_SEED),
        device_id,
        id,
        firstline_protocol::CommandKind::Wipe.name(),
    );
    storage
        .sign_command(id, &signature.0)
        .await
        .expect("signed");
    id
}
