import { useEffect, useRef, useState } from "preact/hooks";

import { type Failure, type Schemas, api, call, fieldErrors } from "../api/client";
import { formatTime, t } from "../i18n";
import { FailurePanel } from "./Failure";
import { TextField } from "./TextField";
import { PARTNER_CATEGORIES, type PartnerCategory, firstError, label, listOf } from "./partnerVocabulary";

type Partner = Schemas["Partner"];
type PartnerIn = Schemas["PartnerIn"];

/** A signing secret the API has just shown, once: kept only while this screen is open. */
interface Secret {
  partnerId: string;
  name: string;
  secret: string;
  rotated: boolean;
  /** On creation with a contact e-mail: the partner's sign-in invited, or why it was not. */
  login?: string | null | undefined;
  loginError?: string | null | undefined;
}

/** Partner authorities, for administrators: create, rotate the signing secret, deactivate. */
export function Partners() {
  const heading = useRef<HTMLHeadingElement>(null);
  const [active, setActive] = useState(true);
  const [items, setItems] = useState<Partner[] | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [secret, setSecret] = useState<Secret | null>(null);
  const [rotatingId, setRotatingId] = useState<string | null>(null);
  // The partner as last listed: after a conflict the list is read again, and so is this.
  const rotating = rotatingId ? (items?.find((p) => p.partner_id === rotatingId) ?? null) : null;
  const [notice, setNotice] = useState<string | null>(null);

  const load = async () => {
    setFailure(null);
    const outcome = await call(() => api.GET("/v1/admin/partners", { params: { query: { active } } }));
    if (!outcome.ok) {
      setFailure(outcome.failure);
      return;
    }
    setItems(outcome.data.items);
  };

  useEffect(() => heading.current?.focus(), []);
  useEffect(() => {
    setItems(null);
    void load();
  }, [active]);

  const shown = (next: Secret) => {
    setSecret(next);
    setRotatingId(null);
    void load();
  };

  return (
    <section aria-labelledby="partners-title">
      <h1 id="partners-title" tabIndex={-1} ref={heading}>
        {t("partners.title")}
      </h1>
      {secret ? (
        <SecretOnce
          secret={secret}
          onDone={() => {
            setSecret(null);
            heading.current?.focus(); // the panel that had the focus is gone
          }}
        />
      ) : null}
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <div class="field checkbox">
        <input
          id="partners-inactive"
          type="checkbox"
          checked={!active}
          onChange={(e) => setActive(!e.currentTarget.checked)}
        />
        <label for="partners-inactive">{t("partners.show_inactive")}</label>
      </div>
      {failure ? <FailurePanel what={t("partners.load_failed")} failure={failure} onRetry={() => void load()} /> : null}
      {items === null && !failure ? <p role="status">{t("partners.loading")}</p> : null}
      {items && items.length === 0 ? <p>{active ? t("partners.empty") : t("partners.empty_inactive")}</p> : null}
      {items && items.length > 0 ? (
        <table>
          <caption>{t("partners.count", { count: items.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("partners.name")}</th>
              <th scope="col">{t("partners.jurisdictions")}</th>
              <th scope="col">{t("partners.categories")}</th>
              <th scope="col">{t("partners.delivery")}</th>
              <th scope="col">{t("partners.secrets")}</th>
              <th scope="col">{t("partners.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((partner) => (
              <PartnerRow
                key={partner.partner_id}
                partner={partner}
                onRotate={() => setRotatingId(partner.partner_id)}
                onChanged={(message) => {
                  setNotice(message);
                  heading.current?.focus(); // its row may leave the list, and its button with it
                  void load();
                }}
                onStale={() => void load()}
              />
            ))}
          </tbody>
        </table>
      ) : null}
      {rotating ? (
        <Rotate
          key={rotating.partner_id}
          partner={rotating}
          onRotated={shown}
          onStale={() => void load()}
          onCancel={() => setRotatingId(null)}
        />
      ) : null}
      <CreatePartner onCreated={shown} />
    </section>
  );
}

function PartnerRow(props: {
  partner: Partner;
  onRotate: () => void;
  onChanged: (message: string) => void;
  onStale: () => void;
}) {
  const { partner, onRotate, onChanged, onStale } = props;
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const { origin = [], destination = [] } = partner.jurisdictions;

  const toggle = async () => {
    setBusy(true);
    setFailure(null);
    const outcome = await call(() =>
      api.PATCH("/v1/admin/partners/{partner_id}", {
        params: { path: { partner_id: partner.partner_id } },
        body: { expected_version: partner.version, active: !partner.active },
      }),
    );
    setBusy(false);
    if (!outcome.ok) {
      setFailure(outcome.failure);
      if (outcome.failure.kind === "problem" && outcome.failure.status === 409) onStale();
      return;
    }
    onChanged(t(partner.active ? "partners.deactivated" : "partners.reactivated", { name: partner.name }));
  };

  const stale = failure?.kind === "problem" && failure.status === 409;
  return (
    <tr data-partner-id={partner.partner_id}>
      <th scope="row">
        {partner.name}
        <span class="meta break"> {t("partners.id", { id: partner.partner_id })}</span>
      </th>
      <td>
        {origin.length ? <span>{t("partners.origin_list", { countries: listOf(origin) })} </span> : null}
        {destination.length ? <span>{t("partners.destination_list", { countries: listOf(destination) })}</span> : null}
      </td>
      <td>{listOf(partner.categories.map((c) => label("complaint_category", c)))}</td>
      <td>
        <span class="break">
          {partner.webhook_url ? t("partners.webhook_to", { url: partner.webhook_url }) : t("partners.pull_only")}
        </span>
        <span class="meta"> {t("partners.sla", { days: partner.sla_days })}</span>
      </td>
      <td>
        <ul class="plain">
          {partner.signing_secrets.map((s) => (
            <li key={s.created_at}>
              {s.retires_at
                ? t("partners.secret_retires", { created: formatTime(s.created_at), retires: formatTime(s.retires_at) })
                : t("partners.secret_current", { created: formatTime(s.created_at) })}
            </li>
          ))}
        </ul>
      </td>
      <td>
        <div class="row-actions">
          {partner.active ? (
            <button type="button" onClick={onRotate} aria-label={t("partners.rotate_named", { name: partner.name })}>
              {t("partners.rotate")}
            </button>
          ) : null}
          <button
            type="button"
            class="secondary"
            disabled={busy}
            onClick={() => void toggle()}
            aria-label={t(partner.active ? "partners.deactivate_named" : "partners.reactivate_named", { name: partner.name })}
          >
            {t(partner.active ? "partners.deactivate" : "partners.reactivate")}
          </button>
        </div>
        {failure ? (
          <FailurePanel
            what={stale ? t("partners.conflict") : t("partners.change_failed")}
            failure={failure}
            onRetry={() => void toggle()}
          />
        ) : null}
      </td>
    </tr>
  );
}

/** Rotation: a new secret signs from now on; the previous one keeps signing beside it for the overlap. */
function Rotate(props: {
  partner: Partner;
  onRotated: (secret: Secret) => void;
  onStale: () => void;
  onCancel: () => void;
}) {
  const { partner, onRotated, onStale, onCancel } = props;
  const heading = useRef<HTMLHeadingElement>(null);
  const [overlap, setOverlap] = useState("24");
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => heading.current?.focus(), []);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    const hours = Number(overlap.trim());
    const outcome = await call(() =>
      api.PATCH("/v1/admin/partners/{partner_id}", {
        params: { path: { partner_id: partner.partner_id } },
        body: {
          expected_version: partner.version,
          rotate_secret: true,
          // A value that is not a whole number goes to the API as typed, so it names the field.
          overlap_hours: (Number.isInteger(hours) && overlap.trim() !== "" ? hours : overlap) as number,
        },
      }),
    );
    setBusy(false);
    if (!outcome.ok) {
      setFailure(outcome.failure);
      if (outcome.failure.kind === "problem" && outcome.failure.status === 409) onStale();
      return;
    }
    const secret = outcome.data.signing_secret;
    if (secret) onRotated({ partnerId: partner.partner_id, name: partner.name, secret, rotated: true });
  };

  const errors = fieldErrors(failure);
  const stale = failure?.kind === "problem" && failure.status === 409;
  const general = failure && !stale && Object.keys(errors).length === 0 ? failure : null;
  return (
    <section class="panel" aria-labelledby="rotate-title">
      <h2 id="rotate-title" tabIndex={-1} ref={heading}>
        {t("partners.rotate_title", { name: partner.name })}
      </h2>
      <p>{t("partners.rotate_about")}</p>
      {stale ? (
        <div class="conflict" role="alert">
          <p class="failure-what">{t("partners.conflict")}</p>
          <p>{t("partners.conflict_redo")}</p>
        </div>
      ) : null}
      <form onSubmit={submit} noValidate>
        <TextField
          id="overlap_hours"
          label={t("partners.overlap")}
          value={overlap}
          onInput={setOverlap}
          error={errors.overlap_hours}
        />
        {general ? <FailurePanel what={t("partners.rotate_failed")} failure={general} /> : null}
        <div class="row-actions">
          <button type="submit" disabled={busy}>
            {t("partners.rotate_submit")}
          </button>
          <button type="button" class="secondary" onClick={onCancel}>
            {t("partners.cancel")}
          </button>
        </div>
      </form>
    </section>
  );
}

function SecretOnce(props: { secret: Secret; onDone: () => void }) {
  const { secret, onDone } = props;
  const heading = useRef<HTMLHeadingElement>(null);
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<boolean | null>(null);
  useEffect(() => heading.current?.focus(), [secret]);

  const copy = async () => {
    field.current?.select();
    try {
      await navigator.clipboard.writeText(secret.secret);
      setCopied(true);
    } catch {
      setCopied(false); // selected: the user copies it with the keyboard
    }
  };

  return (
    <section class="secret-once" aria-labelledby="secret-title">
      <h2 id="secret-title" tabIndex={-1} ref={heading}>
        {t(secret.rotated ? "partners.secret_rotated" : "partners.secret_created", { name: secret.name })}
      </h2>
      <p>
        <strong>{t("partners.secret_once")}</strong> {t("partners.secret_why")}
      </p>
      <div class="field">
        <label for="signing-secret">{t("partners.secret_label")}</label>
        <input id="signing-secret" ref={field} type="text" readOnly value={secret.secret} class="secret" />
      </div>
      <p>{t("partners.secret_partner_id", { id: secret.partnerId })}</p>
      {secret.login ? <p>{t("partners.login_invited", { login: secret.login })}</p> : null}
      {secret.loginError ? (
        <p class="field-error">{t("partners.login_failed", { error: secret.loginError })}</p>
      ) : null}
      <div class="row-actions">
        <button type="button" onClick={() => void copy()}>
          {t("partners.secret_copy")}
        </button>
        <button type="button" class="secondary" onClick={onDone}>
          {t("partners.secret_done")}
        </button>
      </div>
      {copied !== null ? <p role="status">{t(copied ? "partners.secret_copied" : "partners.secret_selected")}</p> : null}
    </section>
  );
}

const EMPTY_FORM = {
  name: "",
  origin: "",
  destination: "",
  categories: [] as PartnerCategory[],
  webhook: "",
  contactName: "",
  contactEmail: "",
  contactPhone: "",
  sla: "",
};

function countries(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((c) => c.trim().toUpperCase())
    .filter((c) => c !== "");
}

function CreatePartner(props: { onCreated: (secret: Secret) => void }) {
  const [form, setForm] = useState(EMPTY_FORM);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (key: keyof typeof EMPTY_FORM) => (value: string) => setForm((f) => ({ ...f, [key]: value }));

  const toggle = (category: PartnerCategory, on: boolean) =>
    setForm((f) => ({
      ...f,
      categories: on ? [...f.categories, category] : f.categories.filter((c) => c !== category),
    }));

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    const contact = {
      ...(form.contactName.trim() ? { name: form.contactName.trim() } : {}),
      ...(form.contactEmail.trim() ? { email: form.contactEmail.trim() } : {}),
      ...(form.contactPhone.trim() ? { phone: form.contactPhone.trim() } : {}),
    };
    const sla = form.sla.trim();
    const body: PartnerIn = {
      name: form.name.trim(),
      jurisdictions: { origin: countries(form.origin), destination: countries(form.destination) },
      categories: form.categories,
      ...(form.webhook.trim() ? { webhook_url: form.webhook.trim() } : {}),
      ...(Object.keys(contact).length ? { contact } : {}),
      // What is not a whole number goes as typed, so the API names the field.
      ...(sla ? { sla_days: (Number.isInteger(Number(sla)) ? Number(sla) : sla) as number } : {}),
    };
    const outcome = await call(() => api.POST("/v1/admin/partners", { body }));
    setBusy(false);
    if (!outcome.ok) {
      setFailure(outcome.failure); // what was typed stays in the form
      return;
    }
    const { signing_secret: secret, partner_id: partnerId, name, identity } = outcome.data;
    setForm(EMPTY_FORM);
    if (secret)
      props.onCreated({ partnerId, name, secret, rotated: false, login: identity.login, loginError: identity.login_error });
  };

  const errors = fieldErrors(failure);
  const general = failure && Object.keys(errors).length === 0 ? failure : null;
  const jurisdictionError = firstError(errors, "jurisdictions");
  return (
    <section class="panel" aria-labelledby="create-partner-title">
      <h2 id="create-partner-title">{t("partners.create_title")}</h2>
      <form onSubmit={submit} noValidate>
        <TextField id="partner-name" label={t("partners.name")} value={form.name} onInput={set("name")} error={errors.name} />
        <fieldset aria-describedby={jurisdictionError ? "jurisdictions-error" : undefined}>
          <legend>{t("partners.jurisdictions")}</legend>
          <p class="hint">{t("partners.jurisdictions_hint")}</p>
          <TextField
            id="partner-origin"
            label={t("partners.origin")}
            value={form.origin}
            onInput={set("origin")}
            error={firstError(errors, "jurisdictions.origin")}
          />
          <TextField
            id="partner-destination"
            label={t("partners.destination")}
            value={form.destination}
            onInput={set("destination")}
            error={firstError(errors, "jurisdictions.destination")}
          />
          {errors.jurisdictions ? (
            <p class="field-error" id="jurisdictions-error">
              {errors.jurisdictions}
            </p>
          ) : null}
        </fieldset>
        <fieldset aria-describedby={errors.categories ? "categories-error" : undefined}>
          <legend>{t("partners.categories")}</legend>
          {PARTNER_CATEGORIES.map((category) => (
            <div class="field checkbox" key={category}>
              <input
                id={`partner-category-${category}`}
                type="checkbox"
                checked={form.categories.includes(category)}
                onChange={(e) => toggle(category, e.currentTarget.checked)}
              />
              <label for={`partner-category-${category}`}>{label("complaint_category", category)}</label>
            </div>
          ))}
          {firstError(errors, "categories") ? (
            <p class="field-error" id="categories-error">
              {firstError(errors, "categories")}
            </p>
          ) : null}
        </fieldset>
        <TextField
          id="partner-webhook"
          label={t("partners.webhook")}
          value={form.webhook}
          onInput={set("webhook")}
          error={errors.webhook_url}
        />
        <fieldset>
          <legend>{t("partners.contact")}</legend>
          <TextField
            id="partner-contact-name"
            label={t("partners.contact_name")}
            value={form.contactName}
            onInput={set("contactName")}
            error={errors["contact.name"]}
          />
          <TextField
            id="partner-contact-email"
            label={t("partners.contact_email")}
            value={form.contactEmail}
            onInput={set("contactEmail")}
            error={errors["contact.email"]}
          />
          <TextField
            id="partner-contact-phone"
            label={t("partners.contact_phone")}
            value={form.contactPhone}
            onInput={set("contactPhone")}
            error={errors["contact.phone"]}
          />
        </fieldset>
        <TextField
          id="partner-sla"
          label={t("partners.sla_days")}
          value={form.sla}
          onInput={set("sla")}
          error={errors.sla_days}
        />
        {general ? <FailurePanel what={t("partners.create_failed")} failure={general} /> : null}
        {failure && !general ? (
          <p class="field-error" role="alert">
            {t("partners.create_fix")}
          </p>
        ) : null}
        <button type="submit" disabled={busy}>
          {t("partners.create_submit")}
        </button>
      </form>
    </section>
  );
}
