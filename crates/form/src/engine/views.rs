//! What crosses to the UI: the assessment's view (sections, questions, gates, guidance), the
//! check-your-answers summary, and the answers finalising seals. Built by the engine from the
//! pack and the answers alone. The view borrows its texts from the pack; the summary and the
//! choices (built once per pack) own theirs.

use serde::Serialize;

use crate::model::{AnswerValue, Grade, InformationOwner, KindName, SealedTo, Service};

/// What the UI is given to draw the assessment. It borrows its texts from the pack and its
/// answers from the assessment, so building it copies no text: it is serialised straight into
/// the IPC answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssessmentView<'a> {
    /// The pack's id.
    pub pack_id: &'a str,
    /// The pack's version.
    pub pack_version: &'a str,
    /// The pack's content hash.
    pub pack_hash: &'a str,
    /// The pack's title.
    pub title: &'a str,
    /// The pack's notice, if it has one.
    pub notice: Option<&'a str>,
    /// Whether this language's wording still awaits review.
    pub awaiting_review: bool,
    /// The visible sections with their progress.
    pub sections: Vec<SectionView<'a>>,
    /// The visible questions, in order.
    pub questions: Vec<QuestionView<'a>>,
    /// Every gate: open, or what is still missing.
    pub gates: Vec<GateView<'a>>,
    /// Risk guidance for the grade.
    pub guidance: Guidance<'a>,
    /// Answers hidden by an ordinary condition: kept, never sent unless they are shown again. A
    /// count only, never which questions, and never counting answers behind a closed gate or in
    /// a section sealed to the safeguarding key (so it cannot tell who answered there).
    pub hidden_answers: usize,
}

/// A visible section and how far it has got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionView<'a> {
    /// Id.
    pub id: &'a str,
    /// Title.
    pub title: &'a str,
    /// Questions answered (information screens count as read once shown).
    pub answered: usize,
    /// Questions shown.
    pub total: usize,
    /// Required questions still unanswered.
    pub missing_required: usize,
}

/// A gate as the gate panel shows it: never the questions behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GateView<'a> {
    /// Id.
    pub id: &'a str,
    /// What opens (for example "Migrant victim support").
    pub title: &'a str,
    /// Whether it is open.
    pub open: bool,
    /// What is still missing, in plain words.
    pub missing: Vec<&'a str>,
    /// Whether the assessment cannot be finalised while it is closed, unless deferred.
    pub blocks_finalise: bool,
    /// While closed and deferred: the words saying so (for example "Not safe to talk now").
    pub deferred: Option<&'a str>,
}

/// Risk factors present, and the lowest grade they suggest. Guidance only: the grade is the
/// officer's, and guidance never lowers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Guidance<'a> {
    /// The factors present.
    pub factors: Vec<GuidanceFactor<'a>>,
    /// The lowest grade the factors suggest, if any is present.
    pub suggested: Option<Grade>,
    /// The grade below which the officer must confirm each factor with `weigh` was weighed and
    /// write a longer rationale (the highest such factor's suggestion), if any.
    pub confirm_below: Option<Grade>,
}

/// A risk factor present, as the guidance beside the grade names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GuidanceFactor<'a> {
    /// Its id: what a grade below the guidance lists as weighed.
    pub id: &'a str,
    /// How the guidance names it.
    pub label: &'a str,
    /// The lowest grade it suggests.
    pub suggests: Grade,
    /// Whether grading below `Guidance::confirm_below` needs it confirmed as weighed. Factors
    /// that read the safeguarding section are guidance only: never part of the main record.
    pub weigh: bool,
}

/// One visible question as the UI draws it, in one language.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionView<'a> {
    /// The question's id, used to answer it.
    pub id: &'a str,
    /// The section's id.
    pub section_id: &'a str,
    /// The section's title.
    pub section: &'a str,
    /// What kind of answer it takes.
    pub kind: KindName,
    /// The question as the officer reads it.
    pub label: &'a str,
    /// Guidance under the question.
    pub help: Option<&'a str>,
    /// The text of an information screen.
    pub body: Option<&'a str>,
    /// Who owns an information screen's wording.
    pub information: Option<&'a InformationOwner>,
    /// Whether this information screen's review date has passed (today as the app gave it with
    /// [`Assessment::set_today`]): the officer is told the wording may be out of date.
    pub review_overdue: bool,
    /// The choices, for choice questions.
    pub choices: &'a [ChoiceView],
    /// For a directory referral: the services it offers (the directory on the device now).
    pub services: &'a [Service],
    /// The longest text accepted.
    pub max_chars: Option<usize>,
    /// The smallest number accepted.
    pub min: Option<f64>,
    /// The largest number accepted.
    pub max: Option<f64>,
    /// The shortest rationale accepted, for a grade.
    pub min_rationale_chars: Option<usize>,
    /// The shortest rationale accepted for a grade below the guidance.
    pub min_rationale_chars_below_guidance: Option<usize>,
    /// The current answer needs the officer again: a grade that is below the guidance now (an
    /// answer changed since) without the confirmations or length that asks for.
    pub needs_attention: bool,
    /// Whether an answer is needed to finish, given the answers so far.
    pub required: bool,
    /// The current answer, if any.
    pub answer: Option<&'a AnswerValue>,
    /// Text typed on this screen and not yet answered (kept so that nothing is lost): the
    /// screen shows it in place of the answer.
    pub pending: Option<&'a str>,
}

/// A choice as the UI draws it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChoiceView {
    /// The value to answer with.
    pub value: String,
    /// The label to show.
    pub label: String,
    /// A warning or prompt to show at once when it is picked.
    pub warning: Option<String>,
}

/// The check-your-answers page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// One row per visible question, in order.
    pub rows: Vec<SummaryRow>,
    /// Required questions still unanswered, in order: the page's error summary.
    pub missing: Vec<SummaryRow>,
    /// Answers hidden by an ordinary condition, which finalising destroys: a count only (see
    /// `AssessmentView::hidden_answers`).
    pub hidden_answers: usize,
    /// The titles of the gates closed now: nothing behind them is asked or sent. Said whether or
    /// not anything was answered behind them.
    pub closed_gates: Vec<String>,
    /// Closed gates that stop finalising until they open or are deferred: the page's error
    /// summary lists them after the missing answers.
    pub blocking_gates: Vec<BlockingGate>,
    /// Closed gates that are deferred, in the words the record's reader sees (for example "Not
    /// safe to talk now: the risk questions are deferred").
    pub deferred: Vec<String>,
}

/// A closed gate that stops finalising, as check-your-answers lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlockingGate {
    /// The gate's id.
    pub gate_id: String,
    /// What opens.
    pub title: String,
    /// What is still missing, in plain words.
    pub missing: Vec<String>,
    /// A shown question that the first missing step reads (where the officer can act on it).
    pub question_id: Option<String>,
}

/// One answer as check-your-answers shows it, with the key it is sealed to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShownAnswer<'a> {
    /// The question's id.
    pub question_id: &'a str,
    /// Which of the force's keys it is sealed to.
    pub sealed_to: SealedTo,
    /// The answer.
    pub value: &'a AnswerValue,
}

/// One row of check-your-answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SummaryRow {
    /// The question's id (for its Change link).
    pub question_id: String,
    /// The section's title.
    pub section: String,
    /// The question as asked.
    pub label: String,
    /// The answer as the officer would read it, or `None` when not answered.
    pub answer: Option<String>,
    /// Words were typed on its screen and never saved with Continue: finalising waits until
    /// they are (or cleared), so nothing typed is dropped unseen.
    pub unsaved: bool,
}
