// Delete one's own record with the code received when it was registered.
import { useState } from "preact/hooks";

import { type Failure, api, call } from "../api";
import { t } from "../i18n";
import { FailureBox } from "../ui/Failure";
import { TextInput } from "../ui/Field";

export function Delete() {
  const [record, setRecord] = useState("");
  const [code, setCode] = useState("");
  const [missing, setMissing] = useState<{ record?: boolean; code?: boolean }>({});
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [deleted, setDeleted] = useState(false);

  async function remove(event?: Event) {
    event?.preventDefault();
    const absent = { record: !record.trim(), code: code.trim().length < 16 };
    setMissing(absent);
    if (absent.record || absent.code) return;
    setBusy(true);
    setFailure(null);
    const outcome = await call(async () => {
      const { response, error } = await api.DELETE("/v1/safety/people/{person_id}", {
        params: { path: { person_id: record.trim() }, query: { token: code.trim() } },
      });
      // 204 has no body: stand a value in for it so call() sees a success.
      return { data: response.ok ? true : undefined, error, response };
    });
    setBusy(false);
    if (outcome.ok) setDeleted(true);
    else setFailure(outcome.failure);
  }

  const wrong = failure?.kind === "problem" && (failure.status === 404 || failure.status === 422);
  return (
    <section aria-labelledby="people-delete-title">
      <h2 id="people-delete-title">{t("people.delete.title")}</h2>
      {deleted ? (
        <p role="status">{t("people.delete.done")}</p>
      ) : (
        <form onSubmit={remove} noValidate>
          <p>{t("people.delete.intro")}</p>
          <TextInput
            id="delete-record"
            label={t("people.token.record")}
            value={record}
            onInput={setRecord}
            required
            error={missing.record ? t("ui.error.required") : undefined}
            input={{ autoComplete: "off", maxLength: 128, dir: "ltr" }}
          />
          <TextInput
            id="delete-code"
            label={t("people.token.code")}
            value={code}
            onInput={setCode}
            required
            error={missing.code ? t("people.delete.code_short") : wrong ? t("people.delete.wrong") : undefined}
            input={{ autoComplete: "off", maxLength: 128, dir: "ltr" }}
          />
          {failure && !wrong ? (
            <FailureBox what={t("people.delete.failed")} failure={failure} onRetry={() => void remove()} />
          ) : null}
          <button type="submit" disabled={busy}>
            {t("people.delete.submit")}
          </button>
        </form>
      )}
    </section>
  );
}
