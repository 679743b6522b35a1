// The UI's flow against the fake backend: start, answer, check your answers, errors shown as the
// officer should see them (in the officer's language, by the error's kind, never the app's English).
import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import App from "./App.svelte";
import type { ErrorDetail, ErrorKind } from "./lib/backend";
import { BackendError, ERROR_DETAIL_PARAMS, toBackendError } from "./lib/backend";
import { describeError } from "./lib/errors";
import { FakeBackend, fakeQuestion } from "./lib/fakeBackend";
import { words } from "./lib/i18n";

const yesNo = (id: string, label: string) => fakeQuestion({ id, label });
const shortText = (id: string, label: string) => fakeQuestion({ id, label, kind: "short_text", choices: [] });

describe("signing in", () => {
  it("sets up the first officer, then shows home; a wrong PIN says so and stays", async () => {
    const backend = new FakeBackend();
    backend.officers = [];
    backend.unlockedAs = null;
    render(App, { props: { backend } });

    await fireEvent.input(await screen.findByTestId("officer-id"), { target: { value: "PC 42" } });
    await fireEvent.input(screen.getByTestId("pin"), { target: { value: "1357" } });
    await fireEvent.input(screen.getByTestId("pin-again"), { target: { value: "1357" } });
    await fireEvent.click(screen.getByTestId("sign-in"));
    expect(await screen.findByTestId("start-assessment")).toBeTruthy();

    await fireEvent.click(screen.getByTestId("quick-hide"));
    expect(await screen.findByTestId("hidden-screen")).toBeTruthy();
    await fireEvent.click(screen.getByTestId("unlock-again"));
    await fireEvent.input(await screen.findByTestId("pin"), { target: { value: "0000" } });
    await fireEvent.click(screen.getByTestId("sign-in"));
    const summary = (await screen.findByTestId("error-summary")).textContent;
    expect(summary).toContain("Wrong PIN: 4 attempts left");
    expect(summary).not.toContain("wrong PIN");
  });
});

describe("the assessment flow", () => {
  it("shows the answer back on check your answers", async () => {
    const backend = new FakeBackend();
    render(App, { props: { backend } });

    await fireEvent.click(await screen.findByTestId("start-assessment"));
    expect(await screen.findByTestId("question-label")).toHaveProperty("textContent", "Is everyone safe?");
    await fireEvent.click(screen.getByTestId("choice-no"));
    await fireEvent.click(screen.getByTestId("continue"));

    expect(await screen.findByTestId("check-answers-title")).toBeTruthy();
    expect(screen.getByTestId("summary-answer").textContent).toBe("No");
  });

  it("shows an error summary and does not advance when nothing is chosen", async () => {
    render(App, { props: { backend: new FakeBackend() } });
    await fireEvent.click(await screen.findByTestId("start-assessment"));
    await fireEvent.click(await screen.findByTestId("continue"));

    expect((await screen.findByTestId("error-summary")).textContent).toContain("Select one of the options");
    expect(screen.queryByTestId("check-answers-title")).toBeNull();
  });

  it("never advances on its own after a choice is picked", async () => {
    const backend = new FakeBackend([fakeQuestion(), fakeQuestion({ id: "q2", label: "Second" })]);
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByTestId("start-assessment"));
    await fireEvent.click(await screen.findByTestId("choice-yes"));

    expect(screen.getByTestId("question-label").textContent).toBe("Is everyone safe?");
    expect(backend.answers.size).toBe(0);
  });

  it("keeps a saved answer when the officer goes back to change it", async () => {
    const backend = new FakeBackend();
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByTestId("start-assessment"));
    await fireEvent.click(await screen.findByTestId("choice-yes"));
    await fireEvent.click(screen.getByTestId("continue"));
    await fireEvent.click(await screen.findByRole("button", { name: /^Change/ }));

    expect((await screen.findByTestId<HTMLInputElement>("choice-yes")).checked).toBe(true);
  });

  it("shows a damaged pack as an error screen, not a crash", async () => {
    const backend = new FakeBackend();
    backend.failStartWith = new BackendError("Damaged", "form pack p has no questions");
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByTestId("start-assessment"));

    expect((await screen.findByTestId("error-screen")).textContent).toContain("form pack p has no questions");
  });
});

describe("errors from the app", () => {
  it("keeps a known code and its message", () => {
    const error = toBackendError({ code: "Invalid", message: "Select one of the options" });
    expect([error.code, error.message]).toEqual(["Invalid", "Select one of the options"]);
  });

  it("turns anything else into an Unexpected error without echoing it", () => {
    const error = toBackendError("secret answer text");
    expect(error.code).toBe("Unexpected");
    expect(error.message).not.toContain("secret");
  });
});

describe("the gate panel", () => {
  it("lists what is missing and nothing of the questions behind the gate", async () => {
    const backend = new FakeBackend();
    backend.gates = [
      { id: "safeguarding", title: "Migrant victim support", open: false, missing: ["Victim spoken to alone"] },
    ];
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByTestId("start-assessment"));

    const panel = await screen.findByTestId("gate-panel");
    expect(panel.textContent).toContain("Migrant victim support");
    expect(panel.textContent).toContain("Victim spoken to alone");
  });

  it("shows a choice's warning once it is picked", async () => {
    const backend = new FakeBackend([
      fakeQuestion({
        kind: "single_choice",
        choices: [
          { value: "professional", label: "Professional", warning: null },
          { value: "suspect", label: "The suspect", warning: "Never use the suspect to interpret." },
        ],
      }),
    ]);
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByTestId("start-assessment"));
    expect(screen.queryByTestId("choice-warning")).toBeNull();
    await fireEvent.click(await screen.findByTestId("choice-suspect"));

    expect((await screen.findByTestId("choice-warning")).textContent).toContain("Never use the suspect");
  });
});

describe("finalising and sync", () => {
  it("finalises from check your answers and shows the record waiting on the sync screen", async () => {
    const backend = new FakeBackend();
    backend.sync.force_name = "Demo Constabulary";
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByTestId("start-assessment"));
    await fireEvent.click(await screen.findByTestId("choice-yes"));
    await fireEvent.click(screen.getByTestId("continue"));
    await fireEvent.click(await screen.findByTestId("finalise"));

    expect((await screen.findByTestId("sync-notice")).textContent).toContain("finalised");
    expect((await screen.findByTestId("sync-pending")).textContent).toBe("1");
    expect(screen.getByTestId("sync-record-state").textContent).toBe("Waiting");
    await fireEvent.click(screen.getByTestId("sync-now"));
    expect(backend.syncNowCalls).toBe(1);

    await fireEvent.click(screen.getByTestId("amend"));
    expect(await screen.findByTestId("question-label")).toBeTruthy();
    expect(backend.amendedFrom).toBe("sub-1");
  });

  it("offers no Finalise while required questions are unanswered", async () => {
    render(App, { props: { backend: new FakeBackend() } });
    await fireEvent.click(await screen.findByTestId("start-assessment"));
    await fireEvent.click(await screen.findByTestId("go-check-answers"));
    expect(await screen.findByTestId("error-summary")).toBeTruthy();
    expect(screen.queryByTestId("finalise")).toBeNull();
  });

  it("enrols with a code, says why a wrong one fails, and shows set-aside reasons", async () => {
    const backend = new FakeBackend();
    backend.sync.quarantined = [
      { id: "s9", reason: "refused (422): the envelope's device signature does not verify" },
    ];
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByTestId("sync"));
    expect(await screen.findByTestId("sync-not-enrolled")).toBeTruthy();
    expect(screen.getByTestId("sync-quarantined").textContent).toContain("signature does not verify");

    await fireEvent.input(screen.getByTestId("gateway-url"), { target: { value: "https://gateway.example.police.uk" } });
    await fireEvent.input(screen.getByTestId("enrolment-code"), { target: { value: "<img src=x onerror=alert(1)>" } });
    await fireEvent.click(screen.getByTestId("enrol"));
    expect((await screen.findByTestId("enrol-error")).textContent).toBe(words("en").errors.code_unknown);
    expect(document.querySelector("img")).toBeNull();

    await fireEvent.input(screen.getByTestId("enrolment-code"), { target: { value: "ABCD-EFGH-JKLM-NPQR" } });
    await fireEvent.click(screen.getByTestId("enrol"));
    expect((await screen.findByTestId("sync-force")).textContent).toContain("Demo Constabulary");
  });
});

describe("support services", () => {
  it("lists the force's services as plain text, or says none have arrived", async () => {
    const backend = new FakeBackend();
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByTestId("services"));
    expect(await screen.findByTestId("no-services")).toBeTruthy();
    await fireEvent.click(screen.getByTestId("back-home"));

    backend.services = [
      { id: "r1", name: "<b>Refuge</b>", contact: "0808 2000 247", description: "24-hour helpline" },
    ];
    await fireEvent.click(await screen.findByTestId("services"));
    expect((await screen.findByTestId("service")).textContent).toContain("<b>Refuge</b>");
    expect(document.querySelector("dt b")).toBeNull();
  });
});

describe("error details", () => {
  it("keeps a known detail with only its own parameters", () => {
    const error = toBackendError({
      code: "Invalid",
      message: "the answer is longer than 200 characters",
      detail: { kind: "too_long", max: 200, answer: "secret answer text" },
    });
    expect(error.detail).toEqual({ kind: "too_long", max: 200 });
    expect(toBackendError({ code: "Offline", message: "no route", detail: { kind: "offline" } }).code).toBe("Offline");
    expect(toBackendError({ code: "Invalid", message: "m" }).detail).toBeNull();
  });

  it("drops a detail it cannot read, so the message is used", () => {
    const unreadable: unknown[] = [
      { kind: "from_a_newer_app" },
      { kind: "too_long" },
      { kind: "too_long", max: "200" },
      { kind: "number_out_of_range", min: 1, max: Number.NaN },
      { kind: "toString" },
      { kind: 3 },
      "too_long",
      [],
    ];
    for (const detail of unreadable) {
      const error = toBackendError({ code: "Invalid", message: "the app's words", detail });
      expect([error.code, error.message, error.detail]).toEqual(["Invalid", "the app's words", null]);
      expect(describeError(words("cy"), error)).toBe("the app's words");
    }
  });

  it("words every kind in English and Welsh with its parameters, never the app's message", () => {
    for (const kind of Object.keys(ERROR_DETAIL_PARAMS) as ErrorKind[]) {
      const params = Object.fromEntries(Object.keys(ERROR_DETAIL_PARAMS[kind]).map((param) => [param, 7]));
      const detail = { kind, ...params } as ErrorDetail;
      const error = toBackendError({ code: "Invalid", message: "ENGLISH LOG MESSAGE", detail });
      expect(error.detail).toEqual(detail);
      const [en, cy] = [describeError(words("en"), error), describeError(words("cy"), error)];
      for (const sentence of [en, cy]) {
        expect(sentence).not.toContain("ENGLISH LOG MESSAGE");
        expect(sentence).not.toMatch(/undefined|NaN|\[object|=>/);
        if (Object.keys(params).length) expect(sentence).toContain("7");
      }
      expect(cy, kind).not.toBe(en);
    }
  });

  it("says something went wrong, in the officer's language, for anything not from the app", () => {
    expect(describeError(words("cy"), new Error("TypeError: x is undefined"))).toBe(words("cy").unexpectedError);
    expect(describeError(words("en"), toBackendError("secret answer text"))).toBe(words("en").unexpectedError);
  });

  it("shows a too-short rationale refused in Welsh in Welsh, not the app's English", async () => {
    const backend = new FakeBackend([
      fakeQuestion({
        id: "grade",
        kind: "risk_grade",
        label: "Gradd risg",
        choices: [
          { value: "standard", label: "Safonol", warning: null },
          { value: "medium", label: "Canolig", warning: null },
          { value: "high", label: "Uchel", warning: null },
        ],
        min_rationale_chars: 40,
      }),
    ]);
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByTestId("language-switch"));
    await fireEvent.click(await screen.findByTestId("start-assessment"));
    await fireEvent.click(await screen.findByTestId("choice-high"));
    await fireEvent.input(screen.getByTestId("rationale"), { target: { value: "Bygythiadau" } });
    await fireEvent.click(screen.getByTestId("continue"));

    const summary = (await screen.findByTestId("error-summary")).textContent ?? "";
    expect(summary).toContain("Ysgrifennwch eich rhesymeg dros y radd: o leiaf 40 nod");
    expect(summary).not.toMatch(/rationale|characters/);
    expect(backend.answers.size).toBe(0);
  });

  it("falls back to the app's message for a kind the UI does not know", async () => {
    const backend = new FakeBackend();
    backend.failStartWith = toBackendError({
      code: "Damaged",
      message: "the vault was written by a newer app",
      detail: { kind: "from_a_newer_app" },
    });
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByTestId("start-assessment"));

    expect((await screen.findByTestId("error-screen")).textContent).toContain("the vault was written by a newer app");
  });

  it("words a gateway out of reach at enrolment, and rewords it when the language changes", async () => {
    const backend = new FakeBackend();
    backend.reachable = false;
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByTestId("sync"));
    await fireEvent.input(await screen.findByTestId("gateway-url"), { target: { value: "https://gateway.example.police.uk" } });
    await fireEvent.input(screen.getByTestId("enrolment-code"), { target: { value: "ABCD-EFGH-JKLM-NPQR" } });
    await fireEvent.click(screen.getByTestId("enrol"));

    const enrolError = await screen.findByTestId("enrol-error");
    expect(enrolError.textContent).toBe("The gateway cannot be reached. Check the connection and try again.");
    await fireEvent.click(screen.getByTestId("language-switch"));
    expect(screen.getByTestId("enrol-error").textContent).toBe(
      "Nid oes modd cyrraedd y porth. Gwiriwch y cysylltiad a rhowch gynnig arall arni.",
    );
    expect(screen.getByTestId("enrol-error").textContent).not.toContain("gateway.example");
  });
});

describe("answers no longer asked", () => {
  it("says at once how many answers an answer took out, naming none, and only until the officer moves on", async () => {
    const backend = new FakeBackend([
      yesNo("others", "Is anyone else in the household?"),
      shortText("who", "Who else is in the household?"),
      yesNo("children", "Are there children in the household?"),
    ]);
    backend.showIf.set("who", { question: "others", value: "yes" });
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByTestId("start-assessment"));
    await fireEvent.click(await screen.findByTestId("choice-yes"));
    await fireEvent.click(screen.getByTestId("continue"));
    await fireEvent.input(await screen.findByTestId("text-answer"), { target: { value: "Her brother" } });
    await fireEvent.click(screen.getByTestId("continue"));
    expect((await screen.findByTestId("question-label")).textContent).toBe("Are there children in the household?");
    expect(screen.queryByTestId("hidden-answers-notice")).toBeNull();

    await fireEvent.click(screen.getByTestId("back"));
    await fireEvent.click(await screen.findByTestId("back"));
    await fireEvent.click(await screen.findByTestId("choice-no"));
    await fireEvent.click(screen.getByTestId("continue"));

    expect((await screen.findByTestId("question-label")).textContent).toBe("Are there children in the household?");
    const notice = screen.getByTestId("hidden-answers-notice");
    expect(notice.getAttribute("role")).toBe("status");
    expect(notice.textContent).toBe("1 answer is no longer asked and will not be sent unless this changes back");
    expect(notice.textContent).not.toMatch(/Who else|brother|who/);

    await fireEvent.click(screen.getByTestId("choice-no"));
    await fireEvent.click(screen.getByTestId("continue"));
    expect(await screen.findByTestId("check-answers-title")).toBeTruthy();
    expect(screen.queryByTestId("hidden-answers-notice")).toBeNull();
  });

  it("shows on check your answers, above Finalise, how many given answers will not be sent", async () => {
    const backend = new FakeBackend([
      yesNo("others", "Is anyone else in the household?"),
      shortText("who", "Who else is in the household?"),
      shortText("where", "Where do they live?"),
      yesNo("children", "Are there children in the household?"),
    ]);
    backend.showIf.set("who", { question: "others", value: "yes" });
    backend.showIf.set("where", { question: "others", value: "yes" });
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByTestId("start-assessment"));
    await fireEvent.click(await screen.findByTestId("choice-yes"));
    await fireEvent.click(screen.getByTestId("continue"));
    await fireEvent.input(await screen.findByTestId("text-answer"), { target: { value: "Her brother" } });
    await fireEvent.click(screen.getByTestId("continue"));
    await fireEvent.input(await screen.findByTestId("text-answer"), { target: { value: "Same address" } });
    await fireEvent.click(screen.getByTestId("continue"));
    await fireEvent.click(await screen.findByTestId("choice-yes"));
    await fireEvent.click(screen.getByTestId("continue"));
    expect(await screen.findByTestId("check-answers-title")).toBeTruthy();
    expect(screen.queryByTestId("hidden-answers-summary")).toBeNull();

    await fireEvent.click(within(screen.getByTestId("summary-others")).getByRole("button"));
    await fireEvent.click(await screen.findByTestId("choice-no"));
    await fireEvent.click(screen.getByTestId("continue"));
    expect((await screen.findByTestId("hidden-answers-notice")).textContent).toBe(
      "2 answers are no longer asked and will not be sent unless this changes back",
    );
    await fireEvent.click(screen.getByTestId("go-check-answers"));

    const summary = await screen.findByTestId("hidden-answers-summary");
    expect(summary.textContent).toBe("2 answers are no longer asked and will not be sent unless this changes back");
    expect(screen.queryByTestId("hidden-answers-notice")).toBeNull();
    expect(screen.queryByText(/Who else|Where do they live/)).toBeNull();
    const finalise = screen.getByTestId("finalise");
    expect(summary.compareDocumentPosition(finalise) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();

    await fireEvent.click(screen.getByTestId("language-switch"));
    expect((await screen.findByTestId("hidden-answers-summary")).textContent).toBe(
      "Nid yw 2 ateb yn cael eu gofyn mwyach ac ni fyddant yn cael eu hanfon oni bai bod hyn yn newid yn ôl",
    );
  });

  it("tells it on check your answers when the answer was the last one asked", async () => {
    const backend = new FakeBackend([yesNo("others", "Is anyone else in the household?"), shortText("who", "Who?")]);
    backend.showIf.set("who", { question: "others", value: "yes" });
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByTestId("start-assessment"));
    await fireEvent.click(await screen.findByTestId("choice-yes"));
    await fireEvent.click(screen.getByTestId("continue"));
    await fireEvent.input(await screen.findByTestId("text-answer"), { target: { value: "Her brother" } });
    await fireEvent.click(screen.getByTestId("continue"));
    await fireEvent.click(within(await screen.findByTestId("summary-others")).getByRole("button"));
    await fireEvent.click(await screen.findByTestId("choice-no"));
    await fireEvent.click(screen.getByTestId("continue"));

    expect(await screen.findByTestId("check-answers-title")).toBeTruthy();
    expect(screen.getByTestId("hidden-answers-notice").textContent).toBe(words("en").hiddenAnswers(1));
    expect(screen.getByTestId("hidden-answers-summary").textContent).toBe(words("en").hiddenAnswers(1));
  });
});

describe("the notice after finalising", () => {
  async function finaliseAndReadNotice(backend: FakeBackend): Promise<string[]> {
    const { unmount } = render(App, { props: { backend } });
    await fireEvent.click(await screen.findByTestId("start-assessment"));
    while (!screen.queryByTestId("check-answers-title")) {
      await fireEvent.click(await screen.findByTestId("choice-yes"));
      await fireEvent.click(screen.getByTestId("continue"));
      await screen.findByTestId(/question-label|check-answers-title/);
    }
    await fireEvent.click(screen.getByTestId("finalise"));
    await screen.findByTestId("sync-pending");
    const notice = screen.getAllByTestId("sync-notice").map((line) => line.textContent ?? "");
    unmount();
    return notice;
  }

  it("is the same whether or not the assessment had a migrant-victim section", async () => {
    const without = await finaliseAndReadNotice(new FakeBackend([yesNo("q1", "Is everyone safe?")]));
    const withMigrant = await finaliseAndReadNotice(
      new FakeBackend([
        yesNo("q1", "Is everyone safe?"),
        fakeQuestion({
          id: "nrpf",
          section_id: "migrant_victim",
          section: "Migrant victim support",
          label: "Does the victim have no recourse to public funds?",
        }),
      ]),
    );

    expect(without).toEqual([words("en").finalised]);
    expect(withMigrant).toEqual(without);
    expect(withMigrant.join(" ")).not.toMatch(/migrant|safeguarding/i);
    expect("migrantSealed" in words("en") || "migrantSealed" in words("cy")).toBe(false);
  });
});
