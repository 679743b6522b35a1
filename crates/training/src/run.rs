//! A trainee's run of a scenario, over the real form engine: asking a question shows the
//! scripted victim's reply, unless the question is behind a gate that is still closed, which
//! the engine refuses exactly as in live use (and the timeline keeps the attempt). Recording an
//! answer goes through the engine's own checks. Nothing here seals or sends anything: a run
//! ends with its timeline, for the debrief.

use std::sync::Arc;

use firstline_form::{AnswerError, AnswerValue, Assessment, Language, Pack};

use crate::error::ScenarioError;
use crate::scenario::{Scenario, Trigger};
use crate::timeline::{Event, Moment, Timeline};

/// Milliseconds since the run started.
pub type Clock = Box<dyn Fn() -> u64 + Send>;

/// What the trainee gets for asking a question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asked {
    /// The victim's reply.
    Reply {
        /// The words.
        says: String,
        /// Whether they can be relied on.
        reliable: bool,
    },
    /// The question is behind a closed gate: not asked.
    Refused {
        /// The gate.
        gate: String,
    },
}

/// One trainee's run.
pub struct Run {
    scenario: Arc<Scenario>,
    assessment: Assessment,
    timeline: Timeline,
    clock: Clock,
    fired: Vec<String>,
    /// Injects fired and not yet told to the trainee (an answer's fires at once).
    untold: Vec<(String, String)>,
}

impl Run {
    /// Starts `scenario` on `pack` (the form pack it names).
    pub fn start(
        scenario: Arc<Scenario>,
        pack: Arc<Pack>,
        clock: Clock,
    ) -> Result<Run, ScenarioError> {
        if pack.content_hash() != scenario.form_pack.hash {
            return Err(ScenarioError::OtherFormPack {
                scenario: scenario.id.clone(),
                wants: scenario.form_pack.hash.clone(),
                given: pack.content_hash().to_string(),
            });
        }
        Ok(Run {
            scenario,
            assessment: Assessment::new(pack),
            timeline: Timeline::default(),
            clock,
            fired: Vec::new(),
            untold: Vec::new(),
        })
    }

    /// The assessment as the trainee's screens show it.
    pub fn assessment(&self) -> &Assessment {
        &self.assessment
    }

    /// The scenario being run.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The trainee asks `question` (its screen, or "Ask about…").
    pub fn ask(&mut self, question: &str) -> Result<Asked, AnswerError> {
        if let Some(gate) = self.closed_gate_of(question)? {
            self.push(Event::Refused {
                question: question.to_string(),
                gate: gate.clone(),
            });
            return Ok(Asked::Refused { gate });
        }
        let assessment = &self.assessment;
        let recorded = |id: &str| match assessment.answer_to(id) {
            Some(AnswerValue::Choice(value)) => Some(value.as_str()),
            _ => None,
        };
        let (says, reliable) = match self.scenario.reply_to(question, recorded) {
            Some(reply) => (reply.says.clone(), reply.reliable),
            None => (self.scenario.victim.no_reply.clone(), true),
        };
        self.push(Event::Asked {
            question: question.to_string(),
            reply: says.clone(),
            reliable,
        });
        Ok(Asked::Reply { says, reliable })
    }

    /// The trainee records an answer; the engine checks it as in live use (a gated question is
    /// refused, and the attempt kept).
    pub fn record(&mut self, question: &str, answer: AnswerValue) -> Result<(), AnswerError> {
        match self.assessment.answer(question, answer.clone()) {
            Ok(()) => {
                self.push(Event::Recorded {
                    question: question.to_string(),
                    answer,
                });
                let after: Vec<(String, String)> = self
                    .scenario
                    .injects
                    .iter()
                    .filter(|inject| inject.trigger == Trigger::AfterAnswer(question.to_string()))
                    .map(|inject| (inject.id.clone(), inject.says.clone()))
                    .collect();
                for (id, says) in after {
                    self.fire(id, says);
                }
                Ok(())
            }
            Err(AnswerError::Gated {
                question,
                gate,
                gate_title,
            }) => {
                self.push(Event::Refused {
                    question: question.clone(),
                    gate: gate.clone(),
                });
                Err(AnswerError::Gated {
                    question,
                    gate,
                    gate_title,
                })
            }
            Err(error) => Err(error),
        }
    }

    /// Injects that have happened and the trainee has not been told yet: those whose time has
    /// come (fired now) and those an answer fired (each once).
    pub fn due_injects(&mut self) -> Vec<(String, String)> {
        let now_seconds = (self.clock)() / 1000;
        let due: Vec<(String, String)> = self
            .scenario
            .injects
            .iter()
            .filter(|inject| matches!(inject.trigger, Trigger::AfterSeconds(at) if u64::from(at) <= now_seconds))
            .filter(|inject| !self.fired.contains(&inject.id))
            .map(|inject| (inject.id.clone(), inject.says.clone()))
            .collect();
        for (id, says) in due {
            self.fire(id, says);
        }
        std::mem::take(&mut self.untold)
    }

    /// Ends the run (finalise in training): its timeline, for the debrief. Nothing is sealed.
    pub fn finish(mut self) -> Timeline {
        self.push(Event::Finished);
        self.timeline
    }

    /// The timeline as [`Run::finish`] would end it, leaving the run going (so that a run is
    /// dropped only once what it became is kept).
    pub fn finished_timeline(&self) -> Timeline {
        let mut timeline = self.timeline.clone();
        timeline.moments.push(Moment {
            at_ms: (self.clock)(),
            event: Event::Finished,
        });
        timeline
    }

    /// The gate `question` is behind, if it is closed now.
    fn closed_gate_of(&self, question: &str) -> Result<Option<String>, AnswerError> {
        let pack = self.assessment.pack();
        let section = pack
            .file()
            .sections
            .iter()
            .find(|section| section.questions.iter().any(|q| q.id == question))
            .ok_or_else(|| AnswerError::UnknownQuestion {
                question: question.to_string(),
            })?;
        let Some(gate) = &section.gate else {
            return Ok(None);
        };
        let open = self
            .assessment
            .view(Language::En)
            .gates
            .iter()
            .any(|view| view.id == gate && view.open);
        Ok((!open).then(|| gate.clone()))
    }

    fn fire(&mut self, id: String, says: String) {
        if !self.fired.contains(&id) {
            self.fired.push(id.clone());
            self.untold.push((id.clone(), says.clone()));
            self.push(Event::Inject { id, says });
        }
    }

    fn push(&mut self, event: Event) {
        let at_ms = (self.clock)();
        self.timeline.moments.push(Moment { at_ms, event });
    }
}
