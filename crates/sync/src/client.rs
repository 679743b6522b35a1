//! The sync client: enrolment, one pass (commands, then the outbox in batches), and the
//! scheduler that runs passes when the gateway is reachable, when asked ("Sync now"), and
//! after jittered backoff when it was not.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use firstline_protocol::{
    paths, ApiError, CommandKind, DeviceCommands, EnrolRequest, EnrolResponse, AUTHORIZATION,
};
use firstline_vault::{
    DeviceInfo, Enrolment, EnrolmentPermit, Outbox, OutboxItem, Outcome, ProblemKind,
    SyncCredentials, SyncStatus, VaultError,
};
use rand::Rng;
use thiserror::Error;
use tokio::sync::Notify;

use crate::classify::{classify, Verdict};

/// How the client behaves; policy may set these.
#[derive(Debug, Clone)]
pub struct SyncConfig {
    /// Rows claimed per batch.
    pub batch_size: u32,
    /// Submissions in flight at once.
    pub concurrency: usize,
    /// First retry delay; doubles per attempt.
    pub backoff_base: Duration,
    /// Longest retry delay.
    pub backoff_max: Duration,
    /// Give up on one request after this long.
    pub request_timeout: Duration,
    /// How often to look for work and commands when nothing is due.
    pub idle_poll: Duration,
    /// A PEM CA certificate to trust instead of the system's (the force's pinned CA).
    pub pinned_ca_pem: Option<Vec<u8>>,
}

impl Default for SyncConfig {
    fn default() -> Self {
        SyncConfig {
            batch_size: 64,
            concurrency: 4,
            backoff_base: Duration::from_secs(2),
            backoff_max: Duration::from_secs(300),
            request_timeout: Duration::from_secs(30),
            idle_poll: Duration::from_secs(60),
            pinned_ca_pem: None,
        }
    }
}

/// What went wrong outside the normal ups and downs of a network.
#[derive(Debug, Error)]
pub enum SyncError {
    /// The vault could not be read or written.
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// The HTTP client could not be set up (for example a bad pinned CA).
    #[error("the sync client cannot be set up: {0}")]
    Setup(String),
    /// The gateway address is not one to enrol with: not a URL, or plain HTTP to anywhere but
    /// this machine.
    #[error("enter the gateway address force IT gave you, starting https://")]
    BadGatewayUrl,
    /// The enrolment code is not one `firstline-admin` makes.
    #[error("enter the enrolment code force IT gave you")]
    BadEnrolmentCode,
    /// The gateway could not be reached (or answered too late) while enrolling.
    #[error("enrolment failed: {0}")]
    Unreachable(String),
    /// The gateway refused the enrolment, with its API error code when it gave one.
    #[error("enrolment failed: {message}")]
    EnrolmentRefused {
        /// The gateway's code (`unknown_code`, `code_used`, …), if its answer had one.
        code: Option<firstline_protocol::ErrorCode>,
        /// The gateway's words, or the HTTP status.
        message: String,
    },
}

/// How a pass ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PassReport {
    /// Everything due was handled.
    Drained {
        /// Received by the force in this pass.
        acknowledged: u32,
        /// Set aside in this pass.
        quarantined: u32,
    },
    /// The gateway could not be reached or was unwell; rows wait for the next pass.
    Offline {
        /// What kind of problem.
        kind: ProblemKind,
        /// Why, in English.
        reason: String,
        /// Received before the problem.
        acknowledged: u32,
    },
    /// The gateway does not recognise this device.
    Unauthenticated(String),
    /// The force revoked this device.
    Revoked,
    /// The force ordered a wipe, and it was carried out.
    Wiped,
    /// The device is not enrolled with a force.
    NotEnrolled,
    /// The force no longer accepts this app version; rows wait until the app is updated.
    UpdateRequired {
        /// The oldest version the force accepts.
        min_app_version: String,
    },
}

/// This build's version, as the force's minimum is compared with it.
const APP_VERSION: &str = env!("CARGO_PKG_VERSION");

/// `major.minor.patch` as numbers (missing or unreadable parts count as 0).
fn version_numbers(version: &str) -> (u64, u64, u64) {
    let mut parts = version
        .split(['.', '-', '+'])
        .map(|part| part.parse::<u64>().unwrap_or(0));
    (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    )
}

/// The sync client over one vault file's outbox.
pub struct SyncClient {
    outbox: Arc<Mutex<Outbox>>,
    http: reqwest::Client,
    config: SyncConfig,
    failed_passes: AtomicU32,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_millis() as i64)
        .unwrap_or_default()
}

fn error_message(body: &[u8], status: reqwest::StatusCode) -> String {
    serde_json::from_slice::<ApiError>(body)
        .map(|error| error.message)
        .unwrap_or_else(|_| format!("the gateway answered {status}"))
}

/// The gateway address and enrolment code as typed, checked: the address parsed as a URL, HTTPS,
/// or plain HTTP only to this machine (loopback), with no user name, password, query or
/// fragment; the code 4 to 40 letters, digits, hyphens or spaces. Returns the address without a
/// trailing slash and the code trimmed.
pub fn checked_enrolment(gateway_url: &str, code: &str) -> Result<(String, String), SyncError> {
    let url = reqwest::Url::parse(gateway_url.trim()).map_err(|_| SyncError::BadGatewayUrl)?;
    let loopback = match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(address)) => address.is_loopback(),
        Some(url::Host::Ipv6(address)) => address.is_loopback(),
        None => false,
    };
    let fits = match url.scheme() {
        "https" => url.host().is_some(),
        "http" => loopback,
        _ => false,
    } && url.username().is_empty()
        && url.password().is_none()
        && url.query().is_none()
        && url.fragment().is_none()
        && gateway_url.len() <= 200;
    if !fits {
        return Err(SyncError::BadGatewayUrl);
    }
    let code = code.trim();
    let code_fits = (4..=40).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ' ');
    if !code_fits {
        return Err(SyncError::BadEnrolmentCode);
    }
    Ok((
        url.as_str().trim_end_matches('/').to_string(),
        code.to_string(),
    ))
}

/// A network failure in words for the officer (no URLs with secrets, no bodies).
fn network_reason(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "the gateway did not answer in time".into()
    } else if error.is_connect() {
        "the gateway cannot be reached".into()
    } else {
        "the connection to the gateway was lost".into()
    }
}

impl SyncClient {
    /// A client over `outbox`.
    pub fn new(outbox: Outbox, config: SyncConfig) -> Result<SyncClient, SyncError> {
        let mut builder = reqwest::Client::builder()
            .timeout(config.request_timeout)
            .connect_timeout(config.request_timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("firstline/", env!("CARGO_PKG_VERSION")));
        if let Some(pem) = &config.pinned_ca_pem {
            let certificate = reqwest::Certificate::from_pem(pem)
                .map_err(|error| SyncError::Setup(format!("pinned CA: {error}")))?;
            builder = builder.tls_certs_only([certificate]);
        }
        let http = builder
            .build()
            .map_err(|error| SyncError::Setup(error.to_string()))?;
        Ok(SyncClient {
            outbox: Arc::new(Mutex::new(outbox)),
            http,
            config,
            failed_passes: AtomicU32::new(0),
        })
    }

    async fn db<T, F>(&self, work: F) -> Result<T, SyncError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Outbox) -> Result<T, VaultError> + Send + 'static,
    {
        let outbox = Arc::clone(&self.outbox);
        tokio::task::spawn_blocking(move || {
            let mut outbox = outbox.lock().map_err(|_| {
                VaultError::DeviceSecret("the outbox connection was poisoned".into())
            })?;
            work(&mut outbox)
        })
        .await
        .map_err(|error| SyncError::Setup(format!("outbox task failed: {error}")))?
        .map_err(SyncError::from)
    }

    /// Enrols this device with the force's gateway using a one-time code from force IT. Takes
    /// the vault's permit (an officer unlocked, the device not enrolled); the address and code
    /// are checked before anything is sent, and an enrolled device is refused before the code
    /// is spent.
    pub async fn enrol(
        &self,
        permit: EnrolmentPermit,
        gateway_url: &str,
        code: &str,
        device_name: &str,
    ) -> Result<DeviceInfo, SyncError> {
        let (gateway_url, code) = checked_enrolment(gateway_url, code)?;
        if let Some(enrolled) = self.db(|outbox| outbox.device()).await? {
            return Err(SyncError::Vault(VaultError::AlreadyEnrolled {
                force_name: enrolled.force_name,
                waiting: self.status().await?.pending,
            }));
        }
        let key = firstline_seal::DeviceKey::generate();
        let response = self
            .http
            .post(format!("{gateway_url}{}", paths::ENROL))
            .json(&EnrolRequest {
                code,
                device_public_key: key.public_bytes().into(),
                device_name: device_name.to_string(),
            })
            .send()
            .await
            .map_err(|error| SyncError::Unreachable(network_reason(&error)))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|error| SyncError::Unreachable(network_reason(&error)))?;
        if status != reqwest::StatusCode::CREATED {
            return Err(SyncError::EnrolmentRefused {
                code: serde_json::from_slice::<ApiError>(&body)
                    .ok()
                    .map(|error| error.code),
                message: error_message(&body, status),
            });
        }
        let enrolled: EnrolResponse =
            serde_json::from_slice(&body).map_err(|_| SyncError::EnrolmentRefused {
                code: None,
                message: "the gateway's answer could not be read".into(),
            })?;
        let enrolment = Enrolment {
            device_id: enrolled.device_id,
            gateway_url,
            force_name: enrolled.force_name,
            records_public_key: enrolled.force_keys.records.0,
            safeguarding_public_key: enrolled.force_keys.safeguarding.0,
            pack_signing_public_key: enrolled.force_keys.pack_signing.0,
            token: zeroize::Zeroizing::new(enrolled.token),
            signing_key: key.secret_bytes(),
        };
        let now = now_ms() / 1000;
        self.db(move |outbox| {
            outbox.enrol(permit, &enrolment, now)?;
            outbox
                .device()?
                .ok_or_else(|| VaultError::DeviceSecret("enrolment was not stored".into()))
        })
        .await
    }

    /// The outbox's state for the sync screen.
    pub async fn status(&self) -> Result<SyncStatus, SyncError> {
        self.db(|outbox| outbox.status()).await
    }

    fn backoff_ms(&self, attempts: u32) -> i64 {
        let exponent = attempts.saturating_sub(1).min(20);
        let full = self
            .config
            .backoff_base
            .saturating_mul(1u32 << exponent)
            .min(self.config.backoff_max)
            .as_millis() as f64;
        // "Equal jitter": half fixed, half random, so retries from many devices spread out.
        (full * rand::thread_rng().gen_range(0.5..=1.0)) as i64
    }

    /// A request to the gateway as this device: `path` under its base URL, with its credential.
    fn authed(
        &self,
        method: reqwest::Method,
        credentials: &SyncCredentials,
        path: &str,
    ) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", credentials.gateway_url))
            .header(
                AUTHORIZATION,
                format!("Bearer {}", credentials.token.as_str()),
            )
    }

    /// `GET path` as this device, read as JSON; `None` on any failure (the drain reports the
    /// network's state).
    async fn fetch_json<T: serde::de::DeserializeOwned>(
        &self,
        credentials: &SyncCredentials,
        path: &str,
    ) -> Option<T> {
        let answer = exchange(self.authed(reqwest::Method::GET, credentials, path))
            .await
            .ok()?;
        if !answer.status.is_success() {
            return None;
        }
        serde_json::from_slice(&answer.body).ok()
    }

    /// One pass: the force's commands, then every due outbox row.
    pub async fn sync_once(&self) -> Result<PassReport, SyncError> {
        let Some(credentials) = self.db(|outbox| outbox.credentials()).await? else {
            return Ok(PassReport::NotEnrolled);
        };
        let mut pack_problem = None;
        let report = match self.check_version(&credentials).await {
            Some(report) => report,
            None => match self.carry_out_commands(&credentials).await? {
                Some(report) => report,
                None => {
                    pack_problem = self.pull_pack(&credentials).await?;
                    self.pull_directory(&credentials).await?;
                    self.pull_policy(&credentials).await?;
                    self.drain(&credentials).await?
                }
            },
        };
        let now = now_ms() / 1000;
        match &report {
            PassReport::Drained { .. } => {
                self.failed_passes.store(0, Ordering::Relaxed);
                self.db(move |outbox| outbox.record_success(now)).await?;
            }
            PassReport::Offline { kind, reason, .. } => {
                self.failed_passes.fetch_add(1, Ordering::Relaxed);
                let (kind, reason) = (*kind, reason.clone());
                self.db(move |outbox| outbox.record_failure(now, kind, &reason))
                    .await?;
            }
            PassReport::Unauthenticated(reason) => {
                self.failed_passes.fetch_add(1, Ordering::Relaxed);
                let reason = reason.clone();
                self.db(move |outbox| {
                    outbox.record_failure(now, ProblemKind::Unauthenticated, &reason)
                })
                .await?;
            }
            PassReport::Revoked => {
                self.db(move |outbox| outbox.record_revoked(now)).await?;
            }
            PassReport::UpdateRequired { min_app_version } => {
                let reason = format!(
                    "the force needs Firstline {min_app_version} or later: update the app (finalised assessments wait here)"
                );
                self.db(move |outbox| {
                    outbox.record_failure(now, ProblemKind::UpdateRequired, &reason)
                })
                .await?;
            }
            PassReport::Wiped | PassReport::NotEnrolled => {}
        }
        if let Some(problem) = pack_problem {
            self.db(move |outbox| outbox.record_failure(now, ProblemKind::PackRefused, &problem))
                .await?;
        }
        Ok(report)
    }

    /// Fetches the force's policy and applies what the vault enforces (the readable copy's
    /// life). A network failure is left to the drain to report.
    async fn pull_policy(&self, credentials: &SyncCredentials) -> Result<(), SyncError> {
        let Some(policy) = self
            .fetch_json::<firstline_protocol::Policy>(credentials, paths::POLICY)
            .await
        else {
            return Ok(());
        };
        self.db(move |outbox| outbox.apply_policy(&policy)).await
    }

    /// Applies the force's directory changes since the device's cursor, page by page (each page
    /// and its cursor in one transaction, so a killed pull resumes where it stopped). A network
    /// failure is left to the drain to report.
    async fn pull_directory(&self, credentials: &SyncCredentials) -> Result<(), SyncError> {
        for _ in 0..1000 {
            let cursor = self.db(|outbox| outbox.directory_cursor()).await?;
            let path = format!("{}?after={cursor}&limit=200", paths::DIRECTORY);
            let Some(page) = self
                .fetch_json::<firstline_protocol::DirectoryPage>(credentials, &path)
                .await
            else {
                return Ok(());
            };
            let more = page.more && page.cursor > cursor;
            if page.cursor > cursor {
                self.db(move |outbox| outbox.apply_directory_page(&page))
                    .await?;
            }
            if !more {
                return Ok(());
            }
        }
        Ok(())
    }

    /// Fetches the force's current form pack if it changed (ETag), verifies it against the
    /// force's pack-signing key from enrolment, and keeps it for new assessments. Returns a
    /// problem to show if the force published a pack that does not verify; a network failure
    /// is left to the drain to report.
    async fn pull_pack(&self, credentials: &SyncCredentials) -> Result<Option<String>, SyncError> {
        let (have, key) = self
            .db(|outbox| Ok((outbox.force_pack_hash()?, outbox.force_pack_key()?)))
            .await?;
        let Some(key) = key else { return Ok(None) };
        let mut request = self.authed(reqwest::Method::GET, credentials, paths::CURRENT_PACK);
        if let Some(have) = &have {
            request = request.header("if-none-match", format!("\"{have}\""));
        }
        let Ok(response) = request.send().await else {
            return Ok(None);
        };
        if response.status() != reqwest::StatusCode::OK {
            return Ok(None); // 304 (have it), 404 (none published), or the drain will say
        }
        let Ok(bytes) = response.bytes().await else {
            return Ok(None);
        };
        let trusted = firstline_form::TrustedKey::from_base64(
            firstline_protocol::FORCE_PACK_KEY_ID,
            &firstline_protocol::Base64Bytes(key).to_base64(),
        )
        .map_err(SyncError::Setup)?;
        match firstline_form::verify_pack(&bytes, &[trusted]) {
            Ok(pack) => {
                let hash = pack.content_hash().to_string();
                let now = now_ms() / 1000;
                tracing::info!(pack = %hash, "the force published a new form pack");
                self.db(move |outbox| outbox.keep_force_pack(&hash, &bytes, now))
                    .await?;
                Ok(None)
            }
            Err(error) => Ok(Some(format!(
                "the force's form pack was not taken: {error}"
            ))),
        }
    }

    /// Asks the gateway for the oldest app version it accepts; `Some` stops the pass (offline,
    /// or too old). A gateway that cannot say lets the pass go on: the submissions will tell.
    async fn check_version(&self, credentials: &SyncCredentials) -> Option<PassReport> {
        let response = match self
            .http
            .get(format!("{}{}", credentials.gateway_url, paths::META))
            .send()
            .await
        {
            Ok(response) => response,
            Err(error) => {
                return Some(PassReport::Offline {
                    kind: ProblemKind::Offline,
                    reason: network_reason(&error),
                    acknowledged: 0,
                })
            }
        };
        let meta: firstline_protocol::Meta = response.json().await.ok()?;
        (version_numbers(APP_VERSION) < version_numbers(&meta.min_app_version)).then_some(
            PassReport::UpdateRequired {
                min_app_version: meta.min_app_version,
            },
        )
    }

    async fn carry_out_commands(
        &self,
        credentials: &SyncCredentials,
    ) -> Result<Option<PassReport>, SyncError> {
        let Exchange { status, body, .. } =
            match exchange(self.authed(reqwest::Method::GET, credentials, paths::COMMANDS)).await {
                Ok(answer) => answer,
                Err(reason) => {
                    return Ok(Some(PassReport::Offline {
                        kind: ProblemKind::Offline,
                        reason,
                        acknowledged: 0,
                    }))
                }
            };
        if !status.is_success() {
            return Ok(Some(match classify(status, None, &body) {
                Verdict::Revoked => PassReport::Revoked,
                Verdict::Unauthenticated(reason) => PassReport::Unauthenticated(reason),
                Verdict::Retry { kind, reason, .. } | Verdict::Quarantine(kind, reason) => {
                    PassReport::Offline {
                        kind,
                        reason,
                        acknowledged: 0,
                    }
                }
                Verdict::Received(_) => PassReport::Offline {
                    kind: ProblemKind::GatewayUnwell,
                    reason: "unexpected answer".into(),
                    acknowledged: 0,
                },
            }));
        }
        let commands: DeviceCommands = serde_json::from_slice(&body).map_err(|_| {
            SyncError::Setup("the gateway's device commands could not be read".into())
        })?;
        // A wipe outranks everything else that may be waiting.
        if let Some(wipe) = commands
            .commands
            .iter()
            .find(|command| command.kind == CommandKind::Wipe)
        {
            let now = now_ms() / 1000;
            self.db(move |outbox| outbox.wipe_device(now)).await?;
            tracing::warn!("the force ordered a wipe of this device: done");
            // Tell the force it is done, with the credential still in memory; if this fails the
            // force sees the order as outstanding, never a false "done".
            let done = paths::fill(paths::COMMAND_DONE, wipe.id);
            let _ = self
                .authed(reqwest::Method::POST, credentials, &done)
                .send()
                .await;
            return Ok(Some(PassReport::Wiped));
        }
        Ok(None)
    }

    async fn drain(&self, credentials: &SyncCredentials) -> Result<PassReport, SyncError> {
        let mut acknowledged = 0;
        let mut quarantined = 0;
        let batch_size = self.config.batch_size.max(1);
        loop {
            let items = self
                .db(move |outbox| outbox.claim_due(now_ms(), batch_size))
                .await?;
            if items.is_empty() {
                return Ok(PassReport::Drained {
                    acknowledged,
                    quarantined,
                });
            }
            let mut outcomes = Vec::with_capacity(items.len());
            let mut stop: Option<PassReport> = None;
            for chunk in items.chunks(self.config.concurrency.max(1)) {
                if stop.is_some() {
                    outcomes.extend(
                        chunk
                            .iter()
                            .map(|item| (item.submission_id.clone(), Outcome::Released)),
                    );
                    continue;
                }
                let mut in_flight = tokio::task::JoinSet::new();
                for (index, item) in chunk.iter().enumerate() {
                    let request = self
                        .authed(reqwest::Method::POST, credentials, paths::SUBMISSIONS)
                        .header("content-type", "application/json")
                        .body(item.envelope.clone());
                    in_flight.spawn(async move { (index, send(request).await) });
                }
                let mut answers = Vec::with_capacity(chunk.len());
                while let Some(joined) = in_flight.join_next().await {
                    if let Ok(answer) = joined {
                        answers.push(answer);
                    }
                }
                answers.sort_by_key(|(index, _)| *index);
                for (index, verdict) in answers {
                    let item = &chunk[index];
                    let outcome = self.outcome_of(item, verdict, &mut stop);
                    match outcome {
                        Outcome::Acknowledged { .. } => acknowledged += 1,
                        Outcome::Quarantined { .. } => quarantined += 1,
                        _ => {}
                    }
                    outcomes.push((item.submission_id.clone(), outcome));
                }
            }
            let now = now_ms() / 1000;
            self.db(move |outbox| outbox.record(&outcomes, now)).await?;
            if let Some(report) = stop {
                return Ok(match report {
                    PassReport::Offline { kind, reason, .. } => PassReport::Offline {
                        kind,
                        reason,
                        acknowledged,
                    },
                    other => other,
                });
            }
        }
    }

    fn outcome_of(
        &self,
        item: &OutboxItem,
        verdict: Verdict,
        stop: &mut Option<PassReport>,
    ) -> Outcome {
        if stop.is_some() {
            // Another request of this chunk already found the gateway unwell: whatever this
            // one got, a receipt is still a receipt.
            if let Verdict::Received(receipt) = &verdict {
                if receipt.submission_id == item.submission_id
                    && receipt.content_hash == item.content_hash
                {
                    return Outcome::Acknowledged {
                        received_at: receipt.received_at,
                    };
                }
            }
            return Outcome::Released;
        }
        match verdict {
            Verdict::Received(receipt) => {
                if receipt.submission_id == item.submission_id
                    && receipt.content_hash == item.content_hash
                {
                    Outcome::Acknowledged {
                        received_at: receipt.received_at,
                    }
                } else {
                    Outcome::Quarantined {
                        kind: ProblemKind::ReceiptMismatch,
                        reason: "the gateway's receipt names other content".into(),
                    }
                }
            }
            Verdict::Retry {
                kind,
                reason,
                retry_after_ms,
            } => {
                let delay = self
                    .backoff_ms(item.attempts)
                    .max(retry_after_ms.unwrap_or(0));
                *stop = Some(PassReport::Offline {
                    kind,
                    reason: reason.clone(),
                    acknowledged: 0,
                });
                Outcome::RetryLater {
                    next_attempt_ms: now_ms() + delay,
                    kind,
                    reason,
                }
            }
            Verdict::Quarantine(kind, reason) => Outcome::Quarantined { kind, reason },
            Verdict::Unauthenticated(reason) => {
                *stop = Some(PassReport::Unauthenticated(reason));
                Outcome::Released
            }
            Verdict::Revoked => {
                *stop = Some(PassReport::Revoked);
                Outcome::Released
            }
        }
    }

    /// The delay before the next pass after `report`.
    fn pause_after(
        &self,
        report: &Result<PassReport, SyncError>,
        next_due_ms: Option<i64>,
    ) -> Duration {
        let idle = self.config.idle_poll;
        match report {
            Ok(PassReport::Drained { .. }) => next_due_ms
                .map(|due| Duration::from_millis((due - now_ms()).max(0) as u64).min(idle))
                .unwrap_or(idle),
            Ok(PassReport::Offline { .. }) | Ok(PassReport::Unauthenticated(_)) | Err(_) => {
                let failures = self.failed_passes.load(Ordering::Relaxed).max(1);
                Duration::from_millis(self.backoff_ms(failures) as u64)
            }
            Ok(
                PassReport::Revoked
                | PassReport::Wiped
                | PassReport::NotEnrolled
                | PassReport::UpdateRequired { .. },
            ) => idle,
        }
    }

    /// The scheduler: a pass now, then whenever something is due, `wake` is notified ("Sync
    /// now", a new finalised record), or the idle poll comes round; after a failed pass, a
    /// jittered exponential backoff. `on_pass` hears every pass's report. Never returns.
    pub async fn run(&self, wake: Arc<Notify>, on_pass: impl Fn(&Result<PassReport, SyncError>)) {
        loop {
            let report = self.sync_once().await;
            if let Err(error) = &report {
                tracing::error!(%error, "sync pass failed");
            }
            on_pass(&report);
            let next_due = self.db(|outbox| outbox.next_due_ms()).await.ok().flatten();
            let pause = self.pause_after(&report, next_due);
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                _ = wake.notified() => {}
            }
        }
    }
}

/// Sends one submission and classifies the answer.
async fn send(request: reqwest::RequestBuilder) -> Verdict {
    match exchange(request).await {
        Ok(answer) => classify(answer.status, answer.retry_after.as_deref(), &answer.body),
        Err(reason) => Verdict::Retry {
            kind: ProblemKind::Offline,
            reason,
            retry_after_ms: None,
        },
    }
}

/// A whole answer from the gateway.
struct Exchange {
    status: reqwest::StatusCode,
    /// The `Retry-After` header, if any.
    retry_after: Option<String>,
    body: bytes::Bytes,
}

/// Sends a request and reads its whole answer; a network failure (connecting, sending, or
/// reading the body) comes back as a reason in words.
async fn exchange(request: reqwest::RequestBuilder) -> Result<Exchange, String> {
    let response = request
        .send()
        .await
        .map_err(|error| network_reason(&error))?;
    let status = response.status();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|value| value.to_str().ok())
        .map(str::to_string);
    let body = response
        .bytes()
        .await
        .map_err(|error| network_reason(&error))?;
    Ok(Exchange {
        status,
        retry_after,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::{checked_enrolment, version_numbers, SyncError};

    #[test]
    fn versions_compare_by_number_not_by_text() {
        assert!(version_numbers("0.9.0") < version_numbers("0.10.0"));
        assert!(version_numbers("1.2.3") == version_numbers("1.2.3-beta"));
        assert!(version_numbers("2") > version_numbers("1.99.99"));
    }

    #[test]
    fn enrolment_takes_https_or_loopback_http_only_and_a_code_of_its_shape() {
        for good in [
            "https://gateway.force.police.uk",
            "https://gateway.force.police.uk:8443/",
            "http://127.0.0.1:8643",
            "http://localhost:8643/",
            "http://[::1]:8643",
        ] {
            assert!(
                checked_enrolment(good, "ABCD-EFGH-JKLM").is_ok(),
                "{good} was refused"
            );
        }
        for bad in [
            "http://localhost.evil.example",
            "http://127.0.0.1.evil.example",
            "http://10.0.0.7:8643",
            "http://gateway.force.police.uk",
            "ftp://127.0.0.1",
            "javascript:alert(1)",
            "https://user:pass@gateway.force.police.uk",
            "https://gateway.force.police.uk/?next=x",
            "not a url",
            "",
        ] {
            assert!(
                matches!(
                    checked_enrolment(bad, "ABCD-EFGH"),
                    Err(SyncError::BadGatewayUrl)
                ),
                "{bad:?} was taken"
            );
        }
        for bad in ["", "abc", "<script>", &"A".repeat(41)] {
            assert!(matches!(
                checked_enrolment("https://g.example", bad),
                Err(SyncError::BadEnrolmentCode)
            ));
        }
        assert_eq!(
            checked_enrolment(" http://localhost:8643/ ", " ABCD ").ok(),
            Some(("http://localhost:8643".to_string(), "ABCD".to_string()))
        );
    }
}
