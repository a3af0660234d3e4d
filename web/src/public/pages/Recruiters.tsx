// Check a recruiter: a licence number checked against the roster (yes / suspended / no, in words,
// icon and colour, with what to do next), or the roster searched by name.
import { useState } from "preact/hooks";

import { type Schemas, api, call } from "../api";
import { countryName, countryOptions } from "../forms/countries";
import { refusedFields } from "../forms/problems";
import { t } from "../i18n";
import type { PageProps } from "../pages";
import { href } from "../router";
import { FailureBox } from "../ui/Failure";
import { Select, TextInput } from "../ui/Field";
import { useRequest } from "../ui/useRequest";
import { StandingBadge, type Verification, Verdict } from "../recruiters/Verdict";
import "../forms/forms.css";
import "../recruiters/recruiters.css";

type RosterEntry = Schemas["RosterEntry"];

export function Recruiters(_props: PageProps) {
  return (
    <>
      <h1 tabIndex={-1}>{t("page.recruiters.title")}</h1>
      <p>{t("recruiters.intro")}</p>
      <LicenceCheck />
      <RosterSearch />
    </>
  );
}

function LicenceCheck() {
  const [licence, setLicence] = useState("");
  const [country, setCountry] = useState("");
  const [missing, setMissing] = useState<{ licence?: boolean; country?: boolean }>({});
  const { busy, answer: result, failure, run } = useRequest<Verification>();

  async function check(event?: Event) {
    event?.preventDefault();
    const absent = { licence: !licence.trim(), country: !country };
    setMissing(absent);
    if (absent.licence || absent.country) return;
    await run(() =>
      call(() => api.GET("/v1/roster/verify", { params: { query: { licence_number: licence.trim(), country } } })),
    );
  }

  const refused = refusedFields(failure);
  return (
    <section aria-labelledby="check-title">
      <h2 id="check-title">{t("recruiters.check.title")}</h2>
      <form onSubmit={check} noValidate>
        <TextInput
          id="licence-number"
          label={t("recruiters.check.licence")}
          hint={t("recruiters.check.licence_hint")}
          value={licence}
          onInput={setLicence}
          required
          error={missing.licence ? t("ui.error.required") : refused.licence_number ? t("ui.error.invalid") : undefined}
          input={{ autoComplete: "off", maxLength: 64 }}
        />
        <Select
          id="licence-country"
          label={t("recruiters.check.country")}
          hint={t("recruiters.check.country_hint")}
          value={country}
          onChange={setCountry}
          required
          error={missing.country ? t("ui.error.required") : refused.country ? t("ui.error.invalid") : undefined}
          options={[{ value: "", label: t("recruiters.choose_country") }, ...countryOptions()]}
        />
        <button type="submit" disabled={busy}>
          {t("recruiters.check.submit")}
        </button>
      </form>
      <div aria-live="polite">
        {busy ? <p role="status">{t("state.loading")}</p> : null}
        {result && !busy ? <Verdict result={result} /> : null}
      </div>
      {failure && failure.kind !== "problem" ? (
        <FailureBox what={t("recruiters.check.failed")} failure={failure} onRetry={() => void check()} />
      ) : failure && failure.status !== 422 ? (
        <FailureBox what={t("recruiters.check.failed")} failure={failure} onRetry={() => void check()} />
      ) : null}
    </section>
  );
}

function RosterSearch() {
  const [q, setQ] = useState("");
  const [tooShort, setTooShort] = useState(false);
  const { busy, answer, failure, run } = useRequest<{ items: RosterEntry[] }>();
  const found = answer?.items ?? null;

  async function search(event?: Event) {
    event?.preventDefault();
    const query = q.trim();
    // The roster needs two letters or digits in one word to search by name.
    const short = !/[\p{L}\p{N}]{2}/u.test(query);
    setTooShort(short);
    if (short) return;
    await run(() => call(() => api.GET("/v1/roster", { params: { query: { q: query, limit: 20 } } })));
  }

  const refused = refusedFields(failure);
  return (
    <section aria-labelledby="search-title">
      <h2 id="search-title">{t("recruiters.search.title")}</h2>
      <form onSubmit={search} noValidate role="search">
        <TextInput
          id="roster-q"
          label={t("recruiters.search.name")}
          hint={t("recruiters.search.name_hint")}
          value={q}
          onInput={setQ}
          error={tooShort || refused.q ? t("recruiters.search.too_short") : undefined}
          input={{ type: "search", maxLength: 100 }}
        />
        <button type="submit" disabled={busy}>
          {t("recruiters.search.submit")}
        </button>
      </form>
      <div aria-live="polite">
        {busy ? <p role="status">{t("state.loading")}</p> : null}
        {found && !busy ? <RosterResults items={found} /> : null}
      </div>
      {failure && !(failure.kind === "problem" && failure.status === 422) ? (
        <FailureBox what={t("recruiters.search.failed")} failure={failure} onRetry={() => void search()} />
      ) : null}
    </section>
  );
}

function RosterResults({ items }: { items: RosterEntry[] }) {
  if (items.length === 0) {
    return (
      <div class="empty">
        <p>
          <strong>{t("recruiters.search.none")}</strong>
        </p>
        <p>{t("recruiters.search.none_next")}</p>
        <p>
          <a href={href("complain")}>{t("recruiters.next.complain")}</a>
        </p>
      </div>
    );
  }
  return (
    <>
      <p>{t("recruiters.search.count", { count: items.length })}</p>
      <ul class="roster-list">
        {items.map((entry) => (
          <li key={entry.recruiter_id}>
            <h3>{entry.legal_name}</h3>
            <StandingBadge status={entry.status} accredited={entry.status === "accredited" && !entry.suspended} />
            {entry.trading_names.length > 0 ? (
              <p>{t("recruiters.search.also_known", { names: entry.trading_names.join(", ") })}</p>
            ) : null}
            {entry.licences.length > 0 ? (
              <p>
                {t("recruiters.search.licences", {
                  licences: entry.licences.map((l) => `${countryName(l.country ?? "")} ${l.number ?? ""}`).join(", "),
                })}
              </p>
            ) : null}
            {entry.countries.length > 0 ? (
              <p>{t("recruiters.search.countries", { countries: entry.countries.map(countryName).join(", ") })}</p>
            ) : null}
            <p>
              <a href={href("complain", { recruiter_id: entry.recruiter_id, name: entry.legal_name })}>
                {t("recruiters.search.complain", { name: entry.legal_name })}
              </a>
            </p>
          </li>
        ))}
      </ul>
    </>
  );
}
