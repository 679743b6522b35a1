// The UI's flow against the fake backend: start, answer, check your answers, errors shown as the
// officer should see them (in the officer's language, by the error's kind, never the app's English).
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import App from "./App.svelte";
import type { ErrorDetail, ErrorKind, QuestionView } from "./lib/backend";
import { BackendError, ERROR_DETAIL_PARAMS, toBackendError } from "./lib/backend";
import { describeError } from "./lib/errors";
import { FAKE_ENROLMENT_CODE, FAKE_PIN, FakeBackend, fakeQuestion } from "./lib/fakeBackend";
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
    await fireEvent.input(screen.getByTestId("pin"), { target: { value: "135790" } });
    await fireEvent.input(screen.getByTestId("pin-again"), { target: { value: "135790" } });
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
      { id: "s9", reason: "refused (422): the envelope's device signature does not verify", kind: null },
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

    await fireEvent.input(screen.getByTestId("enrolment-code"), { target: { value: FAKE_ENROLMENT_CODE } });
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
    await fireEvent.input(screen.getByTestId("enrolment-code"), { target: { value: FAKE_ENROLMENT_CODE } });
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
      const before = screen.queryByTestId("question-label")?.textContent;
      await fireEvent.click(await screen.findByTestId("choice-yes"));
      await fireEvent.click(screen.getByTestId("continue"));
      // The next question, or check your answers (read after the typed words are saved).
      await waitFor(() =>
        expect(
          screen.queryByTestId("check-answers-title") !== null ||
            screen.queryByTestId("question-label")?.textContent !== before,
        ).toBe(true),
      );
    }
    await fireEvent.click(screen.getByTestId("finalise"));
    await screen.findByTestId("sync-pending");
    const notice = screen.getAllByTestId("sync-notice").map((line) => line.textContent ?? "");
    unmount();
    return notice;
  }

  /** The fake, enrolled with a force. */
  function enrolled(backend: FakeBackend): FakeBackend {
    backend.sync.force_name = "Test Constabulary";
    backend.sync.gateway_url = "https://gateway.test";
    return backend;
  }

  it("says a record finalised before the device is enrolled waits, locked, for enrolment", async () => {
    const notice = await finaliseAndReadNotice(new FakeBackend([yesNo("q1", "Is everyone safe?")]));
    expect(notice).toEqual([words("en").finalisedWaiting]);
  });

  it("is the same whether or not the assessment had a migrant-victim section", async () => {
    const without = await finaliseAndReadNotice(enrolled(new FakeBackend([yesNo("q1", "Is everyone safe?")])));
    const withMigrant = await finaliseAndReadNotice(
      enrolled(new FakeBackend([
        yesNo("q1", "Is everyone safe?"),
        fakeQuestion({
          id: "nrpf",
          section_id: "migrant_victim",
          section: "Migrant victim support",
          label: "Does the victim have no recourse to public funds?",
        }),
      ])),
    );

    expect(without).toEqual([words("en").finalised]);
    expect(withMigrant).toEqual(without);
    expect(withMigrant.join(" ")).not.toMatch(/migrant|safeguarding/i);
    expect("migrantSealed" in words("en") || "migrantSealed" in words("cy")).toBe(false);
  });
});

describe("a gate that closes again", () => {
  /** Puts the fake's migrant_victim section behind a safeguarding gate that opens when the
   *  victim was spoken to alone, sealed to the safeguarding key. */
  function behindTheSafeguardingGate(backend: FakeBackend) {
    backend.gates = [
      {
        id: "safeguarding",
        title: migrantTitle,
        titleCy: migrantTitleCy,
        open: false,
        missing: [],
        opensWhen: [{ question: "alone", value: "yes", missing: "Victim spoken to alone" }],
        sections: ["migrant_victim"],
      },
    ];
    backend.sealedSections.add("migrant_victim");
  }

  const migrantTitle = "Migrant victim support";
  const migrantTitleCy = "Cymorth i ddioddefwyr mudol";

  /** A pack with the migrant-victim section behind a gate that opens when the victim was spoken
   *  to alone, sealed to the safeguarding key, and an ordinary show_if question beside it. */
  function gatedBackend(...others: QuestionView[]): FakeBackend {
    const backend = new FakeBackend([
      yesNo("safe", "Is everyone safe?"),
      ...others,
      yesNo("alone", "Was the victim spoken to alone?"),
      fakeQuestion({
        id: "nrpf",
        section_id: "migrant_victim",
        section: migrantTitle,
        label: "Does the victim have no recourse to public funds?",
        required: false,
      }),
      yesNo("children", "Are there children in the household?"),
    ]);
    behindTheSafeguardingGate(backend);
    return backend;
  }

  async function choose(value: string) {
    await fireEvent.click(await screen.findByTestId(`choice-${value}`));
    await fireEvent.click(screen.getByTestId("continue"));
  }

  /** What the officer (or anyone looking) sees on each screen from closing the gate again
   *  onwards, with or without an answer behind it first. */
  async function closeGateAgain(answerBehindGate: boolean, language: "en" | "cy" = "en"): Promise<[string, string]> {
    const backend = gatedBackend();
    const { unmount } = render(App, { props: { backend } });
    if (language === "cy") await fireEvent.click(await screen.findByTestId("language-switch"));
    await fireEvent.click(await screen.findByTestId("start-assessment"));
    await choose("yes");
    await choose("yes");
    expect((await screen.findByTestId("question-label")).textContent).toBe(
      "Does the victim have no recourse to public funds?",
    );
    expect(screen.queryByTestId("gate-closed-notice")).toBeNull();
    if (answerBehindGate) await choose("yes");
    else await fireEvent.click(screen.getByTestId("continue"));
    await choose("no");
    expect(await screen.findByTestId("check-answers-title")).toBeTruthy();
    expect(screen.queryByTestId("gate-closed-summary")).toBeNull();
    expect(backend.answers.has("nrpf")).toBe(answerBehindGate);

    await fireEvent.click(within(screen.getByTestId("summary-alone")).getByRole("button"));
    await choose("no");
    expect((await screen.findByTestId("question-label")).textContent).toBe("Are there children in the household?");
    const questionScreen = document.querySelector("main")?.innerHTML ?? "";
    expect(screen.queryByTestId("hidden-answers-notice")).toBeNull();
    expect(screen.getAllByTestId("gate-closed-notice")).toHaveLength(1);
    expect(screen.getByTestId("gate-closed-notice").getAttribute("role")).toBe("status");

    await fireEvent.click(screen.getByTestId("continue"));
    expect(await screen.findByTestId("check-answers-title")).toBeTruthy();
    const checkScreen = document.querySelector("main")?.innerHTML ?? "";
    expect(screen.queryByTestId("gate-closed-notice")).toBeNull();
    expect(screen.queryByTestId("hidden-answers-notice")).toBeNull();
    expect(screen.queryByTestId("hidden-answers-summary")).toBeNull();
    expect(document.body.textContent).not.toMatch(/recourse to public funds/);
    unmount();
    return [questionScreen, checkScreen];
  }

  it("says the gate closed, and shows the same screens whether or not anything was answered behind it", async () => {
    const withAnswer = await closeGateAgain(true);
    const withoutAnswer = await closeGateAgain(false);
    expect(withAnswer).toEqual(withoutAnswer);

    const [question, check] = withAnswer;
    const en = words("en");
    expect(question).toContain(en.gateClosedAgain(migrantTitle));
    expect(en.gateClosedAgain(migrantTitle)).toBe(
      `"${migrantTitle}" is closed again: nothing asked there will be sent unless it opens again.`,
    );
    expect(check).toContain(en.gateClosed(migrantTitle));
    expect(en.gateClosed(migrantTitle)).toBe(`Nothing behind "${migrantTitle}" is asked or sent while it is closed.`);
    expect(question + check).not.toMatch(/answers? (is|are) no longer asked/);
  });

  it("says it in Welsh, the same with or without an answer behind the gate", async () => {
    const withAnswer = await closeGateAgain(true, "cy");
    const withoutAnswer = await closeGateAgain(false, "cy");
    expect(withAnswer).toEqual(withoutAnswer);

    const [question, check] = withAnswer;
    expect(question).toContain(
      `Mae "${migrantTitleCy}" ar gau eto: ni fydd dim a ofynnwyd yno yn cael ei anfon oni bai ei fod yn agor eto.`,
    );
    expect(check).toContain(`Ni ofynnir nac anfonir dim y tu ôl i "${migrantTitleCy}" tra bo ar gau.`);
    expect(question + check).not.toContain(migrantTitle);
  });

  it("keeps the notice only until the officer moves on", async () => {
    render(App, { props: { backend: gatedBackend() } });
    await fireEvent.click(await screen.findByTestId("start-assessment"));
    await choose("yes");
    await choose("yes");
    await choose("yes");
    await choose("yes");
    await fireEvent.click(within(await screen.findByTestId("summary-alone")).getByRole("button"));
    await choose("no");
    expect((await screen.findByTestId("gate-closed-notice")).textContent).toBe(words("en").gateClosedAgain(migrantTitle));

    await fireEvent.click(screen.getByTestId("back"));
    expect((await screen.findByTestId("question-label")).textContent).toBe("Was the victim spoken to alone?");
    expect(screen.queryByTestId("gate-closed-notice")).toBeNull();

    // Answering the same again closes nothing: no notice.
    await choose("no");
    expect((await screen.findByTestId("question-label")).textContent).toBe("Are there children in the household?");
    expect(screen.queryByTestId("gate-closed-notice")).toBeNull();

    // Opening it again says nothing either; closing it once more does, until check your answers.
    await fireEvent.click(screen.getByTestId("back"));
    await choose("yes");
    expect((await screen.findByTestId("question-label")).textContent).toBe(
      "Does the victim have no recourse to public funds?",
    );
    expect(screen.queryByTestId("gate-closed-notice")).toBeNull();
    await fireEvent.click(screen.getByTestId("back"));
    await choose("no");
    expect(await screen.findByTestId("gate-closed-notice")).toBeTruthy();
    await fireEvent.click(screen.getByTestId("go-check-answers"));
    expect(await screen.findByTestId("gate-closed-summary")).toBeTruthy();
    expect(screen.queryByTestId("gate-closed-notice")).toBeNull();
  });

  it("tells it on check your answers when the gate's answer was the last one asked", async () => {
    const backend = new FakeBackend([
      yesNo("alone", "Was the victim spoken to alone?"),
      fakeQuestion({ id: "nrpf", section_id: "migrant_victim", section: migrantTitle, label: "No recourse?" }),
    ]);
    behindTheSafeguardingGate(backend);
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByTestId("start-assessment"));
    await choose("yes");
    await choose("yes");
    await fireEvent.click(within(await screen.findByTestId("summary-alone")).getByRole("button"));
    await choose("no");

    expect(await screen.findByTestId("check-answers-title")).toBeTruthy();
    const notice = screen.getByTestId("gate-closed-notice");
    expect(notice.getAttribute("role")).toBe("status");
    expect(notice.textContent).toBe(words("en").gateClosedAgain(migrantTitle));
    expect(screen.getByTestId("gate-closed-summary").textContent).toBe(words("en").gateClosed(migrantTitle));
    expect(screen.queryByTestId("hidden-answers-notice")).toBeNull();
    expect(screen.queryByTestId("hidden-answers-summary")).toBeNull();

    await fireEvent.click(screen.getByTestId("language-switch"));
    await waitFor(() =>
      expect(screen.getByTestId("gate-closed-summary").textContent).toBe(words("cy").gateClosed(migrantTitleCy)),
    );
    expect(screen.getByTestId("gate-closed-notice").textContent).toBe(words("cy").gateClosedAgain(migrantTitleCy));
  });

  it("still counts an answer an ordinary show_if hides, with no gate notice", async () => {
    const backend = gatedBackend(shortText("who", "Who else is in the household?"));
    backend.showIf.set("who", { question: "safe", value: "no" });
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByTestId("start-assessment"));
    await choose("no");
    await fireEvent.input(await screen.findByTestId("text-answer"), { target: { value: "Her brother" } });
    await fireEvent.click(screen.getByTestId("continue"));
    await choose("yes");
    await choose("yes");
    await choose("yes");
    await fireEvent.click(within(await screen.findByTestId("summary-safe")).getByRole("button"));
    await choose("yes");

    expect((await screen.findByTestId("question-label")).textContent).toBe("Was the victim spoken to alone?");
    expect(screen.getByTestId("hidden-answers-notice").textContent).toBe(words("en").hiddenAnswers(1));
    expect(screen.queryByTestId("gate-closed-notice")).toBeNull();
    await fireEvent.click(screen.getByTestId("go-check-answers"));
    expect((await screen.findByTestId("hidden-answers-summary")).textContent).toBe(words("en").hiddenAnswers(1));
    expect(screen.queryByTestId("gate-closed-summary")).toBeNull();
  });

  it("never counts an answer show_if hides in the section sealed to the safeguarding key", async () => {
    const withSealed = new FakeBackend([
      yesNo("alone", "Was the victim spoken to alone?"),
      fakeQuestion({ id: "nrpf", section_id: "migrant_victim", section: migrantTitle, label: "No recourse?" }),
      fakeQuestion({
        id: "visa",
        section_id: "migrant_victim",
        section: migrantTitle,
        kind: "short_text",
        choices: [],
        label: "What is the victim's visa status?",
      }),
      yesNo("children", "Are there children in the household?"),
    ]);
    withSealed.gates = gatedBackend().gates;
    withSealed.sealedSections.add("migrant_victim");
    withSealed.showIf.set("visa", { question: "nrpf", value: "yes" });
    render(App, { props: { backend: withSealed } });
    await fireEvent.click(await screen.findByTestId("start-assessment"));
    await choose("yes");
    await choose("yes");
    await fireEvent.input(await screen.findByTestId("text-answer"), { target: { value: "Spousal visa" } });
    await fireEvent.click(screen.getByTestId("continue"));
    await choose("yes");
    await fireEvent.click(within(await screen.findByTestId("summary-nrpf")).getByRole("button"));
    await choose("no");

    expect((await screen.findByTestId("question-label")).textContent).toBe("Are there children in the household?");
    expect(withSealed.answers.has("visa")).toBe(true);
    expect(screen.queryByTestId("hidden-answers-notice")).toBeNull();
    expect(screen.queryByTestId("gate-closed-notice")).toBeNull();
    await fireEvent.click(screen.getByTestId("go-check-answers"));
    expect(await screen.findByTestId("check-answers-title")).toBeTruthy();
    expect(screen.queryByTestId("hidden-answers-summary")).toBeNull();
    expect(screen.queryByTestId("gate-closed-summary")).toBeNull();
  });

  it("lists every closed gate on check your answers, in pack order, above Finalise and in its description", async () => {
    const backend = gatedBackend();
    backend.gates.push({ id: "stalking", title: "Stalking", open: false, missing: ["Pattern of behaviour"] });
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByTestId("start-assessment"));
    await choose("yes");
    await choose("no");
    await choose("yes");

    expect(await screen.findByTestId("check-answers-title")).toBeTruthy();
    const lines = screen.getAllByTestId("gate-closed-summary");
    expect(lines.map((line) => line.textContent)).toEqual([
      words("en").gateClosed(migrantTitle),
      words("en").gateClosed("Stalking"),
    ]);
    expect(screen.queryByTestId("gate-closed-notice")).toBeNull();
    const finalise = screen.getByTestId("finalise");
    for (const line of lines) {
      expect(line.compareDocumentPosition(finalise) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
      expect(finalise.getAttribute("aria-describedby")?.split(" ")).toContain(line.id);
    }
    expect(finalise.getAttribute("aria-describedby")?.split(" ")).toContain("finalise-hint");

    await fireEvent.click(screen.getByTestId("language-switch"));
    await screen.findByText(words("cy").gateClosed(migrantTitleCy));
    expect(screen.getAllByTestId("gate-closed-summary").map((line) => line.textContent)).toEqual([
      words("cy").gateClosed(migrantTitleCy),
      words("cy").gateClosed("Stalking"),
    ]);
  });
});

describe("sync problems", () => {
  it("are worded from their kind in Welsh, with the English detail only for force IT", async () => {
    const backend = new FakeBackend();
    backend.sync.last_error = "the gateway cannot be reached";
    backend.sync.last_error_kind = "offline";
    backend.sync.quarantined = [{ id: "s1", reason: "refused (422): bad envelope", kind: "refused" }];
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByTestId("language-switch"));
    await fireEvent.click(await screen.findByTestId("sync"));
    const lastError = await screen.findByTestId("sync-last-error");
    expect(lastError.textContent).toBe(words("cy").syncProblems.offline);
    expect(lastError.textContent).not.toContain("cannot be reached");
    const setAside = screen.getByTestId("sync-quarantined").textContent ?? "";
    expect(setAside).toContain(words("cy").syncProblems.refused);
    expect(screen.getByTestId("sync-quarantined-detail").textContent).toContain(words("cy").forceIt);
  });

  it("falls back to the stored words for a problem recorded before kinds were kept", async () => {
    const backend = new FakeBackend();
    backend.sync.last_error = "the gateway did not answer in time";
    backend.sync.last_error_kind = null;
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByTestId("sync"));
    expect((await screen.findByTestId("sync-last-error")).textContent).toBe("the gateway did not answer in time");
  });
});

describe("a number question", () => {
  it("takes what the officer types and sends it as a number", async () => {
    const backend = new FakeBackend([
      fakeQuestion({ id: "children_count", kind: "number", label: "How many children?", min: 1, max: 20, required: true }),
      fakeQuestion({ id: "after", label: "Next?" }),
    ]);
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByTestId("start-assessment"));
    await fireEvent.input(await screen.findByTestId("text-answer"), { target: { value: "2" } });
    await fireEvent.click(screen.getByTestId("continue"));
    await screen.findByTestId("question-after");
    expect(backend.answers.get("children_count")).toEqual({ type: "number", value: 2 });
  });
});

describe("a number question, typed as text", () => {
  it("says to enter a number for anything else, and does not advance", async () => {
    const backend = new FakeBackend([
      fakeQuestion({ id: "children_count", kind: "number", label: "How many children?", min: 1, max: 20, required: true }),
      fakeQuestion({ id: "after", label: "Next?" }),
    ]);
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByTestId("start-assessment"));
    const field = await screen.findByTestId<HTMLInputElement>("text-answer");
    expect(field.type).toBe("text");
    expect(field.inputMode).toBe("numeric");
    await fireEvent.input(field, { target: { value: "two" } });
    await fireEvent.click(screen.getByTestId("continue"));
    expect((await screen.findByTestId("error-summary")).textContent).toContain("Enter a number");
    expect(backend.answers.size).toBe(0);
  });
});

describe("words being typed", () => {
  const account = () =>
    new FakeBackend([
      yesNo("safe", "Is everyone safe?"),
      fakeQuestion({ id: "first_account", kind: "long_text", label: "In their words", choices: [], max_chars: 8000 }),
    ]);

  async function typeIntoTheAccount(backend: FakeBackend, words: string) {
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByTestId("start-assessment"));
    await fireEvent.click(await screen.findByTestId("choice-yes"));
    await fireEvent.click(screen.getByTestId("continue"));
    await fireEvent.input(await screen.findByTestId("text-answer"), { target: { value: words } });
  }

  it("are saved a moment after typing stops, never sealed as an answer", async () => {
    const backend = account();
    await typeIntoTheAccount(backend, "He took my passport");
    expect(backend.pending.size).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(backend.pending.get("first_account")).toBe("He took my passport");
    expect(backend.answers.has("first_account")).toBe(false);
  });

  it("are there after Hide and unlocking, on the same screen", async () => {
    const backend = account();
    await typeIntoTheAccount(backend, "He took my passport");
    // Hide at once, before the moment after typing has passed: Hide saves first.
    await fireEvent.click(screen.getByTestId("quick-hide"));
    expect(await screen.findByTestId("hidden-screen")).toBeTruthy();
    expect(backend.pending.get("first_account")).toBe("He took my passport");
    await fireEvent.click(screen.getByTestId("unlock-again"));
    await fireEvent.input(await screen.findByTestId("pin"), { target: { value: FAKE_PIN } });
    await fireEvent.click(screen.getByTestId("sign-in"));
    expect(await screen.findByTestId("question-first_account")).toBeTruthy();
    expect(screen.getByTestId<HTMLTextAreaElement>("text-answer").value).toBe("He took my passport");
  });

  it("are dropped once answered, and home means unlocking opens home", async () => {
    const backend = account();
    await typeIntoTheAccount(backend, "Words");
    await fireEvent.click(screen.getByTestId("continue"));
    await screen.findByTestId("check-answers-title");
    expect(backend.pending.size).toBe(0);
    await fireEvent.click(screen.getByRole("button", { name: "Back to home" }));
    expect(backend.screenShown).toBeNull();
  });
});

describe("accessibility in the flow", () => {
  it("moves focus to each new screen's heading and names the window after it", async () => {
    const backend = new FakeBackend([yesNo("q1", "Is everyone safe?"), yesNo("q2", "Is anyone hurt?")]);
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByTestId("start-assessment"));
    const heading = await screen.findByRole("heading", { level: 1, name: "Is everyone safe?" });
    await waitFor(() => expect(document.activeElement).toBe(heading));
    // Named by its number: the window title reaches the task bar, the question's words do not.
    expect(document.title).toBe("Question 1 of 2 – Firstline");
    expect(backend.windowTitle).toBe("Question 1 of 2 – Firstline");
    await fireEvent.click(screen.getByTestId("choice-yes"));
    await fireEvent.click(screen.getByTestId("continue"));
    const next = await screen.findByRole("heading", { level: 1, name: "Is anyone hurt?" });
    await waitFor(() => expect(document.activeElement).toBe(next));
  });

  it("ties the error to its field and its summary link focuses the field", async () => {
    render(App, { props: { backend: new FakeBackend([shortText("ref", "What is the reference?")]) } });
    await fireEvent.click(await screen.findByTestId("start-assessment"));
    await fireEvent.click(await screen.findByTestId("continue"));
    const summary = await screen.findByTestId("error-summary");
    const field = screen.getByTestId("text-answer");
    expect(field.getAttribute("aria-invalid")).toBe("true");
    const described = (field.getAttribute("aria-describedby") ?? "").split(" ");
    expect(described.map((id) => document.getElementById(id)?.textContent ?? "").join(" ")).toContain("Enter");
    await fireEvent.click(within(summary).getByRole("link"));
    expect(document.activeElement).toBe(field);
  });

  it("gives the language switch an accessible name that starts with its visible word", async () => {
    render(App, { props: { backend: new FakeBackend() } });
    const button = await screen.findByTestId("language-switch");
    expect(button.textContent?.replace(/\s+/g, " ").trim()).toMatch(/^Cymraeg/);
    expect(within(button).getByText("Cymraeg").getAttribute("lang")).toBe("cy");
  });

  it("hides at Shift pressed three times, and not at a capital letter", async () => {
    render(App, { props: { backend: new FakeBackend() } });
    await screen.findByTestId("start-assessment");
    await fireEvent.keyDown(window, { key: "Shift" });
    await fireEvent.keyDown(window, { key: "A" });
    await fireEvent.keyDown(window, { key: "Shift" });
    await fireEvent.keyDown(window, { key: "Shift" });
    expect(screen.queryByTestId("hidden-screen")).toBeNull();
    await fireEvent.keyDown(window, { key: "Shift" });
    expect(await screen.findByTestId("hidden-screen")).toBeTruthy();
  });

  it("sets the theme and the text size from Settings, and keeps them", async () => {
    localStorage.clear();
    render(App, { props: { backend: new FakeBackend() } });
    await fireEvent.click(await screen.findByTestId("settings"));
    await fireEvent.click(await screen.findByTestId("theme-dark"));
    await fireEvent.click(screen.getByTestId("text-size-largest"));
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe("dark"));
    expect(document.documentElement.dataset.textSize).toBe("largest");
    expect(JSON.parse(localStorage.getItem("firstline.display") ?? "{}")).toEqual({ theme: "dark", textSize: "largest" });
    await fireEvent.click(screen.getByTestId("theme-light"));
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe("light"));
  });
  it("writes a support bundle from Settings and shows where, or says why it could not", async () => {
    const backend = new FakeBackend();
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByTestId("settings"));
    await fireEvent.click(await screen.findByTestId("write-support-bundle"));
    expect((await screen.findByTestId("support-bundle-path")).textContent).toBe(
      "Written to /home/officer/Documents/firstline-support-1800000000.json",
    );
    backend.writeSupportBundle = () =>
      Promise.reject(new BackendError("NotReady", "cannot write /x: disk full", { kind: "support_bundle_not_written" }));
    await fireEvent.click(screen.getByTestId("write-support-bundle"));
    expect((await screen.findByTestId("support-bundle-error")).textContent).toBe(
      "The support bundle could not be written to your documents folder. Check there is space there, then try again.",
    );
    // Still on Settings: a failed bundle ends nothing.
    expect(screen.getByTestId("write-support-bundle")).toBeTruthy();
  });
});

describe("dates and counts in the officer's language", () => {
  it("formats dates with Intl and picks plural forms by the language's rules", () => {
    const en = words("en");
    const cy = words("cy");
    expect(en.day("2027-05-25")).toBe("25 May 2027");
    expect(cy.day("2027-05-25")).toBe("25 Mai 2027");
    expect(en.dateTime(1_800_000_000)).toMatch(/^15 Jan 2027, \d\d:\d\d$/);
    expect(en.hiddenAnswers(1)).toMatch(/^1 answer is/);
    expect(en.hiddenAnswers(2)).toMatch(/^2 answers are/);
    expect(en.hiddenAnswers(1200)).toMatch(/^1,200 answers/);
  });
});

describe("an information screen past its review date", () => {
  it("tells the officer its wording may be out of date, with the date in their language", async () => {
    const backend = new FakeBackend([
      fakeQuestion({
        id: "support_schemes",
        kind: "information",
        label: "Support the victim may be able to get",
        body: "Schemes",
        choices: [],
        information: { owner: "Force safeguarding unit", review_by: "2027-05-25" },
        review_overdue: true,
      }),
    ]);
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByTestId("start-assessment"));
    const flag = await screen.findByTestId("review-overdue");
    expect(flag.textContent).toContain("25 May 2027");
    expect(flag.textContent).toContain("may be out of date");
  });
});

describe("words typed around a refusal and check your answers", () => {
  it("keeps saving what is typed after an answer is refused", async () => {
    const backend = new FakeBackend([{ ...shortText("ref", "What is the reference?"), max_chars: 5 }, yesNo("q2", "Next?")]);
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByTestId("start-assessment"));
    const field = await screen.findByTestId("text-answer");
    await fireEvent.input(field, { target: { value: "far too long" } });
    await fireEvent.click(screen.getByTestId("continue"));
    await screen.findByTestId("error-summary");
    await fireEvent.input(field, { target: { value: "INC-9" } });
    await fireEvent.click(screen.getByTestId("quick-hide"));
    await screen.findByTestId("hidden-screen");
    expect(backend.pending.get("ref")).toBe("INC-9");
  });

  it("says on check your answers which words were typed and not saved, and offers no Finalise", async () => {
    const backend = new FakeBackend([{ ...shortText("ref", "What is the reference?"), required: false }]);
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByTestId("start-assessment"));
    // Answered, then changed and not saved.
    await fireEvent.input(await screen.findByTestId("text-answer"), { target: { value: "INC-1" } });
    await fireEvent.click(screen.getByTestId("continue"));
    await screen.findByTestId("finalise");
    await fireEvent.click(screen.getByRole("button", { name: /^Change/ }));
    await fireEvent.input(await screen.findByTestId("text-answer"), { target: { value: "INC-9" } });
    // At once, before the moment after typing has passed.
    await fireEvent.click(screen.getByTestId("go-check-answers"));
    const summary = await screen.findByTestId("error-summary");
    expect(summary.textContent).toContain("words typed and not saved");
    expect(screen.getByTestId("unsaved-words")).toBeTruthy();
    expect(screen.queryByTestId("finalise")).toBeNull();

    // Opened from the page: the words are there; Continue saves them and Finalise is back.
    await fireEvent.click(within(summary).getByRole("button"));
    expect((await screen.findByTestId<HTMLInputElement>("text-answer")).value).toBe("INC-9");
    await fireEvent.click(screen.getByTestId("continue"));
    await screen.findByTestId("finalise");
    expect(backend.answers.get("ref")).toEqual({ type: "text", value: "INC-9" });
  });
});

describe("a finalise refused for something still to do", () => {
  it("returns to check your answers, not an error screen", async () => {
    const backend = new FakeBackend([yesNo("q1", "Is everyone safe?")]);
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByTestId("start-assessment"));
    await fireEvent.click(await screen.findByTestId("choice-yes"));
    await fireEvent.click(screen.getByTestId("continue"));
    backend.refuseNextFinalise = true;
    await fireEvent.click(await screen.findByTestId("finalise"));
    await waitFor(() => expect(backend.refuseNextFinalise).toBe(false));
    expect(await screen.findByTestId("check-answers-title")).toBeTruthy();
    expect(screen.queryByTestId("error-screen")).toBeNull();
    // Nothing is still to do in fact: Finalise works from the page again.
    await fireEvent.click(await screen.findByTestId("finalise"));
    expect(await screen.findByTestId("sync-pending")).toBeTruthy();
  });
});

describe("scenario mode", () => {
  function trainingBackend(): FakeBackend {
    const backend = new FakeBackend([
      yesNo("safe", "Is everyone safe?"),
      yesNo("alone", "Was the victim spoken to alone?"),
      fakeQuestion({ id: "threats", section_id: "migrant_victim", section: "Further questions", label: "Threats of deportation?" }),
    ]);
    backend.gates = [
      {
        id: "safeguarding",
        title: "Further questions",
        open: false,
        missing: [],
        opensWhen: [{ question: "alone", value: "yes", missing: "Victim spoken to alone" }],
        sections: ["migrant_victim"],
      },
    ];
    return backend;
  }

  it("sets the trainer's PIN, runs a trainee, refuses a gated question asked early, and shows the debrief", async () => {
    const backend = trainingBackend();
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByTestId("training"));
    expect((await screen.findByTestId("training-banner")).textContent).toContain("TRAINING");
    expect(document.documentElement.dataset.mode).toBe("training");
    await fireEvent.input(screen.getByTestId("training-pin"), { target: { value: "24681357" } });
    await fireEvent.input(screen.getByTestId("training-pin-again"), { target: { value: "24681357" } });
    await fireEvent.click(screen.getByTestId("training-pin-submit"));
    await fireEvent.input(await screen.findByTestId("new-class-trainees"), { target: { value: "PC Early\n" } });
    await fireEvent.click(screen.getByTestId("create-class"));
    await fireEvent.click(await screen.findByTestId("run-trainee"));
    expect((await screen.findByTestId("training-brief")).textContent).toBe("A made-up incident.");
    await fireEvent.click(screen.getByTestId("start-run"));
    // The first question's reply shows beside it.
    expect((await screen.findByTestId("victim-reply")).textContent).toContain("Fake reply to Is everyone safe?");
    // "Ask about…" a question behind the closed gate: refused, as at a real incident.
    await fireEvent.change(screen.getByTestId("ask-about-select"), { target: { value: "threats" } });
    await fireEvent.click(screen.getByTestId("ask-about-button"));
    expect((await screen.findByTestId("ask-notice")).textContent).toContain('"Further questions" is still closed');
    await fireEvent.click(screen.getByTestId("finish-scenario"));
    expect((await screen.findByTestId("debrief-title")).textContent).toBe("Debrief: PC Early");
    const category = screen.getByTestId("debrief-category");
    expect(category.dataset.outcome).toBe("not_met");
    expect(within(category).getByTestId("debrief-moment").getAttribute("href")).toBe("#moment-1");
    expect(screen.getByTestId("timeline").querySelector("#moment-1")?.textContent).toContain("refused");
    await fireEvent.click(screen.getByTestId("write-report"));
    expect((await screen.findByTestId("report-path")).textContent).toContain("Firstline training");
    await fireEvent.click(screen.getByTestId("back-to-classes"));
    expect((await screen.findByTestId("trainee")).textContent).toContain("1 run");
    await fireEvent.click(screen.getByTestId("leave-training"));
    await waitFor(() => expect(document.documentElement.dataset.mode).toBeUndefined());
    expect(backend.trainerUnlocked).toBe(false);
  });

  it("refuses a class with no trainee, in the trainer's words", async () => {
    const backend = trainingBackend();
    backend.trainerPin = "24681357";
    backend.trainerUnlocked = true;
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByTestId("training"));
    await fireEvent.click(await screen.findByTestId("create-class"));
    expect((await screen.findByTestId("training-error")).textContent).toContain("Give each trainee a different name");
  });
});
