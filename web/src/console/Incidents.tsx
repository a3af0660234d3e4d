import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";

import { type Failure, type Hazard, type Incident, type IncidentStatus, api, call } from "../api/client";
import { formatTime, t } from "../i18n";
import { FailurePanel } from "./Failure";
import { IncidentMap } from "./IncidentMap";
import { HAZARDS, POLL_MS, STATUSES, WINDOWS, type WindowHours, label, severityColour } from "./vocabulary";

/** At most this many pages of 100 are read for the map and list on each refresh. */
const MAX_PAGES = 10;
/** The list shows this many rows at a time (the map shows every incident read). */
export const LIST_ROWS = 100;
/**
 * The time window's start moves in steps of this length. A cursor is signed for its query,
 * ``since`` included (haven.cursor): a start recomputed from the clock on every poll made the
 * second page's kept cursor a 422 on every poll, shown as a failure with the list drawn again.
 */
const SINCE_STEP_MS = 5 * 60_000;
/** The map's view filters the list only once it has stayed put this long. */
const VIEW_SETTLE_MS = 400;

interface Filters {
  hazard: Hazard | "";
  status: IncidentStatus;
  windowHours: WindowHours;
  /** Only what the map shows: its view as a bbox, or null for everywhere. */
  bbox: string | null;
}

/** One page as last read: its ETag and what it held (the list's pages are read conditionally). */
interface CachedPage {
  etag: string;
  items: Incident[];
  cursor: string | null;
  at: number;
}
/** Pages older than this are read afresh: the cursor they hold is signed and expires (24 h). */
const PAGE_REUSE_MS = 3600_000;

/** ``more``: the API had incidents past the MAX_PAGES pages read (not shown, and the screen says so). */
type Loaded = { items: Incident[]; changed: boolean; more: boolean; pages: Map<string, CachedPage> } | { failure: Failure };

/**
 * Reads the list page by page, each with ``If-None-Match`` when it was read before: a 304 reuses
 * the page as it was. ``changed`` is false when every page was a 304 (nothing to render again).
 */
async function loadIncidents(
  filters: Filters,
  cache: Map<string, CachedPage>,
  firstPage?: (items: Incident[]) => void,
): Promise<Loaded> {
  const start = Math.floor((Date.now() - filters.windowHours * 3600_000) / SINCE_STEP_MS) * SINCE_STEP_MS;
  const since = filters.windowHours ? new Date(start).toISOString() : undefined;
  const items: Incident[] = [];
  const pages = new Map<string, CachedPage>();
  let changed = false;
  let cursor: string | undefined;
  let more = false;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = {
      status: filters.status,
      limit: 100,
      ...(filters.hazard ? { hazard: filters.hazard } : {}),
      ...(filters.bbox ? { bbox: filters.bbox } : {}),
      ...(since ? { since } : {}),
      ...(cursor ? { cursor } : {}),
    };
    // A page is known by its query (``since`` moves in steps) and its place in the chain.
    const key = JSON.stringify({ ...query, page });
    const before = cache.get(key);
    const reusable = before && Date.now() - before.at < PAGE_REUSE_MS ? before : undefined;
    const outcome = await call(() =>
      api.GET("/v1/ops/incidents", {
        params: { query },
        ...(reusable ? { headers: { "If-None-Match": reusable.etag } } : {}),
      }),
    );
    let read: CachedPage;
    if (outcome.ok) {
      changed = true;
      read = {
        etag: outcome.response.headers.get("ETag") ?? "",
        items: outcome.data.items,
        cursor: outcome.data.cursor ?? null,
        at: Date.now(),
      };
    } else if (reusable && outcome.failure.kind === "problem" && outcome.failure.status === 304) {
      read = reusable;
    } else {
      return { failure: outcome.failure };
    }
    if (read.etag) pages.set(key, read);
    items.push(...read.items);
    if (!read.cursor) break;
    if (page === MAX_PAGES - 1) more = true;
    if (page === 0) firstPage?.(read.items); // shown while the other pages are read
    cursor = read.cursor;
  }
  if (pages.size !== cache.size) changed = true;
  return { items, changed, more, pages };
}

export function Incidents() {
  const heading = useRef<HTMLHeadingElement>(null);
  const [filters, setFilters] = useState<Filters>({ hazard: "", status: "new", windowHours: 24, bbox: null });
  const [inView, setInView] = useState(false);
  const view = useRef<string | null>(null);
  const settle = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  // Panning around ends a gesture many times a second: the list is read again once it rests.
  const onViewChange = useCallback(
    (bbox: string) => {
      view.current = bbox;
      clearTimeout(settle.current);
      if (!inView) return;
      settle.current = setTimeout(
        () => setFilters((current) => (current.bbox === bbox ? current : { ...current, bbox })),
        VIEW_SETTLE_MS,
      );
    },
    [inView],
  );
  useEffect(() => () => clearTimeout(settle.current), []);
  const toggleInView = (checked: boolean) => {
    clearTimeout(settle.current);
    setInView(checked);
    setFilters((current) => ({ ...current, bbox: checked ? view.current : null }));
  };
  const [items, setItems] = useState<Incident[] | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [more, setMore] = useState(false);
  const loadedAt = useRef<Date | null>(null);
  const pages = useRef(new Map<string, CachedPage>());
  const [announcement, setAnnouncement] = useState("");
  const known = useRef<Set<string> | null>(null);
  const generation = useRef(0);

  const inFlight = useRef(false);

  useEffect(() => heading.current?.focus(), []);

  // A poll waits for the one before it (a slow server is not sent a pile of requests, and its
  // timeout is shown); a retry or new filters start afresh and the older answer is dropped.
  const refresh = useCallback(async (poll = false) => {
    if (poll && inFlight.current) return;
    const mine = ++generation.current;
    inFlight.current = true;
    // A first read shows its first page at once (the map is drawn after one answer, not ten).
    const early = (first: Incident[]) => {
      if (mine === generation.current && !poll) setItems(first);
    };
    const result = await loadIncidents(filters, poll ? pages.current : new Map(), early);
    if (mine !== generation.current) return; // superseded meanwhile
    inFlight.current = false;
    if ("failure" in result) {
      setFailure(result.failure);
      return;
    }
    setFailure(null);
    pages.current = result.pages;
    loadedAt.current = new Date();
    setMore(result.more);
    // Every page a 304: what is on screen is current, and nothing is drawn again.
    if (!result.changed) return;
    const ids = new Set(result.items.map((i) => i.incident_id));
    if (known.current) {
      const fresh = [...ids].filter((id) => !known.current?.has(id)).length;
      if (fresh) setAnnouncement(t("incidents.new_arrived", { count: fresh }));
    }
    known.current = ids;
    setItems(result.items);
  }, [filters]);

  // Read again every POLL_MS, conditionally: an unchanged list costs a 304 per page (ADR 0031).
  useEffect(() => {
    // The last answer stays on screen (and the map mounted) until the new one arrives.
    known.current = null;
    void refresh();
    const timer = setInterval(() => void refresh(true), POLL_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  const forbidden = failure?.kind === "problem" && failure.status === 403;
  // The map mounts at once (MapLibre loads while the first page is read); both keep their
  // rendering while anything else on the screen changes (a failure, an announcement).
  const shown = items ?? NONE;
  const map = useMemo(() => <IncidentMap incidents={shown} onViewChange={onViewChange} />, [shown, onViewChange]);
  const list = useMemo(() => (items ? <IncidentList incidents={items} /> : null), [items]);
  return (
    <section aria-labelledby="incidents-title" class="incidents">
      <h1 id="incidents-title" tabIndex={-1} ref={heading}>
        {t("incidents.title")}
      </h1>
      {forbidden ? null : (
      <form class="filters" role="search" aria-label={t("incidents.filters")} onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="filter-hazard">{t("incidents.filter_hazard")}</label>
          <select
            id="filter-hazard"
            value={filters.hazard}
            onChange={(e) => setFilters({ ...filters, hazard: e.currentTarget.value as Hazard | "" })}
          >
            <option value="">{t("incidents.any_hazard")}</option>
            {HAZARDS.map((h) => (
              <option key={h} value={h}>
                {t(`hazard.${h}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="filter-status">{t("incidents.filter_status")}</label>
          <select
            id="filter-status"
            value={filters.status}
            onChange={(e) => setFilters({ ...filters, status: e.currentTarget.value as IncidentStatus })}
          >
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="filter-window">{t("incidents.filter_window")}</label>
          <select
            id="filter-window"
            value={String(filters.windowHours)}
            onChange={(e) => setFilters({ ...filters, windowHours: Number(e.currentTarget.value) as WindowHours })}
          >
            {WINDOWS.map((w) => (
              <option key={w} value={String(w)}>
                {t(`window.${w}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field checkbox">
          <input
            id="filter-in-view"
            type="checkbox"
            checked={inView}
            onChange={(e) => toggleInView(e.currentTarget.checked)}
          />
          <label for="filter-in-view">{t("incidents.filter_in_view")}</label>
        </div>
      </form>
      )}
      <p class="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </p>
      {failure ? (
        <FailurePanel
          what={forbidden ? t("incidents.forbidden") : t("incidents.load_failed")}
          failure={failure}
          onRetry={() => void refresh()}
        />
      ) : null}
      {failure && items && !forbidden ? (
        <p class="stale">{t("incidents.stale", { time: loadedAt.current ? formatTime(loadedAt.current.toISOString()) : "" })}</p>
      ) : null}
      {more && items && !forbidden ? (
        <p class="notice" role="status">
          {t("incidents.more_than_shown", { count: items.length })}
        </p>
      ) : null}
      {forbidden ? null : (
        <div class="incidents-layout">
          {map}
          {items === null ? (
            <div class="incident-list">{failure ? null : <p role="status">{t("incidents.loading")}</p>}</div>
          ) : (
            list
          )}
        </div>
      )}
    </section>
  );
}

const NONE: Incident[] = [];

/**
 * The incidents as a table, LIST_ROWS rows at a time with "previous"/"next": the rows are real
 * rows a screen reader browses, and however many incidents were read, the page holds at most
 * LIST_ROWS of them (a new answer redraws 100 rows, not 1,000). The map shows them all.
 */
function IncidentList(props: { incidents: Incident[] }) {
  const { incidents } = props;
  const [first, setFirst] = useState(0);
  const caption = useRef<HTMLTableCaptionElement>(null);
  // A shorter answer keeps the page in range.
  const last = Math.max(0, Math.floor((incidents.length - 1) / LIST_ROWS) * LIST_ROWS);
  const from = Math.min(first, last);
  const rows = incidents.slice(from, from + LIST_ROWS);
  const turn = (to: number) => {
    setFirst(to);
    caption.current?.focus();
  };
  if (incidents.length === 0) {
    return (
      <div class="incident-list empty" data-incident-count={0}>
        <h2>{t("incidents.list")}</h2>
        <p>{t("incidents.empty")}</p>
      </div>
    );
  }
  return (
    <div class="incident-list" data-incident-count={incidents.length}>
      <table>
        <caption ref={caption} tabIndex={-1}>
          <h2>{t("incidents.list")}</h2>
          <span class="count">
            {incidents.length > LIST_ROWS
              ? t("incidents.count_range", { from: from + 1, to: from + rows.length, count: incidents.length })
              : t("incidents.count", { count: incidents.length })}
          </span>
        </caption>
        <thead>
          <tr>
            <th scope="col">{t("incident.hazard")}</th>
            <th scope="col">{t("incident.severity")}</th>
            <th scope="col">{t("incident.reports")}</th>
            <th scope="col">{t("incident.last_report")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((incident) => (
            <tr key={incident.incident_id} data-incident-id={incident.incident_id}>
              <th scope="row">
                <a href={`#/incidents/${encodeURIComponent(incident.incident_id)}`}>
                  {label("hazard", incident.hazard)}
                </a>
              </th>
              <td>
                <span class="severity-dot" style={{ backgroundColor: severityColour(incident.severity) }} aria-hidden="true" />
                {label("severity", incident.severity)}
              </td>
              <td>{incident.report_count}</td>
              <td>{formatTime(incident.last_report_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {incidents.length > LIST_ROWS ? (
        <nav class="row-actions pager" aria-label={t("incidents.pages")}>
          <button type="button" class="secondary" disabled={from === 0} onClick={() => turn(from - LIST_ROWS)}>
            {t("incidents.previous_rows", { count: LIST_ROWS })}
          </button>
          <button type="button" class="secondary" disabled={from === last} onClick={() => turn(from + LIST_ROWS)}>
            {t("incidents.next_rows", { count: LIST_ROWS })}
          </button>
        </nav>
      ) : null}
    </div>
  );
}
