// Who the complaint is about: a recruiter picked from the roster search (its id), or its name
// typed as the person knows it (with its country and licence number when known).
import { useState } from "preact/hooks";

import { type Failure, type Schemas, api, call } from "../api";
import { countryOptions } from "../forms/countries";
import { t } from "../i18n";
import { FailureBox } from "../ui/Failure";
import { Field, Select, TextInput } from "../ui/Field";
import type { Draft } from "./draft";

type Entry = Schemas["RosterEntry"];

export function RecruiterPicker(props: {
  draft: Draft;
  change: (patch: Partial<Draft>) => void;
  errors: { name?: string | undefined; country?: string | undefined; licence?: string | undefined; id?: string | undefined };
}) {
  const { draft, change, errors } = props;
  const [q, setQ] = useState("");
  const [found, setFound] = useState<Entry[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);

  async function search() {
    if (!/[\p{L}\p{N}]{2}/u.test(q)) return;
    setBusy(true);
    setFailure(null);
    const outcome = await call(() => api.GET("/v1/roster", { params: { query: { q: q.trim(), limit: 10 } } }));
    setBusy(false);
    if (outcome.ok) setFound(outcome.data.items);
    else setFailure(outcome.failure);
  }

  if (draft.recruiterId) {
    return (
      <fieldset>
        <legend>{t("complaints.recruiter.title")}</legend>
        <p role="status">{t("complaints.recruiter.picked", { name: draft.recruiterName })}</p>
        {errors.id ? <p class="error">{errors.id}</p> : null}
        <button type="button" class="secondary" onClick={() => change({ recruiterId: "", recruiterName: "" })}>
          {t("complaints.recruiter.change")}
        </button>
      </fieldset>
    );
  }
  return (
    <fieldset>
      <legend>{t("complaints.recruiter.title")}</legend>
      <p class="hint">{t("complaints.recruiter.intro")}</p>
      <Field
        id="complaint-roster-q"
        label={t("complaints.recruiter.search")}
        control={(described) => (
          <input
            {...described}
            type="search"
            maxLength={100}
            value={q}
            onInput={(event) => setQ(event.currentTarget.value)}
            onKeyDown={(event) => {
              // Enter searches the roster here; it does not send the whole complaint.
              if (event.key === "Enter") {
                event.preventDefault();
                void search();
              }
            }}
          />
        )}
      />
      <button type="button" class="secondary" onClick={() => void search()} disabled={busy}>
        {t("complaints.recruiter.search_submit")}
      </button>
      <div aria-live="polite">
        {busy ? <p role="status">{t("state.loading")}</p> : null}
        {found && !busy ? (
          found.length === 0 ? (
            <p>{t("complaints.recruiter.none")}</p>
          ) : (
            <ul class="pick-list">
              {found.map((entry) => (
                <li key={entry.recruiter_id}>
                  <button
                    type="button"
                    class="secondary"
                    onClick={() => change({ recruiterId: entry.recruiter_id, recruiterName: entry.legal_name })}
                  >
                    {t("complaints.recruiter.pick", { name: entry.legal_name })}
                  </button>
                </li>
              ))}
            </ul>
          )
        ) : null}
      </div>
      {failure ? (
        <FailureBox what={t("complaints.recruiter.search_failed")} failure={failure} onRetry={() => void search()} />
      ) : null}
      <p>
        <strong>{t("complaints.recruiter.or_type")}</strong>
      </p>
      <TextInput
        id="complaint-recruiter-name"
        label={t("complaints.recruiter.name")}
        value={draft.recruiterName}
        onInput={(recruiterName) => change({ recruiterName })}
        required
        error={errors.name}
        input={{ maxLength: 200 }}
      />
      <Select
        id="complaint-recruiter-country"
        label={t("complaints.recruiter.country")}
        hint={t("ui.optional")}
        value={draft.recruiterCountry}
        onChange={(recruiterCountry) => change({ recruiterCountry })}
        error={errors.country}
        options={[{ value: "", label: t("complaints.not_known") }, ...countryOptions()]}
      />
      <TextInput
        id="complaint-recruiter-licence"
        label={t("complaints.recruiter.licence")}
        hint={t("ui.optional")}
        value={draft.licenceNumber}
        onInput={(licenceNumber) => change({ licenceNumber })}
        error={errors.licence}
        input={{ maxLength: 64, autoComplete: "off" }}
      />
    </fieldset>
  );
}
