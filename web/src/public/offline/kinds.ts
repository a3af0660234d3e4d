// What the status area says about each kind of outbox item: its name, and the tracking code the
// API answered (if that kind has one), with the page to follow it. Another kind (a complaint)
// is one more entry here.
import { type MessageKey, t } from "../i18n";
import { href } from "../router";

export type Tracking = { reference: string; code: string; link: string; fileName: string; fileText: string };

export type KindView = {
  waiting: MessageKey;
  sent: MessageKey;
  tracking: (answer: unknown) => Tracking | null;
  /** The person's own words in a request (its exact body), shown if it is refused later. */
  written: (body: string) => string | null;
};

function reportWritten(body: string): string | null {
  try {
    const description = (JSON.parse(body) as { description?: unknown }).description;
    return typeof description === "string" && description ? description : null;
  } catch {
    return null;
  }
}

function reportTracking(answer: unknown): Tracking | null {
  const accepted = answer as { report_id?: unknown; tracking_token?: unknown } | null;
  if (typeof accepted?.report_id !== "string" || typeof accepted.tracking_token !== "string") return null;
  const link = href("report-status", { id: accepted.report_id, token: accepted.tracking_token });
  const absolute = `${location.origin}/${link}`;
  return {
    reference: accepted.report_id,
    code: accepted.tracking_token,
    link,
    fileName: "haven-report.txt",
    fileText: t("report.keep.file", { id: accepted.report_id, code: accepted.tracking_token, link: absolute }),
  };
}

export const KINDS: Record<string, KindView> = {
  report: { waiting: "offline.report.waiting", sent: "offline.report.sent", tracking: reportTracking, written: reportWritten },
};
