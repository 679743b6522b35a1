//! What an answer from the gateway means for one outbox row.

use firstline_protocol::{ApiError, ErrorCode, Receipt};
use firstline_vault::ProblemKind;
use reqwest::StatusCode;

/// What to do with a row after one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The gateway has it; here is its receipt.
    Received(Receipt),
    /// Try again later (and stop this pass); `retry_after_ms` if the gateway said when.
    Retry {
        /// What kind of problem.
        kind: ProblemKind,
        /// Why, in English.
        reason: String,
        /// The gateway's `Retry-After`, in milliseconds.
        retry_after_ms: Option<i64>,
    },
    /// The gateway will never accept it as it is: the kind, and why in English.
    Quarantine(ProblemKind, String),
    /// The gateway does not know this device's credential: stop syncing until re-enrolled.
    Unauthenticated(String),
    /// The force revoked this device.
    Revoked,
}

/// Classifies the gateway's answer to a submission: its status, its `Retry-After` header (in
/// seconds), and its body.
pub fn classify(status: StatusCode, retry_after: Option<&str>, body: &[u8]) -> Verdict {
    let api_error = || serde_json::from_slice::<ApiError>(body).ok();
    let message = || {
        api_error()
            .map(|error| error.message)
            .unwrap_or_else(|| format!("the gateway answered {status}"))
    };
    match status.as_u16() {
        200 | 201 => match serde_json::from_slice::<Receipt>(body) {
            Ok(receipt) => Verdict::Received(receipt),
            Err(_) => Verdict::Retry {
                kind: ProblemKind::ReceiptUnreadable,
                reason: "the gateway's receipt could not be read".into(),
                retry_after_ms: None,
            },
        },
        401 => Verdict::Unauthenticated(message()),
        403 if api_error().is_some_and(|error| error.code == ErrorCode::Revoked) => {
            Verdict::Revoked
        }
        408 | 429 | 500..=599 => Verdict::Retry {
            kind: ProblemKind::GatewayUnwell,
            reason: format!("the gateway is busy or unwell ({status})"),
            retry_after_ms: retry_after
                .and_then(|value| value.trim().parse::<i64>().ok())
                .map(|seconds| seconds.clamp(0, 3600) * 1000),
        },
        409 => Verdict::Quarantine(ProblemKind::Conflict, format!("conflict: {}", message())),
        _ => Verdict::Quarantine(
            ProblemKind::Refused,
            format!("refused ({}): {}", status.as_u16(), message()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_answer_has_one_meaning() {
        let retry = |code: u16| {
            matches!(
                classify(StatusCode::from_u16(code).unwrap_or_default(), None, b""),
                Verdict::Retry { .. }
            )
        };
        assert!(retry(500) && retry(502) && retry(503) && retry(429) && retry(408));
        assert!(matches!(
            classify(StatusCode::BAD_REQUEST, None, b"{}"),
            Verdict::Quarantine(..)
        ));
        assert!(matches!(
            classify(StatusCode::PAYLOAD_TOO_LARGE, None, b""),
            Verdict::Quarantine(..)
        ));
        assert!(matches!(
            classify(StatusCode::CONFLICT, None, br#"{"code":"conflict","message":"kept for review"}"#),
            Verdict::Quarantine(ProblemKind::Conflict, reason) if reason.contains("kept for review")
        ));
        assert!(matches!(
            classify(StatusCode::UNAUTHORIZED, None, b""),
            Verdict::Unauthenticated(_)
        ));
        assert_eq!(
            classify(
                StatusCode::FORBIDDEN,
                None,
                br#"{"code":"revoked","message":"x"}"#
            ),
            Verdict::Revoked
        );
        assert!(matches!(
            classify(StatusCode::FORBIDDEN, None, b""),
            Verdict::Quarantine(..)
        ));
        assert_eq!(
            classify(StatusCode::TOO_MANY_REQUESTS, Some("3"), b""),
            Verdict::Retry {
                kind: ProblemKind::GatewayUnwell,
                reason: "the gateway is busy or unwell (429 Too Many Requests)".into(),
                retry_after_ms: Some(3000)
            }
        );
        assert!(matches!(
            classify(StatusCode::OK, None, b"not json"),
            Verdict::Retry { .. }
        ));
    }
}
