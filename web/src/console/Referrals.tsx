import { useEffect, useRef, useState } from "preact/hooks";

import { type Failure, type Schemas, api, call, fieldErrors } from "../api/client";
import { formatTime, t } from "../i18n";
import { FailurePanel } from "./Failure";
import { MoreButton, usePaged } from "./paged";
import { TextField } from "./TextField";
import { REFERRAL_STATUSES, type AckStatus, type ReferralStatus, label, listOf } from "./partnerVocabulary";

type Referral = Schemas["Referral"];
type AckIn = Schemas["AckIn"];

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function list(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function categories(referral: Referral): string {
  return listOf(list(referral.data.categories).map((c) => label("complaint_category", c)));
}

/** How the webhook delivery went (the referral is in the inbox whatever it says). */
function delivery(referral: Referral): string {
  const { state, attempts } = referral.delivery;
  return t("referrals.delivery_state", { state: label("delivery_state", state), attempts });
}

function isStatus(value: string): value is ReferralStatus {
  return (REFERRAL_STATUSES as readonly string[]).includes(value);
}

/** The partner's referrals inbox: by status and since when, a page at a time. */
export function Referrals() {
  const heading = useRef<HTMLHeadingElement>(null);
  const [status, setStatus] = useState<ReferralStatus | "">("");
  const [since, setSince] = useState("");
  const paged = usePaged<Referral>(
    (after) =>
      call(() =>
        api.GET("/v1/partner/referrals", {
          params: {
            query: {
              limit: 25,
              ...(status ? { status } : {}),
              ...(since ? { since: `${since}T00:00:00Z` } : {}),
              ...(after ? { cursor: after } : {}),
            },
          },
        }),
      ),
    [status, since],
  );
  const { items, failure } = paged;

  useEffect(() => heading.current?.focus(), []);

  const errors = fieldErrors(failure);
  return (
    <section aria-labelledby="referrals-title">
      <h1 id="referrals-title" tabIndex={-1} ref={heading}>
        {t("referrals.title")}
      </h1>
      <form class="filters" aria-label={t("referrals.filters")} onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="referral-status">{t("referrals.filter_status")}</label>
          <select
            id="referral-status"
            value={status}
            onChange={(e) => {
              const value = e.currentTarget.value;
              setStatus(isStatus(value) ? value : "");
            }}
          >
            <option value="">{t("referrals.any_status")}</option>
            {REFERRAL_STATUSES.map((s) => (
              <option key={s} value={s}>
                {label("referral_status", s)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="referral-since">{t("referrals.filter_since")}</label>
          <input
            id="referral-since"
            type="date"
            value={since}
            aria-invalid={errors.since ? true : undefined}
            aria-describedby={errors.since ? "referral-since-error" : undefined}
            onChange={(e) => setSince(e.currentTarget.value)}
          />
          {errors.since ? (
            <p class="field-error" id="referral-since-error">
              {errors.since}
            </p>
          ) : null}
        </div>
      </form>
      {failure && !errors.since ? (
        <FailurePanel what={t("referrals.load_failed")} failure={failure} onRetry={paged.more} />
      ) : null}
      {items === null && !failure ? <p role="status">{t("referrals.loading")}</p> : null}
      {items && items.length === 0 ? <p>{status || since ? t("referrals.empty_filtered") : t("referrals.empty")}</p> : null}
      {items && items.length > 0 ? (
        <table>
          <caption>{t("referrals.count", { count: items.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("referrals.referral")}</th>
              <th scope="col">{t("referrals.status")}</th>
              <th scope="col">{t("referrals.delivery")}</th>
              <th scope="col">{t("referrals.referred_at")}</th>
              <th scope="col">{t("referrals.sla_due")}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((referral) => (
              <tr key={referral.referral_id} data-referral-id={referral.referral_id}>
                <th scope="row">
                  <a href={`#/referrals/${encodeURIComponent(referral.referral_id)}`}>
                    {categories(referral) || t("referrals.referral")}
                  </a>
                  <span class="meta">
                    {" "}
                    {t("referrals.route", {
                      origin: text(referral.data.origin_country),
                      destination: text(referral.data.destination_country),
                    })}
                  </span>
                </th>
                <td data-fact="status">{label("referral_status", referral.status)}</td>
                <td>{delivery(referral)}</td>
                <td>{formatTime(referral.created_at)}</td>
                <td>{formatTime(referral.sla_due_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <MoreButton paged={paged} />
    </section>
  );
}

/** One referral: its delivery, the complaint as referred (the webhook's payload) and the acknowledgements. */
export function ReferralDetail(props: { id: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const [referral, setReferral] = useState<Referral | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);

  const load = async () => {
    setFailure(null);
    const outcome = await call(() =>
      api.GET("/v1/partner/referrals/{referral_id}", { params: { path: { referral_id: props.id } } }),
    );
    if (outcome.ok) setReferral(outcome.data);
    else setFailure(outcome.failure);
  };

  useEffect(() => {
    void load().then(() => heading.current?.focus());
  }, [props.id]);

  const data = referral?.data ?? {};
  const recruiter = (typeof data.recruiter === "object" && data.recruiter !== null ? data.recruiter : {}) as Record<
    string,
    unknown
  >;
  const complainant = (typeof data.complainant === "object" && data.complainant !== null ? data.complainant : null) as
    | Record<string, unknown>
    | null;
  return (
    <section aria-labelledby="referral-title">
      <p>
        <a href="#/referrals">{t("referral.back")}</a>
      </p>
      <h1 id="referral-title" tabIndex={-1} ref={heading}>
        {referral ? t("referral.title", { categories: categories(referral) }) : t("referral.title_unknown")}
      </h1>
      {failure ? <FailurePanel what={t("referral.load_failed")} failure={failure} onRetry={() => void load()} /> : null}
      {!referral && !failure ? <p role="status">{t("referral.loading")}</p> : null}
      {referral ? (
        <>
          <dl class="facts">
            <div class="fact">
              <dt>{t("referrals.status")}</dt>
              <dd data-fact="status">{label("referral_status", referral.status)}</dd>
            </div>
            <div class="fact">
              <dt>{t("referrals.delivery")}</dt>
              <dd data-fact="delivery">{delivery(referral)}</dd>
            </div>
            <div class="fact">
              <dt>{t("referrals.referred_at")}</dt>
              <dd>{formatTime(referral.created_at)}</dd>
            </div>
            <div class="fact">
              <dt>{t("referrals.sla_due")}</dt>
              <dd>{formatTime(referral.sla_due_at)}</dd>
            </div>
            <div class="fact">
              <dt>{t("referral.priority")}</dt>
              <dd>{text(data.priority) || t("referral.not_given")}</dd>
            </div>
            <div class="fact">
              <dt>{t("referral.countries")}</dt>
              <dd>
                {t("referrals.route", { origin: text(data.origin_country), destination: text(data.destination_country) })}
              </dd>
            </div>
            <div class="fact">
              <dt>{t("referral.recruiter")}</dt>
              <dd>{text(recruiter.name) || t("referral.not_given")}</dd>
            </div>
            <div class="fact">
              <dt>{t("referral.evidence")}</dt>
              <dd>{String(data.evidence_count ?? 0)}</dd>
            </div>
          </dl>
          <h2>{t("referral.description")}</h2>
          <p class="description">{text(data.description)}</p>
          <p>{complainant ? t("referral.identity_shared") : t("referral.identity_withheld")}</p>
          {complainant ? (
            <p>
              {t("referral.complainant", {
                name: text(complainant.name),
                email: text(complainant.email),
                phone: text(complainant.phone),
              })}
            </p>
          ) : null}
          <details>
            <summary>{t("referral.payload")}</summary>
            <pre class="payload">{JSON.stringify(referral.data, null, 2)}</pre>
          </details>
          <Acknowledge referral={referral} onSaved={setReferral} />
          <section aria-labelledby="acks-title">
            <h2 id="acks-title">{t("referral.acks")}</h2>
            {referral.acks.length === 0 ? (
              <p>{t("referral.no_acks")}</p>
            ) : (
              <ol class="history acks">
                {referral.acks.map((ack, n) => (
                  <li key={n}>
                    <strong>{label("referral_status", ack.status)}</strong>, {formatTime(ack.at)}
                    {ack.reason ? <> — {t("referral.ack_reason", { reason: ack.reason })}</> : null}
                    {ack.substantiated !== null && ack.substantiated !== undefined ? (
                      <> — {t(ack.substantiated ? "referral.ack_substantiated" : "referral.ack_unsubstantiated")}</>
                    ) : null}
                    {ack.remedy ? <> — {t("referral.ack_remedy", { remedy: ack.remedy })}</> : null}
                    {ack.note ? <> — {t("referral.ack_note", { note: ack.note })}</> : null}
                  </li>
                ))}
              </ol>
            )}
          </section>
        </>
      ) : null}
    </section>
  );
}

function Acknowledge(props: { referral: Referral; onSaved: (referral: Referral) => void }) {
  const { referral, onSaved } = props;
  const current = isStatus(referral.status) ? referral.status : "referred";
  // What may follow the referral's state, as the API's view of it says (its rule table).
  const offered = referral.allowed_statuses as AckStatus[];
  const [allowed, setAllowed] = useState<readonly AckStatus[]>(offered);
  const [status, setStatus] = useState<AckStatus | "">(allowed[0] ?? "");
  const [reason, setReason] = useState("");
  const [substantiated, setSubstantiated] = useState<"" | "yes" | "no">("");
  const [remedy, setRemedy] = useState("");
  const [note, setNote] = useState("");
  const [failure, setFailure] = useState<Failure | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  // A new state of the referral: offer what may follow it.
  useEffect(() => {
    setAllowed(offered);
    setStatus((chosen) => (chosen && offered.includes(chosen) ? chosen : (offered[0] ?? "")));
  }, [current, offered.join()]);

  if (allowed.length === 0)
    return (
      <p class="notice" role="status">        {t("referral.final", { status: label("referral_status", current) })}
      </p>
    );

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!status) return;
    setBusy(true);
    setFailure(null);
    setSaved(false);
    const body: AckIn = {
      status,
      ...(status === "rejected" && reason.trim() ? { reason: reason.trim() } : {}),
      ...(status === "resolved" && substantiated
        ? { outcome: { substantiated: substantiated === "yes", ...(remedy.trim() ? { remedy: remedy.trim() } : {}) } }
        : {}),
      ...(note.trim() ? { note: note.trim() } : {}),
    };
    const outcome = await call(() =>
      api.POST("/v1/partner/referrals/{referral_id}/ack", {
        params: { path: { referral_id: referral.referral_id } },
        body,
      }),
    );
    setBusy(false);
    if (!outcome.ok) {
      setFailure(outcome.failure); // what was typed stays
      const problem = outcome.failure.kind === "problem" ? outcome.failure.problem : null;
      const offered = problem && Array.isArray(problem.allowed_statuses) ? (problem.allowed_statuses as AckStatus[]) : null;
      if (offered) {
        // The choice refused may not follow any more: choose what may, as a new state does.
        setAllowed(offered);
        setStatus((chosen) => (chosen && offered.includes(chosen) ? chosen : (offered[0] ?? "")));
      }
      return;
    }
    setReason("");
    setSubstantiated("");
    setRemedy("");
    setNote("");
    setSaved(true);
    onSaved(outcome.data);
  };

  const errors = fieldErrors(failure);
  const conflict = failure?.kind === "problem" && failure.status === 409;
  const general = failure && !conflict && Object.keys(errors).length === 0 ? failure : null;
  return (
    <section class="panel" aria-labelledby="ack-title">
      <h2 id="ack-title">{t("referral.ack_title")}</h2>
      {saved ? (
        <p class="notice" role="status">
          {t("referral.ack_saved", { status: label("referral_status", referral.status) })}
        </p>
      ) : null}
      {conflict && failure.kind === "problem" ? (
        <div class="conflict" role="alert">
          <p class="failure-what">{t("referral.ack_conflict")}</p>
          <p>{failure.problem.detail}</p>
        </div>
      ) : null}
      <form onSubmit={submit} noValidate>
        <div class="field">
          <label for="ack-status">{t("referral.ack_status")}</label>
          <select
            id="ack-status"
            value={status}
            aria-invalid={errors.status ? true : undefined}
            aria-describedby={errors.status ? "ack-status-error" : undefined}
            onChange={(e) => setStatus(e.currentTarget.value as AckStatus)}
          >
            {allowed.map((s) => (
              <option key={s} value={s}>
                {label("referral_status", s)}
              </option>
            ))}
          </select>
          {errors.status ? (
            <p class="field-error" id="ack-status-error">
              {errors.status}
            </p>
          ) : null}
        </div>
        {status === "rejected" ? (
          <TextField
            id="ack-reason"
            label={t("referral.ack_reason_label")}
            value={reason}
            onInput={setReason}
            error={errors.reason}
            multiline
          />
        ) : null}
        {status === "resolved" ? (
          <fieldset aria-describedby={errors["outcome.substantiated"] ? "ack-substantiated-error" : undefined}>
            <legend>{t("referral.ack_outcome")}</legend>
            <div class="field checkbox">
              <input
                id="ack-substantiated-yes"
                type="radio"
                name="substantiated"
                checked={substantiated === "yes"}
                onChange={() => setSubstantiated("yes")}
              />
              <label for="ack-substantiated-yes">{t("referral.ack_substantiated_yes")}</label>
            </div>
            <div class="field checkbox">
              <input
                id="ack-substantiated-no"
                type="radio"
                name="substantiated"
                checked={substantiated === "no"}
                onChange={() => setSubstantiated("no")}
              />
              <label for="ack-substantiated-no">{t("referral.ack_substantiated_no")}</label>
            </div>
            {errors["outcome.substantiated"] ? (
              <p class="field-error" id="ack-substantiated-error">
                {errors["outcome.substantiated"]}
              </p>
            ) : null}
            <TextField
              id="ack-remedy"
              label={t("referral.ack_remedy_label")}
              value={remedy}
              onInput={setRemedy}
              error={errors["outcome.remedy"]}
              multiline
            />
          </fieldset>
        ) : null}
        <TextField
          id="ack-note"
          label={t("referral.ack_note_label")}
          value={note}
          onInput={setNote}
          error={errors.note}
          multiline
        />
        {general ? <FailurePanel what={t("referral.ack_failed")} failure={general} /> : null}
        <button type="submit" disabled={busy}>
          {t("referral.ack_submit")}
        </button>
      </form>
    </section>
  );
}
