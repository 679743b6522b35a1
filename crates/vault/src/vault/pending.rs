//! Words being typed and the screen the officer is on, so that nothing is lost to Hide, the
//! idle lock, Back or a crash: a pending value is the text typed for one question and not yet
//! saved with Continue (a new answer, or a change to one),
//! sealed like an answer row (question and compartment as keyed tags, padded, under the key of
//! the compartment its section is kept in), one per question, replaced as typing goes on. It is
//! never sealed to the force: saving the answer drops it, and so do finalising and discarding.
//! The screen is the question last shown, as a keyed tag, with when.

use rusqlite::{params, OptionalExtension, TransactionBehavior};
use zeroize::Zeroizing;

use super::{keys_of, officer_session, AssessmentId, Compartment, Vault};
use crate::answer_row;
use crate::error::VaultError;

/// A pending value, decrypted.
pub struct PendingValue {
    /// The question.
    pub question_id: String,
    /// The compartment it is kept in.
    pub compartment: Compartment,
    /// The text as typed.
    pub text: Zeroizing<Vec<u8>>,
}

/// The revision number a pending row's tags and associated data use: answer rows start at 1,
/// so a pending ciphertext never opens as an answer row, nor the reverse.
const PENDING_REVISION: u32 = 0;

fn pending_aad(assessment: &str, question_tag: &str, compartment_tag: &str) -> Vec<u8> {
    format!("firstline pending v1\0{assessment}\0{question_tag}\0{compartment_tag}").into_bytes()
}

impl Vault {
    /// Keeps `text` as the pending value of `question_id` in a draft of the unlocked officer,
    /// under `compartment`'s key, replacing any before. Refused once the record is finalised.
    pub fn save_pending(
        &mut self,
        assessment: &AssessmentId,
        question_id: &str,
        compartment: Compartment,
        text: &[u8],
    ) -> Result<(), VaultError> {
        let session = officer_session(&self.session)?;
        let now = self.now();
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let keys = keys_of(&session.dek, &session.officer, &transaction, assessment)?;
        if keys.finalised {
            return Err(VaultError::Finalised {
                record: assessment.0.clone(),
            });
        }
        let key = keys.for_compartment(compartment, assessment)?;
        let question_tag = keys.tags.question(&assessment.0, question_id);
        let compartment_tag = keys
            .tags
            .compartment(&question_tag, PENDING_REVISION, compartment);
        let sealed = key.seal(
            &answer_row::encode(question_id, text),
            &pending_aad(&assessment.0, &question_tag, &compartment_tag),
        )?;
        transaction
            .prepare_cached(
                "INSERT INTO pending (assessment_id, question_tag, compartment_tag, sealed, saved_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (assessment_id, question_tag) DO UPDATE SET
                     compartment_tag = excluded.compartment_tag, sealed = excluded.sealed,
                     saved_at = excluded.saved_at",
            )?
            .execute(params![assessment.0, question_tag, compartment_tag, sealed, now])?;
        transaction.commit()?;
        Ok(())
    }

    /// Drops the pending value of `question_id`, if any (the officer cleared the field).
    pub fn clear_pending(
        &mut self,
        assessment: &AssessmentId,
        question_id: &str,
    ) -> Result<(), VaultError> {
        let session = officer_session(&self.session)?;
        let keys = keys_of(&session.dek, &session.officer, &self.connection, assessment)?;
        let question_tag = keys.tags.question(&assessment.0, question_id);
        self.connection
            .prepare_cached("DELETE FROM pending WHERE assessment_id = ?1 AND question_tag = ?2")?
            .execute(params![assessment.0, question_tag])?;
        Ok(())
    }

    /// Every pending value of a draft of the unlocked officer, decrypted. A row that does not
    /// open (changed, moved, or its compartment's key destroyed) is reported as damaged,
    /// naming the record and the place, never the value.
    pub fn pending(&self, assessment: &AssessmentId) -> Result<Vec<PendingValue>, VaultError> {
        let session = officer_session(&self.session)?;
        let keys = keys_of(&session.dek, &session.officer, &self.connection, assessment)?;
        let mut statement = self.connection.prepare_cached(
            "SELECT question_tag, compartment_tag, sealed FROM pending
             WHERE assessment_id = ?1 ORDER BY saved_at, rowid",
        )?;
        let rows = statement.query_map([&assessment.0], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, Vec<u8>>(2)?,
            ))
        })?;
        let mut values = Vec::new();
        for row in rows {
            let (question_tag, compartment_tag, sealed) = row?;
            let (question_id, compartment, text) = keys
                .open_row(
                    assessment,
                    &question_tag,
                    PENDING_REVISION,
                    &compartment_tag,
                    &sealed,
                    &pending_aad(&assessment.0, &question_tag, &compartment_tag),
                )
                .ok_or_else(|| VaultError::Damaged {
                    record: assessment.0.clone(),
                    place: format!("pending value {question_tag}"),
                })?;
            values.push(PendingValue {
                question_id,
                compartment,
                text,
            });
        }
        Ok(values)
    }

    /// Notes that `question_id` of a draft of the unlocked officer is on screen now.
    pub fn set_screen(
        &mut self,
        assessment: &AssessmentId,
        question_id: &str,
    ) -> Result<(), VaultError> {
        let session = officer_session(&self.session)?;
        let now = self.now();
        let keys = keys_of(&session.dek, &session.officer, &self.connection, assessment)?;
        if keys.finalised {
            return Err(VaultError::Finalised {
                record: assessment.0.clone(),
            });
        }
        let question_tag = keys.tags.question(&assessment.0, question_id);
        self.connection
            .prepare_cached(
                "UPDATE assessments SET screen_tag = ?2, screen_at = ?3
                 WHERE assessment_id = ?1 AND officer_id = ?4",
            )?
            .execute(params![assessment.0, question_tag, now, session.officer])?;
        Ok(())
    }

    /// The unlocked officer's draft they were last in, and the keyed tag of the question that
    /// was on screen: where to take them back after unlocking. `None` when no draft was on
    /// screen since (or it was finalised or discarded).
    pub fn last_screen(&self) -> Result<Option<(AssessmentId, String)>, VaultError> {
        let session = officer_session(&self.session)?;
        Ok(self
            .connection
            .prepare_cached(
                "SELECT assessment_id, screen_tag FROM assessments
                 WHERE officer_id = ?1 AND finalised_at IS NULL AND wrapped_record_key IS NOT NULL
                     AND screen_tag IS NOT NULL
                 ORDER BY screen_at DESC, assessment_id LIMIT 1",
            )?
            .query_row([&session.officer], |row| {
                Ok((AssessmentId(row.get(0)?), row.get(1)?))
            })
            .optional()?)
    }

    /// Forgets which screen the officer was on (they went home): unlocking then opens home.
    pub fn leave_screen(&mut self) -> Result<(), VaultError> {
        let session = officer_session(&self.session)?;
        self.connection
            .prepare_cached(
                "UPDATE assessments SET screen_tag = NULL, screen_at = NULL WHERE officer_id = ?1",
            )?
            .execute([&session.officer])?;
        Ok(())
    }

    /// The keyed tag naming `question_id` in a draft of the unlocked officer (to match
    /// [`Vault::last_screen`] against the pack's questions).
    pub fn question_tag(
        &self,
        assessment: &AssessmentId,
        question_id: &str,
    ) -> Result<String, VaultError> {
        let session = officer_session(&self.session)?;
        let keys = keys_of(&session.dek, &session.officer, &self.connection, assessment)?;
        Ok(keys.tags.question(&assessment.0, question_id))
    }
}
