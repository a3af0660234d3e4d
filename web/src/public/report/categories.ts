// The categories a person chooses from, in the order that matters most in a crisis, each with
// its words in the catalog (report.category.<name>). The API's other categories (unknown, not
// humanitarian, sympathy) are for the classifier, not for a person to pick.
import type { MessageKey } from "../i18n";

export const CATEGORIES = [
  "requests_or_urgent_needs",
  "injured_or_dead_people",
  "missing_or_found_people",
  "displaced_people_and_evacuations",
  "infrastructure_and_utility_damage",
  "caution_and_advice",
  "rescue_volunteering_or_donation_effort",
  "other_relevant_information",
] as const;

export type ChosenCategory = (typeof CATEGORIES)[number];

export function categoryKey(category: ChosenCategory): MessageKey {
  return `report.category.${category}` as MessageKey;
}
