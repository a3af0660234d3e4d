import { useCallback, useEffect, useRef, useState } from "preact/hooks";

import { type Failure, type Hazard, type Incident, type IncidentStatus, api, call } from "../api/client";
import { formatTime, t } from "../i18n";
import { FailurePanel } from "./Failure";
import { IncidentMap } from "./IncidentMap";
import { HAZARDS, POLL_MS, STATUSES, WINDOWS, type WindowHours, label, severityColour } from "./vocabulary";

/** At most this many pages of 100 are read for the map and list on each refresh. */
const MAX_PAGES = 10;

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

type Loaded = { items: Incident[]; changed: boolean; pages: Map<string, CachedPage> } | { failure: Failure };

/**
 * Reads the list page by page, each with ``If-None-Match`` when it was read before: a 304 reuses
 * the page as it was. ``changed`` is false when every page was a 304 (nothing to render again).
 */
async function loadIncidents(
  filters: Filters,
  cache: Map<string, CachedPage>,
  firstPage?: (items: Incident[]) => void,
): Promise<Loaded> {
  const since = filters.windowHours ? new Date(Date.now() - filters.windowHours * 3600_000).toISOString() : undefined;
  const items: Incident[] = [];
  const pages = new Map<string, CachedPage>();
  let changed = false;
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = {
      status: filters.status,
      limit: 100,
      ...(filters.hazard ? { hazard: filters.hazard } : {}),
      ...(filters.bbox ? { bbox: filters.bbox } : {}),
      ...(since ? { since } : {}),
      ...(cursor ? { cursor } : {}),
    };
    // The time window moves with the clock, so a page is known by its other filters.
    const key = JSON.stringify({ ...query, since: filters.windowHours, page });
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
    if (page === 0) firstPage?.(read.items); // shown while the other pages are read
    cursor = read.cursor;
  }
  if (pages.size !== cache.size) changed = true;
  return { items, changed, pages };
}

export function Incidents() {
  const heading = useRef<HTMLHeadingElement>(null);
  const [filters, setFilters] = useState<Filters>({ hazard: "", status: "new", windowHours: 24, bbox: null });
  const [inView, setInView] = useState(false);
  const view = useRef<string | null>(null);
  const onViewChange = useCallback(
    (bbox: string) => {
      view.current = bbox;
      if (inView) setFilters((current) => (current.bbox === bbox ? current : { ...current, bbox }));
    },
    [inView],
  );
  const toggleInView = (checked: boolean) => {
    setInView(checked);
    setFilters((current) => ({ ...current, bbox: checked ? view.current : null }));
  };
  const [items, setItems] = useState<Incident[] | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
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
      {items === null && !failure ? <p role="status">{t("incidents.loading")}</p> : null}
      {items && !forbidden ? (
        <div class="incidents-layout">
          <IncidentMap incidents={items} onViewChange={onViewChange} />
          <IncidentList incidents={items} />
        </div>
      ) : null}
    </section>
  );
}

function IncidentList(props: { incidents: Incident[] }) {
  const { incidents } = props;
  if (incidents.length === 0) {
    return (
      <div class="incident-list empty">
        <h2>{t("incidents.list")}</h2>
        <p>{t("incidents.empty")}</p>
      </div>
    );
  }
  return (
    <div class="incident-list">
      <table>
        <caption>
          <h2>{t("incidents.list")}</h2>
          <span class="count">{t("incidents.count", { count: incidents.length })}</span>
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
          {incidents.map((incident) => (
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
    </div>
  );
}
