// The contract's enumerations the console offers as choices. Each list is checked against the
// generated types: a value the contract does not have is a type error, and so is one missing.
import type { Category, Hazard, IncidentStatus } from "../api/client";
import type { Exhaustive } from "../api/vocabulary";
import { type MessageKey, t } from "../i18n";


export const HAZARDS = ["flood", "fire", "earthquake", "storm", "landslide", "conflict", "other"] as const satisfies readonly Hazard[];
export const STATUSES = ["new", "verified", "responding", "resolved", "dismissed"] as const satisfies readonly IncidentStatus[];
const hazardsComplete: Exhaustive<Hazard, (typeof HAZARDS)[number]> = true;
const statusesComplete: Exhaustive<IncidentStatus, (typeof STATUSES)[number]> = true;
export const CATEGORIES = [
  "caution_and_advice",
  "displaced_people_and_evacuations",
  "infrastructure_and_utility_damage",
  "injured_or_dead_people",
  "missing_or_found_people",
  "requests_or_urgent_needs",
  "rescue_volunteering_or_donation_effort",
  "sympathy_and_support",
  "other_relevant_information",
  "not_humanitarian",
  "unknown",
] as const satisfies readonly Category[];
const categoriesComplete: Exhaustive<Category, (typeof CATEGORIES)[number]> = true;
void categoriesComplete;
void hazardsComplete;
void statusesComplete;

/** CAP 1.2 severities an incident carries, with the colour the map and the list show. */
export const SEVERITY_COLOURS: Record<string, string> = {
  Minor: "#2e7d32",
  Moderate: "#b26a00",
  Severe: "#c62828",
  Extreme: "#6a1b9a",
};
export const UNKNOWN_COLOUR = "#455a64";

export function severityColour(severity: string): string {
  return SEVERITY_COLOURS[severity] ?? UNKNOWN_COLOUR;
}

/** How far back the list looks, in hours (0: no limit). */
export const WINDOWS = [1, 24, 168, 720, 0] as const;
export type WindowHours = (typeof WINDOWS)[number];

/** How often the incident list asks for changes. */
export const POLL_MS = 5_000;

/** The label of a value the API sends (a hazard, status or category); unknown ones as they are. */
export function label(kind: "hazard" | "status" | "category" | "severity" | "person_status", value: string): string {
  return t(`${kind}.${value}` as MessageKey);
}
