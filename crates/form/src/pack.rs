//! Loading a form pack: parse the documented JSON format, then check it as a whole (format,
//! unique ids, every text in every language, usable questions, conditions that parse and fit,
//! known gates, no circular conditions) and compile it for the engine. A pack that fails any
//! check is refused with an error naming the pack, the place and the problem.

use std::collections::{BTreeSet, HashMap};

use crate::engine::ChoiceView;
use crate::error::PackError;
use crate::expr::{Expr, Literal};
use crate::model::{Choice, FormPack, KindName, Language, LocalText, Question, SealedTo};

/// A checked pack, compiled for the engine.
#[derive(Debug, Clone)]
pub struct Pack {
    file: FormPack,
    content_hash: String,
    pub(crate) questions: Vec<CompiledQuestion>,
    pub(crate) sections: Vec<CompiledSection>,
    pub(crate) gates: Vec<Vec<Expr<usize>>>,
    /// By gate: when it is deferred while closed (see `Gate::defer`).
    pub(crate) gate_defer: Vec<Option<Expr<usize>>>,
    pub(crate) risk_factors: Vec<Expr<usize>>,
    /// By risk factor: whether it reads a question in a section sealed to the safeguarding key.
    /// Such a factor is guidance on the device only: grading below it is never written into
    /// the main record (that would tell a safeguarding answer).
    pub(crate) risk_factor_reads_safeguarding: Vec<bool>,
    /// By risk factor: the gates of the sections it reads (it is absent while any is closed).
    pub(crate) risk_factor_gates: Vec<Vec<usize>>,
    pub(crate) order: Vec<Node>,
    /// By node slot (see [`Pack::slot`]): the nodes whose visibility or openness it decides, so
    /// an answer re-evaluates only what it can affect.
    pub(crate) dependents: Vec<Vec<Node>>,
    /// By question, then language: its choices as views show them, built once.
    choice_views: Vec<Vec<Vec<ChoiceView>>>,
    index: HashMap<String, usize>,
}

/// A question's kind with the parameters it needs, checked.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    YesNoUnknown,
    SingleChoice(Vec<Choice>),
    MultipleChoice(Vec<Choice>),
    Text {
        max_chars: usize,
        long: bool,
    },
    Number {
        min: f64,
        max: f64,
    },
    DateTime,
    RiskGrade {
        min_rationale_chars: usize,
        min_rationale_chars_below_guidance: usize,
    },
    DirectoryReferral,
    Information,
}

#[derive(Debug, Clone)]
pub(crate) struct CompiledQuestion {
    pub(crate) section: usize,
    pub(crate) position: usize,
    pub(crate) kind: Kind,
    pub(crate) show_if: Option<Expr<usize>>,
    pub(crate) require_if: Option<Expr<usize>>,
}

#[derive(Debug, Clone)]
pub(crate) struct CompiledSection {
    pub(crate) gate: Option<usize>,
    pub(crate) sealed_to: SealedTo,
    pub(crate) show_if: Option<Expr<usize>>,
}

/// What the engine evaluates, in dependency order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Node {
    Question(usize),
    Gate(usize),
}

impl Pack {
    /// The pack as written.
    pub fn file(&self) -> &FormPack {
        &self.file
    }

    /// The pack's id.
    pub fn id(&self) -> &str {
        &self.file.id
    }

    /// The pack's version.
    pub fn version(&self) -> &str {
        &self.file.version
    }

    /// SHA-256 of the pack's canonical encoding, hex: what every assessment records.
    pub fn content_hash(&self) -> &str {
        &self.content_hash
    }

    /// The number of questions (information screens included).
    pub fn len(&self) -> usize {
        self.questions.len()
    }

    /// Whether the pack has no questions (never true of a loaded pack).
    pub fn is_empty(&self) -> bool {
        self.questions.is_empty()
    }

    pub(crate) fn question_index(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// A node's place in per-node tables: questions first, then gates.
    pub(crate) fn slot(&self, node: Node) -> usize {
        match node {
            Node::Question(index) => index,
            Node::Gate(gate) => self.questions.len() + gate,
        }
    }

    /// A question's choices as views show them in `language`.
    pub(crate) fn choice_views(&self, index: usize, language: Language) -> &[ChoiceView] {
        let by_language = &self.choice_views[index];
        let position = Language::ALL
            .iter()
            .position(|each| *each == language)
            .unwrap_or(0);
        by_language.get(position).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The information screens whose review date is before `today` (`YYYY-MM-DD`, given by
    /// the app; nothing if it is not a date): for diagnostics and the force's review.
    pub fn information_due_for_review(&self, today: &str) -> Vec<&Question> {
        if !crate::engine::is_date(today) {
            return Vec::new();
        }
        (0..self.len())
            .map(|index| self.question(index))
            .filter(|question| {
                question
                    .information
                    .as_ref()
                    .is_some_and(|information| crate::engine::is_review_overdue(information, today))
            })
            .collect()
    }

    pub(crate) fn question(&self, index: usize) -> &Question {
        let compiled = &self.questions[index];
        &self.file.sections[compiled.section].questions[compiled.position]
    }
}

/// Parses, checks and compiles a pack from its JSON bytes, without a signature check. The app
/// uses [`crate::verify_pack`]; this is for tools and tests.
pub fn load_pack(bytes: &[u8]) -> Result<Pack, PackError> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|error| malformed(None, error))?;
    // Parse the bytes themselves first, so that a format error names its line and column.
    if let Err(error) = serde_json::from_slice::<FormPack>(bytes) {
        return Err(malformed(Some(&value), error));
    }
    load_pack_value(value)
}

pub(crate) fn load_pack_value(value: serde_json::Value) -> Result<Pack, PackError> {
    let canonical = crate::sign::canonical_bytes(&value);
    let file: FormPack =
        serde_json::from_value(value.clone()).map_err(|error| malformed(Some(&value), error))?;
    compile(file, crate::sign::content_hash(&canonical))
}

fn malformed(value: Option<&serde_json::Value>, error: serde_json::Error) -> PackError {
    let pack = value
        .and_then(|value| value.get("id"))
        .and_then(|id| id.as_str())
        .map(|id| format!("{id}: "))
        .unwrap_or_default();
    PackError::Malformed {
        detail: format!("{pack}{error}"),
    }
}

fn compile(file: FormPack, content_hash: String) -> Result<Pack, PackError> {
    let pack_id = file.id.clone();
    if file.format != 1 {
        return Err(PackError::UnsupportedFormat {
            pack: pack_id,
            format: file.format,
        });
    }
    check_translations(&file)?;

    let mut ids = BTreeSet::new();
    let mut index = HashMap::new();
    let mut kinds = Vec::new();
    for (section_index, section) in file.sections.iter().enumerate() {
        unique(&mut ids, &pack_id, &section.id)?;
        for (position, question) in section.questions.iter().enumerate() {
            unique(&mut ids, &pack_id, &question.id)?;
            index.insert(question.id.clone(), kinds.len());
            kinds.push((section_index, position, kind_of(&pack_id, question)?));
        }
    }
    if kinds.is_empty() {
        return Err(PackError::Empty { pack: pack_id });
    }
    let mut gate_index = HashMap::new();
    for (position, gate) in file.gates.iter().enumerate() {
        unique(&mut ids, &pack_id, &gate.id)?;
        gate_index.insert(gate.id.as_str(), position);
    }
    for factor in &file.risk_factors {
        unique(&mut ids, &pack_id, &factor.id)?;
    }

    let checker = ConditionChecker {
        pack: &pack_id,
        index: &index,
        kinds: &kinds,
    };
    let sections =
        file.sections
            .iter()
            .map(|section| {
                let gate = match &section.gate {
                    None => None,
                    Some(gate) => Some(*gate_index.get(gate.as_str()).ok_or_else(|| {
                        PackError::UnknownGate {
                            pack: pack_id.clone(),
                            section: section.id.clone(),
                            gate: gate.clone(),
                        }
                    })?),
                };
                let show_if = checker
                    .optional(&format!("section {} show_if", section.id), &section.show_if)?;
                Ok(CompiledSection {
                    gate,
                    sealed_to: section.sealed_to.unwrap_or(match gate {
                        Some(_) => SealedTo::Safeguarding,
                        None => SealedTo::Records,
                    }),
                    show_if,
                })
            })
            .collect::<Result<Vec<_>, PackError>>()?;
    let mut questions = Vec::with_capacity(kinds.len());
    for (section, position, kind) in kinds.iter().cloned() {
        let question = &file.sections[section].questions[position];
        questions.push(CompiledQuestion {
            section,
            position,
            kind,
            show_if: checker.optional(
                &format!("question {} show_if", question.id),
                &question.show_if,
            )?,
            require_if: checker.optional(
                &format!("question {} require_if", question.id),
                &question.require_if,
            )?,
        });
    }
    let gates = file
        .gates
        .iter()
        .map(|gate| {
            gate.conditions
                .iter()
                .enumerate()
                .map(|(n, condition)| {
                    checker.check(
                        &format!("gate {} condition {}", gate.id, n + 1),
                        &condition.when,
                    )
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .collect::<Result<Vec<_>, _>>()?;
    let gate_defer = file
        .gates
        .iter()
        .map(|gate| {
            gate.defer
                .as_ref()
                .map(|defer| checker.check(&format!("gate {} defer", gate.id), &defer.when))
                .transpose()
        })
        .collect::<Result<Vec<_>, _>>()?;
    let risk_factors = file
        .risk_factors
        .iter()
        .map(|factor| checker.check(&format!("risk factor {} when", factor.id), &factor.when))
        .collect::<Result<Vec<_>, _>>()?;

    check_nothing_outside_reads_behind_a_gate(&file, &questions, &sections, &gates, &gate_defer)?;
    let risk_factor_gates = risk_factors
        .iter()
        .map(|factor| {
            let mut gates: Vec<usize> = factor
                .questions()
                .into_iter()
                .filter_map(|read| sections[questions[*read].section].gate)
                .collect();
            gates.sort_unstable();
            gates.dedup();
            gates
        })
        .collect();
    let risk_factor_reads_safeguarding = risk_factors
        .iter()
        .map(|factor| {
            factor
                .questions()
                .into_iter()
                .any(|read| sections[questions[*read].section].sealed_to == SealedTo::Safeguarding)
        })
        .collect();
    let (order, dependents) = evaluation_order(&file, &questions, &sections, &gates)?;
    let choice_views = questions
        .iter()
        .map(|compiled| {
            let prompts = file.sections[compiled.section].questions[compiled.position]
                .prompts
                .as_ref();
            Language::ALL
                .iter()
                .map(|language| {
                    let mut views = crate::engine::choices_of(&compiled.kind, *language);
                    for view in &mut views {
                        if let Some(prompt) = prompts.and_then(|prompts| prompts.get(&view.value)) {
                            view.warning = Some(prompt.get(*language).to_string());
                        }
                    }
                    views
                })
                .collect()
        })
        .collect();
    Ok(Pack {
        file,
        content_hash,
        questions,
        sections,
        gates,
        gate_defer,
        risk_factors,
        risk_factor_reads_safeguarding,
        risk_factor_gates,
        order,
        dependents,
        choice_views,
        index,
    })
}

fn unique<'a>(ids: &mut BTreeSet<&'a str>, pack: &str, id: &'a str) -> Result<(), PackError> {
    if ids.insert(id) {
        Ok(())
    } else {
        Err(PackError::DuplicateId {
            pack: pack.to_string(),
            id: id.to_string(),
        })
    }
}

fn check_translations(file: &FormPack) -> Result<(), PackError> {
    let mut texts: Vec<(String, &LocalText)> = vec![("pack title".into(), &file.title)];
    texts.extend(
        file.notice
            .iter()
            .map(|notice| ("pack notice".into(), notice)),
    );
    for gate in &file.gates {
        texts.push((format!("gate {} title", gate.id), &gate.title));
        for (n, condition) in gate.conditions.iter().enumerate() {
            texts.push((
                format!("gate {} condition {} description", gate.id, n + 1),
                &condition.description,
            ));
        }
        texts.extend(gate.defer.iter().map(|defer| {
            (
                format!("gate {} defer description", gate.id),
                &defer.description,
            )
        }));
    }
    for factor in &file.risk_factors {
        texts.push((format!("risk factor {} label", factor.id), &factor.label));
    }
    for section in &file.sections {
        texts.push((format!("section {} title", section.id), &section.title));
        for question in &section.questions {
            texts.push((format!("question {} label", question.id), &question.label));
            texts.extend(
                question
                    .help
                    .iter()
                    .map(|help| (format!("question {} help", question.id), help)),
            );
            texts.extend(
                question
                    .body
                    .iter()
                    .map(|body| (format!("question {} body", question.id), body)),
            );
            for choice in question.choices.iter().flatten() {
                let place = format!("question {} choice {}", question.id, choice.value);
                texts.push((place.clone(), &choice.label));
                texts.extend(
                    choice
                        .warning
                        .iter()
                        .map(|warning| (format!("{place} warning"), warning)),
                );
            }
            for (value, prompt) in question.prompts.iter().flatten() {
                texts.push((format!("question {} prompt {value}", question.id), prompt));
            }
        }
    }
    for (place, text) in texts {
        if let Some(language) = text.missing_languages().next() {
            return Err(PackError::MissingTranslation {
                pack: file.id.clone(),
                place,
                language: language.code(),
            });
        }
    }
    Ok(())
}

fn kind_of(pack: &str, question: &Question) -> Result<Kind, PackError> {
    let invalid = |problem: &str| PackError::InvalidQuestion {
        pack: pack.to_string(),
        question: question.id.clone(),
        problem: problem.to_string(),
    };
    let allowed: &[&str] = match question.kind {
        KindName::YesNoUnknown | KindName::DateTime | KindName::DirectoryReferral => &[],
        KindName::SingleChoice | KindName::MultipleChoice => &["choices"],
        KindName::ShortText | KindName::LongText => &["max_chars"],
        KindName::Number => &["min", "max"],
        KindName::RiskGrade => &["min_rationale_chars", "min_rationale_chars_below_guidance"],
        KindName::Information => &["body", "information"],
    };
    let present = [
        ("choices", question.choices.is_some()),
        ("max_chars", question.max_chars.is_some()),
        ("min", question.min.is_some()),
        ("max", question.max.is_some()),
        (
            "min_rationale_chars",
            question.min_rationale_chars.is_some(),
        ),
        (
            "min_rationale_chars_below_guidance",
            question.min_rationale_chars_below_guidance.is_some(),
        ),
        ("body", question.body.is_some()),
        ("information", question.information.is_some()),
    ];
    for (field, is_present) in present {
        if is_present && !allowed.contains(&field) {
            return Err(invalid(&format!(
                "{field} does not apply to a {} question",
                kind_name(question.kind)
            )));
        }
        if !is_present && allowed.contains(&field) && !OPTIONAL_FIELDS.contains(&field) {
            return Err(invalid(&format!(
                "a {} question needs {field}",
                kind_name(question.kind)
            )));
        }
    }
    let choices = || -> Result<Vec<Choice>, PackError> {
        let choices = question.choices.clone().unwrap_or_default();
        if choices.len() < 2 {
            return Err(invalid("needs at least two choices"));
        }
        let mut values = BTreeSet::new();
        for choice in &choices {
            if !values.insert(choice.value.as_str()) {
                return Err(invalid(&format!(
                    "the choice {:?} is listed twice",
                    choice.value
                )));
            }
        }
        Ok(choices)
    };
    let kind = match question.kind {
        KindName::YesNoUnknown => Kind::YesNoUnknown,
        KindName::SingleChoice => Kind::SingleChoice(choices()?),
        KindName::MultipleChoice => Kind::MultipleChoice(choices()?),
        KindName::ShortText | KindName::LongText => {
            let max_chars = question.max_chars.unwrap_or_default();
            if max_chars == 0 {
                return Err(invalid("max_chars must be at least 1"));
            }
            Kind::Text {
                max_chars,
                long: question.kind == KindName::LongText,
            }
        }
        KindName::Number => {
            let (min, max) = (
                question.min.unwrap_or_default(),
                question.max.unwrap_or_default(),
            );
            if !(min.is_finite() && max.is_finite() && min <= max) {
                return Err(invalid("min must be a number no larger than max"));
            }
            Kind::Number { min, max }
        }
        KindName::DateTime => Kind::DateTime,
        KindName::RiskGrade => {
            let min_rationale_chars = question.min_rationale_chars.unwrap_or_default();
            let below = question
                .min_rationale_chars_below_guidance
                .unwrap_or(min_rationale_chars);
            if below < min_rationale_chars || below > 10_000 {
                return Err(invalid(
                    "min_rationale_chars_below_guidance must be from min_rationale_chars to 10000 (the longest rationale)",
                ));
            }
            Kind::RiskGrade {
                min_rationale_chars,
                min_rationale_chars_below_guidance: below,
            }
        }
        KindName::DirectoryReferral => Kind::DirectoryReferral,
        KindName::Information => {
            if question.required || question.require_if.is_some() {
                return Err(invalid(
                    "an information screen takes no answer, so it cannot be required",
                ));
            }
            if let Some(information) = &question.information {
                if !crate::engine::is_date(&information.review_by) {
                    return Err(invalid(&format!(
                        "review_by {:?} is not a date written YYYY-MM-DD",
                        information.review_by
                    )));
                }
            }
            Kind::Information
        }
    };
    check_prompts(question, &kind).map_err(|problem| invalid(&problem))?;
    Ok(kind)
}

/// A prompt belongs to an answer the question can be given, and a choice has at most one of a
/// warning and a prompt (both would be shown in the same place).
fn check_prompts(question: &Question, kind: &Kind) -> Result<(), String> {
    let Some(prompts) = &question.prompts else {
        return Ok(());
    };
    let choices: Vec<(&str, bool)> = match kind {
        Kind::YesNoUnknown => ["yes", "no", "unknown"]
            .into_iter()
            .map(|value| (value, false))
            .collect(),
        Kind::SingleChoice(choices) | Kind::MultipleChoice(choices) => choices
            .iter()
            .map(|choice| (choice.value.as_str(), choice.warning.is_some()))
            .collect(),
        _ => {
            return Err(format!(
                "prompts do not apply to a {} question",
                kind_name(question.kind)
            ))
        }
    };
    for value in prompts.keys() {
        match choices.iter().find(|(choice, _)| choice == value) {
            None => {
                return Err(format!(
                    "the prompt for {value:?} is for an answer it cannot be given"
                ))
            }
            Some((_, true)) => {
                return Err(format!(
                    "the choice {value:?} has both a warning and a prompt; keep one"
                ))
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// Fields a kind may have but need not.
const OPTIONAL_FIELDS: [&str; 1] = ["min_rationale_chars_below_guidance"];

/// A kind as pack files spell it.
fn kind_name(kind: KindName) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|value| value.as_str().map(str::to_string))
        .unwrap_or_default()
}

struct ConditionChecker<'a> {
    pack: &'a str,
    index: &'a HashMap<String, usize>,
    kinds: &'a [(usize, usize, Kind)],
}

impl ConditionChecker<'_> {
    fn optional(
        &self,
        place: &str,
        source: &Option<String>,
    ) -> Result<Option<Expr<usize>>, PackError> {
        source
            .as_ref()
            .map(|source| self.check(place, source))
            .transpose()
    }

    /// Parses and checks a condition, and names its questions by index from then on.
    fn check(&self, place: &str, source: &str) -> Result<Expr<usize>, PackError> {
        let expr = Expr::parse(source).map_err(|error| PackError::BadCondition {
            pack: self.pack.to_string(),
            place: place.to_string(),
            condition: source.to_string(),
            problem: error.to_string(),
        })?;
        self.fits(place, &expr)?;
        expr.map_questions(&|question: &String| self.index.get(question).copied())
            .ok_or_else(|| PackError::ConditionDoesNotFit {
                pack: self.pack.to_string(),
                place: place.to_string(),
                problem: "it names a question the pack does not have".into(),
            })
    }

    fn fits(&self, place: &str, expr: &Expr) -> Result<(), PackError> {
        let misfit = |problem: String| PackError::ConditionDoesNotFit {
            pack: self.pack.to_string(),
            place: place.to_string(),
            problem,
        };
        let kind_of = |question: &str| -> Result<&Kind, PackError> {
            let index = self
                .index
                .get(question)
                .ok_or_else(|| misfit(format!("there is no question {question:?}")))?;
            match &self.kinds[*index].2 {
                Kind::Information => Err(misfit(format!(
                    "{question} is an information screen and has no answer"
                ))),
                kind => Ok(kind),
            }
        };
        let listed =
            |question: &str, kind: &Kind, value: &str, multiple: bool| -> Result<(), PackError> {
                let values: Vec<&str> = match (kind, multiple) {
                    (Kind::YesNoUnknown, false) => vec!["yes", "no", "unknown"],
                    (Kind::RiskGrade { .. }, false) => vec!["standard", "medium", "high"],
                    (Kind::SingleChoice(choices), false)
                    | (Kind::MultipleChoice(choices), true) => {
                        choices.iter().map(|choice| choice.value.as_str()).collect()
                    }
                    _ => {
                        let wanted = if multiple {
                            "a multiple-choice"
                        } else {
                            "a yes/no, single-choice or grade"
                        };
                        return Err(misfit(format!("{question} is not {wanted} question")));
                    }
                };
                if values.contains(&value) {
                    Ok(())
                } else {
                    Err(misfit(format!("{value:?} is not a choice of {question}")))
                }
            };
        match expr {
            Expr::Bool(_) => Ok(()),
            Expr::And(parts) | Expr::Or(parts) => {
                parts.iter().try_for_each(|part| self.fits(place, part))
            }
            Expr::Not(part) => self.fits(place, part),
            Expr::Answered(question) => kind_of(question).map(|_| ()),
            Expr::Compare {
                question, literal, ..
            } => {
                let kind = kind_of(question)?;
                match literal {
                    Literal::Text(value) => listed(question, kind, value, false),
                    Literal::Number(_) if matches!(kind, Kind::Number { .. }) => Ok(()),
                    Literal::Number(_) => {
                        Err(misfit(format!("{question} is not a number question")))
                    }
                }
            }
            Expr::In { question, values } => {
                let kind = kind_of(question)?;
                values
                    .iter()
                    .try_for_each(|value| listed(question, kind, value, false))
            }
            Expr::Contains { question, value } => listed(question, kind_of(question)?, value, true),
            Expr::Count { parts, .. } => parts.iter().try_for_each(|part| self.fits(place, part)),
        }
    }
}

/// Refuses a condition that would let what is shown or required outside a compartment give an
/// answer inside it away to anyone who reads the main record:
/// - a condition outside a gate's sections that reads a question behind that gate;
/// - a condition of a section (or question) sealed to the records key, or of any gate, that
///   reads a question in a section sealed to the safeguarding key.
///
/// Risk guidance is exempt: it is shown to the officer on the device and never sealed. Runs
/// before the cycle check, so a gate that reads behind itself is named as that.
fn check_nothing_outside_reads_behind_a_gate(
    file: &FormPack,
    questions: &[CompiledQuestion],
    sections: &[CompiledSection],
    gates: &[Vec<Expr<usize>>],
    gate_defer: &[Option<Expr<usize>>],
) -> Result<(), PackError> {
    let id_of = |question: usize| {
        let compiled = &questions[question];
        &file.sections[compiled.section].questions[compiled.position].id
    };
    // `inside`: the gate of the section the condition belongs to, or the gate it is a
    // condition of; `decides_records`: whether its outcome can show in the main record.
    let check =
        |place: String, inside: Option<usize>, decides_records: bool, condition: &Expr<usize>| {
            let of_a_gate = place.starts_with("gate ");
            for read in condition.questions() {
                let read_section = &sections[questions[*read].section];
                if of_a_gate && read_section.gate.is_some() && read_section.gate == inside {
                    continue; // a gate reading behind itself: the cycle check names that circle
                }
                match read_section.gate {
                    Some(gate) if Some(gate) != inside => {
                        return Err(PackError::ReadsBehindGate {
                            pack: file.id.clone(),
                            place,
                            question: id_of(*read).clone(),
                            gate: file.gates[gate].id.clone(),
                        })
                    }
                    _ => {}
                }
                if decides_records && read_section.sealed_to == SealedTo::Safeguarding {
                    return Err(PackError::ReadsSafeguardingSection {
                        pack: file.id.clone(),
                        place,
                        question: id_of(*read).clone(),
                    });
                }
            }
            Ok(())
        };
    for (section, compiled) in file.sections.iter().zip(sections) {
        if let Some(condition) = &compiled.show_if {
            check(
                format!("section {} show_if", section.id),
                compiled.gate,
                compiled.sealed_to == SealedTo::Records,
                condition,
            )?;
        }
    }
    for compiled in questions {
        let id = &file.sections[compiled.section].questions[compiled.position].id;
        let inside = sections[compiled.section].gate;
        let decides_records = sections[compiled.section].sealed_to == SealedTo::Records;
        for (what, condition) in [
            ("show_if", &compiled.show_if),
            ("require_if", &compiled.require_if),
        ] {
            if let Some(condition) = condition {
                check(
                    format!("question {id} {what}"),
                    inside,
                    decides_records,
                    condition,
                )?;
            }
        }
    }
    for (gate, conditions) in gates.iter().enumerate() {
        for (n, condition) in conditions.iter().enumerate() {
            // A gate that reads behind itself is a circle; the cycle check names it so.
            check(
                format!("gate {} condition {}", file.gates[gate].id, n + 1),
                Some(gate),
                true,
                condition,
            )?;
        }
    }
    // A deferral is decided while its gate is closed, so it reads nothing behind any gate
    // (its own included) and, like a gate, nothing sealed to the safeguarding key.
    for (gate, defer) in gate_defer.iter().enumerate() {
        if let Some(condition) = defer {
            check(
                format!("gate {} defer", file.gates[gate].id),
                None,
                true,
                condition,
            )?;
        }
    }
    Ok(())
}

/// Orders questions and gates so that everything a condition reads is evaluated before it, and
/// refuses a pack whose conditions depend on each other in a circle. Also returns, by node slot,
/// the nodes each one decides (the reverse of "depends on").
#[allow(clippy::type_complexity)]
fn evaluation_order(
    file: &FormPack,
    questions: &[CompiledQuestion],
    sections: &[CompiledSection],
    gates: &[Vec<Expr<usize>>],
) -> Result<(Vec<Node>, Vec<Vec<Node>>), PackError> {
    let reads = |exprs: &mut dyn Iterator<Item = &Expr<usize>>| -> Vec<Node> {
        exprs
            .flat_map(|expr| expr.questions())
            .map(|question| Node::Question(*question))
            .collect()
    };
    let depends_on = |node: Node| -> Vec<Node> {
        match node {
            Node::Question(i) => {
                let question = &questions[i];
                let section = &sections[question.section];
                let mut found = reads(&mut question.show_if.iter().chain(section.show_if.iter()));
                found.extend(section.gate.map(Node::Gate));
                found
            }
            Node::Gate(g) => reads(&mut gates[g].iter()),
        }
    };
    let name = |node: Node| match node {
        Node::Question(i) => file.sections[questions[i].section].questions[questions[i].position]
            .id
            .clone(),
        Node::Gate(g) => format!("gate {}", file.gates[g].id),
    };

    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let all: Vec<Node> = (0..questions.len())
        .map(Node::Question)
        .chain((0..gates.len()).map(Node::Gate))
        .collect();
    let slot = |node: Node| match node {
        Node::Question(i) => i,
        Node::Gate(g) => questions.len() + g,
    };
    let mut dependents = vec![Vec::new(); all.len()];
    for &node in &all {
        for read in depends_on(node) {
            if !dependents[slot(read)].contains(&node) {
                dependents[slot(read)].push(node);
            }
        }
    }
    let mut marks = vec![Mark::New; all.len()];
    let mut order = Vec::with_capacity(all.len());
    for &start in &all {
        if marks[slot(start)] != Mark::New {
            continue;
        }
        // Iterative depth-first search; `path` is the chain currently open.
        let mut path: Vec<(Node, Vec<Node>)> = vec![(start, depends_on(start))];
        marks[slot(start)] = Mark::Open;
        while let Some((node, pending)) = path.last_mut() {
            let node = *node;
            match pending.pop() {
                Some(next) => match marks[slot(next)] {
                    Mark::Done => {}
                    Mark::Open => {
                        let from = path.iter().position(|(open, _)| *open == next).unwrap_or(0);
                        let mut cycle: Vec<String> =
                            path[from..].iter().map(|(open, _)| name(*open)).collect();
                        cycle.push(name(next));
                        return Err(PackError::Cycle {
                            pack: file.id.clone(),
                            cycle: cycle.join(" -> "),
                        });
                    }
                    Mark::New => {
                        marks[slot(next)] = Mark::Open;
                        path.push((next, depends_on(next)));
                    }
                },
                None => {
                    marks[slot(node)] = Mark::Done;
                    order.push(node);
                    path.pop();
                }
            }
        }
    }
    Ok((order, dependents))
}
