//! What the gateway tells Prometheus (with `prometheus-client`, the Prometheus project's own
//! Rust client): counts by outcome, request latency by route, and stored totals. Labels are
//! route templates and status classes only, never an id, a device or any content.

use std::time::Duration;

use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::storage::Counts;

/// The content type of [`Metrics::render`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// A request's labels: its route as the router matched it (`/v1/submissions/{id}/receipt`,
/// not the id) and its status class.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// GET, POST…
    pub method: Method,
    /// The matched route template, or `unmatched`.
    pub route: String,
    /// `2xx`, `4xx`…
    pub status: String,
}

/// The methods the gateway serves (anything else is `other`).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelValue)]
#[allow(missing_docs, clippy::upper_case_acronyms)]
pub enum Method {
    GET,
    POST,
    OTHER,
}

impl From<&axum::http::Method> for Method {
    fn from(method: &axum::http::Method) -> Self {
        match *method {
            axum::http::Method::GET => Method::GET,
            axum::http::Method::POST => Method::POST,
            _ => Method::OTHER,
        }
    }
}

/// The gateway's metrics since it started.
pub struct Metrics {
    registry: Registry,
    /// Submissions stored for the first time.
    pub submissions_stored: Counter,
    /// Submissions already had (a retry).
    pub submissions_repeated: Counter,
    /// Conflicting submissions kept for review.
    pub submissions_conflicting: Counter,
    /// Requests refused with a 4xx.
    pub requests_refused: Counter,
    /// Requests that failed with a 5xx.
    pub requests_failed: Counter,
    /// Devices enrolled.
    pub enrolments: Counter,
    /// Requests refused for going over a rate (429).
    pub requests_rate_limited: Counter,
    request_seconds: Family<RequestLabels, Histogram>,
    stored_submissions: Gauge,
    stored_conflicts: Gauge,
    devices: Gauge,
    revoked_devices: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("firstline");
        let counter = |registry: &mut Registry, name: &str, help: &str| {
            let counter = Counter::default();
            registry.register(name, help, counter.clone());
            counter
        };
        let gauge = |registry: &mut Registry, name: &str, help: &str| {
            let gauge = Gauge::default();
            registry.register(name, help, gauge.clone());
            gauge
        };
        let submissions_stored = counter(
            &mut registry,
            "submissions_stored",
            "Submissions stored for the first time",
        );
        let submissions_repeated = counter(
            &mut registry,
            "submissions_repeated",
            "Submissions the gateway already had",
        );
        let submissions_conflicting = counter(
            &mut registry,
            "submissions_conflicting",
            "Same id, other content: kept for review",
        );
        let requests_refused = counter(
            &mut registry,
            "requests_refused",
            "Requests answered with a 4xx",
        );
        let requests_failed = counter(
            &mut registry,
            "requests_failed",
            "Requests answered with a 5xx",
        );
        let enrolments = counter(&mut registry, "enrolments", "Devices enrolled");
        let requests_rate_limited = counter(
            &mut registry,
            "requests_rate_limited",
            "Requests refused for going over a device's or an address's rate (429)",
        );
        // 1 ms to about 16 s, doubling.
        let request_seconds = Family::<RequestLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.001, 2.0, 15))
        });
        registry.register(
            "request_duration_seconds",
            "Time from a request's arrival to its answer, by route and status class",
            request_seconds.clone(),
        );
        let stored_submissions = gauge(
            &mut registry,
            "stored_submissions",
            "Submissions in the database",
        );
        let stored_conflicts = gauge(
            &mut registry,
            "stored_conflicts",
            "Conflicts in the database",
        );
        let devices = gauge(
            &mut registry,
            "devices",
            "Devices enrolled, revoked included",
        );
        let revoked_devices = gauge(&mut registry, "revoked_devices", "Devices revoked");
        Metrics {
            registry,
            submissions_stored,
            submissions_repeated,
            submissions_conflicting,
            requests_refused,
            requests_failed,
            enrolments,
            requests_rate_limited,
            request_seconds,
            stored_submissions,
            stored_conflicts,
            devices,
            revoked_devices,
        }
    }
}

impl Metrics {
    /// Adds one to a counter.
    pub fn count(counter: &Counter) {
        counter.inc();
    }

    /// Records how long a request took to answer.
    pub fn observe(&self, method: &axum::http::Method, route: &str, status: u16, took: Duration) {
        self.request_seconds
            .get_or_create(&RequestLabels {
                method: method.into(),
                route: route.to_string(),
                status: format!("{}xx", status / 100),
            })
            .observe(took.as_secs_f64());
    }

    /// The OpenMetrics text of everything, with the stored totals as `counts` gives them.
    pub fn render(&self, counts: Option<Counts>) -> String {
        if let Some(counts) = counts {
            self.stored_submissions.set(counts.submissions);
            self.stored_conflicts.set(counts.conflicts);
            self.devices.set(counts.devices);
            self.revoked_devices.set(counts.revoked_devices);
        }
        let mut text = String::new();
        if prometheus_client::encoding::text::encode(&mut text, &self.registry).is_err() {
            text = "# the metrics could not be written\n".into();
        }
        text
    }
}
