//! `firstline-gateway`: serves the force sync API over HTTP on loopback, or over TLS (rustls)
//! anywhere else, on an embedded SQLite file or a PostgreSQL server.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use firstline_backend::{router, storage, GatewayState};

/// The Firstline force sync gateway.
///
/// Stores and forwards sealed assessments and signs a receipt for each; it never logs their
/// contents. Its one private key, the receipt key, opens nothing. Set the force up first with
/// `firstline-admin init-force --database <same>`.
#[derive(Parser)]
#[command(version)]
struct Options {
    /// A SQLite file path (created if missing), or a postgres:// URL.
    #[arg(long, default_value = "firstline-gateway.sqlite")]
    database: String,
    /// Address to listen on; port 0 picks a free one (the chosen address is printed).
    #[arg(long, default_value = "127.0.0.1:8643")]
    listen: SocketAddr,
    /// PEM certificate chain for TLS (with --tls-key). Without it the gateway serves plain
    /// HTTP, and only on a loopback address.
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// PEM private key for TLS.
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// The oldest app version the force accepts.
    #[arg(long, default_value = "0.1.0")]
    min_app_version: String,
    /// The receipt-signing key file `firstline-admin init-force` wrote (`receipt-signing.key`
    /// in its --keys folder); its public half must be the one in the force's key set.
    #[arg(long)]
    receipt_key: PathBuf,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("FIRSTLINE_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match serve(Options::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("firstline-gateway: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn serve(options: Options) -> Result<(), String> {
    let storage = storage::open(&options.database)
        .await
        .map_err(|error| format!("cannot open the database: {error}"))?;
    let receipt_key = receipt_key(&options.receipt_key)?;
    if let Some(json) = storage
        .key_set()
        .await
        .map_err(|error| format!("cannot read the force's key set: {error}"))?
    {
        let signed: firstline_protocol::SignedKeySet = serde_json::from_str(&json)
            .map_err(|error| format!("the stored key set cannot be read: {error}"))?;
        let verified = firstline_trust::verify_key_set(&signed, firstline_trust::Anchor::FirstSeen)
            .map_err(|error| format!("the stored key set does not verify: {error}"))?;
        if !firstline_trust::is_public_half(&receipt_key, &verified.receipts()) {
            return Err(format!(
                "{} is not the receipt key in the force's key set: devices would refuse every receipt",
                options.receipt_key.display()
            ));
        }
    }
    let app = router(GatewayState::new(
        storage,
        &options.min_app_version,
        receipt_key,
    ));
    let listener = std::net::TcpListener::bind(options.listen)
        .map_err(|error| format!("cannot listen on {}: {error}", options.listen))?;
    listener
        .set_nonblocking(true)
        .map_err(|error| error.to_string())?;
    let address = listener.local_addr().map_err(|error| error.to_string())?;
    let handle = axum_server::Handle::new();
    let shutdown = handle.clone();
    tokio::spawn(async move {
        shutdown_signal().await;
        shutdown.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
    });
    match (options.tls_cert, options.tls_key) {
        (Some(cert), Some(key)) => {
            let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(&cert, &key)
                .await
                .map_err(|error| format!("cannot load the TLS certificate or key: {error}"))?;
            announce(&format!("https://{address}"));
            axum_server::from_tcp_rustls(listener, config)
                .map_err(|error| error.to_string())?
                .handle(handle)
                .serve(app.into_make_service())
                .await
                .map_err(|error| error.to_string())
        }
        _ => {
            if !address.ip().is_loopback() {
                return Err(format!(
                    "refusing to serve plain HTTP on {address}: give --tls-cert and --tls-key, or listen on loopback"
                ));
            }
            announce(&format!("http://{address}"));
            axum_server::from_tcp(listener)
                .map_err(|error| error.to_string())?
                .handle(handle)
                .serve(app.into_make_service())
                .await
                .map_err(|error| error.to_string())
        }
    }
}

/// The receipt key from its file: the base64 of a 32-byte Ed25519 seed.
fn receipt_key(path: &std::path::Path) -> Result<ed25519_dalek::SigningKey, String> {
    use base64::Engine;
    let text = zeroize::Zeroizing::new(
        std::fs::read_to_string(path).map_err(|error| format!("{}: {error}", path.display()))?,
    );
    let seed = zeroize::Zeroizing::new(
        base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|_| format!("{}: not a key file (base64 expected)", path.display()))?,
    );
    let seed: [u8; 32] = seed
        .as_slice()
        .try_into()
        .map_err(|_| format!("{}: not a 32-byte key", path.display()))?;
    Ok(ed25519_dalek::SigningKey::from_bytes(&seed))
}

/// The one stdout line: where the gateway listens (tests and `cargo xtask run` read it).
fn announce(url: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "listening on {url}");
    let _ = stdout.flush();
    tracing::info!(%url, "gateway listening");
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => return interrupt.await.unwrap_or_default(),
            };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    interrupt.await.unwrap_or_default();
}
