// People displaced per month as bars drawn by hand in SVG. A suppressed month is a hatched bar
// labelled as suppressed (never a zero bar); a month without data has no bar and says so. The
// table beside it (in the page) carries the same numbers for screen readers and for copying.
import { formatNumber, t } from "../i18n";
import { type Row, monthName } from "./data";

const WIDTH = 640;
const HEIGHT = 300;
const LEFT = 72;
const BOTTOM = 56;
const TOP = 16;

export function MonthChart({ months, rows }: { months: string[]; rows: Map<string, Row> }) {
  const values = months.map((m) => rows.get(m)?.people_displaced ?? 0);
  const max = Math.max(1, ...values);
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const band = (WIDTH - LEFT - 8) / Math.max(1, months.length);
  const y = (value: number) => TOP + plotHeight - (value / top) * plotHeight;
  const ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
  const summary = t("evidence.chart.summary", { count: months.length, max: formatNumber(max) });
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby="chart-title chart-desc" preserveAspectRatio="xMidYMid meet">
        <title id="chart-title">{t("evidence.chart.title")}</title>
        <desc id="chart-desc">{summary}</desc>
        <defs>
          <pattern id="hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="8" height="8" fill="#ffffff" />
            <line x1="0" y1="0" x2="0" y2="8" stroke="#4a5560" stroke-width="3" />
          </pattern>
        </defs>
        {ticks.map((tick) => (
          <g key={tick}>
            <line x1={LEFT} x2={WIDTH - 4} y1={y(tick)} y2={y(tick)} stroke="#c9d1d9" />
            <text x={LEFT - 8} y={y(tick) + 7} text-anchor="end" class="axis">
              {formatNumber(tick)}
            </text>
          </g>
        ))}
        {months.map((month, index) => {
          const row = rows.get(month);
          const x = LEFT + index * band + band * 0.15;
          const w = band * 0.7;
          const label = monthName(month, "short");
          return (
            <g key={month} class="bar">
              {row?.suppressed ? (
                <>
                  <rect x={x} y={TOP + plotHeight * 0.6} width={w} height={plotHeight * 0.4} fill="url(#hatch)" stroke="#4a5560" />
                  <text x={x + w / 2} y={TOP + plotHeight * 0.6 - 4} text-anchor="middle" class="mark">
                    ?
                  </text>
                </>
              ) : row && row.people_displaced !== null ? (
                <rect x={x} y={y(row.people_displaced)} width={w} height={Math.max(1, TOP + plotHeight - y(row.people_displaced))} fill="#0b4f6c" />
              ) : null}
              {index % Math.ceil(months.length / 4) === 0 ? (
                <text x={x + w / 2} y={HEIGHT - BOTTOM + 28} text-anchor="middle" class="axis">
                  {label}
                </text>
              ) : null}
            </g>
          );
        })}
        <line x1={LEFT} x2={WIDTH - 4} y1={TOP + plotHeight} y2={TOP + plotHeight} stroke="#1b1f23" />
      </svg>
      <figcaption>
        <span class="key key-bar" aria-hidden="true" /> {t("evidence.legend.people")}{" "}
        <span class="key key-hatch" aria-hidden="true" /> {t("evidence.legend.suppressed")}
      </figcaption>
    </figure>
  );
}

function niceStep(max: number): number {
  const rough = max / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const unit = [1, 2, 5, 10].find((n) => n * power >= rough) ?? 10;
  return Math.max(1, unit * power);
}
