// A fake of the app's backend for UI unit tests: keeps answers in memory, checks choices the way
// the core does, and can be told to fail. It never stands in for the real app outside tests.
import type { AnswerValue, AssessmentView, Backend, QuestionView, Summary } from "./backend";
import { BackendError } from "./backend";

export function fakeQuestion(overrides: Partial<QuestionView> = {}): QuestionView {
  return {
    id: "q1",
    section: "Immediate safety",
    input: "choice",
    label: "Is everyone safe?",
    help: null,
    choices: [
      { value: "yes", label: "Yes" },
      { value: "no", label: "No" },
    ],
    max_chars: null,
    required: true,
    answer: null,
    ...overrides,
  };
}

export class FakeBackend implements Backend {
  answers = new Map<string, AnswerValue>();
  failStartWith: BackendError | null = null;

  constructor(private questions: QuestionView[] = [fakeQuestion()]) {}

  private view(): AssessmentView {
    return {
      pack_id: "fake",
      pack_version: "1",
      title: "Fake pack",
      notice: null,
      questions: this.questions.map((question) => ({
        ...question,
        answer: this.answers.get(question.id) ?? null,
      })),
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
    if (question.input === "choice" && !question.choices.some((choice) => choice.value === value.value)) {
      throw new BackendError("Invalid", "Select one of the options");
    }
    this.answers.set(questionId, value);
    return this.view();
  }

  async assessmentSummary(): Promise<Summary> {
    return {
      rows: this.questions.map((question) => {
        const answer = this.answers.get(question.id);
        const label =
          answer?.type === "choice"
            ? question.choices.find((choice) => choice.value === answer.value)?.label
            : answer?.value;
        return { question_id: question.id, label: question.label, answer: label ?? null };
      }),
    };
  }
}
