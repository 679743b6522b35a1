// What the officer reads when the app refuses or fails: the wording for the error's detail in the
// officer's language. The app's own message is English for logs, shown only when the UI does not
// know the detail; anything that is not a `BackendError` gets a plain "something went wrong".
import { BackendError } from "./backend";
import type { Words } from "./i18n";

/** A refusal after which the officer is no longer signed in (a wrong PIN, a lock, a wipe), so
 * the screen must go back to sign-in with its words. */
export function endsSession(error: unknown): error is BackendError {
  return error instanceof BackendError && ["Invalid", "Locked", "Wiped"].includes(error.code);
}

export function describeError(t: Words, error: unknown): string {
  if (!(error instanceof BackendError) || error.code === "Unexpected") return t.unexpectedError;
  const detail = error.detail;
  if (!detail) return error.message;
  switch (detail.kind) {
    case "too_long":
      return t.errors.too_long(detail.max);
    case "number_out_of_range":
      return t.errors.number_out_of_range(detail.min, detail.max);
    case "rationale_too_short":
      return t.errors.rationale_too_short(detail.min);
    case "missing_required":
      return t.errors.missing_required(detail.count);
    case "wrong_pin":
      return t.errors.wrong_pin(detail.attempts_left);
    case "too_soon":
      return t.errors.too_soon(detail.seconds);
    case "bad_pin":
      return t.errors.bad_pin(detail.min, detail.max);
    case "pin_change_required":
      return t.errors.pin_change_required(detail.min);
    case "already_enrolled":
      return t.errors.already_enrolled(detail.waiting);
    case "waiting_changed":
      return t.errors.waiting_changed(detail.waiting);
    default:
      return t.errors[detail.kind];
  }
}
