//! Answers checked against their question's kind, the choices a kind offers, dates, and an
//! answer as the officer reads it on check your answers.

use crate::error::{show_number, AnswerError, AnswerProblem};
use crate::model::{AnswerValue, Choice, Grade, InformationOwner, Language};
use crate::pack::Kind;

use super::ChoiceView;

const YES_NO_UNKNOWN: [(&str, &str, &str); 3] = [
    ("yes", "Yes", "Ie"),
    ("no", "No", "Na"),
    ("unknown", "Don't know", "Ddim yn gwybod"),
];

const GRADE_LABELS: [(Grade, &str, &str); 3] = [
    (Grade::Standard, "Standard", "Safonol"),
    (Grade::Medium, "Medium", "Canolig"),
    (Grade::High, "High", "Uchel"),
];

pub(super) fn grade_value(grade: Grade) -> &'static str {
    match grade {
        Grade::Standard => "standard",
        Grade::Medium => "medium",
        Grade::High => "high",
    }
}

fn pick(language: Language, en: &str, cy: &str) -> String {
    match language {
        Language::En => en,
        Language::Cy => cy,
    }
    .to_string()
}

/// A kind's choices as the UI shows them in `language` (the pack keeps them, built once at load).
pub(crate) fn choices_of(kind: &Kind, language: Language) -> Vec<ChoiceView> {
    match kind {
        Kind::YesNoUnknown => YES_NO_UNKNOWN
            .iter()
            .map(|(value, en, cy)| ChoiceView {
                value: value.to_string(),
                label: pick(language, en, cy),
                warning: None,
            })
            .collect(),
        Kind::SingleChoice(choices) | Kind::MultipleChoice(choices) => choices
            .iter()
            .map(|choice: &Choice| ChoiceView {
                value: choice.value.clone(),
                label: choice.label.get(language).to_string(),
                warning: choice
                    .warning
                    .as_ref()
                    .map(|warning| warning.get(language).to_string()),
            })
            .collect(),
        Kind::RiskGrade { .. } => GRADE_LABELS
            .iter()
            .map(|(grade, en, cy)| ChoiceView {
                value: grade_value(*grade).to_string(),
                label: pick(language, en, cy),
                warning: None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn is_listed(kind: &Kind, value: &str) -> bool {
    choices_of(kind, Language::En)
        .iter()
        .any(|choice| choice.value == value)
}

pub(super) fn check_answer(
    question: &str,
    kind: &Kind,
    value: &AnswerValue,
) -> Result<(), AnswerError> {
    let refuse = |problem: AnswerProblem| {
        Err(AnswerError::Invalid {
            question: question.to_string(),
            problem,
        })
    };
    let check_text = |text: &str, max: usize| {
        if text.contains('\0') {
            return refuse(AnswerProblem::BadCharacter);
        }
        if text.chars().count() > max {
            return refuse(AnswerProblem::TooLong { max });
        }
        Ok(())
    };
    match (kind, value) {
        (Kind::YesNoUnknown | Kind::SingleChoice(_), AnswerValue::Choice(picked)) => {
            if is_listed(kind, picked) {
                Ok(())
            } else {
                refuse(AnswerProblem::NotAChoice)
            }
        }
        (Kind::MultipleChoice(_), AnswerValue::Choices(picked)) => {
            let mut seen = std::collections::BTreeSet::new();
            if picked.is_empty() {
                return refuse(AnswerProblem::NoneSelected);
            }
            if picked
                .iter()
                .all(|value| is_listed(kind, value) && seen.insert(value))
            {
                Ok(())
            } else {
                refuse(AnswerProblem::UnlistedChoice)
            }
        }
        (Kind::Text { max_chars, .. }, AnswerValue::Text(text)) => {
            check_text(text, *max_chars)?;
            if text.trim().is_empty() {
                return refuse(AnswerProblem::Blank);
            }
            Ok(())
        }
        (Kind::Number { min, max }, AnswerValue::Number(number)) => {
            if number.is_finite() && number >= min && number <= max {
                Ok(())
            } else {
                refuse(AnswerProblem::NumberOutOfRange {
                    min: *min,
                    max: *max,
                })
            }
        }
        (Kind::DateTime, AnswerValue::DateTime(text)) => {
            if is_date_time(text) {
                Ok(())
            } else {
                refuse(AnswerProblem::BadDateTime)
            }
        }
        (
            Kind::RiskGrade {
                min_rationale_chars,
                ..
            },
            AnswerValue::Grade {
                rationale, weighed, ..
            },
        ) => {
            check_text(rationale, 10_000)?;
            if weighed.len() > 100 || weighed.iter().any(|id| id.len() > 200) {
                return refuse(AnswerProblem::FactorsNotWeighed);
            }
            if rationale.trim().chars().count() < *min_rationale_chars {
                return refuse(AnswerProblem::RationaleTooShort {
                    min: *min_rationale_chars,
                });
            }
            Ok(())
        }
        (Kind::DirectoryReferral, AnswerValue::Referral { services, consent }) => {
            let mut seen = std::collections::BTreeSet::new();
            let fits = services.len() <= 20
                && services.iter().all(|service| {
                    seen.insert(service.id.as_str())
                        && [&service.id, &service.name]
                            .iter()
                            .all(|text| text.len() <= 500 && !text.contains('\0'))
                });
            match (fits, *consent, services.is_empty()) {
                (false, _, _) => refuse(AnswerProblem::UnlistedChoice),
                (true, true, true) => refuse(AnswerProblem::NoneSelected),
                (true, false, false) => refuse(AnswerProblem::ReferralWithoutConsent),
                _ => Ok(()),
            }
        }
        (Kind::Information, _) => refuse(AnswerProblem::TakesNoAnswer),
        _ => refuse(AnswerProblem::WrongKind),
    }
}

/// `YYYY-MM-DD`, a real date.
pub(crate) fn is_date(text: &str) -> bool {
    text.len() == 10 && is_date_time(&format!("{text}T00:00"))
}

/// Whether `information` was due for review before `today` (both `YYYY-MM-DD`, so they order
/// as text).
pub(crate) fn is_review_overdue(information: &InformationOwner, today: &str) -> bool {
    information.review_by.as_str() < today
}

/// `YYYY-MM-DDTHH:MM`, with a real month, day, hour and minute.
fn is_date_time(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() != 16
        || bytes[4] != b'-'
        || bytes[7] != b'-'
        || bytes[10] != b'T'
        || bytes[13] != b':'
    {
        return false;
    }
    let number =
        |from: usize, to: usize| text.get(from..to).and_then(|part| part.parse::<u32>().ok());
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute)) = (
        number(0, 4),
        number(5, 7),
        number(8, 10),
        number(11, 13),
        number(14, 16),
    ) else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1900..=2999).contains(&year) && (1..=days).contains(&day) && hour < 24 && minute < 60
}

pub(super) fn readable_answer(kind: &Kind, value: &AnswerValue, language: Language) -> String {
    let label_of = |picked: &str| {
        choices_of(kind, language)
            .into_iter()
            .find(|choice| choice.value == picked)
            .map(|choice| choice.label)
            .unwrap_or_default()
    };
    match value {
        AnswerValue::Choice(picked) => label_of(picked),
        AnswerValue::Choices(picked) => picked
            .iter()
            .map(|value| label_of(value))
            .collect::<Vec<_>>()
            .join(", "),
        AnswerValue::Text(text) => text.clone(),
        AnswerValue::Number(number) => show_number(*number),
        AnswerValue::DateTime(text) => text.replacen('T', " ", 1),
        AnswerValue::Referral { services, consent } => {
            if *consent {
                let names: Vec<&str> = services
                    .iter()
                    .map(|service| service.name.as_str())
                    .collect();
                format!(
                    "{} {}",
                    names.join(", "),
                    pick(
                        language,
                        "(the victim agrees)",
                        "(mae'r dioddefwr yn cytuno)"
                    )
                )
            } else {
                pick(
                    language,
                    "Not referred: the victim does not agree",
                    "Heb atgyfeirio: nid yw'r dioddefwr yn cytuno",
                )
            }
        }
        AnswerValue::Grade {
            grade,
            rationale,
            weighed,
        } => {
            let below = if weighed.is_empty() {
                String::new()
            } else {
                pick(
                    language,
                    " (below the guidance; each factor weighed)",
                    " (yn is na'r arweiniad; pob ffactor wedi'i bwyso)",
                )
            };
            format!(
                "{}{below} — {}",
                label_of(grade_value(*grade)),
                rationale.trim()
            )
        }
    }
}
