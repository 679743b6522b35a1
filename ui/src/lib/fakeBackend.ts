// A fake of the app's backend for UI unit tests: keeps answers in memory, checks choices the way
// the core does, hides questions behind earlier answers and sections behind closed gates, refuses
// with the IPC's {code, message, detail} shape, enrols and wipes the device with the vault's
// checks, refuses everything but a PIN change to an officer whose PIN is shorter than today's
// minimum (see `withShortPinOfficer`), and can be told to fail. It never stands in for the real app outside tests.
import type {
  AskedView,
  ScenarioSummary,
  TrainingClass,
  TrainingRunRecord,
  TrainingRunView,
  TrainingStatus,
  AnswerValue,
  AssessmentView,
  Backend,
  Diagnostics,
  DraftView,
  ErrorCode,
  ErrorDetail,
  FinalisedView,
  SupportService,
  SyncView,
  GateView,
  Language,
  QuestionView,
  ResumedView,
  Summary,
  VaultStatus,
} from "./backend";
import { BackendError, PIN_MIN_DIGITS, toBackendError } from "./backend";

/** The one enrolment code the fake's force knows, in the typed form force IT hands out. */
export const FAKE_ENROLMENT_CODE = "ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345-6789";

/** The PIN the fake's first officer, "PC 1", has. */
export const FAKE_PIN = "246810";

/** The PIN of the officer `withShortPinOfficer` sets up: set before PINs had to be 6 digits. */
export const FAKE_SHORT_PIN = "2468";

/** A refusal as a command rejects with it, read the way the real seam reads it. */
export function refusal(code: ErrorCode, message: string, detail: ErrorDetail | null = null): BackendError {
  return toBackendError({ code, message, detail });
}

export function fakeQuestion(overrides: Partial<QuestionView> = {}): QuestionView {
  return {
    id: "q1",
    section_id: "immediate_safety",
    section: "Immediate safety",
    kind: "yes_no_unknown",
    label: "Is everyone safe?",
    help: null,
    body: null,
    information: null,
    choices: [
      { value: "yes", label: "Yes", warning: null },
      { value: "no", label: "No", warning: null },
    ],
    max_chars: null,
    min: null,
    max: null,
    min_rationale_chars: null,
    min_rationale_chars_below_guidance: null,
    needs_attention: false,
    review_overdue: false,
    services: [],
    pending: null,
    required: true,
    answer: null,
    ...overrides,
  };
}

/** A gate as the fake keeps it: the view's fields, plus what opens it and what sits behind it. */
export interface FakeGate extends Omit<GateView, "blocks_finalise" | "deferred"> {
  /** Open while every one of these choices is the answer given (and shown); each unmet one is
   *  listed as missing. Without it the gate stays as `open` and `missing` say. */
  opensWhen?: { question: string; value: string; missing: string }[];
  /** The ids of the sections behind the gate: asked only while it is open. */
  sections?: string[];
  /** The title in Welsh; `title` is the English. */
  titleCy?: string;
}

/** The sync screen of a device not enrolled with a force (new, or wiped at `wipedAt`). */
function notEnrolled(wipedAt: number | null): SyncView {
  return {
    force_name: null,
    gateway_url: null,
    pending: 0,
    waiting_for_enrolment: 0,
    received: 0,
    quarantined: [],
    last_success_at: null,
    last_error: null,
    last_error_kind: null,
    revoked_at: null,
    wiped_at: wipedAt,
    records: [],
  };
}

export class FakeBackend implements Backend {
  answers = new Map<string, AnswerValue>();
  failStartWith: BackendError | null = null;
  gates: FakeGate[] = [];
  /** The ids of sections sealed to the safeguarding key. */
  sealedSections = new Set<string>();
  officers: string[] = ["PC 1"];
  unlockedAs: string | null = "PC 1";
  pins = new Map<string, string>([["PC 1", FAKE_PIN]]);
  attemptsLeft = 5;
  /** A question asked only while another question's answer is the given choice. */
  showIf = new Map<string, { question: string; value: string }>();
  /** False: the gateway cannot be reached. */
  reachable = true;

  constructor(private questions: QuestionView[] = [fakeQuestion()]) {}

  /** A device where "PC 1" set PIN `FAKE_SHORT_PIN` before PINs had to be 6 digits, locked: once
   *  they unlock, everything but a PIN change (and lock, and the vault's status) is refused until
   *  they change it, as the vault does. */
  static withShortPinOfficer(questions?: QuestionView[]): FakeBackend {
    const backend = new FakeBackend(questions);
    backend.pins.set("PC 1", FAKE_SHORT_PIN);
    backend.unlockedAs = null;
    return backend;
  }

  /** As the vault: the unlocked officer's PIN is shorter than today's minimum (it was set before;
   *  nothing sets one now), so they must change it before anything else. */
  private pinChangeRequired(): boolean {
    const pin = this.unlockedAs === null ? undefined : this.pins.get(this.unlockedAs);
    return pin !== undefined && pin.length < PIN_MIN_DIGITS;
  }

  /** Refuses every command but a PIN change, lock and the vault's status while the unlocked
   *  officer must change their PIN first. */
  private officerSession(): void {
    if (this.pinChangeRequired()) {
      throw refusal("PinChangeRequired", `your PIN must now be at least ${PIN_MIN_DIGITS} digits: change it to go on`, {
        kind: "pin_change_required",
        min: PIN_MIN_DIGITS,
      });
    }
  }

  private checkPin(pin: string): void {
    if (!new RegExp(`^[0-9]{${PIN_MIN_DIGITS},12}$`).test(pin)) {
      throw refusal("Invalid", `a PIN must be ${PIN_MIN_DIGITS} to 12 digits`, {
        kind: "bad_pin",
        min: PIN_MIN_DIGITS,
        max: 12,
      });
    }
  }

  /** Whether `questionId` is asked and answered `value` (an answer no longer asked counts for nothing). */
  private answeredWith(questionId: string, value: string): boolean {
    const question = this.questions.find((candidate) => candidate.id === questionId);
    const answer = this.answers.get(questionId);
    return !!question && this.isVisible(question) && answer?.type === "choice" && answer.value === value;
  }

  /** Whether the question's own show_if condition (if any) holds. */
  private shown(question: QuestionView): boolean {
    const condition = this.showIf.get(question.id);
    return !condition || this.answeredWith(condition.question, condition.value);
  }

  private isOpen(gate: FakeGate): boolean {
    return gate.opensWhen ? gate.opensWhen.every((rule) => this.answeredWith(rule.question, rule.value)) : gate.open;
  }

  private behindClosedGate(question: QuestionView): boolean {
    return this.gates.some((gate) => gate.sections?.includes(question.section_id) && !this.isOpen(gate));
  }

  private isVisible(question: QuestionView): boolean {
    return !this.behindClosedGate(question) && this.shown(question);
  }

  private visible(): QuestionView[] {
    return this.questions.filter((question) => this.isVisible(question));
  }

  /** Answers kept for questions an ordinary show_if no longer asks: counted, never sent. Never
   *  those behind a closed gate or sealed to the safeguarding key, so the count cannot tell
   *  whether anything was answered there. */
  private hiddenAnswers(): number {
    return this.questions.filter(
      (question) =>
        this.answers.has(question.id) &&
        !this.sealedSections.has(question.section_id) &&
        !this.behindClosedGate(question) &&
        !this.shown(question),
    ).length;
  }

  /** The gates as the view shows them, in pack order: never what is behind them. */
  private gateViews(language: Language): GateView[] {
    return this.gates.map((gate) => ({
      id: gate.id,
      title: language === "cy" && gate.titleCy ? gate.titleCy : gate.title,
      open: this.isOpen(gate),
      missing: gate.opensWhen
        ? gate.opensWhen.filter((rule) => !this.answeredWith(rule.question, rule.value)).map((rule) => rule.missing)
        : [...gate.missing],
      // The fake's gates never stop finalising and are never deferred: the real engine's rules
      // for both are tested in Rust (crates/form/tests/golden_deferral.rs) and in the window.
      blocks_finalise: false,
      deferred: null,
    }));
  }

  private view(language: Language): AssessmentView {
    return {
      pack_id: "fake",
      pack_version: "1",
      pack_hash: "0".repeat(64),
      title: "Fake pack",
      notice: null,
      awaiting_review: false,
      sections: [],
      questions: this.visible().map((question) => ({
        ...question,
        answer: this.answers.get(question.id) ?? null,
        pending: this.pending.get(question.id) ?? null,
      })),
      gates: this.gateViews(language),
      guidance: { factors: [], suggested: null, confirm_below: null },
      hidden_answers: this.hiddenAnswers(),
    };
  }

  async startAssessment(language: Language): Promise<AssessmentView> {
    if (this.failStartWith) throw this.failStartWith;
    this.officerSession();
    this.answers.clear();
    return this.view(language);
  }

  async answerQuestion(language: Language, questionId: string, value: AnswerValue): Promise<AssessmentView> {
    this.officerSession();
    const question = this.questions.find((candidate) => candidate.id === questionId);
    if (!question) {
      throw refusal("Invalid", `there is no question ${questionId}`, { kind: "unknown_question" });
    }
    if (this.behindClosedGate(question)) {
      throw refusal("Gated", `question ${questionId} is behind a closed gate`, { kind: "gated" });
    }
    if (!this.shown(question)) {
      throw refusal("Invalid", `question ${questionId} is not shown`, { kind: "not_shown" });
    }
    if (
      (value.type === "choice" || value.type === "grade") &&
      !question.choices.some((choice) => choice.value === (value.type === "grade" ? value.value.grade : value.value))
    ) {
      throw refusal("Invalid", "that is not one of the question's choices", { kind: "not_a_choice" });
    }
    if (value.type === "text" && question.max_chars !== null && [...value.value].length > question.max_chars) {
      throw refusal("Invalid", `the answer is longer than ${question.max_chars} characters`, {
        kind: "too_long",
        max: question.max_chars,
      });
    }
    const min = question.min_rationale_chars ?? 0;
    if (value.type === "grade" && [...value.value.rationale.trim()].length < min) {
      throw refusal("Invalid", `the rationale must be at least ${min} characters`, { kind: "rationale_too_short", min });
    }
    this.answers.set(questionId, value);
    this.pending.delete(questionId);
    return this.view(language);
  }

  /** What the vault's status fails with, as every command does when the core could not open the
   *  vault at start (its file tampered with or rolled back, say). */
  failVaultWith: BackendError | null = null;

  async vaultStatus(): Promise<VaultStatus> {
    if (this.failVaultWith) throw this.failVaultWith;
    return {
      officers: this.officers,
      unlocked: this.unlockedAs,
      device_secret: "file",
      idle_lock_seconds: 300,
      wiped_at: this.sync.wiped_at,
      pin_change_required: this.pinChangeRequired(),
      start_in_training: false,
    };
  }

  async setUpOfficer(officer: string, pin: string): Promise<void> {
    this.unlockedAs = null;
    this.checkPin(pin);
    this.officers.push(officer);
    this.pins.set(officer, pin);
    this.unlockedAs = officer;
  }

  async unlock(officer: string, pin: string): Promise<void> {
    this.unlockedAs = null;
    if (this.pins.get(officer) !== pin) throw this.wrongPin();
    this.unlockedAs = officer;
  }

  private wrongPin(): BackendError {
    this.attemptsLeft -= 1;
    return refusal("Invalid", "wrong PIN", { kind: "wrong_pin", attempts_left: this.attemptsLeft });
  }

  async lock(): Promise<void> {
    this.unlockedAs = null;
  }

  async writeSupportBundle(): Promise<string> {
    this.officerSession();
    return "/home/officer/Documents/firstline-support-1800000000.json";
  }

  async diagnostics(): Promise<Diagnostics> {
    this.officerSession();
    return {
      app_version: "0.1.0",
      pack: "fake 1",
      device_secret: "file",
      idle_lock_seconds: 300,
      audit_entries: 3,
      force_keys: this.sync.force_name ? "enrolment_code" : "not_enrolled",
      key_set_serial: this.sync.force_name ? 1 : null,
      information_due: [],
      policy: {
        managed: false,
        problem: null,
        settings: {
          idle_lock_seconds: { value: 300, source: "default", locked: false },
          min_pin_length: { value: 6, source: "default", locked: false },
          max_failed_pins: { value: 10, source: "default", locked: false },
          allow_file_secret: { value: true, source: "default", locked: false },
          allow_local_officer_setup: { value: true, source: "default", locked: false },
          allow_pack_override: { value: true, source: "default", locked: false },
          allow_training: { value: true, source: "default", locked: false },
          trainer_min_pin_length: { value: 6, source: "default", locked: false },
          log_level: { value: "info", source: "default", locked: false },
        },
      },
    };
  }

  /** As the workspace: the current PIN is checked by unlocking again (a wrong one leaves the
   *  vault locked), then the new one's length. */
  async changePin(currentPin: string, newPin: string): Promise<void> {
    const officer = this.unlockedAs;
    if (officer === null) throw refusal("Locked", "the vault is locked", { kind: "locked" });
    await this.unlock(officer, currentPin);
    this.checkPin(newPin);
    this.pins.set(officer, newPin);
  }

  sync: SyncView = notEnrolled(null);
  syncNowCalls = 0;

  /** Refuse the next finalise as the core does when something became still to do after the
   *  page was read (words typed a moment before): for testing the page's return. */
  refuseNextFinalise = false;

  async finaliseAssessment(): Promise<FinalisedView> {
    this.officerSession();
    if (this.refuseNextFinalise) {
      this.refuseNextFinalise = false;
      throw refusal("Invalid", "1 required questions are not answered yet", { kind: "missing_required", count: 1 });
    }
    const missing = (await this.assessmentSummary("en")).missing.length;
    if (missing > 0) {
      throw refusal("Invalid", `${missing} required questions are not answered yet`, {
        kind: "missing_required",
        count: missing,
      });
    }
    const id = `sub-${this.sync.records.length + 1}`;
    // As the workspace: on a device not enrolled yet the record waits, locked, unsealed.
    const waiting = !this.sync.force_name;
    this.sync.records.unshift({
      id,
      finalised_at: 1_800_000_000,
      state: waiting ? "waiting_for_enrolment" : "pending",
      reason: null,
    });
    if (waiting) this.sync.waiting_for_enrolment += 1;
    else this.sync.pending += 1;
    this.answers.clear();
    return { submission_id: id, waiting_for_enrolment: waiting };
  }

  async syncStatus(): Promise<SyncView> {
    this.officerSession();
    return structuredClone(this.sync);
  }

  services: SupportService[] = [];

  async supportServices(): Promise<SupportService[]> {
    this.officerSession();
    return structuredClone(this.services);
  }

  async syncNow(): Promise<void> {
    this.officerSession();
    this.syncNowCalls += 1;
  }

  /** Finalised assessments the force has not received, as the core counts them for a wipe:
   *  waiting to be sent (or sending), or set aside. */
  private waiting(): number {
    return this.sync.pending + this.sync.quarantined.length;
  }

  async enrolDevice(gatewayUrl: string, code: string): Promise<string> {
    if (this.unlockedAs === null) throw refusal("Locked", "the vault is locked", { kind: "locked" });
    this.officerSession();
    if (this.sync.force_name !== null) {
      throw refusal("Invalid", "this device is already enrolled", { kind: "already_enrolled", waiting: this.waiting() });
    }
    if (!this.reachable) {
      throw refusal("Offline", `enrolment failed: ${gatewayUrl} cannot be reached`, { kind: "offline" });
    }
    if (code.trim() !== FAKE_ENROLMENT_CODE) {
      throw refusal("Invalid", "enrolment failed: that enrolment code is unknown", { kind: "code_unknown" });
    }
    this.sync.force_name = "Demo Constabulary";
    this.sync.gateway_url = gatewayUrl;
    return "Demo Constabulary";
  }

  wipedAt = 1_800_000_600;

  /** As the vault: the PIN is checked the way unlocking checks it (a wrong one locks), then the
   *  count the officer saw; only then is everything gone and nobody set up. */
  async wipeDevice(pin: string, waitingSeen: number): Promise<void> {
    const officer = this.unlockedAs;
    if (officer === null) throw refusal("Locked", "the vault is locked", { kind: "locked" });
    this.officerSession();
    this.unlockedAs = null;
    if (this.pins.get(officer) !== pin) throw this.wrongPin();
    this.unlockedAs = officer;
    const waiting = this.waiting();
    if (waiting !== waitingSeen) {
      throw refusal("Invalid", `${waiting} finalised assessments wait, not ${waitingSeen}`, {
        kind: "waiting_changed",
        waiting,
      });
    }
    this.officers = [];
    this.pins.clear();
    this.unlockedAs = null;
    this.attemptsLeft = 5;
    this.answers.clear();
    this.services = [];
    this.sync = notEnrolled(this.wipedAt);
  }

  async listDrafts(): Promise<DraftView[]> {
    this.officerSession();
    return [];
  }

  async resumeAssessment(language: Language): Promise<ResumedView> {
    this.officerSession();
    return { view: this.view(language), resume_at: 0 };
  }

  amendedFrom: string | null = null;
  /** As the vault keeps them: what is being typed, by question, and the screen last shown. */
  pending = new Map<string, string>();
  screenShown: string | null = null;

  async savePending(questionId: string, text: string): Promise<void> {
    this.officerSession();
    if (text.trim()) this.pending.set(questionId, text);
    else this.pending.delete(questionId);
  }

  async setScreen(questionId: string): Promise<void> {
    this.officerSession();
    this.screenShown = questionId;
  }

  async leaveScreen(): Promise<void> {
    this.officerSession();
    this.screenShown = null;
  }

  windowTitle = "";

  async setWindowTitle(title: string): Promise<void> {
    this.windowTitle = title;
  }

  async resumeLast(language: Language): Promise<ResumedView | null> {
    this.officerSession();
    if (this.screenShown === null) return null;
    const view = this.view(language);
    return { view, resume_at: Math.max(0, view.questions.findIndex((question) => question.id === this.screenShown)) };
  }

  async amendAssessment(language: Language, id: string): Promise<ResumedView> {
    this.officerSession();
    if (!this.sync.records.some((record) => record.id === id)) {
      throw refusal("Invalid", `no assessment ${id}`, { kind: "unknown_record" });
    }
    this.amendedFrom = id;
    return { view: this.view(language), resume_at: 0 };
  }

  async assessmentView(language: Language): Promise<AssessmentView> {
    this.officerSession();
    return this.view(language);
  }

  // Scenario mode: a store of its own with the trainer's PIN, classes, and one run at a time
  // over this fake's questions and gates (asking a question behind a closed gate is refused and
  // kept, as the core does). The debrief here scores one category only; the real scoring is
  // tested in Rust (crates/training) and through the window.
  trainerPin: string | null = null;
  trainerUnlocked = false;
  classes: TrainingClass[] = [];
  runs = new Map<string, TrainingRunRecord>();
  private run: { classId: string; trainee: string; moments: TrainingRunRecord["timeline"]["moments"] } | null = null;

  private trainerSession(): void {
    if (!this.trainerUnlocked) throw refusal("Locked", "scenario mode is locked", { kind: "locked" });
  }

  async trainingStatus(): Promise<TrainingStatus> {
    return { trainer_set_up: this.trainerPin !== null, unlocked: this.trainerUnlocked, min_pin_digits: 8 };
  }

  async trainingSetUp(pin: string): Promise<void> {
    if (!/^[0-9]{8,12}$/.test(pin)) throw refusal("Invalid", "bad PIN", { kind: "bad_pin", min: 8, max: 12 });
    this.trainerPin = pin;
    this.trainerUnlocked = true;
  }

  async trainingUnlock(pin: string): Promise<void> {
    if (pin !== this.trainerPin) throw refusal("Invalid", "wrong PIN", { kind: "wrong_pin", attempts_left: 9 });
    this.trainerUnlocked = true;
  }

  async trainingChangePin(currentPin: string, newPin: string): Promise<void> {
    if (currentPin !== this.trainerPin) throw refusal("Invalid", "wrong PIN", { kind: "wrong_pin", attempts_left: 9 });
    await this.trainingSetUp(newPin);
  }

  async trainingLock(): Promise<void> {
    this.trainerUnlocked = false;
    this.run = null;
  }

  async trainingScenarios(): Promise<ScenarioSummary[]> {
    this.trainerSession();
    return [{ id: "fake-scenario", title: "A fake scenario", brief: "A made-up incident." }];
  }

  async trainingNewClass(scenario: string, trainees: string[]): Promise<string> {
    this.trainerSession();
    if (trainees.length === 0 || new Set(trainees).size !== trainees.length) {
      throw refusal("Invalid", "bad names", { kind: "bad_trainee_name" });
    }
    const id = `class-${this.classes.length + 1}`;
    this.classes.push({
      id,
      scenario,
      scenario_title: "A fake scenario",
      created_at: 1_800_000_000,
      trainees: trainees.map((name) => ({ name, runs: [] })),
    });
    return id;
  }

  async trainingClasses(): Promise<TrainingClass[]> {
    this.trainerSession();
    return structuredClone(this.classes);
  }

  private runView(language: Language): TrainingRunView {
    return {
      title: "A fake scenario",
      brief: "A made-up incident.",
      view: this.view(language),
      menu: this.questions.map((question) => ({ id: question.id, label: question.label, section: question.section })),
    };
  }

  async trainingStartRun(language: Language, classId: string, trainee: string): Promise<TrainingRunView> {
    this.trainerSession();
    if (this.run) throw refusal("NotReady", "a run is going", { kind: "training_not_ready" });
    this.answers.clear();
    this.run = { classId, trainee, moments: [] };
    return this.runView(language);
  }

  async trainingView(language: Language): Promise<TrainingRunView> {
    this.trainerSession();
    return this.runView(language);
  }

  async trainingAsk(language: Language, questionId: string): Promise<AskedView> {
    this.trainerSession();
    const run = this.run;
    if (!run) throw refusal("NotReady", "no run", { kind: "training_not_ready" });
    const question = this.questions.find((candidate) => candidate.id === questionId);
    if (!question) throw refusal("Invalid", "unknown question", { kind: "unknown_question" });
    const closed = this.gates.find((gate) => gate.sections?.includes(question.section_id) && !this.isOpen(gate));
    if (closed) {
      run.moments.push({ at_ms: run.moments.length * 1000, event: { kind: "refused", question: questionId, gate: closed.id } });
      return { kind: "refused", gate: language === "cy" && closed.titleCy ? closed.titleCy : closed.title };
    }
    const reply = `Fake reply to ${question.label}`;
    run.moments.push({ at_ms: run.moments.length * 1000, event: { kind: "asked", question: questionId, reply, reliable: true } });
    return { kind: "reply", says: reply, reliable: true };
  }

  async trainingAnswer(language: Language, questionId: string, value: AnswerValue): Promise<AssessmentView> {
    this.trainerSession();
    const view = await this.answerQuestion(language, questionId, value);
    this.run?.moments.push({ at_ms: (this.run?.moments.length ?? 0) * 1000, event: { kind: "recorded", question: questionId, answer: value } });
    return view;
  }

  async trainingInjects(): Promise<{ id: string; says: string }[]> {
    return [];
  }

  async trainingFinish(): Promise<string> {
    this.trainerSession();
    const run = this.run;
    if (!run) throw refusal("NotReady", "no run", { kind: "training_not_ready" });
    this.run = null;
    const id = `run-${this.runs.size + 1}`;
    const refused = run.moments.findIndex((moment) => moment.event.kind === "refused");
    run.moments.push({ at_ms: run.moments.length * 1000, event: { kind: "finished" } });
    this.runs.set(id, {
      id,
      class_id: run.classId,
      trainee: run.trainee,
      scenario: "fake-scenario",
      finished_at: 1_800_000_100,
      timeline: { moments: run.moments },
      debrief: {
        scenario: "fake-scenario",
        scenario_version: "1",
        seconds_taken: run.moments.length,
        categories: [
          refused >= 0
            ? { id: "safeguarding_first", outcome: "not_met", reason: "asked too early", moments: [refused] }
            : { id: "safeguarding_first", outcome: "met", reason: "steps first", moments: [] },
        ],
      },
    });
    const trainee = this.classes.find((group) => group.id === run.classId)?.trainees.find((found) => found.name === run.trainee);
    trainee?.runs.push({ id, finished_at: 1_800_000_100, met: refused >= 0 ? 0 : 1, partly: 0, not_met: refused >= 0 ? 1 : 0 });
    return id;
  }

  async trainingRun(runId: string): Promise<TrainingRunRecord> {
    this.trainerSession();
    const record = this.runs.get(runId);
    if (!record) throw refusal("NotReady", "no run", { kind: "training_not_ready" });
    return structuredClone(record);
  }

  async trainingWriteReport(runId: string): Promise<string> {
    this.trainerSession();
    return `/home/trainer/Documents/Firstline training/debrief-${runId}.html`;
  }

  async trainingWriteCohort(classId: string): Promise<string> {
    this.trainerSession();
    return `/home/trainer/Documents/Firstline training/cohort-${classId}.csv`;
  }

  async trainingClearTrainee(classId: string, trainee: string, remove: boolean): Promise<void> {
    this.trainerSession();
    const group = this.classes.find((found) => found.id === classId);
    if (!group) return;
    if (remove) group.trainees = group.trainees.filter((found) => found.name !== trainee);
    else group.trainees.forEach((found) => found.name === trainee && (found.runs = []));
  }

  async trainingDeleteClass(classId: string): Promise<void> {
    this.trainerSession();
    this.classes = this.classes.filter((group) => group.id !== classId);
  }

  async assessmentSummary(language: Language): Promise<Summary> {
    this.officerSession();
    const rows = this.visible().map((question) => {
      const answer = this.answers.get(question.id);
      const shown =
        answer?.type === "choice"
          ? question.choices.find((choice) => choice.value === answer.value)?.label
          : answer?.type === "text"
            ? answer.value
            : undefined;
      return {
        question_id: question.id,
        section: question.section,
        label: question.label,
        answer: shown ?? null,
        unsaved: this.pending.has(question.id),
      };
    });
    return {
      rows,
      // As the engine: required questions not answered, and words typed and not saved.
      missing: rows.filter(
        (row) =>
          (row.answer === null && (this.questions.find((question) => question.id === row.question_id)?.required ?? false)) ||
          row.unsaved,
      ),
      hidden_answers: this.hiddenAnswers(),
      closed_gates: this.gateViews(language)
        .filter((gate) => !gate.open)
        .map((gate) => gate.title),
      blocking_gates: [],
      deferred: [],
    };
  }
}
