// The status area of the outbox: what is waiting to be sent (and why: no network, or a retry
// soon), what was sent (with its tracking code, until the person says they kept it), what was
// refused, and each file that could not be sent and why. A live region, so a screen reader hears
// when something leaves.
import { useEffect, useState } from "preact/hooks";

import { formatTime, type MessageKey, t } from "../i18n";
import { KeepCode } from "./KeepCode";
import { KINDS } from "./kinds";
import { type FileState, type OutboxItem, items, onOutboxChange, remove, retryNow } from "./outbox";
import { applyUpdate, onUpdateWaiting, updateWaiting } from "./serviceWorker";

function useOnline(): boolean {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    addEventListener("online", update);
    addEventListener("offline", update);
    return () => {
      removeEventListener("online", update);
      removeEventListener("offline", update);
    };
  }, []);
  return online;
}

export function useOutbox(): OutboxItem[] {
  const [all, setAll] = useState<OutboxItem[]>([]);
  useEffect(() => {
    let live = true;
    const load = () =>
      void items().then(
        (found) => live && setAll(found),
        () => undefined,
      );
    load();
    const off = onOutboxChange(load);
    return () => {
      live = false;
      off();
    };
  }, []);
  return all;
}

const FILE_REASONS: Record<Exclude<FileState, { state: "waiting" } | { state: "uploaded" }>["reason"], MessageKey> = {
  refused: "offline.file.refused",
  expired: "offline.file.expired",
  too_large: "offline.file.too_large",
  gave_up: "offline.file.gave_up",
};

function problemDetail(problem: unknown): string {
  const p = problem as { detail?: unknown; title?: unknown } | null;
  return typeof p?.detail === "string" && p.detail ? p.detail : typeof p?.title === "string" ? p.title : "";
}

function Item({ entry, online }: { entry: OutboxItem; online: boolean }) {
  const view = KINDS[entry.kind];
  const when = formatTime(entry.createdAt);
  const tracking = entry.answer !== undefined ? view?.tracking(entry.answer) : null;
  // Refused once the form was gone: the person's words stay readable, to copy or send again.
  const written = entry.state === "refused" ? view?.written(entry.request.body) : null;
  const failedFiles = entry.files
    .map((file, n) => ({ file, state: entry.fileStates[n] }))
    .filter((f): f is { file: (typeof entry.files)[number]; state: Extract<FileState, { state: "failed" }> } => f.state?.state === "failed");
  const pendingFiles = entry.fileStates.filter((s) => s.state === "waiting").length;
  return (
    <li class={`outbox-item outbox-${entry.state}`}>
      {entry.state === "waiting" ? (
        <>
          <p>{t(view?.waiting ?? "offline.item.waiting", { when })}</p>
          <p class="hint">
            {entry.answer === undefined
              ? t(online ? "offline.state.retrying" : "offline.state.no_network")
              : t("offline.state.uploading", { count: pendingFiles })}
          </p>
          {online ? (
            <button type="button" class="secondary" onClick={() => void retryNow()}>
              {t("offline.item.retry")}
            </button>
          ) : null}
        </>
      ) : entry.state === "sent" ? (
        <p>
          <strong>{t(view?.sent ?? "offline.item.sent", { when })}</strong>
        </p>
      ) : (
        <>
          <p>
            <strong>{t("offline.item.refused", { when, detail: problemDetail(entry.problem) })}</strong>
          </p>
          {written ? (
            <details>
              <summary>{t("offline.item.written")}</summary>
              <p class="written">{written}</p>
            </details>
          ) : null}
        </>
      )}
      {failedFiles.length ? (
        <ul class="outbox-files">
          {failedFiles.map(({ file, state }) => (
            <li key={file.name}>{t(FILE_REASONS[state.reason], { name: file.name })}</li>
          ))}
        </ul>
      ) : null}
      {tracking ? <KeepCode id={`code-${entry.id}`} {...tracking} /> : null}
      {entry.state !== "waiting" ? (
        <button type="button" class="secondary" onClick={() => void remove(entry.id)}>
          {t(tracking ? "offline.item.kept" : "offline.item.dismiss")}
        </button>
      ) : null}
    </li>
  );
}

/** The outbox's status, and the offer to reload into a new version of the app. */
export function OutboxStatus() {
  const all = useOutbox();
  const online = useOnline();
  const [update, setUpdate] = useState(updateWaiting);
  useEffect(() => onUpdateWaiting(() => setUpdate(true)), []);
  const waiting = all.filter((entry) => entry.state === "waiting").length;
  return (
    <section class="outbox" aria-labelledby="outbox-title" hidden={!all.length && online && !update}>
      <h2 id="outbox-title" class="visually-hidden">
        {t("offline.title")}
      </h2>
      <div role="status" aria-live="polite">
        {!online ? <p class="offline-note">{t("offline.offline")}</p> : null}
        {waiting ? <p>{t("offline.waiting_count", { count: waiting })}</p> : null}
      </div>
      {all.length ? (
        <ul class="outbox-list">
          {all.map((entry) => (
            <Item key={entry.id} entry={entry} online={online} />
          ))}
        </ul>
      ) : null}
      {update ? (
        <p>
          {t("offline.update.ready")}{" "}
          <button type="button" onClick={applyUpdate}>
            {t("offline.update.reload")}
          </button>
        </p>
      ) : null}
    </section>
  );
}
