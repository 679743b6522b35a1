// The UI's flow against the fake backend: start, answer, check your answers, errors shown as the
// officer should see them.
import { fireEvent, render, screen } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import App from "./App.svelte";
import { BackendError, toBackendError } from "./lib/backend";
import { FakeBackend, fakeQuestion } from "./lib/fakeBackend";

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
    expect((await screen.findByTestId("error-summary")).textContent).toContain("wrong PIN");
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
    expect((await screen.findByTestId("enrol-error")).textContent).toContain("unknown");
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
