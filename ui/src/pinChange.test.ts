// PINs of at least 6 digits, against the fake backend: an officer whose PIN was set shorter before
// the rule can still unlock, but is then kept on the change-PIN screen until they set a longer one;
// and a vault the core would not open at start (changed outside the app, or an older copy) is
// worded as what it is, not as generic damage.
import { fireEvent, render, screen } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import App from "./App.svelte";
import { toBackendError } from "./lib/backend";
import { FAKE_PIN, FAKE_SHORT_PIN, FakeBackend, refusal } from "./lib/fakeBackend";
import { words } from "./lib/i18n";

const en = words("en");
const cy = words("cy");

async function unlockWith(pin: string) {
  await fireEvent.input(await screen.findByTestId("pin"), { target: { value: pin } });
  await fireEvent.click(screen.getByTestId("sign-in"));
}

async function changePin(current: string, next: string, again = next) {
  await fireEvent.input(await screen.findByTestId("current-pin"), { target: { value: current } });
  await fireEvent.input(screen.getByTestId("new-pin"), { target: { value: next } });
  await fireEvent.input(screen.getByTestId("new-pin-again"), { target: { value: again } });
  await fireEvent.click(screen.getByTestId("change-pin-submit"));
}

describe("an officer whose PIN is shorter than 6 digits", () => {
  it("unlocks onto the change-PIN screen and reaches home only once a 6-digit PIN is set", async () => {
    const backend = FakeBackend.withShortPinOfficer();
    render(App, { props: { backend } });
    expect((await screen.findByTestId("unlock")).textContent).not.toContain("6 to 12");
    await unlockWith(FAKE_SHORT_PIN);

    const required = await screen.findByTestId("pin-change-required");
    expect(required.textContent).toContain(en.pinChangeRequiredTitle);
    expect(screen.getByTestId("pin-change-required-intro").textContent).toBe(en.pinChangeRequiredIntro(6));
    expect(en.pinChangeRequiredIntro(6)).toContain("at least 6 digits");
    // No way round it: nothing leads home, only Hide.
    expect(screen.queryByTestId("back-home")).toBeNull();
    expect(screen.queryByTestId("start-assessment")).toBeNull();
    expect(screen.getByTestId("quick-hide")).toBeTruthy();

    // A 4-digit PIN is refused with the 6-digit words, and the officer stays.
    await changePin(FAKE_SHORT_PIN, "1234");
    expect((await screen.findByTestId("error-summary")).textContent).toBe("A PIN must be 6 to 12 digits");
    expect(screen.getByTestId("pin-change-required")).toBeTruthy();
    expect(screen.queryByTestId("start-assessment")).toBeNull();
    expect(backend.pins.get("PC 1")).toBe(FAKE_SHORT_PIN);
    expect((await backend.vaultStatus()).pin_change_required).toBe(true);

    // Two different new PINs are not sent.
    await changePin(FAKE_SHORT_PIN, "135790", "135791");
    expect(screen.getByTestId("error-summary").textContent).toBe(en.pinsDiffer);
    expect(backend.pins.get("PC 1")).toBe(FAKE_SHORT_PIN);

    await changePin(FAKE_SHORT_PIN, "135790");
    expect(await screen.findByTestId("start-assessment")).toBeTruthy();
    expect(screen.queryByTestId("pin-change-required")).toBeNull();
    expect(backend.pins.get("PC 1")).toBe("135790");
    expect((await backend.vaultStatus()).pin_change_required).toBe(false);
    await fireEvent.click(screen.getByTestId("start-assessment"));
    expect(await screen.findByTestId("question-label")).toBeTruthy();
  });

  it("is refused everything else by the backend until the PIN is changed", async () => {
    const backend = FakeBackend.withShortPinOfficer();
    await backend.unlock("PC 1", FAKE_SHORT_PIN);
    for (const command of [() => backend.startAssessment("en"), () => backend.listDrafts(), () => backend.syncStatus()]) {
      await expect(command()).rejects.toMatchObject({ code: "PinChangeRequired", detail: { kind: "pin_change_required", min: 6 } });
    }
    await backend.changePin(FAKE_SHORT_PIN, "135790");
    await expect(backend.listDrafts()).resolves.toEqual([]);
  });

  it("shows the change-PIN screen at start while the vault's status says so", async () => {
    const backend = FakeBackend.withShortPinOfficer();
    backend.unlockedAs = "PC 1";
    render(App, { props: { backend } });
    expect(await screen.findByTestId("pin-change-required")).toBeTruthy();
    expect(screen.queryByTestId("start-assessment")).toBeNull();
  });

  it("goes to the change-PIN screen whenever a command is refused for it", async () => {
    const backend = new FakeBackend();
    backend.failStartWith = refusal("PinChangeRequired", "your PIN must now be at least 6 digits", {
      kind: "pin_change_required",
      min: 6,
    });
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByTestId("start-assessment"));

    expect(await screen.findByTestId("pin-change-required")).toBeTruthy();
    expect(screen.queryByTestId("error-screen")).toBeNull();
    expect(screen.queryByTestId("back-home")).toBeNull();
  });

  it("comes back to the change-PIN screen after Hide and unlocking again", async () => {
    render(App, { props: { backend: FakeBackend.withShortPinOfficer() } });
    await unlockWith(FAKE_SHORT_PIN);
    await fireEvent.click(await screen.findByTestId("quick-hide"));
    await fireEvent.click(await screen.findByTestId("unlock-again"));
    await unlockWith(FAKE_SHORT_PIN);
    expect(await screen.findByTestId("pin-change-required")).toBeTruthy();
  });

  it("locks on a wrong current PIN, says why, and comes back to the change-PIN screen", async () => {
    const backend = FakeBackend.withShortPinOfficer();
    render(App, { props: { backend } });
    await unlockWith(FAKE_SHORT_PIN);
    await changePin("9999", "135790");

    expect(await screen.findByTestId("unlock")).toBeTruthy();
    expect(screen.getByTestId("error-summary").textContent).toContain(en.errors.wrong_pin(4));
    expect(backend.unlockedAs).toBeNull();
    expect(backend.pins.get("PC 1")).toBe(FAKE_SHORT_PIN);
    await unlockWith(FAKE_SHORT_PIN);
    expect(await screen.findByTestId("pin-change-required")).toBeTruthy();
  });

  it("says it in Welsh", async () => {
    render(App, { props: { backend: FakeBackend.withShortPinOfficer() } });
    await fireEvent.click(await screen.findByTestId("language-switch"));
    await unlockWith(FAKE_SHORT_PIN);
    expect((await screen.findByTestId("pin-change-required-intro")).textContent).toBe(cy.pinChangeRequiredIntro(6));
    await changePin(FAKE_SHORT_PIN, "1234");
    expect((await screen.findByTestId("error-summary")).textContent).toBe("Rhaid i PIN fod yn 6 i 12 digid");
  });
});

describe("PINs of 6 to 12 digits", () => {
  it("refuses a 4-digit PIN at set-up, saying 6 to 12 digits", async () => {
    const backend = new FakeBackend();
    backend.officers = [];
    backend.pins.clear();
    backend.unlockedAs = null;
    render(App, { props: { backend } });
    expect((await screen.findByTestId("set-up")).textContent).toContain("PIN (6 to 12 digits)");
    await fireEvent.input(screen.getByTestId("officer-id"), { target: { value: "PC 42" } });
    await fireEvent.input(screen.getByTestId("pin"), { target: { value: "1357" } });
    await fireEvent.input(screen.getByTestId("pin-again"), { target: { value: "1357" } });
    await fireEvent.click(screen.getByTestId("sign-in"));

    expect((await screen.findByTestId("error-summary")).textContent).toContain("A PIN must be 6 to 12 digits");
    expect(backend.officers).toEqual([]);
  });

  it("refuses a 4-digit new PIN in settings, and a wrong current PIN there locks the app", async () => {
    const backend = new FakeBackend();
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByTestId("settings"));
    expect((await screen.findByTestId("change-pin")).textContent).toContain("New PIN (6 to 12 digits)");
    await changePin(FAKE_PIN, "1234");
    expect((await screen.findByTestId("error-summary")).textContent).toBe("A PIN must be 6 to 12 digits");
    expect(backend.pins.get("PC 1")).toBe(FAKE_PIN);

    await changePin(FAKE_PIN, "135790");
    expect(await screen.findByTestId("pin-changed")).toBeTruthy();
    expect(screen.queryByTestId("error-summary")).toBeNull();
    expect(backend.pins.get("PC 1")).toBe("135790");

    await changePin(FAKE_PIN, "246813");
    expect(await screen.findByTestId("unlock")).toBeTruthy();
    expect(screen.getByTestId("error-summary").textContent).toContain(en.errors.wrong_pin(4));
  });
});

describe("a vault the app would not open at start", () => {
  it("says the vault was changed outside Firstline, not that it is damaged", async () => {
    const backend = new FakeBackend();
    backend.failVaultWith = toBackendError({
      code: "Damaged",
      message: "the vault file was changed outside Firstline (PIN counter); it is not opened. Contact force IT.",
      detail: { kind: "vault_tampered" },
    });
    render(App, { props: { backend } });

    const error = (await screen.findByTestId("error-screen")).textContent ?? "";
    expect(error).toContain(en.errors.vault_tampered);
    expect(error).toContain("changed outside Firstline");
    expect(error).not.toContain(en.errors.damaged);
    expect(error).not.toContain("PIN counter");
  });

  it("says the vault is an older copy, in English and in Welsh", async () => {
    const backend = new FakeBackend();
    backend.failVaultWith = toBackendError({
      code: "Damaged",
      message: "the vault file is an older copy (generation 3) than the one this device last wrote (4); it is not opened.",
      detail: { kind: "vault_rolled_back" },
    });
    render(App, { props: { backend } });

    const error = await screen.findByTestId("error-screen");
    expect(error.textContent).toContain(en.errors.vault_rolled_back);
    expect(error.textContent).toContain("older copy than the one Firstline last saved here");
    expect(error.textContent).not.toContain("generation");
    await fireEvent.click(screen.getByTestId("language-switch"));
    const welsh = screen.getByTestId("error-screen").textContent ?? "";
    expect(welsh).toContain(cy.errors.vault_rolled_back);
    expect(welsh).toContain("yn gopi hŷn");
    expect(welsh).not.toContain(cy.errors.damaged);
  });

  it("says in Welsh the vault was changed outside Firstline", async () => {
    const backend = new FakeBackend();
    backend.failVaultWith = toBackendError({ code: "Damaged", message: "tampered", detail: { kind: "vault_tampered" } });
    render(App, { props: { backend } });
    await fireEvent.click(await screen.findByTestId("language-switch"));
    expect((await screen.findByTestId("error-screen")).textContent).toContain(
      "Cafodd y data ar y ddyfais hon ei newid y tu allan i Firstline",
    );
  });
});
