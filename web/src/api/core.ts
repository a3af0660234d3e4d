// What every web app shares about reaching the API: the types generated from docs/openapi.json
// (schema.d.ts), a fetch that gives up after TIMEOUT_MS, and one way to fold every failure of a
// call (a problem document, a network error, a timeout) into a value the page can show.
import type { components, paths } from "./schema";

export type { paths };

export type Schemas = components["schemas"];
export type Problem = Schemas["Problem"];
export type FieldError = NonNullable<Problem["errors"]>[number];
export type Incident = Schemas["Incident"];
export type IncidentWithReports = Schemas["IncidentWithReports"];
export type IncidentPatch = Schemas["IncidentPatch"];
export type OpsReport = Schemas["OpsReport"];
export type IncidentQuery = NonNullable<paths["/v1/ops/incidents"]["get"]["parameters"]["query"]>;
export type IncidentStatus = NonNullable<IncidentQuery["status"]>;
export type Hazard = NonNullable<IncidentQuery["hazard"]>;
export type Category = NonNullable<IncidentQuery["category"]>;

/** A request that has not answered in this long is abandoned and shown as a timeout. */
export const TIMEOUT_MS = 10_000;

export type Failure =
  | { kind: "problem"; status: number; problem: Problem }
  | { kind: "network" }
  | { kind: "timeout" };

export type Outcome<T> =
  | { ok: true; data: T; response: Response }
  | { ok: false; failure: Failure; response?: Response };

/** ``fetch`` that abandons a request after ``TIMEOUT_MS`` (shown as a timeout, with a retry). */
export function timedFetch(input: Request): Promise<Response> {
  return fetch(input, { signal: AbortSignal.timeout(TIMEOUT_MS) });
}

function isProblem(value: unknown): value is Problem {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Problem).status === "number" &&
    typeof (value as Problem).title === "string"
  );
}

/**
 * Runs one generated-client call and folds every way it can fail into a ``Failure``: a problem
 * document (or a bare status when the body is not one), a network error or a timeout.
 */
export async function call<T>(
  run: () => Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<Outcome<T>> {
  try {
    const { data, error, response } = await run();
    if (response.ok && data !== undefined) return { ok: true, data, response };
    const problem: Problem = isProblem(error)
      ? error
      : { type: "about:blank", title: response.statusText || String(response.status), status: response.status, detail: "" };
    return { ok: false, failure: { kind: "problem", status: response.status, problem }, response };
  } catch (thrown) {
    const name = thrown instanceof Error ? thrown.name : "";
    if (name === "TimeoutError" || name === "AbortError") return { ok: false, failure: { kind: "timeout" } };
    return { ok: false, failure: { kind: "network" } };
  }
}

/** The message of each field a validation problem names, by field. */
export function fieldErrors(failure: Failure | null): Record<string, string> {
  if (!failure || failure.kind !== "problem") return {};
  const out: Record<string, string> = {};
  for (const error of failure.problem.errors ?? []) out[error.field] = error.message;
  return out;
}
