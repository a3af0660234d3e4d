// Complain about a recruiter: who, what happened (by category), fees, countries, evidence files,
// whether partner authorities may see who you are (anonymous allowed). The tracking code is shown
// once with a way to keep it; each evidence file is then sent with its own outcome and retry.
// What was typed is kept (memory and this tab's sessionStorage) until the complaint is filed.
import { useEffect, useState } from "preact/hooks";

import { type Failure, type Schemas, api, call } from "../api";
import { COMPLAINT_CATEGORIES } from "../../api/vocabulary";
import { type Country, countryOptions, isCountry } from "../forms/countries";
import { OtherRefusals, idempotencyKeys, refusedFields } from "../forms/problems";
import { language, t } from "../i18n";
import type { PageProps } from "../pages";
import { href } from "../router";
import { FailureBox } from "../ui/Failure";
import { Field, Select, TextArea, TextInput } from "../ui/Field";
import { KeepSecret } from "../ui/KeepSecret";
import { RecruiterPicker } from "../complaints/RecruiterPicker";
import { type Draft, KEY_STORED, clearDraft, files as keptFiles, loadDraft, saveDraft, setFiles } from "../complaints/draft";
import { MAX_BYTES, MAX_FILES, type Upload, type UploadState, evidenceType, send } from "../complaints/uploads";
import "../forms/forms.css";
import "../complaints/complaints.css";

type ComplaintIn = Schemas["ComplaintIn"];
type Filed = Schemas["ComplaintFiled"];
type Missing = Partial<Record<"recruiter" | "categories" | "description" | "origin" | "destination" | "consent" | "fee", boolean>>;

const keys = idempotencyKeys(KEY_STORED);

export function Complain({ params }: PageProps) {
  const [draft, setDraft] = useState<Draft>(() => {
    const kept = loadDraft();
    const id = params.get("recruiter_id");
    return id ? { ...kept, recruiterId: id, recruiterName: params.get("name") ?? id } : kept;
  });
  const [chosen, setChosen] = useState<File[]>(keptFiles);
  const [missing, setMissing] = useState<Missing>({});
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [filed, setFiled] = useState<{ complaint: Filed; files: File[] } | null>(null);

  useEffect(() => saveDraft(draft), [draft]);
  const change = (patch: Partial<Draft>) => setDraft((current) => ({ ...current, ...patch }));

  function body(): ComplaintIn {
    const recruiter: ComplaintIn["recruiter"] = draft.recruiterId
      ? { recruiter_id: draft.recruiterId }
      : {
          name: draft.recruiterName.trim(),
          country: (draft.recruiterCountry || null) as ComplaintIn["recruiter"]["country"],
          licence_number: draft.licenceNumber.trim() || null,
        };
    const amount = Number(draft.feeAmount.replace(",", "."));
    return {
      recruiter,
      categories: draft.categories,
      description: draft.description.trim(),
      occurred_on: draft.occurredOn || null,
      fees: draft.feeAmount.trim()
        ? { amount, currency: draft.feeCurrency.trim().toUpperCase() }
        : null,
      origin_country: draft.origin as Country,
      destination_country: draft.destination as Country,
      anonymous: draft.anonymous,
      contact: draft.anonymous
        ? null
        : {
            name: draft.contactName.trim() || null,
            phone: draft.contactPhone.trim() || null,
            email: draft.contactEmail.trim() || null,
          },
      consent_share_identity: draft.anonymous ? "no" : draft.consent === "yes" ? "yes" : "no",
      language: language(),
      evidence: chosen.flatMap((file) => {
        const type = evidenceType(file);
        return type ? [{ content_type: type, size_bytes: file.size }] : [];
      }),
    };
  }

  async function submit(event?: Event) {
    event?.preventDefault();
    const fee = draft.feeAmount.trim();
    const absent: Missing = {
      recruiter: !draft.recruiterId && draft.recruiterName.trim().length < 2,
      categories: draft.categories.length === 0,
      description: draft.description.trim().length < 10,
      origin: !isCountry(draft.origin),
      destination: !isCountry(draft.destination),
      consent: !draft.anonymous && draft.consent === "",
      fee: fee !== "" && (!Number.isFinite(Number(fee.replace(",", "."))) || !/^[A-Za-z]{3}$/.test(draft.feeCurrency.trim())),
    };
    setMissing(absent);
    setTried(true);
    if (Object.values(absent).some(Boolean) || badFiles(chosen).length > 0 || chosen.length > MAX_FILES) {
      document.querySelector<HTMLElement>("[aria-invalid=true]")?.focus();
      return;
    }
    const complaint = body();
    setBusy(true);
    setFailure(null);
    const outcome = await call(() =>
      api.POST("/v1/complaints", { body: complaint, headers: { "Idempotency-Key": keys(complaint) } }),
    );
    setBusy(false);
    if (outcome.ok) {
      setFiled({ complaint: outcome.data, files: chosen.filter((file) => evidenceType(file)) });
      clearDraft();
    } else {
      setFailure(outcome.failure);
    }
  }

  if (filed) return <ComplaintFiled complaint={filed.complaint} files={filed.files} />;

  const refused = refusedFields(failure);
  const own = (condition: boolean | undefined, key: Parameters<typeof t>[0], ...fields: string[]) =>
    condition || fields.some((field) => Object.keys(refused).some((name) => name === field || name.startsWith(`${field}.`)))
      ? t(key)
      : undefined;
  const countries = countryOptions();
  return (
    <>
      <h1 tabIndex={-1}>{t("page.complain.title")}</h1>
      <p>{t("complaints.intro")}</p>
      <p>
        <a href={href("complaint-status")}>{t("complaints.already")}</a>
      </p>
      <form onSubmit={submit} noValidate>
        <RecruiterPicker
          draft={draft}
          change={change}
          errors={{
            name: own(missing.recruiter, "complaints.error.recruiter", "recruiter.name"),
            country: own(false, "ui.error.invalid", "recruiter.country"),
            licence: own(false, "ui.error.invalid", "recruiter.licence_number"),
            id: own(false, "complaints.error.recruiter_id", "recruiter.recruiter_id"),
          }}
        />
        <fieldset aria-describedby={missing.categories || refused.categories ? "complaint-categories-error" : undefined}>
          <legend>{t("complaints.categories.title")}</legend>
          <p class="hint">{t("complaints.categories.hint")}</p>
          {COMPLAINT_CATEGORIES.map((category) => (
            <label class="choice" key={category}>
              <input
                type="checkbox"
                name="categories"
                value={category}
                checked={draft.categories.includes(category)}
                onChange={(event) =>
                  change({
                    categories: event.currentTarget.checked
                      ? [...draft.categories, category]
                      : draft.categories.filter((c) => c !== category),
                  })
                }
              />
              {t(`complaints.category.${category}` as const)}
            </label>
          ))}
          {own(missing.categories, "complaints.error.categories", "categories") ? (
            <p class="error" id="complaint-categories-error">
              {t("complaints.error.categories")}
            </p>
          ) : null}
        </fieldset>
        <TextArea
          id="complaint-description"
          label={t("complaints.description")}
          hint={t("complaints.description_hint")}
          value={draft.description}
          onInput={(description) => change({ description })}
          required
          rows={6}
          maxLength={10000}
          error={own(missing.description, "complaints.error.description", "description")}
        />
        <Field
          id="complaint-occurred"
          label={t("complaints.occurred_on")}
          hint={t("ui.optional")}
          error={own(false, "complaints.error.occurred_on", "occurred_on")}
          control={(described) => (
            <input
              {...described}
              type="date"
              value={draft.occurredOn}
              max={new Date().toISOString().slice(0, 10)}
              onInput={(event) => change({ occurredOn: event.currentTarget.value })}
            />
          )}
        />
        <fieldset>
          <legend>{t("complaints.fees.title")}</legend>
          <p class="hint">{t("complaints.fees.hint")}</p>
          <div class="fee-row">
            <TextInput
              id="complaint-fee-amount"
              label={t("complaints.fees.amount")}
              value={draft.feeAmount}
              onInput={(feeAmount) => change({ feeAmount })}
              error={own(missing.fee, "complaints.error.fee", "fees.amount")}
              input={{ inputMode: "decimal", maxLength: 14 }}
            />
            <TextInput
              id="complaint-fee-currency"
              label={t("complaints.fees.currency")}
              hint={t("complaints.fees.currency_hint")}
              value={draft.feeCurrency}
              onInput={(feeCurrency) => change({ feeCurrency })}
              error={own(missing.fee, "complaints.error.currency", "fees.currency")}
              input={{ maxLength: 3 }}
            />
          </div>
        </fieldset>
        <Select
          id="complaint-origin"
          label={t("complaints.origin")}
          value={draft.origin}
          onChange={(origin) => change({ origin })}
          required
          error={own(missing.origin, "complaints.error.country", "origin_country")}
          options={[{ value: "", label: t("complaints.choose_country") }, ...countries]}
        />
        <Select
          id="complaint-destination"
          label={t("complaints.destination")}
          value={draft.destination}
          onChange={(destination) => change({ destination })}
          required
          error={own(missing.destination, "complaints.error.country", "destination_country")}
          options={[{ value: "", label: t("complaints.choose_country") }, ...countries]}
        />
        <Evidence
          chosen={chosen}
          choose={(next) => {
            setChosen(next);
            setFiles(next);
          }}
          refused={own(false, "complaints.error.evidence", "evidence")}
        />
        <fieldset>
          <legend>{t("complaints.identity.title")}</legend>
          <label class="choice">
            <input
              type="checkbox"
              checked={draft.anonymous}
              onChange={(event) => change({ anonymous: event.currentTarget.checked })}
            />
            {t("complaints.identity.anonymous")}
          </label>
          <p class="hint">{t("complaints.identity.anonymous_hint")}</p>
          {draft.anonymous ? null : (
            <>
              <TextInput
                id="complaint-contact-name"
                label={t("complaints.contact.name")}
                hint={t("ui.optional")}
                value={draft.contactName}
                onInput={(contactName) => change({ contactName })}
                error={own(false, "ui.error.invalid", "contact.name")}
                input={{ maxLength: 200, autoComplete: "name" }}
              />
              <TextInput
                id="complaint-contact-phone"
                label={t("complaints.contact.phone")}
                hint={t("ui.optional")}
                value={draft.contactPhone}
                onInput={(contactPhone) => change({ contactPhone })}
                error={own(false, "ui.error.invalid", "contact.phone")}
                input={{ type: "tel", maxLength: 40, autoComplete: "tel" }}
              />
              <TextInput
                id="complaint-contact-email"
                label={t("complaints.contact.email")}
                hint={t("ui.optional")}
                value={draft.contactEmail}
                onInput={(contactEmail) => change({ contactEmail })}
                error={own(false, "complaints.error.email", "contact.email")}
                input={{ type: "email", maxLength: 254, autoComplete: "email" }}
              />
              <fieldset
                class="nested"
                aria-describedby={
                  own(missing.consent, "complaints.error.consent", "consent_share_identity") ? "complaint-consent-error" : undefined
                }
              >
                <legend>{t("complaints.consent.title")}</legend>
                <p class="hint">{t("complaints.consent.explain")}</p>
                <label class="choice">
                  <input
                    type="radio"
                    name="consent"
                    checked={draft.consent === "yes"}
                    onChange={() => change({ consent: "yes" })}
                  />
                  {t("complaints.consent.yes")}
                </label>
                <label class="choice">
                  <input
                    type="radio"
                    name="consent"
                    checked={draft.consent === "no"}
                    onChange={() => change({ consent: "no" })}
                  />
                  {t("complaints.consent.no")}
                </label>
                {own(missing.consent, "complaints.error.consent", "consent_share_identity") ? (
                  <p class="error" id="complaint-consent-error">
                    {t("complaints.error.consent")}
                  </p>
                ) : null}
              </fieldset>
            </>
          )}
        </fieldset>
        <OtherRefusals
          refused={refused}
          shown={[
            "recruiter",
            "categories",
            "description",
            "occurred_on",
            "fees",
            "origin_country",
            "destination_country",
            "evidence",
            "contact",
            "consent_share_identity",
          ]}
        />
        {failure && !(failure.kind === "problem" && failure.status === 422) ? (
          <FailureBox what={t("complaints.failed")} failure={failure} onRetry={() => void submit()} />
        ) : null}
        {Object.values(missing).some(Boolean) ||
        Object.keys(refused).length > 0 ||
        (tried && (badFiles(chosen).length > 0 || chosen.length > MAX_FILES)) ? (
          <p class="error" role="alert">
            {t("complaints.check_marked")}
          </p>
        ) : null}
        <button type="submit" disabled={busy}>
          {busy ? t("complaints.sending") : t("complaints.submit")}
        </button>
      </form>
    </>
  );
}

/** Why a chosen file cannot be sent (its type or size), per file. */
function badFiles(chosen: File[]): string[] {
  return chosen.filter((file) => !evidenceType(file) || file.size > MAX_BYTES || file.size === 0).map((file) => file.name);
}

function Evidence(props: { chosen: File[]; choose: (files: File[]) => void; refused: string | undefined }) {
  const { chosen, choose, refused } = props;
  const tooMany = chosen.length > MAX_FILES;
  return (
    <div class="field">
      <label for="complaint-evidence">{t("complaints.evidence.label")}</label>
      <span class="hint" id="complaint-evidence-hint">
        {t("complaints.evidence.hint", { count: MAX_FILES, size: 10 })}
      </span>
      <input
        id="complaint-evidence"
        type="file"
        multiple
        accept="image/jpeg,image/png,application/pdf"
        aria-describedby="complaint-evidence-hint"
        onChange={(event) => {
          const picked = Array.from(event.currentTarget.files ?? []);
          choose([...chosen, ...picked]);
          event.currentTarget.value = "";
        }}
      />
      {chosen.length > 0 ? (
        <ul class="file-list">
          {chosen.map((file, index) => (
            <li key={`${file.name}-${index}`}>
              <span>{file.name}</span>
              {!evidenceType(file) ? (
                <span class="error">{t("complaints.evidence.bad_type")}</span>
              ) : file.size > MAX_BYTES || file.size === 0 ? (
                <span class="error">{t("complaints.evidence.bad_size", { size: 10 })}</span>
              ) : null}
              <button
                type="button"
                class="secondary"
                onClick={() => choose(chosen.filter((_, i) => i !== index))}
                aria-label={t("complaints.evidence.remove_named", { name: file.name })}
              >
                {t("complaints.evidence.remove")}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {tooMany ? <span class="error">{t("complaints.evidence.too_many", { count: MAX_FILES })}</span> : null}
      {refused ? <span class="error">{refused}</span> : null}
    </div>
  );
}

/** The tracking code, shown this once, and each evidence file sent with its own outcome. */
function ComplaintFiled({ complaint, files }: { complaint: Filed; files: File[] }) {
  const [states, setStates] = useState<UploadState[]>(() => files.map(() => "waiting"));
  async function sendOne(index: number, upload: Upload, file: File) {
    setStates((now) => now.map((state, i) => (i === index ? "sending" : state)));
    const state = await send(upload, file);
    setStates((now) => now.map((s, i) => (i === index ? state : s)));
  }

  useEffect(() => {
    // A new screen: its heading takes the focus, so a screen reader reads the code next.
    document.querySelector<HTMLElement>("main h1")?.focus();
    void (async () => {
      for (const [index, upload] of complaint.uploads.entries()) {
        const file = files[index];
        if (file) await sendOne(index, upload, file);
      }
    })();
  }, []);

  const code = complaint.tracking_code;
  return (
    <>
      <h1 tabIndex={-1}>{t("complaints.filed.title")}</h1>
      <div class="secret">
        <h2>{t("complaints.code.title")}</h2>
        <p class="tracking-code" data-testid="tracking-code">
          <code dir="ltr">{code}</code>
        </p>
        <p>{t("complaints.code.why")}</p>
        <KeepSecret
          text={`${t("complaints.code.file", { code })}\n`}
          fileName="haven-complaint-code.txt"
          copy={t("complaints.code.copy")}
          copied={t("complaints.code.copied")}
          copyFailed={t("complaints.code.copy_failed")}
        />
      </div>
      {files.length > 0 ? (
        <section aria-labelledby="uploads-title">
          <h2 id="uploads-title">{t("complaints.uploads.title")}</h2>
          <ul class="file-list" aria-live="polite">
            {files.map((file, index) => {
              const upload = complaint.uploads[index];
              const state = states[index] ?? "waiting";
              return (
                <li key={`${file.name}-${index}`} class={`upload-${state}`}>
                  <span>{file.name}</span>
                  <span>{t(`complaints.uploads.${state}` as const)}</span>
                  {upload && state === "failed" ? (
                    <button type="button" onClick={() => void sendOne(index, upload, file)}>
                      {t("complaints.uploads.retry_named", { name: file.name })}
                    </button>
                  ) : null}
                </li>
              );
            })}
          </ul>
        </section>
      ) : null}
      <p>
        <a href={href("complaint-status", { code })}>{t("complaints.filed.follow")}</a>
      </p>
      <p>
        <a href={href("guidance")}>{t("recruiters.next.guidance")}</a>
      </p>
    </>
  );
}
