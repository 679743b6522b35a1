//! Keeps docs/sync-api.yaml in step with the code: the same paths (no more, no fewer), every
//! error code, and every field of the envelope and the receipt as the code writes them.
#![allow(clippy::expect_used)]

use std::collections::BTreeSet;

use firstline_protocol::{paths, ErrorCode, Receipt, ReceiptStatus};

fn document() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/sync-api.yaml"
    ))
    .expect("docs/sync-api.yaml")
}

#[test]
fn the_document_names_exactly_the_gateways_paths() {
    let documented: BTreeSet<String> = document()
        .lines()
        .filter(|line| line.starts_with("  /") && line.ends_with(':'))
        .map(|line| line.trim().trim_end_matches(':').to_string())
        .collect();
    let served: BTreeSet<String> = [
        paths::META,
        paths::ENROL,
        paths::SUBMISSIONS,
        paths::CURRENT_PACK,
        paths::DIRECTORY,
        paths::POLICY,
        paths::KEYS,
        paths::COMMANDS,
        paths::HEALTH,
        paths::LIVE,
        paths::READY,
        paths::METRICS,
        paths::RECEIPT,
        paths::COMMAND_DONE,
        paths::AUDIT_HEAD,
    ]
    .iter()
    .map(|path| path.to_string())
    .collect();
    assert_eq!(documented, served);
}

#[test]
fn every_error_code_and_field_is_documented() {
    let text = document();
    let codes = [
        ErrorCode::Malformed,
        ErrorCode::TooLarge,
        ErrorCode::BadSignature,
        ErrorCode::Unauthenticated,
        ErrorCode::Revoked,
        ErrorCode::UnknownCode,
        ErrorCode::CodeUsed,
        ErrorCode::Conflict,
        ErrorCode::NotFound,
        ErrorCode::Unavailable,
        ErrorCode::RateLimited,
        ErrorCode::QuotaExceeded,
        ErrorCode::UnknownSupersedes,
    ];
    let enum_line = text
        .lines()
        .skip_while(|line| !line.contains("ErrorCode:"))
        .find(|line| line.trim_start().starts_with("enum:"))
        .expect("the ErrorCode enum");
    for code in codes {
        let name = serde_json::to_value(code).expect("json");
        let name = name.as_str().expect("a string");
        assert!(
            enum_line.contains(name),
            "{name} is not in the documented ErrorCode enum"
        );
    }
    let receipt = serde_json::to_value(Receipt {
        submission_id: "s".into(),
        content_hash: "h".into(),
        received_at: 1,
        status: ReceiptStatus::AlreadyHad,
        receipt_key_id: "k".into(),
        signature: vec![1].into(),
    })
    .expect("json");
    for field in receipt.as_object().expect("object").keys() {
        assert!(
            text.contains(&format!("{field}:")),
            "Receipt.{field} is not documented"
        );
    }
    let envelope = serde_json::to_value(firstline_protocol::Envelope {
        format: 2,
        submission_id: "s".into(),
        supersedes: None,
        device_id: "d".into(),
        pack: firstline_protocol::PackRef {
            id: "p".into(),
            version: "1".into(),
            hash: "h".into(),
        },
        sealed_at: 0,
        records: firstline_protocol::SealedPart {
            enc: vec![1].into(),
            ciphertext: vec![2].into(),
        },
        safeguarding: None,
        records_key_id: Some("0011223344556677".into()),
        safeguarding_key_id: Some("8899aabbccddeeff".into()),
        signature: vec![3].into(),
    })
    .expect("json");
    let key_set = serde_json::to_value(firstline_protocol::SignedKeySet {
        key_set: vec![1].into(),
        root_public_key: vec![2].into(),
        signature: vec![3].into(),
    })
    .expect("json");
    for field in key_set.as_object().expect("object").keys() {
        assert!(
            text.contains(&format!("        {field}:")),
            "SignedKeySet.{field} is not documented"
        );
    }
    for field in envelope.as_object().expect("object").keys() {
        assert!(
            text.contains(&format!("        {field}:")),
            "Envelope.{field} is not documented"
        );
    }
}
