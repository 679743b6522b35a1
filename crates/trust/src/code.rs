//! Enrolment codes: a one-time secret the gateway redeems and the first bytes of the force
//! root's fingerprint, which only the device checks. Typed, a code is eight groups of four
//! letters and digits an officer can read aloud (`ABCD-EFGH-JKLM-NPQR` secret, then 80 bits of
//! fingerprint); the QR link `firstline-enrol:1:<secret>:<fingerprint>` carries the whole
//! 256-bit fingerprint. Case, spaces and dashes do not matter. The enrolment URI
//! `firstline-enrol:2:<secret>:<fingerprint>:<gateway URL>` adds where the gateway is, so a
//! device-management tool or a device that scans needs nothing typed.

use data_encoding::{Encoding, Specification};

/// Fingerprint bytes a typed code carries (80 bits).
pub const CODE_FINGERPRINT_BYTES: usize = 10;

/// Letters and digits that cannot be mistaken for one another when read out or typed (the
/// gateway's secret part uses the same).
const ALPHABET: &str = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// Characters of the secret part (80 bits).
const SECRET_CHARACTERS: usize = 16;

const LINK_PREFIX: &str = "firstline-enrol:1:";

fn encoding() -> Option<Encoding> {
    let mut specification = Specification::new();
    specification.symbols.push_str(ALPHABET);
    specification.encoding().ok()
}

/// A parsed enrolment code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrolmentCode {
    /// What the gateway redeems: 16 characters of [`ALPHABET`].
    pub secret: String,
    /// The first bytes of the force root's fingerprint: 10 from a typed code, 32 from a link.
    pub fingerprint: Vec<u8>,
}

impl EnrolmentCode {
    /// Reads a typed code or a QR link; `None` if it is neither.
    pub fn parse(text: &str) -> Option<EnrolmentCode> {
        let encoding = encoding()?;
        let text = text.trim();
        if text.len() > 200 {
            return None;
        }
        let (secret, fingerprint) = match text.strip_prefix(LINK_PREFIX) {
            Some(link) => {
                let (secret, fingerprint) = link.split_once(':')?;
                (
                    normal(secret)?,
                    encoding.decode(normal(fingerprint)?.as_bytes()).ok()?,
                )
            }
            None => {
                let all = normal(text)?;
                if all.len() != 2 * SECRET_CHARACTERS {
                    return None;
                }
                let (secret, fingerprint) = all.split_at(SECRET_CHARACTERS);
                (
                    secret.to_string(),
                    encoding.decode(fingerprint.as_bytes()).ok()?,
                )
            }
        };
        let fits = secret.len() == SECRET_CHARACTERS
            && secret.chars().all(|c| ALPHABET.contains(c))
            && (fingerprint.len() == CODE_FINGERPRINT_BYTES || fingerprint.len() == 32);
        fits.then_some(EnrolmentCode {
            secret,
            fingerprint,
        })
    }

    /// The typed form: the secret and 80 bits of `fingerprint`, in groups of four.
    pub fn typed(secret: &str, fingerprint: &[u8; 32]) -> String {
        let encoded = encoding()
            .map(|encoding| encoding.encode(&fingerprint[..CODE_FINGERPRINT_BYTES]))
            .unwrap_or_default();
        let all: Vec<char> = normal(secret)
            .unwrap_or_default()
            .chars()
            .chain(encoded.chars())
            .collect();
        all.chunks(4)
            .map(|group| group.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join("-")
    }

    /// The QR link: the secret and the whole fingerprint.
    pub fn link(secret: &str, fingerprint: &[u8; 32]) -> String {
        let encoded = encoding()
            .map(|encoding| encoding.encode(fingerprint))
            .unwrap_or_default();
        format!(
            "{LINK_PREFIX}{}:{encoded}",
            normal(secret).unwrap_or_default()
        )
    }
}

const URI_PREFIX: &str = "firstline-enrol:2:";

/// An enrolment code with its gateway: everything a device needs to enrol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrolmentUri {
    /// The gateway's base URL (`https://…`, or `http://` on loopback for development).
    pub gateway_url: String,
    /// The code, with the whole root fingerprint.
    pub code: EnrolmentCode,
}

impl EnrolmentUri {
    /// The URI for `secret` at `gateway_url`, carrying the whole `fingerprint`.
    pub fn format(gateway_url: &str, secret: &str, fingerprint: &[u8; 32]) -> String {
        let link = EnrolmentCode::link(secret, fingerprint);
        let rest = link.strip_prefix(LINK_PREFIX).unwrap_or_default();
        format!("{URI_PREFIX}{rest}:{gateway_url}")
    }

    /// Reads an enrolment URI; `None` if it is not one, or its gateway URL is not one a device
    /// would talk to ([`checked_gateway_url`]).
    pub fn parse(text: &str) -> Option<EnrolmentUri> {
        let text = text.trim();
        if text.len() > 600 {
            return None;
        }
        let rest = text.strip_prefix(URI_PREFIX)?;
        let mut parts = rest.splitn(3, ':');
        let (secret, fingerprint, gateway_url) = (parts.next()?, parts.next()?, parts.next()?);
        let code = EnrolmentCode::parse(&format!("{LINK_PREFIX}{secret}:{fingerprint}"))?;
        let gateway_url = checked_gateway_url(gateway_url)?;
        (code.fingerprint.len() == 32).then_some(EnrolmentUri { gateway_url, code })
    }
}

/// A gateway address a device will talk to: parsed as a URL, HTTPS, or plain HTTP only to this
/// machine (loopback, for development), with no user name, password, query or fragment, at
/// most 200 characters. Returns it without a trailing slash.
pub fn checked_gateway_url(gateway_url: &str) -> Option<String> {
    let url = url::Url::parse(gateway_url.trim()).ok()?;
    let loopback = match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(address)) => address.is_loopback(),
        Some(url::Host::Ipv6(address)) => address.is_loopback(),
        None => false,
    };
    let fits = match url.scheme() {
        "https" => url.host().is_some(),
        "http" => loopback,
        _ => false,
    } && url.username().is_empty()
        && url.password().is_none()
        && url.query().is_none()
        && url.fragment().is_none()
        && gateway_url.len() <= 200;
    fits.then(|| url.as_str().trim_end_matches('/').to_string())
}

/// Upper case, without spaces and dashes; `None` if anything else is in it.
fn normal(text: &str) -> Option<String> {
    let mut normal = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            ' ' | '-' => {}
            c if c.is_ascii_alphanumeric() => normal.push(c.to_ascii_uppercase()),
            _ => return None,
        }
    }
    Some(normal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_codes_and_links_round_trip_and_carry_the_fingerprint() {
        let fingerprint = crate::fingerprint(&[3; 32]);
        let typed = EnrolmentCode::typed("ABCD-EFGH-JKLM-NPQR", &fingerprint);
        assert_eq!(typed.len(), 39, "{typed}");
        assert_eq!(typed.split('-').count(), 8);
        let parsed = EnrolmentCode::parse(&typed.to_lowercase().replace('-', " ")).expect("ok");
        assert_eq!(parsed.secret, "ABCDEFGHJKLMNPQR");
        assert_eq!(parsed.fingerprint, fingerprint[..10].to_vec());

        let link = EnrolmentCode::link("ABCDEFGHJKLMNPQR", &fingerprint);
        let parsed = EnrolmentCode::parse(&link).expect("ok");
        assert_eq!(parsed.fingerprint, fingerprint.to_vec());
        assert_eq!(parsed.secret, "ABCDEFGHJKLMNPQR");
    }

    #[test]
    fn an_enrolment_uri_carries_the_gateway_the_code_and_the_whole_fingerprint() {
        let fingerprint = crate::fingerprint(&[5; 32]);
        let uri = EnrolmentUri::format(
            "https://gateway.force.example:8643",
            "ABCDEFGHJKLMNPQR",
            &fingerprint,
        );
        assert!(
            uri.starts_with("firstline-enrol:2:ABCDEFGHJKLMNPQR:"),
            "{uri}"
        );
        let parsed = EnrolmentUri::parse(&uri).expect("parses");
        assert_eq!(parsed.gateway_url, "https://gateway.force.example:8643");
        assert_eq!(parsed.code.secret, "ABCDEFGHJKLMNPQR");
        assert_eq!(parsed.code.fingerprint, fingerprint.to_vec());
        let link = EnrolmentCode::link("ABCDEFGHJKLMNPQR", &fingerprint);
        for bad in [
            link.as_str(),
            &uri.replace("https://", "ftp://"),
            &uri.replace("https://", "http://"),
            &uri.replace("https://gateway", "https://user:pw@gateway"),
            &format!("{uri}/?x=1"),
            &uri.replace("gateway.force", "gateway force"),
            &uri.replace("8643", "86\u{7}43"),
            &uri[..uri.find(":https").unwrap_or(0)],
            &uri.replace("https://gateway.force.example:8643", "https://"),
            &uri.replace("firstline-enrol:2:ABCD", "firstline-enrol:2:ABC!"),
        ] {
            assert!(EnrolmentUri::parse(bad).is_none(), "{bad:?} parsed");
        }
    }

    #[test]
    fn anything_else_is_not_a_code() {
        let fingerprint = crate::fingerprint(&[3; 32]);
        let typed = EnrolmentCode::typed("ABCDEFGHJKLMNPQR", &fingerprint);
        for bad in [
            "",
            "ABCD-EFGH-JKLM-NPQR",
            &typed[..typed.len() - 1],
            &format!("{typed}A"),
            &typed.replace('A', "0"),
            "<script>alert(1)</script>",
            "firstline-enrol:1:ABCDEFGHJKLMNPQR:",
            "firstline-enrol:2:ABCDEFGHJKLMNPQR:AAAA",
        ] {
            assert_eq!(EnrolmentCode::parse(bad), None, "{bad:?} was taken");
        }
    }
}
