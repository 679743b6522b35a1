// Enrolling, and wiping the device to enrol with another force, against the fake backend: the
// officer is told before anything is wiped how many finalised assessments would be destroyed,
// the core gets that very number, and a wrong PIN locks the app as it does anywhere else.
import { fireEvent, render, screen } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import App from "./App.svelte";
import { toBackendError } from "./lib/backend";
import { describeError } from "./lib/errors";
import { FAKE_ENROLMENT_CODE, FAKE_PIN, FakeBackend } from "./lib/fakeBackend";
import { words } from "./lib/i18n";

const en = words("en");

/** A device enrolled with a force, `pending` finalised assessments waiting to be sent and
 *  `setAside` set aside. */
function enrolledDevice(pending: number, setAside = 0): FakeBackend {
  const backend = new FakeBackend();
  backend.sync.force_name = "Demo Constabulary";
  backend.sync.gateway_url = "https://gateway.example.police.uk";
  backend.sync.pending = pending;
  backend.sync.quarantined = Array.from({ length: setAside }, (_, i) => ({
    id: `q${i}`,
    reason: "refused (422)",
    kind: "refused" as const,
  }));
  return backend;
}

async function openSync(backend: FakeBackend) {
  render(App, { props: { backend } });
  await fireEvent.click(await screen.findByTestId("sync"));
}

async function confirmWipe(pin: string) {
  await fireEvent.input(await screen.findByTestId("wipe-pin"), { target: { value: pin } });
  await fireEvent.click(screen.getByTestId("wipe-confirm"));
}

describe("enrolling", () => {
  it("takes the typed code of 8 groups of 4, and has room for a scanned link", async () => {
    const backend = new FakeBackend();
    await openSync(backend);
    const field = await screen.findByTestId<HTMLInputElement>("enrolment-code");
    expect(FAKE_ENROLMENT_CODE).toHaveLength(39);
    expect(field.maxLength).toBeGreaterThanOrEqual(120);
    expect(document.getElementById(field.getAttribute("aria-describedby") ?? "")?.textContent).toContain(
      "ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345-6789",
    );

    await fireEvent.input(screen.getByTestId("gateway-url"), { target: { value: "https://gateway.example.police.uk" } });
    await fireEvent.input(field, { target: { value: FAKE_ENROLMENT_CODE } });
    expect(field.value).toBe(FAKE_ENROLMENT_CODE);
    await fireEvent.click(screen.getByTestId("enrol"));
    expect((await screen.findByTestId("sync-force")).textContent).toContain("Demo Constabulary");
    expect(backend.sync.force_name).toBe("Demo Constabulary");
  });

  it("offers no wipe on a device not enrolled", async () => {
    await openSync(new FakeBackend());
    expect(await screen.findByTestId("sync-not-enrolled")).toBeTruthy();
    expect(screen.queryByTestId("wipe-section")).toBeNull();
  });

  it("words an enrolled device's refusal with what a wipe would destroy, none, one or many", () => {
    const refusal = (waiting: number) =>
      describeError(en, toBackendError({ code: "Invalid", message: "m", detail: { kind: "already_enrolled", waiting } }));
    expect(refusal(0)).not.toMatch(/destroyed|0/);
    expect(refusal(1)).toContain("1 finalised assessment still waiting would be destroyed");
    expect(refusal(3)).toContain("3 finalised assessments still waiting would be destroyed");
  });
});

describe("wiping to enrol with another force", () => {
  it("says before the wipe how many finalised assessments the force has not received, waiting or set aside", async () => {
    const backend = enrolledDevice(2, 1);
    await openSync(backend);
    expect((await screen.findByTestId("wipe-waiting")).textContent).toBe("3");
    expect(screen.getByTestId("wipe-waiting-words").textContent).toBe(en.wipeWaiting(3));
    expect(screen.getByTestId("wipe-section").textContent).toContain("Demo Constabulary");
    expect(screen.queryByTestId("wipe-pin")).toBeNull();

    await fireEvent.click(screen.getByTestId("wipe-start"));
    const pin = await screen.findByTestId<HTMLInputElement>("wipe-pin");
    expect([pin.type, pin.inputMode]).toEqual(["password", "numeric"]);
    await fireEvent.click(screen.getByTestId("wipe-cancel"));
    expect(screen.queryByTestId("wipe-pin")).toBeNull();
    expect(backend.sync.force_name).toBe("Demo Constabulary");
  });

  it("wipes nothing when the count changed since it was shown, and shows the count as it is now", async () => {
    const backend = enrolledDevice(3);
    await openSync(backend);
    await fireEvent.click(await screen.findByTestId("wipe-start"));
    expect(screen.getByTestId("wipe-waiting").textContent).toBe("3");
    // One is received while the officer reads.
    backend.sync.pending = 2;
    await confirmWipe(FAKE_PIN);

    const error = await screen.findByTestId("wipe-error");
    expect(error.getAttribute("role")).toBe("alert");
    expect(error.textContent).toBe(en.errors.waiting_changed(2));
    expect(screen.getByTestId("wipe-waiting").textContent).toBe("2");
    expect([backend.sync.force_name, backend.officers]).toEqual(["Demo Constabulary", ["PC 1"]]);

    // Confirmed again with the count now shown, it wipes.
    await confirmWipe(FAKE_PIN);
    expect(await screen.findByTestId("set-up")).toBeTruthy();
  });

  it("locks the app on a wrong PIN and asks for the PIN again, saying why, with nothing wiped", async () => {
    const backend = enrolledDevice(1);
    await openSync(backend);
    await fireEvent.click(await screen.findByTestId("wipe-start"));
    await confirmWipe("0000");

    expect(await screen.findByTestId("unlock")).toBeTruthy();
    expect(screen.getByTestId("error-summary").textContent).toContain(en.errors.wrong_pin(4));
    expect(screen.queryByTestId("quick-hide")).toBeNull();
    expect([backend.sync.force_name, backend.sync.pending, backend.officers]).toEqual(["Demo Constabulary", 1, ["PC 1"]]);
  });

  it("goes back to set-up after the wipe, and the device can then enrol with another force", async () => {
    const backend = enrolledDevice(1, 1);
    await openSync(backend);
    await fireEvent.click(await screen.findByTestId("wipe-start"));
    await confirmWipe(FAKE_PIN);

    expect(await screen.findByTestId("set-up")).toBeTruthy();
    expect(screen.getByTestId("wiped-notice")).toBeTruthy();
    expect(screen.queryByTestId("error-summary")).toBeNull();
    expect([backend.officers, backend.sync.force_name, backend.sync.pending, backend.sync.records]).toEqual([
      [],
      null,
      0,
      [],
    ]);

    await fireEvent.input(screen.getByTestId("officer-id"), { target: { value: "PC 7" } });
    await fireEvent.input(screen.getByTestId("pin"), { target: { value: "135790" } });
    await fireEvent.input(screen.getByTestId("pin-again"), { target: { value: "135790" } });
    await fireEvent.click(screen.getByTestId("sign-in"));
    await fireEvent.click(await screen.findByTestId("sync"));
    expect(await screen.findByTestId("sync-not-enrolled")).toBeTruthy();
  });

  it("says it in Welsh", async () => {
    await openSync(enrolledDevice(4));
    await fireEvent.click(await screen.findByTestId("language-switch"));
    expect((await screen.findByTestId("wipe-waiting-words")).textContent).toBe(words("cy").wipeWaiting(4));
    expect(screen.getByTestId("wipe-start").textContent).toBe("Dileu data'r ddyfais hon");
  });
});
