//! The debrief: a run's timeline scored against the scenario's expected practice. The
//! timeline's answers are replayed through the real form engine, so a step counts as complete
//! exactly when the officer's screens would have moved on from it. Each category is met, partly
//! met or not met, with the reason in words and the moments of the timeline behind it (indices
//! into [`Timeline::moments`]), for the trainer to walk.

use std::collections::HashMap;
use std::sync::Arc;

use firstline_form::{AnswerValue, Assessment, Grade, Pack};
use serde::{Deserialize, Serialize};

use crate::scenario::{Reply, Scenario};
use crate::timeline::{Event, Timeline};
use crate::{INTERPRETER_NEEDED, INTERPRETER_USED, REFERRALS, RISK_GRADE};

/// How well a category was met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Met.
    Met,
    /// Partly met.
    Partly,
    /// Not met.
    NotMet,
}

/// One scored category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// Stable id: `safeguarding_first`, `interpreter`, `coercive_control`, `grade`,
    /// `referrals`, `gated_attempts`, `never_asked`, `key_actions`, `recorded_as_said`,
    /// `time_taken`.
    pub id: String,
    /// Met, partly or not.
    pub outcome: Outcome,
    /// Why, in words.
    pub reason: String,
    /// The timeline's moments behind it.
    pub moments: Vec<usize>,
}

/// A run's debrief.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Debrief {
    /// The scenario's id.
    pub scenario: String,
    /// Its version.
    pub scenario_version: String,
    /// Seconds from the start to the last moment.
    pub seconds_taken: u64,
    /// The categories, in a fixed order.
    pub categories: Vec<Category>,
}

/// The state of the run at each moment, replayed.
struct Replay {
    /// The moment each step was first complete, by the scenario's step order.
    step_done: Vec<Option<usize>>,
    /// The first moment a question outside the steps was asked, tried or recorded.
    first_other: Option<usize>,
    /// Questions asked (a reply shown) or recorded, with the first moment.
    asked: HashMap<String, usize>,
    /// The last answer recorded to each question, with its moment.
    last_answer: HashMap<String, (AnswerValue, usize)>,
    /// Answers recorded otherwise than the victim said, or from a reply that cannot be
    /// relied on: (moment, words).
    recorded_otherwise: Vec<(usize, String)>,
    /// Refused attempts: (moment, question, gate).
    refused: Vec<(usize, String, String)>,
    /// The assessment at the end.
    assessment: Assessment,
}

fn replay(scenario: &Scenario, pack: Arc<Pack>, timeline: &Timeline) -> Replay {
    let mut assessment = Assessment::new(pack.clone());
    let expected = &scenario.expected;
    let in_steps = |question: &str| {
        expected
            .first_steps
            .iter()
            .any(|step| step.questions.iter().any(|q| q == question))
            || expected.may_come_first.iter().any(|q| q == question)
    };
    let mut replay = Replay {
        step_done: vec![None; expected.first_steps.len()],
        first_other: None,
        asked: HashMap::new(),
        last_answer: HashMap::new(),
        recorded_otherwise: Vec::new(),
        refused: Vec::new(),
        assessment: Assessment::new(pack),
    };
    // The reply each question last got, as the timeline kept it: its reliability, and what the
    // scenario says those words mean.
    let mut last_reply: HashMap<String, (bool, Option<AnswerValue>)> = HashMap::new();
    for (index, moment) in timeline.moments.iter().enumerate() {
        let question = match &moment.event {
            Event::Asked {
                question,
                reply,
                reliable,
            } => {
                let means = scenario
                    .victim
                    .replies
                    .iter()
                    .find(|scripted| &scripted.question == question && &scripted.says == reply)
                    .and_then(|scripted: &Reply| scripted.means.clone());
                last_reply.insert(question.clone(), (*reliable, means));
                replay.asked.entry(question.clone()).or_insert(index);
                Some(question)
            }
            Event::Refused { question, gate } => {
                replay.refused.push((index, question.clone(), gate.clone()));
                Some(question)
            }
            Event::Recorded { question, answer } => {
                // The engine took it in the run; replayed the same, it takes it again.
                let _ = assessment.answer(question, answer.clone());
                replay.asked.entry(question.clone()).or_insert(index);
                replay
                    .last_answer
                    .insert(question.clone(), (answer.clone(), index));
                // "Don't know" and free text are never held against the trainee.
                let unknowing = matches!(answer, AnswerValue::Choice(value) if value == "unknown")
                    || matches!(answer, AnswerValue::Text(_));
                if let Some((reliable, means)) = last_reply.get(question).filter(|_| !unknowing) {
                    if !reliable {
                        replay.recorded_otherwise.push((
                            index,
                            format!(
                                "{question} was recorded from a reply that cannot be relied on"
                            ),
                        ));
                    } else if let Some(said) = means {
                        if !same_answer(said, answer) {
                            replay.recorded_otherwise.push((
                                index,
                                format!(
                                    "{question} was recorded as {}, but the victim said {}",
                                    words_of(answer),
                                    words_of(said)
                                ),
                            ));
                        }
                    }
                }
                for (step, done) in expected.first_steps.iter().zip(&mut replay.step_done) {
                    if done.is_none() && step_complete(step, &assessment) {
                        *done = Some(index);
                    }
                }
                Some(question)
            }
            Event::Inject { .. } | Event::Finished => None,
        };
        if let Some(question) = question {
            if replay.first_other.is_none() && !in_steps(question) {
                replay.first_other = Some(index);
            }
        }
    }
    // A step undone later (a child present after all, and not seen) is not done.
    for (step, done) in expected.first_steps.iter().zip(&mut replay.step_done) {
        if !step_complete(step, &assessment) {
            *done = None;
        }
    }
    // What counts is what the record now holds: an answer no longer asked counts for nothing.
    replay
        .last_answer
        .retain(|question, _| assessment.is_shown_now(question));
    replay.assessment = assessment;
    replay
}

/// Whether a step is done: each of its questions shown has an answer, and the gate it names
/// (if any) is open or deferred.
fn step_complete(step: &crate::scenario::Step, assessment: &Assessment) -> bool {
    let answered = step
        .questions
        .iter()
        .all(|q| !assessment.is_shown_now(q) || assessment.answer_to(q).is_some());
    let gate_done = step.done_when_gate.as_ref().is_none_or(|gate| {
        assessment
            .view(firstline_form::Language::En)
            .gates
            .iter()
            .any(|view| view.id == gate && (view.open || view.deferred.is_some()))
    });
    answered && gate_done
}

/// Whether two answers are the same for the debrief (multiple choices in any order; free text
/// is never compared, the victim's words being the trainee's to put).
fn same_answer(said: &AnswerValue, recorded: &AnswerValue) -> bool {
    match (said, recorded) {
        (AnswerValue::Choices(said), AnswerValue::Choices(recorded)) => {
            let (mut said, mut recorded) = (said.clone(), recorded.clone());
            said.sort();
            recorded.sort();
            said == recorded
        }
        (AnswerValue::Text(_), AnswerValue::Text(_)) => true,
        (AnswerValue::Grade { grade: said, .. }, AnswerValue::Grade { grade, .. }) => said == grade,
        _ => said == recorded,
    }
}

/// An answer in words, for a reason.
fn words_of(answer: &AnswerValue) -> String {
    match answer {
        AnswerValue::Choice(value) => format!("\"{value}\""),
        AnswerValue::Choices(values) if values.is_empty() => "nothing picked".into(),
        AnswerValue::Choices(values) => format!("\"{}\"", values.join(", ")),
        AnswerValue::Number(number) => number.to_string(),
        AnswerValue::Grade { grade, .. } => format!("\"{}\"", grade_name(*grade)),
        AnswerValue::Text(_) | AnswerValue::DateTime(_) => "(free text)".into(),
        AnswerValue::Referral { consent, .. } => {
            if *consent {
                "a referral".into()
            } else {
                "no referral".into()
            }
        }
    }
}

fn grade_name(grade: Grade) -> &'static str {
    match grade {
        Grade::Standard => "standard",
        Grade::Medium => "medium",
        Grade::High => "high",
    }
}

/// `m:ss` of a moment.
fn clock(timeline: &Timeline, index: usize) -> String {
    let seconds = timeline
        .moments
        .get(index)
        .map_or(0, |moment| moment.at_ms / 1000);
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

fn category(id: &str, outcome: Outcome, reason: String, moments: Vec<usize>) -> Category {
    Category {
        id: id.to_string(),
        outcome,
        reason,
        moments,
    }
}

/// Scores `timeline` against `scenario`, replaying it on `pack` (the form pack it ran on).
pub fn debrief(scenario: &Scenario, pack: Arc<Pack>, timeline: &Timeline) -> Debrief {
    let replay = replay(scenario, pack, timeline);
    let seconds_taken = timeline
        .moments
        .last()
        .map_or(0, |moment| moment.at_ms / 1000);
    Debrief {
        scenario: scenario.id.clone(),
        scenario_version: scenario.version.clone(),
        seconds_taken,
        categories: vec![
            safeguarding_first(scenario, timeline, &replay),
            interpreter(scenario, &replay),
            coercive_control(scenario, &replay),
            grade(scenario, &replay),
            referrals(scenario, &replay),
            gated_attempts(timeline, &replay),
            never_asked(scenario, timeline),
            key_actions(scenario, &replay),
            recorded_as_said(&replay),
            time_taken(scenario, seconds_taken),
        ],
    }
}

fn safeguarding_first(scenario: &Scenario, timeline: &Timeline, replay: &Replay) -> Category {
    let steps = &scenario.expected.first_steps;
    let id = "safeguarding_first";
    let never: Vec<&str> = steps
        .iter()
        .zip(&replay.step_done)
        .filter(|(_, done)| done.is_none())
        .map(|(step, _)| step.id.as_str())
        .collect();
    let late: Vec<&str> = match replay.first_other {
        Some(first) => steps
            .iter()
            .zip(&replay.step_done)
            .filter(|(_, done)| done.is_none_or(|done| done > first))
            .map(|(step, _)| step.id.as_str())
            .collect(),
        None => Vec::new(),
    };
    if let (Some(first), false) = (replay.first_other, late.is_empty()) {
        let question = match &timeline.moments[first].event {
            Event::Asked { question, .. }
            | Event::Refused { question, .. }
            | Event::Recorded { question, .. } => question.as_str(),
            _ => "",
        };
        return category(
            id,
            Outcome::NotMet,
            format!(
                "{question} was asked at {} before these steps were complete: {}",
                clock(timeline, first),
                late.join(", ")
            ),
            vec![first],
        );
    }
    if !never.is_empty() {
        return category(
            id,
            Outcome::NotMet,
            format!("these steps were never completed: {}", never.join(", ")),
            Vec::new(),
        );
    }
    let mut order: Vec<(usize, usize)> = replay
        .step_done
        .iter()
        .enumerate()
        .map(|(position, done)| (done.unwrap_or(usize::MAX), position))
        .collect();
    order.sort_unstable();
    let moments: Vec<usize> = replay.step_done.iter().flatten().copied().collect();
    if order
        .iter()
        .enumerate()
        .all(|(rank, (_, position))| rank == *position)
    {
        category(
            id,
            Outcome::Met,
            "every safeguarding step was completed, in the expected order, before anything else was asked".into(),
            moments,
        )
    } else {
        let taken: Vec<&str> = order
            .iter()
            .map(|(_, position)| steps[*position].id.as_str())
            .collect();
        category(
            id,
            Outcome::Partly,
            format!(
                "every safeguarding step was completed before anything else was asked, but in the order {}",
                taken.join(", ")
            ),
            moments,
        )
    }
}

fn choice<'a>(replay: &'a Replay, question: &str) -> Option<(&'a str, usize)> {
    match replay.last_answer.get(question) {
        Some((AnswerValue::Choice(value), moment)) => Some((value.as_str(), *moment)),
        _ => None,
    }
}

fn interpreter(scenario: &Scenario, replay: &Replay) -> Category {
    let id = "interpreter";
    let needed = choice(replay, INTERPRETER_NEEDED);
    let used = choice(replay, INTERPRETER_USED);
    if let Some((who, moment)) = used.filter(|(who, _)| *who != "professional") {
        return category(
            id,
            Outcome::NotMet,
            format!(
                "the interpreter recorded was the {who}: the victim has a right to a professional interpreter, never the suspect, a relative, a friend or a child"
            ),
            vec![moment],
        );
    }
    match (scenario.expected.interpreter_needed, needed, used) {
        (true, Some(("yes", _)), Some((_, moment))) => category(
            id,
            Outcome::Met,
            "a professional interpreter was used".into(),
            vec![moment],
        ),
        (true, Some((answer, moment)), _) => category(
            id,
            Outcome::NotMet,
            format!("the victim needs an interpreter, but \"{answer}\" was recorded and no professional interpreter was used"),
            vec![moment],
        ),
        (false, Some((_, moment)), _) => category(
            id,
            Outcome::Met,
            "the need for an interpreter was checked, and nobody unsuitable interpreted".into(),
            vec![moment],
        ),
        (_, None, _) => category(
            id,
            Outcome::NotMet,
            "whether the victim needs an interpreter was never recorded".into(),
            Vec::new(),
        ),
    }
}

fn coercive_control(scenario: &Scenario, replay: &Replay) -> Category {
    let id = "coercive_control";
    let questions = &scenario.expected.coercive_control;
    let Some(main) = questions.first() else {
        return category(
            id,
            Outcome::Met,
            "coercive control is not for this incident: it waits until the victim can talk safely"
                .into(),
            Vec::new(),
        );
    };
    let Some(&first) = replay.asked.get(main) else {
        return category(
            id,
            Outcome::NotMet,
            format!("coercive control was not asked about ({main})"),
            Vec::new(),
        );
    };
    let missed: Vec<&str> = questions[1..]
        .iter()
        .filter(|q| replay.assessment.is_shown_now(q) && !replay.asked.contains_key(q.as_str()))
        .map(String::as_str)
        .collect();
    let mut moments: Vec<usize> = questions
        .iter()
        .filter_map(|q| replay.asked.get(q).copied())
        .collect();
    moments.sort_unstable();
    if missed.is_empty() {
        category(
            id,
            Outcome::Met,
            "coercive control was asked about".into(),
            moments,
        )
    } else {
        category(
            id,
            Outcome::Partly,
            format!(
                "coercive control was asked about ({main}), but not: {}",
                missed.join(", ")
            ),
            if moments.is_empty() {
                vec![first]
            } else {
                moments
            },
        )
    }
}

fn grade(scenario: &Scenario, replay: &Replay) -> Category {
    let id = "grade";
    let range = scenario.expected.grade;
    let fits = if range.at_least == range.at_most {
        grade_name(range.at_least).to_string()
    } else {
        format!(
            "{} to {}",
            grade_name(range.at_least),
            grade_name(range.at_most)
        )
    };
    match replay.last_answer.get(RISK_GRADE) {
        Some((
            AnswerValue::Grade {
                grade, rationale, ..
            },
            moment,
        )) => {
            // The rationale, for the trainer to judge with the trainee (the words are theirs).
            let shortened: String = rationale.chars().take(300).collect();
            let because = format!("; the rationale given: \"{shortened}\"");
            if (range.at_least..=range.at_most).contains(grade) {
                category(
                    id,
                    Outcome::Met,
                    format!(
                        "graded {}, which fits ({fits}){because}",
                        grade_name(*grade)
                    ),
                    vec![*moment],
                )
            } else {
                category(
                    id,
                    Outcome::NotMet,
                    format!(
                        "graded {}; the incident calls for {fits}{because}",
                        grade_name(*grade)
                    ),
                    vec![*moment],
                )
            }
        }
        _ => category(
            id,
            Outcome::NotMet,
            format!("no grade was recorded; the incident calls for {fits}"),
            Vec::new(),
        ),
    }
}

fn referrals(scenario: &Scenario, replay: &Replay) -> Category {
    let id = "referrals";
    let expected = &scenario.expected.referrals;
    let Some((AnswerValue::Choices(made), moment)) = replay.last_answer.get(REFERRALS) else {
        return category(
            id,
            Outcome::NotMet,
            format!(
                "no referrals were recorded; expected: {}",
                expected.join(", ")
            ),
            Vec::new(),
        );
    };
    let missing: Vec<&str> = expected
        .iter()
        .filter(|value| !made.contains(value))
        .map(String::as_str)
        .collect();
    let made_words = if made.is_empty() {
        "none".to_string()
    } else {
        made.join(", ")
    };
    if missing.is_empty() {
        category(
            id,
            Outcome::Met,
            format!("referrals made: {made_words}"),
            vec![*moment],
        )
    } else if missing.len() < expected.len() {
        category(
            id,
            Outcome::Partly,
            format!(
                "referrals made: {made_words}; missing: {}",
                missing.join(", ")
            ),
            vec![*moment],
        )
    } else {
        category(
            id,
            Outcome::NotMet,
            format!(
                "referrals made: {made_words}; expected: {}",
                expected.join(", ")
            ),
            vec![*moment],
        )
    }
}

fn gated_attempts(timeline: &Timeline, replay: &Replay) -> Category {
    let id = "gated_attempts";
    if replay.refused.is_empty() {
        return category(
            id,
            Outcome::Met,
            "no question was tried behind a closed gate".into(),
            Vec::new(),
        );
    }
    let listed: Vec<String> = replay
        .refused
        .iter()
        .map(|(moment, question, gate)| {
            format!(
                "{question} at {} (the {gate} gate was closed)",
                clock(timeline, *moment)
            )
        })
        .collect();
    category(
        id,
        Outcome::NotMet,
        format!("refused by the gate: {}", listed.join("; ")),
        replay
            .refused
            .iter()
            .map(|(moment, _, _)| *moment)
            .collect(),
    )
}

fn never_asked(scenario: &Scenario, timeline: &Timeline) -> Category {
    let id = "never_asked";
    let moments: Vec<usize> = timeline
        .moments
        .iter()
        .enumerate()
        .filter(|(_, moment)| match &moment.event {
            Event::Asked { question, .. }
            | Event::Refused { question, .. }
            | Event::Recorded { question, .. } => scenario.expected.never_ask.contains(question),
            _ => false,
        })
        .map(|(index, _)| index)
        .collect();
    if moments.is_empty() {
        category(
            id,
            Outcome::Met,
            "nothing that must not be asked in this incident was asked".into(),
            Vec::new(),
        )
    } else {
        category(
            id,
            Outcome::NotMet,
            format!(
                "asked what must not be asked in this incident, first at {}",
                clock(timeline, moments[0])
            ),
            moments,
        )
    }
}

fn key_actions(scenario: &Scenario, replay: &Replay) -> Category {
    let id = "key_actions";
    let actions = &scenario.expected.key_actions;
    if actions.is_empty() {
        return category(
            id,
            Outcome::Met,
            "no key action is set for this incident".into(),
            Vec::new(),
        );
    }
    let mut missed = Vec::new();
    let mut moments = Vec::new();
    for action in actions {
        // One choice must be one of those named; a multiple choice must include one of them.
        let recorded: Option<Vec<&str>> = match replay.last_answer.get(&action.question) {
            Some((AnswerValue::Choice(value), moment)) => {
                moments.push(*moment);
                Some(vec![value.as_str()])
            }
            Some((AnswerValue::Choices(values), moment)) => {
                moments.push(*moment);
                Some(values.iter().map(String::as_str).collect())
            }
            _ => None,
        };
        let met = recorded.as_ref().is_some_and(|values| {
            values
                .iter()
                .any(|value| action.is.iter().any(|wanted| wanted == value))
        });
        if !met {
            missed.push(format!(
                "{} was recorded as {}; good practice here is {}",
                action.question,
                match &recorded {
                    None => "nothing".to_string(),
                    Some(values) if values.is_empty() => "nothing picked".to_string(),
                    Some(values) => format!("\"{}\"", values.join(", ")),
                },
                action.is.join(" or ")
            ));
        }
    }
    moments.sort_unstable();
    let outcome = if missed.is_empty() {
        Outcome::Met
    } else if missed.len() < actions.len() {
        Outcome::Partly
    } else {
        Outcome::NotMet
    };
    let reason = if missed.is_empty() {
        "every key action for this incident was recorded".to_string()
    } else {
        missed.join("; ")
    };
    category(id, outcome, reason, moments)
}

fn recorded_as_said(replay: &Replay) -> Category {
    let id = "recorded_as_said";
    if replay.recorded_otherwise.is_empty() {
        return category(
            id,
            Outcome::Met,
            "every answer was recorded as the victim gave it".into(),
            Vec::new(),
        );
    }
    let words: Vec<&str> = replay
        .recorded_otherwise
        .iter()
        .map(|(_, words)| words.as_str())
        .collect();
    category(
        id,
        Outcome::NotMet,
        words.join("; "),
        replay
            .recorded_otherwise
            .iter()
            .map(|(moment, _)| *moment)
            .collect(),
    )
}

fn time_taken(scenario: &Scenario, seconds: u64) -> Category {
    let id = "time_taken";
    let limit = u64::from(scenario.expected.minutes) * 60;
    let taken = format!("{}:{:02}", seconds / 60, seconds % 60);
    let (outcome, words) = if seconds <= limit {
        (Outcome::Met, "within")
    } else if seconds <= limit + limit / 2 {
        (Outcome::Partly, "over, by less than half again,")
    } else {
        (Outcome::NotMet, "well over")
    };
    category(
        id,
        outcome,
        format!(
            "took {taken}, {words} the {} minutes a good run takes",
            scenario.expected.minutes
        ),
        Vec::new(),
    )
}
