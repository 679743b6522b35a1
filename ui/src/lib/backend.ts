// The one seam between the UI and the app: every call into Rust goes through `Backend`. Nothing
// else in the UI imports @tauri-apps/*, so tests run against a fake and the shell stays swappable.
import { invoke } from "@tauri-apps/api/core";

export type Language = "en" | "cy";

export type Grade = "standard" | "medium" | "high";

export type AnswerValue =
  | { type: "choice"; value: string }
  | { type: "choices"; value: string[] }
  | { type: "text"; value: string }
  | { type: "number"; value: number }
  | { type: "date_time"; value: string }
  | { type: "grade"; value: { grade: Grade; rationale: string } };

export type QuestionKind =
  | "yes_no_unknown"
  | "single_choice"
  | "multiple_choice"
  | "short_text"
  | "long_text"
  | "number"
  | "date_time"
  | "risk_grade"
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
  choices: ChoiceView[];
  max_chars: number | null;
  min: number | null;
  max: number | null;
  min_rationale_chars: number | null;
  required: boolean;
  answer: AnswerValue | null;
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
}

export interface Guidance {
  factors: string[];
  suggested: Grade | null;
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
}

export interface SummaryRow {
  question_id: string;
  section: string;
  label: string;
  answer: string | null;
}

export interface Summary {
  rows: SummaryRow[];
  missing: SummaryRow[];
}

export interface VaultStatus {
  officers: string[];
  unlocked: string | null;
  device_secret: "file" | "keyring" | "provided" | "none";
  idle_lock_seconds: number;
  wiped_at: number | null;
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
}

export interface FinalisedView {
  submission_id: string;
  has_migrant_section: boolean;
}

export type OutboxState = "pending" | "sending" | "acknowledged" | "quarantined";

export interface SentView {
  id: string;
  finalised_at: number;
  state: OutboxState;
  reason: string | null;
}

export interface QuarantinedView {
  id: string;
  reason: string;
}

export interface SyncView {
  force_name: string | null;
  gateway_url: string | null;
  pending: number;
  received: number;
  quarantined: QuarantinedView[];
  last_success_at: number | null;
  last_error: string | null;
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

/** The closed set of error codes the app sends; the UI branches on these only. */
export type ErrorCode = "Invalid" | "Damaged" | "NotReady" | "Gated" | "Locked" | "Wiped";

export class BackendError extends Error {
  constructor(
    readonly code: ErrorCode | "Unexpected",
    message: string,
  ) {
    super(message);
    this.name = "BackendError";
  }
}

export interface Backend {
  startAssessment(language: Language): Promise<AssessmentView>;
  answerQuestion(language: Language, questionId: string, value: AnswerValue): Promise<AssessmentView>;
  assessmentSummary(language: Language): Promise<Summary>;
  assessmentView(language: Language): Promise<AssessmentView>;
  resumeAssessment(language: Language, id: string): Promise<ResumedView>;
  amendAssessment(language: Language, id: string): Promise<ResumedView>;
  vaultStatus(): Promise<VaultStatus>;
  setUpOfficer(officer: string, pin: string): Promise<void>;
  unlock(officer: string, pin: string): Promise<void>;
  lock(): Promise<void>;
  listDrafts(): Promise<DraftView[]>;
  diagnostics(): Promise<Diagnostics>;
  changePin(currentPin: string, newPin: string): Promise<void>;
  finaliseAssessment(): Promise<FinalisedView>;
  syncStatus(): Promise<SyncView>;
  syncNow(): Promise<void>;
  supportServices(): Promise<SupportService[]>;
  enrolDevice(gatewayUrl: string, code: string): Promise<string>;
}

const KNOWN_CODES: readonly string[] = ["Invalid", "Damaged", "NotReady", "Gated", "Locked", "Wiped"];

/** Turns whatever a command rejected with into a `BackendError`. */
export function toBackendError(raw: unknown): BackendError {
  if (typeof raw === "object" && raw !== null && "code" in raw && "message" in raw) {
    const { code, message } = raw as { code: unknown; message: unknown };
    if (typeof code === "string" && KNOWN_CODES.includes(code) && typeof message === "string") {
      return new BackendError(code as ErrorCode, message);
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
  vaultStatus: () => call("vault_status", {}),
  setUpOfficer: (officer, pin) => call("set_up_officer", { officer, pin }),
  unlock: (officer, pin) => call("unlock", { officer, pin }),
  lock: () => call("lock", {}),
  listDrafts: () => call("list_drafts", {}),
  diagnostics: () => call("diagnostics", {}),
  changePin: (currentPin, newPin) => call("change_pin", { currentPin, newPin }),
  finaliseAssessment: () => call("finalise_assessment", {}),
  syncStatus: () => call("sync_status", {}),
  syncNow: () => call("sync_now", {}),
  supportServices: () => call("support_services", {}),
  enrolDevice: (gatewayUrl, code) => call("enrol_device", { gatewayUrl, code }),
};
