// People displaced by country as an SVG choropleth of the bundled world-atlas countries, drawn by
// hand (equirectangular, Antarctica left out). Loaded with its data only when the page opens.
// A suppressed country is hatched and said as suppressed; a country without data is pale grey.
import type { FeatureCollection, Geometry, Position } from "geojson";
import { useEffect, useState } from "preact/hooks";

import { formatNumber, t } from "../i18n";
import { type Row, countText } from "./data";
import { ISO_NUMERIC } from "./isoNumeric";

const WIDTH = 720;
const NORTH = 84;
const SOUTH = -58;
const HEIGHT = ((NORTH - SOUTH) / 360) * WIDTH;
const SCALE = ["#dbe9f0", "#9ec5d6", "#5d9bb6", "#2a6f8f", "#0b4f6c"];

type Shape = { id: string; name: string; d: string };

function project([lon, lat]: Position): [number, number] {
  return [((lon ?? 0) + 180) * (WIDTH / 360), (NORTH - (lat ?? 0)) * (WIDTH / 360)];
}

function ringPath(ring: Position[]): string {
  // A ring across the antimeridian is drawn whole on its eastern side (off the edge, clipped).
  const crosses = ring.some((p, i) => i > 0 && Math.abs((p[0] ?? 0) - (ring[i - 1]?.[0] ?? 0)) > 180);
  const points = crosses ? ring.map(([lon = 0, lat = 0]) => [lon < 0 ? lon + 360 : lon, lat]) : ring;
  return `M${points.map((p) => project(p).map((n) => n.toFixed(1)).join(",")).join("L")}Z`;
}

function pathOf(geometry: Geometry | null): string {
  if (!geometry) return "";
  if (geometry.type === "Polygon") return geometry.coordinates.map(ringPath).join("");
  if (geometry.type === "MultiPolygon") return geometry.coordinates.flatMap((p) => p.map(ringPath)).join("");
  return "";
}

async function loadShapes(): Promise<Shape[]> {
  const [{ feature }, atlas] = await Promise.all([
    import("topojson-client"),
    import("world-atlas/countries-110m.json"),
  ]);
  const topology = (atlas as { default?: unknown }).default ?? atlas;
  // The atlas's one object of countries, as GeoJSON features with their ISO numeric id.
  const countries = feature(
    topology as Parameters<typeof feature>[0],
    (topology as { objects: { countries: Parameters<typeof feature>[1] } }).objects.countries,
  ) as unknown as FeatureCollection<Geometry, { name: string }>;
  // Antarctica (ISO 010) lies south of the map's frame.
  return countries.features
    .filter((f) => String(f.id) !== "010")
    .map((f) => ({ id: String(f.id ?? ""), name: f.properties.name, d: pathOf(f.geometry) }));
}

export function WorldMap({ rows, label }: { rows: Map<string, Row>; label: string }) {
  const [shapes, setShapes] = useState<Shape[] | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    loadShapes().then(setShapes, () => setFailed(true));
  }, []);
  if (failed) return <p>{t("evidence.map.failed")}</p>;
  if (!shapes) return <p role="status">{t("state.loading")}</p>;

  const byNumeric = new Map<string, Row>();
  for (const [iso3, row] of rows) {
    const numeric = ISO_NUMERIC[iso3];
    if (numeric) byNumeric.set(numeric, row);
  }
  const values = [...byNumeric.values()].flatMap((r) => (r.suppressed || r.people_displaced === null ? [] : [r.people_displaced]));
  const max = Math.max(1, ...values);
  const bounds = SCALE.map((_, i) => Math.ceil((max * (i + 1)) / SCALE.length));
  const colour = (value: number) => SCALE[bounds.findIndex((b) => value <= b)] ?? SCALE[SCALE.length - 1];

  return (
    <figure class="map">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT.toFixed(0)}`} role="img" aria-labelledby="map-title">
        <title id="map-title">{label}</title>
        <defs>
          <pattern id="map-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" fill="#ffffff" />
            <line x1="0" y1="0" x2="0" y2="6" stroke="#4a5560" stroke-width="2" />
          </pattern>
        </defs>
        <rect width={WIDTH} height={HEIGHT} fill="#f4f8fb" />
        {shapes.map((shape) => {
          const row = byNumeric.get(shape.id);
          const fill = !row
            ? "#eceff1"
            : row.suppressed || row.people_displaced === null
              ? "url(#map-hatch)"
              : colour(row.people_displaced);
          return (
            <path key={shape.id + shape.name} d={shape.d} fill={fill} stroke="#8a97a3" stroke-width="0.4">
              <title>{`${shape.name}: ${row ? countText(row.people_displaced, row.suppressed) : t("evidence.none")}`}</title>
            </path>
          );
        })}
      </svg>
      <figcaption class="map-legend">
        <ul>
          {SCALE.map((fill, i) => (
            <li key={fill}>
              <span class="key" style={{ background: fill }} aria-hidden="true" />
              {t("evidence.legend.range", {
                from: formatNumber(i === 0 ? 1 : (bounds[i - 1] ?? 0) + 1),
                to: formatNumber(bounds[i] ?? max),
              })}
            </li>
          ))}
          <li>
            <span class="key key-hatch" aria-hidden="true" />
            {t("evidence.legend.suppressed")}
          </li>
          <li>
            <span class="key key-none" aria-hidden="true" />
            {t("evidence.none")}
          </li>
        </ul>
      </figcaption>
    </figure>
  );
}
