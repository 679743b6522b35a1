//! The HTTP API (v1, see `docs/sync-api.yaml`): routing, the per-device authentication
//! extractor, body limits, and the mapping of every refusal to a status and an [`ApiError`].
//! Error messages never echo submitted content.

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{FromRequestParts, Path, Query, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, ETAG, IF_NONE_MATCH, RETRY_AFTER};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use firstline_protocol::{
    paths, ApiError, AuditHead, AuditPoint, CommandKind, DeviceCommands, EnrolRequest,
    EnrolResponse, Envelope, ErrorCode, Meta, Policy, Receipt, SignedKeySet, API_VERSION,
    MAX_BODY_BYTES,
};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::auth::{enrolment_code_hash, new_device_id, new_token, token_hash};
use crate::storage::{
    AuditRecorded, AuditReport, DeviceRecord, NewDevice, NewSubmission, Redeemed, StorageError,
    Stored, StoredReceipt,
};
use crate::{GatewayState, Metrics};

/// The gateway's routes over `state`.
pub fn router(state: GatewayState) -> Router {
    Router::new()
        .route(paths::META, get(meta))
        .route(paths::HEALTH, get(ready))
        .route(paths::LIVE, get(live))
        .route(paths::READY, get(ready))
        .route(paths::METRICS, get(metrics))
        .route(paths::ENROL, post(enrol))
        .route(paths::SUBMISSIONS, post(submit))
        .route(paths::RECEIPT, get(receipt))
        .route(paths::CURRENT_PACK, get(current_pack))
        .route(paths::DIRECTORY, get(directory))
        .route(paths::KEYS, get(keys))
        .route(paths::POLICY, get(policy))
        .route(paths::COMMANDS, get(commands))
        .route(paths::COMMAND_DONE, post(command_done))
        .route(paths::AUDIT_HEAD, post(audit_head).get(audit_head_held))
        .fallback(|| async {
            Failure::new(
                StatusCode::NOT_FOUND,
                ErrorCode::NotFound,
                "no such endpoint",
            )
        })
        .layer(middleware::from_fn_with_state(
            state.clone(),
            limit_by_address,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), count_and_log))
        .with_state(state)
}

/// A refusal or failure, answered as JSON.
#[derive(Debug)]
pub(crate) struct Failure {
    status: StatusCode,
    error: ApiError,
    /// Seconds for `Retry-After`.
    retry_after: Option<u64>,
}

impl Failure {
    fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Failure {
        Failure {
            status,
            error: ApiError {
                code,
                message: message.into(),
            },
            retry_after: None,
        }
    }

    fn rate_limited(seconds: u64, what: &str) -> Failure {
        Failure {
            retry_after: Some(seconds.max(1)),
            ..Failure::new(
                StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::RateLimited,
                format!(
                    "too many requests from this {what}; try again in {} seconds",
                    seconds.max(1)
                ),
            )
        }
    }

    fn malformed(message: impl Into<String>) -> Failure {
        Failure::new(StatusCode::BAD_REQUEST, ErrorCode::Malformed, message)
    }
}

impl From<StorageError> for Failure {
    fn from(error: StorageError) -> Self {
        tracing::error!(%error, "storage failed");
        Failure::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Unavailable,
            "the gateway's database is unavailable; try again later",
        )
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.error)).into_response();
        if let Some(seconds) = self.retry_after {
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(RETRY_AFTER, value);
            }
        }
        response
    }
}

async fn count_and_log(
    State(state): State<GatewayState>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().clone();
    // The route template, never the path itself (it may hold a submission id).
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|matched| matched.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    let status = response.status();
    state
        .metrics
        .observe(&method, &route, status.as_u16(), started.elapsed());
    if status.is_client_error() {
        Metrics::count(&state.metrics.requests_refused);
    } else if status.is_server_error() {
        Metrics::count(&state.metrics.requests_failed);
    }
    tracing::debug!(%method, %route, status = status.as_u16(), "request");
    response
}

/// The per-address limits, before any handler runs: every request counts against its address,
/// an enrolment attempt against the address's enrolment allowance too. Liveness probes are not
/// limited: a busy address must not look like a dead gateway.
async fn limit_by_address(
    State(state): State<GatewayState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let address = request
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|info| info.0.ip())
        .filter(|_| ![paths::HEALTH, paths::LIVE, paths::READY].contains(&path));
    let limited = address.and_then(|address| {
        let enrolment = (path == paths::ENROL)
            .then(|| state.limits.enrolment(address).err())
            .flatten()
            .map(|seconds| (seconds, "address's enrolment attempts"));
        enrolment.or_else(|| {
            state
                .limits
                .address(address)
                .err()
                .map(|seconds| (seconds, "address"))
        })
    });
    match limited {
        Some((seconds, what)) => {
            Metrics::count(&state.metrics.requests_rate_limited);
            Failure::rate_limited(seconds, what).into_response()
        }
        None => next.run(request).await,
    }
}

/// A device by its credential (`Authorization: Bearer <token>`), revoked or not: only the
/// device-command endpoints take it as it is, so that a revoked device can still fetch and
/// acknowledge a wipe (and nothing else).
pub(crate) struct KnownDevice(DeviceRecord);

impl FromRequestParts<GatewayState> for KnownDevice {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &GatewayState) -> Result<Self, Failure> {
        let unauthenticated = |message: &str| {
            Failure::new(
                StatusCode::UNAUTHORIZED,
                ErrorCode::Unauthenticated,
                message,
            )
        };
        let token = parts
            .headers
            .get(firstline_protocol::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .ok_or_else(|| unauthenticated("this endpoint needs a device credential"))?;
        let device = state
            .storage
            .device_by_token(
                &token_hash(token.trim()),
                state.now(),
                app_version(&parts.headers),
            )
            .await?
            .ok_or_else(|| unauthenticated("this device is not enrolled with the force"))?;
        state.limits.device(&device.device_id).map_err(|seconds| {
            Metrics::count(&state.metrics.requests_rate_limited);
            Failure::rate_limited(seconds, "device")
        })?;
        Ok(KnownDevice(device))
    }
}

/// The app version a device's `User-Agent` gives (`firstline/<version>`), if it reads as one:
/// digits, dots, letters and dashes, at most 32 characters (force IT lists it; nothing else).
fn app_version(headers: &HeaderMap) -> Option<&str> {
    let version = headers
        .get(axum::http::header::USER_AGENT)?
        .to_str()
        .ok()?
        .strip_prefix("firstline/")?;
    let plausible = !version.is_empty()
        && version.len() <= 32
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'));
    plausible.then_some(version)
}

/// The device a request is authenticated as, refused if force IT revoked it.
pub(crate) struct AuthenticatedDevice(DeviceRecord);

impl FromRequestParts<GatewayState> for AuthenticatedDevice {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &GatewayState) -> Result<Self, Failure> {
        let KnownDevice(device) = KnownDevice::from_request_parts(parts, state).await?;
        if device.revoked_at.is_some() {
            return Err(revoked());
        }
        Ok(AuthenticatedDevice(device))
    }
}

fn revoked() -> Failure {
    Failure::new(
        StatusCode::FORBIDDEN,
        ErrorCode::Revoked,
        "this device has been revoked by force IT",
    )
}

/// How far past the limit an oversized body is still read (and dropped) before answering.
const DRAIN_SLACK_BYTES: usize = 64 * 1024;

/// Reads a JSON body of at most [`MAX_BODY_BYTES`].
async fn json_body<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: Body,
    what: &str,
) -> Result<(T, Bytes), Failure> {
    let too_large = || {
        Failure::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::TooLarge,
            format!("the body is larger than {MAX_BODY_BYTES} bytes"),
        )
    };
    let declared = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok());
    if declared.is_some_and(|length| length > MAX_BODY_BYTES) {
        // Read and drop a bounded amount first, so that a client just over the limit hears the
        // 413 instead of a reset while it is still sending; past that the connection closes.
        let _ = to_bytes(body, MAX_BODY_BYTES + DRAIN_SLACK_BYTES).await;
        return Err(too_large());
    }
    let bytes = to_bytes(body, MAX_BODY_BYTES).await.map_err(|error| {
        if std::error::Error::source(&error)
            .is_some_and(|source| source.is::<http_body_util::LengthLimitError>())
        {
            too_large()
        } else {
            Failure::malformed("the body could not be read")
        }
    })?;
    let value = serde_json::from_slice(&bytes).map_err(|error| {
        Failure::malformed(format!(
            "the body is not {what} (line {}, column {}: {:?})",
            error.line(),
            error.column(),
            error.classify()
        ))
    })?;
    Ok((value, bytes))
}

async fn meta(State(state): State<GatewayState>) -> Json<Meta> {
    Json(Meta {
        api_version: API_VERSION,
        min_app_version: state.min_app_version.clone(),
    })
}

/// The separate metrics listener's routes: `/metrics` and nothing else; with the token when
/// the gateway has one (which its configuration requires off loopback), else open (a loopback
/// listener only Prometheus on the same host reaches).
pub fn metrics_router(state: GatewayState) -> Router {
    Router::new()
        .route(
            paths::METRICS,
            get(
                |State(state): State<GatewayState>, headers: HeaderMap| async move {
                    match &state.metrics_token {
                        Some(token) => match token_refused(token, &headers) {
                            Some(refused) => refused,
                            None => render_metrics(&state).await,
                        },
                        None => render_metrics(&state).await,
                    }
                },
            ),
        )
        .fallback(|| async {
            Failure::new(
                StatusCode::NOT_FOUND,
                ErrorCode::NotFound,
                "no such endpoint",
            )
        })
        .with_state(state)
}

async fn live() -> Response {
    Json(serde_json::json!({ "status": "ok" })).into_response()
}

async fn ready(State(state): State<GatewayState>) -> Response {
    match state.storage.ping().await {
        Ok(()) => Json(serde_json::json!({ "status": "ok" })).into_response(),
        Err(error) => {
            tracing::error!(%error, "readiness check: storage unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "status": "database unreachable" })),
            )
                .into_response()
        }
    }
}

async fn metrics(State(state): State<GatewayState>, headers: HeaderMap) -> Response {
    let Some(token) = &state.metrics_token else {
        return Failure::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "no such endpoint",
        )
        .into_response();
    };
    if let Some(refused) = token_refused(token, &headers) {
        return refused;
    }
    render_metrics(&state).await
}

/// The refusal for a request without the metrics `token`, or `None` when it has it.
fn token_refused(token: &str, headers: &HeaderMap) -> Option<Response> {
    let given = headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or_default();
    (!constant_time_eq(given.as_bytes(), token.as_bytes())).then(|| {
        Failure::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthenticated,
            "/metrics needs the metrics token",
        )
        .into_response()
    })
}

async fn render_metrics(state: &GatewayState) -> Response {
    let counts = state.storage.counts().await.ok();
    (
        [(
            CONTENT_TYPE,
            HeaderValue::from_static(crate::metrics::CONTENT_TYPE),
        )],
        state.metrics.render(counts),
    )
        .into_response()
}

async fn enrol(
    State(state): State<GatewayState>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<EnrolResponse>), Failure> {
    let (request, _): (EnrolRequest, _) = json_body(&headers, body, "an enrolment request").await?;
    if request.device_public_key.0.len() != 32 {
        return Err(Failure::malformed(
            "device_public_key must be a 32-byte Ed25519 public key",
        ));
    }
    // As the spec states it: 1 to 200 code points, at least one not a space, tab or line break.
    let blank = |c: char| matches!(c, ' ' | '\t' | '\r' | '\n');
    if !(1..=200).contains(&request.device_name.chars().count())
        || request.device_name.chars().all(blank)
    {
        return Err(Failure::malformed(
            "device_name must be 1 to 200 characters, not all spaces",
        ));
    }
    let key_set = signed_key_set(&state).await?;
    let token = new_token();
    let device = NewDevice {
        device_id: new_device_id(),
        name: request.device_name.trim_matches(blank).to_string(),
        public_key: request.device_public_key.0,
        token_hash: token_hash(&token),
    };
    match state
        .storage
        .redeem_enrolment_code(&enrolment_code_hash(&request.code), &device, state.now())
        .await?
    {
        Redeemed::Enrolled => {
            Metrics::count(&state.metrics.enrolments);
            tracing::info!(device = %device.device_id, "device enrolled");
            Ok((
                StatusCode::CREATED,
                Json(EnrolResponse {
                    device_id: device.device_id,
                    token,
                    key_set,
                }),
            ))
        }
        Redeemed::UnknownOrExpired => Err(Failure::new(
            StatusCode::FORBIDDEN,
            ErrorCode::UnknownCode,
            "that enrolment code is unknown or has expired; ask force IT for a new one",
        )),
        Redeemed::AlreadyUsed => Err(Failure::new(
            StatusCode::CONFLICT,
            ErrorCode::CodeUsed,
            "that enrolment code has already been used; ask force IT for a new one",
        )),
    }
}

/// The force's signed key set as init-force stored it; 503 before the force is set up.
async fn signed_key_set(state: &GatewayState) -> Result<SignedKeySet, Failure> {
    let unavailable = || {
        Failure::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Unavailable,
            "this gateway has no force key set yet: run `firstline-admin init-force`",
        )
    };
    crate::storage::stored_key_set(&*state.storage)
        .await
        .map_err(|error| {
            tracing::error!(%error, "the force's key set");
            unavailable()
        })?
        .ok_or_else(unavailable)
}

/// A receipt signed with the gateway's receipt key.
fn signed(state: &GatewayState, stored: StoredReceipt) -> Receipt {
    let (receipt_key_id, signature) = firstline_trust::sign_receipt(
        &state.receipt_key,
        &stored.submission_id,
        &stored.content_hash,
    );
    Receipt {
        submission_id: stored.submission_id,
        content_hash: stored.content_hash,
        received_at: stored.received_at,
        status: stored.status,
        receipt_key_id,
        signature,
    }
}

async fn keys(
    State(state): State<GatewayState>,
    AuthenticatedDevice(_): AuthenticatedDevice,
) -> Result<Json<SignedKeySet>, Failure> {
    Ok(Json(signed_key_set(&state).await?))
}

fn valid_submission_id(id: &str) -> bool {
    (1..=100).contains(&id.len())
        && id
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
}

async fn submit(
    State(state): State<GatewayState>,
    AuthenticatedDevice(device): AuthenticatedDevice,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Failure> {
    let (envelope, bytes): (Envelope, _) =
        json_body(&headers, body, "a submission envelope").await?;
    let body_len = bytes.len();
    if !valid_submission_id(&envelope.submission_id)
        || envelope
            .supersedes
            .as_deref()
            .is_some_and(|id| !valid_submission_id(id))
    {
        return Err(Failure::malformed(
            "submission ids are 1 to 100 letters, digits, '-' or '_'",
        ));
    }
    if envelope.device_id != device.device_id {
        return Err(Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::BadSignature,
            "the envelope names another device than the one sending it",
        ));
    }
    firstline_seal::verify(&envelope, &device.public_key).map_err(|error| match error {
        // Not an envelope this gateway reads (an unknown format, or a format-2 envelope without
        // its padded safeguarding part or key ids): malformed, not forged.
        firstline_seal::SealError::UnsupportedFormat(_) | firstline_seal::SealError::Incomplete => {
            Failure::malformed(error.to_string())
        }
        _ => Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::BadSignature,
            error.to_string(),
        ),
    })?;
    if let Some(superseded) = &envelope.supersedes {
        if state
            .storage
            .receipt(&device.device_id, superseded)
            .await?
            .is_none()
        {
            return Err(Failure::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::UnknownSupersedes,
                "supersedes must name a submission this device sent",
            ));
        }
    }
    let already_had = state
        .storage
        .receipt(&device.device_id, &envelope.submission_id)
        .await?
        .is_some();
    if !already_had {
        let used = state.storage.device_bytes(&device.device_id).await?;
        if used.max(0) as u64 + body_len as u64 > state.limits.device_quota_bytes {
            tracing::warn!(device = %device.device_id, used, "device storage quota reached");
            return Err(Failure::new(
                StatusCode::INSUFFICIENT_STORAGE,
                ErrorCode::QuotaExceeded,
                "this device has used its storage at the force; the record stays on the device and is sent later",
            ));
        }
    }
    let submission = NewSubmission {
        submission_id: envelope.submission_id.clone(),
        device_id: device.device_id.clone(),
        content_hash: envelope.content_hash(),
        supersedes: envelope.supersedes.clone(),
        envelope: serde_json::to_string(&envelope)
            .map_err(|_| Failure::malformed("the envelope cannot be stored"))?,
        received_at: state.now(),
    };
    match state.storage.store_submission(&submission).await? {
        Stored::New(receipt) => {
            Metrics::count(&state.metrics.submissions_stored);
            Ok((StatusCode::CREATED, Json(signed(&state, receipt))).into_response())
        }
        Stored::AlreadyHad(receipt) => {
            Metrics::count(&state.metrics.submissions_repeated);
            Ok((StatusCode::OK, Json(signed(&state, receipt))).into_response())
        }
        Stored::Conflict => {
            Metrics::count(&state.metrics.submissions_conflicting);
            tracing::warn!(submission = %submission.submission_id, "same submission id, other content: kept for review");
            Err(Failure::new(
                StatusCode::CONFLICT,
                ErrorCode::Conflict,
                "the force already holds other content under this submission id; both are kept for review",
            ))
        }
    }
}

async fn receipt(
    State(state): State<GatewayState>,
    AuthenticatedDevice(device): AuthenticatedDevice,
    Path(submission_id): Path<String>,
) -> Result<Response, Failure> {
    match state
        .storage
        .receipt(&device.device_id, &submission_id)
        .await?
    {
        Some(receipt) => Ok(Json(signed(&state, receipt)).into_response()),
        None => Err(Failure::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "no submission with that id from this device",
        )),
    }
}

async fn current_pack(
    State(state): State<GatewayState>,
    AuthenticatedDevice(_): AuthenticatedDevice,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let (etag, bytes) = state.storage.current_pack().await?.ok_or_else(|| {
        Failure::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "the force has not published a form pack",
        )
    })?;
    let quoted = format!("\"{etag}\"");
    let header = HeaderValue::from_str(&quoted).map_err(|_| Failure::malformed("bad ETag"))?;
    if headers
        .get(IF_NONE_MATCH)
        .is_some_and(|value| value.as_bytes() == quoted.as_bytes())
    {
        return Ok((StatusCode::NOT_MODIFIED, [(ETAG, header)]).into_response());
    }
    Ok((
        [
            (ETAG, header),
            (CONTENT_TYPE, HeaderValue::from_static("application/json")),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Deserialize)]
struct DirectoryQuery {
    after: Option<i64>,
    limit: Option<i64>,
}

async fn directory(
    State(state): State<GatewayState>,
    AuthenticatedDevice(_): AuthenticatedDevice,
    query: Result<Query<DirectoryQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, Failure> {
    // One truth with docs/sync-api.yaml: `after` 0 or more, `limit` 1 to 500, else 400
    // `malformed` as an ApiError (never clamped silently, never axum's plain text).
    let Query(query) = query.map_err(|_| {
        Failure::malformed("after must be a whole number from 0, limit one from 1 to 500")
    })?;
    let after = query.after.unwrap_or(0);
    let limit = query.limit.unwrap_or(200);
    if after < 0 || !(1..=500).contains(&limit) {
        return Err(Failure::malformed(
            "after must be a whole number from 0, limit one from 1 to 500",
        ));
    }
    let page = state.storage.directory_after(after, limit).await?;
    Ok(Json(page).into_response())
}

/// Compares two secrets without stopping at the first difference.
fn constant_time_eq(given: &[u8], expected: &[u8]) -> bool {
    given.len() == expected.len()
        && given
            .iter()
            .zip(expected)
            .fold(0u8, |difference, (a, b)| difference | (a ^ b))
            == 0
}

/// The policy devices get before force IT sets one.
pub fn default_policy() -> Policy {
    Policy {
        idle_lock_seconds: 300,
        max_failed_pins: 10,
        keep_readable_copy_until_receipt: true,
        allow_file_secret: true,
    }
}

async fn policy(
    State(state): State<GatewayState>,
    AuthenticatedDevice(_): AuthenticatedDevice,
) -> Result<Json<Policy>, Failure> {
    Ok(Json(
        state.storage.policy().await?.unwrap_or_else(default_policy),
    ))
}

async fn commands(
    State(state): State<GatewayState>,
    KnownDevice(device): KnownDevice,
) -> Result<Json<DeviceCommands>, Failure> {
    let mut commands = state.storage.pending_commands(&device.device_id).await?;
    if device.revoked_at.is_some() {
        // A revoked device hears of a wipe and nothing else; with none waiting it is refused
        // like everywhere else.
        commands.retain(|command| command.kind == CommandKind::Wipe);
        if commands.is_empty() {
            return Err(revoked());
        }
    }
    Ok(Json(DeviceCommands { commands }))
}

async fn audit_head(
    State(state): State<GatewayState>,
    AuthenticatedDevice(device): AuthenticatedDevice,
    headers: HeaderMap,
    body: Body,
) -> Result<StatusCode, Failure> {
    let (report, _): (AuditHead, _) = json_body(&headers, body, "an audit head").await?;
    let point = |length: u64, head: &str| {
        let well_formed = head.len() == 64 && head.bytes().all(|byte| byte.is_ascii_hexdigit());
        match i64::try_from(length) {
            Ok(length) if well_formed => Ok((length, head.to_ascii_lowercase())),
            _ => Err(Failure::malformed(
                "heads must be 64 hex characters and lengths a count of entries",
            )),
        }
    };
    let (length, head) = point(report.length, &report.head)?;
    let previous = match &report.previous {
        Some(previous) => Some(point(previous.length, &previous.head)?),
        None => None,
    };
    let report = AuditReport {
        length,
        head,
        previous,
    };
    match state
        .storage
        .record_audit_head(&device.device_id, &report, state.now())
        .await?
    {
        AuditRecorded::RestateFirst { longest } => Err(Failure::new(
            StatusCode::CONFLICT,
            ErrorCode::Conflict,
            format!(
                "the chain grew past length {longest}: restate its head there as `previous` \
                 (GET this path for it) and report again"
            ),
        )),
        AuditRecorded::Noted { flag } => {
            if let Some(reason) = flag {
                tracing::warn!(device = %device.device_id, %reason, "device audit chain flagged");
            }
            Ok(StatusCode::NO_CONTENT)
        }
    }
}

/// The longest point of this device's audit chain the gateway holds, so the device can restate
/// its head there in its next report.
async fn audit_head_held(
    State(state): State<GatewayState>,
    AuthenticatedDevice(device): AuthenticatedDevice,
) -> Result<Json<AuditPoint>, Failure> {
    match state.storage.longest_audit_head(&device.device_id).await? {
        Some((length, head)) => Ok(Json(AuditPoint {
            length: length.max(0) as u64,
            head,
        })),
        None => Err(Failure::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "this device has not reported its audit chain yet",
        )),
    }
}

async fn command_done(
    State(state): State<GatewayState>,
    KnownDevice(device): KnownDevice,
    command_id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> Result<StatusCode, Failure> {
    let Path(command_id) =
        command_id.map_err(|_| Failure::malformed("command_id must be a whole number"))?;
    if device.revoked_at.is_some() {
        let is_wipe = state
            .storage
            .commands_of(&device.device_id)
            .await?
            .iter()
            .any(|(command, _)| command.id == command_id && command.kind == CommandKind::Wipe);
        if !is_wipe {
            return Err(revoked());
        }
    }
    if state
        .storage
        .command_done(&device.device_id, command_id, state.now())
        .await?
    {
        tracing::info!(device = %device.device_id, command_id, "device carried out a command");
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(Failure::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "no such command for this device",
        ))
    }
}
