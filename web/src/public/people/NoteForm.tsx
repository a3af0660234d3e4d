// A note on a person record: what the author knows (a status, a few words, where the person was
// last seen). What was typed stays when sending fails.
import { useState } from "preact/hooks";

import { type Failure, api, call } from "../api";
import { OtherRefusals, idempotencyKeys, refusedFields } from "../forms/problems";
import { t } from "../i18n";
import { FailureBox } from "../ui/Failure";
import { Select, TextArea, TextInput } from "../ui/Field";
import { type NoteStatus, PUBLIC_STATUSES } from "./status";

const keys = idempotencyKeys();

export function NoteForm(props: {
  personId: string;
  name: string;
  onDone: (status: NoteStatus | null) => void;
  onCancel: () => void;
}) {
  const { personId, name, onDone, onCancel } = props;
  const prefix = `note-${personId}`;
  const [author, setAuthor] = useState("");
  const [status, setStatus] = useState<NoteStatus | "">("");
  const [text, setText] = useState("");
  const [place, setPlace] = useState("");
  const [missing, setMissing] = useState<{ author?: boolean; text?: boolean }>({});
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);

  async function send(event?: Event) {
    event?.preventDefault();
    const absent = { author: !author.trim(), text: !text.trim() };
    setMissing(absent);
    if (absent.author || absent.text) return;
    const body = {
      author: { name: author.trim() },
      text: text.trim(),
      status: status || null,
      last_known_location: place.trim() || null,
    };
    setBusy(true);
    setFailure(null);
    const outcome = await call(() =>
      api.POST("/v1/safety/people/{person_id}/notes", {
        params: { path: { person_id: personId } },
        body,
        // The person is part of the request: the same words about another person are another note.
        headers: { "Idempotency-Key": keys({ personId, body }) },
      }),
    );
    setBusy(false);
    if (outcome.ok) onDone(status || null);
    else setFailure(outcome.failure);
  }

  const refused = refusedFields(failure);
  return (
    <form class="note-form" onSubmit={send} noValidate aria-label={t("people.note.title", { name })}>
      <h4>{t("people.note.title", { name })}</h4>
      <TextInput
        id={`${prefix}-author`}
        label={t("people.note.author")}
        value={author}
        onInput={setAuthor}
        required
        error={missing.author || refused["author.name"] ? t("people.error.author") : undefined}
        input={{ maxLength: 200, autoComplete: "name" }}
      />
      <Select
        id={`${prefix}-status`}
        label={t("people.note.status")}
        value={status}
        onChange={(value) => setStatus(value as NoteStatus | "")}
        error={refused.status ? t("ui.error.invalid") : undefined}
        options={[
          { value: "", label: t("people.note.status_none") },
          ...PUBLIC_STATUSES.map((value) => ({ value, label: t(`people.status.${value}` as const) })),
        ]}
      />
      <TextArea
        id={`${prefix}-text`}
        label={t("people.note.text")}
        hint={t("people.note.text_hint")}
        value={text}
        onInput={setText}
        required
        maxLength={2000}
        error={missing.text || refused.text ? t("people.error.text") : undefined}
      />
      <TextInput
        id={`${prefix}-place`}
        label={t("people.note.place")}
        hint={t("ui.optional")}
        value={place}
        onInput={setPlace}
        error={refused.last_known_location ? t("ui.error.invalid") : undefined}
        input={{ maxLength: 500 }}
      />
      <OtherRefusals refused={refused} shown={["author", "status", "text", "last_known_location"]} />
      {failure && !(failure.kind === "problem" && failure.status === 422) ? (
        <FailureBox what={t("people.note.failed")} failure={failure} onRetry={() => void send()} />
      ) : null}
      <div class="actions">
        <button type="submit" disabled={busy}>
          {busy ? t("people.sending") : t("people.note.submit")}
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          {t("people.cancel")}
        </button>
      </div>
    </form>
  );
}
