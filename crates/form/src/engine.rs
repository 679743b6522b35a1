//! One assessment walked through a pack: the view the officer sees, answers checked against
//! their questions, and the check-your-answers summary.
//!
//! Everything here is computed from the pack and the answers; there is no state a caller can set
//! directly.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use crate::error::AnswerError;
use crate::model::{AnswerValue, FormPack, Language, Question, QuestionKind};

/// One assessment in progress over one pack.
#[derive(Debug, Clone)]
pub struct Assessment {
    pack: Arc<FormPack>,
    answers: BTreeMap<String, AnswerValue>,
}

/// What the UI is given to draw the assessment: the questions to ask, in order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssessmentView {
    /// The pack's id.
    pub pack_id: String,
    /// The pack's version.
    pub pack_version: String,
    /// The pack's title.
    pub title: String,
    /// The pack's notice, if it has one.
    pub notice: Option<String>,
    /// The questions to ask, in order.
    pub questions: Vec<QuestionView>,
}

/// One question as the UI draws it, in one language.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionView {
    /// The question's id, used to answer it.
    pub id: String,
    /// The section's title.
    pub section: String,
    /// The input the UI shows: `choice` or `text`.
    pub input: &'static str,
    /// The question as the officer reads it.
    pub label: String,
    /// Guidance under the question.
    pub help: Option<String>,
    /// The choices, for `choice` inputs.
    pub choices: Vec<ChoiceView>,
    /// The longest text accepted, for `text` inputs.
    pub max_chars: Option<usize>,
    /// Whether an answer is needed to finish.
    pub required: bool,
    /// The current answer, if any.
    pub answer: Option<AnswerValue>,
}

/// A choice as the UI draws it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChoiceView {
    /// The value to answer with.
    pub value: String,
    /// The label to show.
    pub label: String,
}

/// The check-your-answers page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// One row per visible question, in order.
    pub rows: Vec<SummaryRow>,
}

/// One row of check-your-answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SummaryRow {
    /// The question's id (for its Change link).
    pub question_id: String,
    /// The question as asked.
    pub label: String,
    /// The answer as the officer would read it, or `None` when not answered.
    pub answer: Option<String>,
}

const YES_NO_UNKNOWN: [(&str, &str, &str); 3] = [
    ("yes", "Yes", "Ydy"),
    ("no", "No", "Nac ydy"),
    ("unknown", "Don't know", "Ddim yn gwybod"),
];

impl Assessment {
    /// Starts an assessment with no answers.
    pub fn new(pack: Arc<FormPack>) -> Self {
        Self {
            pack,
            answers: BTreeMap::new(),
        }
    }

    /// The pack this assessment uses.
    pub fn pack(&self) -> &FormPack {
        &self.pack
    }

    /// The questions to ask, in order, in `language`.
    pub fn view(&self, language: Language) -> AssessmentView {
        let questions = self
            .questions()
            .map(|(section, question)| QuestionView {
                id: question.id.clone(),
                section: section.to_string(),
                input: match question.kind {
                    QuestionKind::ShortText { .. } => "text",
                    QuestionKind::YesNoUnknown | QuestionKind::SingleChoice { .. } => "choice",
                },
                label: question.label.get(language).to_string(),
                help: question
                    .help
                    .as_ref()
                    .map(|help| help.get(language).to_string()),
                choices: choices_of(question, language),
                max_chars: match question.kind {
                    QuestionKind::ShortText { max_chars } => Some(max_chars),
                    _ => None,
                },
                required: question.required,
                answer: self.answers.get(&question.id).cloned(),
            })
            .collect();
        AssessmentView {
            pack_id: self.pack.id.clone(),
            pack_version: self.pack.version.clone(),
            title: self.pack.title.get(language).to_string(),
            notice: self
                .pack
                .notice
                .as_ref()
                .map(|notice| notice.get(language).to_string()),
            questions,
        }
    }

    /// Records an answer after checking it against its question.
    pub fn answer(&mut self, question_id: &str, value: AnswerValue) -> Result<(), AnswerError> {
        let question = self
            .find(question_id)
            .ok_or_else(|| AnswerError::UnknownQuestion {
                question: question_id.to_string(),
            })?;
        check_answer(question, &value)?;
        self.answers.insert(question_id.to_string(), value);
        Ok(())
    }

    /// The check-your-answers page in `language`.
    pub fn summary(&self, language: Language) -> Summary {
        let rows = self
            .questions()
            .map(|(_, question)| SummaryRow {
                question_id: question.id.clone(),
                label: question.label.get(language).to_string(),
                answer: self
                    .answers
                    .get(&question.id)
                    .map(|value| readable_answer(question, value, language)),
            })
            .collect();
        Summary { rows }
    }

    fn questions(&self) -> impl Iterator<Item = (&str, &Question)> + '_ {
        self.pack.sections.iter().flat_map(|section| {
            section
                .questions
                .iter()
                .map(move |question| (section.title.get(Language::En), question))
        })
    }

    fn find(&self, question_id: &str) -> Option<&Question> {
        self.questions()
            .map(|(_, question)| question)
            .find(|question| question.id == question_id)
    }
}

fn choices_of(question: &Question, language: Language) -> Vec<ChoiceView> {
    match &question.kind {
        QuestionKind::YesNoUnknown => YES_NO_UNKNOWN
            .iter()
            .map(|(value, en, cy)| ChoiceView {
                value: value.to_string(),
                label: match language {
                    Language::En => en,
                    Language::Cy => cy,
                }
                .to_string(),
            })
            .collect(),
        QuestionKind::SingleChoice { choices } => choices
            .iter()
            .map(|choice| ChoiceView {
                value: choice.value.clone(),
                label: choice.label.get(language).to_string(),
            })
            .collect(),
        QuestionKind::ShortText { .. } => Vec::new(),
    }
}

fn check_answer(question: &Question, value: &AnswerValue) -> Result<(), AnswerError> {
    let invalid = |message: &str| AnswerError::Invalid {
        question: question.id.clone(),
        message: message.to_string(),
    };
    match (&question.kind, value) {
        (QuestionKind::ShortText { max_chars }, AnswerValue::Text(text)) => {
            if text.chars().count() > *max_chars {
                return Err(invalid(&format!(
                    "Answer must be {max_chars} characters or fewer"
                )));
            }
            if question.required && text.trim().is_empty() {
                return Err(invalid("Enter an answer"));
            }
            Ok(())
        }
        (QuestionKind::ShortText { .. }, AnswerValue::Choice(_)) => Err(invalid("Enter text")),
        (_, AnswerValue::Choice(picked)) => {
            if choices_of(question, Language::En)
                .iter()
                .any(|choice| &choice.value == picked)
            {
                Ok(())
            } else {
                Err(invalid("Select one of the options"))
            }
        }
        (_, AnswerValue::Text(_)) => Err(invalid("Select one of the options")),
    }
}

fn readable_answer(question: &Question, value: &AnswerValue, language: Language) -> String {
    match value {
        AnswerValue::Text(text) => text.clone(),
        AnswerValue::Choice(picked) => choices_of(question, language)
            .into_iter()
            .find(|choice| &choice.value == picked)
            .map(|choice| choice.label)
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::builtin_skeleton_pack;

    fn skeleton() -> Assessment {
        Assessment::new(Arc::new(builtin_skeleton_pack().expect("built-in pack")))
    }

    #[test]
    fn an_answer_shows_in_the_summary_in_the_chosen_language() {
        let mut assessment = skeleton();
        let question = assessment.view(Language::En).questions[0].id.clone();
        assessment
            .answer(&question, AnswerValue::Choice("no".into()))
            .expect("a listed choice is accepted");
        assert_eq!(
            assessment.summary(Language::En).rows[0].answer.as_deref(),
            Some("No")
        );
        assert_eq!(
            assessment.summary(Language::Cy).rows[0].answer.as_deref(),
            Some("Nac ydy")
        );
    }

    #[test]
    fn a_choice_not_offered_is_refused_without_echoing_it() {
        let mut assessment = skeleton();
        let question = assessment.view(Language::En).questions[0].id.clone();
        let refused = assessment
            .answer(
                &question,
                AnswerValue::Choice("<script>canary</script>".into()),
            )
            .expect_err("an unlisted choice is refused");
        assert!(!refused.to_string().contains("canary"));
        assert_eq!(assessment.summary(Language::En).rows[0].answer, None);
    }

    #[test]
    fn an_unknown_question_is_refused() {
        let mut assessment = skeleton();
        assert_eq!(
            assessment.answer("no-such-question", AnswerValue::Choice("yes".into())),
            Err(AnswerError::UnknownQuestion {
                question: "no-such-question".into()
            })
        );
    }
}
