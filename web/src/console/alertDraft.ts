// The alert composer's draft: what the responder is writing, the API's request built from it, and
// a client-side CAP 1.2 preview built from the same fields (the real CAP is the API's, after issue).
import type { Schemas } from "../api/client";
import type { Exhaustive } from "../api/vocabulary";

export type AlertIn = Schemas["AlertIn"];
export type ContinueIn = Schemas["ContinueIn"];
export type Alert = Schemas["Alert"];
export type Position = [number, number]; // [lon, lat], the API's order
export type Urgency = AlertIn["urgency"];
export type Severity = AlertIn["severity"];
export type Certainty = AlertIn["certainty"];
export type CapCategory = AlertIn["categories"][number];
export type ResponseType = NonNullable<AlertIn["response_types"]>[number];
export type CapStatus = NonNullable<AlertIn["status"]>;

export const URGENCIES = ["Immediate", "Expected", "Future", "Past", "Unknown"] as const satisfies readonly Urgency[];
export const SEVERITIES = ["Extreme", "Severe", "Moderate", "Minor", "Unknown"] as const satisfies readonly Severity[];
export const CERTAINTIES = ["Observed", "Likely", "Possible", "Unlikely", "Unknown"] as const satisfies readonly Certainty[];
export const CAP_STATUSES = ["Actual", "Exercise", "Test", "Draft"] as const satisfies readonly CapStatus[];
export const CAP_CATEGORIES = [
  "Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env", "Transport", "Infra", "CBRNE", "Other",
] as const satisfies readonly CapCategory[];
export const RESPONSE_TYPES = [
  "Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor", "Assess", "AllClear", "None",
] as const satisfies readonly ResponseType[];
const complete: [
  Exhaustive<Urgency, (typeof URGENCIES)[number]>,
  Exhaustive<Severity, (typeof SEVERITIES)[number]>,
  Exhaustive<Certainty, (typeof CERTAINTIES)[number]>,
  Exhaustive<CapStatus, (typeof CAP_STATUSES)[number]>,
  Exhaustive<CapCategory, (typeof CAP_CATEGORIES)[number]>,
  Exhaustive<ResponseType, (typeof RESPONSE_TYPES)[number]>,
] = [true, true, true, true, true, true];
void complete;

export interface TextDraft {
  language: string;
  event: string;
  headline: string;
  description: string;
  instruction: string;
}

export interface CircleDraft {
  center: Position;
  radius_km: number;
}

/** One ``areaDesc`` block: its description and its shapes (the API takes up to 20 of each). */
export interface AreaDraft {
  description: string;
  polygons: Position[][]; // closed rings
  circles: CircleDraft[];
}

/** The API's bounds on areas (``AlertIn.areas`` and each area's shapes, docs/openapi.json). */
export const MAX_AREAS = 10;
export const MAX_SHAPES = 20;

export interface Draft {
  status: CapStatus;
  event: string;
  urgency: Urgency;
  severity: Severity;
  certainty: Certainty;
  categories: CapCategory[];
  response_types: ResponseType[];
  expires: string; // the datetime-local input's value, in the browser's time zone
  effective: string; // optional, as expires
  onset: string; // optional, as expires
  sender_name: string;
  contact: string;
  web: string;
  areas: AreaDraft[];
  texts: TextDraft[];
}

export function emptyArea(): AreaDraft {
  return { description: "", polygons: [], circles: [] };
}

export function emptyText(language = ""): TextDraft {
  return { language, event: "", headline: "", description: "", instruction: "" };
}

function localInput(moment: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return (
    `${moment.getFullYear()}-${pad(moment.getMonth() + 1)}-${pad(moment.getDate())}` +
    `T${pad(moment.getHours())}:${pad(moment.getMinutes())}`
  );
}

export function emptyDraft(now: Date = new Date()): Draft {
  return {
    status: "Actual",
    event: "",
    urgency: "Immediate",
    severity: "Severe",
    certainty: "Observed",
    categories: ["Met"],
    response_types: [],
    expires: localInput(new Date(now.getTime() + 6 * 3600_000)),
    effective: "",
    onset: "",
    sender_name: "",
    contact: "",
    web: "",
    areas: [emptyArea()],
    texts: [emptyText("en")],
  };
}

/** What the alert's JSON summary leaves out, read from its current CAP: categories, response
 * types, sender name, effective, onset, contact and web (the same in every info). */
function fromCap(cap: string | null): Partial<Draft> {
  if (!cap) return {};
  const info = new DOMParser().parseFromString(cap, "application/xml").getElementsByTagName("info")[0];
  if (!info) return {};
  const all = (tag: string) => Array.from(info.getElementsByTagName(tag), (e) => e.textContent ?? "");
  const categories = all("category").filter((c): c is CapCategory => (CAP_CATEGORIES as readonly string[]).includes(c));
  const response_types = all("responseType").filter((r): r is ResponseType => (RESPONSE_TYPES as readonly string[]).includes(r));
  const out: Partial<Draft> = { response_types };
  if (categories.length) out.categories = categories;
  out.sender_name = all("senderName")[0] ?? "";
  out.contact = all("contact")[0] ?? "";
  const effective = all("effective")[0];
  const onset = all("onset")[0];
  if (effective) out.effective = localInput(new Date(effective));
  if (onset) out.onset = localInput(new Date(onset));
  // The API links the alert's public page when the responder gave none: that one is not theirs.
  const web = all("web")[0] ?? "";
  out.web = web.includes("/v1/alerts/") ? "" : web;
  return out;
}

/** The draft of an alert that exists, to update it (its texts in the order of its languages). */
export function draftOf(alert: Alert, cap: string | null = null): Draft {
  return {
    ...emptyDraft(),
    ...fromCap(cap),
    status: (CAP_STATUSES as readonly string[]).includes(alert.status) ? (alert.status as CapStatus) : "Actual",
    event: alert.event,
    urgency: alert.urgency as Urgency,
    severity: alert.severity as Severity,
    certainty: alert.certainty as Certainty,
    expires: localInput(new Date(alert.expires)),
    areas: alert.areas.length
      ? alert.areas.map((area) => ({
          description: area.description,
          polygons: area.polygons.map((ring) => ring.map(([lon, lat]) => [lon ?? 0, lat ?? 0] as Position)),
          circles: area.circles.map((c) => ({ center: [c.center[0] ?? 0, c.center[1] ?? 0], radius_km: c.radius_km })),
        }))
      : [emptyArea()],
    texts: alert.languages.map((language, n) => {
      const text = alert.texts[language];
      return {
        language,
        event: n === 0 ? "" : (text?.event ?? ""),
        headline: text?.headline ?? "",
        description: text?.description ?? "",
        instruction: text?.instruction ?? "",
      };
    }),
  };
}

/** The expiry as the API takes it (UTC, whole seconds), or the input as typed when it is no time. */
export function expiresIso(value: string): string {
  const when = new Date(value);
  return Number.isNaN(when.getTime()) ? value : when.toISOString().replace(/\.\d{3}Z$/, "+00:00");
}

function optional(value: string): string | undefined {
  return value.trim() ? value.trim() : undefined;
}

/** The request body of an issue (``POST /v1/ops/alerts``). */
export function toBody(draft: Draft): AlertIn {
  const body: AlertIn = {
    status: draft.status,
    event: draft.event.trim(),
    categories: draft.categories,
    urgency: draft.urgency,
    severity: draft.severity,
    certainty: draft.certainty,
    expires: expiresIso(draft.expires),
    texts: draft.texts.map((text, n) => {
      const out: AlertIn["texts"][number] = {
        language: text.language.trim(),
        headline: text.headline.trim(),
        description: text.description.trim(),
      };
      const event = optional(text.event);
      if (n > 0 || event) out.event = event ?? "";
      const instruction = optional(text.instruction);
      if (instruction) out.instruction = instruction;
      return out;
    }),
    areas: draft.areas.map((area) => ({
      description: area.description.trim(),
      polygons: area.polygons,
      circles: area.circles,
    })),
  };
  if (draft.response_types.length) body.response_types = draft.response_types;
  const sender = optional(draft.sender_name);
  if (sender) body.sender_name = sender;
  // Optional times, contact and web: sent only when given (as typed if unreadable: the API says why).
  if (draft.effective.trim()) body.effective = expiresIso(draft.effective);
  if (draft.onset.trim()) body.onset = expiresIso(draft.onset);
  const contact = optional(draft.contact);
  if (contact) body.contact = contact;
  const web = optional(draft.web);
  if (web) body.web = web;
  return body;
}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function fmt(n: number): string {
  return String(Number(n.toFixed(6)));
}

/**
 * CAP 1.2 as the API would write it from this draft, in its element order. A preview only: the
 * identifier, sender, sent time and web link are the API's to give, so they are shown as such.
 */
export function previewCap(draft: Draft, placeholders: { identifier: string; sender: string; sent: string; web: string }): string {
  const body = toBody(draft);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">',
    `  <identifier>${escape(placeholders.identifier)}</identifier>`,
    `  <sender>${escape(placeholders.sender)}</sender>`,
    `  <sent>${escape(placeholders.sent)}</sent>`,
    `  <status>${body.status}</status>`,
    "  <msgType>Alert</msgType>",
    "  <scope>Public</scope>",
  ];
  const add = (indent: string, tag: string, value: string | undefined) => {
    if (value !== undefined && value !== "") lines.push(`${indent}<${tag}>${escape(value)}</${tag}>`);
  };
  body.texts.forEach((text, n) => {
    lines.push("  <info>");
    add("    ", "language", text.language);
    for (const category of body.categories) add("    ", "category", category);
    add("    ", "event", n === 0 ? body.event : (text.event ?? undefined));
    for (const response of body.response_types ?? []) add("    ", "responseType", response);
    add("    ", "urgency", body.urgency);
    add("    ", "severity", body.severity);
    add("    ", "certainty", body.certainty);
    add("    ", "effective", body.effective ?? undefined);
    add("    ", "onset", body.onset ?? undefined);
    add("    ", "expires", body.expires);
    add("    ", "senderName", body.sender_name ?? undefined);
    add("    ", "headline", text.headline);
    add("    ", "description", text.description);
    add("    ", "instruction", text.instruction ?? undefined);
    add("    ", "web", body.web ?? placeholders.web);
    add("    ", "contact", body.contact ?? undefined);
    for (const area of draft.areas) {
      lines.push("    <area>");
      add("      ", "areaDesc", area.description.trim());
      for (const ring of area.polygons) add("      ", "polygon", ring.map(([lon, lat]) => `${fmt(lat)},${fmt(lon)}`).join(" "));
      for (const circle of area.circles) add("      ", "circle", `${fmt(circle.center[1])},${fmt(circle.center[0])} ${fmt(circle.radius_km)}`);
      lines.push("    </area>");
    }
    lines.push("  </info>");
  });
  lines.push("</alert>");
  return lines.join("\n");
}

/** A ring typed as one "lon, lat" pair per line (closed when its first pair is repeated last). */
export function parseRing(text: string): Position[] | null {
  const ring: Position[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    const parts = line.split(/[\s,;]+/).filter(Boolean).map(Number);
    if (parts.length !== 2 || parts.some((n) => !Number.isFinite(n))) return null;
    ring.push([parts[0] as number, parts[1] as number]);
  }
  return ring;
}

export function ringText(ring: Position[]): string {
  return ring.map(([lon, lat]) => `${fmt(lon)}, ${fmt(lat)}`).join("\n");
}

/** Closes a ring (the first position repeated last), as the API requires. */
export function closeRing(points: Position[]): Position[] {
  if (!points.length) return points;
  const first = points[0] as Position;
  const last = points[points.length - 1] as Position;
  return first[0] === last[0] && first[1] === last[1] ? points : [...points, first];
}

/**
 * After a conflict (409): what this responder changed since ``base`` is kept, what they left alone
 * takes the fresh value (the other responder's change), field by field and text by text.
 */
export function rebaseDraft(draft: Draft, base: Draft, fresh: Draft): Draft {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const out: Draft = { ...fresh };
  const record = out as unknown as Record<string, unknown>;
  for (const key of Object.keys(draft) as (keyof Draft)[]) {
    if (key !== "texts" && !same(draft[key], base[key])) record[key] = draft[key];
  }
  const languages = (d: Draft) => d.texts.map((text) => text.language);
  if (!same(languages(draft), languages(base)) || !same(languages(base), languages(fresh))) {
    out.texts = draft.texts;
    return out;
  }
  out.texts = draft.texts.map((text, n) => {
    const was = base.texts[n] as TextDraft;
    const now = fresh.texts[n] as TextDraft;
    const merged = { ...now };
    for (const key of Object.keys(text) as (keyof TextDraft)[]) if (text[key] !== was[key]) merged[key] = text[key];
    return merged;
  });
  return out;
}
