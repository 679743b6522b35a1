// A fake of the app's backend for UI unit tests: keeps answers in memory, checks choices the way
// the core does, and can be told to fail. It never stands in for the real app outside tests.
import type {
  AnswerValue,
  AssessmentView,
  Backend,
  Diagnostics,
  DraftView,
  FinalisedView,
  SupportService,
  SyncView,
  GateView,
  QuestionView,
  ResumedView,
  Summary,
  VaultStatus,
} from "./backend";
import { BackendError } from "./backend";

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
    required: true,
    answer: null,
    ...overrides,
  };
}

export class FakeBackend implements Backend {
  answers = new Map<string, AnswerValue>();
  failStartWith: BackendError | null = null;
  gates: GateView[] = [];
  officers: string[] = ["PC 1"];
  unlockedAs: string | null = "PC 1";
  pins = new Map<string, string>([["PC 1", "2468"]]);

  constructor(private questions: QuestionView[] = [fakeQuestion()]) {}

  private view(): AssessmentView {
    return {
      pack_id: "fake",
      pack_version: "1",
      pack_hash: "0".repeat(64),
      title: "Fake pack",
      notice: null,
      awaiting_review: false,
      sections: [],
      questions: this.questions.map((question) => ({
        ...question,
        answer: this.answers.get(question.id) ?? null,
      })),
      gates: this.gates,
      guidance: { factors: [], suggested: null },
    };
  }

  async startAssessment(): Promise<AssessmentView> {
    if (this.failStartWith) throw this.failStartWith;
    this.answers.clear();
    return this.view();
  }

  async answerQuestion(_language: string, questionId: string, value: AnswerValue): Promise<AssessmentView> {
    const question = this.questions.find((candidate) => candidate.id === questionId);
    if (!question) throw new BackendError("Invalid", `there is no question ${questionId}`);
    if (value.type === "choice" && !question.choices.some((choice) => choice.value === value.value)) {
      throw new BackendError("Invalid", "Select one of the options");
    }
    this.answers.set(questionId, value);
    return this.view();
  }

  async vaultStatus(): Promise<VaultStatus> {
    return {
      officers: this.officers,
      unlocked: this.unlockedAs,
      device_secret: "file",
      idle_lock_seconds: 300,
      wiped_at: this.sync.wiped_at,
    };
  }

  async setUpOfficer(officer: string, pin: string): Promise<void> {
    if (!/^[0-9]{4,12}$/.test(pin)) throw new BackendError("Invalid", "a PIN must be 4 to 12 digits");
    this.officers.push(officer);
    this.pins.set(officer, pin);
    this.unlockedAs = officer;
  }

  async unlock(officer: string, pin: string): Promise<void> {
    if (this.pins.get(officer) !== pin) throw new BackendError("Invalid", "wrong PIN");
    this.unlockedAs = officer;
  }

  async lock(): Promise<void> {
    this.unlockedAs = null;
  }

  async diagnostics(): Promise<Diagnostics> {
    return { app_version: "0.1.0", pack: "fake 1", device_secret: "file", idle_lock_seconds: 300, audit_entries: 3 };
  }

  async changePin(currentPin: string, newPin: string): Promise<void> {
    const officer = this.unlockedAs ?? "";
    if (this.pins.get(officer) !== currentPin) throw new BackendError("Invalid", "wrong PIN");
    this.pins.set(officer, newPin);
  }

  sync: SyncView = {
    force_name: null,
    gateway_url: null,
    pending: 0,
    received: 0,
    quarantined: [],
    last_success_at: null,
    last_error: null,
    revoked_at: null,
    wiped_at: null,
    records: [],
  };
  syncNowCalls = 0;

  async finaliseAssessment(): Promise<FinalisedView> {
    const missing = (await this.assessmentSummary()).missing.length;
    if (missing > 0) throw new BackendError("Invalid", `${missing} required questions are not answered yet`);
    const id = `sub-${this.sync.records.length + 1}`;
    this.sync.records.unshift({ id, finalised_at: 1_800_000_000, state: "pending", reason: null });
    this.sync.pending += 1;
    this.answers.clear();
    return { submission_id: id, has_migrant_section: false };
  }

  async syncStatus(): Promise<SyncView> {
    return structuredClone(this.sync);
  }

  services: SupportService[] = [];

  async supportServices(): Promise<SupportService[]> {
    return structuredClone(this.services);
  }

  async syncNow(): Promise<void> {
    this.syncNowCalls += 1;
  }

  async enrolDevice(gatewayUrl: string, code: string): Promise<string> {
    if (code !== "ABCD-EFGH-JKLM-NPQR") throw new BackendError("Invalid", "enrolment failed: that enrolment code is unknown");
    this.sync.force_name = "Demo Constabulary";
    this.sync.gateway_url = gatewayUrl;
    return "Demo Constabulary";
  }

  async listDrafts(): Promise<DraftView[]> {
    return [];
  }

  async resumeAssessment(): Promise<ResumedView> {
    return { view: this.view(), resume_at: 0 };
  }

  amendedFrom: string | null = null;

  async amendAssessment(_language: string, id: string): Promise<ResumedView> {
    if (!this.sync.records.some((record) => record.id === id)) throw new BackendError("Invalid", `no assessment ${id}`);
    this.amendedFrom = id;
    return { view: this.view(), resume_at: 0 };
  }

  async assessmentView(): Promise<AssessmentView> {
    return this.view();
  }

  async assessmentSummary(): Promise<Summary> {
    const rows = this.questions.map((question) => {
      const answer = this.answers.get(question.id);
      const shown =
        answer?.type === "choice"
          ? question.choices.find((choice) => choice.value === answer.value)?.label
          : answer?.type === "text"
            ? answer.value
            : undefined;
      return { question_id: question.id, section: question.section, label: question.label, answer: shown ?? null };
    });
    return { rows, missing: rows.filter((row) => row.answer === null) };
  }
}
