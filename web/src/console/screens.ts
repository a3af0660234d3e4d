// Which screens the console has and which roles may use each: declared here once. The API
// enforces the same roles (the contract's `security`); the console only hides what would fail.
import type { MessageKey } from "../i18n";
import type { Role } from "./session";

export interface Screen {
  id: string;
  hash: string;
  label: MessageKey;
  roles: readonly Role[];
}

export const SCREENS: readonly Screen[] = [
  { id: "incidents", hash: "#/incidents", label: "nav.incidents", roles: ["responder", "admin"] },
  { id: "feeds", hash: "#/feeds", label: "nav.feeds", roles: ["responder", "admin"] },
  { id: "people", hash: "#/people", label: "nav.people", roles: ["responder", "admin"] },
  { id: "alerts", hash: "#/alerts", label: "nav.alerts", roles: ["responder", "admin"] },
  { id: "applications", hash: "#/applications", label: "audit.nav.applications", roles: ["auditor", "admin"] },
  { id: "complaints", hash: "#/complaints", label: "audit.nav.complaints", roles: ["auditor", "admin"] },
  { id: "partners", hash: "#/partners", label: "nav.partners", roles: ["admin"] },
  { id: "referrals", hash: "#/referrals", label: "nav.referrals", roles: ["partner"] },
];

export function screensFor(role: Role): Screen[] {
  return SCREENS.filter((screen) => screen.roles.includes(role));
}
