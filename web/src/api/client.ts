// The one way the console reaches the API: openapi-fetch over the types generated from
// docs/openapi.json (schema.d.ts), so a call that the contract does not allow fails the type check.
import createClient, { type Middleware } from "openapi-fetch";

import { currentToken, expireSession } from "../console/session";
import type { components, paths } from "./schema";

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

const auth: Middleware = {
  onRequest({ request }) {
    const token = currentToken();
    if (token) request.headers.set("Authorization", `Bearer ${token}`);
    return request;
  },
  onResponse({ response }) {
    // An expired or revoked token: back to sign-in (the session says why).
    if (response.status === 401) expireSession();
    return response;
  },
};

function timedFetch(input: Request): Promise<Response> {
  return fetch(input, { signal: AbortSignal.timeout(TIMEOUT_MS) });
}

export const api = createClient<paths>({ baseUrl: "", fetch: timedFetch });
api.use(auth);

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
