// The displacement aggregates as the page draws them, and the words for a cell: a suppressed cell
// (too few reports to publish) is said as suppressed, never as zero.
import type { Schemas } from "../api";
import { formatNumber, language, t, tDynamic } from "../i18n";

export type Row = Schemas["DisplacementRow"];
export type Displacement = Schemas["Displacement"];

export function cellText(row: Row | undefined): string {
  if (!row) return t("evidence.none");
  if (row.suppressed || row.people_displaced === null) return t("evidence.suppressed");
  return formatNumber(row.people_displaced);
}

export function countText(value: number | null, suppressed: boolean): string {
  return suppressed || value === null ? t("evidence.suppressed") : formatNumber(value);
}

export function hazardName(hazard: string): string {
  return tDynamic(`evidence.hazard.${hazard}`);
}

/** ``YYYY-MM`` as a month and year in the person's language. */
export function monthName(month: string, style: "short" | "long" = "long"): string {
  const when = new Date(`${month}-15T12:00:00Z`);
  if (Number.isNaN(when.getTime())) return month;
  return new Intl.DateTimeFormat(language(), {
    month: style,
    year: style === "long" ? "numeric" : "2-digit",
    timeZone: "UTC",
  }).format(when);
}

/** Every month from ``from`` to ``to`` (``YYYY-MM``), so a month without data still shows. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [year, month] = from.split("-").map(Number) as [number, number];
  const [endYear, endMonth] = to.split("-").map(Number) as [number, number];
  while (year < endYear || (year === endYear && month <= endMonth)) {
    out.push(`${year}-${String(month).padStart(2, "0")}`);
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
    if (out.length > 60) break;
  }
  return out;
}
