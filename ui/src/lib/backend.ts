// The one seam between the UI and the app: every call into Rust goes through `Backend`. Nothing
// else in the UI imports @tauri-apps/*, so tests run against a fake and the shell stays swappable.
import { invoke } from "@tauri-apps/api/core";
import { getCurrentWindow } from "@tauri-apps/api/window";

export type Language = "en" | "cy";

export type Grade = "standard" | "medium" | "high";

export type AnswerValue =
  | { type: "choice"; value: string }
  | { type: "choices"; value: string[] }
  | { type: "text"; value: string }
  | { type: "number"; value: number }
  | { type: "date_time"; value: string }
  | { type: "grade"; value: { grade: Grade; rationale: string; weighed?: string[] } }
  | { type: "referral"; value: { services: { id: string; name: string }[]; consent: boolean } };

/** A service of the force's support-services directory, as a directory referral offers it. */
export interface ServiceView {
  id: string;
  name: string;
  contact: string;
  description: string;
}

export type QuestionKind =
  | "yes_no_unknown"
  | "single_choice"
  | "multiple_choice"
  | "short_text"
  | "long_text"
  | "number"
  | "date_time"
  | "risk_grade"
  | "directory_referral"
  | "information";

export interface ChoiceView {
  value: string;
  label: string;
  warning: string | null;
}

export interface QuestionView {
  id: string;
  section_id: string;
  section: string;
  kind: QuestionKind;
  label: string;
  help: string | null;
  body: string | null;
  information: { owner: string; review_by: string } | null;
  /** An information screen whose review date has passed. */
  review_overdue: boolean;
  choices: ChoiceView[];
  /** For a directory referral: the services the directory on the device offers. */
  services: ServiceView[];
  max_chars: number | null;
  min: number | null;
  max: number | null;
  min_rationale_chars: number | null;
  /** The shortest rationale for a grade below the guidance. */
  min_rationale_chars_below_guidance: number | null;
  /** The answer given no longer holds (a grade now below the guidance): answer again. */
  needs_attention: boolean;
  required: boolean;
  answer: AnswerValue | null;
  /** Text typed on this screen and not yet answered: shown in place of the answer. */
  pending: string | null;
}

export interface SectionView {
  id: string;
  title: string;
  answered: number;
  total: number;
  missing_required: number;
}

export interface GateView {
  id: string;
  title: string;
  open: boolean;
  missing: string[];
  /** Whether finalising waits for it to open (or be deferred). */
  blocks_finalise: boolean;
  /** While closed and deferred: the words saying so. */
  deferred: string | null;
}

/** A closed gate that stops finalising, as check-your-answers lists it. */
export interface BlockingGate {
  gate_id: string;
  title: string;
  missing: string[];
  /** A shown question where the officer can act on the first missing step. */
  question_id: string | null;
}

export interface GuidanceFactor {
  id: string;
  label: string;
  suggests: Grade;
  /** Grading below `confirm_below` needs it confirmed as weighed. */
  weigh: boolean;
}

export interface Guidance {
  factors: GuidanceFactor[];
  suggested: Grade | null;
  /** Grading below this needs each `weigh` factor confirmed and a longer rationale. */
  confirm_below: Grade | null;
}

export interface AssessmentView {
  pack_id: string;
  pack_version: string;
  pack_hash: string;
  title: string;
  notice: string | null;
  awaiting_review: boolean;
  sections: SectionView[];
  questions: QuestionView[];
  gates: GateView[];
  guidance: Guidance;
  /** Answers given that an ordinary show_if condition no longer asks (hidden by a changed
   *  answer) and will not be sent unless that changes back. A count only: never which ones. Never
   *  counts answers behind a closed gate nor in a section sealed to the safeguarding key, so it
   *  cannot tell whether anything was answered there (see `gates` for what is closed). */
  hidden_answers: number;
}

export interface SummaryRow {
  question_id: string;
  section: string;
  label: string;
  /** Words were typed on its screen and never saved with Continue: finalising waits. */
  unsaved: boolean;
  answer: string | null;
}

export interface Summary {
  rows: SummaryRow[];
  missing: SummaryRow[];
  /** As `AssessmentView.hidden_answers`: how many given answers hidden by show_if will not be
   *  sent (never those behind a closed gate or sealed to the safeguarding key). */
  hidden_answers: number;
  /** The titles, in the officer's language and pack order, of the gates closed right now: nothing
   *  behind them is asked or sent. Says nothing of whether anything was answered there. */
  closed_gates: string[];
  /** Closed gates that stop finalising until they open or are deferred. */
  blocking_gates: BlockingGate[];
  /** What is deferred, in the words the record's reader sees. */
  deferred: string[];
}

export interface VaultStatus {
  officers: string[];
  unlocked: string | null;
  device_secret: "file" | "keyring" | "provided" | "none";
  idle_lock_seconds: number;
  wiped_at: number | null;
  /** The unlocked officer's PIN is shorter than today's minimum and has not been changed since
   *  they unlocked: every command but a PIN change (and lock) is refused until it is. */
  pin_change_required: boolean;
  /** Started with `--training`: open scenario mode first (said once). */
  start_in_training: boolean;
}

export interface DraftView {
  id: string;
  pack: string;
  updated_at: number;
  answered: number;
}

export interface Diagnostics {
  app_version: string;
  pack: string;
  device_secret: "file" | "keyring" | "provided" | "none";
  idle_lock_seconds: number;
  audit_entries: number;
  /** How the device trusts its force's keys (`first_signed_set` and `unsigned` are weaker). */
  force_keys: "enrolment_code" | "first_signed_set" | "unsigned" | "not_enrolled";
  key_set_serial: number | null;
  /** The pack's information screens whose review date has passed. */
  information_due: { id: string; owner: string; review_by: string }[];
  /** The device's policy: each setting, where it came from, whether it is locked. */
  policy: DevicePolicy;
}

/** Where an effective setting came from. */
export type PolicySource = "default" | "start_option" | "force" | "machine";

export interface PolicySetting<T> {
  value: T;
  source: PolicySource;
  /** The machine policy names it: nothing on the device changes it. */
  locked: boolean;
}

/** Every setting of the device's policy, as the core merged them. */
export interface PolicySettings {
  idle_lock_seconds: PolicySetting<number>;
  min_pin_length: PolicySetting<number>;
  max_failed_pins: PolicySetting<number>;
  allow_file_secret: PolicySetting<boolean>;
  allow_local_officer_setup: PolicySetting<boolean>;
  allow_pack_override: PolicySetting<boolean>;
  allow_training: PolicySetting<boolean>;
  trainer_min_pin_length: PolicySetting<number>;
  log_level: PolicySetting<string>;
}

export interface DevicePolicy {
  /** A machine policy is in force. */
  managed: boolean;
  /** Why the machine policy could not be re-read (the last good one applies). */
  problem: string | null;
  settings: PolicySettings;
}

export interface FinalisedView {
  submission_id: string;
  /** Finalised before the device was enrolled: locked, sealed at the first unlock after. */
  waiting_for_enrolment: boolean;
}

export type OutboxState =
  | "pending"
  | "sending"
  | "acknowledged"
  | "quarantined"
  | "waiting_for_enrolment"
  | "not_sealed";

export interface SentView {
  id: string;
  finalised_at: number;
  state: OutboxState;
  reason: string | null;
}

/** The kinds of sync problem the app words in the officer's language. */
export type SyncProblemKind =
  | "offline"
  | "gateway_unwell"
  | "receipt_unreadable"
  | "receipt_mismatch"
  | "conflict"
  | "refused"
  | "unauthenticated"
  | "revoked"
  | "update_required"
  | "pack_refused"
  | "receipt_unsigned"
  | "key_set_refused"
  | "command_unsigned";

export interface QuarantinedView {
  id: string;
  /** English, for force IT. */
  reason: string;
  /** Null for items set aside before kinds were kept, or a kind this UI does not know. */
  kind: SyncProblemKind | null;
}

export interface SyncView {
  force_name: string | null;
  gateway_url: string | null;
  pending: number;
  /** Finalised before the device was enrolled (every officer's), not sealed yet. */
  waiting_for_enrolment: number;
  received: number;
  quarantined: QuarantinedView[];
  last_success_at: number | null;
  /** English, for force IT. */
  last_error: string | null;
  last_error_kind: SyncProblemKind | null;
  revoked_at: number | null;
  wiped_at: number | null;
  records: SentView[];
}

export interface SupportService {
  id: string;
  name: string;
  contact: string;
  description: string;
}

export interface ResumedView {
  view: AssessmentView;
  resume_at: number;
}

/** The fewest digits a PIN may have now, as the vault checks it (a \`bad_pin\` or
 *  \`pin_change_required\` refusal says it too, and that number is used when there is one). */
export const PIN_MIN_DIGITS = 6;

/** The closed set of error codes the app sends; the UI branches on these only. */
export type ErrorCode =
  | "Invalid"
  | "Damaged"
  | "NotReady"
  | "Gated"
  | "Locked"
  | "PinChangeRequired"
  | "Wiped"
  | "Offline";

/** What exactly the app refused, with the numbers the officer needs and nothing else (never an
 *  answer, never which question). The UI words it in the officer's language from `kind`. */
export type ErrorDetail =
  // Answers.
  | { kind: "not_a_choice" }
  | { kind: "none_selected" }
  | { kind: "unlisted_choice" }
  | { kind: "blank" }
  | { kind: "bad_character" }
  | { kind: "too_long"; max: number }
  | { kind: "number_out_of_range"; min: number; max: number }
  | { kind: "bad_date_time" }
  | { kind: "rationale_too_short"; min: number }
  | { kind: "factors_not_weighed" }
  | { kind: "referral_without_consent" }
  | { kind: "takes_no_answer" }
  | { kind: "wrong_kind" }
  | { kind: "unknown_question" }
  | { kind: "not_shown" }
  | { kind: "gated" }
  // The assessment.
  | { kind: "missing_required"; count: number }
  | { kind: "steps_not_done" }
  | { kind: "no_assessment_open" }
  | { kind: "finalised" }
  | { kind: "not_finalised" }
  | { kind: "unknown_record" }
  | { kind: "not_enrolled" }
  // The vault and signing in.
  | { kind: "wrong_pin"; attempts_left: number }
  | { kind: "too_soon"; seconds: number }
  | { kind: "bad_pin"; min: number; max: number }
  | { kind: "pin_change_required"; min: number }
  | { kind: "officer_exists" }
  | { kind: "officer_set_up_forbidden" }
  | { kind: "typed_enrolment_forbidden" }
  | { kind: "unknown_officer" }
  | { kind: "bad_officer_id" }
  | { kind: "locked" }
  | { kind: "wiped" }
  | { kind: "damaged" }
  | { kind: "vault_tampered" }
  | { kind: "vault_rolled_back" }
  | { kind: "storage" }
  // Enrolment and sync.
  | { kind: "bad_gateway_url" }
  | { kind: "bad_enrolment_code" }
  | { kind: "offline" }
  | { kind: "code_unknown" }
  | { kind: "code_used" }
  | { kind: "enrolment_refused" }
  | { kind: "sync_not_running" }
  | { kind: "keys_not_signed" }
  | { kind: "enrolment_needs_first_officer" }
  | { kind: "already_enrolled"; waiting: number }
  | { kind: "waiting_changed"; waiting: number }
  // Form packs.
  | { kind: "pack_refused" }
  | { kind: "pack_tampered" }
  | { kind: "pack_unsigned" }
  | { kind: "pack_unknown_key" }
  | { kind: "pack_unreadable" }
  | { kind: "pack_override_forbidden" }
  | { kind: "policy_unusable" }
  | { kind: "support_bundle_not_written" }
  | { kind: "training_forbidden" }
  | { kind: "training_not_ready" }
  | { kind: "bad_trainee_name" }
  | { kind: "report_not_written" };

export type ErrorKind = ErrorDetail["kind"];

type ParamsOf<K extends ErrorKind> = Exclude<keyof Extract<ErrorDetail, { kind: K }>, "kind">;

/** Every kind with its numeric parameters, exactly as `ErrorDetail` has them (the type makes this
 *  table list each kind and each parameter, no more and no fewer): what a detail is checked against. */
export const ERROR_DETAIL_PARAMS: { readonly [K in ErrorKind]: { readonly [P in ParamsOf<K>]: true } } = {
  not_a_choice: {},
  none_selected: {},
  unlisted_choice: {},
  blank: {},
  bad_character: {},
  too_long: { max: true },
  number_out_of_range: { min: true, max: true },
  bad_date_time: {},
  rationale_too_short: { min: true },
  factors_not_weighed: {},
  referral_without_consent: {},
  takes_no_answer: {},
  wrong_kind: {},
  unknown_question: {},
  not_shown: {},
  gated: {},
  missing_required: { count: true },
  steps_not_done: {},
  no_assessment_open: {},
  finalised: {},
  not_finalised: {},
  unknown_record: {},
  not_enrolled: {},
  wrong_pin: { attempts_left: true },
  too_soon: { seconds: true },
  bad_pin: { min: true, max: true },
  pin_change_required: { min: true },
  officer_exists: {},
  officer_set_up_forbidden: {},
  typed_enrolment_forbidden: {},
  unknown_officer: {},
  bad_officer_id: {},
  locked: {},
  wiped: {},
  damaged: {},
  vault_tampered: {},
  vault_rolled_back: {},
  storage: {},
  bad_gateway_url: {},
  bad_enrolment_code: {},
  offline: {},
  code_unknown: {},
  code_used: {},
  enrolment_refused: {},
  sync_not_running: {},
  keys_not_signed: {},
  enrolment_needs_first_officer: {},
  already_enrolled: { waiting: true },
  waiting_changed: { waiting: true },
  pack_refused: {},
  pack_tampered: {},
  pack_unsigned: {},
  pack_unknown_key: {},
  pack_unreadable: {},
  pack_override_forbidden: {},
  policy_unusable: {},
  support_bundle_not_written: {},
  training_forbidden: {},
  training_not_ready: {},
  bad_trainee_name: {},
  report_not_written: {},
};

export class BackendError extends Error {
  /**
   * @param message English, for logs; the officer sees the wording for `detail` instead
   *   (see `describeError`), and this only when there is no detail the UI knows.
   */
  constructor(
    readonly code: ErrorCode | "Unexpected",
    message: string,
    readonly detail: ErrorDetail | null = null,
  ) {
    super(message);
    this.name = "BackendError";
  }
}

/** Scenario mode's first screen: whether the trainer's PIN is set and unlocked. */
export interface TrainingStatus {
  trainer_set_up: boolean;
  unlocked: boolean;
  min_pin_digits: number;
}

export interface ScenarioSummary {
  id: string;
  title: string;
  brief: string;
}

export interface TrainingRunSummary {
  id: string;
  finished_at: number;
  met: number;
  partly: number;
  not_met: number;
}

export interface TrainingClass {
  id: string;
  scenario: string;
  scenario_title: string;
  created_at: number;
  trainees: { name: string; runs: TrainingRunSummary[] }[];
}

/** A trainee's run as its screens show it: the brief and the form. */
export interface TrainingRunView {
  title: string;
  brief: string;
  view: AssessmentView;
  /** Every question of the form, for "Ask about…" (those behind a closed gate too). */
  menu: { id: string; label: string; section: string }[];
}

/** What asking a question gave: the scripted victim's reply, or the gate's refusal. */
export type AskedView = { kind: "reply"; says: string; reliable: boolean } | { kind: "refused"; gate: string };

export type Outcome = "met" | "partly" | "not_met";

export interface DebriefCategory {
  id: string;
  outcome: Outcome;
  reason: string;
  moments: number[];
}

/** One moment of a run's timeline. */
export type TimelineEvent =
  | { kind: "asked"; question: string; reply: string; reliable: boolean }
  | { kind: "refused"; question: string; gate: string }
  | { kind: "recorded"; question: string; answer: AnswerValue }
  | { kind: "inject"; id: string; says: string }
  | { kind: "finished" };

export interface TrainingRunRecord {
  id: string;
  class_id: string;
  trainee: string;
  scenario: string;
  finished_at: number;
  timeline: { moments: { at_ms: number; event: TimelineEvent }[] };
  debrief: { scenario: string; scenario_version: string; seconds_taken: number; categories: DebriefCategory[] };
}

/** Scenario mode's commands: a training store of its own, which never syncs. */
export interface TrainingBackend {
  trainingStatus(): Promise<TrainingStatus>;
  trainingSetUp(pin: string): Promise<void>;
  trainingUnlock(pin: string): Promise<void>;
  trainingChangePin(currentPin: string, newPin: string): Promise<void>;
  trainingLock(): Promise<void>;
  trainingScenarios(): Promise<ScenarioSummary[]>;
  trainingNewClass(scenario: string, trainees: string[]): Promise<string>;
  trainingClasses(): Promise<TrainingClass[]>;
  trainingStartRun(language: Language, classId: string, trainee: string): Promise<TrainingRunView>;
  trainingView(language: Language): Promise<TrainingRunView>;
  trainingAsk(language: Language, questionId: string): Promise<AskedView>;
  trainingAnswer(language: Language, questionId: string, value: AnswerValue): Promise<AssessmentView>;
  trainingInjects(): Promise<{ id: string; says: string }[]>;
  trainingFinish(): Promise<string>;
  trainingRun(runId: string): Promise<TrainingRunRecord>;
  trainingWriteReport(runId: string): Promise<string>;
  trainingWriteCohort(classId: string): Promise<string>;
  trainingClearTrainee(classId: string, trainee: string, remove: boolean): Promise<void>;
  trainingDeleteClass(classId: string): Promise<void>;
}

export interface Backend extends TrainingBackend {
  startAssessment(language: Language): Promise<AssessmentView>;
  answerQuestion(language: Language, questionId: string, value: AnswerValue): Promise<AssessmentView>;
  assessmentSummary(language: Language): Promise<Summary>;
  assessmentView(language: Language): Promise<AssessmentView>;
  resumeAssessment(language: Language, id: string): Promise<ResumedView>;
  amendAssessment(language: Language, id: string): Promise<ResumedView>;
  /** Keeps what is being typed for a question (never sealed; the answer replaces it). */
  savePending(questionId: string, text: string): Promise<void>;
  /** Notes the question on screen, so that unlocking returns to it. */
  setScreen(questionId: string): Promise<void>;
  /** The officer went home: unlocking opens home from now on. */
  leaveScreen(): Promise<void>;
  /** After unlocking: the draft and question the officer was on, or null. */
  resumeLast(language: Language): Promise<ResumedView | null>;
  /** Names the window (what a screen reader says of it): the screen showing. */
  setWindowTitle(title: string): Promise<void>;
  vaultStatus(): Promise<VaultStatus>;
  setUpOfficer(officer: string, pin: string): Promise<void>;
  unlock(officer: string, pin: string): Promise<void>;
  lock(): Promise<void>;
  listDrafts(): Promise<DraftView[]>;
  diagnostics(): Promise<Diagnostics>;
  /** Writes a support bundle (diagnostics and the app's log; no personal data) into the
   *  user's documents folder; answers with its path. */
  writeSupportBundle(): Promise<string>;
  changePin(currentPin: string, newPin: string): Promise<void>;
  finaliseAssessment(): Promise<FinalisedView>;
  syncStatus(): Promise<SyncView>;
  syncNow(): Promise<void>;
  supportServices(): Promise<SupportService[]>;
  enrolDevice(gatewayUrl: string, code: string): Promise<string>;
  /** Wipes everything on the device so that it can enrol with another force: the unlocked
   *  officer's PIN again, and how many finalised assessments still waiting the officer was shown
   *  (refused, nothing wiped, if that is no longer the number). A wrong PIN locks the app. */
  wipeDevice(pin: string, waitingSeen: number): Promise<void>;
}

const KNOWN_CODES: readonly string[] = [
  "Invalid",
  "Damaged",
  "NotReady",
  "Gated",
  "Locked",
  "PinChangeRequired",
  "Wiped",
  "Offline",
];

const hasOwn = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);

/** A detail as the UI knows it, or null (so the message is shown) for a kind it does not know, a
 *  parameter missing or not a finite number, or anything not shaped like a detail. Only the known
 *  parameters are kept. */
export function toErrorDetail(raw: unknown): ErrorDetail | null {
  if (typeof raw !== "object" || raw === null || !("kind" in raw)) return null;
  const { kind } = raw;
  if (typeof kind !== "string" || !hasOwn(ERROR_DETAIL_PARAMS, kind)) return null;
  const detail: Record<string, unknown> = { kind };
  for (const param of Object.keys(ERROR_DETAIL_PARAMS[kind as ErrorKind])) {
    const value: unknown = hasOwn(raw, param) ? (raw as Record<string, unknown>)[param] : undefined;
    if (typeof value !== "number" || !Number.isFinite(value)) return null;
    detail[param] = value;
  }
  return detail as ErrorDetail;
}

/** Turns whatever a command rejected with (`{code, message, detail}`) into a `BackendError`. */
export function toBackendError(raw: unknown): BackendError {
  if (typeof raw === "object" && raw !== null && "code" in raw && "message" in raw) {
    const { code, message } = raw as { code: unknown; message: unknown };
    if (typeof code === "string" && KNOWN_CODES.includes(code) && typeof message === "string") {
      return new BackendError(code as ErrorCode, message, "detail" in raw ? toErrorDetail(raw.detail) : null);
    }
  }
  return new BackendError("Unexpected", "Something went wrong in the app. Try again.");
}

async function call<T>(command: string, args: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (raw) {
    throw toBackendError(raw);
  }
}

export const tauriBackend: Backend = {
  startAssessment: (language) => call("start_assessment", { language }),
  answerQuestion: (language, questionId, value) =>
    call("answer_question", { language, questionId, value }),
  assessmentSummary: (language) => call("assessment_summary", { language }),
  assessmentView: (language) => call("assessment_view", { language }),
  resumeAssessment: (language, id) => call("resume_assessment", { language, id }),
  amendAssessment: (language, id) => call("amend_assessment", { language, id }),
  savePending: (questionId, text) => call("save_pending", { questionId, text }),
  setScreen: (questionId) => call("set_screen", { questionId }),
  leaveScreen: () => call("leave_screen", {}),
  resumeLast: (language) => call("resume_last", { language }),
  setWindowTitle: (title) => getCurrentWindow().setTitle(title),
  vaultStatus: () => call("vault_status", {}),
  setUpOfficer: (officer, pin) => call("set_up_officer", { officer, pin }),
  unlock: (officer, pin) => call("unlock", { officer, pin }),
  lock: () => call("lock", {}),
  listDrafts: () => call("list_drafts", {}),
  diagnostics: () => call("diagnostics", {}),
  writeSupportBundle: () => call("write_support_bundle", {}),
  changePin: (currentPin, newPin) => call("change_pin", { currentPin, newPin }),
  finaliseAssessment: () => call("finalise_assessment", {}),
  syncStatus: () => call("sync_status", {}),
  syncNow: () => call("sync_now", {}),
  supportServices: () => call("support_services", {}),
  enrolDevice: (gatewayUrl, code) => call("enrol_device", { gatewayUrl, code }),
  wipeDevice: (pin, waitingSeen) => call("wipe_device", { pin, waitingSeen }),
  trainingStatus: () => call("training_status", {}),
  trainingSetUp: (pin) => call("training_set_up", { pin }),
  trainingUnlock: (pin) => call("training_unlock", { pin }),
  trainingChangePin: (currentPin, newPin) => call("training_change_pin", { currentPin, newPin }),
  trainingLock: () => call("training_lock", {}),
  trainingScenarios: () => call("training_scenarios", {}),
  trainingNewClass: (scenario, trainees) => call("training_new_class", { scenario, trainees }),
  trainingClasses: () => call("training_classes", {}),
  trainingStartRun: (language, classId, trainee) => call("training_start_run", { language, classId, trainee }),
  trainingView: (language) => call("training_view", { language }),
  trainingAsk: (language, questionId) => call("training_ask", { language, questionId }),
  trainingAnswer: (language, questionId, value) => call("training_answer", { language, questionId, value }),
  trainingInjects: () => call("training_injects", {}),
  trainingFinish: () => call("training_finish", {}),
  trainingRun: (runId) => call("training_run", { runId }),
  trainingWriteReport: (runId) => call("training_write_report", { runId }),
  trainingWriteCohort: (classId) => call("training_write_cohort", { classId }),
  trainingClearTrainee: (classId, trainee, remove) => call("training_clear_trainee", { classId, trainee, remove }),
  trainingDeleteClass: (classId) => call("training_delete_class", { classId }),
};
