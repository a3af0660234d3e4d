// The signed-in session lives in memory only: never localStorage, sessionStorage or a cookie.
// Reloading the page signs the user out, by design (ADR 0026).

export const ROLES = ["responder", "auditor", "admin", "recruiter", "partner"] as const;
export type Role = (typeof ROLES)[number];

export interface Session {
  token: string;
  role: Role;
  subject: string;
  expiresAt: number; // ms since the epoch
}

export type SignOutReason = "signed-out" | "expired";

let session: Session | null = null;
let lastReason: SignOutReason | null = null;
const listeners = new Set<() => void>();

function notify(): void {
  for (const listener of listeners) listener();
}

export function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function claims(token: string): Record<string, unknown> {
  const payload = token.split(".")[1] ?? "";
  const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
  const parsed: unknown = JSON.parse(json);
  return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
}

/** Starts a session from a bearer token (its role is the first known Cognito group). */
export function startSession(token: string): Session {
  const c = claims(token);
  const groups = Array.isArray(c["cognito:groups"]) ? (c["cognito:groups"] as unknown[]) : [];
  const role = ROLES.find((r) => groups.includes(r));
  if (!role) throw new Error("token without a known role");
  session = {
    token,
    role,
    subject: typeof c.sub === "string" ? c.sub : "",
    expiresAt: typeof c.exp === "number" ? c.exp * 1000 : Date.now(),
  };
  lastReason = null;
  notify();
  return session;
}

export function currentSession(): Session | null {
  if (session && session.expiresAt <= Date.now()) expireSession();
  return session;
}

export function currentToken(): string | null {
  return currentSession()?.token ?? null;
}

export function endSession(reason: SignOutReason = "signed-out"): void {
  if (!session) return;
  session = null;
  lastReason = reason;
  notify();
}

export function expireSession(): void {
  endSession("expired");
}

export function signOutReason(): SignOutReason | null {
  return lastReason;
}
