//! TLS between the gateway and PostgreSQL, as the database URL asks for it. `sslmode` takes
//! libpq's values: `disable` (or no `sslmode`) uses none — for PostgreSQL on the gateway's own
//! host; a remote host reached that way is warned about at start. `prefer`, `require`,
//! `verify-ca` and `verify-full` all mean TLS or no connection (unlike libpq, `prefer` does not
//! fall back to plain text, which anyone in the middle could force), and the server's
//! certificate is always verified, chain and host name, against `sslrootcert` (a PEM file) or,
//! without it or with `sslrootcert=system`, the machine's trusted roots. TLS over a Unix socket
//! is refused as a mistake (the socket is already local).

use std::borrow::Cow;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls::{ClientConfig, RootCertStore};
use tokio_postgres::config::{Host, SslMode};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::{StorageError, StorageResult};

/// A parsed database URL and the TLS its connections use (`None`: plain).
pub struct DatabaseConnection {
    /// What tokio-postgres connects with.
    pub config: tokio_postgres::Config,
    /// The verifying connector, when `sslmode` asks for TLS.
    pub tls: Option<MakeRustlsConnect>,
    /// Said at start: a remote host reached without TLS.
    pub warning: Option<String>,
}

/// Reads `url`'s TLS options. The two libpq spells that tokio-postgres does not take
/// (`sslrootcert`, `sslmode=verify-*`) are taken out of the query first; every other pair is
/// passed on byte for byte.
pub fn connection_for(url: &str) -> StorageResult<DatabaseConnection> {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut mode: Option<String> = None;
    let mut root_cert: Option<String> = None;
    let mut rest: Vec<&str> = Vec::new();
    // tokio-postgres percent-decodes keys and values (a `+` stays a `+`); so do we, so that
    // `ssl%6Dode=require` is read as the `sslmode` it is.
    let decoded = |text: &str| -> StorageResult<String> {
        percent_encoding::percent_decode_str(text)
            .decode_utf8()
            .map(Cow::into_owned)
            .map_err(|_| StorageError(format!("database URL: {text} is not UTF-8")))
    };
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match decoded(key)?.as_str() {
            "sslmode" => mode = Some(decoded(value)?),
            "sslrootcert" => root_cert = Some(decoded(value)?),
            _ => rest.push(pair),
        }
    }
    let wants_tls = match mode.as_deref() {
        None | Some("disable") => false,
        Some("prefer" | "require" | "verify-ca" | "verify-full") => true,
        Some(other) => {
            return Err(StorageError(format!(
                "database URL: sslmode={other} is not one of disable, prefer, require, verify-ca, verify-full"
            )))
        }
    };
    if !wants_tls && root_cert.is_some() {
        return Err(StorageError(
            "database URL: sslrootcert is given but sslmode asks for no TLS".into(),
        ));
    }
    let without_tls_options = if rest.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", rest.join("&"))
    };
    let mut config: tokio_postgres::Config = without_tls_options
        .parse()
        .map_err(|error: tokio_postgres::Error| StorageError(format!("database URL: {error}")))?;
    let mut remote_plain = config
        .get_hostaddrs()
        .iter()
        .find(|address| !wants_tls && !address.is_loopback())
        .map(ToString::to_string);
    for host in config.get_hosts() {
        match host {
            Host::Tcp(name) if !wants_tls && !is_loopback(name) => {
                remote_plain.get_or_insert_with(|| name.clone());
            }
            #[cfg(unix)]
            Host::Unix(path) if wants_tls => {
                return Err(StorageError(format!(
                    "database URL: sslmode asks for TLS, but {} is a Unix socket (already local): leave sslmode out",
                    path.display()
                )));
            }
            _ => {}
        }
    }
    if !wants_tls {
        config.ssl_mode(SslMode::Disable);
        return Ok(DatabaseConnection {
            config,
            tls: None,
            warning: remote_plain.map(|host| {
                format!(
                    "the database at {host} is reached without TLS: add ?sslmode=require (and sslrootcert) unless the network between is protected"
                )
            }),
        });
    }
    config.ssl_mode(SslMode::Require);
    let roots = root_cert.as_deref().filter(|path| *path != "system");
    Ok(DatabaseConnection {
        config,
        tls: Some(MakeRustlsConnect::new(client_config(roots)?)),
        warning: None,
    })
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|address| address.is_loopback())
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

    const BASE: &str = "postgres://firstline@127.0.0.1:5432/postgres";

    /// A root certificate file, so the tests need no machine roots.
    fn root_file() -> (tempfile::TempDir, String) {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("ca.pem");
        let certificate = rcgen::generate_simple_self_signed(vec!["db.example".into()]).unwrap();
        std::fs::write(&path, certificate.cert.pem()).unwrap();
        let path = path.display().to_string();
        (folder, path)
    }

    fn read(url: &str) -> Result<DatabaseConnection, String> {
        connection_for(url).map_err(|error| error.0)
    }

    #[test]
    fn no_sslmode_is_plain_and_every_tls_mode_requires_tls() {
        let plain = read(BASE).unwrap();
        assert_eq!(plain.config.get_ssl_mode(), SslMode::Disable);
        assert!(plain.tls.is_none() && plain.warning.is_none());
        let (_folder, root) = root_file();
        for asked in ["prefer", "require", "verify-ca", "verify-full"] {
            let tls = read(&format!("{BASE}?sslmode={asked}&sslrootcert={root}")).unwrap();
            // Never `Prefer`: no falling back to plain text when someone in the middle says no.
            assert_eq!(tls.config.get_ssl_mode(), SslMode::Require, "{asked}");
            assert!(tls.tls.is_some(), "{asked}");
        }
    }

    #[test]
    fn other_options_pass_through_byte_for_byte() {
        let (_folder, root) = root_file();
        let connection = read(&format!(
            "{BASE}?options=-c%20statement_timeout%3D5s&sslmode=require&application_name=a+b&sslrootcert={root}"
        ))
        .unwrap();
        assert_eq!(
            connection.config.get_options(),
            Some("-c statement_timeout=5s")
        );
        assert_eq!(connection.config.get_application_name(), Some("a+b"));
    }

    #[test]
    fn an_encoded_key_is_the_option_it_spells() {
        let (_folder, root) = root_file();
        let encoded = read(&format!("{BASE}?ssl%6Dode=require&ssl%72ootcert={root}")).unwrap();
        assert_eq!(encoded.config.get_ssl_mode(), SslMode::Require);
        assert!(encoded.tls.is_some());
    }

    #[test]
    fn a_remote_host_without_tls_is_warned_about_and_a_local_one_is_not() {
        let remote = read("postgres://firstline@db.force.example:5432/gateway").unwrap();
        assert!(remote.warning.unwrap().contains("db.force.example"));
        let by_address =
            read("postgres://firstline@localhost:5432/gateway?hostaddr=203.0.113.5").unwrap();
        assert!(by_address.warning.unwrap().contains("203.0.113.5"));
        for local in ["localhost", "LOCALHOST", "127.0.0.1", "[::1]"] {
            let connection = read(&format!("postgres://firstline@{local}:5432/gateway")).unwrap();
            assert!(connection.warning.is_none(), "{local}");
        }
    }

    #[test]
    fn unknown_modes_unreadable_roots_and_tls_over_a_socket_are_refused_with_the_reason() {
        assert!(read(&format!("{BASE}?sslmode=allow-anything"))
            .err()
            .unwrap()
            .contains("sslmode=allow-anything"));
        assert!(
            read(&format!("{BASE}?sslmode=require&sslrootcert=/no/such.pem"))
                .err()
                .unwrap()
                .contains("sslrootcert /no/such.pem")
        );
        assert!(read(&format!("{BASE}?sslrootcert=/etc/hostname"))
            .err()
            .unwrap()
            .contains("asks for no TLS"));
        assert!(
            read("postgres://firstline@%2Frun%2Fpostgresql/gateway?sslmode=require")
                .err()
                .unwrap()
                .contains("Unix socket")
        );
    }
}
