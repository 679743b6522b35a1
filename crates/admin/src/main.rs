//! `firstline-admin`: force IT's command line. It works on the gateway's database directly
//! (`--database`, the same value the gateway takes) and on key files, never over the network,
//! so there is no admin endpoint to attack.

mod fleet;
mod keys;
mod policy_check;
mod rotation;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use firstline_backend::storage::{self, ForceRecord, Storage};
use firstline_protocol::{CommandKind, DirectoryEntry, Envelope};
use firstline_trust::{EnrolmentCode, VerifiedKeySet};

/// Force IT's command line for Firstline.
#[derive(Parser)]
#[command(version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Set the force up: make (or reuse) the gateway's keys in --keys (records, pack signing,
    /// receipt signing) and the offline force root key at --root-key, sign the force's key set
    /// with the root (the safeguarding unit's public key and the TLS CA included), and store it
    /// in the gateway's database. Re-run it after changing the safeguarding key or TLS CA: the
    /// set's serial goes up (rotate-keys makes new keys).
    InitForce {
        /// The gateway's database: a SQLite path or a postgres:// URL.
        #[arg(long)]
        database: String,
        /// The force's name as officers will see it.
        #[arg(long)]
        name: String,
        /// The gateway's key folder (private keys written 0600).
        #[arg(long)]
        keys: PathBuf,
        /// The force root key file (made 0600 if missing). Keep it offline, apart from the
        /// gateway: refused inside --keys.
        #[arg(long)]
        root_key: PathBuf,
        /// The safeguarding unit's public key (`safeguarding.pub` from safeguarding-keygen).
        #[arg(long)]
        safeguarding_public: PathBuf,
        /// Force IT's commands key file (made 0600 if missing), which signs device commands (a
        /// wipe). Keep it with force IT, apart from the gateway: refused inside --keys.
        #[arg(long)]
        commands_key: PathBuf,
        /// The PEM certificate of the CA the gateway's TLS certificate chains to; devices pin
        /// it, and refuse an HTTPS gateway whose key set names none. Leave out only for a
        /// gateway on loopback (development).
        #[arg(long)]
        tls_ca: Option<PathBuf>,
    },
    /// Rotate the force's keys: a new records key (made in --keys; the old one is kept in
    /// --keys/retired/records-<key id>.key) and/or the safeguarding unit's new public key (from
    /// safeguarding-keygen --out <a new folder>), in a newly signed key set one serial up with
    /// every other key unchanged. Devices take it at their next sync; what they sealed before
    /// still opens with the old private keys, which `open` takes beside the new ones.
    RotateKeys {
        /// The gateway's database.
        #[arg(long)]
        database: String,
        /// The gateway's key folder (holds records.key).
        #[arg(long)]
        keys: PathBuf,
        /// The force root key file that signed the current key set.
        #[arg(long)]
        root_key: PathBuf,
        /// Make a new records key.
        #[arg(long)]
        records: bool,
        /// The safeguarding unit's new public key (safeguarding.pub).
        #[arg(long)]
        safeguarding_public: Option<PathBuf>,
    },
    /// Make the safeguarding unit's key pair in DIR on the unit's own machine:
    /// `safeguarding.key` (stays there) and `safeguarding.pub` (give it to init-force).
    SafeguardingKeygen {
        /// Where to write the two files.
        #[arg(long)]
        out: PathBuf,
    },
    /// Issue a one-time enrolment code for a device. Prints two lines: the typed code (eight
    /// groups of four, read aloud or typed) and the QR link form, which carries the force root
    /// key's whole fingerprint.
    EnrolmentCode {
        /// The gateway's database.
        #[arg(long)]
        database: String,
        /// Hours until the code expires.
        #[arg(long, default_value_t = 24)]
        valid_hours: i64,
    },
    /// Issue one-time enrolment codes for a fleet. Writes OUT/codes.csv (label, code id,
    /// typed code, enrolment URI, expiry) and OUT/<label>.svg, a QR code of each device's
    /// enrolment URI (gateway URL, code, force root fingerprint) for device-management tools
    /// or devices that scan. Until used, these files enrol devices: keep them like passwords.
    EnrolmentCodes {
        /// The gateway's database.
        #[arg(long)]
        database: String,
        /// How many codes (at most 5000).
        #[arg(long)]
        count: u32,
        /// Labels are this and a number: `tablet-` gives tablet-001, tablet-002…
        #[arg(long, default_value = "device-")]
        label_prefix: String,
        /// The gateway's URL as devices reach it (https://…).
        #[arg(long)]
        gateway_url: String,
        /// Hours until the codes expire, 1 to 720.
        #[arg(long, default_value_t = 72, value_parser = clap::value_parser!(i64).range(1..=720))]
        valid_hours: i64,
        /// A new or empty folder for the CSV and the SVGs (made readable by its owner only).
        #[arg(long)]
        out: PathBuf,
    },
    /// List enrolment codes (JSON lines): id, label, state (unused, used, expired,
    /// withdrawn), when issued, when it expires, the device that used it. Never the code.
    Codes {
        /// The gateway's database.
        #[arg(long)]
        database: String,
    },
    /// Label a code (and the device enrolled with it, if any).
    LabelCode {
        /// The gateway's database.
        #[arg(long)]
        database: String,
        /// The code's id, from `codes` or the batch's CSV.
        code_id: String,
        /// The label.
        label: String,
    },
    /// Withdraw an unused code: it enrols nothing from now on (a device that tries is told
    /// the code is unknown or expired).
    WithdrawCode {
        /// The gateway's database.
        #[arg(long)]
        database: String,
        /// The code's id.
        code_id: String,
    },
    /// List enrolled devices (JSON lines): label, name, state, app version, last sync, the
    /// longest audit chain each reported and a flag if its chain ever got shorter or a head
    /// changed for a length already seen.
    Devices {
        /// The gateway's database.
        #[arg(long)]
        database: String,
    },
    /// Revoke a device: every later request from it is refused.
    Revoke {
        /// The gateway's database.
        #[arg(long)]
        database: String,
        /// The device id.
        device_id: String,
    },
    /// Order a device to wipe its data at its next sync, signed with force IT's commands key
    /// (the device carries out no unsigned order). This also revokes it: from now on it can
    /// fetch and acknowledge the wipe and nothing else.
    Wipe {
        /// The gateway's database.
        #[arg(long)]
        database: String,
        /// Force IT's commands key file (from init-force --commands-key).
        #[arg(long)]
        commands_key: PathBuf,
        /// The device id.
        device_id: String,
    },
    /// Back the gateway's SQLite database up while the gateway runs: a consistent copy, checked
    /// and readable by its owner only. It holds ciphertext, hashes and public keys only, but
    /// keep it as the force keeps sealed data. (PostgreSQL: `pg_dump`, see docs/deploy.md.)
    Backup {
        /// The gateway's SQLite database.
        #[arg(long)]
        database: String,
        /// The backup file to write (must not exist).
        #[arg(long)]
        out: PathBuf,
    },
    /// Restore the gateway's SQLite database from a backup, replacing what it holds now: the
    /// backup is checked first (whole, a gateway database, no newer than this version). Stop
    /// the gateway first; it brings an older backup's schema up to date when it starts.
    Restore {
        /// The gateway's SQLite database.
        #[arg(long)]
        database: String,
        /// The backup file.
        #[arg(long)]
        from: PathBuf,
    },
    /// Print the force root key's fingerprint (64 hex digits), as a machine policy's managed
    /// enrolment names it (`root_fingerprint`).
    RootFingerprint {
        /// The gateway's database.
        #[arg(long)]
        database: String,
    },
    /// Check a machine policy file (policy.toml) before the device-management system drops
    /// it on devices: prints each setting it fixes, or what is wrong and where. With
    /// managed enrolment and a code, the code is checked against the root fingerprint.
    CheckPolicy {
        /// The policy file.
        file: PathBuf,
    },
    /// Sign a form pack with the force's pack-signing key.
    SignPack {
        /// The force's key directory.
        #[arg(long)]
        keys: PathBuf,
        /// The unsigned pack (JSON).
        #[arg(long)]
        pack: PathBuf,
        /// Where to write the signed pack.
        #[arg(long)]
        out: PathBuf,
    },
    /// Sign a scenario pack for scenario mode with the force's pack-signing key, after checking
    /// it against the form pack it runs on (the built-in pack, or --form-pack).
    SignScenario {
        /// The force's key directory.
        #[arg(long)]
        keys: PathBuf,
        /// The unsigned scenario (JSON; docs/scenario-pack.md).
        #[arg(long)]
        scenario: PathBuf,
        /// The force's signed form pack the scenario runs on, if not the built-in one.
        #[arg(long)]
        form_pack: Option<PathBuf>,
        /// Where to write the signed scenario.
        #[arg(long)]
        out: PathBuf,
    },
    /// Publish a signed pack as the force's current one (checked against the force's key).
    PublishPack {
        /// The gateway's database.
        #[arg(long)]
        database: String,
        /// The signed pack.
        #[arg(long)]
        pack: PathBuf,
    },
    /// Add or change a support service in the directory devices pull.
    PutService {
        /// The gateway's database.
        #[arg(long)]
        database: String,
        /// Stable id.
        #[arg(long)]
        id: String,
        /// Name.
        #[arg(long)]
        name: String,
        /// How to reach it.
        #[arg(long)]
        contact: String,
        /// What it offers.
        #[arg(long, default_value = "")]
        description: String,
    },
    /// Remove a support service from the directory.
    RemoveService {
        /// The gateway's database.
        #[arg(long)]
        database: String,
        /// Its id.
        id: String,
    },
    /// Change the policy devices fetch from the gateway (idle lock, PIN lockout, how long a
    /// received record stays readable on the device, whether a device secret may live in a
    /// file). Only the settings given change; the others keep their stored (or default)
    /// values. Prints the policy as it now stands.
    SetPolicy {
        /// The gateway's database.
        #[arg(long)]
        database: String,
        /// Seconds without input after which the app locks, 30 to 300 [default: 300]. A
        /// device takes the shortest of this, its machine policy and the default.
        #[arg(long, value_parser = clap::value_parser!(u32).range(30..=300))]
        idle_lock_seconds: Option<u32>,
        /// Wrong PINs in a row after which an officer's key is destroyed, 1 to 10
        /// [default: 10]. A device takes the fewest of this, its machine policy and the default.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10))]
        max_failed_pins: Option<u32>,
        /// Destroy a finalised record's readable copy on the device at sealing, instead of
        /// keeping it until the force's receipt (`--destroy-readable-copy-at-sealing false`
        /// keeps it again) [default: false].
        #[arg(long, num_args = 0..=1, default_missing_value = "true")]
        destroy_readable_copy_at_sealing: Option<bool>,
        /// Forbid the device secret in a file where no OS keyring answers: such devices refuse
        /// to open, and a file secret moves into the keyring where one answers
        /// (`--forbid-file-secret false` allows it again) [default: false].
        #[arg(long, num_args = 0..=1, default_missing_value = "true")]
        forbid_file_secret: Option<bool>,
    },
    /// Open stored submissions into JSON lines for the records system, each after checking its
    /// device signature against the enrolled device that sent it. The migrant-victim
    /// section is opened only when the safeguarding key is given (then `migrant_section`, null
    /// when empty); without it nothing in the output says whether a submission has one.
    Open {
        /// The gateway's database.
        #[arg(long)]
        database: String,
        /// The records private key file. Give it once for each key in use since the last
        /// rotation (`records.key` and the files in `<keys>/retired/`): each submission is opened
        /// with the key its envelope names.
        #[arg(long, required = true)]
        records_key: Vec<PathBuf>,
        /// The safeguarding private key file (safeguarding unit only), once for each of the
        /// unit's key pairs still in use.
        #[arg(long)]
        safeguarding_key: Vec<PathBuf>,
        /// Only submissions after this export cursor.
        #[arg(long, default_value_t = 0)]
        after: i64,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("firstline-admin: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("firstline-admin: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Opens the gateway's database (bringing its schema up to date, as the gateway would). A
/// PostgreSQL password comes from FIRSTLINE_DATABASE_PASSWORD, never the command line.
async fn database(url: &str) -> Result<std::sync::Arc<dyn Storage>, String> {
    if firstline_backend::config::url_has_password(url) {
        return Err(format!(
            "--database has a password in it, which every user can read in the process list: give it in {}",
            firstline_backend::config::PASSWORD_VARIABLE
        ));
    }
    let password = std::env::var(firstline_backend::config::PASSWORD_VARIABLE)
        .ok()
        .filter(|password| !password.is_empty())
        .map(zeroize::Zeroizing::new);
    storage::open_with(
        url,
        password.as_deref().map(String::as_str),
        storage::Migrate::Apply,
    )
    .await
    .map_err(|error| format!("cannot open the database: {error}"))
}

/// The force's stored key set, verified (under its own root: init-force signed it).
async fn stored_key_set(storage: &dyn Storage) -> Result<Option<VerifiedKeySet>, String> {
    let Some(signed) = firstline_backend::storage::stored_key_set(storage).await? else {
        return Ok(None);
    };
    firstline_trust::verify_key_set(&signed, firstline_trust::Anchor::FirstSeen)
        .map(Some)
        .map_err(|error| format!("the stored key set does not verify: {error}"))
}

/// The serial of the stored key set, if `root` signed it (0 otherwise: a new root starts again).
async fn previous_serial(
    storage: &dyn Storage,
    root: &ed25519_dalek::SigningKey,
) -> Result<u64, String> {
    Ok(stored_key_set(storage)
        .await?
        .filter(|stored| stored.root_public == root.verifying_key().to_bytes())
        .map(|stored| stored.key_set.serial)
        .unwrap_or(0))
}

/// The DER of the first certificate in a PEM file.
fn tls_ca_der(path: &std::path::Path) -> Result<Vec<u8>, String> {
    use rustls_pki_types::pem::PemObject;
    let not_a_certificate =
        |why: String| format!("{}: not a PEM certificate ({why})", path.display());
    let der = rustls_pki_types::CertificateDer::from_pem_file(path)
        .map_err(|error| not_a_certificate(error.to_string()))?
        .to_vec();
    if der.is_empty() {
        return Err(not_a_certificate("empty".into()));
    }
    Ok(der)
}

/// A SQLite database's path; PostgreSQL is backed up with its own tools.
fn sqlite_only(url: &str) -> Result<&std::path::Path, String> {
    if storage::is_postgres(url) {
        return Err(
            "this database is PostgreSQL: back it up with pg_dump --format=custom and restore with pg_restore (docs/deploy.md)"
                .into(),
        );
    }
    Ok(std::path::Path::new(url))
}

/// Bytes as lower-case hex.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

pub(crate) fn print_json(value: &impl serde::Serialize) -> Result<(), String> {
    let line = serde_json::to_string(value).map_err(|error| error.to_string())?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}").map_err(|error| error.to_string())
}

async fn run(command: Command) -> Result<(), String> {
    let now = firstline_backend::unix_now();
    match command {
        Command::InitForce {
            database: url,
            name,
            keys,
            root_key,
            safeguarding_public,
            commands_key,
            tls_ca,
        } => {
            let force_keys = keys::ForceKeys::load_or_create(&keys)?;
            let root = keys::apart_key_load_or_create(&root_key, &keys)?;
            let commands = keys::apart_key_load_or_create(&commands_key, &keys)?;
            let safeguarding_public = keys::safeguarding_public(&safeguarding_public)?;
            let tls_ca_given = tls_ca.clone();
            let tls_ca = tls_ca.as_deref().map(tls_ca_der).transpose()?;
            let storage = database(&url).await?;
            let serial = previous_serial(&*storage, &root).await? + 1;
            let key_set = firstline_trust::KeySet::new(
                &name,
                serial,
                now,
                force_keys.records_public.clone(),
                safeguarding_public.clone(),
                force_keys.pack_signing_public(),
                force_keys.receipt_signing_public(),
                commands.verifying_key().to_bytes().to_vec(),
                tls_ca,
            );
            let signed = firstline_trust::sign_key_set(&root, &key_set)
                .map_err(|error| error.to_string())?;
            storage
                .set_force(&ForceRecord {
                    name: name.clone(),
                    records_public_key: force_keys.records_public.clone(),
                    safeguarding_public_key: safeguarding_public,
                    pack_signing_public_key: force_keys.pack_signing_public(),
                })
                .await
                .map_err(|error| error.to_string())?;
            storage
                .set_key_set(&serde_json::to_string(&signed).map_err(|error| error.to_string())?)
                .await
                .map_err(|error| error.to_string())?;
            if tls_ca_given.is_none() {
                eprintln!(
                    "firstline-admin: no --tls-ca: devices will enrol only with a gateway on loopback (plain HTTP)"
                );
            }
            println!(
                "force {name:?} is set up (key set {serial}); gateway keys in {}; root key {} (keep it offline)",
                keys.display(),
                root_key.display()
            );
            Ok(())
        }
        Command::RotateKeys {
            database: url,
            keys,
            root_key,
            records,
            safeguarding_public,
        } => {
            let storage = database(&url).await?;
            let stored = stored_key_set(&*storage)
                .await?
                .ok_or("the force is not set up: run init-force first")?;
            let rotation = rotation::Rotation {
                keys: &keys,
                root_key: &root_key,
                records,
                safeguarding_public: safeguarding_public.as_deref(),
            };
            let outcome = rotation::rotate(&*storage, stored, &rotation, now).await?;
            if outcome.finished_earlier {
                println!(
                    "finished an earlier rotation: records.key now holds key set {}'s records key; nothing else changed (run again to rotate again)",
                    outcome.serial
                );
                return Ok(());
            }
            for rotated in &outcome.rotated {
                println!(
                    "{} key {} -> {}",
                    rotated.purpose, rotated.old_key_id, rotated.new_key_id
                );
            }
            if let Some(retired) = &outcome.retired_records_key {
                println!(
                    "the old records key is kept in {}: open needs it for what was sealed to it",
                    retired.display()
                );
            }
            println!(
                "key set {} signed and stored: devices take it at their next sync",
                outcome.serial
            );
            Ok(())
        }
        Command::SafeguardingKeygen { out } => {
            let (private, public) = keys::safeguarding_keygen(&out)?;
            println!(
                "safeguarding key pair made: {} stays with the safeguarding unit; give {} to init-force",
                private.display(),
                public.display()
            );
            Ok(())
        }
        Command::EnrolmentCode {
            database: url,
            valid_hours,
        } => {
            let storage = database(&url).await?;
            let root = stored_key_set(&*storage)
                .await?
                .ok_or("the force is not set up: run init-force first")?
                .root_public;
            let secret = firstline_backend::new_enrolment_code();
            storage
                .add_enrolment_code(
                    &firstline_backend::enrolment_code_hash(&secret),
                    now + valid_hours.clamp(1, 24 * 30) * 3600,
                )
                .await
                .map_err(|error| error.to_string())?;
            let fingerprint = firstline_trust::fingerprint(&root);
            println!("{}", EnrolmentCode::typed(&secret, &fingerprint));
            println!("{}", EnrolmentCode::link(&secret, &fingerprint));
            Ok(())
        }
        Command::EnrolmentCodes {
            database: url,
            count,
            label_prefix,
            gateway_url,
            valid_hours,
            out,
        } => {
            let storage = database(&url).await?;
            let root = stored_key_set(&*storage)
                .await?
                .ok_or("the force is not set up: run init-force first")?
                .root_public;
            let batch = fleet::Batch {
                count,
                label_prefix: &label_prefix,
                gateway_url: &gateway_url,
                valid_hours,
                out: &out,
            };
            let csv =
                fleet::issue(&*storage, &firstline_trust::fingerprint(&root), &batch, now).await?;
            println!(
                "{count} codes: {} and one QR code (SVG) per device beside it",
                csv.display()
            );
            println!(
                "force root fingerprint (a machine policy's root_fingerprint): {}",
                hex(&firstline_trust::fingerprint(&root))
            );
            Ok(())
        }
        Command::Codes { database: url } => fleet::list_codes(&*database(&url).await?, now).await,
        Command::LabelCode {
            database: url,
            code_id,
            label,
        } => fleet::label_code(&*database(&url).await?, &code_id, &label).await,
        Command::WithdrawCode {
            database: url,
            code_id,
        } => fleet::withdraw_code(&*database(&url).await?, &code_id, now).await,
        Command::Backup { database: url, out } => {
            let path = sqlite_only(&url)?;
            let version =
                storage::sqlite_backup::backup(path, &out).map_err(|error| error.to_string())?;
            println!(
                "backed up to {} (schema version {version}, checked)",
                out.display()
            );
            Ok(())
        }
        Command::Restore {
            database: url,
            from,
        } => {
            let path = sqlite_only(&url)?;
            let version =
                storage::sqlite_backup::restore(path, &from).map_err(|error| error.to_string())?;
            println!(
                "restored {} from {} (schema version {version}: the gateway brings it up to date when it starts)",
                path.display(),
                from.display()
            );
            Ok(())
        }
        Command::RootFingerprint { database: url } => {
            let storage = database(&url).await?;
            let root = stored_key_set(&*storage)
                .await?
                .ok_or("the force is not set up: run init-force first")?
                .root_public;
            println!("{}", hex(&firstline_trust::fingerprint(&root)));
            Ok(())
        }
        Command::CheckPolicy { file } => policy_check::check_policy(&file),
        Command::Devices { database: url } => {
            let storage = database(&url).await?;
            for device in storage.devices().await.map_err(|error| error.to_string())? {
                let audit = storage
                    .audit_of(&device.device_id)
                    .await
                    .map_err(|error| error.to_string())?;
                print_json(&serde_json::json!({
                    "device_id": device.device_id,
                    "label": device.label,
                    "name": device.name,
                    "state": if device.revoked_at.is_some() { "revoked" } else { "active" },
                    "app_version": device.app_version,
                    "enrolled_at": device.enrolled_at,
                    "last_seen_at": device.last_seen_at,
                    "revoked_at": device.revoked_at,
                    "audit_length": audit.as_ref().map(|(length, _)| *length),
                    "audit_flag": audit.and_then(|(_, flag)| flag),
                }))?;
            }
            Ok(())
        }
        Command::Revoke {
            database: url,
            device_id,
        } => {
            if database(&url)
                .await?
                .revoke_device(&device_id, now)
                .await
                .map_err(|error| error.to_string())?
            {
                println!("device {device_id} is revoked");
                Ok(())
            } else {
                Err(format!("no device {device_id}"))
            }
        }
        Command::Wipe {
            database: url,
            commands_key,
            device_id,
        } => {
            let commands = keys::apart_key(&commands_key)?;
            let storage = database(&url).await?;
            match storage
                .order_command(&device_id, CommandKind::Wipe, now)
                .await
                .map_err(|error| error.to_string())?
            {
                Some(id) => {
                    let signature = firstline_trust::sign_command(
                        &commands,
                        &device_id,
                        id,
                        CommandKind::Wipe.name(),
                    );
                    storage
                        .sign_command(id, &signature.0)
                        .await
                        .map_err(|error| error.to_string())?;
                    println!(
                        "device {device_id} is revoked and will wipe its data at its next sync (command {id})"
                    );
                    Ok(())
                }
                None => Err(format!("no device {device_id}")),
            }
        }
        Command::SignPack { keys, pack, out } => {
            let force_keys = keys::ForceKeys::load(&keys)?;
            let bytes =
                std::fs::read(&pack).map_err(|error| format!("{}: {error}", pack.display()))?;
            let signed =
                firstline_form::sign_pack(&bytes, keys::PACK_KEY_ID, force_keys.pack_signing())
                    .map_err(|error| format!("{}: {error}", pack.display()))?;
            std::fs::write(&out, signed).map_err(|error| format!("{}: {error}", out.display()))?;
            println!("signed {} -> {}", pack.display(), out.display());
            Ok(())
        }
        Command::SignScenario {
            keys,
            scenario,
            form_pack,
            out,
        } => {
            let force_keys = keys::ForceKeys::load(&keys)?;
            let pack = match &form_pack {
                Some(path) => {
                    let bytes = std::fs::read(path)
                        .map_err(|error| format!("{}: {error}", path.display()))?;
                    let trusted = keys::trusted_pack_key(&force_keys.pack_signing_public())?;
                    firstline_form::verify_pack(&bytes, &[trusted])
                        .map_err(|error| format!("{}: {error}", path.display()))?
                }
                None => firstline_form::default_pack().map_err(|error| error.to_string())?,
            };
            let bytes = std::fs::read(&scenario)
                .map_err(|error| format!("{}: {error}", scenario.display()))?;
            let signed = firstline_training::sign_scenario(
                &bytes,
                keys::PACK_KEY_ID,
                force_keys.pack_signing(),
                &pack,
            )
            .map_err(|error| format!("{}: {error}", scenario.display()))?;
            std::fs::write(&out, signed).map_err(|error| format!("{}: {error}", out.display()))?;
            println!("signed {} -> {}", scenario.display(), out.display());
            Ok(())
        }
        Command::PublishPack {
            database: url,
            pack,
        } => {
            let storage = database(&url).await?;
            let force = storage
                .force()
                .await
                .map_err(|error| error.to_string())?
                .ok_or("the force is not set up: run init-force first")?;
            let bytes =
                std::fs::read(&pack).map_err(|error| format!("{}: {error}", pack.display()))?;
            let trusted = keys::trusted_pack_key(&force.pack_signing_public_key)?;
            let verified = firstline_form::verify_pack(&bytes, &[trusted])
                .map_err(|error| format!("{}: {error}", pack.display()))?;
            storage
                .set_current_pack(verified.content_hash(), &bytes, now)
                .await
                .map_err(|error| error.to_string())?;
            println!("published {} as the current pack", verified.content_hash());
            Ok(())
        }
        Command::PutService {
            database: url,
            id,
            name,
            contact,
            description,
        } => database(&url)
            .await?
            .put_service(&DirectoryEntry {
                id,
                name,
                contact,
                description,
            })
            .await
            .map_err(|error| error.to_string()),
        Command::RemoveService { database: url, id } => {
            if database(&url)
                .await?
                .remove_service(&id)
                .await
                .map_err(|error| error.to_string())?
            {
                Ok(())
            } else {
                Err(format!("no service {id}"))
            }
        }
        Command::SetPolicy {
            database: url,
            idle_lock_seconds,
            max_failed_pins,
            destroy_readable_copy_at_sealing,
            forbid_file_secret,
        } => {
            let storage = database(&url).await?;
            let mut policy = storage
                .policy()
                .await
                .map_err(|error| error.to_string())?
                .unwrap_or_else(firstline_backend::default_policy);
            if let Some(seconds) = idle_lock_seconds {
                policy.idle_lock_seconds = seconds;
            }
            if let Some(count) = max_failed_pins {
                policy.max_failed_pins = count;
            }
            if let Some(destroy) = destroy_readable_copy_at_sealing {
                policy.keep_readable_copy_until_receipt = !destroy;
            }
            if let Some(forbid) = forbid_file_secret {
                policy.allow_file_secret = !forbid;
            }
            storage
                .set_policy(&policy)
                .await
                .map_err(|error| error.to_string())?;
            print_json(&policy)
        }
        Command::Open {
            database: url,
            records_key,
            safeguarding_key,
            after,
        } => {
            let records =
                keys::KeyRing::load(&records_key, keys::records_key, |key| key.public_bytes())?;
            let safeguarding =
                keys::KeyRing::load(&safeguarding_key, keys::safeguarding_key, |key| {
                    key.public_bytes()
                })?;
            let storage = database(&url).await?;
            let devices: std::collections::HashMap<String, storage::DeviceRecord> = storage
                .devices()
                .await
                .map_err(|error| error.to_string())?
                .into_iter()
                .map(|device| (device.device_id.clone(), device))
                .collect();
            let mut cursor = after;
            loop {
                let batch = storage
                    .submissions_after(cursor, 500)
                    .await
                    .map_err(|error| error.to_string())?;
                let Some(last) = batch.last() else { break };
                cursor = last.seq;
                for stored in &batch {
                    print_json(&open_submission(
                        stored,
                        devices.get(&stored.device_id),
                        &records,
                        &safeguarding,
                    )?)?;
                }
            }
            Ok(())
        }
    }
}

/// One stored submission, opened: its record and, only when the safeguarding key is given, its
/// migrant-victim section (`null` when empty). Without that key the output says nothing about
/// whether there is one: every envelope carries a padded safeguarding part.
fn open_submission(
    stored: &storage::StoredSubmission,
    device: Option<&storage::DeviceRecord>,
    records: &keys::KeyRing<firstline_seal::RecordsKey>,
    safeguarding: &keys::KeyRing<firstline_seal::SafeguardingKey>,
) -> Result<serde_json::Value, String> {
    let envelope: Envelope = serde_json::from_str(&stored.envelope).map_err(|error| {
        format!(
            "submission {}: stored envelope unreadable: {error}",
            stored.submission_id
        )
    })?;
    // The gateway checked the device's signature on the way in; check it again here, where the
    // record is opened, so that a row changed in the database is not taken for the device's.
    let device = device
        .filter(|device| device.device_id == envelope.device_id)
        .ok_or_else(|| {
            format!(
                "submission {}: sent by no device the force enrolled; not opened",
                stored.submission_id
            )
        })?;
    firstline_seal::verify(&envelope, &device.public_key).map_err(|error| {
        format!(
            "submission {}: the device signature does not verify ({error}); not opened",
            stored.submission_id
        )
    })?;
    let not_given = |compartment: &str, option: &str, key_id: &Option<String>| {
        format!(
            "submission {}: sealed to the {compartment} key {}, which no {option} given is (after rotate-keys, give the retired key too)",
            stored.submission_id,
            key_id.as_deref().unwrap_or_default()
        )
    };
    let records = records
        .for_id(envelope.records_key_id.as_deref())
        .ok_or_else(|| not_given("records", "--records-key", &envelope.records_key_id))?;
    let safeguarding = if safeguarding.is_empty() {
        None
    } else {
        Some(
            safeguarding
                .for_id(envelope.safeguarding_key_id.as_deref())
                .ok_or_else(|| {
                    not_given(
                        "safeguarding",
                        "--safeguarding-key",
                        &envelope.safeguarding_key_id,
                    )
                })?,
        )
    };
    let opened = firstline_seal::open_submission(&envelope, records, safeguarding)
        .map_err(|error| format!("submission {}: {error}", stored.submission_id))?;
    let mut output = serde_json::json!({
        "seq": stored.seq,
        "submission_id": stored.submission_id,
        "supersedes": envelope.supersedes,
        "device_id": stored.device_id,
        "device_name": device.name,
        "device_signature": "verified",
        "received_at": stored.received_at,
        "content_hash": stored.content_hash,
        "record": opened.record,
    });
    if safeguarding.is_some() {
        output["migrant_section"] = opened.safeguarding_section.unwrap_or_default();
    }
    Ok(output)
}
