//! Who may enrol this device with a force, and leaving a force: an [`EnrolmentPermit`] is
//! minted only while an officer is unlocked and the device is not enrolled, and the sync
//! client's `enrol` takes one, so neither a page script on a locked device nor anyone holding
//! an enrolled tablet can point it at another gateway. Enrolling with another force needs a
//! wipe first; the officer confirms it with their PIN and the number of finalised
//! assessments still waiting, which the wipe destroys.

use rusqlite::OptionalExtension;

use super::{officer_session, Vault};
use crate::device;
use crate::error::VaultError;
use crate::outbox;

/// Proof that the device's first officer was unlocked on this device and that it was not
/// enrolled with a force when the permit was made. Only [`Vault::enrolment_permit`] makes one.
#[derive(Debug)]
pub struct EnrolmentPermit {
    _minted_by_the_vault: (),
}

impl Vault {
    /// A permit to enrol: refused while locked ([`VaultError::Locked`]), to any officer but the
    /// one who set the device up first ([`VaultError::EnrolmentNeedsFirstOfficer`]), and while
    /// the device is enrolled ([`VaultError::AlreadyEnrolled`], which says how many finalised
    /// assessments are still waiting to be sent).
    pub fn enrolment_permit(&self) -> Result<EnrolmentPermit, VaultError> {
        // A training store never enrols: nothing in it may reach a force.
        if super::training::is_training(&self.connection)? {
            return Err(VaultError::TrainingStore);
        }
        let officer = &officer_session(&self.session)?.officer;
        // Anyone can set up an officer on a device; only the officer who set the device up
        // first may choose its force, so an officer made a moment ago (by a page script, say)
        // cannot send the others' records elsewhere.
        let first: Option<String> = self
            .connection
            .query_row(
                "SELECT officer_id FROM officers ORDER BY created_at, rowid LIMIT 1",
                [],
                |row| row.get(0),
            )
            .optional()?;
        if first.as_deref() != Some(officer.as_str()) {
            return Err(VaultError::EnrolmentNeedsFirstOfficer);
        }
        if let Some(enrolled) = device::info(&self.connection)? {
            return Err(VaultError::AlreadyEnrolled {
                force_name: enrolled.force_name,
                waiting: waiting(&self.connection)?,
            });
        }
        Ok(EnrolmentPermit {
            _minted_by_the_vault: (),
        })
    }

    /// Wipes the device so that it can enrol with another force: every officer, assessment,
    /// finalised record still waiting, key and the enrolment go. Needs the unlocked officer's
    /// PIN (a wrong one counts as a wrong PIN) and `waiting_seen`, the number of finalised
    /// assessments still waiting that the officer was shown: if more or fewer wait now,
    /// nothing is wiped ([`VaultError::WaitingChanged`]).
    pub fn wipe_device(&mut self, pin: &str, waiting_seen: u32) -> Result<(), VaultError> {
        let officer = officer_session(&self.session)?.officer.clone();
        self.unlock(&officer, pin)?;
        let waiting = waiting(&self.connection)?;
        if waiting != waiting_seen {
            return Err(VaultError::WaitingChanged { waiting });
        }
        self.session = None;
        let now = self.now();
        device::wipe_everything(&mut self.connection, &self.device_secret, now)
    }
}

/// Finalised assessments not yet received by the force: waiting to be sent, or set aside.
fn waiting(connection: &rusqlite::Connection) -> Result<u32, VaultError> {
    Ok(outbox::status(connection)?.not_received())
}
