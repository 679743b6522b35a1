//! Training stores: which kind a vault file is (an officer's, or scenario mode's training
//! store), claimed once and checked at every way in, and the training store's records, sealed
//! whole with the unlocked trainer's data key.

use rusqlite::{params, Connection, OptionalExtension};
use zeroize::Zeroizing;

use super::Vault;
use crate::error::VaultError;

/// What a vault file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// An officer's vault: drafts, records, the outbox.
    Live,
    /// Scenario mode's training store.
    Training,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Live => "live",
            Kind::Training => "training",
        }
    }
}

/// The kind the file has said it is, if it has.
fn kind_of(connection: &Connection) -> Result<Option<String>, VaultError> {
    Ok(connection
        .query_row("SELECT kind FROM vault_kind", [], |row| row.get(0))
        .optional()?)
}

/// Whether the file is a training store.
pub(crate) fn is_training(connection: &Connection) -> Result<bool, VaultError> {
    Ok(kind_of(connection)?.as_deref() == Some(Kind::Training.name()))
}

/// Checks the file is `wanted`, claiming it for `wanted` if it has not said yet. A file from
/// before kinds were kept is an officer's vault; it is claimed as a training store only while
/// it holds nothing at all.
pub(crate) fn claim_kind(connection: &Connection, wanted: Kind) -> Result<(), VaultError> {
    let refused = |found: &str| match found {
        "training" => VaultError::TrainingStore,
        _ => VaultError::NotTrainingStore,
    };
    match kind_of(connection)? {
        Some(found) if found == wanted.name() => Ok(()),
        Some(found) => Err(refused(&found)),
        None => {
            let holds_anything: bool = connection.query_row(
                "SELECT EXISTS (SELECT 1 FROM officers) OR EXISTS (SELECT 1 FROM assessments)
                     OR EXISTS (SELECT 1 FROM device)",
                [],
                |row| row.get(0),
            )?;
            if wanted == Kind::Training && holds_anything {
                return Err(VaultError::NotTrainingStore);
            }
            connection.execute(
                "INSERT OR IGNORE INTO vault_kind (singleton, kind) VALUES (1, ?1)",
                [wanted.name()],
            )?;
            match kind_of(connection)? {
                Some(found) if found == wanted.name() => Ok(()),
                Some(found) => Err(refused(&found)),
                None => Err(VaultError::NotTrainingStore),
            }
        }
    }
}

/// A training record's id and its opened bytes (wiped when dropped).
pub type TrainingRecord = (String, Zeroizing<Vec<u8>>);

fn record_aad(record_id: &str) -> Vec<u8> {
    format!("firstline training record v1\0{record_id}").into_bytes()
}

impl Vault {
    /// Whether this vault is a training store.
    pub fn is_training(&self) -> Result<bool, VaultError> {
        is_training(&self.connection)
    }

    /// The unlocked trainer's data key, in a training store only.
    fn trainer_key(&self) -> Result<&crate::crypto::Key, VaultError> {
        if !self.is_training()? {
            return Err(VaultError::NotTrainingStore);
        }
        Ok(&super::officer_session(&self.session)?.dek)
    }

    /// Keeps `plaintext` as the training record `record_id` (replacing one of that id), sealed
    /// with the unlocked trainer's key.
    pub fn save_training_record(
        &mut self,
        record_id: &str,
        plaintext: &[u8],
    ) -> Result<(), VaultError> {
        let sealed = self
            .trainer_key()?
            .seal(plaintext, &record_aad(record_id))?;
        let now = self.now();
        self.connection.execute(
            "INSERT INTO training_records (record_id, sealed, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (record_id) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at",
            params![record_id, sealed, now],
        )?;
        Ok(())
    }

    /// The training records whose ids start with `prefix`, opened, in id order. A record that
    /// does not open (changed outside the app, or moved to another id) is refused.
    pub fn training_records(&self, prefix: &str) -> Result<Vec<TrainingRecord>, VaultError> {
        let key = self.trainer_key()?;
        let mut statement = self.connection.prepare(
            "SELECT record_id, sealed FROM training_records
             WHERE substr(record_id, 1, length(?1)) = ?1 ORDER BY record_id",
        )?;
        let rows = statement
            .query_map([prefix], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, Vec<u8>>(1)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(record_id, sealed): (String, Vec<u8>)| {
                let opened = key.open(&sealed, &record_aad(&record_id)).ok_or_else(|| {
                    VaultError::Damaged {
                        record: record_id.clone(),
                        place: "training record".into(),
                    }
                })?;
                Ok((record_id, opened))
            })
            .collect()
    }

    /// Deletes the training records whose ids start with `prefix`; how many went.
    pub fn delete_training_records(&mut self, prefix: &str) -> Result<usize, VaultError> {
        self.trainer_key()?;
        Ok(self.connection.execute(
            "DELETE FROM training_records WHERE substr(record_id, 1, length(?1)) = ?1",
            [prefix],
        )?)
    }
}
