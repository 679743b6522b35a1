//! `firstline-gateway`: serves the force sync API over HTTP on loopback, or over TLS (rustls)
//! anywhere else, on an embedded SQLite file or a PostgreSQL server. Configured by a file
//! (`--config /etc/firstline/gateway.toml`, as the package's systemd unit starts it) or, for
//! development, by flags; `--check-config` checks a file and what it names, then exits.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use firstline_backend::config::{
    DatabaseConfig, GatewayConfig, LimitsConfig, LogConfig, LogFormat, MetricsConfig, TlsConfig,
};
use firstline_backend::{metrics_router, router, storage, GatewayState};

/// The Firstline force sync gateway.
///
/// Stores and forwards sealed assessments and signs a receipt for each; it never logs their
/// contents. Its one private key, the receipt key, opens nothing. Set the force up first with
/// `firstline-admin init-force --database <same>`.
///
/// Installed from the package it runs as `firstline-gateway --config
/// /etc/firstline/gateway.toml` (see docs/deploy.md for every setting). The flags below are
/// for development and tests; they cannot be mixed with --config.
#[derive(Parser)]
#[command(version)]
struct Options {
    /// The configuration file (TOML). The database password may be in it, in the file its
    /// `database.password_file` names, or in FIRSTLINE_DATABASE_PASSWORD: never on the
    /// command line, where every user of the machine can read it.
    #[arg(long, conflicts_with_all = ["database", "listen", "tls_cert", "tls_key", "min_app_version", "device_requests_per_minute", "address_requests_per_minute", "enrolments_per_address_per_hour", "device_quota_kib", "metrics_token_file", "metrics_listen", "receipt_key", "log_format"])]
    config: Option<PathBuf>,
    /// Check the configuration (the file, the keys, the TLS files, the database and the
    /// force's key set), say what it found, and exit: 0 if the gateway would start.
    #[arg(long)]
    check_config: bool,
    /// A SQLite file path (created if missing), or a postgres:// URL with no password in it.
    /// For TLS to PostgreSQL add `?sslmode=require&sslrootcert=/path/ca.pem` (also `prefer`,
    /// `verify-ca`, `verify-full`): the server's certificate is always verified, against
    /// `sslrootcert` or the machine's roots. Without `sslmode`, no TLS (PostgreSQL on the
    /// gateway's host).
    #[arg(long)]
    database: Option<String>,
    /// Address to listen on; port 0 picks a free one (the chosen address is printed).
    #[arg(long)]
    listen: Option<SocketAddr>,
    /// PEM certificate chain for TLS (with --tls-key). Without it the gateway serves plain
    /// HTTP, and only on a loopback address.
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// PEM private key for TLS.
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// The oldest app version the force accepts [default: 0.1.0].
    #[arg(long)]
    min_app_version: Option<String>,
    /// Requests per minute one device may make (also its burst); over it, 429 with
    /// Retry-After [default: 600].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    device_requests_per_minute: Option<u32>,
    /// Requests per minute from one network address (many devices may share one)
    /// [default: 6000].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    address_requests_per_minute: Option<u32>,
    /// Enrolment attempts per hour from one network address [default: 20].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    enrolments_per_address_per_hour: Option<u32>,
    /// Storage one device may use at the force, in KiB of envelopes; over it, 507
    /// [default: 262144].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    device_quota_kib: Option<u64>,
    /// A file holding the bearer token `/metrics` on the device listener needs. Without it,
    /// `/metrics` is not served on the device listener.
    #[arg(long)]
    metrics_token_file: Option<PathBuf>,
    /// A separate listener for Prometheus: `/metrics` with no token, and nothing else. Bind
    /// it where devices cannot reach it.
    #[arg(long)]
    metrics_listen: Option<SocketAddr>,
    /// The receipt-signing key file `firstline-admin init-force` wrote (`receipt-signing.key`
    /// in its --keys folder); its public half must be the one in the force's key set.
    #[arg(long)]
    receipt_key: Option<PathBuf>,
    /// Log lines as JSON (one object a line) or text [default: text with flags, json in the
    /// configuration file]; the level comes from FIRSTLINE_LOG (default `info`).
    #[arg(long, value_enum)]
    log_format: Option<LogFormat>,
}

impl Options {
    /// The configuration: the file's, or the flags' (development).
    fn configuration(&self) -> Result<GatewayConfig, String> {
        if let Some(path) = &self.config {
            return GatewayConfig::from_file(path);
        }
        let database = self
            .database
            .clone()
            .unwrap_or_else(|| "firstline-gateway.sqlite".into());
        if firstline_backend::config::url_has_password(&database) {
            return Err(format!(
                "--database has a password in it, which every user can read in the process list: give it in FIRSTLINE_DATABASE_PASSWORD or the configuration file's database.password_file ({})",
                "see --help"
            ));
        }
        let defaults = LimitsConfig::default();
        let config = GatewayConfig {
            listen: self
                .listen
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8643))),
            receipt_key: self
                .receipt_key
                .clone()
                .ok_or("--receipt-key (or --config) is needed")?,
            min_app_version: self
                .min_app_version
                .clone()
                .unwrap_or_else(|| "0.1.0".into()),
            database: DatabaseConfig {
                url: database,
                password: None,
                password_file: None,
            },
            tls: match (&self.tls_cert, &self.tls_key) {
                (Some(cert), Some(key)) => Some(TlsConfig {
                    cert: cert.clone(),
                    key: key.clone(),
                }),
                _ => None,
            },
            limits: LimitsConfig {
                device_requests_per_minute: self
                    .device_requests_per_minute
                    .unwrap_or(defaults.device_requests_per_minute),
                address_requests_per_minute: self
                    .address_requests_per_minute
                    .unwrap_or(defaults.address_requests_per_minute),
                enrolments_per_address_per_hour: self
                    .enrolments_per_address_per_hour
                    .unwrap_or(defaults.enrolments_per_address_per_hour),
                device_quota_kib: self.device_quota_kib.unwrap_or(defaults.device_quota_kib),
            },
            metrics: MetricsConfig {
                listen: self.metrics_listen,
                token_file: self.metrics_token_file.clone(),
            },
            log: LogConfig {
                format: self.log_format.unwrap_or(LogFormat::Text),
                level: std::env::var("FIRSTLINE_LOG").unwrap_or_else(|_| "info".into()),
            },
        };
        config.check()?;
        Ok(config)
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let options = Options::parse();
    let config = match options.configuration() {
        Ok(config) => config,
        Err(message) => {
            eprintln!("firstline-gateway: {message}");
            return std::process::ExitCode::FAILURE;
        }
    };
    start_logging(&config.log);
    let result = if options.check_config {
        check(&config).await
    } else {
        serve(config).await
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!(problem = %message, "the gateway cannot start");
            eprintln!("firstline-gateway: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Log lines to stderr (journald keeps them under the unit), as JSON or text, at the level
/// FIRSTLINE_LOG gives or else the configuration's.
fn start_logging(log: &LogConfig) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("FIRSTLINE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(&log.level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match log.format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .init(),
        LogFormat::Text => builder.init(),
    }
}

/// What the gateway needs before it serves, read and checked: the storage (its schema brought
/// up to date), the receipt key matching the force's key set, the metrics token.
struct Prepared {
    state: GatewayState,
    schema: storage::SchemaState,
}

async fn prepare(config: &GatewayConfig, migrate: storage::Migrate) -> Result<Prepared, String> {
    let password = config.database_password()?;
    let storage = storage::open_with(
        &config.database.url,
        password.as_deref().map(String::as_str),
        migrate,
    )
    .await
    .map_err(|error| format!("cannot open the database: {error}"))?;
    let schema = storage.schema();
    if schema.found != schema.now {
        tracing::info!(
            from = schema.found,
            to = schema.now,
            "database schema migrated"
        );
    }
    let receipt_key = firstline_trust::read_signing_key(&config.receipt_key)?;
    let signed = storage::stored_key_set(&*storage).await?.ok_or(
        "the force is not set up in this database: run `firstline-admin init-force` first",
    )?;
    let verified = firstline_trust::verify_key_set(&signed, firstline_trust::Anchor::FirstSeen)
        .map_err(|error| format!("the stored key set does not verify: {error}"))?;
    if !firstline_trust::is_public_half(&receipt_key, &verified.receipts()) {
        return Err(format!(
            "{} is not the receipt key in the force's key set: devices would refuse every receipt",
            config.receipt_key.display()
        ));
    }
    let metrics_token = config
        .metrics
        .token_file
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
    let state = GatewayState::new(storage, &config.min_app_version, receipt_key)
        .with_limits(config.limits.checked()?)
        .with_metrics_token(metrics_token);
    Ok(Prepared { state, schema })
}

async fn tls_config(tls: &TlsConfig) -> Result<axum_server::tls_rustls::RustlsConfig, String> {
    axum_server::tls_rustls::RustlsConfig::from_pem_file(&tls.cert, &tls.key)
        .await
        .map_err(|error| {
            format!(
                "cannot load the TLS certificate {} or key {}: {error}",
                tls.cert.display(),
                tls.key.display()
            )
        })
}

/// `--check-config`: everything the gateway reads at start, read; nothing served.
async fn check(config: &GatewayConfig) -> Result<(), String> {
    let prepared = prepare(config, storage::Migrate::CheckOnly).await?;
    if let Some(tls) = &config.tls {
        tls_config(tls).await?;
    }
    let mut out = String::new();
    out.push_str("configuration ok\n");
    out.push_str(&format!("  listen: {}\n", config.listen));
    out.push_str(&format!(
        "  tls: {}\n",
        config
            .tls
            .as_ref()
            .map_or("none (loopback only)".to_string(), |tls| tls
                .cert
                .display()
                .to_string())
    ));
    out.push_str(&format!(
        "  database: {} (schema version {}{}), password: {}\n",
        storage::describe(&config.database.url),
        prepared.schema.now,
        match prepared.schema.pending() {
            0 => String::new(),
            steps => format!("; {steps} migration step(s) to apply at start"),
        },
        if config.database.password.is_some() {
            "from the configuration file"
        } else if config.database.password_file.is_some() {
            "from database.password_file"
        } else if std::env::var_os(firstline_backend::config::PASSWORD_VARIABLE).is_some() {
            "from FIRSTLINE_DATABASE_PASSWORD"
        } else {
            "none"
        }
    ));
    out.push_str(&format!(
        "  metrics: {}\n",
        match (&config.metrics.listen, &config.metrics.token_file) {
            (Some(listen), _) => format!("listener on {listen}"),
            (None, Some(_)) => "on the device listener, with the token".into(),
            (None, None) => "not served".into(),
        }
    ));
    out.push_str(&format!(
        "  log: {:?} at {}\n",
        config.log.format, config.log.level
    ));
    print!("{out}");
    Ok(())
}

async fn serve(config: GatewayConfig) -> Result<(), String> {
    // Everything checked before the database is changed: an upgrade with a wrong key or
    // certificate must not leave a schema the gateway before it refuses.
    let tls = match &config.tls {
        Some(tls) => Some(tls_config(tls).await?),
        None => None,
    };
    drop(prepare(&config, storage::Migrate::CheckOnly).await?);
    // The addresses too: a port still held (the old gateway running) must not leave a schema
    // migrated under it.
    let listener = bind(config.listen)?;
    let metrics_listener = config.metrics.listen.map(bind).transpose()?;
    let Prepared { state, .. } = prepare(&config, storage::Migrate::Apply).await?;
    let limits = state.limits.clone();
    tokio::spawn(async move {
        let mut every_minute = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            every_minute.tick().await;
            limits.forget_idle();
        }
    });
    let handle = axum_server::Handle::new();
    if let Some(listener) = metrics_listener {
        let bound = listener.local_addr().map_err(|error| error.to_string())?;
        tracing::info!(url = %format!("http://{bound}/metrics"), "metrics listening");
        let server = axum_server::from_tcp(listener)
            .map_err(|error| error.to_string())?
            .handle(handle.clone());
        let app = metrics_router(state.clone()).into_make_service();
        tokio::spawn(async move {
            if let Err(error) = server.serve(app).await {
                tracing::error!(%error, "the metrics listener stopped");
            }
        });
    }
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let address = listener.local_addr().map_err(|error| error.to_string())?;
    let shutdown = handle.clone();
    tokio::spawn(async move {
        shutdown_signal().await;
        shutdown.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
    });
    match tls {
        Some(rustls) => {
            announce(&format!("https://{address}"));
            axum_server::from_tcp_rustls(listener, rustls)
                .map_err(|error| error.to_string())?
                .handle(handle)
                .serve(app)
                .await
                .map_err(|error| error.to_string())
        }
        None => {
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

/// A non-blocking listener on `address`.
fn bind(address: SocketAddr) -> Result<std::net::TcpListener, String> {
    let listener = std::net::TcpListener::bind(address)
        .map_err(|error| format!("cannot listen on {address}: {error}"))?;
    listener
        .set_nonblocking(true)
        .map_err(|error| error.to_string())?;
    Ok(listener)
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
