// The UI's own words in English and Welsh. Question texts come from the form pack, not from here;
// the app's refusals are worded here by their detail's kind (see errors.ts), never shown in the
// app's English.
import type { ErrorKind, Language } from "./backend";

/** Plural forms by the language's own rules (`Intl.PluralRules`: English has two categories,
 *  Welsh six); `other` is the fallback for a category a wording does not need. */
type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

function pluralIn(locale: string): (n: number, forms: PluralForms) => string {
  const rules = new Intl.PluralRules(locale);
  return (n, forms) => forms[rules.select(n)] ?? forms.other;
}

const enPlural = pluralIn("en-GB");
const cyPlural = pluralIn("cy-GB");

/** A count as the officer reads it (the same digits and grouping in English and Welsh). */
const num = (n: number) => new Intl.NumberFormat("en-GB").format(n);

/** A moment (seconds since the epoch) in the officer's language: date and time. */
function dateTimeIn(locale: string): (seconds: number) => string {
  const format = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
  return (seconds) => format.format(new Date(seconds * 1000));
}

/** A calendar day written YYYY-MM-DD (a review date), in the officer's language. */
function dayIn(locale: string): (day: string) => string {
  const format = new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" });
  return (day) => {
    const [year, month, date] = day.split("-").map(Number);
    return year && month && date ? format.format(new Date(Date.UTC(year, month - 1, date))) : day;
  };
}

/** The shape every language's error wordings share: one per kind, with its parameters. */
type ErrorWords = { readonly [K in ErrorKind]: string | ((...params: number[]) => string) };

const en = {
  locale: "en-GB",
  dateTime: dateTimeIn("en-GB"),
  day: dayIn("en-GB"),
  gradeName: { standard: "standard", medium: "medium", high: "high" } as Record<string, string>,
  appName: "Firstline",
  home: "Home",
  startAssessment: "Start assessment",
  drafts: "Drafts",
  sync: "Sync",
  training: "Training",
  notYet: "Not in this build yet",
  back: "Back",
  continue: "Continue",
  checkAnswers: "Check your answers",
  change: "Change",
  notAnswered: "Not answered",
  problem: "There is a problem",
  backHome: "Back to home",
  language: "Cymraeg",
  languageName: "Switch to Welsh",
  hideShortcut: "(or press Shift three times)",
  questionOf: (n: number, total: number) => `Question ${n} of ${total}`,
  errorTitle: "The app cannot continue",
  chars: (max: number) => `Up to ${max} characters`,
  opensWhen: "opens when:",
  deferred: "deferred",
  stepBefore: (gate: string, step: string) => `${gate}: ${step}`,
  progress: "Progress",
  guidance: "Risk guidance",
  guidanceSuggests: (grade: string) => `The factors present suggest at least ${grade}. The grade is yours.`,
  belowGuidance:
    "You are grading below the guidance. Confirm you have weighed each factor, and say why in your rationale. The record tells your supervisor.",
  weighedFactor: (factor: string) => `I have weighed: ${factor}`,
  gradeNeedsAttention: "An answer changed since you graded: check your grade and confirm it again.",
  victimAgrees: "Does the victim agree to be referred?",
  yes: "Yes",
  noNotReferred: "No: do not refer",
  selectConsent: "Select whether the victim agrees to be referred",
  directoryEmpty:
    "Your force's directory of support services is not on this device yet: it arrives when the device syncs. Record the referral in the question before.",
  noFactors: "No listed risk factor is present so far.",
  rationale: "Your rationale",
  rationaleHint: (min: number) => `At least ${min} characters: what you saw and heard, and why it leads to this grade.`,
  owner: (owner: string, review: string) => `Owned by ${owner}; review by ${review}`,
  selectOne: "Select one of the options",
  selectSome: "Select at least one option",
  enterAnswer: "Enter an answer",
  enterNumber: "Enter a number",
  enterDateTime: "Enter a date and time",
  reviewWelsh: "Welsh wording awaiting review",
  setUpTitle: "Set up Firstline on this device",
  setUpHint: "Your answers are encrypted on this device with a key only your PIN opens.",
  officerId: "Collar or staff number",
  pin: "PIN (6 to 12 digits)",
  yourPin: "Your PIN",
  confirmPin: "PIN again",
  pinsDiffer: "The two PINs are not the same",
  setUp: "Set up",
  unlockTitle: "Unlock",
  unlock: "Unlock",
  anotherOfficer: "Set up another officer",
  hide: "Hide",
  hidden: "Firstline is locked.",
  draftsTitle: "Drafts",
  noDrafts: "No drafts.",
  resume: "Resume",
  answeredCount: (n: number) => `${n} answered`,
  saved: "Saved",
  weakerSecret: "This device keeps its secret in a file, not a keyring (weaker).",
  settings: "Settings and diagnostics",
  appVersion: "App version",
  packInUse: "Form pack",
  deviceSecret: "Device secret",
  secretFile: "File (weaker than a keyring)",
  secretOther: "Keyring",
  auditChain: "Audit chain",
  auditVerifies: (n: number) => `Verifies (${n} entries)`,
  informationDue: "Information screens past their review date",
  waitingForEnrolmentCount: "Finalised, waiting for this device to be enrolled (every officer's)",
  notYetSealedCount: "Finalised, not sealed yet (every officer's: each is sealed at that officer's next unlock)",
  unsavedWords: (label: string) => `${label}: words typed and not saved. Open it and select Continue, or clear them.`,
  unsavedHint: "Words typed here are not saved yet: open it and select Continue, or clear them.",
  display: "Display",
  themeLabel: "Colours",
  themes: { system: "As this device is set", light: "Light", dark: "Dark" },
  textSizeLabel: "Text size",
  textSizes: { standard: "Standard", large: "Large", largest: "Largest" },
  noneDue: "None",
  devicePolicy: "This device's policy",
  policyManaged: "Force IT manages this device. Settings marked Locked are fixed by its policy; nothing on the device changes them.",
  policyUnmanaged: "This device has no machine policy: the force's settings and Firstline's defaults apply.",
  policyProblem: (problem: string) => `The device's policy could not be read again, so the last good one still applies: ${problem}`,
  policySettingNames: {
    idle_lock_seconds: "Locks after being idle for",
    min_pin_length: "Shortest PIN",
    max_failed_pins: "Wrong PINs before an officer's data is destroyed",
    allow_file_secret: "Device secret may be kept in a file",
    allow_local_officer_setup: "Other officers may be set up here",
    allow_pack_override: "Another form pack may be used (development builds)",
    log_level: "Detail kept in the app's log",
  },
  supportBundle: "Support bundle",
  supportBundleHelp:
    "Writes the facts above and the app's log to a file for force IT's service desk. It holds no answers and no names.",
  writeSupportBundle: "Write support bundle",
  supportBundleWritten: (path: string) => `Written to ${path}`,
  policySources: {
    default: "Firstline's default",
    start_option: "How the app was started",
    force: "The force's policy",
    machine: "This device's policy",
  },
  policyLocked: "Locked",
  yesNo: (value: boolean): string => (value ? "Yes" : "No"),
  digits: (n: number) => `${num(n)} digits`,
  duration: (seconds: number) => {
    const minutes = Math.floor(seconds / 60);
    const rest = seconds % 60;
    const inMinutes = minutes ? enPlural(minutes, { one: "1 minute", other: `${num(minutes)} minutes` }) : "";
    const inSeconds = rest ? enPlural(rest, { one: "1 second", other: `${num(rest)} seconds` }) : "";
    return [inMinutes, inSeconds].filter(Boolean).join(" ") || "0 seconds";
  },
  reviewOverdue: (date: string) =>
    `This screen was due for review by ${date}: its wording may be out of date. Check with your supervisor before relying on it.`,
  forceKeys: "Force keys",
  forceKeysTrust: {
    enrolment_code: (serial: number | null) => `Signed by the force named in the enrolment code (key set ${serial ?? "-"})`,
    first_signed_set: (serial: number | null) =>
      `Signed, but trusted from the first set pulled: this device enrolled before keys were signed (key set ${serial ?? "-"}). Force IT can re-enrol it.`,
    unsigned: () => "Not signed yet: this device enrolled before keys were signed and has not synced since",
    not_enrolled: () => "Not enrolled",
  },
  changePin: "Change PIN",
  currentPin: "Current PIN",
  newPin: "New PIN (6 to 12 digits)",
  pinChanged: "Your PIN has been changed.",
  pinChangeRequiredTitle: "Change your PIN",
  pinChangeRequiredIntro: (min: number) =>
    `PINs must now be at least ${min} digits, and yours is shorter. Change it to go on: nothing else can be done until you do.`,
  finalise: "Finalise and send",
  finaliseHint: "Once finalised the record cannot change: a later correction is a new record that replaces it.",
  finalised: "Assessment finalised and sealed for the force.",
  finalisedWaiting:
    "Assessment finalised and locked. This device is not enrolled with a force yet: the assessment is sealed and sent after it is enrolled, at the next unlock.",
  syncTitle: "Sync",
  force: "Force",
  pendingCount: "Waiting to send",
  receivedCount: "Received by the force",
  lastSync: "Last successful sync",
  never: "Never",
  lastProblem: "Last problem",
  forceIt: "For force IT",
  syncProblems: {
    offline: "The force's gateway cannot be reached. Finalised assessments wait here and are sent when it can be.",
    gateway_unwell: "The force's gateway is busy or not working properly. Sending will be tried again.",
    receipt_unreadable: "The gateway's receipt could not be read. Sending will be tried again.",
    receipt_mismatch: "The gateway's receipt did not match what was sent. It is set aside for force IT.",
    conflict: "The force already holds a different record under this id. Both are kept for review.",
    refused: "The force's gateway will not take this record as it is. Force IT can see why.",
    unauthenticated: "The force's gateway does not recognise this device. Contact force IT.",
    revoked: "Force IT has revoked this device. Nothing more is sent from it.",
    update_required: "The force needs a newer version of Firstline. Update the app; finalised assessments wait here.",
    pack_refused: "The force's new form pack was not taken: it is not signed with the force's key. Contact force IT.",
    receipt_unsigned:
      "The gateway's receipt is not signed with the force's receipt key, so nothing was deleted here. Sending will be tried again; if it keeps happening, contact force IT.",
    command_unsigned:
      "The gateway sent a wipe order your force IT did not sign, so it was not carried out. Contact force IT.",
    key_set_refused:
      "The gateway handed out keys your force did not sign. They were not used; finalised assessments stay sealed to the force's keys. Contact force IT.",
  },
  syncNow: "Sync now",
  setAside: "Set aside: the force will not take these as they are",
  notEnrolled: "This device is not enrolled with a force yet. Finalised assessments wait here, encrypted, until it is.",
  gatewayUrl: "Gateway address",
  enrolmentCode: "Enrolment code from force IT",
  enrolmentCodeHint:
    "8 groups of 4 letters and numbers, like ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345-6789, or scan its QR code (a QR code from a fleet batch fills in the gateway address too)",
  enrol: "Enrol this device",
  enrolledWith: (force: string) => `Enrolled with ${force}`,
  wipeTitle: "Enrol with another force",
  wipeIntro: (force: string) =>
    `To enrol this device with another force, wipe it first. Wiping destroys everything on it: every officer set up here, every draft and finalised assessment, and its enrolment with ${force}. It cannot be undone.`,
  wipeWaitingLabel: "Finalised assessments the force has not received",
  wipeWaiting: (n: number) =>
    n === 0
      ? "The force has received every finalised assessment from this device: wiping loses none."
      : enPlural(n, { one: "1 finalised assessment has not been received by the force. Wiping destroys it and it can never be sent. Sync first if you can.", other: `${num(n)} finalised assessments have not been received by the force. Wiping destroys them and they can never be sent. Sync first if you can.` }),
  wipeStart: "Wipe this device",
  wipePin: "Your PIN, to confirm the wipe",
  wipeConfirm: "Wipe everything now",
  cancel: "Cancel",
  revoked: "Force IT has revoked this device. Finalised assessments stay here until it is enrolled again.",
  wiped: (when: string) => `This device's data was wiped on ${when}.`,
  yourRecords: "Your finalised assessments",
  amend: "Correct",
  services: "Support services",
  noServices: "No support services yet: they arrive from your force when this device syncs.",
  amendHint: "A correction is a new record that replaces this one at the force.",
  state: {
    pending: "Waiting",
    sending: "Sending",
    acknowledged: "Received",
    quarantined: "Set aside",
    waiting_for_enrolment: "Waiting for this device to be enrolled",
    not_sealed: "Could not be sealed. Contact force IT.",
  } as Record<string, string>,
  hiddenAnswers: (n: number) =>
    enPlural(n, { one: "1 answer is no longer asked and will not be sent unless this changes back", other: `${num(n)} answers are no longer asked and will not be sent unless this changes back` }),
  // Worded from the gate alone: the same whether or not anything was answered behind it.
  gateClosedAgain: (title: string) =>
    `"${title}" is closed again: nothing asked there will be sent unless it opens again.`,
  gateClosed: (title: string) => `Nothing behind "${title}" is asked or sent while it is closed.`,
  unexpectedError: "Something went wrong in the app. Try again.",
  errors: {
    not_a_choice: "Select one of the options",
    none_selected: "Select at least one option",
    unlisted_choice: "Select only options from the list",
    blank: "Enter an answer",
    bad_character: "The answer contains a character that cannot be used",
    too_long: (max: number) => `The answer must be ${max} characters or fewer`,
    number_out_of_range: (min: number, max: number) => `Enter a number from ${min} to ${max}`,
    bad_date_time: "Enter a real date and time",
    rationale_too_short: (min: number) => `Write your rationale for the grade: at least ${min} characters`,
    factors_not_weighed: "You are grading below the guidance: confirm you have weighed each risk factor it names",
    referral_without_consent: "Refer only with the victim's agreement: without it, pick no service",
    takes_no_answer: "This page takes no answer: select Continue",
    wrong_kind: "That kind of answer does not fit this question",
    unknown_question: "This question is not in the form in use",
    not_shown: "This question is no longer asked because of an earlier answer",
    gated: "This question opens only when what it depends on has been answered",
    missing_required: (count: number) =>
      enPlural(count, { one: "1 required question is not answered yet", other: `${num(count)} required questions are not answered yet` }),
    steps_not_done: "Some steps must be done before you finalise, or the questions after them deferred: see the list at the top",
    no_assessment_open: "No assessment is open. Start or resume one from home.",
    finalised: "This assessment is finalised and cannot change. To correct it, use Correct on the sync screen.",
    not_finalised: "This assessment is not finalised yet, so there is nothing to correct",
    unknown_record: "That assessment is not on this device",
    not_enrolled: "This device is not enrolled with a force yet",
    wrong_pin: (attemptsLeft: number) =>
      enPlural(attemptsLeft, { one: "Wrong PIN: 1 attempt left before your data on this device is destroyed", other: `Wrong PIN: ${num(attemptsLeft)} attempts left before your data on this device is destroyed` }),
    too_soon: (seconds: number) =>
      enPlural(seconds, { one: "Too many wrong PINs. Wait 1 second and try again.", other: `Too many wrong PINs. Wait ${num(seconds)} seconds and try again.` }),
    bad_pin: (min: number, max: number) => `A PIN must be ${min} to ${max} digits`,
    pin_change_required: (min: number) => `PINs must now be at least ${min} digits. Change your PIN to go on.`,
    officer_exists: "That officer is already set up on this device",
    officer_set_up_forbidden: "This device's policy does not allow another officer to be set up here. Contact force IT.",
    typed_enrolment_forbidden:
      "Force IT's policy enrols this device with its force when an officer unlocks: no other gateway or code can be entered here. Contact force IT.",
    unknown_officer: "That officer is not set up on this device",
    bad_officer_id: "Enter a valid collar or staff number",
    locked: "Firstline is locked. Enter your PIN to unlock it.",
    wiped: "Force IT has wiped this device's data",
    damaged: "Data on this device is damaged and cannot be read. Contact force IT.",
    vault_tampered:
      "The data on this device was changed outside Firstline (an officer's PIN attempts, lockout or key), so it has not been opened. Contact force IT.",
    vault_rolled_back:
      "The data on this device is an older copy than the one Firstline last saved here, so it has not been opened. Contact force IT.",
    storage: "The app could not save to this device. Try again; if it keeps happening, contact force IT.",
    bad_gateway_url: "Enter the gateway address force IT gave you, starting https://",
    bad_enrolment_code:
      "Enter the enrolment code as force IT gave it: 8 groups of 4 letters and numbers, like ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345-6789, or scan its QR code",
    offline: "The gateway cannot be reached. Check the connection and try again.",
    code_unknown: "The force does not recognise that enrolment code. Check it with force IT.",
    code_used: "That enrolment code has already been used. Ask force IT for a new one.",
    enrolment_refused: "The force refused to enrol this device. Contact force IT.",
    sync_not_running: "Sync is not running. Restart the app and try again.",
    enrolment_needs_first_officer:
      "Only the officer who set this device up first can enrol it with a force. Ask them, or force IT.",
    keys_not_signed:
      "This gateway's keys are not signed by the force your enrolment code belongs to, so the device was not enrolled. Check the gateway address and code with force IT.",
    already_enrolled: (waiting: number) =>
      waiting === 0
        ? "This device is enrolled with a force already. To enrol it with another force, wipe it first on the sync screen."
        : enPlural(waiting, { one: "This device is enrolled with a force already. To enrol it with another force, wipe it first: 1 finalised assessment still waiting would be destroyed.", other: `This device is enrolled with a force already. To enrol it with another force, wipe it first: ${num(waiting)} finalised assessments still waiting would be destroyed.` }),
    waiting_changed: (waiting: number) =>
      waiting === 0
        ? "Nothing was wiped: the number of finalised assessments waiting has changed, and none waits now. Check it and confirm again."
        : enPlural(waiting, { one: "Nothing was wiped: the number of finalised assessments waiting has changed, and 1 waits now. Check it and confirm again.", other: `Nothing was wiped: the number of finalised assessments waiting has changed, and ${num(waiting)} wait now. Check them and confirm again.` }),
    pack_refused: "The form pack was refused and cannot be used. Contact force IT.",
    pack_tampered: "The form pack has been changed since it was signed, so it cannot be used. Contact force IT.",
    pack_unsigned: "The form pack is not signed by your force, so it cannot be used. Contact force IT.",
    pack_unknown_key: "The form pack is signed by a key this device does not trust, so it cannot be used. Contact force IT.",
    pack_unreadable: "The form pack cannot be read. Contact force IT.",
    pack_override_forbidden: "This device's policy does not allow another form pack. Contact force IT.",
    policy_unusable:
      "This device's policy from force IT cannot be used, so Firstline will not open. Contact force IT: `firstline-admin check-policy` on the policy file says what is wrong.",
    support_bundle_not_written:
      "The support bundle could not be written to your documents folder. Check there is space there, then try again.",
  } satisfies ErrorWords,
};

export type Words = typeof en;

/** Words chosen now but read later in whichever language is showing then, so a message on screen
 *  changes language with the switch. */
export type Wording = (t: Words) => string;

const cy: Words = {
  locale: "cy-GB",
  dateTime: dateTimeIn("cy-GB"),
  day: dayIn("cy-GB"),
  gradeName: { standard: "safonol", medium: "canolig", high: "uchel" },
  appName: "Firstline",
  home: "Hafan",
  startAssessment: "Dechrau asesiad",
  drafts: "Drafftiau",
  sync: "Cysoni",
  training: "Hyfforddiant",
  notYet: "Ddim yn y fersiwn hon eto",
  back: "Yn ôl",
  continue: "Parhau",
  checkAnswers: "Gwirio eich atebion",
  change: "Newid",
  notAnswered: "Heb ei ateb",
  problem: "Mae problem",
  backHome: "Yn ôl i'r hafan",
  language: "English",
  languageName: "Newid i Saesneg",
  hideShortcut: "(neu pwyswch Shift dair gwaith)",
  questionOf: (n, total) => `Cwestiwn ${n} o ${total}`,
  errorTitle: "Ni all yr ap barhau",
  chars: (max) => `Hyd at ${max} nod`,
  opensWhen: "yn agor pan:",
  deferred: "wedi'i ohirio",
  stepBefore: (gate, step) => `${gate}: ${step}`,
  progress: "Cynnydd",
  guidance: "Arweiniad risg",
  guidanceSuggests: (grade) => `Mae'r ffactorau sy'n bresennol yn awgrymu o leiaf ${grade}. Chi biau'r radd.`,
  belowGuidance:
    "Rydych chi'n graddio'n is na'r arweiniad. Cadarnhewch eich bod wedi pwyso a mesur pob ffactor, a dywedwch pam yn eich rhesymeg. Mae'r cofnod yn dweud wrth eich goruchwyliwr.",
  weighedFactor: (factor) => `Rwyf wedi pwyso a mesur: ${factor}`,
  gradeNeedsAttention: "Mae ateb wedi newid ers i chi raddio: gwiriwch eich gradd a'i chadarnhau eto.",
  victimAgrees: "Ydy'r dioddefwr yn cytuno i gael ei atgyfeirio?",
  yes: "Ydy",
  noNotReferred: "Na: peidiwch ag atgyfeirio",
  selectConsent: "Dewiswch a yw'r dioddefwr yn cytuno i gael ei atgyfeirio",
  directoryEmpty:
    "Nid yw cyfeiriadur gwasanaethau cymorth eich heddlu ar y ddyfais hon eto: mae'n cyrraedd pan fydd y ddyfais yn cysoni. Cofnodwch yr atgyfeiriad yn y cwestiwn blaenorol.",
  noFactors: "Nid oes unrhyw ffactor risg rhestredig yn bresennol hyd yma.",
  rationale: "Eich rhesymeg",
  rationaleHint: (min) => `O leiaf ${min} nod: beth welsoch chi a'i glywed, a pham mae'n arwain at y radd hon.`,
  owner: (owner, review) => `Perchennog: ${owner}; adolygu erbyn ${review}`,
  selectOne: "Dewiswch un o'r opsiynau",
  selectSome: "Dewiswch o leiaf un opsiwn",
  enterAnswer: "Rhowch ateb",
  enterNumber: "Rhowch rif",
  enterDateTime: "Rhowch ddyddiad ac amser",
  reviewWelsh: "Geiriad Cymraeg yn aros am adolygiad",
  setUpTitle: "Gosod Firstline ar y ddyfais hon",
  setUpHint: "Mae eich atebion wedi'u hamgryptio ar y ddyfais hon gydag allwedd y mae eich PIN yn unig yn ei hagor.",
  officerId: "Rhif coler neu staff",
  pin: "PIN (6 i 12 digid)",
  yourPin: "Eich PIN",
  confirmPin: "PIN eto",
  pinsDiffer: "Nid yw'r ddau PIN yr un fath",
  setUp: "Gosod",
  unlockTitle: "Datgloi",
  unlock: "Datgloi",
  anotherOfficer: "Gosod swyddog arall",
  hide: "Cuddio",
  hidden: "Mae Firstline wedi'i gloi.",
  draftsTitle: "Drafftiau",
  noDrafts: "Dim drafftiau.",
  resume: "Ailddechrau",
  answeredCount: (n) => `${n} wedi'u hateb`,
  saved: "Wedi'i gadw",
  weakerSecret: "Mae'r ddyfais hon yn cadw ei chyfrinach mewn ffeil, nid allweddgadwyn (gwannach).",
  settings: "Gosodiadau a diagnosteg",
  appVersion: "Fersiwn yr ap",
  packInUse: "Pecyn ffurflen",
  deviceSecret: "Cyfrinach y ddyfais",
  secretFile: "Ffeil (gwannach nag allweddgadwyn)",
  secretOther: "Allweddgadwyn",
  auditChain: "Cadwyn archwilio",
  auditVerifies: (n) => `Yn gwirio (${n} cofnod)`,
  informationDue: "Sgriniau gwybodaeth sydd wedi pasio eu dyddiad adolygu",
  waitingForEnrolmentCount: "Wedi'u cwblhau, yn aros i'r ddyfais hon gael ei chofrestru (pob swyddog)",
  notYetSealedCount: "Wedi'u cwblhau, heb eu selio eto (pob swyddog: caiff pob un ei selio y tro nesaf y bydd y swyddog hwnnw'n datgloi)",
  unsavedWords: (label) => `${label}: geiriau wedi'u teipio heb eu cadw. Agorwch ef a dewiswch Parhau, neu gliriwch nhw.`,
  unsavedHint: "Nid yw'r geiriau a deipiwyd yma wedi'u cadw eto: agorwch ef a dewiswch Parhau, neu gliriwch nhw.",
  display: "Dangosydd",
  themeLabel: "Lliwiau",
  themes: { system: "Fel y mae'r ddyfais hon wedi'i gosod", light: "Golau", dark: "Tywyll" },
  textSizeLabel: "Maint y testun",
  textSizes: { standard: "Safonol", large: "Mawr", largest: "Mwyaf" },
  noneDue: "Dim",
  devicePolicy: "Polisi'r ddyfais hon",
  policyManaged: "Mae TG yr heddlu'n rheoli'r ddyfais hon. Mae'r gosodiadau a nodir Wedi'u cloi wedi'u pennu gan ei pholisi; ni all dim ar y ddyfais eu newid.",
  policyUnmanaged: "Nid oes gan y ddyfais hon bolisi peiriant: mae gosodiadau'r heddlu a rhagosodiadau Firstline yn berthnasol.",
  policyProblem: (problem) => `Nid oedd modd darllen polisi'r ddyfais eto, felly mae'r un da diwethaf yn dal yn berthnasol: ${problem}`,
  policySettingNames: {
    idle_lock_seconds: "Yn cloi ar ôl bod yn segur am",
    min_pin_length: "PIN byrraf",
    max_failed_pins: "PINau anghywir cyn dinistrio data swyddog",
    allow_file_secret: "Gellir cadw cyfrinach y ddyfais mewn ffeil",
    allow_local_officer_setup: "Gellir gosod swyddogion eraill yma",
    allow_pack_override: "Gellir defnyddio pecyn ffurflen arall (fersiynau datblygu)",
    log_level: "Manylder a gedwir yng nghofnod yr ap",
  },
  supportBundle: "Pecyn cymorth",
  supportBundleHelp:
    "Yn ysgrifennu'r ffeithiau uchod a chofnod yr ap i ffeil ar gyfer desg gwasanaeth TG yr heddlu. Nid yw'n cynnwys unrhyw atebion nac enwau.",
  writeSupportBundle: "Ysgrifennu pecyn cymorth",
  supportBundleWritten: (path) => `Wedi'i ysgrifennu i ${path}`,
  policySources: {
    default: "Rhagosodiad Firstline",
    start_option: "Sut y cychwynnwyd yr ap",
    force: "Polisi'r heddlu",
    machine: "Polisi'r ddyfais hon",
  },
  policyLocked: "Wedi'i gloi",
  yesNo: (value) => (value ? "Ydy" : "Nac ydy"),
  digits: (n) => `${num(n)} digid`,
  duration: (seconds) => {
    const minutes = Math.floor(seconds / 60);
    const rest = seconds % 60;
    const inMinutes = minutes ? `${num(minutes)} munud` : "";
    const inSeconds = rest ? `${num(rest)} eiliad` : "";
    return [inMinutes, inSeconds].filter(Boolean).join(" ") || "0 eiliad";
  },
  reviewOverdue: (date) =>
    `Roedd angen adolygu'r sgrin hon erbyn ${date}: efallai bod ei geiriad wedi dyddio. Holwch eich goruchwyliwr cyn dibynnu arni.`,
  forceKeys: "Allweddi'r heddlu",
  forceKeysTrust: {
    enrolment_code: (serial) => `Wedi'u llofnodi gan yr heddlu a enwir yn y cod cofrestru (set allweddi ${serial ?? "-"})`,
    first_signed_set: (serial) =>
      `Wedi'u llofnodi, ond yn cael eu trystio o'r set gyntaf a dynnwyd: cofrestrwyd y ddyfais hon cyn i allweddi gael eu llofnodi (set allweddi ${serial ?? "-"}). Gall TG yr heddlu ei hailgofrestru.`,
    unsigned: () => "Heb eu llofnodi eto: cofrestrwyd y ddyfais hon cyn i allweddi gael eu llofnodi ac nid yw wedi cysoni ers hynny",
    not_enrolled: () => "Heb gofrestru",
  },
  changePin: "Newid PIN",
  currentPin: "PIN presennol",
  newPin: "PIN newydd (6 i 12 digid)",
  pinChanged: "Mae eich PIN wedi'i newid.",
  pinChangeRequiredTitle: "Newid eich PIN",
  pinChangeRequiredIntro: (min) =>
    `Rhaid i bob PIN fod yn ${min} digid o leiaf bellach, ac mae eich un chi'n fyrrach. Newidiwch ef i barhau: ni ellir gwneud dim arall nes i chi wneud hynny.`,
  finalise: "Cwblhau ac anfon",
  finaliseHint: "Ar ôl ei gwblhau ni all y cofnod newid: cofnod newydd sy'n ei ddisodli yw cywiriad diweddarach.",
  finalised: "Asesiad wedi'i gwblhau a'i selio ar gyfer yr heddlu.",
  finalisedWaiting:
    "Asesiad wedi'i gwblhau a'i gloi. Nid yw'r ddyfais hon wedi'i chofrestru gyda heddlu eto: caiff yr asesiad ei selio a'i anfon ar ôl ei chofrestru, y tro nesaf y caiff ei datgloi.",
  syncTitle: "Cysoni",
  force: "Heddlu",
  pendingCount: "Yn aros i'w anfon",
  receivedCount: "Wedi'u derbyn gan yr heddlu",
  lastSync: "Cysoni llwyddiannus diwethaf",
  never: "Byth",
  lastProblem: "Problem ddiwethaf",
  forceIt: "I TG yr heddlu",
  syncProblems: {
    offline: "Ni ellir cyrraedd porth yr heddlu. Mae asesiadau terfynol yn aros yma ac yn cael eu hanfon pan fydd modd.",
    gateway_unwell: "Mae porth yr heddlu'n brysur neu ddim yn gweithio'n iawn. Bydd yn ceisio anfon eto.",
    receipt_unreadable: "Ni ellid darllen derbynneb y porth. Bydd yn ceisio anfon eto.",
    receipt_mismatch: "Nid oedd derbynneb y porth yn cyfateb i'r hyn a anfonwyd. Mae wedi'i roi o'r neilltu ar gyfer TG yr heddlu.",
    conflict: "Mae gan yr heddlu gofnod gwahanol o dan y rhif hwn eisoes. Cedwir y ddau i'w hadolygu.",
    refused: "Ni fydd porth yr heddlu yn derbyn y cofnod hwn fel y mae. Gall TG yr heddlu weld pam.",
    unauthenticated: "Nid yw porth yr heddlu'n adnabod y ddyfais hon. Cysylltwch â TG yr heddlu.",
    revoked: "Mae TG yr heddlu wedi dirymu'r ddyfais hon. Ni anfonir dim mwy ohoni.",
    update_required: "Mae angen fersiwn mwy diweddar o Firstline ar yr heddlu. Diweddarwch yr ap; mae asesiadau terfynol yn aros yma.",
    pack_refused: "Ni dderbyniwyd pecyn ffurflen newydd yr heddlu: nid yw wedi'i lofnodi ag allwedd yr heddlu. Cysylltwch â TG yr heddlu.",
    receipt_unsigned:
      "Nid yw derbynneb y porth wedi'i llofnodi ag allwedd derbynebau'r heddlu, felly ni ddilëwyd dim yma. Bydd yn ceisio anfon eto; os yw'n dal i ddigwydd, cysylltwch â TG yr heddlu.",
    command_unsigned:
      "Anfonodd y porth orchymyn dileu na lofnodwyd gan TG eich heddlu, felly ni chafodd ei gyflawni. Cysylltwch â TG yr heddlu.",
    key_set_refused:
      "Rhoddodd y porth allweddi na lofnodwyd gan eich heddlu. Ni chawsant eu defnyddio; mae asesiadau wedi'u cwblhau yn dal wedi'u selio i allweddi'r heddlu. Cysylltwch â TG yr heddlu.",
  },
  syncNow: "Cysoni nawr",
  setAside: "Wedi'u rhoi o'r neilltu: ni fydd yr heddlu'n eu derbyn fel y maent",
  notEnrolled: "Nid yw'r ddyfais hon wedi'i chofrestru gyda heddlu eto. Mae asesiadau wedi'u cwblhau yn aros yma, wedi'u hamgryptio, tan hynny.",
  gatewayUrl: "Cyfeiriad y porth",
  enrolmentCode: "Cod cofrestru gan TG yr heddlu",
  enrolmentCodeHint:
    "8 grŵp o 4 nod, fel ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345-6789, neu sganiwch ei god QR (mae cod QR o swp dyfeisiau'n llenwi cyfeiriad y porth hefyd)",
  enrol: "Cofrestru'r ddyfais hon",
  enrolledWith: (force) => `Wedi'i chofrestru gyda ${force}`,
  wipeTitle: "Cofrestru gyda heddlu arall",
  wipeIntro: (force) =>
    `I gofrestru'r ddyfais hon gyda heddlu arall, dilëwch ei data yn gyntaf. Mae hyn yn dinistrio popeth arni: pob swyddog sydd wedi'i osod yma, pob drafft a phob asesiad wedi'i gwblhau, a'i chofrestriad gyda ${force}. Ni ellir ei ddadwneud.`,
  wipeWaitingLabel: "Asesiadau wedi'u cwblhau nad yw'r heddlu wedi'u derbyn",
  wipeWaiting: (n) =>
    n === 0
      ? "Mae'r heddlu wedi derbyn pob asesiad wedi'i gwblhau o'r ddyfais hon: ni chollir dim wrth ddileu'r data."
      : cyPlural(n, { one: "Nid yw'r heddlu wedi derbyn 1 asesiad wedi'i gwblhau. Bydd dileu'r data yn ei ddinistrio ac ni ellir byth ei anfon. Cysonwch yn gyntaf os gallwch.", other: `Nid yw'r heddlu wedi derbyn ${num(n)} asesiad wedi'u cwblhau. Bydd dileu'r data yn eu dinistrio ac ni ellir byth eu hanfon. Cysonwch yn gyntaf os gallwch.` }),
  wipeStart: "Dileu data'r ddyfais hon",
  wipePin: "Eich PIN, i gadarnhau'r dileu",
  wipeConfirm: "Dileu popeth nawr",
  cancel: "Canslo",
  revoked: "Mae TG yr heddlu wedi dirymu'r ddyfais hon. Mae asesiadau wedi'u cwblhau yn aros yma nes iddi gael ei chofrestru eto.",
  wiped: (when) => `Cafodd data'r ddyfais hon ei ddileu ar ${when}.`,
  yourRecords: "Eich asesiadau wedi'u cwblhau",
  amend: "Cywiro",
  services: "Gwasanaethau cymorth",
  noServices: "Dim gwasanaethau cymorth eto: maen nhw'n cyrraedd gan eich heddlu pan fydd y ddyfais hon yn cysoni.",
  amendHint: "Mae cywiriad yn gofnod newydd sy'n disodli hwn gyda'r heddlu.",
  state: {
    pending: "Yn aros",
    sending: "Yn anfon",
    acknowledged: "Wedi'i dderbyn",
    quarantined: "O'r neilltu",
    waiting_for_enrolment: "Yn aros i'r ddyfais hon gael ei chofrestru",
    not_sealed: "Nid oedd modd ei selio. Cysylltwch â TG yr heddlu.",
  },
  hiddenAnswers: (n) =>
    cyPlural(n, { one: "Nid yw 1 ateb yn cael ei ofyn mwyach ac ni fydd yn cael ei anfon oni bai bod hyn yn newid yn ôl", other: `Nid yw ${num(n)} ateb yn cael eu gofyn mwyach ac ni fyddant yn cael eu hanfon oni bai bod hyn yn newid yn ôl` }),
  gateClosedAgain: (title) =>
    `Mae "${title}" ar gau eto: ni fydd dim a ofynnwyd yno yn cael ei anfon oni bai ei fod yn agor eto.`,
  gateClosed: (title) => `Ni ofynnir nac anfonir dim y tu ôl i "${title}" tra bo ar gau.`,
  unexpectedError: "Aeth rhywbeth o'i le yn yr ap. Rhowch gynnig arall arni.",
  errors: {
    not_a_choice: "Dewiswch un o'r opsiynau",
    none_selected: "Dewiswch o leiaf un opsiwn",
    unlisted_choice: "Dewiswch opsiynau o'r rhestr yn unig",
    blank: "Rhowch ateb",
    bad_character: "Mae'r ateb yn cynnwys nod na ellir ei ddefnyddio",
    too_long: (max) => `Rhaid i'r ateb fod yn ${max} nod neu lai`,
    number_out_of_range: (min, max) => `Rhowch rif o ${min} i ${max}`,
    bad_date_time: "Rhowch ddyddiad ac amser go iawn",
    rationale_too_short: (min) => `Ysgrifennwch eich rhesymeg dros y radd: o leiaf ${min} nod`,
    factors_not_weighed: "Rydych chi'n graddio'n is na'r arweiniad: cadarnhewch eich bod wedi pwyso a mesur pob ffactor risg y mae'n ei enwi",
    referral_without_consent: "Atgyfeiriwch dim ond gyda chytundeb y dioddefwr: hebddo, peidiwch â dewis gwasanaeth",
    takes_no_answer: "Nid oes angen ateb ar y dudalen hon: dewiswch Parhau",
    wrong_kind: "Nid yw'r math hwnnw o ateb yn addas i'r cwestiwn hwn",
    unknown_question: "Nid yw'r cwestiwn hwn yn y ffurflen sy'n cael ei defnyddio",
    not_shown: "Nid yw'r cwestiwn hwn yn cael ei ofyn mwyach oherwydd ateb cynharach",
    gated: "Dim ond ar ôl ateb yr hyn y mae'n dibynnu arno y mae'r cwestiwn hwn yn agor",
    missing_required: (count) =>
      cyPlural(count, { one: "Mae 1 cwestiwn gofynnol heb ei ateb eto", other: `Mae ${num(count)} cwestiwn gofynnol heb eu hateb eto` }),
    steps_not_done: "Rhaid gwneud rhai camau cyn i chi gwblhau, neu ohirio'r cwestiynau ar eu hôl: gweler y rhestr ar y brig",
    no_assessment_open: "Nid oes asesiad ar agor. Dechreuwch neu ailddechreuwch un o'r hafan.",
    finalised: "Mae'r asesiad hwn wedi'i gwblhau ac ni all newid. I'w gywiro, defnyddiwch Cywiro ar y sgrin cysoni.",
    not_finalised: "Nid yw'r asesiad hwn wedi'i gwblhau eto, felly nid oes dim i'w gywiro",
    unknown_record: "Nid yw'r asesiad hwnnw ar y ddyfais hon",
    not_enrolled: "Nid yw'r ddyfais hon wedi'i chofrestru gyda heddlu eto",
    wrong_pin: (attemptsLeft) =>
      `PIN anghywir: ${attemptsLeft} cynnig ar ôl cyn i'ch data ar y ddyfais hon gael ei ddinistrio`,
    too_soon: (seconds) => `Gormod o gynigion PIN anghywir. Arhoswch ${seconds} eiliad a rhowch gynnig arall arni.`,
    bad_pin: (min, max) => `Rhaid i PIN fod yn ${min} i ${max} digid`,
    pin_change_required: (min) => `Rhaid i bob PIN fod yn ${min} digid o leiaf bellach. Newidiwch eich PIN i barhau.`,
    officer_exists: "Mae'r swyddog hwnnw eisoes wedi'i osod ar y ddyfais hon",
    officer_set_up_forbidden: "Nid yw polisi'r ddyfais hon yn caniatáu gosod swyddog arall yma. Cysylltwch â TG yr heddlu.",
    typed_enrolment_forbidden:
      "Mae polisi TG yr heddlu'n cofrestru'r ddyfais hon gyda'i heddlu pan fydd swyddog yn datgloi: ni ellir rhoi porth na chod arall yma. Cysylltwch â TG yr heddlu.",
    unknown_officer: "Nid yw'r swyddog hwnnw wedi'i osod ar y ddyfais hon",
    bad_officer_id: "Rhowch rif coler neu staff dilys",
    locked: "Mae Firstline wedi'i gloi. Rhowch eich PIN i'w ddatgloi.",
    wiped: "Mae TG yr heddlu wedi dileu data'r ddyfais hon",
    damaged: "Mae data ar y ddyfais hon wedi'i ddifrodi ac ni ellir ei ddarllen. Cysylltwch â TG yr heddlu.",
    vault_tampered:
      "Cafodd y data ar y ddyfais hon ei newid y tu allan i Firstline (cynigion PIN, cloi allan neu allwedd swyddog), felly nid yw wedi'i agor. Cysylltwch â TG yr heddlu.",
    vault_rolled_back:
      "Mae'r data ar y ddyfais hon yn gopi hŷn na'r un a gadwodd Firstline yma ddiwethaf, felly nid yw wedi'i agor. Cysylltwch â TG yr heddlu.",
    storage: "Ni allai'r ap gadw ar y ddyfais hon. Rhowch gynnig arall arni; os yw'n dal i ddigwydd, cysylltwch â TG yr heddlu.",
    bad_gateway_url: "Rhowch y cyfeiriad porth a roddodd TG yr heddlu i chi, yn dechrau gyda https://",
    bad_enrolment_code:
      "Rhowch y cod cofrestru fel y'i rhoddwyd gan TG yr heddlu: 8 grŵp o 4 nod, fel ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345-6789, neu sganiwch ei god QR",
    offline: "Nid oes modd cyrraedd y porth. Gwiriwch y cysylltiad a rhowch gynnig arall arni.",
    code_unknown: "Nid yw'r heddlu'n adnabod y cod cofrestru hwnnw. Gwiriwch ef gyda TG yr heddlu.",
    code_used: "Mae'r cod cofrestru hwnnw eisoes wedi'i ddefnyddio. Gofynnwch i TG yr heddlu am un newydd.",
    enrolment_refused: "Gwrthododd yr heddlu gofrestru'r ddyfais hon. Cysylltwch â TG yr heddlu.",
    sync_not_running: "Nid yw cysoni'n rhedeg. Ailgychwynnwch yr ap a rhowch gynnig arall arni.",
    enrolment_needs_first_officer:
      "Dim ond y swyddog a osododd y ddyfais hon gyntaf all ei chofrestru gyda heddlu. Gofynnwch iddyn nhw, neu i TG yr heddlu.",
    keys_not_signed:
      "Nid yw allweddi'r porth hwn wedi'u llofnodi gan yr heddlu y mae eich cod cofrestru yn perthyn iddo, felly ni chofrestrwyd y ddyfais. Gwiriwch gyfeiriad y porth a'r cod gyda TG yr heddlu.",
    already_enrolled: (waiting) =>
      waiting === 0
        ? "Mae'r ddyfais hon eisoes wedi'i chofrestru gyda heddlu. I'w chofrestru gyda heddlu arall, dilëwch ei data yn gyntaf ar y sgrin cysoni."
        : cyPlural(waiting, { one: "Mae'r ddyfais hon eisoes wedi'i chofrestru gyda heddlu. I'w chofrestru gyda heddlu arall, dilëwch ei data yn gyntaf: byddai 1 asesiad wedi'i gwblhau sy'n dal i aros yn cael ei ddinistrio.", other: `Mae'r ddyfais hon eisoes wedi'i chofrestru gyda heddlu. I'w chofrestru gyda heddlu arall, dilëwch ei data yn gyntaf: byddai ${num(waiting)} asesiad wedi'u cwblhau sy'n dal i aros yn cael eu dinistrio.` }),
    waiting_changed: (waiting) =>
      waiting === 0
        ? "Ni ddilëwyd dim: mae nifer yr asesiadau wedi'u cwblhau sy'n aros wedi newid, ac nid oes yr un yn aros nawr. Gwiriwch a chadarnhewch eto."
        : cyPlural(waiting, { one: "Ni ddilëwyd dim: mae nifer yr asesiadau wedi'u cwblhau sy'n aros wedi newid, ac mae 1 yn aros nawr. Gwiriwch a chadarnhewch eto.", other: `Ni ddilëwyd dim: mae nifer yr asesiadau wedi'u cwblhau sy'n aros wedi newid, ac mae ${num(waiting)} yn aros nawr. Gwiriwch a chadarnhewch eto.` }),
    pack_refused: "Gwrthodwyd y pecyn ffurflen ac ni ellir ei ddefnyddio. Cysylltwch â TG yr heddlu.",
    pack_tampered: "Mae'r pecyn ffurflen wedi'i newid ers iddo gael ei lofnodi, felly ni ellir ei ddefnyddio. Cysylltwch â TG yr heddlu.",
    pack_unsigned: "Nid yw'r pecyn ffurflen wedi'i lofnodi gan eich heddlu, felly ni ellir ei ddefnyddio. Cysylltwch â TG yr heddlu.",
    pack_unknown_key: "Mae'r pecyn ffurflen wedi'i lofnodi ag allwedd nad yw'r ddyfais hon yn ymddiried ynddi, felly ni ellir ei ddefnyddio. Cysylltwch â TG yr heddlu.",
    pack_unreadable: "Ni ellir darllen y pecyn ffurflen. Cysylltwch â TG yr heddlu.",
    pack_override_forbidden: "Nid yw polisi'r ddyfais hon yn caniatáu pecyn ffurflen arall. Cysylltwch â TG yr heddlu.",
    policy_unusable:
      "Ni ellir defnyddio polisi TG yr heddlu ar gyfer y ddyfais hon, felly ni fydd Firstline yn agor. Cysylltwch â TG yr heddlu: mae `firstline-admin check-policy` ar ffeil y polisi yn dweud beth sydd o'i le.",
    support_bundle_not_written:
      "Nid oedd modd ysgrifennu'r pecyn cymorth i'ch ffolder dogfennau. Gwiriwch fod lle yno, yna rhowch gynnig arall arni.",
  },
};

export function words(language: Language): Words {
  return language === "cy" ? cy : en;
}
