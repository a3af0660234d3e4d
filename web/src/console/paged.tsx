// One way every queue of the console pages with the API's cursor: the first page when the query
// changes, "Show more" for the next, an answer to an older query dropped, a failure kept beside
// the rows already shown (with a retry of what failed).
import { useEffect, useRef, useState } from "preact/hooks";

import type { Failure, Outcome } from "../api/client";
import { t } from "../i18n";

export interface PageOf<T> {
  items: T[];
  cursor?: string | null;
}

export interface Paged<T> {
  /** Every row read so far; null until the first page answers (or after the query changed). */
  items: T[] | null;
  failure: Failure | null;
  busy: boolean;
  /** The next page's cursor, or null on the last page. */
  cursor: string | null;
  /** Reads the next page (after the rows shown), or the first again after a failed first read. */
  more: () => void;
  /** Reads the first page again (the rows shown stay until it answers). */
  reload: () => void;
}

/**
 * Pages of ``read(cursor)`` for the query ``deps`` name: the first page whenever they change.
 * ``read`` is the call of the generated client (``call(() => api.GET(...))``).
 */
export function usePaged<T>(read: (cursor: string | null) => Promise<Outcome<PageOf<T>>>, deps: unknown[]): Paged<T> {
  const [items, setItems] = useState<T[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const generation = useRef(0);
  const latestRead = useRef(read);
  latestRead.current = read;
  const shown = useRef<T[] | null>(null);
  shown.current = items;

  const load = async (after: string | null) => {
    const mine = ++generation.current;
    setBusy(true);
    setFailure(null);
    const outcome = await latestRead.current(after);
    if (mine !== generation.current) return; // the query changed meanwhile
    setBusy(false);
    if (!outcome.ok) {
      setFailure(outcome.failure);
      return;
    }
    const page = outcome.data.items;
    setItems(after && shown.current ? [...shown.current, ...page] : page);
    setCursor(outcome.data.cursor ?? null);
  };

  useEffect(() => {
    setItems(null);
    setCursor(null);
    void load(null);
  }, deps);

  return {
    items,
    failure,
    busy,
    cursor,
    more: () => void load(items === null ? null : cursor),
    reload: () => void load(null),
  };
}

/** "Show more" while the API says more follow. */
export function MoreButton<T>(props: { paged: Paged<T> }) {
  const { paged } = props;
  if (!paged.cursor || paged.items === null) return null;
  return (
    <button type="button" disabled={paged.busy} onClick={paged.more}>
      {t("action.more")}
    </button>
  );
}
