//! Enrolling a fleet: a batch of labelled one-time codes written as a CSV and one SVG QR code
//! per device (its enrolment URI: gateway, code and the force root's whole fingerprint), and
//! force IT's work on codes afterwards (list, label, withdraw). The batch is a secret until
//! used: its folder and files are made readable by their owner only.

use std::path::Path;

use firstline_backend::storage::{
    EnrolmentCodeRecord, NewEnrolmentCode, Storage, Withdrawal, CODE_ID_CHARS,
};
use firstline_trust::{EnrolmentCode, EnrolmentUri};
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// The most codes one batch issues.
pub const MAX_BATCH: u32 = 5000;

/// What a batch needs.
pub struct Batch<'a> {
    /// How many codes.
    pub count: u32,
    /// Each label is this and a number (`tablet-` gives `tablet-001`…).
    pub label_prefix: &'a str,
    /// The gateway's URL as devices reach it.
    pub gateway_url: &'a str,
    /// Hours each code stays valid (the command line keeps it to 1 to 720).
    pub valid_hours: i64,
    /// An empty or new folder for `codes.csv` and the SVGs.
    pub out: &'a Path,
}

/// Issues a batch: the codes' hashes stored in one transaction, then the CSV and the SVGs
/// written. Returns the CSV's path.
pub async fn issue(
    storage: &dyn Storage,
    fingerprint: &[u8; 32],
    batch: &Batch<'_>,
    now: i64,
) -> Result<std::path::PathBuf, String> {
    check_label(batch.label_prefix)?;
    if !(1..=MAX_BATCH).contains(&batch.count) {
        return Err(format!("--count must be between 1 and {MAX_BATCH}"));
    }
    if EnrolmentUri::parse(&EnrolmentUri::format(
        batch.gateway_url,
        "ABCDEFGHJKLMNPQR",
        fingerprint,
    ))
    .is_none()
    {
        return Err(format!(
            "--gateway-url {} is not an http(s) URL devices could reach",
            batch.gateway_url
        ));
    }
    private_folder(batch.out)?;
    let width = batch.count.to_string().len().max(3);
    let expires_at = now + batch.valid_hours * 3600;
    let issued: Vec<(String, String)> = (1..=batch.count)
        .map(|number| {
            (
                format!("{}{number:0width$}", batch.label_prefix),
                firstline_backend::new_enrolment_code(),
            )
        })
        .collect();
    let rows: Vec<NewEnrolmentCode> = issued
        .iter()
        .map(|(label, secret)| NewEnrolmentCode {
            code_hash: firstline_backend::enrolment_code_hash(secret),
            expires_at,
            issued_at: Some(now),
            label: Some(label.clone()),
        })
        .collect();
    let mut csv = csv::Writer::from_writer(Vec::new());
    let csv_failed = |error: csv::Error| error.to_string();
    csv.write_record([
        "label",
        "code_id",
        "typed_code",
        "enrolment_uri",
        "expires_at",
    ])
    .map_err(csv_failed)?;
    for ((label, secret), row) in issued.iter().zip(&rows) {
        let uri = EnrolmentUri::format(batch.gateway_url, secret, fingerprint);
        csv.write_record([
            label.as_str(),
            &row.code_hash[..firstline_backend::storage::CODE_ID_CHARS],
            &EnrolmentCode::typed(secret, fingerprint),
            &uri,
            &expires_at.to_string(),
        ])
        .map_err(csv_failed)?;
        crate::keys::write_private(
            &batch.out.join(format!("{label}.svg")),
            qr_svg(&uri)?.as_bytes(),
        )?;
    }
    let csv_path = batch.out.join("codes.csv");
    crate::keys::write_private(
        &csv_path,
        &csv.into_inner().map_err(|error| error.to_string())?,
    )?;
    // Stored last: a batch whose files could not be written enrols nothing.
    storage
        .add_enrolment_codes(&rows)
        .await
        .map_err(|error| error.to_string())?;
    Ok(csv_path)
}

/// A label force IT can give: letters, digits, `.`, `_` and `-` (it names a file), 1–64 long.
pub fn check_label(label: &str) -> Result<(), String> {
    let fits = !label.is_empty()
        && label.len() <= 64
        && !label.starts_with('.')
        && label
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if fits {
        Ok(())
    } else {
        Err(format!(
            "{label:?} is not a label: use 1 to 64 letters, digits, '.', '_' and '-', not starting with '.'"
        ))
    }
}

/// The QR code of `text` as an SVG (medium error correction: it survives a scuffed label).
fn qr_svg(text: &str) -> Result<String, String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|error| format!("cannot make a QR code: {error}"))?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(256, 256)
        .quiet_zone(true)
        .build())
}

/// A code's state as force IT reads it.
pub fn state(code: &EnrolmentCodeRecord, now: i64) -> &'static str {
    match (code.used_at, code.withdrawn_at) {
        (Some(_), _) => "used",
        (None, Some(_)) => "withdrawn",
        (None, None) if code.expires_at <= now => "expired",
        (None, None) => "unused",
    }
}

fn private_folder(path: &Path) -> Result<(), String> {
    let fail = |error: std::io::Error| format!("{}: {error}", path.display());
    if path.exists() {
        if std::fs::read_dir(path).map_err(fail)?.next().is_some() {
            return Err(format!(
                "{} is not empty: give a new folder for the batch",
                path.display()
            ));
        }
    } else {
        let mut folder = std::fs::DirBuilder::new();
        folder.recursive(true);
        // Made private, not made and then narrowed: no moment where others can look in.
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut folder, 0o700);
        folder.create(path).map_err(fail)?;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700)).map_err(fail)?;
    }
    Ok(())
}

/// `codes`: every code as a JSON line (never the code itself).
pub async fn list_codes(storage: &dyn Storage, now: i64) -> Result<(), String> {
    for code in storage
        .enrolment_codes()
        .await
        .map_err(|error| error.to_string())?
    {
        crate::print_json(&serde_json::json!({
            "code_id": code.id,
            "label": code.label,
            "state": state(&code, now),
            "issued_at": code.issued_at,
            "expires_at": code.expires_at,
            "used_at": code.used_at,
            "device_id": code.device_id,
            "withdrawn_at": code.withdrawn_at,
        }))?;
    }
    Ok(())
}

/// `label-code`: labels the one code with this id (and its device, if enrolled).
pub async fn label_code(storage: &dyn Storage, code_id: &str, label: &str) -> Result<(), String> {
    check_label(label)?;
    if storage
        .label_enrolment_code(&code_id.to_ascii_lowercase(), label)
        .await
        .map_err(|error| error.to_string())?
    {
        println!("code {code_id} is labelled {label}");
        Ok(())
    } else {
        Err(no_single_code(code_id))
    }
}

/// `withdraw-code`: the one unused code with this id enrols nothing from now on.
pub async fn withdraw_code(storage: &dyn Storage, code_id: &str, now: i64) -> Result<(), String> {
    match storage
        .withdraw_enrolment_code(&code_id.to_ascii_lowercase(), now)
        .await
        .map_err(|error| error.to_string())?
    {
        Withdrawal::Withdrawn => {
            println!("code {code_id} is withdrawn: it enrols nothing from now on");
            Ok(())
        }
        Withdrawal::AlreadyWithdrawn => {
            println!("code {code_id} was already withdrawn");
            Ok(())
        }
        Withdrawal::AlreadyUsed => Err(format!(
            "code {code_id} has enrolled a device already: revoke or wipe the device instead"
        )),
        Withdrawal::NoSuchCode => Err(no_single_code(code_id)),
    }
}

fn no_single_code(code_id: &str) -> String {
    format!(
        "no code has the id {code_id}, or more than one does: see `firstline-admin codes` for the {CODE_ID_CHARS}-character ids"
    )
}
