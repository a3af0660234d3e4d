// The development sign-in of local mode. Not an API call: the local gateway alone answers
// /console/dev/* (local/static_site.py); in AWS the console signs in with Cognito instead.
import type { Outcome, Problem } from "../api/client";

/** The console's runtime configuration: local/static_site.py locally, written by CDK in AWS. */
export interface SignInConfig {
  signIn: "development" | "hosted" | "none";
  /** Hosted sign-in: the authorization server's origin (the Cognito domain) and client id. */
  authDomain?: string;
  clientId?: string;
  /** A MapLibre style URL for the map's tiles (AWS); without it the bundled basemap. */
  tileStyleUrl?: string;
}

export async function loadConfig(): Promise<Outcome<SignInConfig>> {
  return request<SignInConfig>("/console/config.json", { method: "GET" });
}

export async function devToken(body: {
  role: string;
  org_id?: string;
  partner_id?: string;
}): Promise<Outcome<{ token: string }>> {
  return request<{ token: string }>("/console/dev/token", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

async function request<T>(url: string, init: RequestInit): Promise<Outcome<T>> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000), credentials: "omit" });
  } catch (thrown) {
    const timedOut = thrown instanceof Error && thrown.name === "TimeoutError";
    return { ok: false, failure: timedOut ? { kind: "timeout" } : { kind: "network" } };
  }
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (response.ok && body !== null) return { ok: true, data: body as T, response };
  const problem = (body as Problem | null) ?? {
    type: "about:blank",
    title: String(response.status),
    status: response.status,
    detail: "",
  };
  return { ok: false, failure: { kind: "problem", status: response.status, problem }, response };
}
