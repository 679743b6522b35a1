// How the app looks on this device: the theme (the system's, light or dark) and the text size,
// chosen in Settings. Kept in the webview's local storage: a display preference, never personal
// data. Applied as attributes on <html> that app.css reads.

export type Theme = "system" | "light" | "dark";
export type TextSize = "standard" | "large" | "largest";

export interface Display {
  theme: Theme;
  textSize: TextSize;
}

const KEY = "firstline.display";
const THEMES: Theme[] = ["system", "light", "dark"];
const TEXT_SIZES: TextSize[] = ["standard", "large", "largest"];

/** The stored choice, or the defaults (anything unreadable counts as unset). */
export function storedDisplay(): Display {
  try {
    const stored = JSON.parse(localStorage.getItem(KEY) ?? "{}") as Partial<Display>;
    return {
      theme: THEMES.includes(stored.theme as Theme) ? (stored.theme as Theme) : "system",
      textSize: TEXT_SIZES.includes(stored.textSize as TextSize) ? (stored.textSize as TextSize) : "standard",
    };
  } catch {
    return { theme: "system", textSize: "standard" };
  }
}

/** Keeps `display` and applies it. */
export function chooseDisplay(display: Display): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(display));
  } catch {
    // Storage refused: the choice still applies until the app closes.
  }
  applyDisplay(display);
}

const systemDark = () => typeof matchMedia === "function" && matchMedia("(prefers-color-scheme: dark)").matches;

/** Sets the attributes app.css reads: the theme resolved (the system's when "system"). */
export function applyDisplay(display: Display): void {
  const root = document.documentElement;
  const dark = display.theme === "dark" || (display.theme === "system" && systemDark());
  root.dataset.theme = dark ? "dark" : "light";
  root.dataset.textSize = display.textSize;
}

/** Applies the stored choice now and again whenever the system's theme changes. */
export function followDisplay(): () => void {
  applyDisplay(storedDisplay());
  if (typeof matchMedia !== "function") return () => {};
  const query = matchMedia("(prefers-color-scheme: dark)");
  const onChange = () => applyDisplay(storedDisplay());
  query.addEventListener("change", onChange);
  return () => query.removeEventListener("change", onChange);
}
