//! `rotate-keys`: a new records key (the gateway's, made here) and/or a new safeguarding key
//! (the unit's, made on its own machine with `safeguarding-keygen`) go into a newly signed key
//! set, one serial up, with every other key as it was. Devices take the set at their next sync
//! and seal what they finalise after it to the new keys; what they sealed before still names the
//! old key ids, so the old private keys are kept (`<keys>/retired/records-<key id>.key`; the
//! unit keeps its own old `safeguarding.key`) and `open` takes each of them. A run stopped at
//! any step leaves the force usable and is finished or undone by the next (see [`rotate`]).

use std::path::{Path, PathBuf};

use firstline_backend::storage::{ForceRecord, Storage};
use firstline_seal::RecordsKey;
use firstline_trust::{ForceKey, KeyPurpose, KeySet, VerifiedKeySet};

use crate::keys;

/// Where a retired records key is kept, in the gateway's key folder.
pub const RETIRED: &str = "retired";

/// What to rotate.
pub struct Rotation<'a> {
    /// The gateway's key folder (holds `records.key`).
    pub keys: &'a Path,
    /// The force root key, which signed the stored set.
    pub root_key: &'a Path,
    /// Make a new records key.
    pub records: bool,
    /// The safeguarding unit's new public key (`safeguarding.pub`).
    pub safeguarding_public: Option<&'a Path>,
}

/// A key that was replaced: its purpose, old id, new id.
pub struct Rotated {
    pub purpose: &'static str,
    pub old_key_id: String,
    pub new_key_id: String,
}

/// What `rotate` did.
pub struct Outcome {
    pub serial: u64,
    pub rotated: Vec<Rotated>,
    /// Where the old records private key now is.
    pub retired_records_key: Option<PathBuf>,
    /// An earlier run had stored its set and stopped before putting the new records key in
    /// place; this run did only that.
    pub finished_earlier: bool,
}

/// Signs and stores a key set with the new keys; see the module doc.
///
/// The order keeps the force whole whatever step fails: the old records key is copied to
/// `retired/`, the new one written beside `records.key` as `records.key.new`, the set stored,
/// and only then `records.key.new` renamed over `records.key`. A failure before the set is
/// stored leaves `records.key` as it was (a leftover `.new` that no set names sealed nothing,
/// and the next run removes it); a failure after it is finished by the next run.
pub async fn rotate(
    storage: &dyn Storage,
    stored: VerifiedKeySet,
    rotation: &Rotation<'_>,
    now: i64,
) -> Result<Outcome, String> {
    if !rotation.records && rotation.safeguarding_public.is_none() {
        return Err("name what to rotate: --records, --safeguarding-public FILE, or both".into());
    }
    let root = keys::apart_key(rotation.root_key)?;
    if root.verifying_key().to_bytes() != stored.root_public {
        return Err(format!(
            "{} is not the root key that signed the force's key set: devices would refuse a set it signed",
            rotation.root_key.display()
        ));
    }
    if let Some(outcome) = finish_earlier_rotation(rotation.keys, &stored)? {
        return Ok(outcome);
    }
    let mut key_set = stored.key_set.clone();
    let mut rotated = Vec::new();
    let new_safeguarding = rotation
        .safeguarding_public
        .map(keys::safeguarding_public)
        .transpose()?;
    if let Some(public) = &new_safeguarding {
        if public.as_slice() == stored.safeguarding().as_slice() {
            return Err(
                "that safeguarding.pub is the current safeguarding key: the unit makes a new pair with safeguarding-keygen --out <a new folder>"
                    .into(),
            );
        }
        rotated.push(replace(
            &mut key_set,
            KeyPurpose::Safeguarding,
            public.clone(),
        ));
    }
    let retired_records_key = if rotation.records {
        let current = keys::records_key(&rotation.keys.join(keys::RECORDS))?;
        if current.public_bytes() != stored.records() {
            return Err(format!(
                "{} is not the records key in the force's key set: refusing to retire it",
                rotation.keys.join(keys::RECORDS).display()
            ));
        }
        let (new_secret, new_public) = RecordsKey::generate();
        rotated.push(replace(&mut key_set, KeyPurpose::Records, new_public));
        Some(stage_records_key(rotation.keys, &current, &new_secret)?)
    } else {
        None
    };
    key_set.serial += 1;
    key_set.issued_at = now;
    store(storage, &root, &key_set).await?;
    if rotation.records {
        put_staged_key_in_place(rotation.keys)?;
    }
    Ok(Outcome {
        serial: key_set.serial,
        rotated,
        retired_records_key,
        finished_earlier: false,
    })
}

/// Signs `key_set` with the root and stores it as the force's current set.
async fn store(
    storage: &dyn Storage,
    root: &ed25519_dalek::SigningKey,
    key_set: &KeySet,
) -> Result<(), String> {
    let signed = firstline_trust::sign_key_set(root, key_set).map_err(|e| e.to_string())?;
    let verified = firstline_trust::verify_key_set(&signed, firstline_trust::Anchor::FirstSeen)
        .map_err(|error| format!("the new key set does not verify: {error}"))?;
    storage
        .set_key_set(&serde_json::to_string(&signed).map_err(|error| error.to_string())?)
        .await
        .map_err(|error| error.to_string())?;
    storage
        .set_force(&ForceRecord {
            name: key_set.force_name.clone(),
            records_public_key: verified.records(),
            safeguarding_public_key: verified.safeguarding(),
            pack_signing_public_key: verified.pack_signing(),
        })
        .await
        .map_err(|error| error.to_string())
}

/// A `records.key.new` left by an earlier run: if the stored set names it, that run stored its
/// set and stopped before the rename, which is done now (and nothing else); if not, it never
/// reached the set, sealed nothing, and is removed.
fn finish_earlier_rotation(dir: &Path, stored: &VerifiedKeySet) -> Result<Option<Outcome>, String> {
    let staged = dir.join(STAGED);
    if !staged.exists() {
        return Ok(None);
    }
    if keys::records_key(&staged)?.public_bytes() == stored.records() {
        put_staged_key_in_place(dir)?;
        return Ok(Some(Outcome {
            serial: stored.key_set.serial,
            rotated: Vec::new(),
            retired_records_key: None,
            finished_earlier: true,
        }));
    }
    std::fs::remove_file(&staged).map_err(|error| format!("{}: {error}", staged.display()))?;
    Ok(None)
}

/// Puts `public` in the set as the key for `purpose`.
fn replace(key_set: &mut KeySet, purpose: KeyPurpose, public: Vec<u8>) -> Rotated {
    let new = ForceKey::new(purpose, public);
    let mut old_key_id = String::new();
    for key in key_set.keys.iter_mut().filter(|key| key.purpose == purpose) {
        old_key_id = std::mem::replace(key, new.clone()).key_id;
    }
    Rotated {
        purpose: match purpose {
            KeyPurpose::Records => "records",
            _ => "safeguarding",
        },
        old_key_id,
        new_key_id: new.key_id,
    }
}

/// Where the new records key waits until its set is stored.
const STAGED: &str = "records.key.new";

/// Copies the current records key to `retired/records-<key id>.key` and writes the new one as
/// `records.key.new` beside it, both 0600 and synced; returns the retired copy's path.
fn stage_records_key(
    dir: &Path,
    current: &RecordsKey,
    new_secret: &[u8],
) -> Result<PathBuf, String> {
    let retired_dir = dir.join(RETIRED);
    std::fs::create_dir_all(&retired_dir)
        .map_err(|error| format!("{}: {error}", retired_dir.display()))?;
    let key_id = firstline_protocol::key_id(&current.public_bytes());
    let retired = retired_dir.join(format!("records-{key_id}.key"));
    let current_text = std::fs::read(dir.join(keys::RECORDS))
        .map(zeroize::Zeroizing::new)
        .map_err(|error| format!("{}: {error}", dir.join(keys::RECORDS).display()))?;
    match std::fs::read(&retired).map(zeroize::Zeroizing::new) {
        // A rotation that stopped after this step, tried again.
        Ok(kept) if *kept == *current_text => {}
        Ok(_) => {
            return Err(format!(
                "{} exists and holds another key: refusing to overwrite it",
                retired.display()
            ))
        }
        Err(_) => keys::write_private(&retired, &current_text)?,
    }
    sync_folder(&retired_dir)?;
    keys::write_secret(&dir.join(STAGED), new_secret)?;
    sync_folder(dir)?;
    Ok(retired)
}

/// Renames `records.key.new` over `records.key`, once the set naming it is stored.
fn put_staged_key_in_place(dir: &Path) -> Result<(), String> {
    std::fs::rename(dir.join(STAGED), dir.join(keys::RECORDS)).map_err(|error| {
        format!(
            "the new key set is stored, but {} could not be renamed to {} ({error}): run rotate-keys again to finish",
            dir.join(STAGED).display(),
            keys::RECORDS
        )
    })?;
    sync_folder(dir)
}

/// Makes a folder's new and renamed entries durable (Unix; elsewhere the rename is what the
/// file system gives).
fn sync_folder(dir: &Path) -> Result<(), String> {
    #[cfg(unix)]
    std::fs::File::open(dir)
        .and_then(|folder| folder.sync_all())
        .map_err(|error| format!("{}: {error}", dir.display()))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}
