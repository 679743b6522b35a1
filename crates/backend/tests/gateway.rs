//! The gateway's suite, through a real `firstline-gateway` process over real HTTP, once on
//! SQLite and once on a real PostgreSQL server: exactly-once ingest, conflicts kept, refusals
//! that store nothing, revocation, wipe commands, the directory cursor with tombstones, packs
//! with ETags, policy, meta, health, metrics, and no plaintext in the database.
#![allow(clippy::expect_used)]

mod support;

use firstline_protocol::{
    paths, ApiError, DeviceCommands, DirectoryEntry, DirectoryPage, EnrolRequest, ErrorCode, Meta,
    Policy, Receipt, ReceiptStatus, MAX_BODY_BYTES,
};
use reqwest::StatusCode;
use support::{Database, Gateway};

const CANARY: &str = "CANARY-7f3a-MIGRANT-SECTION";
const MAIN_CANARY: &str = "CANARY-91bd-MAIN-RECORD";

macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread")] async fn $name() { super::$name(super::Database::sqlite()).await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread")] async fn $name() { super::$name(super::Database::postgres()).await })*
        }
    };
}

on_both_databases!(
    submissions_are_stored_exactly_once_and_conflicts_kept,
    refused_requests_get_a_clear_4xx_and_store_nothing,
    a_revoked_device_is_refused_and_a_wipe_is_ordered_and_reported,
    the_directory_cursor_never_skips_and_carries_tombstones,
    packs_policy_meta_health_and_metrics_answer,
    a_device_whose_audit_chain_shrinks_or_changes_is_flagged,
    supersedes_must_name_a_record_the_same_device_sent,
    a_device_over_its_storage_quota_is_refused_with_507,
    force_it_sees_the_app_version_each_device_last_reported,
);

/// The `User-Agent` the sync client sends (`firstline/<version>`) is kept as the device's app
/// version for `firstline-admin devices`; anything that does not read as a version is not.
async fn force_it_sees_the_app_version_each_device_last_reported(database: Database) {
    let gateway = Gateway::start(database).await;
    let client = reqwest::Client::new();
    let device = gateway.enrol(&client).await;
    let sync_as = |agent: &'static str| {
        client
            .get(format!("{}{}", gateway.url, paths::POLICY))
            .header("authorization", device.bearer())
            .header("user-agent", agent)
            .send()
    };
    let version = || async {
        gateway.storage.devices().await.expect("devices")[0]
            .app_version
            .clone()
    };
    assert_eq!(
        sync_as("firstline/1.4.2").await.expect("sync").status(),
        200
    );
    assert_eq!(version().await.as_deref(), Some("1.4.2"));
    assert_eq!(
        sync_as("firstline/1.5.0").await.expect("sync").status(),
        200
    );
    assert_eq!(
        version().await.as_deref(),
        Some("1.5.0"),
        "an update is seen at once"
    );
    for hostile in [
        "firstline/<script>alert(1)</script>",
        "curl/8.0",
        "firstline/",
    ] {
        assert_eq!(sync_as(hostile).await.expect("sync").status(), 200);
        assert_eq!(
            version().await.as_deref(),
            Some("1.5.0"),
            "{hostile} was kept"
        );
    }
}

/// Asserts that a request was refused with `status` and `code`; returns the error body.
async fn refused(
    response: reqwest::Result<reqwest::Response>,
    status: StatusCode,
    code: ErrorCode,
) -> ApiError {
    let response = response.expect("the request was answered");
    let answered = response.status();
    let error: ApiError = response.json().await.expect("a JSON error body");
    assert_eq!((answered, error.code), (status, code), "{}", error.message);
    error
}

async fn submissions_are_stored_exactly_once_and_conflicts_kept(database: Database) {
    let gateway = Gateway::start(database).await;
    let client = reqwest::Client::new();
    let device = gateway.enrol(&client).await;
    let envelope = device.seal(&gateway.force, "sub-1", MAIN_CANARY, Some(CANARY));
    let submit = |body| device.submit(&client, &gateway.url, body);
    let first = submit(&envelope).await.expect("first");
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Receipt = first.json().await.expect("receipt");
    assert_eq!(first.status, ReceiptStatus::Stored);
    assert_eq!(first.content_hash, envelope.content_hash());
    // Signed with the receipt key the force's key set names (the one the gateway holds).
    let receipts = ed25519_dalek::SigningKey::from_bytes(&support::RECEIPT_SEED)
        .verifying_key()
        .to_bytes();
    assert!(firstline_trust::receipt_verifies(&receipts, &first));
    let keys: firstline_protocol::SignedKeySet = client
        .get(format!("{}/v1/keys", gateway.url))
        .header("authorization", device.bearer())
        .send()
        .await
        .expect("keys")
        .json()
        .await
        .expect("a signed key set");
    let root = ed25519_dalek::SigningKey::from_bytes(&support::ROOT_SEED).verifying_key();
    let verified = firstline_trust::verify_key_set(
        &keys,
        firstline_trust::Anchor::Root {
            public: root.as_bytes(),
            serial: 1,
        },
    )
    .expect("signed by the force's root");
    assert_eq!(verified.receipts(), receipts.to_vec());

    let again = submit(&envelope).await.expect("again");
    assert_eq!(again.status(), StatusCode::OK);
    let again: Receipt = again.json().await.expect("receipt");
    assert_eq!(again.status, ReceiptStatus::AlreadyHad);
    assert!(firstline_trust::receipt_verifies(&receipts, &again));
    assert_eq!(again.received_at, first.received_at);

    let other = device.seal(&gateway.force, "sub-1", "other content", None);
    refused(
        submit(&other).await,
        StatusCode::CONFLICT,
        ErrorCode::Conflict,
    )
    .await;

    let receipt: Receipt = client
        .get(format!("{}/v1/receipts/sub-1", gateway.url))
        .header("authorization", device.bearer())
        .send()
        .await
        .expect("receipt request")
        .json()
        .await
        .expect("receipt");
    assert_eq!(receipt.content_hash, envelope.content_hash());

    let counts = gateway.storage.counts().await.expect("counts");
    assert_eq!((counts.submissions, counts.conflicts), (1, 1));

    // The stored envelope opens with the force's keys, each its own part.
    let stored = gateway
        .storage
        .submissions_after(0, 10)
        .await
        .expect("stored");
    let stored: firstline_protocol::Envelope =
        serde_json::from_str(&stored[0].envelope).expect("json");
    let record = firstline_seal::open_records(&stored, &gateway.force.records).expect("records");
    assert_eq!(record.as_slice(), MAIN_CANARY.as_bytes());
    let section = firstline_seal::open_safeguarding(&stored, &gateway.force.safeguarding)
        .expect("opens")
        .expect("present");
    assert_eq!(section.as_slice(), CANARY.as_bytes());

    let raw = gateway.database.raw_contents();
    assert!(!raw.is_empty());
    for canary in [CANARY, MAIN_CANARY] {
        assert!(
            !raw.windows(canary.len())
                .any(|window| window == canary.as_bytes()),
            "the gateway's database holds plaintext {canary}"
        );
    }
}

async fn refused_requests_get_a_clear_4xx_and_store_nothing(database: Database) {
    let gateway = Gateway::start(database).await;
    let client = reqwest::Client::new();
    let device = gateway.enrol(&client).await;
    let url = format!("{}/v1/submissions", gateway.url);
    let post = |body: Vec<u8>, bearer: String| {
        client
            .post(&url)
            .header("authorization", bearer)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };

    let error = refused(
        post(b"{\"format\": 1, <script>".to_vec(), device.bearer()).await,
        StatusCode::BAD_REQUEST,
        ErrorCode::Malformed,
    )
    .await;
    assert!(
        !error.message.contains("script"),
        "errors never echo what was sent"
    );

    // Refused before the body is read, so the connection is closed: a client of its own.
    let oversized = reqwest::Client::new()
        .post(&url)
        .header("authorization", device.bearer())
        .body(vec![b' '; MAX_BODY_BYTES + 1])
        .send()
        .await;
    refused(
        oversized,
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::TooLarge,
    )
    .await;

    let mut forged = device.seal(&gateway.force, "sub-forged", "x", None);
    forged.pack.version = "2".into();
    refused(
        post(serde_json::to_vec(&forged).expect("json"), device.bearer()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::BadSignature,
    )
    .await;

    let other_device = gateway.enrol(&client).await;
    let theirs = other_device.seal(&gateway.force, "sub-theirs", "x", None);
    refused(
        post(serde_json::to_vec(&theirs).expect("json"), device.bearer()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::BadSignature,
    )
    .await;

    let good = device.seal(&gateway.force, "sub-good", "x", None);
    refused(
        post(
            serde_json::to_vec(&good).expect("json"),
            "Bearer fl1_not-a-device".into(),
        )
        .await,
        StatusCode::UNAUTHORIZED,
        ErrorCode::Unauthenticated,
    )
    .await;
    let unauthenticated = client.post(&url).json(&good).send().await.expect("sent");
    assert_eq!(unauthenticated.status(), StatusCode::UNAUTHORIZED);

    let mut bad_id = device.seal(&gateway.force, "../../etc/passwd", "x", None);
    bad_id.submission_id = "../../etc/passwd".into();
    refused(
        post(serde_json::to_vec(&bad_id).expect("json"), device.bearer()).await,
        StatusCode::BAD_REQUEST,
        ErrorCode::Malformed,
    )
    .await;

    // Enrolment: a used code, an unknown code, a malformed key, a blank or over-long name.
    let code = gateway.enrolment_code().await;
    let enrol_named = |code: String, key: Vec<u8>, name: &str| {
        client
            .post(format!("{}/v1/enrol", gateway.url))
            .json(&EnrolRequest {
                code,
                device_public_key: key.into(),
                device_name: name.into(),
            })
            .send()
    };
    let enrol = |code: String, key: Vec<u8>| enrol_named(code, key, "t");
    let key = firstline_seal::DeviceKey::generate().public_bytes();
    assert_eq!(
        enrol(code.clone(), key.clone())
            .await
            .expect("sent")
            .status(),
        StatusCode::CREATED
    );
    refused(
        enrol(code.clone(), key.clone()).await,
        StatusCode::CONFLICT,
        ErrorCode::CodeUsed,
    )
    .await;
    refused(
        enrol("AAAA-BBBB-CCCC-DDDD".into(), key.clone()).await,
        StatusCode::FORBIDDEN,
        ErrorCode::UnknownCode,
    )
    .await;
    refused(
        enrol(gateway.enrolment_code().await, vec![1, 2, 3]).await,
        StatusCode::BAD_REQUEST,
        ErrorCode::Malformed,
    )
    .await;
    for name in [" \t\r\n ".to_string(), "x".repeat(201)] {
        refused(
            enrol_named(gateway.enrolment_code().await, key.clone(), &name).await,
            StatusCode::BAD_REQUEST,
            ErrorCode::Malformed,
        )
        .await;
    }
    let named = enrol_named(
        gateway.enrolment_code().await,
        key.clone(),
        "\t Tablet 9 \n",
    )
    .await
    .expect("sent");
    assert_eq!(named.status(), StatusCode::CREATED);
    let devices = gateway.storage.devices().await.expect("devices");
    assert!(
        devices.iter().any(|device| device.name == "Tablet 9"),
        "the name was not stored trimmed"
    );

    let counts = gateway.storage.counts().await.expect("counts");
    assert_eq!(
        (counts.submissions, counts.conflicts, counts.devices),
        (0, 0, 4)
    );
}

/// Attack (issue 10, item 7): a stolen device that force IT revokes must still be wipeable.
/// Ordering a wipe revokes the device; the revoked device can fetch and acknowledge the wipe
/// over HTTP, and nothing else.
async fn a_revoked_device_is_refused_and_a_wipe_is_ordered_and_reported(database: Database) {
    let gateway = Gateway::start(database).await;
    let client = reqwest::Client::new();
    let device = gateway.enrol(&client).await;
    let bystander = gateway.enrol(&client).await;
    let now = firstline_backend::unix_now();
    let get = |device: &support::Device, path: &str| {
        client
            .get(format!("{}{path}", gateway.url))
            .header("authorization", device.bearer())
            .send()
    };

    // Revoked without a wipe: refused everywhere, the commands endpoint included.
    assert!(gateway
        .storage
        .revoke_device(&bystander.enrolled.device_id, now)
        .await
        .expect("revoked"));
    refused(
        get(&bystander, "/v1/device/commands").await,
        StatusCode::FORBIDDEN,
        ErrorCode::Revoked,
    )
    .await;

    let command_id = gateway
        .storage
        .order_command(
            &device.enrolled.device_id,
            firstline_protocol::CommandKind::Wipe,
            now,
        )
        .await
        .expect("ordered")
        .expect("known device");
    let listed = gateway.storage.devices().await.expect("devices");
    assert!(
        listed
            .iter()
            .any(|listed| listed.device_id == device.enrolled.device_id
                && listed.revoked_at.is_some()),
        "ordering a wipe revokes the device"
    );
    // Revoked: it can send nothing and pull nothing ...
    let envelope = device.seal(&gateway.force, "sub-after-revoke", "x", None);
    refused(
        device.submit(&client, &gateway.url, &envelope).await,
        StatusCode::FORBIDDEN,
        ErrorCode::Revoked,
    )
    .await;
    refused(
        get(&device, "/v1/policy").await,
        StatusCode::FORBIDDEN,
        ErrorCode::Revoked,
    )
    .await;
    // ... but it still hears of the wipe and can say it is done.
    let commands = get(&device, "/v1/device/commands").await.expect("sent");
    assert_eq!(commands.status(), StatusCode::OK);
    let commands: DeviceCommands = commands.json().await.expect("commands");
    assert_eq!(commands.commands.len(), 1);
    assert_eq!(commands.commands[0].id, command_id);
    let done = client
        .post(format!(
            "{}/v1/device/commands/{command_id}/done",
            gateway.url
        ))
        .header("authorization", device.bearer())
        .send()
        .await
        .expect("sent");
    assert_eq!(done.status(), StatusCode::NO_CONTENT);
    let log = gateway
        .storage
        .commands_of(&device.enrolled.device_id)
        .await
        .expect("log");
    assert!(
        log[0].1.is_some(),
        "the gateway records that the wipe was carried out"
    );
    // A command id that is not a number: a 400 ApiError, as the spec says.
    refused(
        client
            .post(format!(
                "{}/v1/device/commands/not-a-number/done",
                gateway.url
            ))
            .header("authorization", device.bearer())
            .send()
            .await,
        StatusCode::BAD_REQUEST,
        ErrorCode::Malformed,
    )
    .await;
    // With the wipe done, the revoked device hears nothing more.
    refused(
        get(&device, "/v1/device/commands").await,
        StatusCode::FORBIDDEN,
        ErrorCode::Revoked,
    )
    .await;
    assert_eq!(
        gateway.storage.counts().await.expect("counts").submissions,
        0
    );
}

async fn the_directory_cursor_never_skips_and_carries_tombstones(database: Database) {
    let gateway = Gateway::start(database).await;
    let client = reqwest::Client::new();
    let device = gateway.enrol(&client).await;
    let service = |id: &str, name: &str| DirectoryEntry {
        id: id.into(),
        name: name.into(),
        contact: "0808 2000 247".into(),
        description: "24-hour helpline".into(),
    };
    for index in 0..5 {
        gateway
            .storage
            .put_service(&service(&format!("s{index}"), "Refuge"))
            .await
            .expect("put");
    }
    let page = |after: i64| {
        let request = client
            .get(format!(
                "{}/v1/directory?after={after}&limit=3",
                gateway.url
            ))
            .header("authorization", device.bearer())
            .send();
        async move {
            request
                .await
                .expect("sent")
                .json::<DirectoryPage>()
                .await
                .expect("page")
        }
    };
    let first = page(0).await;
    assert_eq!(first.entries.len(), 3);
    assert!(first.more);
    gateway
        .storage
        .put_service(&service("s0", "Refuge (renamed)"))
        .await
        .expect("changed");
    assert!(gateway.storage.remove_service("s1").await.expect("removed"));
    let second = page(first.cursor).await;
    let ids: Vec<&str> = second
        .entries
        .iter()
        .map(|entry| entry.id.as_str())
        .collect();
    assert_eq!(ids, ["s3", "s4", "s0"]);
    let third = page(second.cursor).await;
    assert_eq!(third.tombstones, ["s1"]);
    assert!(!third.more);
    assert_eq!(page(third.cursor).await.entries.len(), 0);

    // Outside what docs/sync-api.yaml allows: a 400 `malformed` ApiError, never a silent clamp
    // or axum's plain text.
    for query in [
        "limit=501",
        "limit=0",
        "after=-1",
        "after=99999999999999999999",
        "limit=ten",
    ] {
        refused(
            client
                .get(format!("{}/v1/directory?{query}", gateway.url))
                .header("authorization", device.bearer())
                .send()
                .await,
            StatusCode::BAD_REQUEST,
            ErrorCode::Malformed,
        )
        .await;
    }
}

async fn packs_policy_meta_health_and_metrics_answer(database: Database) {
    let gateway = Gateway::start(database).await;
    let client = reqwest::Client::new();
    let device = gateway.enrol(&client).await;
    let authed = |path: &str| {
        client
            .get(format!("{}{path}", gateway.url))
            .header("authorization", device.bearer())
    };

    assert_eq!(
        authed("/v1/packs/current")
            .send()
            .await
            .expect("sent")
            .status(),
        StatusCode::NOT_FOUND
    );
    gateway
        .storage
        .set_current_pack("hash-1", b"{\"signed\":true}", 1)
        .await
        .expect("published");
    let pack = authed("/v1/packs/current").send().await.expect("sent");
    assert_eq!(pack.status(), StatusCode::OK);
    let etag = pack.headers()["etag"].to_str().expect("etag").to_string();
    assert_eq!(etag, "\"hash-1\"");
    let cached = authed("/v1/packs/current")
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("sent");
    assert_eq!(cached.status(), StatusCode::NOT_MODIFIED);

    let policy: Policy = authed("/v1/policy")
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("policy");
    assert_eq!(policy.idle_lock_seconds, 300);
    let meta: Meta = client
        .get(format!("{}/v1/meta", gateway.url))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("meta");
    assert_eq!(meta.api_version, 1);
    let health = client
        .get(format!("{}/health", gateway.url))
        .send()
        .await
        .expect("sent");
    assert_eq!(health.status(), StatusCode::OK);
    // Item 9: /metrics is not served on the device-facing listener without a token ...
    refused(
        client.get(format!("{}/metrics", gateway.url)).send().await,
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
    )
    .await;
    // ... and with one, only to its holder.
    let dir = tempfile::tempdir().expect("temp dir");
    let token_file = dir.path().join("metrics-token");
    std::fs::write(&token_file, "metrics-token-for-the-test\n").expect("token written");
    let (with_token, url) = support::spawn_gateway(
        &gateway.database.url(),
        "127.0.0.1:0",
        &["--metrics-token-file", &token_file.display().to_string()],
    );
    let _with_token = support::KilledOnDrop(with_token);
    refused(
        client.get(format!("{url}/metrics")).send().await,
        StatusCode::UNAUTHORIZED,
        ErrorCode::Unauthenticated,
    )
    .await;
    let metrics = client
        .get(format!("{url}/metrics"))
        .header("authorization", "Bearer metrics-token-for-the-test")
        .send()
        .await
        .expect("sent")
        .text()
        .await
        .expect("text");
    assert!(metrics.contains("firstline_devices 1"), "{metrics}");
    let unknown = client
        .get(format!("{}/v2/anything", gateway.url))
        .send()
        .await
        .expect("sent");
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

/// The gateway will not start with a receipt key other than the one the force's key set names:
/// every device would refuse its receipts.
#[tokio::test(flavor = "multi_thread")]
async fn the_gateway_refuses_a_receipt_key_the_key_set_does_not_name() {
    let gateway = Gateway::start(Database::sqlite()).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let wrong = dir.path().join("wrong.key");
    std::fs::write(&wrong, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=").expect("written");
    let output = std::process::Command::new(support::gateway_binary())
        .args([
            "--database",
            &gateway.database.url(),
            "--listen",
            "127.0.0.1:0",
        ])
        .args(["--receipt-key", &wrong.display().to_string()])
        .output()
        .expect("gateway runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not the receipt key"), "{stderr}");
}

/// Attack (issue 10, item 10): a device's audit chain cut short or rewritten (by someone with
/// the tablet) is flagged at the force from the lengths and heads the device reports; a chain
/// that grew must restate its head at the longest length held, or nothing is kept.
async fn a_device_whose_audit_chain_shrinks_or_changes_is_flagged(database: Database) {
    let gateway = Gateway::start(database).await;
    let client = reqwest::Client::new();
    let head = |digit: char| digit.to_string().repeat(64);
    let report =
        |device: &support::Device, length: u64, head: String, previous: Option<(u64, String)>| {
            client
                .post(format!("{}/v1/device/audit-head", gateway.url))
                .header("authorization", device.bearer())
                .json(&firstline_protocol::AuditHead {
                    length,
                    head,
                    previous: previous
                        .map(|(length, head)| firstline_protocol::AuditPoint { length, head }),
                })
                .send()
        };
    let held = |device: &support::Device| {
        client
            .get(format!("{}/v1/device/audit-head", gateway.url))
            .header("authorization", device.bearer())
            .send()
    };
    let audit = |device: &support::Device| {
        let id = device.enrolled.device_id.clone();
        let storage = gateway.storage.clone();
        async move { storage.audit_of(&id).await.expect("read") }
    };

    let shrinking = gateway.enrol(&client).await;
    assert_eq!(
        held(&shrinking).await.expect("sent").status(),
        StatusCode::NOT_FOUND
    );
    for (length, digit, previous) in [
        (3, 'a', None),
        (5, 'b', Some((3, head('a')))),
        (5, 'b', None),
    ] {
        let answered = report(&shrinking, length, head(digit), previous)
            .await
            .expect("sent");
        assert_eq!(answered.status(), StatusCode::NO_CONTENT);
    }
    assert_eq!(audit(&shrinking).await, Some((5, None)));
    report(&shrinking, 4, head('c'), None).await.expect("sent");
    let (_, flag) = audit(&shrinking).await.expect("reported");
    assert!(flag.is_some_and(|flag| flag.contains("shorter")));

    let rewritten = gateway.enrol(&client).await;
    report(&rewritten, 7, head('d'), None).await.expect("sent");
    report(&rewritten, 7, head('e'), None).await.expect("sent");
    let (_, flag) = audit(&rewritten).await.expect("reported");
    assert!(flag.is_some_and(|flag| flag.contains("changed")));
    refused(
        report(&rewritten, 8, "not hex".into(), None).await,
        StatusCode::BAD_REQUEST,
        ErrorCode::Malformed,
    )
    .await;

    // Rewritten and grown past the longest length reported: the device restates its head at
    // the length the gateway holds (GET), and a different one there is flagged.
    let grown = gateway.enrol(&client).await;
    report(&grown, 10, head('a'), None).await.expect("sent");
    let point: firstline_protocol::AuditPoint = held(&grown)
        .await
        .expect("sent")
        .json()
        .await
        .expect("a point");
    assert_eq!((point.length, point.head), (10, head('a')));
    // Grown with no restatement, or one at another length: refused, and nothing is kept, so a
    // report that skipped the question cannot slip a rewritten head in.
    for previous in [None, Some((9, head('a')))] {
        refused(
            report(&grown, 12, head('b'), previous).await,
            StatusCode::CONFLICT,
            ErrorCode::Conflict,
        )
        .await;
        assert_eq!(audit(&grown).await, Some((10, None)));
    }
    let honest = report(&grown, 12, head('b'), Some((10, head('a'))))
        .await
        .expect("sent");
    assert_eq!(honest.status(), StatusCode::NO_CONTENT);
    assert_eq!(audit(&grown).await, Some((12, None)));
    report(&grown, 20, head('c'), Some((12, head('f'))))
        .await
        .expect("sent");
    let (_, flag) = audit(&grown).await.expect("reported");
    assert!(
        flag.is_some_and(|flag| flag.contains("length 12 changed")),
        "a rewrite grown past the longest length was not flagged"
    );
}

/// Item 9: an amendment may only supersede a record the same device sent.
async fn supersedes_must_name_a_record_the_same_device_sent(database: Database) {
    let gateway = Gateway::start(database).await;
    let client = reqwest::Client::new();
    let first = gateway.enrol(&client).await;
    let other = gateway.enrol(&client).await;
    let original = first.seal(&gateway.force, "sub-original", "x", None);
    assert_eq!(
        first
            .submit(&client, &gateway.url, &original)
            .await
            .expect("sent")
            .status(),
        StatusCode::CREATED
    );
    let hijack = other.seal_superseding(&gateway.force, "sub-hijack", "sub-original");
    refused(
        other.submit(&client, &gateway.url, &hijack).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::UnknownSupersedes,
    )
    .await;
    let amendment = first.seal_superseding(&gateway.force, "sub-amendment", "sub-original");
    assert_eq!(
        first
            .submit(&client, &gateway.url, &amendment)
            .await
            .expect("sent")
            .status(),
        StatusCode::CREATED
    );
}

/// Item 9: a device over its storage quota is refused with 507 (it keeps the record and tries
/// later); a record it already sent is still acknowledged.
async fn a_device_over_its_storage_quota_is_refused_with_507(database: Database) {
    let gateway = Gateway::start(database).await;
    let (small, url) = support::spawn_gateway(
        &gateway.database.url(),
        "127.0.0.1:0",
        &["--device-quota-kib", "8"],
    );
    let _small = support::KilledOnDrop(small);
    let client = reqwest::Client::new();
    let device = gateway.enrol(&client).await;
    let submit = |envelope| device.submit(&client, &url, envelope);
    let first = device.seal(&gateway.force, "sub-1", "x", None);
    assert_eq!(
        submit(&first).await.expect("sent").status(),
        StatusCode::CREATED
    );
    let second = device.seal(&gateway.force, "sub-2", "y", None);
    let over = refused(
        submit(&second).await,
        StatusCode::INSUFFICIENT_STORAGE,
        ErrorCode::QuotaExceeded,
    )
    .await;
    assert!(
        over.message.contains("stays on the device"),
        "{}",
        over.message
    );
    assert_eq!(
        submit(&first).await.expect("sent").status(),
        StatusCode::OK,
        "a record already stored is still acknowledged"
    );
}

/// Item 9: one device over its rate, and one address over its enrolment attempts, get 429 with
/// Retry-After; another device is not held up.
#[tokio::test(flavor = "multi_thread")]
async fn over_a_rate_a_device_or_address_gets_429_with_retry_after() {
    let gateway = Gateway::start(Database::sqlite()).await;
    let client = reqwest::Client::new();
    let busy = gateway.enrol(&client).await;
    let calm = gateway.enrol(&client).await;
    let (strict, url) = support::spawn_gateway(
        &gateway.database.url(),
        "127.0.0.1:0",
        &[
            "--device-requests-per-minute",
            "3",
            "--enrolments-per-address-per-hour",
            "2",
        ],
    );
    let _strict = support::KilledOnDrop(strict);
    let get = |device: &support::Device| {
        client
            .get(format!("{url}/v1/policy"))
            .header("authorization", device.bearer())
            .send()
    };
    for _ in 0..3 {
        assert_eq!(get(&busy).await.expect("sent").status(), StatusCode::OK);
    }
    let limited = get(&busy).await.expect("sent");
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = limited
        .headers()
        .get("retry-after")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse().ok())
        .expect("a Retry-After in seconds");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let error: ApiError = limited.json().await.expect("error body");
    assert_eq!(error.code, ErrorCode::RateLimited);
    assert_eq!(get(&calm).await.expect("sent").status(), StatusCode::OK);

    let enrol = || {
        client
            .post(format!("{url}/v1/enrol"))
            .json(&EnrolRequest {
                code: "AAAA-BBBB-CCCC-DDDD".into(),
                device_public_key: vec![1; 32].into(),
                device_name: "guesser".into(),
            })
            .send()
    };
    for _ in 0..2 {
        assert_eq!(enrol().await.expect("sent").status(), StatusCode::FORBIDDEN);
    }
    refused(
        enrol().await,
        StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::RateLimited,
    )
    .await;
}
