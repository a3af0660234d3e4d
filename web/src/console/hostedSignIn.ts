// Sign-in through an OAuth 2.0 authorization server with Cognito's paths: the user pool's hosted
// UI in AWS, a test's server locally (ADR 0030). Authorization code flow with PKCE (S256) and a
// state checked on return. The tokens stay in this module's memory and the session's; only the
// one-time verifier and state wait in sessionStorage across the redirect, and are removed on
// return (they are worthless once the code is redeemed).
import type { Failure, Outcome } from "../api/client";
import type { SignInConfig } from "./devSignIn";
import { currentSession, endSession, startSession, subscribe } from "./session";

const PENDING_KEY = "haven.console.pkce";
const SCOPES = "openid email profile";
/** Tokens are renewed this long before they expire. */
const REFRESH_AHEAD_MS = 60_000;
const TIMEOUT_MS = 10_000;

export interface HostedConfig {
  authDomain: string;
  clientId: string;
}

interface TokenAnswer {
  id_token: string;
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
}

let refreshToken: string | null = null;
let refreshTimer: ReturnType<typeof setTimeout> | null = null;
let hosted: HostedConfig | null = null;

// Signing out, or a 401 ending the session, forgets the refresh token too.
subscribe(() => {
  if (currentSession() === null) forget();
});

export function hostedConfig(config: SignInConfig): HostedConfig | null {
  if (config.signIn !== "hosted" || !config.authDomain || !config.clientId) return null;
  return { authDomain: config.authDomain.replace(/\/+$/, ""), clientId: config.clientId };
}

function redirectUri(): string {
  return `${location.origin}/console/`;
}

function base64url(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomText(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** Leaves for the authorization server's sign-in page. */
export async function beginSignIn(config: HostedConfig): Promise<void> {
  const verifier = randomText();
  const state = randomText();
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state }));
  const query = new URLSearchParams({
    response_type: "code",
    client_id: config.clientId,
    redirect_uri: redirectUri(),
    scope: SCOPES,
    state,
    code_challenge: await challengeOf(verifier),
    code_challenge_method: "S256",
  });
  location.assign(`${config.authDomain}/oauth2/authorize?${query.toString()}`);
}

/** Whether this page is the authorization server's redirect back (a code or an error). */
export function isReturn(): boolean {
  const query = new URLSearchParams(location.search);
  return query.has("state") && (query.has("code") || query.has("error"));
}

export type ReturnFailure = { kind: "state" } | { kind: "refused"; reason: string } | { kind: "exchange"; failure: Failure };

/** Completes a return: checks the state, redeems the code with the verifier, starts the session. */
export async function completeSignIn(config: HostedConfig): Promise<ReturnFailure | null> {
  const query = new URLSearchParams(location.search);
  const pendingText = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  // The code and state leave the address bar (and the history) whatever happens next.
  history.replaceState(null, "", `${location.pathname}${location.hash}`);
  let pending: { verifier?: unknown; state?: unknown } = {};
  try {
    pending = pendingText ? (JSON.parse(pendingText) as typeof pending) : {};
  } catch {
    pending = {};
  }
  if (typeof pending.state !== "string" || typeof pending.verifier !== "string" || pending.state !== query.get("state")) {
    return { kind: "state" };
  }
  const error = query.get("error");
  if (error) return { kind: "refused", reason: query.get("error_description") || error };
  const outcome = await tokenRequest(config, {
    grant_type: "authorization_code",
    client_id: config.clientId,
    code: query.get("code") ?? "",
    redirect_uri: redirectUri(),
    code_verifier: pending.verifier,
  });
  if (!outcome.ok) return { kind: "exchange", failure: outcome.failure };
  try {
    begin(config, outcome.data);
  } catch {
    return { kind: "refused", reason: "" };
  }
  return null;
}

function begin(config: HostedConfig, answer: TokenAnswer): void {
  if (answer.refresh_token) refreshToken = answer.refresh_token;
  hosted = config;
  const session = startSession(answer.id_token);
  schedule(session.expiresAt);
}

function schedule(expiresAt: number): void {
  if (refreshTimer !== null) clearTimeout(refreshTimer);
  const wait = Math.max(expiresAt - Date.now() - REFRESH_AHEAD_MS, 1_000);
  refreshTimer = setTimeout(() => void refresh(), wait);
}

/** Renews the tokens with the refresh token; on failure the session runs out as it would. */
export async function refresh(): Promise<boolean> {
  refreshTimer = null;
  if (!hosted || !refreshToken || currentSession() === null) return false;
  const outcome = await tokenRequest(hosted, {
    grant_type: "refresh_token",
    client_id: hosted.clientId,
    refresh_token: refreshToken,
  });
  if (currentSession() === null) return false;
  if (!outcome.ok) {
    // A network error may pass: try again once more before the tokens expire.
    if (outcome.failure.kind !== "problem") refreshTimer = setTimeout(() => void refresh(), 15_000);
    return false;
  }
  begin(hosted, outcome.data);
  return true;
}

/**
 * Signs out here and, after a hosted sign-in, of the hosted UI's session too (its /logout),
 * so that the next person on a shared device must sign in themselves.
 */
export function signOut(): void {
  const config = hosted;
  endSession();
  if (!config) return;
  const query = new URLSearchParams({ client_id: config.clientId, logout_uri: redirectUri() });
  location.assign(`${config.authDomain}/logout?${query.toString()}`);
}

function forget(): void {
  refreshToken = null;
  hosted = null;
  if (refreshTimer !== null) clearTimeout(refreshTimer);
  refreshTimer = null;
}

async function tokenRequest(config: HostedConfig, form: Record<string, string>): Promise<Outcome<TokenAnswer>> {
  let response: Response;
  try {
    response = await fetch(`${config.authDomain}/oauth2/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
      credentials: "omit",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (thrown) {
    const timedOut = thrown instanceof Error && thrown.name === "TimeoutError";
    return { ok: false, failure: timedOut ? { kind: "timeout" } : { kind: "network" } };
  }
  let body: Record<string, unknown> = {};
  try {
    body = (await response.json()) as Record<string, unknown>;
  } catch {
    body = {};
  }
  if (response.ok && typeof body.id_token === "string") return { ok: true, data: body as unknown as TokenAnswer, response };
  const title = typeof body.error === "string" ? body.error : String(response.status);
  const detail = typeof body.error_description === "string" ? body.error_description : "";
  return {
    ok: false,
    failure: { kind: "problem", status: response.status, problem: { type: "about:blank", title, status: response.status, detail } },
    response,
  };
}
