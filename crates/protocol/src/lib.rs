//! The sync API between the app and the force gateway, version 1: its paths, request and
//! response bodies, error codes, and the sealed submission envelope with the exact bytes its
//! device signature and content hash cover. `docs/sync-api.yaml` describes the same API in
//! OpenAPI 3.1; a test in the gateway keeps the two in step.

mod bytes;
mod envelope;
pub mod whole_number;

use serde::{Deserialize, Serialize};

pub use bytes::Base64Bytes;
pub use envelope::{
    key_id, Envelope, PackRef, SealedPart, ENVELOPE_FORMAT, READABLE_ENVELOPE_FORMATS,
    SECTION_SIZES,
};

/// The API version this build speaks; every path starts with `/v{API_VERSION}`.
pub const API_VERSION: u32 = 1;

/// The largest request body the gateway accepts, in bytes (a 300-question assessment seals to
/// well under 100 KiB).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The key id a force's signed form packs name; devices trust it with the pack-signing key
/// they received at enrolment.
pub const FORCE_PACK_KEY_ID: &str = "force-pack-signing";

/// The header carrying a device's bearer credential: `Authorization: Bearer <token>`.
pub const AUTHORIZATION: &str = "authorization";

/// Paths of the API.
pub mod paths {
    /// `GET`: the API version and the minimum app version (no authentication).
    pub const META: &str = "/v1/meta";
    /// `POST`: redeem a one-time enrolment code for a device id and credential.
    pub const ENROL: &str = "/v1/enrol";
    /// `POST`: submit a sealed envelope.
    pub const SUBMISSIONS: &str = "/v1/submissions";
    /// `GET`: the receipt of one submission (a route template; see [`fill`]).
    pub const RECEIPT: &str = "/v1/receipts/{submission_id}";
    /// `GET`: the force's current signed form pack (ETag / If-None-Match).
    pub const CURRENT_PACK: &str = "/v1/packs/current";
    /// `GET ?after=N`: support-services directory changes after a cursor.
    pub const DIRECTORY: &str = "/v1/directory";
    /// `GET`: the force's current signed key set.
    pub const KEYS: &str = "/v1/keys";
    /// `GET`: the force's policy for devices.
    pub const POLICY: &str = "/v1/policy";
    /// `GET`: commands waiting for this device.
    pub const COMMANDS: &str = "/v1/device/commands";
    /// `POST`: the device carried a command out (a route template; see [`fill`]).
    pub const COMMAND_DONE: &str = "/v1/device/commands/{command_id}/done";
    /// `POST`: the device's audit chain length and head, at every sync; `GET`: the longest the
    /// gateway holds for the device.
    pub const AUDIT_HEAD: &str = "/v1/device/audit-head";
    /// `GET`: readiness, the same as [`READY`] (kept for probes that already use it).
    pub const HEALTH: &str = "/health";
    /// `GET`: liveness: the process answers (no storage touched, no authentication). A
    /// supervisor restarts a gateway that stops answering it.
    pub const LIVE: &str = "/health/live";
    /// `GET`: readiness: the database answers, so requests can be served (no authentication).
    /// A load balancer sends no devices to a gateway that is not ready.
    pub const READY: &str = "/health/ready";
    /// `GET`: OpenMetrics text (counts and request-latency histograms), only with the metrics
    /// token on the device listener, or on the gateway's separate metrics listener.
    pub const METRICS: &str = "/metrics";

    /// A route template with its one `{parameter}` filled in, as a client requests it.
    pub fn fill(template: &str, value: impl std::fmt::Display) -> String {
        match (template.find('{'), template.find('}')) {
            (Some(open), Some(close)) if open < close => {
                format!("{}{value}{}", &template[..open], &template[close + 1..])
            }
            _ => template.to_string(),
        }
    }
}

/// `GET /v1/meta`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// The API version the gateway speaks.
    pub api_version: u32,
    /// The oldest app version the force still accepts (semver).
    pub min_app_version: String,
}

/// `POST /v1/enrol` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrolRequest {
    /// The one-time code from `firstline-admin enrolment-code`.
    pub code: String,
    /// The device's Ed25519 public key (32 bytes), which will sign its envelopes.
    pub device_public_key: Base64Bytes,
    /// A label for force IT (host name, asset tag).
    pub device_name: String,
}

/// The force's key set as the gateway hands it out: the exact JSON bytes of a
/// `firstline_trust::KeySet`, the force root public key, and the root's Ed25519 signature over
/// those bytes. A device checks the root against the fingerprint in its enrolment code (at
/// enrolment) or against the root it already holds (every later set) before it uses any key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedKeySet {
    /// The key set, as the root signed it (JSON bytes).
    pub key_set: Base64Bytes,
    /// The force root's Ed25519 public key (32 bytes).
    pub root_public_key: Base64Bytes,
    /// The root's signature (64 bytes).
    pub signature: Base64Bytes,
}

/// `POST /v1/enrol` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrolResponse {
    /// The device's id at the force.
    pub device_id: String,
    /// The bearer credential for every later request. Shown once; the gateway keeps a hash.
    pub token: String,
    /// The force's signed key set (its name and every public key a device uses).
    pub key_set: SignedKeySet,
}

/// Whether the gateway stored a submission now or had it already.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptStatus {
    /// Stored by this request (`201`).
    Stored,
    /// The same id and content hash were already stored (`200`).
    AlreadyHad,
}

/// The gateway's receipt for a submission: after it, the device may delete its readable copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    /// The submission.
    pub submission_id: String,
    /// The content hash the gateway stored (hex SHA-256 of the signed bytes).
    pub content_hash: String,
    /// When the gateway first stored it (seconds since the Unix epoch).
    pub received_at: i64,
    /// Stored now or already had.
    pub status: ReceiptStatus,
    /// The key id of the gateway's receipt key (from the force's key set).
    pub receipt_key_id: String,
    /// The gateway's Ed25519 signature over the submission id and content hash (64 bytes; see
    /// `firstline_trust::receipt_message`). A device destroys nothing until it verifies.
    pub signature: Base64Bytes,
}

/// An error answer: a stable code for programs, a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiError {
    /// Stable, machine-readable.
    pub code: ErrorCode,
    /// What went wrong, in plain words (never echoes submitted content).
    pub message: String,
}

/// The error codes of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The body is not what the endpoint takes (`400`).
    Malformed,
    /// The body is larger than [`MAX_BODY_BYTES`] (`413`).
    TooLarge,
    /// The envelope's device signature does not verify, or it names another device (`422`).
    BadSignature,
    /// No credential, or one the gateway does not know (`401`).
    Unauthenticated,
    /// The device was revoked by force IT (`403`).
    Revoked,
    /// The enrolment code is unknown or expired (`403`).
    UnknownCode,
    /// The enrolment code was already used (`409`).
    CodeUsed,
    /// Same submission id, different content: both kept for review (`409`).
    Conflict,
    /// Nothing with that id (`404`).
    NotFound,
    /// The gateway could not do it now; try again (`503`).
    Unavailable,
    /// Too many requests from this device or address; try again after `Retry-After` (`429`).
    RateLimited,
    /// The device has used its storage quota at the force; try again later (`507`).
    QuotaExceeded,
    /// `supersedes` names a submission this device did not send (`422`).
    UnknownSupersedes,
}

/// `GET /v1/directory?after=N`: changes to the support-services directory after cursor `N`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DirectoryPage {
    /// Services added or changed, oldest change first.
    pub entries: Vec<DirectoryEntry>,
    /// Ids of services removed.
    pub tombstones: Vec<String>,
    /// The cursor to ask after next time.
    pub cursor: i64,
    /// Whether more changes wait after `cursor`.
    pub more: bool,
}

/// One support service (a refuge, an IDVA service, a helpline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DirectoryEntry {
    /// Stable id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// How to reach it.
    pub contact: String,
    /// What it offers, in a few words.
    pub description: String,
}

/// `GET /v1/policy`: what force IT sets for its devices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Seconds without input after which the app locks.
    pub idle_lock_seconds: u32,
    /// Wrong PINs in a row after which an officer's key is destroyed.
    pub max_failed_pins: u32,
    /// Whether a finalised record stays readable on the device until the gateway's receipt
    /// (`true`, the default), or is destroyed there at sealing (`false`: the officer can no
    /// longer read or correct from it, but nothing readable is left on the device at all).
    pub keep_readable_copy_until_receipt: bool,
    /// Whether a device with no OS keyring may keep its secret in a file (`true`, the default,
    /// shown on the device as the weaker mode). `false`: such a device refuses to open, and a
    /// file secret moves into the keyring where one answers.
    #[serde(default = "allowed")]
    pub allow_file_secret: bool,
}

fn allowed() -> bool {
    true
}

/// What force IT can order a device to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommandKind {
    /// Destroy every officer's data and the device's credentials.
    Wipe,
}

impl CommandKind {
    /// Its name on the wire, as a command's signature covers it.
    pub fn name(self) -> &'static str {
        match self {
            CommandKind::Wipe => "wipe",
        }
    }
}

/// One command waiting for a device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceCommand {
    /// Its id, for `POST /v1/device/commands/{id}/done`.
    pub id: i64,
    /// What to do.
    pub kind: CommandKind,
    /// Force IT's Ed25519 signature (the key set's `commands` key) over the device id, the
    /// command id and its kind (`firstline_trust::command_message`); empty while not signed.
    /// A device carries out only a command whose signature verifies.
    pub signature: Base64Bytes,
}

/// `GET /v1/device/commands`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceCommands {
    /// Oldest first.
    pub commands: Vec<DeviceCommand>,
}

/// `POST /v1/device/audit-head`: where the device's keyed audit chain stands. The gateway keeps
/// each length's head per device and flags a device whose chain got shorter, or whose head for
/// a length it already saw changed (`firstline-admin devices` shows it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditHead {
    /// Entries in the chain.
    #[serde(deserialize_with = "whole_number::deserialize")]
    pub length: u64,
    /// The last entry's hash, hex (64 characters; zeros for an empty chain).
    pub head: String,
    /// The chain's head today at the length the gateway held before this report (from `GET`
    /// on the same path): an old entry rewritten and the chain grown past it shows there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<AuditPoint>,
}

/// One point of a device's audit chain: `GET /v1/device/audit-head` answers the longest the
/// gateway holds for the device (404 before its first report).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditPoint {
    /// Entries in the chain.
    #[serde(deserialize_with = "whole_number::deserialize")]
    pub length: u64,
    /// The hash of entry `length`, hex (zeros for length 0).
    pub head: String,
}
