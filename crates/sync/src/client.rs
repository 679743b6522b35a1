//! The sync client: enrolment, one pass (commands, then the outbox in batches), and the
//! scheduler that runs passes when the gateway is reachable, when asked ("Sync now"), and
//! after jittered backoff when it was not.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use firstline_protocol::{
    paths, ApiError, CommandKind, DeviceCommands, EnrolRequest, EnrolResponse, SignedKeySet,
    AUTHORIZATION,
};
use firstline_trust::{Anchor, EnrolmentCode, TrustError, VerifiedKeySet};
use firstline_vault::{
    DeviceInfo, Enrolment, EnrolmentPermit, ForceKeys, GatewayTrust, Outbox, OutboxItem, Outcome,
    ProblemKind, RootTrust, SyncCredentials, SyncStatus, VaultError,
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
    /// The gateway's keys are not signed by the force root the enrolment code names.
    #[error("enrolment failed: {0}")]
    KeySetRefused(TrustError),
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
    /// The HTTP client, and the force CA it pins (rebuilt when the key set names another).
    http: Mutex<(reqwest::Client, Option<Vec<u8>>)>,
    config: SyncConfig,
    failed_passes: AtomicU32,
    /// Held for the whole of an enrolment: a second (the screen's, while managed enrolment
    /// runs) waits, then finds the device enrolled and is refused before its code is spent.
    enrolment: tokio::sync::Mutex<()>,
}

/// The most the client reads of any answer from the gateway (a form pack is the largest).
pub const MAX_ANSWER_BYTES: usize = 4 * 1024 * 1024;

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

/// The gateway address and enrolment code as typed, checked: the address as
/// [`checked_gateway_url`] takes it; the code a typed enrolment code (eight groups of four), the
/// QR link, or an enrolment URI (which names its gateway: the address may then be left empty,
/// and if given must be the same). Returns the address without a trailing slash and the parsed
/// code.
pub fn checked_enrolment(
    gateway_url: &str,
    code: &str,
) -> Result<(String, EnrolmentCode), SyncError> {
    if let Some(uri) = firstline_trust::EnrolmentUri::parse(code) {
        let typed = gateway_url.trim();
        if !typed.is_empty() && checked_gateway_url(typed)? != uri.gateway_url {
            return Err(SyncError::BadGatewayUrl);
        }
        return Ok((uri.gateway_url, uri.code));
    }
    let gateway_url = checked_gateway_url(gateway_url)?;
    let code = EnrolmentCode::parse(code).ok_or(SyncError::BadEnrolmentCode)?;
    Ok((gateway_url, code))
}

/// A gateway address the client will talk to: parsed as a URL, HTTPS, or plain HTTP only to
/// this machine (loopback), with no user name, password, query or fragment
/// ([`firstline_trust::checked_gateway_url`]). Returns it without a trailing slash.
pub fn checked_gateway_url(gateway_url: &str) -> Result<String, SyncError> {
    firstline_trust::checked_gateway_url(gateway_url).ok_or(SyncError::BadGatewayUrl)
}

/// Whether the client can pin the gateway's TLS as the key set says: a CA is named, or the
/// gateway is plain HTTP on loopback (development).
fn pinnable(gateway_url: &str, verified: &VerifiedKeySet) -> bool {
    !gateway_url.starts_with("https:") || verified.tls_ca().is_some()
}

/// The keys of a verified set as the vault keeps them.
fn force_keys(verified: &VerifiedKeySet, how: RootTrust) -> ForceKeys {
    ForceKeys {
        force_name: verified.key_set.force_name.clone(),
        root_public_key: verified.root_public.to_vec(),
        root_trusted_how: how,
        serial: verified.key_set.serial,
        records_public_key: verified.records(),
        safeguarding_public_key: verified.safeguarding(),
        pack_signing_public_key: verified.pack_signing(),
        receipt_public_key: verified.receipts(),
        commands_public_key: verified.commands(),
        tls_ca: verified.tls_ca(),
    }
}

/// The HTTP client: no redirects followed; trusting only `pinned_ca` (DER, from the force's key
/// set) when given, else the configured PEM CA, else the system's roots.
fn http_client(
    config: &SyncConfig,
    pinned_ca: Option<&[u8]>,
) -> Result<reqwest::Client, SyncError> {
    let mut builder = reqwest::Client::builder()
        .timeout(config.request_timeout)
        .connect_timeout(config.request_timeout.min(Duration::from_secs(10)))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("firstline/", env!("CARGO_PKG_VERSION")));
    let certificate = match (pinned_ca, &config.pinned_ca_pem) {
        (Some(der), _) => Some(
            reqwest::Certificate::from_der(der)
                .map_err(|error| SyncError::Setup(format!("the force's TLS CA: {error}")))?,
        ),
        (None, Some(pem)) => Some(
            reqwest::Certificate::from_pem(pem)
                .map_err(|error| SyncError::Setup(format!("pinned CA: {error}")))?,
        ),
        (None, None) => None,
    };
    if let Some(certificate) = certificate {
        builder = builder.tls_certs_only([certificate]);
    }
    builder.build().map_err(|error| {
        // reqwest's own words are "builder error"; the cause (no system root certificates,
        // say) is what force IT needs.
        let cause = std::error::Error::source(&error)
            .map(|cause| format!(": {cause}"))
            .unwrap_or_default();
        SyncError::Setup(format!("{error}{cause}"))
    })
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
    /// A client over `outbox`. It follows no redirect, and once the device holds the force's
    /// key set it trusts only the TLS CA the set names (before that, `config.pinned_ca_pem` or
    /// the system's roots, for enrolment).
    pub fn new(outbox: Outbox, config: SyncConfig) -> Result<SyncClient, SyncError> {
        let http = http_client(&config, None)?;
        Ok(SyncClient {
            outbox: Arc::new(Mutex::new(outbox)),
            http: Mutex::new((http, None)),
            config,
            failed_passes: AtomicU32::new(0),
            enrolment: tokio::sync::Mutex::new(()),
        })
    }

    /// A session with the gateway as the vault's key set stands now: what it trusts (receipt
    /// key, commands key, TLS CA), and an HTTP client pinned to that CA once there is one.
    async fn session(&self, credentials: SyncCredentials) -> Result<GatewaySession, SyncError> {
        let trust = self.db(|outbox| outbox.gateway_trust()).await?;
        Ok(GatewaySession {
            credentials,
            http: self.http_pinned_to(&trust.tls_ca)?,
            trust,
        })
    }

    /// The HTTP client pinned to `ca` (the config's trust without one), made again only when
    /// the CA changes.
    fn http_pinned_to(&self, ca: &Option<Vec<u8>>) -> Result<reqwest::Client, SyncError> {
        let mut held = self
            .http
            .lock()
            .map_err(|_| SyncError::Setup("the HTTP client was poisoned".into()))?;
        if held.1 != *ca {
            *held = (http_client(&self.config, ca.as_deref())?, ca.clone());
        }
        Ok(held.0.clone())
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
        let _one_at_a_time = self.enrolment.lock().await;
        if let Some(enrolled) = self.db(|outbox| outbox.device()).await? {
            return Err(SyncError::Vault(VaultError::AlreadyEnrolled {
                force_name: enrolled.force_name,
                waiting: self.status().await?.not_received(),
            }));
        }
        let key = firstline_seal::DeviceKey::generate();
        // Not enrolled, so no force CA yet: what the machine (or the config) trusts.
        let response = self
            .http_pinned_to(&None)?
            .post(format!("{gateway_url}{}", paths::ENROL))
            .json(&EnrolRequest {
                code: code.secret.clone(),
                device_public_key: key.public_bytes().into(),
                device_name: device_name.to_string(),
            })
            .send()
            .await
            .map_err(|error| SyncError::Unreachable(network_reason(&error)))?;
        let status = response.status();
        let body = capped_body(response)
            .await
            .map_err(SyncError::Unreachable)?;
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
        // Nothing is stored until the force's root, named by the code, vouches for the keys.
        let verified = firstline_trust::verify_key_set(
            &enrolled.key_set,
            Anchor::Fingerprint(&code.fingerprint),
        )
        .map_err(SyncError::KeySetRefused)?;
        if !pinnable(&gateway_url, &verified) {
            return Err(SyncError::KeySetRefused(TrustError::NoTlsCa));
        }
        let enrolment = Enrolment {
            device_id: enrolled.device_id,
            gateway_url,
            keys: force_keys(&verified, RootTrust::EnrolmentCode),
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

    /// `GET path` as this device, read as JSON; `None` on any failure (the drain reports the
    /// network's state).
    async fn fetch_json<T: serde::de::DeserializeOwned>(
        &self,
        gateway: &GatewaySession,
        path: &str,
    ) -> Option<T> {
        let answer = exchange(gateway.request(reqwest::Method::GET, path))
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
        // The stored address is checked as an enrolment's is: plain HTTP only to loopback.
        checked_gateway_url(&credentials.gateway_url)?;
        let mut gateway = self.session(credentials).await?;
        let mut problem = None;
        let report = match self.check_version(&gateway).await {
            Some(report) => report,
            None => match self.carry_out_commands(&gateway).await? {
                Some(report) => report,
                None => {
                    self.report_audit_head(&gateway).await?;
                    match self.pull_key_set(&gateway).await? {
                        // A new key set may name another CA or receipt key: the rest of the
                        // pass uses it.
                        KeySetPulled::Applied => {
                            gateway = self.session(gateway.credentials).await?;
                        }
                        KeySetPulled::Refused(kind, reason) => problem = Some((kind, reason)),
                        KeySetPulled::Unchanged => {}
                    }
                    if let Some(pack_problem) = self.pull_pack(&gateway).await? {
                        problem.get_or_insert(pack_problem);
                    }
                    self.pull_directory(&gateway).await?;
                    self.pull_policy(&gateway).await?;
                    self.drain(&gateway).await?
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
        if let Some((kind, problem)) = problem {
            self.db(move |outbox| outbox.record_failure(now, kind, &problem))
                .await?;
        }
        Ok(report)
    }

    /// Fetches the force's policy and applies what the vault enforces (the readable copy's
    /// life). A network failure is left to the drain to report.
    async fn pull_policy(&self, gateway: &GatewaySession) -> Result<(), SyncError> {
        let Some(policy) = self
            .fetch_json::<firstline_protocol::Policy>(gateway, paths::POLICY)
            .await
        else {
            return Ok(());
        };
        self.db(move |outbox| outbox.apply_policy(&policy)).await
    }

    /// Applies the force's directory changes since the device's cursor, page by page (each page
    /// and its cursor in one transaction, so a killed pull resumes where it stopped). A network
    /// failure is left to the drain to report.
    async fn pull_directory(&self, gateway: &GatewaySession) -> Result<(), SyncError> {
        for _ in 0..1000 {
            let cursor = self.db(|outbox| outbox.directory_cursor()).await?;
            let path = format!("{}?after={cursor}&limit=200", paths::DIRECTORY);
            let Some(page) = self
                .fetch_json::<firstline_protocol::DirectoryPage>(gateway, &path)
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

    /// Tells the force where this device's keyed audit chain stands (length and head), and
    /// restates the chain's head today at the longest length the force already holds, so that a
    /// chain cut short, or rewritten and grown past what was reported, shows at the force. The
    /// report goes only after the force has said what it holds (or that it holds nothing): a
    /// report without that restatement would let a rewrite through. A failure is left to the
    /// drain to report.
    async fn report_audit_head(&self, gateway: &GatewaySession) -> Result<(), SyncError> {
        let Ok(asked) = exchange(gateway.request(reqwest::Method::GET, paths::AUDIT_HEAD)).await
        else {
            return Ok(());
        };
        let held = match asked.status {
            reqwest::StatusCode::OK => {
                match serde_json::from_slice::<firstline_protocol::AuditPoint>(&asked.body) {
                    Ok(point) => Some(point),
                    Err(_) => return Ok(()),
                }
            }
            reqwest::StatusCode::NOT_FOUND => None,
            _ => return Ok(()),
        };
        let ((length, head), previous) = self
            .db(move |outbox| {
                let now = outbox.audit_head()?;
                // A chain now shorter than what the force holds has no head there: the report
                // alone says so, and the force flags it.
                // A chain as long but with no entry at that length (removed on disk) restates
                // a head no entry can have, so the force flags it rather than refusing forever.
                let previous = match held.filter(|held| held.length <= now.0) {
                    Some(held) => Some(firstline_protocol::AuditPoint {
                        length: held.length,
                        head: outbox
                            .audit_head_at(held.length)?
                            .unwrap_or_else(|| "0".repeat(64)),
                    }),
                    None => None,
                };
                Ok((now, previous))
            })
            .await?;
        let request = gateway
            .request(reqwest::Method::POST, paths::AUDIT_HEAD)
            .json(&firstline_protocol::AuditHead {
                length,
                head,
                previous,
            });
        let _ = exchange(request).await;
        Ok(())
    }

    /// Fetches the force's key set and takes it if it verifies under the root this device holds
    /// with a serial no lower than the one it holds. A device enrolled before key sets were
    /// signed takes the first signed set it pulls (diagnostics say so). Says whether a new set
    /// was taken, or the problem to show if the gateway hands out a set that does not verify;
    /// a network failure is left to the drain to report.
    async fn pull_key_set(&self, gateway: &GatewaySession) -> Result<KeySetPulled, SyncError> {
        let Some(anchor) = self.db(|outbox| outbox.key_set_anchor()).await? else {
            return Ok(KeySetPulled::Unchanged);
        };
        let Some(signed) = self.fetch_json::<SignedKeySet>(gateway, paths::KEYS).await else {
            return Ok(KeySetPulled::Unchanged);
        };
        let (verified, how) = match &anchor.root_public_key {
            Some(root) => (
                firstline_trust::verify_key_set(
                    &signed,
                    Anchor::Root {
                        public: root,
                        serial: anchor.serial,
                    },
                ),
                RootTrust::EnrolmentCode,
            ),
            None => (
                firstline_trust::verify_key_set(&signed, Anchor::FirstSeen),
                RootTrust::FirstSignedSet,
            ),
        };
        let verified = verified.and_then(|verified| {
            if pinnable(&gateway.credentials.gateway_url, &verified) {
                Ok(verified)
            } else {
                Err(TrustError::NoTlsCa)
            }
        });
        match verified {
            Ok(verified) => {
                let unchanged =
                    anchor.root_public_key.is_some() && verified.key_set.serial == anchor.serial;
                if unchanged {
                    return Ok(KeySetPulled::Unchanged);
                }
                if anchor.root_public_key.is_none() {
                    tracing::warn!("this device enrolled before key sets were signed: it trusts the first signed set it pulled");
                }
                let how = self
                    .db(|outbox| outbox.device())
                    .await?
                    .and_then(|device| device.root_trusted_how)
                    .unwrap_or(how);
                let keys = force_keys(&verified, how);
                self.db(move |outbox| outbox.apply_key_set(&keys)).await?;
                Ok(KeySetPulled::Applied)
            }
            Err(error) => Ok(KeySetPulled::Refused(
                ProblemKind::KeySetRefused,
                format!("the gateway handed out keys the force did not sign: {error}"),
            )),
        }
    }

    /// Fetches the force's current form pack if it changed (ETag), verifies it against the
    /// force's pack-signing key from enrolment, and keeps it for new assessments. Returns a
    /// problem to show if the force published a pack that does not verify; a network failure
    /// is left to the drain to report.
    async fn pull_pack(
        &self,
        gateway: &GatewaySession,
    ) -> Result<Option<(ProblemKind, String)>, SyncError> {
        let (have, key) = self
            .db(|outbox| Ok((outbox.force_pack_hash()?, outbox.force_pack_key()?)))
            .await?;
        let Some(key) = key else { return Ok(None) };
        let mut request = gateway.request(reqwest::Method::GET, paths::CURRENT_PACK);
        if let Some(have) = &have {
            request = request.header("if-none-match", format!("\"{have}\""));
        }
        let Ok(answer) = exchange(request).await else {
            return Ok(None);
        };
        if answer.status != reqwest::StatusCode::OK {
            return Ok(None); // 304 (have it), 404 (none published), or the drain will say
        }
        let bytes = answer.body;
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
            Err(error) => Ok(Some((
                ProblemKind::PackRefused,
                format!("the force's form pack was not taken: {error}"),
            ))),
        }
    }

    /// Asks the gateway for the oldest app version it accepts; `Some` stops the pass (offline,
    /// or too old). A gateway that cannot say lets the pass go on: the submissions will tell.
    async fn check_version(&self, gateway: &GatewaySession) -> Option<PassReport> {
        let request = gateway.http.get(format!(
            "{}{}",
            gateway.credentials.gateway_url,
            paths::META
        ));
        let answer = match exchange(request).await {
            Ok(answer) => answer,
            Err(reason) => {
                return Some(PassReport::Offline {
                    kind: ProblemKind::Offline,
                    reason,
                    acknowledged: 0,
                })
            }
        };
        let meta: firstline_protocol::Meta = serde_json::from_slice(&answer.body).ok()?;
        (version_numbers(APP_VERSION) < version_numbers(&meta.min_app_version)).then_some(
            PassReport::UpdateRequired {
                min_app_version: meta.min_app_version,
            },
        )
    }

    async fn carry_out_commands(
        &self,
        gateway: &GatewaySession,
    ) -> Result<Option<PassReport>, SyncError> {
        let Exchange { status, body, .. } =
            match exchange(gateway.request(reqwest::Method::GET, paths::COMMANDS)).await {
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
        // A wipe outranks everything else that may be waiting, and is carried out only if force
        // IT signed it for this device (a gateway cannot order one on its own).
        let signed = |command: &&firstline_protocol::DeviceCommand| {
            gateway
                .trust
                .commands_public_key
                .as_deref()
                .is_some_and(|key| {
                    firstline_trust::command_verifies(
                        key,
                        &gateway.credentials.device_id,
                        command.id,
                        command.kind.name(),
                        &command.signature.0,
                    )
                })
        };
        let wipes: Vec<_> = commands
            .commands
            .iter()
            .filter(|command| command.kind == CommandKind::Wipe)
            .collect();
        if !wipes.is_empty() && !wipes.iter().any(signed) {
            tracing::warn!("the gateway sent a wipe order force IT did not sign: not carried out");
            let now = now_ms() / 1000;
            self.db(move |outbox| {
                outbox.record_failure(
                    now,
                    ProblemKind::CommandUnsigned,
                    "the gateway sent a wipe order force IT did not sign; it was not carried out",
                )
            })
            .await?;
        }
        if let Some(wipe) = wipes.into_iter().find(signed) {
            let now = now_ms() / 1000;
            self.db(move |outbox| outbox.wipe_device(now)).await?;
            tracing::warn!("the force ordered a wipe of this device: done");
            // Tell the force it is done, with the credential still in memory; if this fails the
            // force sees the order as outstanding, never a false "done".
            let done = paths::fill(paths::COMMAND_DONE, wipe.id);
            let _ = gateway.request(reqwest::Method::POST, &done).send().await;
            return Ok(Some(PassReport::Wiped));
        }
        Ok(None)
    }

    async fn drain(&self, gateway: &GatewaySession) -> Result<PassReport, SyncError> {
        let mut acknowledged = 0;
        let mut quarantined = 0;
        let batch_size = self.config.batch_size.max(1);
        let receipt_key = gateway.trust.receipt_public_key.clone();
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
                    let request = gateway
                        .request(reqwest::Method::POST, paths::SUBMISSIONS)
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
                    let outcome = self.outcome_of(item, verdict, receipt_key.as_deref(), &mut stop);
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

    /// What to record for `item` after `verdict`. A receipt acknowledges (and lets the vault
    /// destroy the readable copy) only when it names the content sent and its signature
    /// verifies under the force's receipt key; an unsigned or forged one keeps the row.
    fn outcome_of(
        &self,
        item: &OutboxItem,
        verdict: Verdict,
        receipt_key: Option<&[u8]>,
        stop: &mut Option<PassReport>,
    ) -> Outcome {
        let verified = |receipt: &firstline_protocol::Receipt| {
            receipt_key.is_some_and(|key| firstline_trust::receipt_verifies(key, receipt))
        };
        if stop.is_some() {
            // Another request of this chunk already found the gateway unwell: whatever this
            // one got, a verified receipt is still a receipt.
            if let Verdict::Received(receipt) = &verdict {
                if receipt.submission_id == item.submission_id
                    && receipt.content_hash == item.content_hash
                    && verified(receipt)
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
                if receipt.submission_id != item.submission_id
                    || receipt.content_hash != item.content_hash
                {
                    Outcome::Quarantined {
                        kind: ProblemKind::ReceiptMismatch,
                        reason: "the gateway's receipt names other content".into(),
                    }
                } else if verified(&receipt) {
                    Outcome::Acknowledged {
                        received_at: receipt.received_at,
                    }
                } else {
                    let reason = "the gateway's receipt is not signed by the force's receipt key; the record is kept and sent again later".to_string();
                    *stop = Some(PassReport::Offline {
                        kind: ProblemKind::ReceiptUnsigned,
                        reason: reason.clone(),
                        acknowledged: 0,
                    });
                    Outcome::RetryLater {
                        next_attempt_ms: now_ms() + self.backoff_ms(item.attempts),
                        kind: ProblemKind::ReceiptUnsigned,
                        reason,
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

/// One pass's connection to the gateway: the device's credentials and the HTTP client pinned
/// as the vault said when it was made.
/// What came of pulling the force's key set in a pass.
enum KeySetPulled {
    /// The same set (or none could be fetched).
    Unchanged,
    /// A newer set, verified and now in the vault.
    Applied,
    /// A set that does not verify: the problem to show.
    Refused(ProblemKind, String),
}

struct GatewaySession {
    credentials: SyncCredentials,
    http: reqwest::Client,
    /// What the device trusts of the gateway, read from the vault when the session began.
    trust: GatewayTrust,
}

impl GatewaySession {
    /// A request to the gateway as this device: `path` under its base URL, with its credential.
    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.credentials.gateway_url))
            .header(
                AUTHORIZATION,
                format!("Bearer {}", self.credentials.token.as_str()),
            )
    }
}

/// Reads an answer's body, at most [`MAX_ANSWER_BYTES`] of it: a larger one is refused as the
/// network's failure, not read into memory.
async fn capped_body(mut response: reqwest::Response) -> Result<bytes::Bytes, String> {
    if response
        .content_length()
        .is_some_and(|length| length > MAX_ANSWER_BYTES as u64)
    {
        return Err("the gateway's answer is too large".into());
    }
    let mut body = bytes::BytesMut::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|error| network_reason(&error))?
    {
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err("the gateway's answer is too large".into());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
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
    let body = capped_body(response).await?;
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
        let code = firstline_trust::EnrolmentCode::typed(
            "ABCD-EFGH-JKLM-NPQR",
            &firstline_trust::fingerprint(&[1; 32]),
        );
        for good in [
            "https://gateway.force.police.uk",
            "https://gateway.force.police.uk:8443/",
            "http://127.0.0.1:8643",
            "http://localhost:8643/",
            "http://[::1]:8643",
        ] {
            assert!(checked_enrolment(good, &code).is_ok(), "{good} was refused");
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
                matches!(checked_enrolment(bad, &code), Err(SyncError::BadGatewayUrl)),
                "{bad:?} was taken"
            );
        }
        for bad in [
            "",
            "abc",
            "<script>",
            "ABCD-EFGH-JKLM-NPQR",
            &"A".repeat(41),
        ] {
            assert!(matches!(
                checked_enrolment("https://g.example", bad),
                Err(SyncError::BadEnrolmentCode)
            ));
        }
        let (url, parsed) =
            checked_enrolment(" http://localhost:8643/ ", &format!(" {code} ")).expect("ok");
        assert_eq!(url, "http://localhost:8643");
        assert_eq!(parsed.secret, "ABCDEFGHJKLMNPQR");
    }
}
