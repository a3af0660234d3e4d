// The PFIF statuses a member of the public may give, and how each is said.
import type { Schemas } from "../api";
import { t } from "../i18n";

export type NoteStatus = NonNullable<Schemas["NoteIn"]["status"]>;

/** Every status but ``believed_dead``: only responders may record a death (the API says 403). */
export const PUBLIC_STATUSES = [
  "is_note_author",
  "believed_alive",
  "believed_missing",
  "information_sought",
] as const satisfies readonly NoteStatus[];

const KNOWN: readonly string[] = [...PUBLIC_STATUSES, "believed_dead"];

/** The latest status of a record in words ("no news yet" when none was given). */
export function statusText(status: string | null): string {
  if (status === null || !KNOWN.includes(status)) return t("people.status.none");
  return t(`people.status.${status as NoteStatus}` as const);
}
