// Enumerations both web apps show, listed once and checked against the generated contract: a value
// the API adds or drops is a type error here (``Exhaustive``), not a choice missing on a screen.
import type { Schemas } from "./core";

/** ``true`` when ``Listed`` names every member of ``All`` (else ``never``: a type error). */
export type Exhaustive<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : never;

export type ComplaintCategory = Schemas["ComplaintIn"]["categories"][number];

/** The complaint categories in the contract's order, which the SMS dialogue numbers 1–7. */
export const COMPLAINT_CATEGORIES = [
  "recruitment_fees",
  "passport_retention",
  "contract_substitution",
  "deception",
  "wage_theft",
  "abuse",
  "other",
] as const satisfies readonly ComplaintCategory[];
const complaintCategoriesComplete: Exhaustive<ComplaintCategory, (typeof COMPLAINT_CATEGORIES)[number]> = true;
void complaintCategoriesComplete;
