// The one seam between the UI and the app: every call into Rust goes through `Backend`. Nothing
// else in the UI imports @tauri-apps/*, so tests run against a fake and the shell stays swappable.
import { invoke } from "@tauri-apps/api/core";

export type Language = "en" | "cy";

export type AnswerValue = { type: "choice"; value: string } | { type: "text"; value: string };

export interface ChoiceView {
  value: string;
  label: string;
}

export interface QuestionView {
  id: string;
  section: string;
  input: "choice" | "text";
  label: string;
  help: string | null;
  choices: ChoiceView[];
  max_chars: number | null;
  required: boolean;
  answer: AnswerValue | null;
}

export interface AssessmentView {
  pack_id: string;
  pack_version: string;
  title: string;
  notice: string | null;
  questions: QuestionView[];
}

export interface SummaryRow {
  question_id: string;
  label: string;
  answer: string | null;
}

export interface Summary {
  rows: SummaryRow[];
}

/** The closed set of error codes the app sends; the UI branches on these only. */
export type ErrorCode = "Invalid" | "Damaged" | "NotReady";

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
}

const KNOWN_CODES: readonly string[] = ["Invalid", "Damaged", "NotReady"];

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
};
