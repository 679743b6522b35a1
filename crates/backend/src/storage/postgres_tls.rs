//! TLS between the gateway and PostgreSQL, as the database URL asks for it. `sslmode` takes
//! libpq's values: `disable` (or no `sslmode`: loopback and sockets, the default) uses none;
//! `prefer`, `require`, `verify-ca` and `verify-full` use TLS, and unlike libpq's `prefer` and
//! `require` the server's certificate is always verified, chain and host name, against
//! `sslrootcert` (a PEM file) when given, or the machine's trusted roots. `prefer` still
//! connects without TLS to a server that offers none; the others refuse.

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls::{ClientConfig, RootCertStore};
use tokio_postgres::config::SslMode;
use tokio_postgres_rustls::MakeRustlsConnect;

use super::{StorageError, StorageResult};

/// A parsed database URL and the TLS its connections use (`None`: plain).
pub struct DatabaseConnection {
    /// What tokio-postgres connects with.
    pub config: tokio_postgres::Config,
    /// The verifying connector, when `sslmode` asks for TLS.
    pub tls: Option<MakeRustlsConnect>,
}

/// Reads `url`'s TLS options: the two libpq spells but tokio-postgres does not know
/// (`sslrootcert`, `sslmode=verify-*`) are taken out before it parses the rest.
pub fn connection_for(url: &str) -> StorageResult<DatabaseConnection> {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut mode: Option<String> = None;
    let mut root_cert: Option<String> = None;
    let mut rest = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        match &*key {
            "sslmode" => mode = Some(value.into_owned()),
            "sslrootcert" => root_cert = Some(value.into_owned()),
            _ => {
                rest.append_pair(&key, &value);
            }
        }
    }
    let ssl_mode = match mode.as_deref() {
        None | Some("disable") => SslMode::Disable,
        Some("prefer") => SslMode::Prefer,
        Some("require" | "verify-ca" | "verify-full") => SslMode::Require,
        Some(other) => {
            return Err(StorageError(format!(
                "database URL: sslmode={other} is not one of disable, prefer, require, verify-ca, verify-full"
            )))
        }
    };
    if ssl_mode == SslMode::Disable && root_cert.is_some() {
        return Err(StorageError(
            "database URL: sslrootcert is given but sslmode asks for no TLS".into(),
        ));
    }
    let rest = rest.finish();
    let without_tls_options = if rest.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{rest}")
    };
    let mut config: tokio_postgres::Config = without_tls_options
        .parse()
        .map_err(|error: tokio_postgres::Error| StorageError(format!("database URL: {error}")))?;
    config.ssl_mode(ssl_mode);
    let tls = match ssl_mode {
        SslMode::Disable => None,
        _ => Some(MakeRustlsConnect::new(client_config(root_cert.as_deref())?)),
    };
    Ok(DatabaseConnection { config, tls })
}

/// A rustls client that verifies the server against `root_cert`'s certificates, or the
/// machine's trusted roots.
fn client_config(root_cert: Option<&str>) -> StorageResult<ClientConfig> {
    let mut roots = RootCertStore::empty();
    match root_cert {
        Some(path) => {
            let certificates: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
                .and_then(|certificates| certificates.collect())
                .map_err(|error| StorageError(format!("sslrootcert {path}: {error}")))?;
            if certificates.is_empty() {
                return Err(StorageError(format!(
                    "sslrootcert {path}: no PEM certificate in it"
                )));
            }
            for certificate in certificates {
                roots
                    .add(certificate)
                    .map_err(|error| StorageError(format!("sslrootcert {path}: {error}")))?;
            }
        }
        None => {
            let found = rustls_native_certs::load_native_certs();
            let (added, _ignored) = roots.add_parsable_certificates(found.certs);
            if added == 0 {
                return Err(StorageError(
                    "sslmode asks for TLS, no sslrootcert is given, and this machine has no trusted root certificates".into(),
                ));
            }
        }
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    Ok(ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|error| StorageError(format!("TLS: {error}")))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn mode(url: &str) -> Result<(SslMode, bool), String> {
        connection_for(url)
            .map(|connection| (connection.config.get_ssl_mode(), connection.tls.is_some()))
            .map_err(|error| error.0)
    }

    #[test]
    fn no_sslmode_is_plain_and_every_tls_mode_verifies() {
        let base = "postgres://firstline@127.0.0.1:5432/postgres";
        assert_eq!(mode(base).unwrap(), (SslMode::Disable, false));
        assert_eq!(
            mode(&format!("{base}?sslmode=disable&application_name=gw")).unwrap(),
            (SslMode::Disable, false)
        );
        for (asked, expected) in [
            ("prefer", SslMode::Prefer),
            ("require", SslMode::Require),
            ("verify-ca", SslMode::Require),
            ("verify-full", SslMode::Require),
        ] {
            assert_eq!(
                mode(&format!("{base}?sslmode={asked}")).unwrap(),
                (expected, true),
                "{asked}"
            );
        }
    }

    #[test]
    fn unknown_modes_and_unreadable_roots_are_refused_with_the_reason() {
        let base = "postgres://firstline@127.0.0.1:5432/postgres";
        assert!(mode(&format!("{base}?sslmode=allow-anything"))
            .unwrap_err()
            .contains("sslmode=allow-anything"));
        assert!(
            mode(&format!("{base}?sslmode=require&sslrootcert=/no/such.pem"))
                .unwrap_err()
                .contains("sslrootcert /no/such.pem")
        );
        assert!(mode(&format!("{base}?sslrootcert=/etc/hostname"))
            .unwrap_err()
            .contains("asks for no TLS"));
    }
}
