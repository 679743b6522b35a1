// The UI's own words in English and Welsh. Question texts come from the form pack, not from here.
import type { Language } from "./backend";

const en = {
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
  questionOf: (n: number, total: number) => `Question ${n} of ${total}`,
  errorTitle: "The app cannot continue",
  chars: (max: number) => `Up to ${max} characters`,
};

type Words = typeof en;

const cy: Words = {
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
  questionOf: (n, total) => `Cwestiwn ${n} o ${total}`,
  errorTitle: "Ni all yr ap barhau",
  chars: (max) => `Hyd at ${max} nod`,
};

export function words(language: Language): Words {
  return language === "cy" ? cy : en;
}
