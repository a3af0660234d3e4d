// Register a person record: oneself as safe, or someone sought. The record, then a first note
// with the status ("I am safe" or "looking for them"). The deletion token is shown once, with
// what it is for and how to use it.
import { useEffect, useState } from "preact/hooks";

import { type Failure, type Schemas, api, call } from "../api";
import { countryOptions } from "../forms/countries";
import { OtherRefusals, formatDate, idempotencyKeys, refusedFields } from "../forms/problems";
import { t } from "../i18n";
import { FailureBox } from "../ui/Failure";
import { Select, TextArea, TextInput } from "../ui/Field";
import { KeepSecret } from "../ui/KeepSecret";

type Kind = "safe" | "sought";
type Registered = Schemas["PersonRegistered"];
type PersonIn = Schemas["PersonIn"];

const recordKeys = idempotencyKeys();
const noteKeys = idempotencyKeys();

export function Register() {
  const [kind, setKind] = useState<Kind>("safe");
  const [fullName, setFullName] = useState("");
  const [city, setCity] = useState("");
  const [country, setCountry] = useState("");
  const [description, setDescription] = useState("");
  const [author, setAuthor] = useState("");
  const [phone, setPhone] = useState("");
  const [message, setMessage] = useState("");
  const [missing, setMissing] = useState<{ fullName?: boolean; author?: boolean }>({});
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [registered, setRegistered] = useState<Registered | null>(null);
  const [noteFailure, setNoteFailure] = useState<Failure | null>(null);
  const [noted, setNoted] = useState(false);

  const safe = kind === "safe";
  const authorName = safe ? fullName : author;

  async function addNote(record: Registered) {
    const body = {
      author: { name: authorName.trim() },
      text: message.trim() || t(safe ? "people.register.default_safe" : "people.register.default_sought"),
      status: safe ? ("is_note_author" as const) : ("information_sought" as const),
    };
    setNoteFailure(null);
    const outcome = await call(() =>
      api.POST("/v1/safety/people/{person_id}/notes", {
        params: { path: { person_id: record.person_id } },
        body,
        headers: { "Idempotency-Key": noteKeys({ personId: record.person_id, body }) },
      }),
    );
    if (outcome.ok) setNoted(true);
    else setNoteFailure(outcome.failure);
  }

  async function register(event?: Event) {
    event?.preventDefault();
    const absent = { fullName: !fullName.trim(), author: !safe && !author.trim() };
    setMissing(absent);
    if (absent.fullName || absent.author) return;
    const body: PersonIn = {
      full_name: fullName.trim(),
      home_city: city.trim() || null,
      home_country: (country || null) as PersonIn["home_country"],
      description: safe ? null : description.trim() || null,
      author: { name: authorName.trim(), phone: phone.trim() || null },
    };
    setBusy(true);
    setFailure(null);
    const outcome = await call(() =>
      api.POST("/v1/safety/people", { body, headers: { "Idempotency-Key": recordKeys(body) } }),
    );
    if (outcome.ok) {
      setRegistered(outcome.data);
      await addNote(outcome.data);
    } else setFailure(outcome.failure);
    setBusy(false);
  }

  useEffect(() => {
    // Registered: the answer's heading takes the focus, so a screen reader reads the code next.
    if (registered) document.getElementById("people-register-title")?.focus();
  }, [registered]);

  if (registered) {
    return (
      <section aria-labelledby="people-register-title">
        <h2 id="people-register-title" tabIndex={-1}>
          {t(safe ? "people.done.safe" : "people.done.sought", { name: fullName.trim() })}
        </h2>
        {noteFailure ? (
          <FailureBox
            what={t("people.done.note_failed")}
            failure={noteFailure}
            onRetry={() => void addNote(registered)}
          />
        ) : noted ? (
          <p role="status">{t(safe ? "people.done.safe_noted" : "people.done.sought_noted")}</p>
        ) : null}
        <DeletionToken registered={registered} />
      </section>
    );
  }

  const refused = refusedFields(failure);
  return (
    <section aria-labelledby="people-register-title">
      <h2 id="people-register-title">{t("people.register.title")}</h2>
      <form onSubmit={register} noValidate>
        <fieldset>
          <legend>{t("people.register.kind")}</legend>
          <label class="choice">
            <input type="radio" name="people-kind" checked={safe} onChange={() => setKind("safe")} />
            {t("people.register.kind_safe")}
          </label>
          <label class="choice">
            <input type="radio" name="people-kind" checked={!safe} onChange={() => setKind("sought")} />
            {t("people.register.kind_sought")}
          </label>
        </fieldset>
        <TextInput
          id="person-name"
          label={t(safe ? "people.register.your_name" : "people.register.their_name")}
          hint={t("people.register.name_hint")}
          value={fullName}
          onInput={setFullName}
          required
          error={missing.fullName || refused.full_name ? t("people.error.full_name") : undefined}
          input={{ maxLength: 200 }}
        />
        <TextInput
          id="person-city"
          label={t("people.register.city")}
          hint={t("ui.optional")}
          value={city}
          onInput={setCity}
          error={refused.home_city ? t("ui.error.invalid") : undefined}
          input={{ maxLength: 200 }}
        />
        <Select
          id="person-country"
          label={t("people.register.country")}
          hint={t("ui.optional")}
          value={country}
          onChange={setCountry}
          error={refused.home_country ? t("ui.error.invalid") : undefined}
          options={[{ value: "", label: t("people.register.no_country") }, ...countryOptions()]}
        />
        {safe ? null : (
          <>
            <TextArea
              id="person-description"
              label={t("people.register.description")}
              hint={t("people.register.description_hint")}
              value={description}
              onInput={setDescription}
              maxLength={2000}
              error={refused.description ? t("ui.error.invalid") : undefined}
            />
            <TextInput
              id="person-author"
              label={t("people.register.author")}
              value={author}
              onInput={setAuthor}
              required
              error={missing.author || refused["author.name"] ? t("people.error.author") : undefined}
              input={{ maxLength: 200, autoComplete: "name" }}
            />
          </>
        )}
        <TextInput
          id="person-phone"
          label={t("people.register.phone")}
          hint={t("people.register.phone_hint")}
          value={phone}
          onInput={setPhone}
          error={refused["author.phone"] ? t("ui.error.invalid") : undefined}
          input={{ type: "tel", maxLength: 40, autoComplete: "tel" }}
        />
        <TextArea
          id="person-message"
          label={t(safe ? "people.register.message_safe" : "people.register.message_sought")}
          hint={t("ui.optional")}
          value={message}
          onInput={setMessage}
          maxLength={2000}
        />
        <OtherRefusals
          refused={refused}
          shown={["full_name", "home_city", "home_country", "description", "author"]}
        />
        {failure && !(failure.kind === "problem" && failure.status === 422) ? (
          <FailureBox what={t("people.register.failed")} failure={failure} onRetry={() => void register()} />
        ) : null}
        <button type="submit" disabled={busy}>
          {busy ? t("people.sending") : t(safe ? "people.register.submit_safe" : "people.register.submit_sought")}
        </button>
      </form>
    </section>
  );
}

/** The deletion token, shown this once: what it is for, how to keep it, how to use it. */
function DeletionToken({ registered }: { registered: Registered }) {
  const kept = [
    `${t("people.token.record")}: ${registered.person_id}`,
    `${t("people.token.code")}: ${registered.deletion_token}`,
    t("people.token.how"),
    "",
  ].join("\n");
  return (
    <div class="secret">
      <h3>{t("people.token.title")}</h3>
      <p>{t("people.token.why")}</p>
      <dl>
        <dt>{t("people.token.record")}</dt>
        <dd>
          <code dir="ltr">{registered.person_id}</code>
        </dd>
        <dt>{t("people.token.code")}</dt>
        <dd>
          <code dir="ltr" data-testid="deletion-token">
            {registered.deletion_token}
          </code>
        </dd>
      </dl>
      <p>{t("people.token.how")}</p>
      <p>{t("people.token.expires", { date: formatDate(registered.expires_at) })}</p>
      <KeepSecret
        text={kept}
        fileName="haven-person-record.txt"
        copy={t("people.token.copy")}
        copied={t("people.token.copied")}
        copyFailed={t("people.token.copy_failed")}
      />
    </div>
  );
}
