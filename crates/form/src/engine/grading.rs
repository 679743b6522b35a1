//! Risk guidance and grading: which risk factors are present (none reading behind a closed
//! gate), what they suggest, and the rules for a grade below the guidance (each factor that
//! reads no safeguarding answer confirmed as weighed, a longer rationale), which the sealed
//! record reports for the supervisor.

use crate::error::AnswerProblem;
use crate::model::{AnswerValue, Grade, Language};
use crate::pack::Kind;

use super::{Assessment, Evaluation, Guidance, GuidanceFactor};

impl Assessment {
    /// The risk factors present, by index in the pack. A factor that reads a question behind a
    /// gate is absent while that gate is closed: a condition such as `not q == 'yes'` would
    /// otherwise hold over hidden answers, and its label tell what is behind the gate.
    fn present_factors(&self, evaluation: &Evaluation) -> Vec<usize> {
        let value_of = |read: &usize| self.visible_value(&evaluation.visible, *read);
        (0..self.pack.risk_factors.len())
            .filter(|factor| {
                self.pack.risk_factor_gates[*factor]
                    .iter()
                    .all(|gate| evaluation.gate_open[*gate])
                    && self.pack.risk_factors[*factor].eval_by(&value_of)
            })
            .collect()
    }

    /// The factors present that a grade below the guidance must confirm, and the grade below
    /// which it must (the highest of their suggestions).
    fn to_weigh(&self, evaluation: &Evaluation) -> (Vec<usize>, Option<Grade>) {
        let factors = &self.pack.file().risk_factors;
        let weigh: Vec<usize> = self
            .present_factors(evaluation)
            .into_iter()
            .filter(|factor| !self.pack.risk_factor_reads_safeguarding[*factor])
            .collect();
        let below = weigh.iter().map(|factor| factors[*factor].suggests).max();
        (weigh, below)
    }

    pub(super) fn guidance(&self, evaluation: &Evaluation, language: Language) -> Guidance<'_> {
        let factors = &self.pack.file().risk_factors;
        let present = self.present_factors(evaluation);
        Guidance {
            factors: present
                .iter()
                .map(|index| {
                    let factor = &factors[*index];
                    GuidanceFactor {
                        id: &factor.id,
                        label: factor.label.get(language),
                        suggests: factor.suggests,
                        weigh: !self.pack.risk_factor_reads_safeguarding[*index],
                    }
                })
                .collect(),
            suggested: present.iter().map(|index| factors[*index].suggests).max(),
            confirm_below: self.to_weigh(evaluation).1,
        }
    }

    /// What is wrong with `value` as a grade given the guidance now: a weighed id that is not a
    /// factor to weigh now (an answer since may have taken it away: the record must not name
    /// it), or below the guidance without every factor to weigh confirmed, or without the
    /// longer rationale.
    pub(super) fn grade_problem(
        &self,
        evaluation: &Evaluation,
        kind: &Kind,
        value: &AnswerValue,
    ) -> Option<AnswerProblem> {
        let (
            Kind::RiskGrade {
                min_rationale_chars_below_guidance,
                ..
            },
            AnswerValue::Grade {
                grade,
                rationale,
                weighed,
            },
        ) = (kind, value)
        else {
            return None;
        };
        let (to_weigh, below) = self.to_weigh(evaluation);
        let ids: Vec<&str> = to_weigh
            .iter()
            .map(|factor| self.pack.file().risk_factors[*factor].id.as_str())
            .collect();
        if weighed.iter().any(|id| !ids.contains(&id.as_str())) {
            return Some(AnswerProblem::FactorsNotWeighed);
        }
        if below.is_none_or(|below| *grade >= below) {
            return None;
        }
        if !ids
            .iter()
            .all(|id| weighed.iter().any(|weighed| weighed == id))
        {
            return Some(AnswerProblem::FactorsNotWeighed);
        }
        if rationale.trim().chars().count() < *min_rationale_chars_below_guidance {
            return Some(AnswerProblem::RationaleTooShort {
                min: *min_rationale_chars_below_guidance,
            });
        }
        None
    }

    /// Whether question `index` is shown with an answer that no longer holds as given: a grade
    /// now below the guidance without what that asks for.
    pub(super) fn needs_attention(&self, evaluation: &Evaluation, index: usize) -> bool {
        evaluation.visible[index]
            && self.answers[index].as_ref().is_some_and(|value| {
                self.grade_problem(evaluation, &self.pack.questions[index].kind, value)
                    .is_some()
            })
    }

    /// Whether the officer's grade, as shown now, is below the grade the guidance suggests
    /// (from the factors the main record may tell): the record says so for the supervisor.
    pub fn graded_below_guidance(&self) -> bool {
        let (_, below) = self.to_weigh(&self.evaluation);
        (0..self.pack.len()).any(|index| {
            self.evaluation.visible[index]
                && matches!(
                    (self.answers[index].as_ref(), below),
                    (Some(AnswerValue::Grade { grade, .. }), Some(below)) if *grade < below
                )
        })
    }
}
