import { useEffect, useRef, useState } from "preact/hooks";

import { type Failure, type Schemas, api, call, fieldErrors } from "../api/client";
import { t } from "../i18n";
import { FailurePanel } from "./Failure";
import { TextField } from "./TextField";
import { label } from "./vocabulary";

type Person = Schemas["PersonSummary"];

/** Missing-persons search (the public search, as responders use it) and the PFIF 1.4 export. */
export function People() {
  const heading = useRef<HTMLHeadingElement>(null);
  const [query, setQuery] = useState("");
  const [found, setFound] = useState<Person[] | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => heading.current?.focus(), []);

  const search = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    const outcome = await call(() => api.GET("/v1/safety/people", { params: { query: { q: query.trim() } } }));
    setBusy(false);
    if (outcome.ok) setFound(outcome.data.items);
    else setFailure(outcome.failure);
  };

  const errors = fieldErrors(failure);
  const general = failure && Object.keys(errors).length === 0 ? failure : null;
  return (
    <section aria-labelledby="people-title">
      <h1 id="people-title" tabIndex={-1} ref={heading}>
        {t("people.title")}
      </h1>
      <form role="search" aria-label={t("people.search")} onSubmit={search} noValidate>
        <TextField id="q" label={t("people.name")} value={query} error={errors.q} onInput={setQuery} />
        <button type="submit" disabled={busy}>
          {t("people.search")}
        </button>
      </form>
      {busy ? <p role="status">{t("people.searching")}</p> : null}
      {general ? <FailurePanel what={t("people.search_failed")} failure={general} /> : null}
      {found && found.length === 0 ? <p role="status">{t("people.none")}</p> : null}
      {found && found.length > 0 ? (
        <table>
          <caption>{t("people.found", { count: found.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("people.full_name")}</th>
              <th scope="col">{t("people.home_city")}</th>
              <th scope="col">{t("people.latest_status")}</th>
            </tr>
          </thead>
          <tbody>
            {found.map((person) => (
              <tr key={person.person_id}>
                <th scope="row">{person.full_name}</th>
                <td>{person.home_city ?? ""}</td>
                <td>{person.latest_status ? label("person_status", person.latest_status) : t("people.no_status")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <PfifExport />
    </section>
  );
}

function PfifExport() {
  const [link, setLink] = useState<{ url: string; name: string } | null>(null);
  const [next, setNext] = useState<string | null>(null);
  /** How many pages were prepared: each file is named by its page, so none overwrites another. */
  const [pages, setPages] = useState(0);
  /** What failed and the cursor it was read with: a retry asks for that same page again. */
  const [failed, setFailed] = useState<{ failure: Failure; cursor: string | null } | null>(null);
  const [busy, setBusy] = useState(false);

  const download = async (cursor: string | null) => {
    setBusy(true);
    setFailed(null);
    const outcome = await call(() =>
      api.GET("/v1/ops/safety/pfif", { params: { query: cursor ? { cursor } : {} }, parseAs: "blob" }),
    );
    setBusy(false);
    if (!outcome.ok) {
      setFailed({ failure: outcome.failure, cursor });
      return;
    }
    if (link) URL.revokeObjectURL(link.url);
    const page = cursor ? pages + 1 : 1;
    setPages(page);
    setLink({ url: URL.createObjectURL(outcome.data), name: `haven-pfif-${page}.xml` });
    setNext(outcome.response.headers.get("Haven-Next-Cursor"));
  };

  return (
    <section aria-labelledby="pfif-title">
      <h2 id="pfif-title">{t("pfif.title")}</h2>
      <p>{t("pfif.about")}</p>
      <button type="button" disabled={busy} onClick={() => void download(null)}>
        {t("pfif.prepare")}
      </button>
      {busy ? <p role="status">{t("pfif.preparing")}</p> : null}
      {failed ? (
        <FailurePanel what={t("pfif.failed")} failure={failed.failure} onRetry={() => void download(failed.cursor)} />
      ) : null}
      {link ? (
        <p role="status">
          <a href={link.url} download={link.name}>
            {t("pfif.download", { name: link.name })}
          </a>
        </p>
      ) : null}
      {next ? (
        <button type="button" disabled={busy} onClick={() => void download(next)}>
          {t("pfif.next")}
        </button>
      ) : null}
    </section>
  );
}
