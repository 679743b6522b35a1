//! Loading a form pack: parse the documented JSON format, then check it as a whole (unique ids,
//! every text in every language, usable questions). A pack that fails any check is refused with
//! an error naming the pack, the place and the problem; nothing is patched up silently.

use std::collections::BTreeSet;

use crate::error::PackError;
use crate::model::{FormPack, LocalText, QuestionKind};

/// The tiny pack built into the walking skeleton: one real question, so the seam between the
/// app and the engine is exercised end to end. The default pack replaces it.
const SKELETON_PACK: &str = include_str!("../../../forms/skeleton.json");

/// Parses and checks a pack.
pub fn load_pack(bytes: &[u8]) -> Result<FormPack, PackError> {
    let pack: FormPack = serde_json::from_slice(bytes).map_err(|error| PackError::Malformed {
        detail: error.to_string(),
    })?;
    check_pack(&pack)?;
    Ok(pack)
}

/// The pack built into the app.
pub fn builtin_skeleton_pack() -> Result<FormPack, PackError> {
    load_pack(SKELETON_PACK.as_bytes())
}

fn check_pack(pack: &FormPack) -> Result<(), PackError> {
    let mut seen = BTreeSet::new();
    let texts_of_pack = [("pack title".to_string(), Some(&pack.title))]
        .into_iter()
        .chain([("pack notice".to_string(), pack.notice.as_ref())]);
    let mut texts: Vec<(String, Option<&LocalText>)> = texts_of_pack.collect();

    for section in &pack.sections {
        if !seen.insert(section.id.as_str()) {
            return Err(duplicate(pack, &section.id));
        }
        texts.push((
            format!("section {} title", section.id),
            Some(&section.title),
        ));
        for question in &section.questions {
            if !seen.insert(question.id.as_str()) {
                return Err(duplicate(pack, &question.id));
            }
            texts.push((
                format!("question {} label", question.id),
                Some(&question.label),
            ));
            texts.push((
                format!("question {} help", question.id),
                question.help.as_ref(),
            ));
            match &question.kind {
                QuestionKind::YesNoUnknown => {}
                QuestionKind::SingleChoice { choices } => {
                    let mut values = BTreeSet::new();
                    if choices.len() < 2 {
                        return Err(invalid(pack, &question.id, "needs at least two choices"));
                    }
                    for choice in choices {
                        if !values.insert(choice.value.as_str()) {
                            return Err(invalid(
                                pack,
                                &question.id,
                                &format!("the choice {:?} is listed twice", choice.value),
                            ));
                        }
                        texts.push((
                            format!("question {} choice {}", question.id, choice.value),
                            Some(&choice.label),
                        ));
                    }
                }
                QuestionKind::ShortText { max_chars } => {
                    if *max_chars == 0 {
                        return Err(invalid(pack, &question.id, "max_chars must be at least 1"));
                    }
                }
            }
        }
    }
    if pack
        .sections
        .iter()
        .all(|section| section.questions.is_empty())
    {
        return Err(PackError::Empty {
            pack: pack.id.clone(),
        });
    }
    for (place, text) in texts {
        if let Some(language) = text.and_then(|text| text.missing_languages().next()) {
            return Err(PackError::MissingTranslation {
                pack: pack.id.clone(),
                place,
                language: language.code(),
            });
        }
    }
    Ok(())
}

fn duplicate(pack: &FormPack, id: &str) -> PackError {
    PackError::DuplicateId {
        pack: pack.id.clone(),
        id: id.to_string(),
    }
}

fn invalid(pack: &FormPack, question: &str, problem: &str) -> PackError {
    PackError::InvalidQuestion {
        pack: pack.id.clone(),
        question: question.to_string(),
        problem: problem.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pack_with_question(question: &str) -> String {
        format!(
            r#"{{"id":"p","version":"1","title":{{"en":"T","cy":"T"}},
                "sections":[{{"id":"s","title":{{"en":"S","cy":"S"}},"questions":[{question}]}}]}}"#
        )
    }

    #[test]
    fn the_built_in_pack_loads() {
        let pack = builtin_skeleton_pack().expect("built-in pack must load");
        assert_eq!(pack.sections[0].questions.len(), 1);
    }

    #[test]
    fn a_missing_welsh_label_is_named() {
        let json = pack_with_question(r#"{"id":"q1","kind":"yes_no_unknown","label":{"en":"Q"}}"#);
        assert_eq!(
            load_pack(json.as_bytes()),
            Err(PackError::MissingTranslation {
                pack: "p".into(),
                place: "question q1 label".into(),
                language: "cy"
            })
        );
    }

    #[test]
    fn a_repeated_id_is_named() {
        let question = r#"{"id":"q1","kind":"yes_no_unknown","label":{"en":"Q","cy":"Q"}}"#;
        let json = pack_with_question(&format!("{question},{question}"));
        assert_eq!(
            load_pack(json.as_bytes()),
            Err(PackError::DuplicateId {
                pack: "p".into(),
                id: "q1".into()
            })
        );
    }

    #[test]
    fn an_unknown_field_is_refused_not_ignored() {
        let json = pack_with_question(
            r#"{"id":"q1","kind":"yes_no_unknown","label":{"en":"Q","cy":"Q"},"show_when":"x"}"#,
        );
        assert!(matches!(
            load_pack(json.as_bytes()),
            Err(PackError::Malformed { .. })
        ));
    }
}
