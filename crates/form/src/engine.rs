//! One assessment walked through a pack: what is visible, the gates, answers checked against
//! their questions, risk guidance and the check-your-answers summary.
//!
//! Everything the UI receives is computed here from the pack and the answers alone; there is no
//! flag a caller can set. Grading and risk guidance are in `engine/grading.rs`; answers
//! checked against their kind, and read back in words, in `engine/checks.rs`; the types that
//! cross to the UI in `engine/views.rs`. A question behind a closed gate is absent from every view, summary and
//! error; an answer to it is refused and the refusal is kept as an audit event for the vault.

use std::sync::Arc;

use serde::Serialize;

use crate::error::{AnswerError, AnswerProblem};
use crate::expr::{Expr, Value};
use crate::model::{AnswerValue, KindName, Language, ReferredService, SealedTo, Service};
use crate::pack::{Kind, Node, Pack};

mod checks;
mod grading;
mod views;

use checks::{check_answer, grade_value, readable_answer};
pub(crate) use checks::{choices_of, is_date, is_review_overdue};
pub use views::{
    AssessmentView, BlockingGate, ChoiceView, GateView, Guidance, GuidanceFactor, QuestionView,
    SectionView, ShownAnswer, Summary, SummaryRow,
};

/// One assessment in progress over one pack.
#[derive(Debug, Clone)]
pub struct Assessment {
    pack: Arc<Pack>,
    answers: Vec<Option<AnswerValue>>,
    /// By question: text typed but not yet answered (see [`Assessment::set_pending`]).
    pending: Vec<Option<String>>,
    audit: Vec<AuditEvent>,
    /// Kept up to date with `answers`: an answer re-evaluates only what it can affect.
    evaluation: Evaluation,
    /// Today's date (`YYYY-MM-DD`) as the app gives it, for information screens' review dates:
    /// the engine reads no clock.
    today: Option<String>,
    /// The support-services directory as the app gives it (the vault's copy), for directory
    /// referrals.
    directory: Arc<[Service]>,
}

/// Something the audit chain must record. Metadata only, never an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum AuditEvent {
    /// An answer to a question behind a closed gate was refused.
    GatedAnswerRefused {
        /// The question.
        question: String,
        /// The gate.
        gate: String,
    },
}

/// Which questions are visible and which gates are open, given the answers.
#[derive(Debug, Clone)]
struct Evaluation {
    visible: Vec<bool>,
    gate_open: Vec<bool>,
}

impl Assessment {
    /// Starts an assessment with no answers.
    pub fn new(pack: Arc<Pack>) -> Self {
        let answers = vec![None; pack.len()];
        let mut assessment = Self {
            evaluation: Evaluation {
                visible: vec![false; pack.len()],
                gate_open: vec![false; pack.gates.len()],
            },
            pending: vec![None; pack.len()],
            pack,
            answers,
            audit: Vec::new(),
            today: None,
            directory: Arc::from(Vec::new()),
        };
        assessment.evaluation = assessment.evaluate_all();
        assessment
    }

    /// Rebuilds an assessment from stored answers (a resumed draft). Each answer is checked
    /// against its question's kind; visibility is not re-checked, since gated answers are kept
    /// while hidden. An answer to a question the pack does not have is refused.
    pub fn restore<'a>(
        pack: Arc<Pack>,
        answers: impl IntoIterator<Item = (&'a str, AnswerValue)>,
    ) -> Result<Self, AnswerError> {
        let mut assessment = Assessment::new(pack);
        for (question_id, value) in answers {
            let index = assessment.pack.question_index(question_id).ok_or_else(|| {
                AnswerError::UnknownQuestion {
                    question: question_id.to_string(),
                }
            })?;
            check_answer(question_id, &assessment.pack.questions[index].kind, &value)?;
            assessment.answers[index] = Some(value);
        }
        assessment.evaluation = assessment.evaluate_all();
        Ok(assessment)
    }

    /// Which of the force's keys a question's answer is sealed to: its section's `sealed_to`
    /// marker, whatever gate the section sits behind. `None` for a question the pack lacks.
    pub fn sealed_to(&self, question_id: &str) -> Option<SealedTo> {
        let index = self.pack.question_index(question_id)?;
        Some(self.pack.sections[self.pack.questions[index].section].sealed_to)
    }

    /// The ids of the required questions that are shown and not answered yet, in order: while
    /// any is left, the assessment cannot be finalised.
    pub fn missing_required(&self) -> Vec<&str> {
        let evaluation = &self.evaluation;
        (0..self.pack.len())
            .filter(|index| {
                evaluation.visible[*index]
                    && ((self.answers[*index].is_none()
                        && self.pack.questions[*index].kind != Kind::Information
                        && self.is_required(evaluation, *index))
                        || self.needs_attention(evaluation, *index)
                        || self.pending[*index].is_some())
            })
            .map(|index| self.pack.question(index).id.as_str())
            .collect()
    }

    /// The answers check-your-answers shows: every answered question that is shown now, with
    /// the key it is sealed to. Exactly these are sealed at finalise; nothing else leaves.
    pub fn shown_answers(&self) -> Vec<ShownAnswer<'_>> {
        let evaluation = &self.evaluation;
        (0..self.pack.len())
            .filter(|index| evaluation.visible[*index])
            .filter_map(|index| {
                let value = self.answers[index].as_ref()?;
                Some(ShownAnswer {
                    question_id: self.pack.question(index).id.as_str(),
                    sealed_to: self.pack.sections[self.pack.questions[index].section].sealed_to,
                    value,
                })
            })
            .collect()
    }

    /// How many answers an ordinary condition hides (see `AssessmentView::hidden_answers`):
    /// they are never sent unless they are shown again.
    pub fn hidden_answer_count(&self) -> usize {
        self.hidden_count(&self.evaluation)
    }

    /// Answers hidden by an ordinary condition. Answers behind a closed gate, and answers in a
    /// section sealed to the safeguarding key, are never counted: a count that moved with them
    /// would tell anyone who sees the screen that the victim had answered there. A closed gate
    /// is told by the gate's own state instead, the same whatever was answered behind it.
    fn hidden_count(&self, evaluation: &Evaluation) -> usize {
        (0..self.pack.len())
            .filter(|index| {
                let section = &self.pack.sections[self.pack.questions[*index].section];
                self.answers[*index].is_some()
                    && !evaluation.visible[*index]
                    && section.gate.is_none_or(|gate| evaluation.gate_open[gate])
                    && section.sealed_to == SealedTo::Records
            })
            .count()
    }

    /// The titles of the gates closed now, in pack order, in `language`.
    fn closed_gates(&self, evaluation: &Evaluation, language: Language) -> Vec<String> {
        self.pack
            .file()
            .gates
            .iter()
            .zip(&evaluation.gate_open)
            .filter(|(_, open)| !**open)
            .map(|(gate, _)| gate.title.get(language).to_string())
            .collect()
    }

    /// Whether gate `gate` is closed now and its deferral condition holds.
    fn is_deferred(&self, evaluation: &Evaluation, gate: usize) -> bool {
        let value_of = |read: &usize| self.visible_value(&evaluation.visible, *read);
        !evaluation.gate_open[gate]
            && self.pack.gate_defer[gate]
                .as_ref()
                .is_some_and(|defer| defer.eval_by(&value_of))
    }

    /// The ids of the gates closed now and deferred, in pack order: the record says each was
    /// deferred, so a later amendment can complete it.
    pub fn deferred_gates(&self) -> Vec<&str> {
        (0..self.pack.gates.len())
            .filter(|gate| self.is_deferred(&self.evaluation, *gate))
            .map(|gate| self.pack.file().gates[gate].id.as_str())
            .collect()
    }

    /// The ids of the gates that stop finalising now: closed, marked `blocks_finalise`, and not
    /// deferred. While any is left, the assessment cannot be finalised.
    pub fn gates_blocking_finalise(&self) -> Vec<&str> {
        self.blocking(&self.evaluation)
            .map(|gate| self.pack.file().gates[gate].id.as_str())
            .collect()
    }

    fn blocking<'e>(&'e self, evaluation: &'e Evaluation) -> impl Iterator<Item = usize> + 'e {
        (0..self.pack.gates.len()).filter(move |gate| {
            self.pack.file().gates[*gate].blocks_finalise
                && !evaluation.gate_open[*gate]
                && !self.is_deferred(evaluation, *gate)
        })
    }

    /// Gives the engine the support-services directory (the vault's copy): what a directory
    /// referral offers, and the names a referral keeps.
    pub fn set_directory(&mut self, services: Vec<Service>) {
        self.directory = Arc::from(services);
    }

    /// Tells the engine today's date (`YYYY-MM-DD`), so that views flag information screens
    /// whose review date has passed. A text that is not a real date is ignored (nothing is
    /// flagged) and `false` returned.
    pub fn set_today(&mut self, today: &str) -> bool {
        let is_date = is_date(today);
        self.today = is_date.then(|| today.to_string());
        is_date
    }

    /// The pack this assessment uses.
    pub fn pack(&self) -> &Pack {
        &self.pack
    }

    /// Takes the audit events recorded since the last call.
    pub fn take_audit_events(&mut self) -> Vec<AuditEvent> {
        std::mem::take(&mut self.audit)
    }

    /// Every stored answer by question id, visible or not: what the vault keeps.
    pub fn stored_answers(&self) -> impl Iterator<Item = (&str, &AnswerValue)> + '_ {
        self.answers
            .iter()
            .enumerate()
            .filter_map(|(index, answer)| {
                answer
                    .as_ref()
                    .map(|answer| (self.pack.question(index).id.as_str(), answer))
            })
    }

    /// Evaluates every question and gate from scratch, in dependency order.
    fn evaluate_all(&self) -> Evaluation {
        let mut evaluation = Evaluation {
            visible: vec![false; self.pack.len()],
            gate_open: vec![false; self.pack.gates.len()],
        };
        for node in &self.pack.order {
            match *node {
                Node::Question(index) => {
                    evaluation.visible[index] = self.is_shown(&evaluation, index);
                }
                Node::Gate(gate) => evaluation.gate_open[gate] = self.is_open(&evaluation, gate),
            }
        }
        evaluation
    }

    /// Re-evaluates, in dependency order, only what the answer to question `changed` can
    /// affect: the nodes that read it, and on from each one whose outcome changed.
    fn reevaluate_after(&mut self, changed: usize) {
        let mut dirty = vec![false; self.pack.dependents.len()];
        let mark = |dirty: &mut Vec<bool>, from: Node| {
            for node in &self.pack.dependents[self.pack.slot(from)] {
                dirty[self.pack.slot(*node)] = true;
            }
        };
        mark(&mut dirty, Node::Question(changed));
        for &node in &self.pack.order {
            if !dirty[self.pack.slot(node)] {
                continue;
            }
            let flipped = match node {
                Node::Question(index) => {
                    let shown = self.is_shown(&self.evaluation, index);
                    std::mem::replace(&mut self.evaluation.visible[index], shown) != shown
                }
                Node::Gate(gate) => {
                    let open = self.is_open(&self.evaluation, gate);
                    std::mem::replace(&mut self.evaluation.gate_open[gate], open) != open
                }
            };
            if flipped {
                mark(&mut dirty, node);
            }
        }
    }

    /// Whether question `index` is shown, given what `evaluation` says of what it reads.
    fn is_shown(&self, evaluation: &Evaluation, index: usize) -> bool {
        let question = &self.pack.questions[index];
        let section = &self.pack.sections[question.section];
        let value_of = |read: &usize| self.visible_value(&evaluation.visible, *read);
        section.gate.is_none_or(|gate| evaluation.gate_open[gate])
            && holds(&section.show_if, &value_of)
            && holds(&question.show_if, &value_of)
    }

    /// Whether gate `gate` is open, given what `evaluation` says of what it reads.
    fn is_open(&self, evaluation: &Evaluation, gate: usize) -> bool {
        let value_of = |read: &usize| self.visible_value(&evaluation.visible, *read);
        self.pack.gates[gate]
            .iter()
            .all(|condition| condition.eval_by(&value_of))
    }

    fn visible_value(&self, visible: &[bool], index: usize) -> Option<Value<'_>> {
        if !visible[index] {
            return None;
        }
        Some(match self.answers[index].as_ref()? {
            AnswerValue::Choice(choice) => Value::Choice(choice),
            AnswerValue::Choices(choices) => Value::Choices(choices),
            AnswerValue::Text(text) | AnswerValue::DateTime(text) => Value::Text(text),
            AnswerValue::Number(number) => Value::Number(*number),
            AnswerValue::Grade { grade, .. } => Value::Choice(grade_value(*grade)),
            // Conditions may only ask whether it is answered (the loader refuses the rest).
            AnswerValue::Referral { .. } => Value::Choices(&[]),
        })
    }

    fn is_required(&self, evaluation: &Evaluation, index: usize) -> bool {
        let question = self.pack.question(index);
        question.required
            || self.pack.questions[index]
                .require_if
                .as_ref()
                .is_some_and(|condition| {
                    condition
                        .eval_by(&|read: &usize| self.visible_value(&evaluation.visible, *read))
                })
    }

    /// What the UI draws, in `language`.
    pub fn view(&self, language: Language) -> AssessmentView<'_> {
        let evaluation = &self.evaluation;
        let file = self.pack.file();
        let visible = |index: &usize| evaluation.visible[*index];
        let questions: Vec<QuestionView> = (0..self.pack.len())
            .filter(visible)
            .map(|index| self.question_view(evaluation, index, language))
            .collect();
        // One pass over the visible questions, counted per section in pack order.
        let mut counts = vec![(0usize, 0usize, 0usize); file.sections.len()];
        for (index, question) in (0..self.pack.len()).filter(visible).zip(&questions) {
            let (answered, total, missing) = &mut counts[self.pack.questions[index].section];
            *total += 1;
            *answered +=
                usize::from(question.answer.is_some() || question.kind == KindName::Information);
            *missing += usize::from(question.required && question.answer.is_none());
        }
        let sections = file
            .sections
            .iter()
            .zip(counts)
            .filter(|(_, (_, total, _))| *total > 0)
            .map(
                |(section, (answered, total, missing_required))| SectionView {
                    id: &section.id,
                    title: section.title.get(language),
                    answered,
                    total,
                    missing_required,
                },
            )
            .collect();
        let gates = file
            .gates
            .iter()
            .enumerate()
            .map(|(gate_index, gate)| {
                let value_of = |read: &usize| self.visible_value(&evaluation.visible, *read);
                GateView {
                    id: &gate.id,
                    title: gate.title.get(language),
                    open: evaluation.gate_open[gate_index],
                    missing: gate
                        .conditions
                        .iter()
                        .zip(&self.pack.gates[gate_index])
                        .filter(|(_, condition)| !condition.eval_by(&value_of))
                        .map(|(written, _)| written.description.get(language))
                        .collect(),
                    blocks_finalise: gate.blocks_finalise,
                    deferred: gate
                        .defer
                        .as_ref()
                        .filter(|_| self.is_deferred(evaluation, gate_index))
                        .map(|defer| defer.description.get(language)),
                }
            })
            .collect();
        AssessmentView {
            pack_id: &file.id,
            pack_version: &file.version,
            pack_hash: self.pack.content_hash(),
            title: file.title.get(language),
            notice: file.notice.as_ref().map(|notice| notice.get(language)),
            awaiting_review: file.awaiting_review.contains(&language),
            sections,
            questions,
            gates,
            guidance: self.guidance(evaluation, language),
            hidden_answers: self.hidden_count(evaluation),
        }
    }

    fn question_view(
        &self,
        evaluation: &Evaluation,
        index: usize,
        language: Language,
    ) -> QuestionView<'_> {
        let question = self.pack.question(index);
        let section = &self.pack.file().sections[self.pack.questions[index].section];
        let kind = &self.pack.questions[index].kind;
        let (min, max) = match kind {
            Kind::Number { min, max } => (Some(*min), Some(*max)),
            _ => (None, None),
        };
        QuestionView {
            id: &question.id,
            section_id: &section.id,
            section: section.title.get(language),
            kind: question.kind,
            label: question.label.get(language),
            help: question.help.as_ref().map(|help| help.get(language)),
            body: question.body.as_ref().map(|body| body.get(language)),
            information: question.information.as_ref(),
            review_overdue: self.today.as_deref().is_some_and(|today| {
                question
                    .information
                    .as_ref()
                    .is_some_and(|information| is_review_overdue(information, today))
            }),
            choices: self.pack.choice_views(index, language),
            services: match kind {
                Kind::DirectoryReferral => &self.directory,
                _ => &[],
            },
            max_chars: match kind {
                Kind::Text { max_chars, .. } => Some(*max_chars),
                _ => None,
            },
            min,
            max,
            min_rationale_chars: match kind {
                Kind::RiskGrade {
                    min_rationale_chars,
                    ..
                } => Some(*min_rationale_chars),
                _ => None,
            },
            min_rationale_chars_below_guidance: match kind {
                Kind::RiskGrade {
                    min_rationale_chars_below_guidance,
                    ..
                } => Some(*min_rationale_chars_below_guidance),
                _ => None,
            },
            needs_attention: self.needs_attention(evaluation, index),
            required: self.is_required(evaluation, index),
            answer: self.answers[index].as_ref(),
            pending: self.pending[index].as_deref(),
        }
    }

    /// A referral as it is kept: each service one of the directory's now, with the directory's
    /// name for it (whatever name the caller sent). Other answers pass through.
    fn with_directory_names(
        &self,
        question_id: &str,
        value: AnswerValue,
    ) -> Result<AnswerValue, AnswerError> {
        let AnswerValue::Referral { services, consent } = value else {
            return Ok(value);
        };
        let services = services
            .into_iter()
            .map(|picked| {
                self.directory
                    .iter()
                    .find(|service| service.id == picked.id)
                    .map(|service| ReferredService {
                        id: service.id.clone(),
                        name: service.name.clone(),
                    })
                    .ok_or_else(|| AnswerError::Invalid {
                        question: question_id.to_string(),
                        problem: AnswerProblem::UnlistedChoice,
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(AnswerValue::Referral { services, consent })
    }

    /// Records an answer after checking that its question is open to answer and the value fits.
    pub fn answer(&mut self, question_id: &str, value: AnswerValue) -> Result<(), AnswerError> {
        let index = self.open_to_answer(question_id)?;
        let kind = &self.pack.questions[index].kind;
        check_answer(question_id, kind, &value)?;
        let value = self.with_directory_names(question_id, value)?;
        if let Some(problem) = self.grade_problem(&self.evaluation, kind, &value) {
            return Err(AnswerError::Invalid {
                question: question_id.to_string(),
                problem,
            });
        }
        self.answers[index] = Some(value);
        self.pending[index] = None;
        self.reevaluate_after(index);
        Ok(())
    }

    /// The index of `question_id` if it is shown now; otherwise the refusal (audited when a
    /// closed gate is why).
    fn open_to_answer(&mut self, question_id: &str) -> Result<usize, AnswerError> {
        let index =
            self.pack
                .question_index(question_id)
                .ok_or_else(|| AnswerError::UnknownQuestion {
                    question: question_id.to_string(),
                })?;
        if !self.evaluation.visible[index] {
            let section = &self.pack.sections[self.pack.questions[index].section];
            if let Some(gate) = section
                .gate
                .filter(|gate| !self.evaluation.gate_open[*gate])
            {
                let gate = &self.pack.file().gates[gate];
                self.audit.push(AuditEvent::GatedAnswerRefused {
                    question: question_id.to_string(),
                    gate: gate.id.clone(),
                });
                return Err(AnswerError::Gated {
                    question: question_id.to_string(),
                    gate: gate.id.clone(),
                    gate_title: gate.title.get(Language::En).to_string(),
                });
            }
            return Err(AnswerError::NotShown {
                question: question_id.to_string(),
            });
        }
        Ok(index)
    }

    /// Keeps `text` as what is being typed for a question and not yet saved with Continue (a
    /// new answer, or a change to one given before): a text, number, date or grade rationale
    /// question that is shown now. Until it is saved or cleared, the question is listed as
    /// missing, so finalising never drops it unseen. Refused (and audited) behind a
    /// closed gate exactly as an answer is; refused for a question that takes no typing, and
    /// for text too long for any answer. Blank text drops it. Never sealed.
    pub fn set_pending(&mut self, question_id: &str, text: &str) -> Result<(), AnswerError> {
        let index = self.open_to_answer(question_id)?;
        let refuse = |problem| {
            Err(AnswerError::Invalid {
                question: question_id.to_string(),
                problem,
            })
        };
        let longest = match &self.pack.questions[index].kind {
            Kind::Text { max_chars, .. } => *max_chars,
            Kind::Number { .. } | Kind::DateTime => 100,
            Kind::RiskGrade { .. } => 10_000,
            _ => return refuse(AnswerProblem::WrongKind),
        };
        if text.contains('\0') {
            return refuse(AnswerProblem::BadCharacter);
        }
        // Typing may run past the limit before the officer trims it; not without end.
        if text.chars().count() > longest.saturating_mul(2) {
            return refuse(AnswerProblem::TooLong { max: longest });
        }
        self.pending[index] = (!text.trim().is_empty()).then(|| text.to_string());
        Ok(())
    }

    /// Whether the question is shown now (false for one the pack lacks).
    pub fn is_shown_now(&self, question_id: &str) -> bool {
        self.pack
            .question_index(question_id)
            .is_some_and(|index| self.evaluation.visible[index])
    }

    /// The answer kept for a question (as the engine keeps it: a referral with the
    /// directory's names), shown or not.
    pub fn answer_to(&self, question_id: &str) -> Option<&AnswerValue> {
        self.answers[self.pack.question_index(question_id)?].as_ref()
    }

    /// Text typed and not yet answered, by question id: what the vault keeps.
    pub fn pending_values(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.pending.iter().enumerate().filter_map(|(index, text)| {
            text.as_deref()
                .map(|text| (self.pack.question(index).id.as_str(), text))
        })
    }

    /// Puts back text typed before (a resumed draft), without the checks of
    /// [`Assessment::set_pending`]: it was checked when it was typed, and a gate closed since
    /// keeps it hidden like an answer. An id the pack lacks is refused.
    pub fn restore_pending(&mut self, question_id: &str, text: String) -> Result<(), AnswerError> {
        let index =
            self.pack
                .question_index(question_id)
                .ok_or_else(|| AnswerError::UnknownQuestion {
                    question: question_id.to_string(),
                })?;
        self.pending[index] = Some(text);
        Ok(())
    }

    /// The check-your-answers page in `language`.
    pub fn summary(&self, language: Language) -> Summary {
        let evaluation = &self.evaluation;
        let mut rows = Vec::new();
        let mut missing = Vec::new();
        for index in (0..self.pack.len()).filter(|index| evaluation.visible[*index]) {
            let kind = &self.pack.questions[index].kind;
            if *kind == Kind::Information {
                continue;
            }
            let question = self.pack.question(index);
            let section = &self.pack.file().sections[self.pack.questions[index].section];
            let row = SummaryRow {
                question_id: question.id.clone(),
                section: section.title.get(language).to_string(),
                label: question.label.get(language).to_string(),
                answer: self.answers[index]
                    .as_ref()
                    .map(|value| readable_answer(kind, value, language)),
                unsaved: self.pending[index].is_some(),
            };
            if (row.answer.is_none() && self.is_required(evaluation, index))
                || self.needs_attention(evaluation, index)
                || row.unsaved
            {
                missing.push(row.clone());
            }
            rows.push(row);
        }
        let gates = &self.pack.file().gates;
        Summary {
            rows,
            missing,
            hidden_answers: self.hidden_count(evaluation),
            closed_gates: self.closed_gates(evaluation, language),
            blocking_gates: self
                .blocking(evaluation)
                .map(|gate| self.blocking_gate(evaluation, gate, language))
                .collect(),
            deferred: (0..gates.len())
                .filter(|gate| self.is_deferred(evaluation, *gate))
                .filter_map(|gate| gates[gate].defer.as_ref())
                .map(|defer| defer.description.get(language).to_string())
                .collect(),
        }
    }

    fn blocking_gate(
        &self,
        evaluation: &Evaluation,
        gate: usize,
        language: Language,
    ) -> BlockingGate {
        let value_of = |read: &usize| self.visible_value(&evaluation.visible, *read);
        let written = &self.pack.file().gates[gate];
        let failing: Vec<(&crate::model::GateCondition, &Expr<usize>)> = written
            .conditions
            .iter()
            .zip(&self.pack.gates[gate])
            .filter(|(_, condition)| !condition.eval_by(&value_of))
            .collect();
        let question_id = failing
            .first()
            .and_then(|(_, condition)| {
                condition
                    .questions()
                    .into_iter()
                    .find(|read| evaluation.visible[**read])
                    .copied()
            })
            .map(|read| self.pack.question(read).id.clone());
        BlockingGate {
            gate_id: written.id.clone(),
            title: written.title.get(language).to_string(),
            missing: failing
                .iter()
                .map(|(condition, _)| condition.description.get(language).to_string())
                .collect(),
            question_id,
        }
    }
}

fn holds<'a>(
    condition: &Option<Expr<usize>>,
    value_of: &impl Fn(&usize) -> Option<Value<'a>>,
) -> bool {
    condition
        .as_ref()
        .is_none_or(|condition| condition.eval_by(value_of))
}
