// The auditor's accreditation screens: the queue by state (paged by the API's cursor) and one
// application with its documents, history, gaps, compliance reviews and allowed transitions.
import { useEffect, useRef, useState } from "preact/hooks";

import { type Failure, type Schemas, api, call, fieldErrors } from "../api/client";
import { type MessageKey, formatTime, t } from "../i18n";
import { FailurePanel } from "./Failure";
import { MoreButton, usePaged } from "./paged";
import { TextField } from "./TextField";

type Application = Schemas["Application"];
type Summary = Schemas["ApplicationSummary"];
type TransitionIn = Schemas["chalicelib__accreditation__TransitionIn"];
type Action = TransitionIn["action"];
type AppState = NonNullable<
  NonNullable<import("../api/schema").paths["/v1/accreditation/applications"]["get"]["parameters"]["query"]>["state"]
>;

/** The states an auditor works through, in the order of the workflow (the contract's enumeration). */
export const APP_STATES = [
  "submitted",
  "under_review",
  "deferred",
  "audit_scheduled",
  "audit_completed",
  "accredited",
  "renewal_due",
  "suspended",
  "rejected",
  "withdrawn",
  "expired",
  "draft",
] as const satisfies readonly AppState[];
type Missing = Exclude<AppState, (typeof APP_STATES)[number]>;
const _complete: Missing extends never ? true : never = true;
void _complete;

/** Which inputs each action shows; the API's 422 names any field it still wants. */
/** The details this form has an input for; which an action needs is the API's to say (the
 * application's ``action_details``, from the workflow's rule table). */
const INPUTS = ["audit_date", "auditor", "findings", "non_conformities", "term_years", "suspended_until"] as const;
type Detail = (typeof INPUTS)[number];

/** The details ``action`` takes (required first), as the application the API answered names them. */
export function detailsOf(application: Application | null, action: string): Detail[] {
  const named = application?.action_details[action];
  if (!named) return [];
  return [...named.required, ...named.optional].filter((d): d is Detail => (INPUTS as readonly string[]).includes(d));
}

const stateLabel = (state: string) => t(`audit.state.${state}` as MessageKey);
const actionLabel = (action: string) => t(`audit.action.${action}` as MessageKey);

export function Applications() {
  const heading = useRef<HTMLHeadingElement>(null);
  const [state, setState] = useState<AppState>("submitted");
  const paged = usePaged<Summary>(
    (after) =>
      call(() =>
        api.GET("/v1/accreditation/applications", {
          params: { query: { state, limit: 50, ...(after ? { cursor: after } : {}) } },
        }),
      ),
    [state],
  );
  const { items, failure } = paged;

  useEffect(() => heading.current?.focus(), []);

  return (
    <section aria-labelledby="applications-title">
      <h1 id="applications-title" tabIndex={-1} ref={heading}>
        {t("audit.applications.title")}
      </h1>
      <div class="field queue-filter">
        <label for="application-state">{t("audit.applications.state")}</label>
        <select id="application-state" value={state} onChange={(e) => setState(e.currentTarget.value as AppState)}>
          {APP_STATES.map((s) => (
            <option key={s} value={s}>
              {stateLabel(s)}
            </option>
          ))}
        </select>
      </div>
      {failure ? <FailurePanel what={t("audit.applications.load_failed")} failure={failure} onRetry={paged.more} /> : null}
      {items === null && !failure ? <p role="status">{t("audit.applications.loading")}</p> : null}
      {items && items.length === 0 ? <p>{t("audit.applications.empty", { state: stateLabel(state) })}</p> : null}
      {items && items.length > 0 ? (
        <table>
          <caption>{t("audit.applications.count", { count: items.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("audit.applications.organisation")}</th>
              <th scope="col">{t("audit.applications.state")}</th>
              <th scope="col">{t("audit.applications.submitted")}</th>
              <th scope="col">{t("audit.applications.updated")}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((a) => (
              <tr key={a.application_id}>
                <th scope="row">
                  <a href={`#/applications/${encodeURIComponent(a.application_id)}`}>{a.legal_name ?? a.org_id}</a>
                </th>
                <td>{stateLabel(a.state)}</td>
                <td>{a.submitted_at ? formatTime(a.submitted_at) : t("audit.never")}</td>
                <td>{formatTime(a.updated_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <MoreButton paged={paged} />
    </section>
  );
}

interface Draft {
  action: Action | "";
  reason: string;
  audit_date: string;
  auditor: string;
  findings: string;
  non_conformities: string;
  term_years: string;
  suspended_until: string;
}
const EMPTY: Draft = {
  action: "",
  reason: "",
  audit_date: "",
  auditor: "",
  findings: "",
  non_conformities: "",
  term_years: "",
  suspended_until: "",
};

/** The request for the draft: only the details its action uses. */
export function transitionBody(draft: Draft, version: number, details: readonly Detail[]): TransitionIn {
  const body: TransitionIn = { action: draft.action as Action, reason: draft.reason.trim(), expected_version: version };
  for (const detail of details) {
    if (detail === "non_conformities") {
      body.non_conformities = draft.non_conformities.split("\n").map((l) => l.trim()).filter(Boolean);
    } else if (detail === "term_years") {
      if (draft.term_years.trim()) body.term_years = Number(draft.term_years.trim());
    } else if (detail === "suspended_until") {
      if (draft.suspended_until) body.suspended_until = new Date(draft.suspended_until).toISOString();
    } else if (draft[detail].trim()) body[detail] = draft[detail].trim();
  }
  return body;
}

async function fetchApplication(id: string) {
  return call(() => api.GET("/v1/accreditation/applications/{application_id}", { params: { path: { application_id: id } } }));
}

export function ApplicationDetail(props: { id: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const conflictRef = useRef<HTMLDivElement>(null);
  const [application, setApplication] = useState<Application | null>(null);
  const [loadFailure, setLoadFailure] = useState<Failure | null>(null);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [conflict, setConflict] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = async () => {
    setLoadFailure(null);
    const outcome = await fetchApplication(props.id);
    if (outcome.ok) setApplication(outcome.data);
    else setLoadFailure(outcome.failure);
  };
  useEffect(() => {
    setApplication(null);
    void load().then(() => heading.current?.focus());
  }, [props.id]);
  useEffect(() => {
    if (conflict) conflictRef.current?.focus();
  }, [conflict]);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!application || !draft.action) return;
    setBusy(true);
    setFailure(null);
    setDone(null);
    const outcome = await call(() =>
      api.POST("/v1/accreditation/applications/{application_id}/transitions", {
        params: { path: { application_id: props.id } },
        body: transitionBody(draft, application.version, detailsOf(application, draft.action)),
      }),
    );
    setBusy(false);
    if (outcome.ok) {
      setApplication(outcome.data);
      setConflict(null);
      setDone(t("audit.application.moved", { action: actionLabel(draft.action), state: stateLabel(outcome.data.state) }));
      setDraft(EMPTY);
      return;
    }
    if (outcome.failure.kind === "problem" && outcome.failure.status === 409) {
      // Someone else moved it: show where it is now and what may be done; keep what was typed.
      const problem = outcome.failure.problem as { current_state?: string; allowed_actions?: string[] };
      const fresh = await fetchApplication(props.id);
      if (fresh.ok) setApplication(fresh.data);
      const state = fresh.ok ? fresh.data.state : problem.current_state ?? "";
      const allowed = fresh.ok ? fresh.data.allowed_actions : problem.allowed_actions ?? [];
      setConflict(
        t("audit.conflict_now", {
          state: stateLabel(state),
          actions: allowed.length ? allowed.map(actionLabel).join(", ") : t("audit.none"),
        }),
      );
      if (!allowed.includes(draft.action)) setDraft({ ...draft, action: "" });
      return;
    }
    setFailure(outcome.failure);
  };

  if (loadFailure && !application) {
    return (
      <section aria-labelledby="application-title">
        <h1 id="application-title" tabIndex={-1} ref={heading}>
          {t("audit.application.title_unknown")}
        </h1>
        <FailurePanel what={t("audit.application.load_failed")} failure={loadFailure} onRetry={() => void load()} />
        <p>
          <a href="#/applications">{t("audit.application.back")}</a>
        </p>
      </section>
    );
  }
  if (!application) return <p role="status">{t("audit.application.loading")}</p>;

  const errors = fieldErrors(failure);
  const details = detailsOf(application, draft.action);
  // A field the form does not show (or no field at all): the failure is told as a whole.
  const shown = new Set<string>(["action", "reason", "expected_version", ...details]);
  const general = failure && (Object.keys(errors).length === 0 || Object.keys(errors).some((f) => !shown.has(f))) ? failure : null;
  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  return (
    <article aria-labelledby="application-title" class="incident-detail">
      <p>
        <a href="#/applications">{t("audit.application.back")}</a>
      </p>
      <h1 id="application-title" tabIndex={-1} ref={heading}>
        {application.legal_name ?? application.org_id}
      </h1>
      <dl class="facts" aria-label={t("audit.application.facts")}>
        <Fact label={t("audit.applications.state")} value={stateLabel(application.state)} testid="state" />
        <Fact label={t("audit.application.org")} value={application.org_id} />
        <Fact label={t("audit.applications.submitted")} value={application.submitted_at ? formatTime(application.submitted_at) : t("audit.never")} />
        <Fact label={t("audit.applications.updated")} value={formatTime(application.updated_at)} />
        <Fact label={t("audit.application.valid_until")} value={application.valid_until ? formatTime(application.valid_until) : t("audit.none")} testid="valid-until" />
        <Fact label={t("audit.version")} value={String(application.version)} testid="version" />
      </dl>

      <section aria-labelledby="transition-title" class="edit">
        <h2 id="transition-title">{t("audit.application.decide")}</h2>
        {conflict ? (
          <div class="conflict" role="alert" tabIndex={-1} ref={conflictRef}>
            <p>
              <strong>{t("audit.conflict_title")}</strong>
            </p>
            <p>{conflict}</p>
            <p>{t("audit.conflict_redo")}</p>
          </div>
        ) : null}
        {done ? (
          <p class="notice" role="status">
            {done}
          </p>
        ) : null}
        {application.allowed_actions.length === 0 ? (
          <p>{t("audit.application.no_actions", { state: stateLabel(application.state) })}</p>
        ) : (
          <form onSubmit={submit} noValidate>
            <fieldset>
              <legend>{t("audit.action")}</legend>
              {application.allowed_actions.map((action) => (
                <div class="field checkbox" key={action}>
                  <input
                    type="radio"
                    id={`action-${action}`}
                    name="action"
                    value={action}
                    checked={draft.action === action}
                    onChange={() => set({ action: action as Action })}
                  />
                  <label for={`action-${action}`}>{actionLabel(action)}</label>
                </div>
              ))}
              {errors.action ? <p class="field-error">{errors.action}</p> : null}
            </fieldset>
            {details.includes("audit_date") ? (
              <PlainField id="audit_date" type="date" label={t("audit.detail.audit_date")} value={draft.audit_date} error={errors.audit_date} onInput={(audit_date) => set({ audit_date })} />
            ) : null}
            {details.includes("auditor") ? (
              <TextField id="auditor" label={t("audit.detail.auditor")} value={draft.auditor} error={errors.auditor} onInput={(auditor) => set({ auditor })} />
            ) : null}
            {details.includes("findings") ? (
              <TextField id="findings" label={t("audit.detail.findings")} value={draft.findings} error={errors.findings} multiline onInput={(findings) => set({ findings })} />
            ) : null}
            {details.includes("non_conformities") ? (
              <TextField id="non_conformities" label={t("audit.detail.non_conformities")} value={draft.non_conformities} error={errors.non_conformities} multiline onInput={(non_conformities) => set({ non_conformities })} />
            ) : null}
            {details.includes("term_years") ? (
              <PlainField id="term_years" type="number" label={t("audit.detail.term_years")} value={draft.term_years} error={errors.term_years} onInput={(term_years) => set({ term_years })} />
            ) : null}
            {details.includes("suspended_until") ? (
              <PlainField id="suspended_until" type="datetime-local" label={t("audit.detail.suspended_until")} value={draft.suspended_until} error={errors.suspended_until} onInput={(suspended_until) => set({ suspended_until })} />
            ) : null}
            <TextField id="reason" label={t("audit.reason")} value={draft.reason} error={errors.reason} multiline onInput={(reason) => set({ reason })} />
            {errors.expected_version ? <p class="field-error">{errors.expected_version}</p> : null}
            {general ? <FailurePanel what={t("audit.save_failed")} failure={general} /> : null}
            <button type="submit" disabled={busy || !draft.action}>
              {draft.action ? actionLabel(draft.action) : t("audit.choose_action")}
            </button>
          </form>
        )}
      </section>

      <section aria-labelledby="missing-title">
        <h2 id="missing-title">{t("audit.application.missing")}</h2>
        {application.missing.length ? (
          <ul>
            {application.missing.map((gap) => (
              <li key={gap.field}>
                <code>{gap.field}</code>: {gap.message}
              </li>
            ))}
          </ul>
        ) : (
          <p>{t("audit.application.nothing_missing")}</p>
        )}
      </section>

      <section aria-labelledby="documents-title">
        <h2 id="documents-title">{t("audit.application.documents", { count: application.documents.length })}</h2>
        {application.documents.length ? (
          <ul class="documents">
            {application.documents.map((d) => (
              <li key={d.document_id}>
                {d.url ? (
                  <a href={d.url} rel="noreferrer" target="_blank">
                    {t("audit.application.document", { kind: d.kind, filename: d.filename })}
                  </a>
                ) : (
                  <span>
                    {t("audit.application.document", { kind: d.kind, filename: d.filename })} — {t("audit.application.not_uploaded")}
                  </span>
                )}
              </li>
            ))}
          </ul>
        ) : (
          <p>{t("audit.application.no_documents")}</p>
        )}
      </section>

      {application.audit ? (
        <section aria-labelledby="audit-title">
          <h2 id="audit-title">{t("audit.application.audit")}</h2>
          <dl class="facts">
            {Object.entries(application.audit).map(([k, v]) => (
              <Fact key={k} label={auditLabel(k)} value={auditValue(k, v)} />
            ))}
          </dl>
        </section>
      ) : null}

      <section aria-labelledby="reviews-title">
        <h2 id="reviews-title">{t("audit.application.reviews")}</h2>
        {application.compliance_reviews?.length ? (
          <ul>
            {application.compliance_reviews.map((review, n) => (
              <ComplianceReview key={n} review={review} />
            ))}
          </ul>
        ) : (
          <p>{t("audit.application.no_reviews")}</p>
        )}
      </section>

      <section aria-labelledby="app-history-title">
        <h2 id="app-history-title">{t("audit.history")}</h2>
        {application.history.length ? (
          <ol class="history">
            {application.history.map((h) => (
              <li key={h.seq}>
                {t("audit.application.history_entry", {
                  at: formatTime(h.at),
                  action: actionLabel(h.action),
                  from: stateLabel(h.from_state),
                  to: stateLabel(h.to_state),
                  by: h.actor ?? h.role,
                })}
                {h.reason ? ` — ${t("audit.because", { reason: h.reason })}` : ""}
              </li>
            ))}
          </ol>
        ) : (
          <p>{t("audit.no_history")}</p>
        )}
      </section>
    </article>
  );
}

const AUDIT_FIELDS: Record<string, MessageKey> = {
  date: "audit.audit.date",
  auditor: "audit.audit.auditor",
  findings: "audit.audit.findings",
  non_conformities: "audit.audit.non_conformities",
  completed_at: "audit.audit.completed_at",
};
const auditLabel = (key: string) => (AUDIT_FIELDS[key] ? t(AUDIT_FIELDS[key]) : key);
function auditValue(key: string, value: unknown): string {
  if (Array.isArray(value)) return value.map(String).join("; ") || t("audit.none");
  if (key === "completed_at" && typeof value === "string") return formatTime(value);
  return String(value);
}

/** A review a substantiated complaint opened (ADR 0014): when, on which complaint, about what. */
function ComplianceReview(props: { review: Record<string, unknown> }) {
  const { complaint_id, opened_at, categories } = props.review;
  const what = Array.isArray(categories) ? categories.map((c) => t(`audit.category.${String(c)}` as MessageKey)).join(", ") : "";
  const when = typeof opened_at === "string" ? formatTime(opened_at) : "";
  return (
    <li>
      {t("audit.application.review", { at: when, categories: what })}{" "}
      {typeof complaint_id === "string" ? (
        <a href={`#/complaints/${encodeURIComponent(complaint_id)}`}>{t("audit.application.review_complaint")}</a>
      ) : null}
    </li>
  );
}

export function Fact(props: { label: string; value: string; testid?: string }) {
  return (
    <div class="fact">
      <dt>{props.label}</dt>
      <dd data-fact={props.testid}>{props.value}</dd>
    </div>
  );
}

/** A labelled input of another type (date, number), marked up as TextField marks up text. */
export function PlainField(props: {
  id: string;
  type: "date" | "number" | "datetime-local";
  label: string;
  value: string;
  onInput: (value: string) => void;
  error?: string | undefined;
}) {
  const { id, type, label, value, onInput, error } = props;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        name={id}
        type={type}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onInput={(e) => onInput(e.currentTarget.value)}
      />
      {error ? (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}
