//! The gateway's configuration file (`/etc/firstline/gateway.toml` when installed from the
//! package): where it listens, its storage, TLS, limits, metrics and logs. The database
//! password comes from the file, a file of its own, or the environment, never the command line
//! (where `ps` shows it to every user); it is held zeroized and never printed.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use zeroize::Zeroizing;

use crate::LimitConfig;

/// The environment variable a database password may come from.
pub const PASSWORD_VARIABLE: &str = "FIRSTLINE_DATABASE_PASSWORD";

/// The gateway's settings, from the configuration file or the command line.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatewayConfig {
    /// The address devices reach (port 0 picks a free one).
    #[serde(default = "default_listen")]
    pub listen: SocketAddr,
    /// The receipt-signing key `firstline-admin init-force` wrote.
    pub receipt_key: PathBuf,
    /// The oldest app version the force accepts.
    #[serde(default = "default_min_app_version")]
    pub min_app_version: String,
    /// The storage.
    pub database: DatabaseConfig,
    /// TLS for the device listener; without it, plain HTTP on loopback only.
    #[serde(default)]
    pub tls: Option<TlsConfig>,
    /// Rate and storage limits.
    #[serde(default)]
    pub limits: LimitsConfig,
    /// Where Prometheus reads the gateway's metrics.
    #[serde(default)]
    pub metrics: MetricsConfig,
    /// The log's form and level.
    #[serde(default)]
    pub log: LogConfig,
}

/// The storage: a SQLite file path or a `postgres://` URL (with no password in it).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseConfig {
    /// A SQLite file path, or a `postgres://` URL; TLS to PostgreSQL as `firstline-gateway
    /// --help` describes.
    pub url: String,
    /// The PostgreSQL password, in this file (keep it 0640 root:firstline).
    #[serde(default)]
    pub password: Option<Zeroizing<String>>,
    /// A file holding the PostgreSQL password (its first line).
    #[serde(default)]
    pub password_file: Option<PathBuf>,
}

impl std::fmt::Debug for DatabaseConfig {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("DatabaseConfig")
            .field("url", &self.url)
            .field("password", &self.password.as_ref().map(|_| "(hidden)"))
            .field("password_file", &self.password_file)
            .finish()
    }
}

/// The device listener's certificate chain and key (PEM).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    /// The certificate chain.
    pub cert: PathBuf,
    /// The private key.
    pub key: PathBuf,
}

/// [`LimitConfig`] as written in the file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LimitsConfig {
    /// Requests per minute one device may make (also its burst).
    pub device_requests_per_minute: u32,
    /// Requests per minute from one network address.
    pub address_requests_per_minute: u32,
    /// Enrolment attempts per hour from one network address.
    pub enrolments_per_address_per_hour: u32,
    /// Storage one device may use, in KiB of envelopes.
    pub device_quota_kib: u64,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        LimitsConfig {
            device_requests_per_minute: 600,
            address_requests_per_minute: 6000,
            enrolments_per_address_per_hour: 20,
            device_quota_kib: 256 * 1024,
        }
    }
}

impl LimitsConfig {
    /// The limits the gateway applies; a zero rate is refused.
    pub fn checked(&self) -> Result<LimitConfig, String> {
        if self.device_requests_per_minute == 0
            || self.address_requests_per_minute == 0
            || self.enrolments_per_address_per_hour == 0
            || self.device_quota_kib == 0
        {
            return Err("limits: every limit must be at least 1".into());
        }
        Ok(LimitConfig {
            device_requests_per_minute: self.device_requests_per_minute,
            address_requests_per_minute: self.address_requests_per_minute,
            enrolments_per_address_per_hour: self.enrolments_per_address_per_hour,
            device_quota_bytes: self.device_quota_kib.saturating_mul(1024),
        })
    }
}

/// Metrics: on a listener of their own (for Prometheus, on an address devices cannot reach),
/// or on the device listener behind a bearer token, or not at all.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsConfig {
    /// A separate listener serving `/metrics` and nothing else.
    pub listen: Option<SocketAddr>,
    /// A file holding the token `/metrics` on the device listener needs.
    pub token_file: Option<PathBuf>,
}

/// How log lines are written (to stderr, which journald keeps).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One JSON object per line (journald, log shippers).
    #[default]
    Json,
    /// Human-readable lines.
    Text,
}

/// The log's form and level.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// JSON (the default) or text.
    pub format: LogFormat,
    /// A `tracing` filter: `info`, `warn`, `firstline_backend=debug`…
    pub level: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            format: LogFormat::Json,
            level: "info".into(),
        }
    }
}

fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8643))
}

fn default_min_app_version() -> String {
    "0.1.0".into()
}

impl GatewayConfig {
    /// Reads and checks a configuration file.
    pub fn from_file(path: &Path) -> Result<GatewayConfig, String> {
        let text = Zeroizing::new(
            std::fs::read_to_string(path)
                .map_err(|error| format!("{}: {error}", path.display()))?,
        );
        // Never the toml crate's own message: it quotes the line, which may hold the password.
        let config: GatewayConfig = toml::from_str(&text).map_err(|error| {
            firstline_policy::describe_toml_error(&path.display().to_string(), &text, &error)
        })?;
        config.check()?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // Readable by everyone, or writable by anyone but its owner (who could then point the
            // gateway at a database or key of their own).
            let readable_by_all = |file: &Path| {
                std::fs::metadata(file)
                    .map(|metadata| metadata.permissions().mode() & 0o026 != 0)
                    .unwrap_or(false)
            };
            if config.database.password.is_some() && readable_by_all(path) {
                return Err(format!(
                    "{} holds the database password and users other than its owner can read or change it: make it 0640 root:firstline",
                    path.display()
                ));
            }
            if let Some(file) = &config.database.password_file {
                if readable_by_all(file) {
                    return Err(format!(
                        "database.password_file {} can be read or changed by users other than its owner: make it 0640 root:firstline",
                        file.display()
                    ));
                }
            }
        }
        Ok(config)
    }

    /// What can be checked without opening anything: no password in the URL, one password
    /// source at most, limits above zero, TLS off loopback.
    pub fn check(&self) -> Result<(), String> {
        if url_has_password(&self.database.url) {
            return Err(
                "database.url has a password in it: give it as database.password, database.password_file or FIRSTLINE_DATABASE_PASSWORD"
                    .into(),
            );
        }
        if self.database.password.is_some() && self.database.password_file.is_some() {
            return Err("give database.password or database.password_file, not both".into());
        }
        self.limits.checked()?;
        if self.tls.is_none() && !self.listen.ip().is_loopback() {
            return Err(format!(
                "refusing to serve plain HTTP on {}: give [tls] cert and key (--tls-cert and --tls-key), or listen on loopback",
                self.listen
            ));
        }
        if let Some(metrics) = self.metrics.listen {
            if !metrics.ip().is_loopback() && self.metrics.token_file.is_none() {
                return Err(format!(
                    "metrics.listen = {metrics} is not loopback: give metrics.token_file too, and Prometheus the token"
                ));
            }
        }
        tracing_subscriber::EnvFilter::try_new(&self.log.level)
            .map_err(|error| format!("log.level: {error}"))?;
        Ok(())
    }

    /// The database password: from the file, the password file, or the environment (in that
    /// order); none for SQLite or a server that asks for none.
    pub fn database_password(&self) -> Result<Option<Zeroizing<String>>, String> {
        if let Some(password) = &self.database.password {
            return Ok(Some(password.clone()));
        }
        if let Some(path) = &self.database.password_file {
            let text =
                Zeroizing::new(std::fs::read_to_string(path).map_err(|error| {
                    format!("database.password_file {}: {error}", path.display())
                })?);
            let line = text.lines().next().unwrap_or_default();
            if line.is_empty() {
                return Err(format!(
                    "database.password_file {} is empty",
                    path.display()
                ));
            }
            return Ok(Some(Zeroizing::new(line.to_string())));
        }
        Ok(std::env::var(PASSWORD_VARIABLE)
            .ok()
            .filter(|password| !password.is_empty())
            .map(Zeroizing::new))
    }
}

/// Whether a `postgres://` URL carries a password: `user:password@host`, or a `password`
/// pair in its query (which tokio-postgres honours), however it is percent-encoded.
pub fn url_has_password(url: &str) -> bool {
    let Some(rest) = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))
    else {
        return false;
    };
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let in_authority = authority
        .rsplit_once('@')
        .is_some_and(|(user_info, _)| user_info.contains(':'));
    let in_query = rest.split_once('?').is_some_and(|(_, query)| {
        query.split('&').any(|pair| {
            let key = pair.split_once('=').map_or(pair, |(key, _)| key);
            percent_encoding::percent_decode_str(key)
                .decode_utf8_lossy()
                .trim()
                .eq_ignore_ascii_case("password")
        })
    });
    in_authority || in_query
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<GatewayConfig, String> {
        let config: GatewayConfig = toml::from_str(text).map_err(|error| error.to_string())?;
        config.check()?;
        Ok(config)
    }

    #[test]
    fn a_minimal_file_takes_the_defaults() {
        let config = parse(
            "receipt_key = \"/var/lib/firstline/keys/receipt-signing.key\"\n\
             [database]\nurl = \"/var/lib/firstline/gateway.sqlite\"\n",
        )
        .expect("valid");
        assert_eq!(config.listen, default_listen());
        assert_eq!(config.log.format, LogFormat::Json);
        assert_eq!(
            config
                .limits
                .checked()
                .expect("limits")
                .device_requests_per_minute,
            600
        );
    }

    #[test]
    fn a_password_in_the_url_an_unknown_key_and_plain_http_off_loopback_are_refused() {
        let base = "receipt_key = \"k\"\n[database]\n";
        let refused = [
            format!("{base}url = \"postgres://firstline:secret@db/firstline\"\n"),
            format!("{base}url = \"x\"\npasword = \"typo\"\n"),
            format!("{base}url = \"postgres://u@h/d?password=secret\"\n"),
            format!("listen = \"127.0.0.1:1\"\n{base}url = \"x\"\n[metrics]\nlisten = \"0.0.0.0:9643\"\n"),
            format!("listen = \"0.0.0.0:8643\"\n{base}url = \"x\"\n"),
            format!("{base}url = \"x\"\npassword = \"a\"\npassword_file = \"b\"\n"),
            format!("{base}url = \"x\"\n[limits]\ndevice_requests_per_minute = 0\n"),
            format!("{base}url = \"x\"\n[log]\nformat = \"xml\"\n"),
        ];
        for text in refused {
            assert!(parse(&text).is_err(), "accepted:\n{text}");
        }
    }

    #[test]
    fn the_password_is_never_in_debug_output() {
        let config = parse(
            "receipt_key = \"k\"\n[database]\nurl = \"postgres://firstline@db/x\"\npassword = \"canary-9f2c\"\n",
        )
        .expect("valid");
        assert!(!format!("{config:?}").contains("canary-9f2c"));
        assert_eq!(
            config
                .database_password()
                .expect("read")
                .as_deref()
                .map(String::as_str),
            Some("canary-9f2c")
        );
    }

    #[test]
    fn a_refused_file_names_the_line_and_never_quotes_the_password() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("gateway.toml");
        for text in [
            "receipt_key = \"k\"\n[database]\nurl = \"x\"\npasword = \"canary-pw-1234\"\n",
            "receipt_key = \"k\"\n[database]\nurl = \"x\"\npassword = canary-pw-1234\n",
            "receipt_key = \"k\"\n[database]\nurl = \"x\"\npassword = 12341234\n",
        ] {
            std::fs::write(&path, text).expect("written");
            let refusal = GatewayConfig::from_file(&path).expect_err("refused");
            assert!(refusal.contains("line 4"), "{refusal}");
            assert!(
                !refusal.contains("canary-pw-1234") && !refusal.contains("12341234"),
                "{refusal}"
            );
        }
    }

    #[test]
    fn only_a_url_with_user_and_password_counts_as_holding_one() {
        assert!(url_has_password("postgres://u:p@h/d"));
        assert!(url_has_password(
            "postgresql://u:p%40@h:5432/d?sslmode=require"
        ));
        assert!(url_has_password(
            "postgres://u@h/d?sslmode=require&password=x"
        ));
        assert!(url_has_password("postgres://u@h/d?pass%77ord=x"));
        assert!(!url_has_password("postgres://u@h/d"));
        assert!(!url_has_password("postgres://h/d?options=a:b@c"));
        assert!(!url_has_password("/var/lib/firstline/a:b@c.sqlite"));
    }
}
