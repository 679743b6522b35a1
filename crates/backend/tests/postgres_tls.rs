//! The gateway on PostgreSQL over TLS, as the database URL's `sslmode` asks: against a real
//! PostgreSQL that takes TCP connections over TLS only (`hostssl`, a throwaway rcgen
//! certificate), so whatever works went over TLS, and the server's certificate is verified.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod support;

use firstline_backend::storage;
use support::postgres::Postgres;
use support::{Database, Gateway};

/// The refusal `storage::open` gives for `url`.
async fn refusal(url: &str) -> String {
    match storage::open(url).await {
        Ok(_) => panic!("{url} was accepted"),
        Err(error) => error.0,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_gateway_reaches_postgresql_over_verified_tls_when_the_url_asks() {
    // Names the address only, so that reaching it under another name is a host-name mismatch.
    let server_certificate =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".into()]).expect("certificate");
    let mut server = Postgres::start_tls_only(
        &server_certificate.cert.pem(),
        &server_certificate.signing_key.serialize_pem(),
    );
    let folder = tempfile::tempdir().expect("temp dir");
    let servers_ca = folder.path().join("database-ca.pem");
    std::fs::write(&servers_ca, server_certificate.cert.pem()).expect("written");
    let another_ca = folder.path().join("another-ca.pem");
    let another = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into()]).expect("cert");
    std::fs::write(&another_ca, another.cert.pem()).expect("written");
    let plain = server.plain_url();

    // No sslmode: no TLS, which this server refuses.
    let without_tls = refusal(&plain).await;
    assert!(
        without_tls.contains("no encryption") || without_tls.contains("pg_hba.conf"),
        "{without_tls}"
    );
    // TLS to a server whose certificate is not signed by the named root, or by any root the
    // machine trusts, or does not name the host: refused, in every TLS mode (unlike libpq's
    // `prefer` and `require`).
    // The server reached at its address under another name (hostaddr: no DNS involved).
    let other_host = plain.replace("127.0.0.1", "wrong.example");
    for mode in ["prefer", "require", "verify-ca", "verify-full"] {
        let other_root = refusal(&format!(
            "{plain}?sslmode={mode}&sslrootcert={}",
            another_ca.display()
        ))
        .await;
        assert!(
            other_root.contains("invalid peer certificate"),
            "{mode}: {other_root}"
        );
        let machine_roots = refusal(&format!("{plain}?sslmode={mode}")).await;
        assert!(
            machine_roots.contains("UnknownIssuer"),
            "{mode}: {machine_roots}"
        );
        let other_name = refusal(&format!(
            "{other_host}?hostaddr=127.0.0.1&sslmode={mode}&sslrootcert={}",
            servers_ca.display()
        ))
        .await;
        assert!(
            other_name.contains("not valid for name \"wrong.example\""),
            "{mode}: {other_name}"
        );
    }

    // The database's own root: a real gateway process runs on it, end to end.
    server.set_url_query(&format!(
        "sslmode=verify-full&sslrootcert={}&application_name=firstline-gateway",
        servers_ca.display()
    ));
    let gateway = Gateway::start(Database::Postgres(server)).await;
    let client = reqwest::Client::new();
    let device = gateway.enrol(&client).await;
    let envelope = device.seal(&gateway.force, "over-tls-1", "main record", None);
    let stored = device
        .submit(&client, &gateway.url, &envelope)
        .await
        .expect("submitted");
    assert_eq!(stored.status(), 201);
    let receipt = client
        .get(format!("{}/v1/receipts/over-tls-1", gateway.url))
        .header("authorization", device.bearer())
        .send()
        .await
        .expect("asked");
    assert_eq!(receipt.status(), 200);
}
