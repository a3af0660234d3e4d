// The public app's messages: one catalog per language and area (messages/<language>/<area>.json),
// merged per language in messages/<language>/index.ts. English is built in and is the fallback;
// the other languages load when chosen. A key missing from any language's catalog is a type error
// (each index.ts is typed as a whole Catalog), and tests/unit/test_public_catalogs.py checks it too.
import { en } from "./messages/en";

export type MessageKey = keyof typeof en;
export type Catalog = Record<MessageKey, string>;

export const LANGUAGES = ["en", "fr", "es", "ar", "ne", "tl"] as const;
export type Language = (typeof LANGUAGES)[number];
const RIGHT_TO_LEFT: readonly Language[] = ["ar"];
const STORED_CHOICE = "haven.language";

const loaders: Record<Language, () => Promise<Catalog>> = {
  en: async () => en,
  fr: async () => (await import("./messages/fr")).fr,
  es: async () => (await import("./messages/es")).es,
  ar: async () => (await import("./messages/ar")).ar,
  ne: async () => (await import("./messages/ne")).ne,
  tl: async () => (await import("./messages/tl")).tl,
};

let current: Catalog = en;
let currentLanguage: Language = "en";
const listeners = new Set<() => void>();

function isLanguage(value: string): value is Language {
  return (LANGUAGES as readonly string[]).includes(value);
}

/** The language chosen before on this device, else the first of the browser's we have, else English. */
export function chooseLanguage(preferred: readonly string[]): Language {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(STORED_CHOICE);
  } catch {
    // Storage can be off (private mode): the browser's languages decide.
  }
  if (stored && isLanguage(stored)) return stored;
  for (const tag of preferred) {
    const base = tag.toLowerCase().split("-")[0] ?? "";
    if (isLanguage(base)) return base;
  }
  return "en";
}

/** Loads ``language``'s catalog, switches every message and the page's direction, and remembers it. */
export async function setLanguage(language: Language, remember = false): Promise<void> {
  current = await loaders[language]();
  currentLanguage = language;
  document.documentElement.lang = language;
  document.documentElement.dir = RIGHT_TO_LEFT.includes(language) ? "rtl" : "ltr";
  document.title = t("app.name");
  if (remember) {
    try {
      localStorage.setItem(STORED_CHOICE, language);
    } catch {
      // Not remembered; still switched.
    }
  }
  for (const listener of listeners) listener();
}

export function language(): Language {
  return currentLanguage;
}

/** Calls ``listener`` after every change of language; returns the unsubscribe. */
export function onLanguageChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The message for ``key`` with each ``{name}`` replaced by ``params[name]``. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const message: string = current[key] ?? en[key] ?? key;
  return message.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** The message for a key the API chose (a category, a status): itself when no catalog has it. */
export function tDynamic(key: string, params: Record<string, string | number> = {}): string {
  return key in en ? t(key as MessageKey, params) : key;
}

export function formatTime(iso: string): string {
  const when = new Date(iso);
  return Number.isNaN(when.getTime())
    ? iso
    : new Intl.DateTimeFormat(currentLanguage, { dateStyle: "medium", timeStyle: "short" }).format(when);
}

export function formatNumber(value: number): string {
  return new Intl.NumberFormat(currentLanguage).format(value);
}
