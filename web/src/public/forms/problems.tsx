// What the pages of the public app share about a refused form: the fields the API named (shown
// next to each field in the person's own words by the page), the rest listed in one summary, and
// the Idempotency-Key that makes a retried submit safe.
import { type Failure, fieldErrors } from "../api";
import { language, t } from "../i18n";

/** The fields a validation problem names, with the API's own words for each. */
export function refusedFields(failure: Failure | null): Record<string, string> {
  if (!failure || failure.kind !== "problem" || failure.status !== 422) return {};
  return fieldErrors(failure);
}

/**
 * The API's messages for the fields ``shown`` does not cover (the page shows those itself), so no
 * refusal goes unsaid; the API's text is the detail, as nothing better is known.
 */
export function OtherRefusals(props: { refused: Record<string, string>; shown: readonly string[] }) {
  const rest = Object.entries(props.refused).filter(
    ([field]) => !props.shown.some((name) => field === name || field.startsWith(`${name}.`)),
  );
  if (rest.length === 0) return null;
  return (
    <div role="alert">
      <p>{t("forms.refused")}</p>
      <ul>
        {rest.map(([field, message]) => (
          <li key={field}>
            <span lang="en">{message}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * The Idempotency-Key of a submit: the same for the same body (a retry after a timeout cannot file
 * twice), a new one once the person changes what they send (the API refuses a key reused for
 * another body).
 */
export function idempotencyKeys(storedAs?: string): (body: unknown) => string {
  let last: { body: string; key: string } | null = null;
  return (body) => {
    const text = JSON.stringify(body);
    // Kept in this tab's sessionStorage when asked, so a retry after a reload is the same submit.
    if (!last && storedAs) last = stored(storedAs);
    if (last?.body !== text) {
      last = { body: text, key: crypto.randomUUID() };
      if (storedAs) store(storedAs, last);
    }
    return last.key;
  };
}

function stored(name: string): { body: string; key: string } | null {
  try {
    return JSON.parse(sessionStorage.getItem(name) ?? "null") as { body: string; key: string } | null;
  } catch {
    return null;
  }
}

function store(name: string, value: { body: string; key: string }): void {
  try {
    sessionStorage.setItem(name, JSON.stringify(value));
  } catch {
    // Kept in memory only.
  }
}

/** A calendar date (``2029-01-14``) in the person's language. */
export function formatDate(isoDate: string): string {
  const when = new Date(isoDate.length === 10 ? `${isoDate}T12:00:00Z` : isoDate);
  return Number.isNaN(when.getTime())
    ? isoDate
    : new Intl.DateTimeFormat(language(), { dateStyle: "long", timeZone: "UTC" }).format(when);
}
