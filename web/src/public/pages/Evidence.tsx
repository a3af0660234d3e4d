// Displacement evidence: people displaced per month (a chart drawn by hand with its table), by
// country and hazard (a choropleth loaded lazily, with its table), suppressed cells said as
// suppressed, the HXL CSV and JSON downloads, and how to cite them.
import { lazy, Suspense } from "preact/compat";
import { useEffect, useState } from "preact/hooks";

import { type Failure, api, call } from "../api";
import { countryName } from "../forms/countries";
import { formatTime, t } from "../i18n";
import type { PageProps } from "../pages";
import { FailureBox } from "../ui/Failure";
import { Select } from "../ui/Field";
import { MonthChart } from "../evidence/Chart";
import { type Displacement, type Row, countText, hazardName, monthName, monthsBetween } from "../evidence/data";
import { ISO_ALPHA2 } from "../evidence/isoAlpha2";
import "../forms/forms.css";
import "../evidence/evidence.css";

const WorldMap = lazy(async () => ({ default: (await import("../evidence/WorldMap")).WorldMap }));

type Loaded =
  | { state: "loading" }
  | { state: "ready"; byMonth: Displacement; byPlace: Displacement; retrieved: string }
  | { state: "failed"; failure: Failure };

const DISPLACEMENT = "/v1/evidence/displacement";

export function Evidence(_props: PageProps) {
  const [loaded, setLoaded] = useState<Loaded>({ state: "loading" });
  const [attempt, setAttempt] = useState(0);
  const [hazard, setHazard] = useState("");

  useEffect(() => {
    let live = true;
    setLoaded({ state: "loading" });
    void (async () => {
      const get = (group_by: string) =>
        call(() => api.GET(DISPLACEMENT, { params: { query: { group_by, format: "json" } } }));
      const [byMonth, byPlace] = await Promise.all([get("month"), get("country,hazard")]);
      if (!live) return;
      if (!byMonth.ok) setLoaded({ state: "failed", failure: byMonth.failure });
      else if (!byPlace.ok) setLoaded({ state: "failed", failure: byPlace.failure });
      else
        setLoaded({
          state: "ready",
          byMonth: byMonth.data as Displacement,
          byPlace: byPlace.data as Displacement,
          retrieved: new Date().toISOString(),
        });
    })();
    return () => {
      live = false;
    };
  }, [attempt]);

  return (
    <>
      <h1 tabIndex={-1}>{t("page.evidence.title")}</h1>
      <p>{t("evidence.intro")}</p>
      {loaded.state === "loading" ? <p role="status">{t("state.loading")}</p> : null}
      {loaded.state === "failed" ? (
        <FailureBox what={t("evidence.failed")} failure={loaded.failure} onRetry={() => setAttempt(attempt + 1)} />
      ) : null}
      {loaded.state === "ready" ? (
        <Figures {...loaded} hazard={hazard} setHazard={setHazard} />
      ) : null}
    </>
  );
}

function Figures(props: {
  byMonth: Displacement;
  byPlace: Displacement;
  retrieved: string;
  hazard: string;
  setHazard: (hazard: string) => void;
}) {
  const { byMonth, byPlace, retrieved, hazard, setHazard } = props;
  const months = monthsBetween(byMonth.from, byMonth.to);
  const monthRows = new Map(byMonth.items.flatMap((row) => (row.month ? [[row.month, row] as const] : [])));
  const hazards = [...new Set(byPlace.items.flatMap((row) => (row.hazard ? [row.hazard] : [])))].sort();
  const chosen = hazard && hazards.includes(hazard) ? hazard : hazards[0] ?? "";
  const placeRows = byPlace.items.filter((row) => row.hazard === chosen && row.country);
  const countryRows = new Map(placeRows.map((row) => [row.country ?? "", row] as const));
  const period = t("evidence.period", { from: monthName(byMonth.from), to: monthName(byMonth.to) });
  const min = byMonth.min_reports;

  return (
    <>
      <p>{period}</p>
      <p class="suppression-note">{t("evidence.suppression", { min })}</p>

      <section aria-labelledby="by-month">
        <h2 id="by-month">{t("evidence.chart.title")}</h2>
        <MonthChart months={months} rows={monthRows} />
        <div class="table-scroll" tabIndex={0} role="region" aria-labelledby="months-caption">
        <table>
          <caption id="months-caption">{t("evidence.table.months")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("evidence.col.month")}</th>
              <th scope="col">{t("evidence.col.people")}</th>
              <th scope="col">{t("evidence.col.reports")}</th>
              <th scope="col">{t("evidence.col.incidents")}</th>
            </tr>
          </thead>
          <tbody>
            {months.map((month) => {
              const row = monthRows.get(month);
              return (
                <tr key={month} class={row?.suppressed ? "suppressed" : undefined}>
                  <th scope="row">{monthName(month)}</th>
                  <Cells row={row} />
                </tr>
              );
            })}
          </tbody>
        </table>
        </div>
      </section>

      <section aria-labelledby="by-place">
        <h2 id="by-place">{t("evidence.map.title")}</h2>
        {hazards.length === 0 ? (
          <p>{t("evidence.map.empty")}</p>
        ) : (
          <>
            <Select
              id="evidence-hazard"
              label={t("evidence.map.hazard")}
              value={chosen}
              onChange={setHazard}
              options={hazards.map((value) => ({ value, label: hazardName(value) }))}
            />
            <Suspense fallback={<p role="status">{t("state.loading")}</p>}>
              <WorldMap rows={countryRows} label={t("evidence.map.label", { hazard: hazardName(chosen), period })} />
            </Suspense>
            <div class="table-scroll" tabIndex={0} role="region" aria-labelledby="countries-caption">
            <table>
              <caption id="countries-caption">{t("evidence.table.countries", { hazard: hazardName(chosen) })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("evidence.col.country")}</th>
                  <th scope="col">{t("evidence.col.people")}</th>
                  <th scope="col">{t("evidence.col.reports")}</th>
                  <th scope="col">{t("evidence.col.incidents")}</th>
                </tr>
              </thead>
              <tbody>
                {placeRows.map((row) => (
                  <tr key={row.country} class={row.suppressed ? "suppressed" : undefined}>
                    <th scope="row">{placeName(row.country ?? "")}</th>
                    <Cells row={row} />
                  </tr>
                ))}
              </tbody>
            </table>
            </div>
          </>
        )}
      </section>

      <Downloads from={byMonth.from} to={byMonth.to} retrieved={retrieved} min={min} />
    </>
  );
}

function Cells({ row }: { row: Row | undefined }) {
  if (!row) {
    return (
      <td colSpan={3} class="no-data">
        {t("evidence.none")}
      </td>
    );
  }
  if (row.suppressed) {
    return (
      <td colSpan={3} class="suppressed-cell">
        {t("evidence.suppressed")}
      </td>
    );
  }
  return (
    <>
      <td>{countText(row.people_displaced, false)}</td>
      <td>{countText(row.reports, false)}</td>
      <td>{countText(row.incidents, false)}</td>
    </>
  );
}

function placeName(iso3: string): string {
  const alpha2 = ISO_ALPHA2[iso3];
  return alpha2 ? countryName(alpha2) : iso3;
}

function Downloads({ from, to, retrieved, min }: { from: string; to: string; retrieved: string; min: number }) {
  const query = (format: string) =>
    `${DISPLACEMENT}?${new URLSearchParams({ from, to, group_by: "hazard,country,month", format })}`;
  const csv = query("csv");
  const json = query("json");
  const absolute = new URL(csv, location.href).href;
  return (
    <section class="downloads" aria-labelledby="downloads">
      <h2 id="downloads">{t("evidence.download.title")}</h2>
      <ul>
        <li>
          <a href={csv} download={`haven-displacement-${from}-${to}.csv`}>
            {t("evidence.download.csv")}
          </a>
          <p class="hint">{t("evidence.download.csv_hint")}</p>
        </li>
        <li>
          <a href={json} download={`haven-displacement-${from}-${to}.json`}>
            {t("evidence.download.json")}
          </a>
        </li>
      </ul>
      <h3>{t("evidence.cite.title")}</h3>
      <p>{t("evidence.cite.intro")}</p>
      <blockquote class="citation">
        {t("evidence.cite.text", {
          from,
          to,
          retrieved: formatTime(retrieved),
          url: absolute,
          min,
        })}
      </blockquote>
      <p>{t("evidence.cite.caveats")}</p>
    </section>
  );
}
