// The offline outbox: what a person sends (a report, later a complaint) is first written here,
// in IndexedDB, with the Idempotency-Key it will always be sent with, and its files as Blobs. It
// is sent when the network allows — at once, on the `online` event, when the app starts (after a
// reload or a crash too), and on a retry with back-off — and never twice: the API answers a
// repeated key with the first answer (functions/api/chalicelib/http.py), one tab at a time sends
// (Web Locks), and an item is marked sent in the same step that stores the answer.
//
// An item's files are uploaded with the presigned POSTs the API answered (`uploads` of the
// answer, one per declared file, in order); a failed upload is retried, and one that cannot
// succeed (refused by the storage, or its upload link expired) is kept with the reason, so the
// page can say which file and why.
//
// Generic: an item is a kind, a request (method, path, the exact body text) and files.

/** One file of an item, as a Blob (IndexedDB stores Blobs as they are). */
export type OutboxFile = { name: string; type: string; blob: Blob };

/** The presigned POST of one file, as the API answers it. */
export type PresignedUpload = { url: string; fields: Record<string, string>; max_bytes: number; expires_at: string };

export type FileState =
  | { state: "waiting" }
  | { state: "uploaded" }
  | { state: "failed"; reason: "refused" | "expired" | "too_large" | "gave_up"; status?: number };

export type ItemState = "waiting" | "sent" | "refused";

export type OutboxItem = {
  /** Also the request's Idempotency-Key: made once, when the item is written. */
  id: string;
  kind: string;
  request: { method: "POST"; path: string; body: string };
  files: OutboxFile[];
  createdAt: string;
  state: ItemState;
  attempts: number;
  /** Tries of the uploads (counted apart: a report may wait offline through many attempts). */
  uploadAttempts?: number;
  /** Epoch milliseconds before which no new attempt is made (back-off). */
  nextAttemptAt: number;
  /** The API's answer once accepted (its JSON), and its status. */
  answer?: unknown;
  /** A refusal the request itself caused (4xx but 408/409/429): its problem document. */
  problem?: unknown;
  fileStates: FileState[];
  /** What the page wants to show about it later (e.g. its category), never sent. */
  label?: string;
};

const DB_NAME = "haven-outbox";
const STORE = "items";
const LOCK = "haven-outbox-send";
/** Back-off: 2 s, 4 s, 8 s ... at most 5 minutes. */
const FIRST_DELAY_MS = 2_000;
const MAX_DELAY_MS = 300_000;
/** An upload is tried this many times before the person is told it failed. */
const MAX_UPLOAD_ATTEMPTS = 5;
const TIMEOUT_MS = 30_000;

let opened: Promise<IDBDatabase> | null = null;

function database(): Promise<IDBDatabase> {
  opened ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "id" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => {
      opened = null;
      reject(request.error);
    };
  });
  return opened;
}

function run<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  return database().then(
    (db) =>
      new Promise<T>((resolve, reject) => {
        const transaction = db.transaction(STORE, mode);
        const request = work(transaction.objectStore(STORE));
        transaction.oncomplete = () => resolve(request.result);
        transaction.onerror = () => reject(transaction.error);
        transaction.onabort = () => reject(transaction.error);
      }),
  );
}

export async function items(kind?: string): Promise<OutboxItem[]> {
  const all = await run<OutboxItem[]>("readonly", (store) => store.getAll());
  return all.filter((item) => kind === undefined || item.kind === kind).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export async function item(id: string): Promise<OutboxItem | undefined> {
  return run<OutboxItem | undefined>("readonly", (store) => store.get(id));
}

async function save(value: OutboxItem): Promise<void> {
  await run("readwrite", (store) => store.put(value));
  changed();
}

/** Forgets an item (after the person kept what they needed of it). */
export async function remove(id: string): Promise<void> {
  await run("readwrite", (store) => store.delete(id));
  changed();
}

const listeners = new Set<() => void>();

/** Calls ``listener`` after every change of the outbox (here or in another tab); returns the unsubscribe. */
export function onOutboxChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const channel = typeof BroadcastChannel === "undefined" ? null : new BroadcastChannel(DB_NAME);
if (channel) channel.onmessage = () => listeners.forEach((listener) => listener());

function changed(): void {
  listeners.forEach((listener) => listener());
  channel?.postMessage("changed");
}

/** Writes a request to the outbox (its Idempotency-Key made now) and starts sending it. */
export async function enqueue(kind: string, request: { path: string; body: unknown }, files: OutboxFile[] = [], label?: string): Promise<OutboxItem> {
  const written: OutboxItem = {
    id: crypto.randomUUID(),
    kind,
    request: { method: "POST", path: request.path, body: JSON.stringify(request.body) },
    files,
    createdAt: new Date().toISOString(),
    state: "waiting",
    attempts: 0,
    nextAttemptAt: 0,
    fileStates: files.map(() => ({ state: "waiting" })),
  };
  if (label !== undefined) written.label = label;
  await save(written);
  void flush();
  return written;
}

/** The uploads the answer of an item carries (`uploads`, in the order the files were declared). */
function uploadsOf(answer: unknown): PresignedUpload[] {
  const uploads = (answer as { uploads?: PresignedUpload[] } | undefined)?.uploads;
  return Array.isArray(uploads) ? uploads : [];
}

function backOff(attempts: number): number {
  return Date.now() + Math.min(FIRST_DELAY_MS * 2 ** Math.max(attempts - 1, 0), MAX_DELAY_MS);
}

type Sent = { kind: "answer"; status: number; body: unknown } | { kind: "unreachable" };

async function send(request: OutboxItem["request"], key: string): Promise<Sent> {
  try {
    const response = await fetch(request.path, {
      method: request.method,
      headers: { "Content-Type": "application/json", "Idempotency-Key": key },
      body: request.body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    let body: unknown = null;
    try {
      body = await response.json();
    } catch {
      // A body that is not JSON: the status alone says what happened.
    }
    return { kind: "answer", status: response.status, body };
  } catch {
    return { kind: "unreachable" };
  }
}

/** Whether the same request may succeed later (the network, the server, a key in progress). */
function transient(status: number): boolean {
  return status >= 500 || status === 408 || status === 409 || status === 429;
}

async function upload(file: OutboxFile, to: PresignedUpload): Promise<FileState | "retry"> {
  if (Date.parse(to.expires_at) < Date.now()) return { state: "failed", reason: "expired" };
  if (file.blob.size > to.max_bytes) return { state: "failed", reason: "too_large" };
  const form = new FormData();
  for (const [name, value] of Object.entries(to.fields)) form.append(name, value);
  form.append("file", file.blob, file.name);
  try {
    const response = await fetch(to.url, { method: "POST", body: form, signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (response.ok) return { state: "uploaded" };
    if (response.status >= 500 || response.status === 429) return "retry";
    // S3 answers 403 to an expired policy, 400 to a file its policy refuses.
    return { state: "failed", reason: response.status === 403 ? "expired" : "refused", status: response.status };
  } catch {
    return "retry";
  }
}

/** One attempt at one item: its request if not yet accepted, then each file still waiting. */
async function attempt(current: OutboxItem): Promise<OutboxItem> {
  const next: OutboxItem = { ...current, attempts: current.attempts + 1 };
  if (next.answer === undefined) {
    const sent = await send(next.request, next.id);
    if (sent.kind === "unreachable" || transient(sent.status)) {
      next.nextAttemptAt = backOff(next.attempts);
      return next;
    }
    if (sent.status < 200 || sent.status >= 300) {
      next.state = "refused";
      next.problem = sent.body;
      return next;
    }
    next.answer = sent.body;
    // Saved before any upload: a crash now resends the same key, which replays this answer.
    await save(next);
  }
  const uploads = uploadsOf(next.answer);
  const uploadAttempts = (next.uploadAttempts ?? 0) + 1;
  next.uploadAttempts = uploadAttempts;
  let retry = false;
  next.fileStates = await Promise.all(
    next.files.map(async (file, n): Promise<FileState> => {
      const state = next.fileStates[n] ?? { state: "waiting" };
      if (state.state !== "waiting") return state;
      const to = uploads[n];
      if (!to) return { state: "failed", reason: "refused" };
      const result = await upload(file, to);
      if (result !== "retry") return result;
      if (uploadAttempts >= MAX_UPLOAD_ATTEMPTS) return { state: "failed", reason: "gave_up" };
      retry = true;
      return state;
    }),
  );
  if (retry) {
    next.nextAttemptAt = backOff(uploadAttempts);
    return next;
  }
  next.state = "sent";
  // What the person wrote is no longer needed once accepted (the API keeps it): the body (their
  // words, a contact they left) and the files go; the answer and the files' names stay.
  next.request = { ...next.request, body: "" };
  next.files = next.files.map((file) => ({ ...file, blob: new Blob([]) }));
  return next;
}

let timer: ReturnType<typeof setTimeout> | undefined;
let flushing: Promise<void> | null = null;

/** Sends every item due now; schedules the next attempt of those that must wait. */
export function flush(): Promise<void> {
  flushing ??= sendDue().finally(() => {
    flushing = null;
  });
  return flushing;
}

async function sendDue(): Promise<void> {
  const work = async () => {
    for (const waiting of await items()) {
      if (waiting.state !== "waiting" || waiting.nextAttemptAt > Date.now()) continue;
      // Read again inside the lock: another tab may have sent it meanwhile.
      const fresh = await item(waiting.id);
      if (!fresh || fresh.state !== "waiting") continue;
      await save(await attempt(fresh));
    }
  };
  try {
    if (navigator.locks) await navigator.locks.request(LOCK, work);
    else await work();
  } catch {
    // IndexedDB unavailable (private mode in some browsers): nothing can wait here.
  }
  schedule();
}

async function schedule(): Promise<void> {
  clearTimeout(timer);
  const due = (await items().catch(() => [] as OutboxItem[]))
    .filter((waiting) => waiting.state === "waiting")
    .map((waiting) => waiting.nextAttemptAt);
  if (due.length) timer = setTimeout(() => void flush(), Math.max(Math.min(...due) - Date.now(), 250));
}

/** Tries every waiting item now, whatever its back-off says (the person's "try again now"). */
export async function retryNow(): Promise<void> {
  const waiting = (await items()).filter((w) => w.state === "waiting");
  await Promise.all(waiting.map((w) => save({ ...w, nextAttemptAt: 0 })));
  await flush();
}

let started = false;

/** Sends what is waiting now, and again whenever the network comes back. */
export function startOutbox(): void {
  if (started) return;
  started = true;
  // Back online: whatever waits is due now, whatever its back-off said.
  addEventListener("online", () => void retryNow().catch(() => undefined));
  void flush();
}
