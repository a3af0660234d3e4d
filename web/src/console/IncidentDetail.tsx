import { useEffect, useRef, useState } from "preact/hooks";

import {
  type Failure,
  type IncidentPatch,
  type IncidentStatus,
  type IncidentWithReports,
  type OpsReport,
  api,
  call,
  fieldErrors,
} from "../api/client";
import { formatTime, t } from "../i18n";
import { FailurePanel } from "./Failure";
import { TextField } from "./TextField";
import { STATUSES, label, severityColour } from "./vocabulary";

interface Draft {
  status: IncidentStatus;
  assignee: string;
  note: string;
}

function draftOf(incident: IncidentWithReports): Draft {
  return { status: incident.status as IncidentStatus, assignee: incident.assignee ?? "", note: "" };
}

/** After a conflict: what the user changed is kept, what they left alone takes the fresh value. */
export function rebase(draft: Draft, base: Draft, fresh: Draft): Draft {
  return {
    status: draft.status !== base.status ? draft.status : fresh.status,
    assignee: draft.assignee !== base.assignee ? draft.assignee : fresh.assignee,
    note: draft.note,
  };
}

async function fetchIncident(id: string) {
  return call(() => api.GET("/v1/ops/incidents/{incident_id}", { params: { path: { incident_id: id } } }));
}

export function IncidentDetail(props: { id: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const [incident, setIncident] = useState<IncidentWithReports | null>(null);
  const [loadFailure, setLoadFailure] = useState<Failure | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [saveFailure, setSaveFailure] = useState<Failure | null>(null);
  const [conflict, setConflict] = useState(false);
  const [conflictFailure, setConflictFailure] = useState<{ failure: Failure; base: Draft } | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const conflictRef = useRef<HTMLDivElement>(null);

  const load = async () => {
    setLoadFailure(null);
    const outcome = await fetchIncident(props.id);
    if (outcome.ok) {
      setIncident(outcome.data);
      setDraft((current) => current ?? draftOf(outcome.data));
    } else setLoadFailure(outcome.failure);
  };

  useEffect(() => {
    setIncident(null);
    setDraft(null);
    void load().then(() => heading.current?.focus());
  }, [props.id]);

  useEffect(() => {
    if (conflict) conflictRef.current?.focus();
  }, [conflict]);

  /**
   * After a 409: the fresh state, with the draft rebased on it. A failed re-read says so (the
   * state shown is not the current one) and its retry rebases on what was there before.
   */
  const reread = async (base: Draft) => {
    setConflict(true);
    const fresh = await fetchIncident(props.id);
    if (!fresh.ok) {
      setConflictFailure({ failure: fresh.failure, base });
      return;
    }
    setConflictFailure(null);
    setDraft((current) => (current ? rebase(current, base, draftOf(fresh.data)) : draftOf(fresh.data)));
    setIncident(fresh.data);
  };

  const save = async (event: Event) => {
    event.preventDefault();
    if (!incident || !draft) return;
    const body: IncidentPatch = { expected_version: incident.version };
    if (draft.status !== incident.status) body.status = draft.status;
    if (draft.assignee.trim() !== (incident.assignee ?? "")) body.assignee = draft.assignee.trim();
    if (draft.note.trim()) body.note = draft.note.trim();
    setBusy(true);
    setSaved(false);
    setSaveFailure(null);
    const outcome = await call(() =>
      api.PATCH("/v1/ops/incidents/{incident_id}", { params: { path: { incident_id: props.id } }, body }),
    );
    setBusy(false);
    if (outcome.ok) {
      setConflict(false);
      setConflictFailure(null);
      const fresh = await fetchIncident(props.id);
      const next = fresh.ok ? fresh.data : { ...incident, ...outcome.data };
      setIncident(next);
      setDraft(draftOf(next));
      setSaved(true);
      return;
    }
    if (outcome.failure.kind === "problem" && outcome.failure.status === 409) {
      // Someone else saved first: show their state, keep what this user typed, save against theirs.
      await reread(draftOf(incident));
      return;
    }
    setSaveFailure(outcome.failure);
  };

  if (loadFailure && !incident) {
    return (
      <section aria-labelledby="incident-title">
        <h1 id="incident-title" tabIndex={-1} ref={heading}>
          {t("incident.title_unknown")}
        </h1>
        <FailurePanel what={t("incident.load_failed")} failure={loadFailure} onRetry={() => void load()} />
        <p>
          <a href="#/incidents">{t("incident.back")}</a>
        </p>
      </section>
    );
  }
  if (!incident || !draft) return <p role="status">{t("incident.loading")}</p>;

  const errors = fieldErrors(saveFailure);
  const general = saveFailure && Object.keys(errors).length === 0 ? saveFailure : null;
  return (
    <article aria-labelledby="incident-title" class="incident-detail">
      <p>
        <a href="#/incidents">{t("incident.back")}</a>
      </p>
      <h1 id="incident-title" tabIndex={-1} ref={heading}>
        {t("incident.title", { hazard: label("hazard", incident.hazard) })}
      </h1>
      <dl class="facts" aria-label={t("incident.facts")}>
        <Fact label={t("incident.status")} value={label("status", incident.status)} testid="status" />
        <Fact label={t("incident.severity")} value={label("severity", incident.severity)} colour={severityColour(incident.severity)} />
        <Fact label={t("incident.category")} value={label("category", incident.category)} />
        <Fact label={t("incident.reports")} value={String(incident.report_count)} />
        <Fact label={t("incident.people_affected")} value={String(incident.people_affected)} />
        <Fact label={t("incident.credibility")} value={incident.credibility.toFixed(2)} />
        <Fact label={t("incident.assignee")} value={incident.assignee ?? t("incident.unassigned")} testid="assignee" />
        <Fact label={t("incident.opened")} value={formatTime(incident.opened_at)} />
        <Fact label={t("incident.last_report")} value={formatTime(incident.last_report_at)} />
        <Fact label={t("incident.version")} value={String(incident.version)} testid="version" />
      </dl>

      <section aria-labelledby="edit-title" class="edit">
        <h2 id="edit-title">{t("incident.edit")}</h2>
        {conflict ? (
          <div class="conflict" role="alert" tabIndex={-1} ref={conflictRef}>
            <p>
              <strong>{t("incident.conflict_title")}</strong>
            </p>
            {conflictFailure ? (
              <FailurePanel
                what={t("incident.load_failed")}
                failure={conflictFailure.failure}
                onRetry={() => void reread(conflictFailure.base)}
              />
            ) : (
              <p>
                {t("incident.conflict_now", {
                  status: label("status", incident.status),
                  assignee: incident.assignee ?? t("incident.unassigned"),
                  version: incident.version,
                })}
              </p>
            )}
            <p>{t("incident.conflict_redo")}</p>
          </div>
        ) : null}
        {saved ? (
          <p class="notice" role="status">
            {t("incident.saved")}
          </p>
        ) : null}
        <form onSubmit={save} noValidate>
          <div class="field">
            <label for="status">{t("incident.status")}</label>
            <select
              id="status"
              value={draft.status}
              aria-invalid={errors.status ? true : undefined}
              aria-describedby={errors.status ? "status-error" : undefined}
              onChange={(e) => setDraft({ ...draft, status: e.currentTarget.value as IncidentStatus })}
            >
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`status.${s}`)}
                </option>
              ))}
            </select>
            {errors.status ? (
              <p class="field-error" id="status-error">
                {errors.status}
              </p>
            ) : null}
          </div>
          <TextField
            id="assignee"
            label={t("incident.assignee")}
            value={draft.assignee}
            error={errors.assignee}
            onInput={(assignee) => setDraft({ ...draft, assignee })}
          />
          <TextField
            id="note"
            label={t("incident.note")}
            value={draft.note}
            error={errors.note}
            multiline
            onInput={(note) => setDraft({ ...draft, note })}
          />
          {errors.expected_version ? <p class="field-error">{errors.expected_version}</p> : null}
          {general ? <FailurePanel what={t("incident.save_failed")} failure={general} /> : null}
          <button type="submit" disabled={busy}>
            {t("action.save")}
          </button>
        </form>
      </section>

      <section aria-labelledby="reports-title">
        <h2 id="reports-title">{t("incident.reports_title", { count: incident.reports.length })}</h2>
        <ol class="reports">
          {incident.reports.map((report) => (
            <ReportItem key={report.report_id} report={report} />
          ))}
        </ol>
      </section>

      <section aria-labelledby="notes-title">
        <h2 id="notes-title">{t("incident.notes")}</h2>
        {incident.notes.length ? (
          <ul class="notes">
            {incident.notes.map((note, n) => (
              <li key={n}>
                <p>{note.text}</p>
                <p class="meta">{t("incident.by_at", { by: note.by, at: formatTime(note.at) })}</p>
              </li>
            ))}
          </ul>
        ) : (
          <p>{t("incident.no_notes")}</p>
        )}
      </section>

      <section aria-labelledby="history-title">
        <h2 id="history-title">{t("incident.history")}</h2>
        {incident.history.length ? (
          <ul class="history">
            {incident.history.map((change, n) => (
              <li key={n}>
                {t("incident.by_at", { by: change.by, at: formatTime(change.at) })}
                {change.status ? ` — ${t("incident.changed_status", { from: String(change.status.from ?? ""), to: String(change.status.to ?? "") })}` : ""}
                {change.assignee ? ` — ${t("incident.changed_assignee", { from: String(change.assignee.from ?? ""), to: String(change.assignee.to ?? "") })}` : ""}
                {change.note ? ` — ${t("incident.added_note")}` : ""}
              </li>
            ))}
          </ul>
        ) : (
          <p>{t("incident.no_history")}</p>
        )}
      </section>
    </article>
  );
}

function Fact(props: { label: string; value: string; colour?: string; testid?: string }) {
  return (
    <div class="fact">
      <dt>{props.label}</dt>
      <dd data-fact={props.testid}>
        {props.colour ? <span class="severity-dot" style={{ backgroundColor: props.colour }} aria-hidden="true" /> : null}
        {props.value}
      </dd>
    </div>
  );
}

interface MatchedTerm {
  kind?: string;
  label?: string;
  term?: string;
  language?: string;
}
interface Feature {
  kind?: string;
  label?: string;
  feature?: string;
  weight?: number;
}
interface Contribution {
  signal?: string;
  contribution?: number;
  explanation?: string;
}

function ReportItem(props: { report: OpsReport }) {
  const { report } = props;
  const classification = (report.triage?.classification ?? {}) as {
    matched_terms?: MatchedTerm[];
    hazard_confidence?: number;
    category_confidence?: number;
    hazards?: string[];
    categories?: string[];
    features?: Feature[];
    classifier_version?: string;
  };
  // The categories triage found besides the one shown (the reporter's own, when they chose one).
  const alsoAbout = (classification.categories ?? []).filter((c) => c !== report.category);
  const credibility = (report.triage?.credibility ?? {}) as { score?: number; contributions?: Contribution[] };
  return (
    <li class="report">
      <p class="description">{report.description}</p>
      <p class="meta">
        {t("report.meta", {
          received: formatTime(report.received_at),
          source: report.source,
          category: label("category", report.category),
        })}
      </p>
      {report.contact ? <p class="meta">{t("report.contact", { contact: report.contact })}</p> : null}
      {report.media.length ? (
        <ul class="media">
          {report.media.map((m, n) => (
            <li key={n}>
              <a href={m.url} rel="noreferrer" target="_blank">
                {t("report.media", { n: n + 1, type: m.content_type })}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
      {report.triage ? (
        <details>
          <summary>{t("report.triage")}</summary>
          <h3>{t("report.matched_terms")}</h3>
          {classification.matched_terms?.length ? (
            <ul class="terms">
              {classification.matched_terms.map((m, n) => (
                <li key={n}>
                  <q>{m.term}</q> {t("report.term_means", { kind: m.kind ?? "", label: m.label ?? "", language: m.language ?? "" })}
                </li>
              ))}
            </ul>
          ) : (
            <p>{t("report.no_terms")}</p>
          )}
          {alsoAbout.length ? (
            <p>{t("report.categories", { categories: alsoAbout.map((c) => label("category", c)).join(", ") })}</p>
          ) : null}
          {classification.hazards?.length ? (
            <p>{t("report.hazards", { hazards: classification.hazards.map((h) => label("hazard", h)).join(", ") })}</p>
          ) : null}
          {classification.features?.length ? (
            <>
              <h3>{t("report.features")}</h3>
              <ul class="features">
                {classification.features.map((f, n) => (
                  <li key={n}>
                    {t("report.feature", {
                      kind: f.kind ?? "",
                      label: f.label ?? "",
                      feature: f.feature ?? "",
                      weight: (f.weight ?? 0).toFixed(2),
                    })}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {classification.classifier_version ? (
            <p class="hint">{t("report.classifier", { version: classification.classifier_version })}</p>
          ) : null}
          <h3>{t("report.credibility", { score: (credibility.score ?? 0).toFixed(2) })}</h3>
          <ul class="signals">
            {(credibility.contributions ?? []).map((c, n) => (
              <li key={n}>
                {t("report.signal", {
                  signal: c.signal ?? "",
                  contribution: (c.contribution ?? 0).toFixed(2),
                  explanation: c.explanation ?? "",
                })}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </li>
  );
}
