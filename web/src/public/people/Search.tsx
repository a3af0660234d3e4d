// Search the person records by name: the API's search forgives accents, case, word order and a
// typo per word, so a person is found as their family spells them.
import { useState } from "preact/hooks";

import { type Schemas, api, call } from "../api";
import { t } from "../i18n";
import { FailureBox } from "../ui/Failure";
import { TextInput } from "../ui/Field";
import { useRequest } from "../ui/useRequest";
import { NoteForm } from "./NoteForm";
import { statusText } from "./status";

type Found = Schemas["PersonSummary"];

export function Search() {
  const [q, setQ] = useState("");
  const [empty, setEmpty] = useState(false);
  const { busy, answer, failure, run, setAnswer } = useRequest<{ items: Found[] }>();
  const found = answer?.items ?? null;
  const [noting, setNoting] = useState<string | null>(null);
  const [noted, setNoted] = useState<string | null>(null);

  async function search(event?: Event) {
    event?.preventDefault();
    const query = q.trim();
    setEmpty(!query);
    if (!query) return;
    setNoting(null);
    setNoted(null);
    await run(() => call(() => api.GET("/v1/safety/people", { params: { query: { q: query, limit: 20 } } })));
  }

  const invalid = failure?.kind === "problem" && failure.status === 422;
  return (
    <section aria-labelledby="people-search-title">
      <h2 id="people-search-title">{t("people.search.title")}</h2>
      <form onSubmit={search} noValidate role="search">
        <TextInput
          id="people-q"
          label={t("people.search.name")}
          hint={t("people.search.name_hint")}
          value={q}
          onInput={setQ}
          error={empty ? t("ui.error.required") : invalid ? t("people.search.invalid") : undefined}
          input={{ type: "search", maxLength: 200 }}
        />
        <button type="submit" disabled={busy}>
          {t("people.search.submit")}
        </button>
      </form>
      <div aria-live="polite">
        {busy ? <p role="status">{t("state.loading")}</p> : null}
        {found && !busy ? (
          found.length === 0 ? (
            <p class="people-none">{t("people.search.none")}</p>
          ) : (
            <>
              <p>{t("people.search.count", { count: found.length })}</p>
              <ul class="people-list">
                {found.map((person) => (
                  <li key={person.person_id}>
                    <h3>{person.full_name}</h3>
                    {person.home_city ? <p>{t("people.search.city", { city: person.home_city })}</p> : null}
                    <p>
                      <strong>{statusText(person.latest_status)}</strong>
                    </p>
                    {noted === person.person_id ? <p role="status">{t("people.note.sent")}</p> : null}
                    {noting === person.person_id ? (
                      <NoteForm
                        personId={person.person_id}
                        name={person.full_name}
                        onDone={(status) => {
                          setAnswer({ items: found.map((p) => (p.person_id === person.person_id && status ? { ...p, latest_status: status } : p)) });
                          setNoting(null);
                          setNoted(person.person_id);
                        }}
                        onCancel={() => setNoting(null)}
                      />
                    ) : (
                      <button type="button" class="secondary" onClick={() => setNoting(person.person_id)}>
                        {t("people.note.open", { name: person.full_name })}
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            </>
          )
        ) : null}
      </div>
      {failure && !invalid ? (
        <FailureBox what={t("people.search.failed")} failure={failure} onRetry={() => void search()} />
      ) : null}
    </section>
  );
}
