//! `firstline-gateway`: serves the force sync API over HTTP on loopback, or over TLS (rustls)
//! anywhere else, on an embedded SQLite file or a PostgreSQL server.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use firstline_backend::{router, storage, GatewayState, LimitConfig};

/// The Firstline force sync gateway.
///
/// Stores and forwards sealed assessments and signs a receipt for each; it never logs their
/// contents. Its one private key, the receipt key, opens nothing. Set the force up first with
/// `firstline-admin init-force --database <same>`.
#[derive(Parser)]
#[command(version)]
struct Options {
    /// A SQLite file path (created if missing), or a postgres:// URL. For TLS to PostgreSQL add
    /// `?sslmode=require&sslrootcert=/path/ca.pem` (also `prefer`, `verify-ca`, `verify-full`):
    /// the server's certificate is always verified, against `sslrootcert` or the machine's
    /// roots. Without `sslmode`, no TLS (PostgreSQL on the gateway's host).
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
    /// Requests per minute one device may make (also its burst); over it, 429 with Retry-After.
    #[arg(long, default_value_t = 600, value_parser = clap::value_parser!(u32).range(1..))]
    device_requests_per_minute: u32,
    /// Requests per minute from one network address (many devices may share one).
    #[arg(long, default_value_t = 6000, value_parser = clap::value_parser!(u32).range(1..))]
    address_requests_per_minute: u32,
    /// Enrolment attempts per hour from one network address.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..))]
    enrolments_per_address_per_hour: u32,
    /// Storage one device may use at the force, in KiB of envelopes; over it, 507.
    #[arg(long, default_value_t = 256 * 1024, value_parser = clap::value_parser!(u64).range(1..))]
    device_quota_kib: u64,
    /// A file holding the bearer token `/metrics` needs. Without it, `/metrics` is not served
    /// on this (device-facing) listener.
    #[arg(long)]
    metrics_token_file: Option<PathBuf>,
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
    let receipt_key = firstline_trust::read_signing_key(&options.receipt_key)?;
    {
        let signed = storage::stored_key_set(&*storage).await?.ok_or(
            "the force is not set up in this database: run `firstline-admin init-force` first",
        )?;
        let verified = firstline_trust::verify_key_set(&signed, firstline_trust::Anchor::FirstSeen)
            .map_err(|error| format!("the stored key set does not verify: {error}"))?;
        if !firstline_trust::is_public_half(&receipt_key, &verified.receipts()) {
            return Err(format!(
                "{} is not the receipt key in the force's key set: devices would refuse every receipt",
                options.receipt_key.display()
            ));
        }
    }
    let metrics_token = options
        .metrics_token_file
        .as_deref()
        .map(|path| {
            std::fs::read_to_string(path)
                .map(|token| token.trim().to_string())
                .map_err(|error| format!("{}: {error}", path.display()))
                .and_then(|token| {
                    if token.len() >= 16 {
                        Ok(token)
                    } else {
                        Err(format!(
                            "{}: the metrics token must be at least 16 characters",
                            path.display()
                        ))
                    }
                })
        })
        .transpose()?;
    let state = GatewayState::new(storage, &options.min_app_version, receipt_key)
        .with_limits(LimitConfig {
            device_requests_per_minute: options.device_requests_per_minute,
            address_requests_per_minute: options.address_requests_per_minute,
            enrolments_per_address_per_hour: options.enrolments_per_address_per_hour,
            device_quota_bytes: options.device_quota_kib.saturating_mul(1024),
        })
        .with_metrics_token(metrics_token);
    let limits = state.limits.clone();
    tokio::spawn(async move {
        let mut every_minute = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            every_minute.tick().await;
            limits.forget_idle();
        }
    });
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
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
                .serve(app)
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
                .serve(app)
                .await
                .map_err(|error| error.to_string())
        }
    }
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
