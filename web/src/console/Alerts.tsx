// The alert composer (issue 14): the responder's alerts, a composer that draws the area on a map
// (or takes typed coordinates), writes texts in several languages side by side and previews the
// CAP; issue, update and cancel; each message's CAP and delivery status; the public list.
import { useEffect, useRef, useState } from "preact/hooks";

import { type Failure, type Outcome, type Schemas, api, call, fieldErrors } from "../api/client";
import { formatTime, t } from "../i18n";
import {
  type Alert,
  type CapCategory,
  type AreaDraft,
  type Draft,
  type Position,
  type ResponseType,
  CAP_CATEGORIES,
  CAP_STATUSES,
  CERTAINTIES,
  MAX_AREAS,
  MAX_SHAPES,
  RESPONSE_TYPES,
  SEVERITIES,
  URGENCIES,
  closeRing,
  draftOf,
  emptyArea,
  emptyDraft,
  emptyText,
  parseRing,
  previewCap,
  rebaseDraft,
  ringText,
  toBody,
} from "./alertDraft";
import { AreaMap } from "./AreaMap";
import { FailurePanel } from "./Failure";
import { MoreButton, usePaged } from "./paged";
import { currentSession, subscribe } from "./session";
import { TextField } from "./TextField";
import "./alerts.css";

type Deliveries = Schemas["Deliveries"];

/** The last answer of each issue, update or cancel made here, and each alert opened from the
 * responders' list: a Draft is never public, so it can be read back only from these. */
const answered = new Map<string, Alert>();
// Signing out forgets them: the next person at this tab starts with none.
subscribe(() => {
  if (!currentSession()) answered.clear();
});

/** One alert as JSON (the same path also answers CAP XML to an `Accept` that asks for it). */
async function fetchAlert(id: string): Promise<Outcome<Alert>> {
  const outcome = await call(() =>
    api.GET("/v1/alerts/{alert_id}", {
      params: { path: { alert_id: id } },
      headers: { Accept: "application/json" },
      cache: "no-cache", // public answers may be cached 60 s; the composer needs the current one
    }),
  );
  const mine = answered.get(id);
  if (!outcome.ok && outcome.failure.kind === "problem" && outcome.failure.status === 404 && mine?.status === "Draft") {
    return { ok: true, data: mine, response: outcome.response ?? new Response(null) };
  }
  if (!outcome.ok || typeof outcome.data !== "string") return outcome as Outcome<Alert>;
  const problem = { type: "about:blank", title: outcome.response.statusText, status: outcome.response.status, detail: "" };
  return { ok: false, failure: { kind: "problem", status: outcome.response.status, problem }, response: outcome.response };
}

function errorsUnder(errors: Record<string, string>, prefix: string): string | undefined {
  const found = Object.entries(errors).filter(([field]) => field === prefix || field.startsWith(`${prefix}.`));
  return found.length ? found.map(([, message]) => message).join(" ") : undefined;
}

export function Alerts() {
  const heading = useRef<HTMLHeadingElement>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft>(() => emptyDraft());
  const [editing, setEditing] = useState<Alert | null>(null);
  const base = useRef<Draft | null>(null); // the alert as it was when the update began
  const [focusPanel, setFocusPanel] = useState(true); // not when it reloads behind a conflict
  const [publicRefresh, setPublicRefresh] = useState(0);
  useEffect(() => heading.current?.focus(), []);

  return (
    <section aria-labelledby="alerts-title" class="alerts">
      <h1 id="alerts-title" tabIndex={-1} ref={heading}>
        {t("alerts.title")}
      </h1>
      <AlertList
        selected={selected}
        onSelect={(alert) => {
          if (alert.status === "Draft") answered.set(alert.alert_id, alert);
          setFocusPanel(true);
          setSelected(null);
          setTimeout(() => setSelected(alert.alert_id), 0);
        }}
        refresh={publicRefresh}
      />
      {selected ? (
        <AlertPanel
          key={selected}
          id={selected}
          focusOnLoad={focusPanel}
          onEdit={(alert, cap) => {
            setEditing(alert);
            base.current = draftOf(alert, cap);
            setDraft(base.current);
            document.getElementById("composer-title")?.focus();
          }}
          onChanged={() => setPublicRefresh((n) => n + 1)}
        />
      ) : null}
      <Composer
        draft={draft}
        setDraft={setDraft}
        editing={editing}
        setEditing={setEditing}
        base={base}
        onConflict={(alert) => {
          // The panel and the list show the fresh state the update is now made against.
          setFocusPanel(false);
          setSelected(null);
          setTimeout(() => setSelected(alert.alert_id), 0);
        }}
        onIssued={(alert) => {
          answered.set(alert.alert_id, alert);
          setFocusPanel(true);
          setSelected(null);
          setTimeout(() => setSelected(alert.alert_id), 0);
          setEditing(null);
          setDraft(emptyDraft());
          setPublicRefresh((n) => n + 1);
        }}
      />
      <PublicAlerts
        refresh={publicRefresh}
        onManage={(id) => {
          setFocusPanel(true);
          setSelected(null);
          setTimeout(() => setSelected(id), 0);
        }}
      />
    </section>
  );
}

type OpsAlert = Schemas["OpsAlert"];
type ListState = NonNullable<
  NonNullable<import("../api/schema").paths["/v1/ops/alerts"]["get"]["parameters"]["query"]>["state"]
>;
export const LIST_STATES = ["active", "expired", "cancelled"] as const satisfies readonly ListState[];
const _listStates: Exclude<ListState, (typeof LIST_STATES)[number]> extends never ? true : never = true;
void _listStates;

/** A message's deliveries by state, as a sentence ("2 delivered, 1 failed"). */
function deliveryCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts);
  return entries.length
    ? entries.map(([state, count]) => t("alerts.delivery_count", { state, count })).join(", ")
    : t("alerts.deliveries_zero");
}

/** Every alert by state (``GET /v1/ops/alerts``), cancelled and expired ones too, paged. */
function AlertList(props: { selected: string | null; onSelect: (alert: Alert) => void; refresh: number }) {
  const [state, setState] = useState<ListState>("active");
  const paged = usePaged<OpsAlert>(
    (cursor) => call(() => api.GET("/v1/ops/alerts", { params: { query: { state, limit: 20, ...(cursor ? { cursor } : {}) } } })),
    [state, props.refresh],
  );
  const { items } = paged;
  return (
    <section aria-labelledby="list-title">
      <h2 id="list-title">{t("alerts.list")}</h2>
      <div class="field queue-filter">
        <label for="alert-list-state">{t("alerts.list_state")}</label>
        <select id="alert-list-state" value={state} onChange={(e) => setState(e.currentTarget.value as ListState)}>
          {LIST_STATES.map((s) => (
            <option key={s} value={s}>
              {t(`alerts.list_${s}`)}
            </option>
          ))}
        </select>
      </div>
      <button type="button" class="secondary" disabled={paged.busy} onClick={paged.reload}>
        {t("alerts.list_refresh")}
      </button>
      {paged.failure ? <FailurePanel what={t("alerts.list_failed")} failure={paged.failure} onRetry={paged.more} /> : null}
      {items === null && !paged.failure ? <p role="status">{t("alerts.loading")}</p> : null}
      {items && !items.length ? <p>{t(`alerts.list_empty_${state}`)}</p> : null}
      {items?.length ? (
        <table>
          <caption class="visually-hidden">{t("alerts.list")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("alerts.event")}</th>
              <th scope="col">{t("alerts.status")}</th>
              <th scope="col">{t("alerts.version")}</th>
              <th scope="col">{t("alerts.updated")}</th>
              <th scope="col">{t("alerts.deliveries_column")}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((alert) => (
              <tr key={alert.alert_id} data-alert-id={alert.alert_id}>
                <th scope="row">
                  <button type="button" class="link" aria-pressed={props.selected === alert.alert_id} onClick={() => props.onSelect(alert)}>
                    {alert.event}
                  </button>
                </th>
                <td>{alert.status}</td>
                <td>{alert.version}</td>
                <td>{formatTime(alert.updated_at)}</td>
                <td data-deliveries-summary>{deliveryCounts(alert.deliveries)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <MoreButton paged={paged} />
    </section>
  );
}

function AlertPanel(props: { id: string; focusOnLoad: boolean; onEdit: (alert: Alert, cap: string | null) => void; onChanged: () => void }) {
  const panel = useRef<HTMLElement>(null);
  const [alert, setAlert] = useState<Alert | null>(null);
  const [cap, setCap] = useState<string | null>(null);
  const [deliveries, setDeliveries] = useState<Deliveries | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [deliveryFailure, setDeliveryFailure] = useState<Failure | null>(null);
  const [cancelNote, setCancelNote] = useState("");
  const [cancelFailure, setCancelFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);

  const loadDeliveries = async (current: Alert) => {
    setDeliveryFailure(null);
    const outcome = await call(() =>
      api.GET("/v1/ops/alerts/{alert_id}/deliveries", {
        params: { path: { alert_id: current.alert_id }, query: { message_id: current.current_message_id } },
      }),
    );
    if (outcome.ok) setDeliveries(outcome.data);
    else setDeliveryFailure(outcome.failure);
  };

  const load = async () => {
    setFailure(null);
    const outcome = await fetchAlert(props.id);
    if (!outcome.ok) {
      setFailure(outcome.failure);
      return;
    }
    setAlert(outcome.data);
    if (outcome.data.status === "Draft") {
      setCap(null);
      await loadDeliveries(outcome.data);
      return;
    }
    const message = await call(() =>
      api.GET("/v1/alerts/{alert_id}/messages/{message_id}", {
        params: { path: { alert_id: props.id, message_id: outcome.data.current_message_id } },
        parseAs: "text",
      }),
    );
    if (message.ok) setCap(message.data as unknown as string);
    else setFailure(message.failure);
    await loadDeliveries(outcome.data);
  };

  useEffect(() => {
    void load().then(() => {
      if (props.focusOnLoad) panel.current?.focus();
    });
  }, [props.id]);

  const cancel = async (event: Event) => {
    event.preventDefault();
    if (!alert) return;
    setBusy(true);
    setCancelFailure(null);
    const note = cancelNote.trim();
    const outcome = await call(() =>
      api.POST("/v1/ops/alerts/{alert_id}/cancel", {
        params: { path: { alert_id: alert.alert_id } },
        body: note ? { expected_version: alert.version, note } : { expected_version: alert.version },
      }),
    );
    setBusy(false);
    if (!outcome.ok) {
      setCancelFailure(outcome.failure);
      if (outcome.failure.kind === "problem" && outcome.failure.status === 409) await load();
      return;
    }
    setCancelNote("");
    answered.set(outcome.data.alert_id, outcome.data);
    await load();
    props.onChanged();
  };

  if (failure && !alert) return <FailurePanel what={t("alerts.load_failed")} failure={failure} onRetry={() => void load()} />;
  if (!alert) return <p role="status">{t("alerts.loading")}</p>;
  const cancelErrors = fieldErrors(cancelFailure);
  const conflict = cancelFailure?.kind === "problem" && cancelFailure.status === 409;
  return (
    <section aria-labelledby="panel-title" class="alert-panel" tabIndex={-1} ref={panel}>
      <h2 id="panel-title">{t("alerts.panel", { event: alert.event })}</h2>
      <dl class="facts">
        <div class="fact">
          <dt>{t("alerts.state")}</dt>
          <dd data-fact="state">{t(`alerts.state_${alert.state}`)}</dd>
        </div>
        <div class="fact">
          <dt>{t("alerts.message_type")}</dt>
          <dd data-fact="msg_type">{alert.msg_type}</dd>
        </div>
        <div class="fact">
          <dt>{t("alerts.version")}</dt>
          <dd data-fact="version">{alert.version}</dd>
        </div>
        <div class="fact">
          <dt>{t("alerts.expires")}</dt>
          <dd>{formatTime(alert.expires)}</dd>
        </div>
      </dl>
      {failure ? <FailurePanel what={t("alerts.load_failed")} failure={failure} onRetry={() => void load()} /> : null}
      <h3 id="cap-title">{t("alerts.cap_title")}</h3>
      {alert.status !== "Draft" ? (
        <p>
          <a href={alert.cap_url}>{t("alerts.cap_link")}</a>
        </p>
      ) : null}
      {alert.status === "Draft" ? <p>{t("alerts.draft_no_cap")}</p> : null}
      {cap ? (
        <pre class="cap" tabIndex={0} aria-labelledby="cap-title" data-cap="issued">
          {cap}
        </pre>
      ) : null}
      <h3 id="deliveries-title">{t("alerts.deliveries")}</h3>
      {deliveryFailure ? (
        <FailurePanel what={t("alerts.deliveries_failed")} failure={deliveryFailure} onRetry={() => void loadDeliveries(alert)} />
      ) : null}
      {deliveries ? (
        <div data-deliveries={deliveries.message_id}>
          {deliveries.items.length ? (
            <table aria-labelledby="deliveries-title">
              <thead>
                <tr>
                  <th scope="col">{t("alerts.delivery_channel")}</th>
                  <th scope="col">{t("alerts.delivery_state")}</th>
                  <th scope="col">{t("alerts.delivery_attempts")}</th>
                  <th scope="col">{t("alerts.delivery_updated")}</th>
                </tr>
              </thead>
              <tbody>
                {deliveries.items.map((d) => (
                  <tr key={d.subscription_id}>
                    <th scope="row">{d.channel}</th>
                    <td>{d.last_error ? `${d.state} (${d.last_error})` : d.state}</td>
                    <td>{d.attempts}</td>
                    <td>{formatTime(d.updated_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p>{t("alerts.deliveries_none")}</p>
          )}
          <p class="hint">{deliveryCounts(deliveries.counts)}</p>
        </div>
      ) : null}
      <button type="button" onClick={() => void loadDeliveries(alert)}>
        {t("alerts.deliveries_refresh")}
      </button>
      {alert.state === "active" ? (
        <>
          <h3>{t("alerts.change")}</h3>
          <button type="button" onClick={() => props.onEdit(alert, cap)}>
            {t("alerts.edit")}
          </button>
          <form onSubmit={cancel} noValidate class="cancel-form">
            {conflict ? (
              <div class="conflict" role="alert">
                <p>
                  <strong>{t("alerts.conflict_title")}</strong>
                </p>
                <p>{t("alerts.conflict_cancel", { version: alert.version })}</p>
              </div>
            ) : null}
            <TextField id="cancel-note" label={t("alerts.cancel_note")} value={cancelNote} error={cancelErrors.note} onInput={setCancelNote} />
            {cancelFailure && !conflict && !cancelErrors.note ? <FailurePanel what={t("alerts.cancel_failed")} failure={cancelFailure} /> : null}
            <button type="submit" disabled={busy}>
              {t("alerts.cancel")}
            </button>
          </form>
        </>
      ) : null}
    </section>
  );
}

type Mode = "none" | "polygon" | "circle";

function Composer(props: {
  draft: Draft;
  setDraft: (draft: Draft) => void;
  editing: Alert | null;
  setEditing: (alert: Alert | null) => void;
  base: { current: Draft | null };
  onConflict: (fresh: Alert) => void;
  onIssued: (alert: Alert) => void;
}) {
  const { draft, setDraft, editing } = props;
  const [mode, setMode] = useState<Mode>("none");
  const [pending, setPending] = useState<Position[]>([]);
  const [radius, setRadius] = useState("5");
  const [typedRing, setTypedRing] = useState("");
  const [typedCentre, setTypedCentre] = useState({ lon: "", lat: "" });
  const [typedCircleBad, setTypedCircleBad] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [conflict, setConflict] = useState<Alert | null>(null);
  const [busy, setBusy] = useState(false);
  const summary = useRef<HTMLDivElement>(null);
  const latest = useRef(draft);
  latest.current = draft;

  const set = (change: Partial<Draft>) => setDraft({ ...latest.current, ...change });
  // The area the map draws into and the shape fields edit (each area is one CAP <area>).
  const [areaIndex, setAreaIndex] = useState(0);
  const a = Math.min(areaIndex, draft.areas.length - 1);
  const area = draft.areas[a] ?? emptyArea();
  const current = (): AreaDraft => latest.current.areas[a] ?? emptyArea();
  const setArea = (change: Partial<AreaDraft>) =>
    set({ areas: latest.current.areas.map((x, m) => (m === a ? { ...x, ...change } : x)) });

  const onMapClick = (position: Position) => {
    if (mode === "polygon") setPending((points) => [...points, position]);
    else if (mode === "circle") {
      const radius_km = Number(radius) > 0 ? Number(radius) : 5;
      setArea({ circles: [...current().circles, { center: position, radius_km }] });
      setMode("none");
    }
  };
  const onMoveVertex = (p: number, v: number, position: Position) => {
    const polygons = current().polygons.map((ring, n) => {
      if (n !== p) return ring;
      const next = ring.slice(0, -1);
      next[v] = position;
      return closeRing(next);
    });
    setArea({ polygons });
  };
  const closePending = () => {
    if (pending.length < 3) return;
    setArea({ polygons: [...current().polygons, closeRing(pending)] });
    setPending([]);
    setMode("none");
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    setConflict(null);
    const body = toBody(draft);
    const outcome = editing
      ? await call(() =>
          api.POST("/v1/ops/alerts/{alert_id}/update", {
            params: { path: { alert_id: editing.alert_id } },
            body: { ...body, expected_version: editing.version },
          }),
        )
      : await call(() => api.POST("/v1/ops/alerts", { body }));
    setBusy(false);
    if (outcome.ok) {
      props.onIssued(outcome.data);
      return;
    }
    if (editing && outcome.failure.kind === "problem" && outcome.failure.status === 409) {
      // Someone else changed it first: show theirs, keep this draft, update against theirs.
      const fresh = await fetchAlert(editing.alert_id);
      if (fresh.ok) {
        const message = await call(() =>
          api.GET("/v1/alerts/{alert_id}/messages/{message_id}", {
            params: { path: { alert_id: fresh.data.alert_id, message_id: fresh.data.current_message_id } },
            parseAs: "text",
          }),
        );
        const freshDraft = draftOf(fresh.data, message.ok ? (message.data as unknown as string) : null);
        setDraft(rebaseDraft(latest.current, props.base.current ?? freshDraft, freshDraft));
        props.base.current = freshDraft;
        setConflict(fresh.data);
        props.setEditing(fresh.data);
        props.onConflict(fresh.data);
      }
    }
    setFailure(outcome.failure);
    setTimeout(() => summary.current?.focus(), 0);
  };

  const errors = fieldErrors(failure);
  const errorList = Object.entries(errors);
  const setText = (n: number, change: Partial<Draft["texts"][number]>) =>
    set({ texts: latest.current.texts.map((text, m) => (m === n ? { ...text, ...change } : text)) });
  const toggle = <T extends string>(list: T[], value: T): T[] =>
    list.includes(value) ? list.filter((v) => v !== value) : [...list, value];
  const preview = previewCap(draft, {
    identifier: t("alerts.preview_identifier"),
    sender: t("alerts.preview_sender"),
    sent: t("alerts.preview_sent"),
    web: t("alerts.preview_web"),
  });
  const areaError = errors[`areas.${a}`] ?? errors.areas;
  const areaHas = (n: number) => Boolean(errorsUnder(errors, `areas.${n}`));

  return (
    <section aria-labelledby="composer-title" class="composer">
      <h2 id="composer-title" tabIndex={-1}>
        {editing ? t("alerts.composer_update", { event: editing.event, version: editing.version }) : t("alerts.composer")}
      </h2>
      {editing ? (
        <button
          type="button"
          onClick={() => {
            props.setEditing(null);
            setDraft(emptyDraft());
            setFailure(null);
            setConflict(null);
          }}
        >
          {t("alerts.stop_editing")}
        </button>
      ) : null}
      <form onSubmit={submit} noValidate>
        <div tabIndex={-1} ref={summary}>
          {conflict ? (
            <div class="conflict" role="alert">
              <p>
                <strong>{t("alerts.conflict_title")}</strong>
              </p>
              <p>{t("alerts.conflict_now", { version: conflict.version, state: t(`alerts.state_${conflict.state}`), event: conflict.event })}</p>
              <p>{t("alerts.conflict_redo")}</p>
            </div>
          ) : null}
          {failure && !conflict ? (
            errorList.length ? (
              <div class="failure" role="alert">
                <p class="failure-what">{t("alerts.refused", { count: errorList.length })}</p>
                <ul>
                  {errorList.map(([field, message]) => (
                    <li key={field}>
                      <code>{field}</code>: {message}
                    </li>
                  ))}
                </ul>
              </div>
            ) : (
              <FailurePanel what={editing ? t("alerts.update_failed") : t("alerts.issue_failed")} failure={failure} />
            )
          ) : null}
        </div>

        <fieldset>
          <legend>{t("alerts.message")}</legend>
          <div class="alert-grid">
            <TextField id="event" label={t("alerts.event")} value={draft.event} error={errors.event} onInput={(event) => set({ event })} />
            <Choice id="status" label={t("alerts.status")} value={draft.status} values={CAP_STATUSES} error={errors.status} onChange={(status) => set({ status })} />
            <Choice id="urgency" label={t("alerts.urgency")} value={draft.urgency} values={URGENCIES} error={errors.urgency} onChange={(urgency) => set({ urgency })} />
            <Choice id="severity" label={t("alerts.severity")} value={draft.severity} values={SEVERITIES} error={errors.severity} onChange={(severity) => set({ severity })} />
            <Choice id="certainty" label={t("alerts.certainty")} value={draft.certainty} values={CERTAINTIES} error={errors.certainty} onChange={(certainty) => set({ certainty })} />
            <div class="field">
              <label for="expires">{t("alerts.expires")}</label>
              <input
                id="expires"
                type="datetime-local"
                value={draft.expires}
                aria-invalid={errors.expires ? true : undefined}
                aria-describedby={errors.expires ? "expires-error" : undefined}
                onInput={(e) => set({ expires: e.currentTarget.value })}
              />
              {errors.expires ? <p class="field-error" id="expires-error">{errors.expires}</p> : null}
            </div>
            <TimeField id="effective" label={t("alerts.effective")} value={draft.effective} error={errors.effective} onInput={(effective) => set({ effective })} />
            <TimeField id="onset" label={t("alerts.onset")} value={draft.onset} error={errors.onset} onInput={(onset) => set({ onset })} />
            <TextField id="sender_name" label={t("alerts.sender_name")} value={draft.sender_name} error={errors.sender_name} onInput={(sender_name) => set({ sender_name })} />
            <TextField id="contact" label={t("alerts.contact")} value={draft.contact} error={errors.contact} onInput={(contact) => set({ contact })} />
            <TextField id="web" label={t("alerts.web")} value={draft.web} error={errors.web} onInput={(web) => set({ web })} />
          </div>
          <Checks
            id="categories"
            legend={t("alerts.categories")}
            values={CAP_CATEGORIES}
            chosen={draft.categories}
            error={errorsUnder(errors, "categories")}
            onToggle={(value: CapCategory) => set({ categories: toggle(latest.current.categories, value) })}
          />
          <Checks
            id="response_types"
            legend={t("alerts.response_types")}
            values={RESPONSE_TYPES}
            chosen={draft.response_types}
            error={errorsUnder(errors, "response_types")}
            onToggle={(value: ResponseType) => set({ response_types: toggle(latest.current.response_types, value) })}
          />
        </fieldset>

        <fieldset>
          <legend>{t("alerts.areas")}</legend>
          <div class="row-actions" role="group" aria-label={t("alerts.areas_choose")}>
            {draft.areas.map((x, n) => (
              <button
                type="button"
                key={n}
                class={n === a ? undefined : "secondary"}
                aria-pressed={n === a}
                onClick={() => {
                  setAreaIndex(n);
                  setPending([]);
                }}
              >
                {t("alerts.area_n", { n: n + 1, description: x.description.trim() || "…" })}
                {areaHas(n) ? ` ${t("alerts.area_has_errors")}` : ""}
              </button>
            ))}
            <button
              type="button"
              class="secondary"
              disabled={draft.areas.length >= MAX_AREAS}
              onClick={() => {
                set({ areas: [...latest.current.areas, emptyArea()] });
                setAreaIndex(latest.current.areas.length);
                setPending([]);
              }}
            >
              {t("alerts.add_area")}
            </button>
            {draft.areas.length > 1 ? (
              <button
                type="button"
                class="secondary"
                onClick={() => {
                  set({ areas: latest.current.areas.filter((_, m) => m !== a) });
                  setAreaIndex(Math.max(0, a - 1));
                  setPending([]);
                }}
              >
                {t("alerts.remove_area", { n: a + 1 })}
              </button>
            ) : null}
          </div>
          <h3 id="area-title">{t("alerts.area_editing", { n: a + 1, count: draft.areas.length })}</h3>
          <TextField
            id="area-description"
            label={t("alerts.area_description")}
            value={area.description}
            error={errors[`areas.${a}.description`]}
            onInput={(description) => setArea({ description })}
          />
          {areaError ? <p class="field-error" id="area-error">{areaError}</p> : null}
          <div class="draw-tools" role="group" aria-label={t("alerts.draw_tools")}>
            <button type="button" aria-pressed={mode === "polygon"} disabled={area.polygons.length >= MAX_SHAPES} onClick={() => { setMode("polygon"); setPending([]); }}>
              {t("alerts.draw_polygon")}
            </button>
            <button type="button" disabled={pending.length < 3} onClick={closePending}>
              {t("alerts.close_ring")}
            </button>
            <button type="button" disabled={!pending.length} onClick={() => setPending(pending.slice(0, -1))}>
              {t("alerts.undo_vertex")}
            </button>
            <button type="button" aria-pressed={mode === "circle"} disabled={area.circles.length >= MAX_SHAPES} onClick={() => { setMode("circle"); setPending([]); }}>
              {t("alerts.place_circle")}
            </button>
            <div class="field inline">
              <label for="circle-radius">{t("alerts.new_circle_radius")}</label>
              <input id="circle-radius" type="number" min="0.01" max="1000" step="any" value={radius} onInput={(e) => setRadius(e.currentTarget.value)} />
            </div>
          </div>
          <p id="draw-status" class="hint" role="status">
            {mode === "polygon"
              ? t("alerts.drawing_polygon", { count: pending.length })
              : mode === "circle"
                ? t("alerts.drawing_circle")
                : t("alerts.draw_hint")}
          </p>
          <AreaMap polygons={area.polygons} circles={area.circles} pending={pending} onClick={onMapClick} onMoveVertex={onMoveVertex} describedBy="draw-status" />

          <h3>{t("alerts.shapes", { count: area.polygons.length + area.circles.length })}</h3>
          {!area.polygons.length && !area.circles.length ? <p>{t("alerts.shapes_empty")}</p> : null}
          <ul class="shapes">
            {area.polygons.map((ring, p) => (
              <li key={`a${a}p${p}`}>
                <RingField
                  id={`polygon-${p}`}
                  label={t("alerts.polygon_n", { n: p + 1 })}
                  ring={ring}
                  error={errorsUnder(errors, `areas.${a}.polygons.${p}`)}
                  onChange={(next) => setArea({ polygons: current().polygons.map((r, m) => (m === p ? next : r)) })}
                />
                <button type="button" onClick={() => setArea({ polygons: current().polygons.filter((_, m) => m !== p) })}>
                  {t("alerts.delete_polygon", { n: p + 1 })}
                </button>
              </li>
            ))}
            {area.circles.map((circle, c) => (
              <li key={`a${a}c${c}`}>
                <fieldset>
                  <legend>{t("alerts.circle_n", { n: c + 1 })}</legend>
                  <div class="alert-grid">
                    {(["lon", "lat", "radius"] as const).map((part) => (
                      <div class="field" key={part}>
                        <label for={`circle-${c}-${part}`}>{t(`alerts.circle_${part}`)}</label>
                        <input
                          id={`circle-${c}-${part}`}
                          type="number"
                          step="any"
                          value={part === "lon" ? circle.center[0] : part === "lat" ? circle.center[1] : circle.radius_km}
                          onInput={(e) => {
                            const value = Number(e.currentTarget.value);
                            const next = { center: [...circle.center] as Position, radius_km: circle.radius_km };
                            if (part === "lon") next.center[0] = value;
                            else if (part === "lat") next.center[1] = value;
                            else next.radius_km = value;
                            setArea({ circles: current().circles.map((x, m) => (m === c ? next : x)) });
                          }}
                        />
                      </div>
                    ))}
                  </div>
                  {errorsUnder(errors, `areas.${a}.circles.${c}`) ? (
                    <p class="field-error">{errorsUnder(errors, `areas.${a}.circles.${c}`)}</p>
                  ) : null}
                  <button type="button" onClick={() => setArea({ circles: current().circles.filter((_, m) => m !== c) })}>
                    {t("alerts.delete_circle", { n: c + 1 })}
                  </button>
                </fieldset>
              </li>
            ))}
          </ul>
          <TextField id="typed-ring" label={t("alerts.type_polygon")} value={typedRing} multiline onInput={setTypedRing} />
          <button
            type="button"
            onClick={() => {
              const ring = parseRing(typedRing);
              if (ring && ring.length >= 3 && current().polygons.length < MAX_SHAPES) {
                setArea({ polygons: [...current().polygons, closeRing(ring)] });
                setTypedRing("");
              }
            }}
          >
            {t("alerts.add_typed_polygon")}
          </button>
          <fieldset class="typed-circle" aria-describedby={typedCircleBad ? "typed-circle-error" : undefined}>
            <legend>{t("alerts.type_circle")}</legend>
            <div class="alert-grid">
              {(["lon", "lat"] as const).map((part) => (
                <div class="field" key={part}>
                  <label for={`new-circle-${part}`}>{t(`alerts.new_circle_${part}`)}</label>
                  <input
                    id={`new-circle-${part}`}
                    type="number"
                    step="any"
                    value={typedCentre[part]}
                    onInput={(e) => setTypedCentre({ ...typedCentre, [part]: e.currentTarget.value })}
                  />
                </div>
              ))}
            </div>
            {typedCircleBad ? <p class="field-error" id="typed-circle-error">{t("alerts.circle_unreadable")}</p> : null}
            <button
              type="button"
              onClick={() => {
                const lon = Number(typedCentre.lon);
                const lat = Number(typedCentre.lat);
                const radius_km = Number(radius);
                const good =
                  typedCentre.lon.trim() !== "" && typedCentre.lat.trim() !== "" &&
                  Math.abs(lon) <= 180 && Math.abs(lat) <= 90 && radius_km > 0;
                setTypedCircleBad(!good);
                if (!good) return;
                setArea({ circles: [...current().circles, { center: [lon, lat], radius_km }] });
                setTypedCentre({ lon: "", lat: "" });
              }}
            >
              {t("alerts.add_typed_circle")}
            </button>
          </fieldset>
        </fieldset>

        <fieldset>
          <legend>{t("alerts.texts")}</legend>
          {errorsUnder(errors, "texts") && !draft.texts.some((_, n) => errorsUnder(errors, `texts.${n}`)) ? (
            <p class="field-error">{errorsUnder(errors, "texts")}</p>
          ) : null}
          <div class="texts">
            {draft.texts.map((text, n) => (
              <fieldset key={n} class="text-column">
                <legend>{t("alerts.text_n", { n: n + 1, language: text.language || "?" })}</legend>
                <TextField id={`text-${n}-language`} label={t("alerts.language")} value={text.language} error={errors[`texts.${n}.language`]} onInput={(language) => setText(n, { language })} />
                <TextField
                  id={`text-${n}-event`}
                  label={n === 0 ? t("alerts.text_event_first") : t("alerts.text_event")}
                  value={text.event}
                  error={errors[`texts.${n}.event`]}
                  onInput={(event) => setText(n, { event })}
                />
                <TextField id={`text-${n}-headline`} label={t("alerts.headline")} value={text.headline} error={errors[`texts.${n}.headline`]} onInput={(headline) => setText(n, { headline })} />
                <TextField id={`text-${n}-description`} label={t("alerts.description")} value={text.description} multiline error={errors[`texts.${n}.description`]} onInput={(description) => setText(n, { description })} />
                <TextField id={`text-${n}-instruction`} label={t("alerts.instruction")} value={text.instruction} multiline error={errors[`texts.${n}.instruction`]} onInput={(instruction) => setText(n, { instruction })} />
                {errors[`texts.${n}`] ? <p class="field-error">{errors[`texts.${n}`]}</p> : null}
                {draft.texts.length > 1 ? (
                  <button type="button" onClick={() => set({ texts: latest.current.texts.filter((_, m) => m !== n) })}>
                    {t("alerts.remove_text", { n: n + 1 })}
                  </button>
                ) : null}
              </fieldset>
            ))}
          </div>
          <button type="button" disabled={draft.texts.length >= 10} onClick={() => set({ texts: [...latest.current.texts, emptyText()] })}>
            {t("alerts.add_text")}
          </button>
        </fieldset>

        <section aria-labelledby="preview-title" class="preview">
          <h3 id="preview-title">{t("alerts.preview")}</h3>
          <p class="hint">{t("alerts.preview_note")}</p>
          <pre class="cap" tabIndex={0} aria-labelledby="preview-title" data-cap="preview">
            {preview}
          </pre>
        </section>

        <button type="submit" disabled={busy}>
          {editing ? t("alerts.issue_update") : t("alerts.issue")}
        </button>
      </form>
    </section>
  );
}

/** An optional date and time (the browser's time zone), with the API's error beside it. */
function TimeField(props: { id: string; label: string; value: string; error?: string | undefined; onInput: (value: string) => void }) {
  const { id, error } = props;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        type="datetime-local"
        value={props.value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
      {error ? <p class="field-error" id={`${id}-error`}>{error}</p> : null}
    </div>
  );
}

function Choice<T extends string>(props: { id: string; label: string; value: T; values: readonly T[]; error?: string | undefined; onChange: (value: T) => void }) {
  const { id, error } = props;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select
        id={id}
        value={props.value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => props.onChange(e.currentTarget.value as T)}
      >
        {props.values.map((value) => (
          <option key={value} value={value}>
            {value}
          </option>
        ))}
      </select>
      {error ? <p class="field-error" id={`${id}-error`}>{error}</p> : null}
    </div>
  );
}

function Checks<T extends string>(props: { id: string; legend: string; values: readonly T[]; chosen: T[]; error?: string | undefined; onToggle: (value: T) => void }) {
  const { id, error } = props;
  return (
    <fieldset class="checks" aria-describedby={error ? `${id}-error` : undefined} aria-invalid={error ? true : undefined}>
      <legend>{props.legend}</legend>
      {props.values.map((value) => (
        <label key={value} class="check">
          <input type="checkbox" name={id} value={value} checked={props.chosen.includes(value)} onChange={() => props.onToggle(value)} /> {value}
        </label>
      ))}
      {error ? <p class="field-error" id={`${id}-error`}>{error}</p> : null}
    </fieldset>
  );
}

/** One polygon's positions as typed text ("lon, lat" a line): edit to move or delete vertices. */
function RingField(props: { id: string; label: string; ring: Position[]; error?: string | undefined; onChange: (ring: Position[]) => void }) {
  const [text, setText] = useState(ringText(props.ring));
  const [bad, setBad] = useState(false);
  const own = useRef(props.ring);
  useEffect(() => {
    if (own.current !== props.ring) setText(ringText(props.ring));
  }, [props.ring]);
  const onInput = (value: string) => {
    setText(value);
    const ring = parseRing(value);
    setBad(ring === null || ring.length < 3);
    if (ring && ring.length >= 3) {
      own.current = closeRing(ring);
      props.onChange(own.current);
    }
  };
  const error = [bad ? t("alerts.ring_unreadable") : "", props.error ?? ""].filter(Boolean).join(" ") || undefined;
  return <TextField id={props.id} label={props.label} value={text} multiline error={error} onInput={onInput} />;
}

function PublicAlerts(props: { refresh: number; onManage: (id: string) => void }) {
  const [alerts, setAlerts] = useState<Alert[] | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const load = async () => {
    setFailure(null);
    const outcome = await call(() => api.GET("/v1/alerts", { cache: "no-cache" }));
    if (outcome.ok) setAlerts(outcome.data.items);
    else setFailure(outcome.failure);
  };
  useEffect(() => void load(), [props.refresh]);
  return (
    <section aria-labelledby="public-title" class="public-alerts">
      <h2 id="public-title">{t("alerts.public")}</h2>
      <p class="hint">{t("alerts.public_note")}</p>
      <button type="button" onClick={() => void load()}>
        {t("alerts.public_refresh")}
      </button>
      {failure ? <FailurePanel what={t("alerts.public_failed")} failure={failure} onRetry={() => void load()} /> : null}
      {alerts && !alerts.length ? <p>{t("alerts.public_empty")}</p> : null}
      {alerts?.length ? (
        <ul class="public-list">
          {alerts.map((alert) => (
            <li key={alert.alert_id} data-public-alert={alert.alert_id}>
              <details>
                <summary>
                  {alert.event} — {alert.severity}, {alert.urgency} — {t("alerts.until", { when: formatTime(alert.expires) })}
                </summary>
                {alert.languages.map((language) => {
                  const text = alert.texts[language];
                  return text ? (
                    <div key={language} lang={language} class="public-text">
                      <h3>{text.headline}</h3>
                      <p>{text.description}</p>
                      {text.instruction ? <p>{text.instruction}</p> : null}
                    </div>
                  ) : null;
                })}
                <p>
                  <a href={alert.cap_url}>{t("alerts.cap_link")}</a>
                </p>
              </details>
              <button type="button" onClick={() => props.onManage(alert.alert_id)}>
                {t("alerts.manage")}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
