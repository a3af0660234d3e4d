// Every page of the public app, declared once: its route, its title and summary in the catalogs,
// the group the home page lists it under, and how its code loads. Pages load only when opened,
// so the first page a person opens ships only its own code (the map loads only where it is used).
import type { ComponentType } from "preact";

import type { MessageKey } from "./i18n";

export type PageName =
  | "report"
  | "report-status"
  | "alerts"
  | "people"
  | "recruiters"
  | "complain"
  | "complaint-status"
  | "guidance"
  | "evidence";

export type Group = "crisis" | "work" | "evidence";

export type PageProps = { params: URLSearchParams };

export type PageDeclaration = {
  name: PageName;
  path: string;
  group: Group;
  title: MessageKey;
  summary: MessageKey;
  load: () => Promise<ComponentType<PageProps>>;
};

export const pages: readonly PageDeclaration[] = [
  {
    name: "report",
    path: "/report",
    group: "crisis",
    title: "page.report.title",
    summary: "page.report.summary",
    load: async () => (await import("./pages/Report")).Report,
  },
  {
    name: "report-status",
    path: "/report/status",
    group: "crisis",
    title: "page.report-status.title",
    summary: "page.report-status.summary",
    load: async () => (await import("./pages/ReportStatus")).ReportStatus,
  },
  {
    name: "alerts",
    path: "/alerts",
    group: "crisis",
    title: "page.alerts.title",
    summary: "page.alerts.summary",
    load: async () => (await import("./pages/Alerts")).Alerts,
  },
  {
    name: "people",
    path: "/people",
    group: "crisis",
    title: "page.people.title",
    summary: "page.people.summary",
    load: async () => (await import("./pages/People")).People,
  },
  {
    name: "recruiters",
    path: "/recruiters",
    group: "work",
    title: "page.recruiters.title",
    summary: "page.recruiters.summary",
    load: async () => (await import("./pages/Recruiters")).Recruiters,
  },
  {
    name: "complain",
    path: "/complain",
    group: "work",
    title: "page.complain.title",
    summary: "page.complain.summary",
    load: async () => (await import("./pages/Complain")).Complain,
  },
  {
    name: "complaint-status",
    path: "/complain/status",
    group: "work",
    title: "page.complaint-status.title",
    summary: "page.complaint-status.summary",
    load: async () => (await import("./pages/ComplaintStatus")).ComplaintStatus,
  },
  {
    name: "guidance",
    path: "/guidance",
    group: "work",
    title: "page.guidance.title",
    summary: "page.guidance.summary",
    load: async () => (await import("./pages/Guidance")).Guidance,
  },
  {
    name: "evidence",
    path: "/evidence",
    group: "evidence",
    title: "page.evidence.title",
    summary: "page.evidence.summary",
    load: async () => (await import("./pages/Evidence")).Evidence,
  },
];

export const groups: readonly { group: Group; title: MessageKey }[] = [
  { group: "crisis", title: "home.group.crisis" },
  { group: "work", title: "home.group.work" },
  { group: "evidence", title: "home.group.evidence" },
];
