//! The fuzz targets' bodies: each takes untrusted bytes the way Firstline receives them and must
//! refuse bad ones with an error, never panic, loop or allocate without bound. `fuzz/` (cargo-fuzz,
//! nightly, libFuzzer) drives them; `tests/replay_corpus.rs` replays the corpus kept in
//! `fuzz/corpus/<target>/` through them on stable, on every CI run.
//!
//! The gateway's request bodies are the protocol types below, read by `serde_json` with
//! `deny_unknown_fields` after the 1 MiB body cap (`crates/backend/src/api.rs::json_body`), so
//! the `protocol_bodies` target covers what each handler parses.

/// A target: untrusted bytes in, nothing out (it must not panic).
pub type Target = fn(&[u8]);

/// The targets, by the name of their corpus folder.
pub const TARGETS: [(&str, Target); 5] = [
    ("pack_loader", pack_loader),
    ("condition", condition),
    ("envelope", envelope),
    ("protocol_bodies", protocol_bodies),
    ("enrolment_code", enrolment_code),
];

/// A form pack from a file, signed or not: the loader's every check, then the signature check
/// against the built-in keys.
pub fn pack_loader(data: &[u8]) {
    let _ = firstline_form::load_pack(data);
    let _ = firstline_form::verify_pack(data, &firstline_form::built_in_keys());
}

/// A `show_if` / `require_if` / gate condition, as a pack author writes it.
pub fn condition(data: &[u8]) {
    if let Ok(source) = std::str::from_utf8(data) {
        if let Ok(expr) = firstline_form::expr::Expr::parse(source) {
            let _ = expr.questions();
            let _ = expr.eval(&|_| None);
        }
    }
}

/// A sealed submission as the gateway receives it: decoded, its shape and device signature
/// checked (against a key that signed nothing), its content hash taken.
pub fn envelope(data: &[u8]) {
    if let Ok(envelope) = serde_json::from_slice::<firstline_protocol::Envelope>(data) {
        let _ = envelope.is_well_formed();
        let _ = envelope.content_hash();
        let _ = firstline_seal::verify(&envelope, &[7; 32]);
    }
}

/// Every other body that crosses the wire, either way: enrolment requests and answers, audit
/// heads, receipts, key sets (verified as a device verifies the first one it sees), policy,
/// directory pages, device commands, errors.
pub fn protocol_bodies(data: &[u8]) {
    use firstline_protocol as protocol;
    let _ = serde_json::from_slice::<protocol::EnrolRequest>(data);
    let _ = serde_json::from_slice::<protocol::AuditHead>(data);
    let _ = serde_json::from_slice::<protocol::Policy>(data);
    let _ = serde_json::from_slice::<protocol::DirectoryPage>(data);
    let _ = serde_json::from_slice::<protocol::DeviceCommands>(data);
    let _ = serde_json::from_slice::<protocol::ApiError>(data);
    let _ = serde_json::from_slice::<protocol::Meta>(data);
    if let Ok(receipt) = serde_json::from_slice::<protocol::Receipt>(data) {
        let _ = firstline_trust::receipt_verifies(&[9; 32], &receipt);
    }
    if let Ok(answer) = serde_json::from_slice::<protocol::EnrolResponse>(data) {
        let _ =
            firstline_trust::verify_key_set(&answer.key_set, firstline_trust::Anchor::FirstSeen);
    }
    if let Ok(signed) = serde_json::from_slice::<protocol::SignedKeySet>(data) {
        let _ = firstline_trust::verify_key_set(&signed, firstline_trust::Anchor::FirstSeen);
    }
}

/// An enrolment code or QR link as typed or scanned.
pub fn enrolment_code(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = firstline_trust::EnrolmentCode::parse(text);
    }
}
