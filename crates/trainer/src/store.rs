//! The training store and what the trainer does with it: the trainer's PIN, scenarios, classes
//! of trainees, one run at a time, and the debriefs, reports and cohort CSVs kept from them.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use firstline_form::{AnswerValue, AssessmentView, Language, Pack};
use firstline_training::report::{cohort_csv, report_html, write_report, CohortRow};
use firstline_training::{Asked, Debrief, Run, Scenario, Timeline};
use firstline_vault::{DeviceSecret, Vault, VaultOptions};
use serde::{Deserialize, Serialize};

use crate::error::TrainingError;

/// The trainer's name in the training store (the one "officer" it has).
pub const TRAINER: &str = "trainer";

/// The scenarios built into this build, signed with the demo key as the built-in form pack is.
const BUILT_IN: &[&[u8]] = &[
    include_bytes!("../../../scenarios/migrant-deportation-threat.signed.json"),
    include_bytes!("../../../scenarios/suspect-offers-to-interpret.signed.json"),
    include_bytes!("../../../scenarios/strangulation-minimised.signed.json"),
    include_bytes!("../../../scenarios/child-not-seen.signed.json"),
    include_bytes!("../../../scenarios/male-victim.signed.json"),
    include_bytes!("../../../scenarios/not-safe-to-talk.signed.json"),
];

/// The built-in scenarios, each verified (the demo key) and checked against `pack`.
pub fn built_in_scenarios(pack: &Pack) -> Result<Vec<Scenario>, TrainingError> {
    let keys = firstline_form::built_in_keys();
    BUILT_IN
        .iter()
        .map(|bytes| Ok(firstline_training::verify_scenario(bytes, &keys, pack)?))
        .collect()
}

/// The force's own scenarios: every `*.json` in `folder` (force IT drops them beside the
/// machine policy), each verified against `trusted` (the force's pack-signing key; the demo
/// key too in a development build) and checked against `pack`. A file that is not a signed
/// scenario of a trusted key is left out and said, by file name; a missing folder is none.
pub fn scenarios_in(
    folder: &Path,
    trusted: &[firstline_form::TrustedKey],
    pack: &Pack,
) -> (Vec<Scenario>, Vec<String>) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "json")
        })
        .collect();
    files.sort();
    let mut scenarios = Vec::new();
    let mut problems = Vec::new();
    for path in files.into_iter().take(100) {
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let read = std::fs::metadata(&path)
            .map_err(|error| error.to_string())
            .and_then(|metadata| {
                if metadata.len() > 1024 * 1024 {
                    Err("larger than 1 MiB".to_string())
                } else {
                    std::fs::read(&path).map_err(|error| error.to_string())
                }
            });
        match read.and_then(|bytes| {
            firstline_training::verify_scenario(&bytes, trusted, pack)
                .map_err(|error| error.to_string())
        }) {
            Ok(scenario) => scenarios.push(scenario),
            Err(problem) => problems.push(format!("{name}: {problem}")),
        }
    }
    (scenarios, problems)
}

/// Where scenario mode stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Status {
    /// Whether the trainer's PIN is set.
    pub trainer_set_up: bool,
    /// Whether the trainer has unlocked.
    pub unlocked: bool,
    /// The fewest digits the trainer's PIN may have (the machine policy may ask for more).
    pub min_pin_digits: usize,
    /// The run going, if any: (class id, trainee).
    pub running: Option<(String, String)>,
}

/// A scenario as the trainer picks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScenarioSummary {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The incident brief.
    pub brief: String,
}

/// One question in the "Ask about…" menu: every question of the form, gated or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MenuItem {
    /// The question's id.
    pub id: String,
    /// Its words.
    pub label: String,
    /// Its section's title.
    pub section: String,
}

/// A class as kept.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClassRecord {
    id: String,
    scenario: String,
    created_at: i64,
    trainees: Vec<String>,
}

/// A finished run as kept: its timeline and its debrief.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunRecord {
    /// The run's id.
    pub id: String,
    /// Its class.
    pub class_id: String,
    /// The trainee.
    pub trainee: String,
    /// The scenario's id.
    pub scenario: String,
    /// When it finished (seconds since the epoch).
    pub finished_at: i64,
    /// Every moment.
    pub timeline: Timeline,
    /// The debrief.
    pub debrief: Debrief,
}

/// A run in a class's list.
#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    /// The run's id.
    pub id: String,
    /// When it finished.
    pub finished_at: i64,
    /// How many categories were met, partly met and not met.
    pub met: usize,
    /// Partly met.
    pub partly: usize,
    /// Not met.
    pub not_met: usize,
}

/// A trainee in a class, with their runs.
#[derive(Debug, Clone, Serialize)]
pub struct TraineeView {
    /// The name the trainer typed.
    pub name: String,
    /// Their finished runs, oldest first.
    pub runs: Vec<RunSummary>,
}

/// A class as the trainer sees it.
#[derive(Debug, Clone, Serialize)]
pub struct ClassView {
    /// Its id.
    pub id: String,
    /// The scenario's id.
    pub scenario: String,
    /// The scenario's title.
    pub scenario_title: String,
    /// When it was made.
    pub created_at: i64,
    /// Its trainees.
    pub trainees: Vec<TraineeView>,
}

/// The run going.
struct ActiveRun {
    class_id: String,
    trainee: String,
    run: Run,
}

/// Scenario mode's store; see the crate doc.
pub struct TrainingStore {
    vault: Vault,
    pack: Arc<Pack>,
    scenarios: Vec<Arc<Scenario>>,
    active: Option<ActiveRun>,
    min_pin_digits: usize,
    /// The trainer's last command, for the idle lock.
    last_activity: Instant,
}

/// The rules the device's policy sets for scenario mode, applied before every command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrainerRules {
    /// The fewest digits the trainer's PIN may have.
    pub min_pin_digits: usize,
    /// Wrong PINs in a row after which the trainer's key (and so the store's records) is
    /// destroyed.
    pub max_failed_pins: u32,
    /// Idle time after which scenario mode locks itself.
    pub idle_limit: std::time::Duration,
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| {
            i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
        })
}

/// Characters that change how text reads without being seen: direction overrides and
/// isolates, zero-width characters, the byte-order mark, the soft hyphen.
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{00AD}')
}

fn checked_trainees(trainees: Vec<String>) -> Result<Vec<String>, TrainingError> {
    let trainees: Vec<String> = trainees
        .into_iter()
        .map(|name| name.trim().to_string())
        .collect();
    let good = |name: &String| {
        (1..=60).contains(&name.chars().count())
            && !name
                .chars()
                .any(|c| c.is_control() || is_invisible_format(c))
    };
    let mut sorted = trainees.clone();
    sorted.sort();
    sorted.dedup();
    if trainees.is_empty()
        || trainees.len() > 40
        || sorted.len() != trainees.len()
        || !trainees.iter().all(good)
    {
        return Err(TrainingError::BadTraineeName);
    }
    Ok(trainees)
}

impl TrainingStore {
    /// Opens (creating if needed) the training store at `path` with its own `secret`. The
    /// trainer's PIN has at least `min_pin_digits` digits (the policy's trainer PIN rule).
    pub fn open(
        path: &Path,
        secret: DeviceSecret,
        min_pin_digits: usize,
        pack: Arc<Pack>,
        scenarios: Vec<Scenario>,
    ) -> Result<TrainingStore, TrainingError> {
        let options = VaultOptions {
            min_pin_digits,
            ..VaultOptions::default()
        };
        TrainingStore::open_with(path, secret, options, pack, scenarios)
    }

    /// [`TrainingStore::open`] with the vault's options given whole (tests use a quicker KDF).
    pub fn open_with(
        path: &Path,
        secret: DeviceSecret,
        options: VaultOptions,
        pack: Arc<Pack>,
        scenarios: Vec<Scenario>,
    ) -> Result<TrainingStore, TrainingError> {
        let min_pin_digits = options.min_pin_digits;
        let vault = Vault::open_training(path, secret, options)?;
        // One scenario per id: the first given (built in before the force's) wins.
        let mut unique: Vec<Arc<Scenario>> = Vec::new();
        for scenario in scenarios {
            if !unique.iter().any(|kept| kept.id == scenario.id) {
                unique.push(Arc::new(scenario));
            }
        }
        Ok(TrainingStore {
            vault,
            pack,
            scenarios: unique,
            active: None,
            min_pin_digits,
            last_activity: Instant::now(),
        })
    }

    /// Applies the device's policy before a command: the trainer's PIN rules, and the idle
    /// lock (idle past the limit since the last command: locked, a run going dropped). The
    /// command counts as activity.
    pub fn before_command(&mut self, rules: TrainerRules) {
        self.before_command_at(rules, Instant::now());
    }

    /// [`TrainingStore::before_command`] at a given time (for tests).
    pub fn before_command_at(&mut self, rules: TrainerRules, now: Instant) {
        self.min_pin_digits = rules.min_pin_digits;
        self.vault
            .set_limits(rules.max_failed_pins, rules.min_pin_digits);
        if now.saturating_duration_since(self.last_activity) > rules.idle_limit {
            self.lock();
        }
        self.last_activity = now;
    }

    /// Where scenario mode stands.
    pub fn status(&self) -> Result<Status, TrainingError> {
        Ok(Status {
            trainer_set_up: !self.vault.officers()?.is_empty(),
            unlocked: self.vault.unlocked_officer().is_some(),
            min_pin_digits: self.min_pin_digits,
            running: self
                .active
                .as_ref()
                .map(|active| (active.class_id.clone(), active.trainee.clone())),
        })
    }

    /// Sets the trainer's PIN at first use, and unlocks.
    pub fn set_up_trainer(&mut self, pin: &str) -> Result<(), TrainingError> {
        self.vault.set_up_officer(TRAINER, pin)?;
        Ok(self.vault.unlock(TRAINER, pin)?)
    }

    /// Unlocks with the trainer's PIN (wrong PINs count as an officer's do).
    pub fn unlock(&mut self, pin: &str) -> Result<(), TrainingError> {
        Ok(self.vault.unlock(TRAINER, pin)?)
    }

    /// Locks: the trainer's key is wiped and a run going is dropped.
    pub fn lock(&mut self) {
        self.active = None;
        self.vault.lock();
    }

    /// The scenarios this device has (the trainer unlocked).
    pub fn scenarios(&self) -> Result<Vec<ScenarioSummary>, TrainingError> {
        self.vault_unlocked()?;
        Ok(self
            .scenarios
            .iter()
            .map(|scenario| ScenarioSummary {
                id: scenario.id.clone(),
                title: scenario.title.clone(),
                brief: scenario.brief.clone(),
            })
            .collect())
    }

    fn scenario(&self, id: &str) -> Result<&Arc<Scenario>, TrainingError> {
        self.scenarios
            .iter()
            .find(|scenario| scenario.id == id)
            .ok_or_else(|| TrainingError::Unknown {
                what: "scenario",
                id: id.to_string(),
            })
    }

    /// A new class on `scenario` with these trainees (names as the trainer typed them); its id.
    pub fn new_class(
        &mut self,
        scenario: &str,
        trainees: Vec<String>,
    ) -> Result<String, TrainingError> {
        self.scenario(scenario)?;
        let trainees = checked_trainees(trainees)?;
        let class = ClassRecord {
            id: uuid::Uuid::new_v4().to_string(),
            scenario: scenario.to_string(),
            created_at: now(),
            trainees,
        };
        self.save_class(&class)?;
        Ok(class.id)
    }

    fn save_class(&mut self, class: &ClassRecord) -> Result<(), TrainingError> {
        let bytes = serde_json::to_vec(class)
            .map_err(|error| TrainingError::NotWritten(error.to_string()))?;
        Ok(self
            .vault
            .save_training_record(&format!("class:{}", class.id), &bytes)?)
    }

    fn class_records(&self) -> Result<Vec<ClassRecord>, TrainingError> {
        self.vault
            .training_records("class:")?
            .iter()
            .map(|(id, bytes)| {
                serde_json::from_slice(bytes).map_err(|_| {
                    TrainingError::Vault(firstline_vault::VaultError::Damaged {
                        record: id.clone(),
                        place: "training class".into(),
                    })
                })
            })
            .collect()
    }

    fn class_record(&self, id: &str) -> Result<ClassRecord, TrainingError> {
        self.class_records()?
            .into_iter()
            .find(|class| class.id == id)
            .ok_or_else(|| TrainingError::Unknown {
                what: "class",
                id: id.to_string(),
            })
    }

    fn run_records(&self, class_id: &str) -> Result<Vec<RunRecord>, TrainingError> {
        let mut runs: Vec<RunRecord> = self
            .vault
            .training_records(&format!("run:{class_id}:"))?
            .iter()
            .map(|(id, bytes)| {
                serde_json::from_slice(bytes).map_err(|_| {
                    TrainingError::Vault(firstline_vault::VaultError::Damaged {
                        record: id.clone(),
                        place: "training run".into(),
                    })
                })
            })
            .collect::<Result<_, _>>()?;
        runs.sort_by_key(|run| run.finished_at);
        Ok(runs)
    }

    /// Every class, newest first, with its trainees and their runs.
    pub fn classes(&self) -> Result<Vec<ClassView>, TrainingError> {
        let mut classes = self.class_records()?;
        classes.sort_by_key(|class| std::cmp::Reverse(class.created_at));
        classes
            .into_iter()
            .map(|class| {
                let runs = self.run_records(&class.id)?;
                let scenario_title = self
                    .scenario(&class.scenario)
                    .map(|scenario| scenario.title.clone())
                    .unwrap_or_else(|_| class.scenario.clone());
                Ok(ClassView {
                    trainees: class
                        .trainees
                        .iter()
                        .map(|name| TraineeView {
                            name: name.clone(),
                            runs: runs
                                .iter()
                                .filter(|run| &run.trainee == name)
                                .map(summary_of)
                                .collect(),
                        })
                        .collect(),
                    id: class.id,
                    scenario: class.scenario,
                    scenario_title,
                    created_at: class.created_at,
                })
            })
            .collect()
    }

    /// Starts `trainee`'s run of their class's scenario (one run at a time).
    pub fn start_run(&mut self, class_id: &str, trainee: &str) -> Result<&Scenario, TrainingError> {
        self.vault_unlocked()?;
        if self.active.is_some() {
            return Err(TrainingError::NotNow(
                "a trainee's run is going: finish it first",
            ));
        }
        let class = self.class_record(class_id)?;
        if !class.trainees.iter().any(|name| name == trainee) {
            return Err(TrainingError::Unknown {
                what: "trainee",
                id: trainee.to_string(),
            });
        }
        let scenario = self.scenario(&class.scenario)?.clone();
        let started = Instant::now();
        let run = Run::start(
            scenario,
            self.pack.clone(),
            Box::new(move || u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)),
        )?;
        let active = self.active.insert(ActiveRun {
            class_id: class.id,
            trainee: trainee.to_string(),
            run,
        });
        Ok(active.run.scenario())
    }

    /// The trainer unlocked, with a PIN that meets today's rule (a shorter one must be changed
    /// first, as an officer's must).
    fn vault_unlocked(&self) -> Result<(), TrainingError> {
        if self.vault.unlocked_officer().is_none() {
            return Err(TrainingError::Vault(firstline_vault::VaultError::Locked));
        }
        if self.vault.pin_change_required() {
            return Err(TrainingError::Vault(
                firstline_vault::VaultError::PinChangeRequired {
                    min: self.min_pin_digits,
                },
            ));
        }
        Ok(())
    }

    /// Changes the trainer's PIN (unlocked; the current PIN checked again, a wrong one counting
    /// as a wrong PIN).
    pub fn change_pin(&mut self, current_pin: &str, new_pin: &str) -> Result<(), TrainingError> {
        if self.vault.unlocked_officer().is_none() {
            return Err(TrainingError::Vault(firstline_vault::VaultError::Locked));
        }
        self.vault.unlock(TRAINER, current_pin)?;
        Ok(self.vault.change_pin(new_pin)?)
    }

    fn active(&mut self) -> Result<&mut ActiveRun, TrainingError> {
        self.vault_unlocked()?;
        self.active
            .as_mut()
            .ok_or(TrainingError::NotNow("no trainee's run is going"))
    }

    /// The run's scenario and the form as the trainee's screens show it.
    pub fn view(
        &mut self,
        language: Language,
    ) -> Result<(&Scenario, AssessmentView<'_>), TrainingError> {
        let active = self.active()?;
        Ok((
            active.run.scenario(),
            active.run.assessment().view(language),
        ))
    }

    /// The trainee asks `question` (its screen, or "Ask about…"): the victim's reply, or the
    /// gate's refusal (kept on the timeline).
    pub fn ask(&mut self, question: &str) -> Result<Asked, TrainingError> {
        Ok(self.active()?.run.ask(question)?)
    }

    /// The trainee records an answer; the engine checks it as in live use. The view after.
    pub fn answer(
        &mut self,
        language: Language,
        question: &str,
        value: AnswerValue,
    ) -> Result<AssessmentView<'_>, TrainingError> {
        let active = self.active()?;
        active.run.record(question, value)?;
        Ok(active.run.assessment().view(language))
    }

    /// Injects whose time has come: (id, words).
    pub fn due_injects(&mut self) -> Result<Vec<(String, String)>, TrainingError> {
        Ok(self.active()?.run.due_injects())
    }

    /// Every question of the form, for "Ask about…" (questions behind a closed gate included:
    /// asking one is refused by the gate, as in live use).
    pub fn ask_about_menu(&self, language: Language) -> Vec<MenuItem> {
        self.pack
            .file()
            .sections
            .iter()
            .flat_map(|section| {
                section.questions.iter().map(move |question| MenuItem {
                    id: question.id.clone(),
                    label: question.label.get(language).to_string(),
                    section: section.title.get(language).to_string(),
                })
            })
            .filter(|item| {
                !self.pack.file().sections.iter().any(|section| {
                    section.questions.iter().any(|question| {
                        question.id == item.id
                            && question.kind == firstline_form::KindName::Information
                    })
                })
            })
            .collect()
    }

    /// Finish (finalise in training): the run ends, nothing is sealed, the timeline and
    /// debrief are kept; the run's id.
    pub fn finish(&mut self) -> Result<String, TrainingError> {
        self.vault_unlocked()?;
        let active = self
            .active
            .as_ref()
            .ok_or(TrainingError::NotNow("no trainee's run is going"))?;
        let scenario = active.run.scenario().clone();
        let timeline = active.run.finished_timeline();
        let debrief = firstline_training::debrief(&scenario, self.pack.clone(), &timeline);
        let record = RunRecord {
            id: uuid::Uuid::new_v4().to_string(),
            class_id: active.class_id.clone(),
            trainee: active.trainee.clone(),
            scenario: scenario.id.clone(),
            finished_at: now(),
            timeline,
            debrief,
        };
        let bytes = serde_json::to_vec(&record)
            .map_err(|error| TrainingError::NotWritten(error.to_string()))?;
        self.vault
            .save_training_record(&format!("run:{}:{}", record.class_id, record.id), &bytes)?;
        // Kept: only now is the run over.
        self.active = None;
        Ok(record.id)
    }

    /// A finished run: its timeline and debrief.
    pub fn run_record(&self, run_id: &str) -> Result<RunRecord, TrainingError> {
        self.vault_unlocked()?;
        for class in self.class_records()? {
            if let Some(run) = self
                .run_records(&class.id)?
                .into_iter()
                .find(|run| run.id == run_id)
            {
                return Ok(run);
            }
        }
        Err(TrainingError::Unknown {
            what: "run",
            id: run_id.to_string(),
        })
    }

    /// Deletes a trainee's runs (reset), and with `remove` the trainee from the class too.
    pub fn clear_trainee(
        &mut self,
        class_id: &str,
        trainee: &str,
        remove: bool,
    ) -> Result<(), TrainingError> {
        let mut class = self.class_record(class_id)?;
        if !class.trainees.iter().any(|name| name == trainee) {
            return Err(TrainingError::Unknown {
                what: "trainee",
                id: trainee.to_string(),
            });
        }
        if self
            .active
            .as_ref()
            .is_some_and(|active| active.class_id == class_id && active.trainee == trainee)
        {
            self.active = None;
        }
        for run in self.run_records(class_id)? {
            if run.trainee == trainee {
                self.vault
                    .delete_training_records(&format!("run:{class_id}:{}", run.id))?;
            }
        }
        if remove {
            class.trainees.retain(|name| name != trainee);
            self.save_class(&class)?;
        }
        Ok(())
    }

    /// Deletes a class and all its runs.
    pub fn delete_class(&mut self, class_id: &str) -> Result<(), TrainingError> {
        self.class_record(class_id)?;
        if self
            .active
            .as_ref()
            .is_some_and(|active| active.class_id == class_id)
        {
            self.active = None;
        }
        self.vault
            .delete_training_records(&format!("run:{class_id}:"))?;
        self.vault
            .delete_training_records(&format!("class:{class_id}"))?;
        Ok(())
    }

    /// Writes a run's debrief as an HTML report into `documents/Firstline training`; its path.
    pub fn write_run_report(
        &self,
        run_id: &str,
        documents: &Path,
    ) -> Result<PathBuf, TrainingError> {
        let run = self.run_record(run_id)?;
        let scenario = self.scenario(&run.scenario)?;
        let html = report_html(scenario, &run.trainee, &run.debrief, &run.timeline);
        write_report(
            documents,
            &format!("debrief-{}-{}.html", run.scenario, run.finished_at),
            html.as_bytes(),
        )
        .map_err(TrainingError::NotWritten)
    }

    /// Writes a class's cohort CSV (each trainee's latest run; no free text) into
    /// `documents/Firstline training`; its path.
    pub fn write_cohort_csv(
        &self,
        class_id: &str,
        documents: &Path,
    ) -> Result<PathBuf, TrainingError> {
        self.vault_unlocked()?;
        let class = self.class_record(class_id)?;
        let runs = self.run_records(class_id)?;
        let latest: Vec<&RunRecord> = class
            .trainees
            .iter()
            .filter_map(|name| runs.iter().rev().find(|run| &run.trainee == name))
            .collect();
        let rows: Vec<CohortRow<'_>> = latest
            .iter()
            .map(|run| CohortRow {
                trainee: &run.trainee,
                debrief: &run.debrief,
            })
            .collect();
        let csv = cohort_csv(&rows).map_err(TrainingError::NotWritten)?;
        write_report(
            documents,
            &format!("cohort-{}-{}.csv", class.scenario, now()),
            &csv,
        )
        .map_err(TrainingError::NotWritten)
    }
}

fn summary_of(run: &RunRecord) -> RunSummary {
    let count = |outcome| {
        run.debrief
            .categories
            .iter()
            .filter(|category| category.outcome == outcome)
            .count()
    };
    RunSummary {
        id: run.id.clone(),
        finished_at: run.finished_at,
        met: count(firstline_training::Outcome::Met),
        partly: count(firstline_training::Outcome::Partly),
        not_met: count(firstline_training::Outcome::NotMet),
    }
}
