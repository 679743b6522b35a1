//! The force sync gateway: an axum router over a [`storage::Storage`]. It authenticates every
//! device request by its bearer credential (kept only as a hash), verifies each envelope's
//! device signature, stores envelopes exactly once, signs a receipt for each, and never logs or
//! decodes their contents. The one private key it holds is its receipt key, which signs and
//! opens nothing. `firstline-gateway` (src/main.rs) serves it over HTTP or rustls TLS.

mod api;
mod auth;
pub mod config;
mod limits;
mod metrics;
pub mod storage;

use std::sync::Arc;

pub use api::{default_policy, metrics_router, router};
pub use auth::{enrolment_code_hash, new_enrolment_code, token_hash};
pub use limits::{LimitConfig, Limits};
pub use metrics::Metrics;

/// What every handler shares.
#[derive(Clone)]
pub struct GatewayState {
    /// Where everything is kept.
    pub storage: Arc<dyn storage::Storage>,
    /// The oldest app version the force accepts.
    pub min_app_version: String,
    /// Request counters.
    pub metrics: Arc<Metrics>,
    /// Seconds since the Unix epoch (tests move it).
    pub clock: Arc<dyn Fn() -> i64 + Send + Sync>,
    /// The key receipts are signed with (its public half is in the force's key set).
    pub receipt_key: Arc<ed25519_dalek::SigningKey>,
    /// Rates and the storage quota.
    pub limits: Arc<Limits>,
    /// The bearer token `/metrics` needs; without one, `/metrics` is not served here.
    pub metrics_token: Option<Arc<str>>,
}

impl GatewayState {
    /// A state over `storage` with the system clock, signing receipts with `receipt_key`.
    pub fn new(
        storage: Arc<dyn storage::Storage>,
        min_app_version: &str,
        receipt_key: ed25519_dalek::SigningKey,
    ) -> GatewayState {
        GatewayState {
            storage,
            min_app_version: min_app_version.to_string(),
            metrics: Arc::new(Metrics::default()),
            clock: Arc::new(unix_now),
            receipt_key: Arc::new(receipt_key),
            limits: Arc::new(Limits::new(LimitConfig::default())),
            metrics_token: None,
        }
    }

    /// The same state with other limits.
    pub fn with_limits(mut self, config: LimitConfig) -> GatewayState {
        self.limits = Arc::new(Limits::new(config));
        self
    }

    /// The same state serving `/metrics` to a holder of `token` only.
    pub fn with_metrics_token(mut self, token: Option<String>) -> GatewayState {
        self.metrics_token = token.map(Arc::from);
        self
    }

    fn now(&self) -> i64 {
        (self.clock)()
    }
}

/// Seconds since the Unix epoch by the system clock.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs() as i64)
        .unwrap_or_default()
}
