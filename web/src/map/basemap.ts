// What every map of the web apps shares: the basemap bundled with the build (Natural Earth
// countries from world-atlas), so a map works with no tile server and no internet, and a circle
// drawn as a ring. Loaded only with a map (MapLibre and the atlas are their own chunks).
import type { Feature, Polygon } from "geojson";
import type { StyleSpecification } from "maplibre-gl";

/** The bundled offline basemap (Natural Earth countries), with no tile server. */
export async function bundledBasemap(): Promise<StyleSpecification> {
  const [{ feature }, atlasUrl] = await Promise.all([
    import("topojson-client"),
    import("world-atlas/countries-110m.json?url").then((m: { default: string }) => m.default),
  ]);
  const topology = await (await fetch(atlasUrl)).json();
  const countries = feature(topology, topology.objects.countries);
  return {
    version: 8,
    // Simplified to 2 px at each zoom (geojson-vt's default is 0.375): Natural Earth 1:110m looks
    // the same, and a frame has far fewer triangles and outline segments to draw (ADR 0035).
    sources: { countries: { type: "geojson", data: countries, tolerance: 2 } },
    // Borders as the fill's own outline (one-pixel lines drawn with the fill), not a line layer:
    // a line layer is extruded geometry drawn again every frame, and with WebGL in software
    // (headless Chromium, many tablets' fallbacks) it was a third of each frame (ADR 0035).
    layers: [
      { id: "sea", type: "background", paint: { "background-color": "#cfe3ef" } },
      {
        id: "land",
        type: "fill",
        source: "countries",
        paint: { "fill-color": "#f4f1ea", "fill-outline-color": "#9a9486" },
      },
    ],
  };
}

/** A circle (centre [lon, lat], radius in km) as a polygon of 64 sides, for drawing only. */
export function circlePolygon(center: [number, number], radiusKm: number): Feature<Polygon> {
  const [lon, lat] = center;
  const ring: [number, number][] = [];
  for (let n = 0; n <= 64; n++) {
    const angle = (n / 64) * 2 * Math.PI;
    const dLat = (radiusKm / 111.32) * Math.sin(angle);
    const dLon = (radiusKm / (111.32 * Math.max(Math.cos((lat * Math.PI) / 180), 0.01))) * Math.cos(angle);
    ring.push([lon + dLon, lat + dLat]);
  }
  return { type: "Feature", properties: {}, geometry: { type: "Polygon", coordinates: [ring] } };
}
