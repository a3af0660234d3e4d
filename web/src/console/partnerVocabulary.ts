// The partner screens' enumerations, checked against the generated types like vocabulary.ts.
import type { Schemas } from "../api/client";
import { COMPLAINT_CATEGORIES, type Exhaustive } from "../api/vocabulary";
import { type MessageKey, language, t } from "../i18n";

export type PartnerCategory = Schemas["PartnerIn"]["categories"][number];
/** A partner takes complaints of these categories: the complaints' own. */
export const PARTNER_CATEGORIES = COMPLAINT_CATEGORIES satisfies readonly PartnerCategory[];
export type AckStatus = Schemas["AckIn"]["status"];
export type ReferralStatus = NonNullable<Schemas["ReferralQuery"]["status"]>;

export const REFERRAL_STATUSES = [
  "referred",
  "received",
  "accepted",
  "in_progress",
  "resolved",
  "rejected",
] as const satisfies readonly ReferralStatus[];
const categoriesComplete: Exhaustive<PartnerCategory, (typeof PARTNER_CATEGORIES)[number]> = true;
const statusesComplete: Exhaustive<ReferralStatus, (typeof REFERRAL_STATUSES)[number]> = true;
void categoriesComplete;
void statusesComplete;

/** The label of a value the API sends; unknown ones as they are. */
export function label(kind: "complaint_category" | "referral_status" | "delivery_state", value: string): string {
  return t(`${kind}.${value}` as MessageKey);
}

/** The first message the API gave for ``field`` or any field inside it (``field.0``, ``field.x``). */
export function firstError(errors: Record<string, string>, field: string): string | undefined {
  const key = Object.keys(errors).find((k) => k === field || k.startsWith(`${field}.`));
  return key === undefined ? undefined : errors[key];
}

/** Several values as one phrase of the console's language ("A, B and C"). */
export function listOf(items: readonly string[]): string {
  return new Intl.ListFormat(language(), { type: "conjunction" }).format(items);
}
