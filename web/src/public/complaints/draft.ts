// The complaint being written: kept in memory while the app is open and in sessionStorage (this
// tab only, gone when it closes — never localStorage: a complaint is sensitive), so nothing typed
// is lost on a failed submit, a reload or a visit to another page. Files stay in memory only.
import type { ComplaintCategory } from "../../api/vocabulary";

export type Draft = {
  recruiterId: string;
  recruiterName: string;
  recruiterCountry: string;
  licenceNumber: string;
  categories: ComplaintCategory[];
  description: string;
  occurredOn: string;
  feeAmount: string;
  feeCurrency: string;
  origin: string;
  destination: string;
  anonymous: boolean;
  contactName: string;
  contactPhone: string;
  contactEmail: string;
  consent: "" | "yes" | "no";
};

export const EMPTY: Draft = {
  recruiterId: "",
  recruiterName: "",
  recruiterCountry: "",
  licenceNumber: "",
  categories: [],
  description: "",
  occurredOn: "",
  feeAmount: "",
  feeCurrency: "",
  origin: "",
  destination: "",
  anonymous: false,
  contactName: "",
  contactPhone: "",
  contactEmail: "",
  consent: "",
};

const STORED = "haven.complaint-draft";
/** The Idempotency-Key of the draft's last submit (forms/problems.ts), kept with the draft. */
export const KEY_STORED = "haven.complaint-key";
let inMemory: Draft | null = null;
/** The evidence files chosen (not storable in sessionStorage): kept while the app is open. */
export let files: File[] = [];

export function setFiles(chosen: File[]): void {
  files = chosen;
}

export function loadDraft(): Draft {
  if (inMemory) return inMemory;
  try {
    const raw = sessionStorage.getItem(STORED);
    if (raw) return { ...EMPTY, ...(JSON.parse(raw) as Partial<Draft>) };
  } catch {
    // Storage off or unreadable: an empty draft.
  }
  return EMPTY;
}

export function saveDraft(draft: Draft): void {
  inMemory = draft;
  try {
    sessionStorage.setItem(STORED, JSON.stringify(draft));
  } catch {
    // Kept in memory only.
  }
}

export function clearDraft(): void {
  inMemory = null;
  files = [];
  try {
    sessionStorage.removeItem(STORED);
    sessionStorage.removeItem(KEY_STORED);
  } catch {
    // Nothing stored.
  }
}
