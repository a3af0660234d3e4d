// The auditor's complaint screens: the queue by status (paged by the API's cursor) and one
// complaint with its timeline, evidence and transitions (triage, refer to the partners routing
// suggests, close).
import { useEffect, useRef, useState } from "preact/hooks";

import { type Failure, type Schemas, api, call, fieldErrors } from "../api/client";
import { COMPLAINT_CATEGORIES } from "../api/vocabulary";
import { type MessageKey, formatTime, t } from "../i18n";
import { Fact } from "./Accreditation";
import { FailurePanel } from "./Failure";
import { MoreButton, usePaged } from "./paged";
import { TextField } from "./TextField";

type Complaint = Schemas["Complaint"];
type Detail = Schemas["ComplaintDetail"];
type Partner = Schemas["Partner"];
type TransitionIn = Schemas["chalicelib__complaints__TransitionIn"];
type Action = TransitionIn["action"];
type Priority = NonNullable<TransitionIn["priority"]>;
type Category = NonNullable<TransitionIn["categories"]>[number];
type Status = NonNullable<
  NonNullable<import("../api/schema").paths["/v1/admin/complaints"]["get"]["parameters"]["query"]>["status"]
>;

export const COMPLAINT_STATUSES = ["filed", "triaged", "referred", "closed"] as const satisfies readonly Status[];
export const PRIORITIES = ["low", "normal", "high", "urgent"] as const satisfies readonly Priority[];
export const CATEGORIES = COMPLAINT_CATEGORIES satisfies readonly Category[];
const _statuses: Exclude<Status, (typeof COMPLAINT_STATUSES)[number]> extends never ? true : never = true;
const _priorities: Exclude<Priority, (typeof PRIORITIES)[number]> extends never ? true : never = true;
const _categories: Exclude<Category, (typeof CATEGORIES)[number]> extends never ? true : never = true;
void [_statuses, _priorities, _categories];

const statusLabel = (s: string) => t(`audit.complaint_status.${s}` as MessageKey);
const categoryLabel = (c: string) => t(`audit.category.${c}` as MessageKey);
const actionLabel = (a: string) => t(`audit.complaint_action.${a}` as MessageKey);

export function Complaints() {
  const heading = useRef<HTMLHeadingElement>(null);
  const [status, setStatus] = useState<Status>("filed");
  const paged = usePaged<Complaint>(
    (after) =>
      call(() =>
        api.GET("/v1/admin/complaints", { params: { query: { status, limit: 50, ...(after ? { cursor: after } : {}) } } }),
      ),
    [status],
  );
  const { items, failure } = paged;

  useEffect(() => heading.current?.focus(), []);

  return (
    <section aria-labelledby="complaints-title">
      <h1 id="complaints-title" tabIndex={-1} ref={heading}>
        {t("audit.complaints.title")}
      </h1>
      <div class="field queue-filter">
        <label for="complaint-status">{t("audit.complaints.status")}</label>
        <select id="complaint-status" value={status} onChange={(e) => setStatus(e.currentTarget.value as Status)}>
          {COMPLAINT_STATUSES.map((s) => (
            <option key={s} value={s}>
              {statusLabel(s)}
            </option>
          ))}
        </select>
      </div>
      {failure ? <FailurePanel what={t("audit.complaints.load_failed")} failure={failure} onRetry={paged.more} /> : null}
      {items === null && !failure ? <p role="status">{t("audit.complaints.loading")}</p> : null}
      {items && items.length === 0 ? <p>{t("audit.complaints.empty", { status: statusLabel(status) })}</p> : null}
      {items && items.length > 0 ? (
        <table>
          <caption>{t("audit.complaints.count", { count: items.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("audit.complaints.recruiter")}</th>
              <th scope="col">{t("audit.complaints.categories")}</th>
              <th scope="col">{t("audit.complaints.corridor")}</th>
              <th scope="col">{t("audit.complaints.priority")}</th>
              <th scope="col">{t("audit.complaints.filed")}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.complaint_id}>
                <th scope="row">
                  <a href={`#/complaints/${encodeURIComponent(c.complaint_id)}`}>{c.recruiter.name ?? c.complaint_id}</a>
                </th>
                <td>{c.categories.map(categoryLabel).join(", ")}</td>
                <td>{t("audit.complaints.corridor_value", { origin: c.origin_country, destination: c.destination_country })}</td>
                <td>{c.priority ? t(`audit.priority.${c.priority}` as MessageKey) : t("audit.none")}</td>
                <td>{formatTime(c.filed_at)}</td>
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
  priority: Priority | "";
  categories: Category[] | null; // null: keep the complaint's own
  chosen: Record<string, boolean>; // partner id → referred or not
  reason: string;
}
const EMPTY: Draft = { action: "", priority: "", categories: null, chosen: {}, reason: "" };

/** The request for the draft: what its action uses, the partners as changes to the suggestion. */
export function complaintBody(draft: Draft, complaint: Detail): TransitionIn {
  const body: TransitionIn = { action: draft.action as Action, expected_version: complaint.version };
  if (draft.action === "triage") {
    if (draft.priority) body.priority = draft.priority;
    if (draft.categories) body.categories = draft.categories;
  } else if (draft.action === "refer") {
    const suggested = new Set(complaint.suggested_partners.map((p) => p.partner_id));
    body.remove_partners = [...suggested].filter((id) => draft.chosen[id] === false);
    body.add_partners = Object.keys(draft.chosen).filter((id) => draft.chosen[id] && !suggested.has(id));
  }
  if (draft.reason.trim()) body.reason = draft.reason.trim();
  return body;
}

async function fetchComplaint(id: string) {
  return call(() => api.GET("/v1/admin/complaints/{complaint_id}", { params: { path: { complaint_id: id } } }));
}

export function ComplaintDetail(props: { id: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const conflictRef = useRef<HTMLDivElement>(null);
  const [complaint, setComplaint] = useState<Detail | null>(null);
  const [partners, setPartners] = useState<Partner[]>([]);
  const [loadFailure, setLoadFailure] = useState<Failure | null>(null);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [conflict, setConflict] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = async () => {
    setLoadFailure(null);
    const [outcome, listed] = await Promise.all([
      fetchComplaint(props.id),
      call(() => api.GET("/v1/admin/partners", { params: { query: { active: true } } })),
    ]);
    if (listed.ok) setPartners(listed.data.items);
    if (outcome.ok) setComplaint(outcome.data);
    else setLoadFailure(outcome.failure);
  };
  useEffect(() => {
    setComplaint(null);
    void load().then(() => heading.current?.focus());
  }, [props.id]);
  useEffect(() => {
    if (conflict) conflictRef.current?.focus();
  }, [conflict]);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!complaint || !draft.action) return;
    setBusy(true);
    setFailure(null);
    setDone(null);
    const outcome = await call(() =>
      api.POST("/v1/admin/complaints/{complaint_id}/transitions", {
        params: { path: { complaint_id: props.id } },
        body: complaintBody(draft, complaint),
      }),
    );
    if (outcome.ok) {
      const fresh = await fetchComplaint(props.id);
      setBusy(false);
      if (fresh.ok) setComplaint(fresh.data);
      setConflict(null);
      const names = outcome.data.referred.map((r) => partnerName(r.partner_id));
      setDone(
        names.length
          ? t("audit.complaint.referred_to", { partners: names.join(", ") })
          : t("audit.complaint.moved", { action: actionLabel(draft.action), status: statusLabel(outcome.data.status) }),
      );
      setDraft(EMPTY);
      return;
    }
    setBusy(false);
    if (outcome.failure.kind === "problem" && outcome.failure.status === 409) {
      const problem = outcome.failure.problem as { current_status?: string; allowed_actions?: string[] };
      const fresh = await fetchComplaint(props.id);
      if (fresh.ok) setComplaint(fresh.data);
      const status = fresh.ok ? fresh.data.status : problem.current_status ?? "";
      const allowed = fresh.ok ? fresh.data.allowed_actions : problem.allowed_actions ?? [];
      setConflict(
        t("audit.complaint.conflict_now", {
          status: statusLabel(status),
          actions: allowed.length ? allowed.map(actionLabel).join(", ") : t("audit.none"),
        }),
      );
      if (!allowed.includes(draft.action)) setDraft({ ...draft, action: "" });
      return;
    }
    setFailure(outcome.failure);
  };

  const describe = (key: string, value: unknown): string => {
    const values = Array.isArray(value) ? value.map(String) : [String(value)];
    return (key === "partners" || key === "partner_id" ? values.map(partnerName) : values).join(", ");
  };
  const partnerName = (id: string) =>
    partners.find((p) => p.partner_id === id)?.name ??
    complaint?.suggested_partners.find((p) => p.partner_id === id)?.name ??
    id;

  if (loadFailure && !complaint) {
    return (
      <section aria-labelledby="complaint-title">
        <h1 id="complaint-title" tabIndex={-1} ref={heading}>
          {t("audit.complaint.title_unknown")}
        </h1>
        <FailurePanel what={t("audit.complaint.load_failed")} failure={loadFailure} onRetry={() => void load()} />
        <p>
          <a href="#/complaints">{t("audit.complaint.back")}</a>
        </p>
      </section>
    );
  }
  if (!complaint) return <p role="status">{t("audit.complaint.loading")}</p>;

  const errors = fieldErrors(failure);
  const shownFields: Record<string, readonly string[]> = { triage: ["priority", "categories"], refer: ["add_partners"] };
  const shown = new Set<string>(["reason", ...(shownFields[draft.action] ?? [])]);
  const general = failure && (Object.keys(errors).length === 0 || Object.keys(errors).some((f) => !shown.has(f))) ? failure : null;
  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  const categories = draft.categories ?? (complaint.categories as Category[]);
  const referred = new Set(complaint.referrals.map((r) => r.partner_id));
  const suggested = new Set(complaint.suggested_partners.map((p) => p.partner_id));
  const others = partners.filter((p) => !suggested.has(p.partner_id) && !referred.has(p.partner_id));
  const isChosen = (id: string) => draft.chosen[id] ?? suggested.has(id);
  return (
    <article aria-labelledby="complaint-title" class="incident-detail">
      <p>
        <a href="#/complaints">{t("audit.complaint.back")}</a>
      </p>
      <h1 id="complaint-title" tabIndex={-1} ref={heading}>
        {t("audit.complaint.title", { recruiter: complaint.recruiter.name ?? "" })}
      </h1>
      <dl class="facts" aria-label={t("audit.complaint.facts")}>
        <Fact label={t("audit.complaints.status")} value={statusLabel(complaint.status)} testid="status" />
        <Fact label={t("audit.complaints.priority")} value={complaint.priority ? t(`audit.priority.${complaint.priority}` as MessageKey) : t("audit.none")} testid="priority" />
        <Fact label={t("audit.complaints.categories")} value={complaint.categories.map(categoryLabel).join(", ")} />
        <Fact label={t("audit.complaints.corridor")} value={t("audit.complaints.corridor_value", { origin: complaint.origin_country, destination: complaint.destination_country })} />
        <Fact label={t("audit.complaint.recruiter_country")} value={complaint.recruiter.country ?? t("audit.none")} />
        <Fact label={t("audit.complaints.filed")} value={formatTime(complaint.filed_at)} />
        <Fact label={t("audit.complaint.occurred")} value={complaint.occurred_on ?? t("audit.none")} />
        <Fact label={t("audit.complaint.consent")} value={complaint.consent_share_identity ? t("audit.yes") : t("audit.no")} />
        <Fact label={t("audit.version")} value={String(complaint.version)} testid="version" />
      </dl>
      <h2>{t("audit.complaint.description")}</h2>
      <p class="description">{complaint.description}</p>

      <section aria-labelledby="complaint-transition-title" class="edit">
        <h2 id="complaint-transition-title">{t("audit.complaint.decide")}</h2>
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
        {complaint.allowed_actions.length === 0 ? (
          <p>{t("audit.complaint.no_actions")}</p>
        ) : (
          <form onSubmit={submit} noValidate>
            <fieldset>
              <legend>{t("audit.action")}</legend>
              {complaint.allowed_actions.map((action) => (
                <div class="field checkbox" key={action}>
                  <input type="radio" id={`action-${action}`} name="action" value={action} checked={draft.action === action} onChange={() => set({ action: action as Action })} />
                  <label for={`action-${action}`}>{actionLabel(action)}</label>
                </div>
              ))}
            </fieldset>
            {draft.action === "triage" ? (
              <>
                <div class="field">
                  <label for="priority">{t("audit.complaints.priority")}</label>
                  <select
                    id="priority"
                    value={draft.priority}
                    aria-invalid={errors.priority ? true : undefined}
                    aria-describedby={errors.priority ? "priority-error" : undefined}
                    onChange={(e) => set({ priority: e.currentTarget.value as Priority | "" })}
                  >
                    <option value="">{t("audit.complaint.choose_priority")}</option>
                    {PRIORITIES.map((p) => (
                      <option key={p} value={p}>
                        {t(`audit.priority.${p}`)}
                      </option>
                    ))}
                  </select>
                  {errors.priority ? (
                    <p class="field-error" id="priority-error">
                      {errors.priority}
                    </p>
                  ) : null}
                </div>
                <fieldset>
                  <legend>{t("audit.complaints.categories")}</legend>
                  {CATEGORIES.map((c) => (
                    <div class="field checkbox" key={c}>
                      <input
                        type="checkbox"
                        id={`category-${c}`}
                        checked={categories.includes(c)}
                        onChange={(e) =>
                          set({ categories: e.currentTarget.checked ? [...categories, c] : categories.filter((x) => x !== c) })
                        }
                      />
                      <label for={`category-${c}`}>{categoryLabel(c)}</label>
                    </div>
                  ))}
                  {errors.categories ? <p class="field-error">{errors.categories}</p> : null}
                </fieldset>
              </>
            ) : null}
            {draft.action === "refer" ? (
              <fieldset aria-describedby={errors.add_partners ? "partners-error" : undefined}>
                <legend>{t("audit.complaint.partners")}</legend>
                {complaint.suggested_partners.length ? (
                  <p class="hint">{t("audit.complaint.suggested_hint")}</p>
                ) : (
                  <p class="hint">{t("audit.complaint.none_suggested")}</p>
                )}
                {[...complaint.suggested_partners, ...others].map((p) => (
                  <div class="field checkbox" key={p.partner_id}>
                    <input
                      type="checkbox"
                      id={`partner-${p.partner_id}`}
                      checked={isChosen(p.partner_id)}
                      onChange={(e) => set({ chosen: { ...draft.chosen, [p.partner_id]: e.currentTarget.checked } })}
                    />
                    <label for={`partner-${p.partner_id}`}>
                      {suggested.has(p.partner_id) ? t("audit.complaint.partner_suggested", { name: p.name }) : p.name}
                    </label>
                  </div>
                ))}
                {errors.add_partners ? (
                  <p class="field-error" id="partners-error">
                    {errors.add_partners}
                  </p>
                ) : null}
              </fieldset>
            ) : null}
            {draft.action ? (
              <TextField
                id="reason"
                label={draft.action === "close" ? t("audit.complaint.close_reason") : t("audit.complaint.note")}
                value={draft.reason}
                error={errors.reason}
                multiline
                onInput={(reason) => set({ reason })}
              />
            ) : null}
            {general ? <FailurePanel what={t("audit.save_failed")} failure={general} /> : null}
            <button type="submit" disabled={busy || !draft.action}>
              {draft.action ? actionLabel(draft.action) : t("audit.choose_action")}
            </button>
          </form>
        )}
      </section>

      <section aria-labelledby="referrals-title">
        <h2 id="referrals-title">{t("audit.complaint.referrals")}</h2>
        {complaint.referrals.length ? (
          <ul class="referrals">
            {complaint.referrals.map((r) => (
              <li key={r.referral_id}>{partnerName(r.partner_id)}</li>
            ))}
          </ul>
        ) : (
          <p>{t("audit.complaint.no_referrals")}</p>
        )}
      </section>

      <section aria-labelledby="evidence-title">
        <h2 id="evidence-title">{t("audit.complaint.evidence", { count: complaint.evidence.length })}</h2>
        {complaint.evidence.length ? (
          <ul>
            {complaint.evidence.map((e, n) => (
              <li key={e.key}>
                {e.url ? (
                  <a href={e.url} rel="noreferrer" target="_blank">
                    {t("audit.complaint.evidence_item", { n: n + 1, type: e.content_type, size: e.size_bytes })}
                  </a>
                ) : (
                  t("audit.complaint.evidence_item", { n: n + 1, type: e.content_type, size: e.size_bytes })
                )}
              </li>
            ))}
          </ul>
        ) : (
          <p>{t("audit.complaint.no_evidence")}</p>
        )}
      </section>

      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title">{t("audit.complaint.timeline")}</h2>
        <ol class="history">
          {complaint.timeline.map((entry, n) => (
            <li key={n}>
              {t("audit.complaint.timeline_entry", { at: formatTime(entry.at), event: entry.event })}
              {Object.entries(entry)
                .filter(([k]) => k !== "at" && k !== "event")
                .map(([k, v]) => ` · ${k}: ${describe(k, v)}`)
                .join("")}
            </li>
          ))}
        </ol>
      </section>
    </article>
  );
}
