// Messages come from one catalog per language (en.json, ...); code names a message by its key.
// A key missing from the catalog is a type error, so no user-facing string hides in code.
import en from "./en.json";

export type MessageKey = keyof typeof en;
type Catalog = Record<MessageKey, string>;

const catalogs: Record<string, Catalog> = { en };
let current: Catalog = en;
let currentLanguage = "en";

/** The first of the browser's languages that has a catalog, else English. */
export function chooseLanguage(preferred: readonly string[]): string {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split("-")[0] ?? "";
    if (base in catalogs) return base;
  }
  return "en";
}

export function setLanguage(language: string): void {
  current = catalogs[language] ?? en;
  currentLanguage = language in catalogs ? language : "en";
  document.documentElement.lang = currentLanguage;
}

export function language(): string {
  return currentLanguage;
}

/** The message for ``key`` with each ``{name}`` replaced by ``params[name]``. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  // A key the API sent that has no message (a new hazard, say) shows as itself.
  const message: string = current[key] ?? en[key] ?? key;
  return message.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export function formatTime(iso: string): string {
  const when = new Date(iso);
  return Number.isNaN(when.getTime())
    ? iso
    : new Intl.DateTimeFormat(currentLanguage, { dateStyle: "medium", timeStyle: "short" }).format(when);
}
