// Evidence files sent to the presigned POST the API answered with (multipart form: the fields,
// then the file), one at a time, each with its own outcome so a failed one is retried alone.
import type { Schemas } from "../api";

export type Upload = Schemas["Upload"];
export type UploadState = "waiting" | "sending" | "sent" | "failed" | "expired";

export const ACCEPTED = ["image/jpeg", "image/png", "application/pdf"] as const;
export type EvidenceType = (typeof ACCEPTED)[number];
export const MAX_FILES = 5;
export const MAX_BYTES = 10 * 1024 * 1024;
/** A file of this size on a slow phone connection can take a while. */
const UPLOAD_TIMEOUT_MS = 120_000;

export function evidenceType(file: File): EvidenceType | null {
  return (ACCEPTED as readonly string[]).includes(file.type) ? (file.type as EvidenceType) : null;
}

export async function send(upload: Upload, file: File): Promise<UploadState> {
  if (Date.parse(upload.expires_at) <= Date.now()) return "expired";
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
  form.append("file", file);
  try {
    const answer = await fetch(upload.url, {
      method: "POST",
      body: form,
      signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS),
    });
    return answer.ok ? "sent" : "failed";
  } catch {
    return "failed";
  }
}
