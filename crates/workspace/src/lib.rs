//! An officer's open work on a device: the vault, the assessment open on screen, the idle lock,
//! and which pack a new assessment uses; start / answer / resume / amend / finalise.
//!
//! This crate holds the rules that decide what is kept and what leaves the device, so that they
//! are tested without a window:
//! - **the compartment rule**: an answer is encrypted under the key its section's `sealed_to`
//!   marker names (the safeguarding compartment only for a section sealed to the safeguarding
//!   key), never by "is behind a gate";
//! - **complete before finalise**: finalising is refused while the engine's
//!   [`Assessment::missing_required`] is not empty, or a gate that must open first
//!   ([`Assessment::gates_blocking_finalise`]) is closed and not deferred; the gates deferred
//!   then, and whether the grade is below the guidance, are written into the record;
//! - **what is sealed is what was shown**: finalising seals exactly the answers
//!   check-your-answers shows at that moment; the vault destroys every other;
//! - **the idle lock**: after the policy's idle time the vault locks before the next command;
//! - **the device's policy** (`policy.rs`): the machine policy re-read and merged with the
//!   force's at each unlock, and applied (idle lock, PIN rules, officer set-up, `--pack`,
//!   managed enrolment);
//! - **typed audit events**: a refused gated answer is audited naming its question only by a
//!   keyed hash.
//!
//! It combines `firstline-form` and `firstline-vault` (GitButler's `but-api` role); the Tauri
//! shell only exposes it. No tauri here.

mod error;
mod idle;
mod packs;
mod policy;

use std::sync::Arc;
use std::time::{Duration, Instant};

use firstline_form::{
    AnswerValue, Assessment, AssessmentView, AuditEvent, Language, SealedTo, Service, Summary,
};
use firstline_vault::{
    AssessmentId, Compartment, EnrolmentPermit, Finalised, RecordNotes, ShownAnswer, Vault,
    VaultError,
};
use zeroize::Zeroizing;

pub use error::{Forbidden, Refusal, WorkspaceError};
pub use firstline_policy::{machine_policy_path, Effective, Setting, Source, StartOptions};
pub use idle::{Activity, IdleLock};
pub use packs::{trusted_keys as trusted_pack_keys, verify as verify_pack, PackSource, PackTrust};
pub use policy::{file_secret_allowed, DevicePolicy};

/// The assessment on screen and its record in the vault.
struct OpenAssessment {
    id: AssessmentId,
    assessment: Assessment,
}

/// What finalising did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finalising {
    /// Sealed and in the outbox.
    Sealed(Finalised),
    /// Locked on a device not enrolled yet: sealed at the first unlock after enrolment.
    WaitingForEnrolment {
        /// The submission id it will have.
        submission_id: String,
    },
}

impl Finalising {
    /// The submission id.
    pub fn submission_id(&self) -> &str {
        match self {
            Finalising::Sealed(finalised) => &finalised.submission_id,
            Finalising::WaitingForEnrolment { submission_id } => submission_id,
        }
    }
}

/// A reopened draft (or a new amendment): its view and the question to show first.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Resumed<'a> {
    /// The view.
    pub view: AssessmentView<'a>,
    /// The index in `view.questions` where the officer stopped.
    pub resume_at: usize,
}

/// A draft in the officer's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// What the vault keeps of it (id, pack, last change).
    pub summary: firstline_vault::DraftSummary,
    /// How many of its answers are shown now.
    pub answered: usize,
}

/// An officer's open work on this device.
pub struct Workspace {
    vault: Vault,
    open: Option<OpenAssessment>,
    idle: IdleLock,
    policy: DevicePolicy,
    packs: PackSource,
    trust: PackTrust,
}

/// Where a reopened draft picks up: after the question answered last (the vault gives answers
/// in the order they were last saved), or at the start.
fn resume_position(view: &AssessmentView<'_>, last: Option<&str>) -> usize {
    last.and_then(|last| {
        view.questions
            .iter()
            .position(|question| question.id == last)
    })
    .map(|stopped| (stopped + 1).min(view.questions.len().saturating_sub(1)))
    .unwrap_or(0)
}

/// Today's date in UTC, `YYYY-MM-DD`: what information screens' review dates are compared with
/// (a day's precision is all a review date has).
fn today() -> String {
    time::OffsetDateTime::now_utc().date().to_string()
}

/// The key a section's answers are kept under on the device: the compartment rule.
pub fn compartment_for(sealed_to: SealedTo) -> Compartment {
    match sealed_to {
        SealedTo::Records => Compartment::Main,
        SealedTo::Safeguarding => Compartment::Safeguarding,
    }
}

/// An officer id as typed: trimmed, 1 to 40 letters, digits, spaces, dots or hyphens.
pub fn checked_officer_id(raw: &str) -> Result<String, WorkspaceError> {
    let id = raw.trim();
    let fits = (1..=40).contains(&id.chars().count())
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '.'));
    if fits {
        Ok(id.to_string())
    } else {
        Err(WorkspaceError::BadOfficerId)
    }
}

impl Workspace {
    /// A workspace over an opened vault with no machine policy, `idle_limit` standing in for
    /// the default idle lock (tests).
    pub fn new(
        vault: Vault,
        packs: PackSource,
        trust: PackTrust,
        idle_limit: Duration,
    ) -> Workspace {
        let policy = DevicePolicy::unmanaged(StartOptions {
            idle_lock_seconds: Some(u32::try_from(idle_limit.as_secs()).unwrap_or(u32::MAX)),
        });
        Workspace::with_policy(vault, packs, trust, policy)
    }

    /// A workspace over an opened vault under the device's `policy`, applied at once.
    pub fn with_policy(
        vault: Vault,
        packs: PackSource,
        trust: PackTrust,
        policy: DevicePolicy,
    ) -> Workspace {
        let mut workspace = Workspace {
            vault,
            open: None,
            idle: IdleLock::new(Duration::from_secs(300)),
            packs,
            trust,
            policy,
        };
        workspace.apply_policy();
        workspace
    }

    /// Re-reads the machine policy, merges it with the force's as the vault keeps it, and
    /// applies the result: the idle lock and the vault's PIN limits.
    fn apply_policy(&mut self) {
        let force =
            self.vault
                .force_policy()
                .ok()
                .flatten()
                .map(|kept| firstline_policy::ForceSettings {
                    idle_lock_seconds: kept.idle_lock_seconds,
                    max_failed_pins: kept.max_failed_pins,
                    allow_file_secret: Some(kept.allow_file_secret),
                });
        self.policy.refresh(force.as_ref());
        let settings = self.policy.effective();
        self.idle
            .set_limit(Duration::from_secs(settings.idle_lock_seconds.value.into()));
        self.vault.set_limits(
            settings.max_failed_pins.value,
            settings.min_pin_length.value as usize,
        );
    }

    fn allows_pack_override(&self) -> bool {
        self.policy.effective().allow_pack_override.value
    }

    /// The device's policy: effective settings, their sources, any problem re-reading it.
    pub fn policy(&self) -> &DevicePolicy {
        &self.policy
    }

    /// Managed enrolment, when the machine policy asks for it and the device is not enrolled:
    /// the gateway URL and the code to enrol with, or why they cannot be used.
    pub fn managed_enrolment(&self) -> Option<Result<(String, Zeroizing<String>), String>> {
        if self.vault.device().ok().flatten().is_some() {
            return None;
        }
        self.policy.managed_enrolment()
    }

    /// Called before every command: locks first if the officer has been idle longer than the
    /// policy allows (the UI's own timer is a convenience; this is the rule), then counts
    /// `activity`.
    pub fn before_command(&mut self, activity: Activity) {
        self.before_command_at(activity, Instant::now());
    }

    /// [`Workspace::before_command`] at a given time (for tests).
    pub fn before_command_at(&mut self, activity: Activity, now: Instant) {
        if self.idle.must_lock(activity, now) {
            self.lock();
        }
    }

    /// The idle time allowed.
    pub fn idle_limit(&self) -> Duration {
        self.idle.limit()
    }

    /// The vault, for what only reads it (officers, sync status, enrolment, directory).
    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    /// Locks: keys wiped, the open assessment forgotten (its answers are in the vault).
    pub fn lock(&mut self) {
        self.vault.lock();
        self.open = None;
    }

    /// The officer who has the vault unlocked, if any.
    pub fn unlocked_officer(&self) -> Option<&str> {
        self.vault.unlocked_officer()
    }

    /// Sets up an officer with their PIN, and unlocks. The first officer on a device may always
    /// be set up; another only where the policy allows it.
    pub fn set_up_officer(&mut self, officer: &str, pin: &str) -> Result<(), WorkspaceError> {
        let officer = checked_officer_id(officer)?;
        self.lock();
        self.apply_policy();
        if !self.policy.effective().allow_local_officer_setup.value
            && !self.vault.officers()?.is_empty()
        {
            return Err(WorkspaceError::ForbiddenByPolicy {
                what: Forbidden::OfficerSetUp,
            });
        }
        self.vault.set_up_officer(&officer, pin)?;
        Ok(self.vault.unlock(&officer, pin)?)
    }

    /// Unlocks for an officer (anyone unlocked before is locked out first), then seals any of
    /// their records that waited for the device's enrolment.
    pub fn unlock(&mut self, officer: &str, pin: &str) -> Result<(), WorkspaceError> {
        self.lock();
        // The policy is re-read at each unlock: its limits apply to this very attempt.
        self.apply_policy();
        self.vault.unlock(officer, pin)?;
        if !self.vault.pin_change_required() {
            // A record that cannot be sealed stays waiting (audited, and listed on the sync
            // screen); unlocking does not fail for it.
            let _ = self.seal_waiting();
        }
        Ok(())
    }

    /// Changes the unlocked officer's PIN after checking the current one (a wrong one counts
    /// towards the lockout and leaves the vault locked).
    pub fn change_pin(&mut self, current_pin: &str, new_pin: &str) -> Result<(), WorkspaceError> {
        let officer = self
            .unlocked_officer()
            .map(str::to_string)
            .ok_or(WorkspaceError::Locked)?;
        self.unlock(&officer, current_pin)?;
        self.vault.change_pin(new_pin)?;
        // Unlocking skips sealing while a PIN change is required: seal now it is done.
        let _ = self.seal_waiting();
        Ok(())
    }

    /// A permit for an enrolment an officer typed (or scanned) on the sync screen: refused on a
    /// device whose machine policy enrols it, so that no other gateway or force can be put in
    /// its place; otherwise as [`Workspace::enrolment_permit`].
    pub fn typed_enrolment_permit(&self) -> Result<EnrolmentPermit, WorkspaceError> {
        if self.policy.enrols_by_policy() {
            return Err(WorkspaceError::ForbiddenByPolicy {
                what: Forbidden::TypedEnrolment,
            });
        }
        self.enrolment_permit()
    }

    /// A permit to enrol this device with a force, which the sync client's `enrol` needs:
    /// only while an officer is unlocked and the device is not enrolled (the refusal then says
    /// how many finalised assessments a wipe would destroy).
    pub fn enrolment_permit(&self) -> Result<EnrolmentPermit, WorkspaceError> {
        Ok(self.vault.enrolment_permit()?)
    }

    /// Wipes the device so that it can enrol with another force, after the unlocked officer
    /// re-enters their PIN and confirms `waiting_seen`, the number of finalised assessments
    /// still waiting that they were shown (refused, nothing wiped, if it changed). Afterwards
    /// nobody is set up and nothing is open.
    pub fn wipe_device(&mut self, pin: &str, waiting_seen: u32) -> Result<(), WorkspaceError> {
        let wiped = self.vault.wipe_device(pin, waiting_seen);
        if wiped.is_ok() || self.vault.unlocked_officer().is_none() {
            // Wiped, or a wrong PIN locked the vault: forget what was open either way.
            self.lock();
        }
        Ok(wiped?)
    }

    /// The pack a new assessment would use: id, version and content hash.
    pub fn pack_in_use(&self) -> Result<(String, String, String), WorkspaceError> {
        let (pack, _) = self
            .packs
            .load(&self.vault, self.trust, self.allows_pack_override())?;
        Ok((
            pack.id().to_string(),
            pack.version().to_string(),
            pack.content_hash().to_string(),
        ))
    }

    /// The unlocked officer's drafts, most recent first, each with how many of its answers are
    /// shown now. Answers behind a closed gate or hidden by a condition are not counted, so the
    /// list cannot tell who answered behind the gate; a draft that cannot be read counts none
    /// (opening it says why).
    pub fn drafts(&self) -> Result<Vec<Draft>, WorkspaceError> {
        self.vault
            .drafts()?
            .into_iter()
            .map(|summary| {
                let answered = self
                    .restored(&summary.assessment_id)
                    .map(|(assessment, _)| assessment.shown_answers().len())
                    .unwrap_or(0);
                Ok(Draft { summary, answered })
            })
            .collect()
    }

    /// A draft rebuilt from the vault on the very pack it was started on, with the question
    /// answered last (the vault gives answers in the order they were last saved).
    fn restored(&self, id: &AssessmentId) -> Result<(Assessment, Option<String>), WorkspaceError> {
        // A finalised record (one waiting for enrolment still holds its answers) is never
        // reopened: only an amendment, a new record, is.
        if self.vault.is_finalised(id)? {
            return Err(VaultError::Finalised {
                record: id.0.clone(),
            }
            .into());
        }
        let (draft_hash, kept) = self.vault.pack_of(id)?;
        let pack = match kept {
            Some(bytes) => packs::verify(&bytes, &self.vault, self.trust)?,
            None => {
                self.packs
                    .load(&self.vault, self.trust, self.allows_pack_override())?
                    .0
            }
        };
        // The kept pack must be the very pack the draft was started on.
        if pack.content_hash() != draft_hash {
            return Err(WorkspaceError::PackNotTheDrafts {
                record: id.0.clone(),
            });
        }
        let stored = self.vault.answers(id)?;
        let mut values = Vec::with_capacity(stored.len());
        for answer in &stored {
            let value: AnswerValue = serde_json::from_slice(&answer.plaintext).map_err(|_| {
                WorkspaceError::UnreadableAnswer {
                    record: id.0.clone(),
                }
            })?;
            values.push((answer.question_id.as_str(), value));
        }
        let last = stored.last().map(|answer| answer.question_id.clone());
        let mut assessment = Assessment::restore(Arc::new(pack), values)?;
        // Typed words that do not open (changed on disk) are not worth the draft: it opens
        // with its answers, without them.
        let pending = match self.vault.pending(id) {
            Err(VaultError::Damaged { .. }) => Vec::new(),
            other => other?,
        };
        for pending in pending {
            let text = String::from_utf8(pending.text.to_vec()).map_err(|_| {
                WorkspaceError::UnreadableAnswer {
                    record: id.0.clone(),
                }
            })?;
            assessment.restore_pending(&pending.question_id, text)?;
        }
        self.give_the_app_facts(&mut assessment)?;
        Ok((assessment, last))
    }

    /// What the engine cannot know by itself: today's date, and the support-services directory
    /// on this device (pulled by the sync client) for directory referrals.
    fn give_the_app_facts(&self, assessment: &mut Assessment) -> Result<(), WorkspaceError> {
        assessment.set_today(&today());
        let services = self
            .vault
            .directory()?
            .into_iter()
            .map(|entry| Service {
                id: entry.id,
                name: entry.name,
                contact: entry.contact,
                description: entry.description,
            })
            .collect();
        assessment.set_directory(services);
        Ok(())
    }

    /// The information screens of the pack in use whose review date has passed: id, owner and
    /// review date, for diagnostics.
    pub fn information_due_for_review(
        &self,
    ) -> Result<Vec<(String, String, String)>, WorkspaceError> {
        let (pack, _) = self
            .packs
            .load(&self.vault, self.trust, self.allows_pack_override())?;
        Ok(pack
            .information_due_for_review(&today())
            .into_iter()
            .filter_map(|question| {
                let information = question.information.as_ref()?;
                Some((
                    question.id.clone(),
                    information.owner.clone(),
                    information.review_by.clone(),
                ))
            })
            .collect())
    }

    /// The unlocked officer's finalised records and where each is in the outbox.
    pub fn sent_records(&self) -> Result<Vec<firstline_vault::SentRecord>, WorkspaceError> {
        Ok(self.vault.sent_records()?)
    }

    /// Starts an assessment over the pack in use (verified), kept with the draft so it can
    /// always be resumed on it.
    pub fn start(&mut self, language: Language) -> Result<AssessmentView<'_>, WorkspaceError> {
        self.require_unlocked()?;
        let (pack, signed_bytes) =
            self.packs
                .load(&self.vault, self.trust, self.allows_pack_override())?;
        self.vault.keep_pack(pack.content_hash(), &signed_bytes)?;
        let id = self
            .vault
            .create_assessment(pack.id(), pack.version(), pack.content_hash())?;
        let mut assessment = Assessment::new(Arc::new(pack));
        self.give_the_app_facts(&mut assessment)?;
        let open = self.open.insert(OpenAssessment { id, assessment });
        Ok(open.assessment.view(language))
    }

    /// Records one answer: checked by the engine, then saved durably in the vault under the key
    /// its section is sealed to, and only then acknowledged with the new view. A refused gated
    /// answer is audited, naming the question only by its keyed hash.
    pub fn answer(
        &mut self,
        language: Language,
        question_id: &str,
        value: AnswerValue,
    ) -> Result<AssessmentView<'_>, WorkspaceError> {
        let open = self.open_assessment()?;
        let id = open.id.clone();
        let mut next = open.assessment.clone();
        let answered = next.answer(question_id, value.clone());
        self.audit(&id, next.take_audit_events())?;
        answered?;
        let sealed_to = next.sealed_to(question_id).ok_or_else(|| {
            firstline_form::AnswerError::UnknownQuestion {
                question: question_id.to_string(),
            }
        })?;
        // What the engine kept, not what was sent (a referral keeps the directory's names).
        let kept = next.answer_to(question_id).unwrap_or(&value);
        let bytes = Zeroizing::new(serde_json::to_vec(kept).map_err(|_| {
            WorkspaceError::UnreadableAnswer {
                record: id.0.clone(),
            }
        })?);
        self.vault
            .save_answer(&id, question_id, compartment_for(sealed_to), &bytes)?;
        let open = self.open_assessment()?;
        open.assessment = next;
        Ok(open.assessment.view(language))
    }

    /// Keeps what is being typed for a question of the open assessment (a moment after typing
    /// stops), encrypted under the key its section's answers are kept under, so that Hide, the
    /// idle lock, Back or a crash lose nothing. Checked by the engine as an answer would be (a
    /// question behind a closed gate is refused and audited); blank text drops it. Never sealed.
    pub fn save_pending(&mut self, question_id: &str, text: &str) -> Result<(), WorkspaceError> {
        let open = self.open_assessment()?;
        let id = open.id.clone();
        let kept = open.assessment.set_pending(question_id, text);
        let events = open.assessment.take_audit_events();
        let sealed_to = open.assessment.sealed_to(question_id);
        self.audit(&id, events)?;
        kept?;
        let sealed_to = sealed_to.ok_or_else(|| firstline_form::AnswerError::UnknownQuestion {
            question: question_id.to_string(),
        })?;
        if text.trim().is_empty() {
            self.vault.clear_pending(&id, question_id)?;
        } else {
            self.vault.save_pending(
                &id,
                question_id,
                compartment_for(sealed_to),
                text.as_bytes(),
            )?;
        }
        Ok(())
    }

    /// Notes the question on screen in the open assessment, so that after unlocking (or a
    /// relaunch) the officer returns to it. Only a question shown now can be on screen.
    pub fn set_screen(&mut self, question_id: &str) -> Result<(), WorkspaceError> {
        let open = self.open_assessment()?;
        if !open.assessment.is_shown_now(question_id) {
            return Err(firstline_form::AnswerError::NotShown {
                question: question_id.to_string(),
            }
            .into());
        }
        let id = open.id.clone();
        Ok(self.vault.set_screen(&id, question_id)?)
    }

    /// The officer left the assessment for home: unlocking opens home from now on.
    pub fn leave_screen(&mut self) -> Result<(), WorkspaceError> {
        self.require_unlocked()?;
        self.open = None;
        Ok(self.vault.leave_screen()?)
    }

    /// Reopens the draft the officer was last in, at the question that was on screen (or
    /// where they stopped, if it is no longer asked), with what they were typing: what unlocking
    /// shows after Hide, the idle lock or a relaunch. `None` when they had gone home.
    pub fn resume_last(
        &mut self,
        language: Language,
    ) -> Result<Option<Resumed<'_>>, WorkspaceError> {
        self.require_unlocked()?;
        let Some((id, screen_tag)) = self.vault.last_screen()? else {
            return Ok(None);
        };
        let (assessment, last) = self.restored(&id)?;
        let mut on_screen = None;
        for question in assessment.view(Language::En).questions {
            if self.vault.question_tag(&id, question.id)? == screen_tag {
                on_screen = Some(question.id.to_string());
                break;
            }
        }
        let open = self.open.insert(OpenAssessment { id, assessment });
        let view = open.assessment.view(language);
        let resume_at = match on_screen {
            Some(screen) => view
                .questions
                .iter()
                .position(|question| question.id == screen)
                .unwrap_or(0),
            None => resume_position(&view, last.as_deref()),
        };
        Ok(Some(Resumed { view, resume_at }))
    }

    /// Audits each event the engine recorded, naming a question only by its keyed hash.
    fn audit(&mut self, id: &AssessmentId, events: Vec<AuditEvent>) -> Result<(), WorkspaceError> {
        for event in events {
            match event {
                AuditEvent::GatedAnswerRefused { question, gate } => {
                    self.vault.record_question_event(
                        &format!("gated_answer_refused gate={gate}"),
                        id,
                        &question,
                    )?;
                }
            }
        }
        Ok(())
    }

    /// The check-your-answers page of the open assessment.
    pub fn summary(&mut self, language: Language) -> Result<Summary, WorkspaceError> {
        Ok(self.open_assessment()?.assessment.summary(language))
    }

    /// The view of the open assessment (for example after a change of language).
    pub fn view(&mut self, language: Language) -> Result<AssessmentView<'_>, WorkspaceError> {
        Ok(self.open_assessment()?.assessment.view(language))
    }

    /// Opens a draft on the very pack it was started on, at the question where the officer
    /// stopped.
    pub fn resume(
        &mut self,
        language: Language,
        id: AssessmentId,
    ) -> Result<Resumed<'_>, WorkspaceError> {
        self.require_unlocked()?;
        let (assessment, last) = self.restored(&id)?;
        let open = self.open.insert(OpenAssessment { id, assessment });
        let view = open.assessment.view(language);
        let resume_at = resume_position(&view, last.as_deref());
        Ok(Resumed { view, resume_at })
    }

    /// Starts an amendment of a finalised record: a new record that supersedes it, with the
    /// main answers still readable on the device copied in, opened like a draft.
    pub fn amend(
        &mut self,
        language: Language,
        id: AssessmentId,
    ) -> Result<Resumed<'_>, WorkspaceError> {
        self.require_unlocked()?;
        let amendment = self.vault.amend(&id)?;
        self.resume(language, amendment)
    }

    /// Finalises the open assessment: refused while anything required is missing; otherwise
    /// exactly what check-your-answers shows now is sealed, every other answer destroyed, and
    /// the record locked. On a device not enrolled yet the record is locked the same way and
    /// waits for enrolment: the first unlock after it seals it. The caller wakes the sync client.
    pub fn finalise(&mut self) -> Result<Finalising, WorkspaceError> {
        self.require_unlocked()?;
        let open = self.open.as_ref().ok_or(WorkspaceError::NoAssessmentOpen)?;
        let missing = open.assessment.missing_required().len();
        if missing > 0 {
            return Err(WorkspaceError::MissingRequired { count: missing });
        }
        let blocking = open.assessment.gates_blocking_finalise().len();
        if blocking > 0 {
            return Err(WorkspaceError::StepsNotDone { gates: blocking });
        }
        let notes = RecordNotes {
            deferred: open
                .assessment
                .deferred_gates()
                .into_iter()
                .map(str::to_string)
                .collect(),
            graded_below_guidance: open.assessment.graded_below_guidance(),
        };
        let shown = open.assessment.shown_answers();
        let shown: Vec<ShownAnswer<'_>> = shown
            .iter()
            .map(|answer| ShownAnswer {
                question_id: answer.question_id,
                compartment: compartment_for(answer.sealed_to),
            })
            .collect();
        let id = open.id.clone();
        let finalising = if self.vault.device()?.is_some() {
            Finalising::Sealed(self.vault.finalise(&id, &shown, &notes)?)
        } else {
            self.vault.finalise_before_enrolment(&id, &shown, &notes)?;
            Finalising::WaitingForEnrolment {
                submission_id: id.0.clone(),
            }
        };
        self.open = None;
        Ok(finalising)
    }

    /// Seals the unlocked officer's records that were finalised before the device was
    /// enrolled, now that it is (at unlock, and just after enrolling). A record that cannot be
    /// sealed stays waiting, as the sync screen shows; how many were sealed is returned.
    pub fn seal_waiting(&mut self) -> Result<usize, WorkspaceError> {
        let sealed = self.vault.seal_waiting()?;
        Ok(sealed.iter().filter(|result| result.is_ok()).count())
    }

    fn require_unlocked(&self) -> Result<(), WorkspaceError> {
        match self.vault.unlocked_officer() {
            Some(_) => Ok(()),
            None => Err(WorkspaceError::Locked),
        }
    }

    fn open_assessment(&mut self) -> Result<&mut OpenAssessment, WorkspaceError> {
        self.require_unlocked()?;
        self.open.as_mut().ok_or(WorkspaceError::NoAssessmentOpen)
    }
}
