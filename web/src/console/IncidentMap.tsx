// The incident map: MapLibre GL JS, loaded only when the map is shown, over a basemap bundled
// with the app (Natural Earth countries from world-atlas), so it works with no internet; or, when
// config.json names one (AWS: Amazon Location's style URL), over that style's tiles (ADR 0030).
import type { FeatureCollection, Point } from "geojson";
import type { GeoJSONSource, Map as MapLibreMap } from "maplibre-gl";
import { useEffect, useRef, useState } from "preact/hooks";

import type { Incident } from "../api/client";
import { t } from "../i18n";
import { bundledBasemap } from "../map/basemap";
import { loadConfig } from "./devSignIn";
import { HAZARD_ICON_EXPRESSION, HAZARD_PATHS, addHazardImages } from "./hazardIcons";
import { navigate } from "./router";
import { HAZARDS, SEVERITY_COLOURS, UNKNOWN_COLOUR, label } from "./vocabulary";

function asGeoJson(incidents: Incident[]): FeatureCollection<Point> {
  return {
    type: "FeatureCollection",
    features: incidents.map((incident) => ({
      type: "Feature",
      id: incident.incident_id,
      geometry: { type: "Point", coordinates: [incident.lon, incident.lat] },
      properties: {
        incident_id: incident.incident_id,
        severity: incident.severity,
        hazard: incident.hazard,
        report_count: incident.report_count,
      },
    })),
  };
}

/** The tile style the deployment names (config.json's tileStyleUrl, AWS), if any. */
async function configuredStyle(): Promise<string | null> {
  const outcome = await loadConfig();
  return outcome.ok && outcome.data.tileStyleUrl ? outcome.data.tileStyleUrl : null;
}

async function createMap(container: HTMLElement): Promise<MapLibreMap> {
  const [{ default: maplibregl }, styleUrl] = await Promise.all([
    import("maplibre-gl"),
    configuredStyle(),
    import("maplibre-gl/dist/maplibre-gl.css"),
  ]);
  const colourBySeverity: unknown[] = ["match", ["get", "severity"]];
  for (const [severity, colour] of Object.entries(SEVERITY_COLOURS)) colourBySeverity.push(severity, colour);
  colourBySeverity.push(UNKNOWN_COLOUR);
  // A cluster is coloured by the most severe incident in it.
  const ranked = Object.keys(SEVERITY_COLOURS);
  const severityRank: unknown[] = ["match", ["get", "severity"]];
  ranked.forEach((severity, rank) => severityRank.push(severity, rank + 1));
  severityRank.push(0);
  const colourByRank: unknown[] = ["match", ["get", "worst"]];
  ranked.forEach((severity, rank) => colourByRank.push(rank + 1, SEVERITY_COLOURS[severity]));
  colourByRank.push(UNKNOWN_COLOUR);
  const map = new maplibregl.Map({
    container,
    center: [20, 5],
    zoom: 1.5,
    attributionControl: { compact: true, customAttribution: t("map.attribution") },
    style: styleUrl ?? (await bundledBasemap()),
  });
  map.once("load", () => {
    // One source, clustered: at a continent's zoom a thousand incidents are a few dozen
    // circles to draw per frame while panning (ADR 0031); zoomed in, each is its own. Added
    // once the basemap (bundled, or the deployment's tiles) has loaded.
    map.addSource("incidents", {
      type: "geojson",
      data: asGeoJson([]),
      cluster: true,
      clusterRadius: 36,
      clusterMaxZoom: 9,
      clusterProperties: { worst: ["max", severityRank] } as never,
    });
    map.addLayer({
      id: "incident-clusters",
      type: "circle",
      source: "incidents",
      filter: ["has", "point_count"],
      paint: {
        "circle-color": colourByRank as never,
        "circle-opacity": 0.85,
        "circle-radius": ["step", ["get", "point_count"], 12, 10, 16, 50, 22],
        "circle-stroke-color": "#ffffff",
        "circle-stroke-width": 3,
      },
    });
    map.addLayer({
      id: "incidents",
      type: "circle",
      source: "incidents",
      filter: ["!", ["has", "point_count"]],
      paint: {
        "circle-color": colourBySeverity as never,
        "circle-radius": ["interpolate", ["linear"], ["get", "report_count"], 1, 7, 20, 16],
        "circle-stroke-color": "#ffffff",
        "circle-stroke-width": 2,
      },
    });
    // The hazard's pictogram on each incident's circle (the key under the map names them).
    addHazardImages(map);
    map.addLayer({
      id: "incident-hazards",
      type: "symbol",
      source: "incidents",
      filter: ["!", ["has", "point_count"]],
      layout: {
        "icon-image": HAZARD_ICON_EXPRESSION as never,
        "icon-size": ["interpolate", ["linear"], ["get", "report_count"], 1, 0.6, 20, 1.1],
        "icon-allow-overlap": true,
        "icon-ignore-placement": true,
      },
    });
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
  map.on("click", "incidents", (event) => {
    const id = event.features?.[0]?.properties?.incident_id;
    if (typeof id === "string") navigate(`#/incidents/${encodeURIComponent(id)}`);
  });
  map.on("click", "incident-clusters", (event) => {
    const cluster = event.features?.[0];
    const id = cluster?.properties?.cluster_id;
    if (typeof id !== "number" || cluster?.geometry.type !== "Point") return;
    const centre = cluster.geometry.coordinates as [number, number];
    void (map.getSource("incidents") as GeoJSONSource)
      .getClusterExpansionZoom(id)
      .then((zoom) => map.easeTo({ center: centre, zoom }));
  });
  for (const layer of ["incidents", "incident-clusters"]) {
    map.on("mouseenter", layer, () => (map.getCanvas().style.cursor = "pointer"));
    map.on("mouseleave", layer, () => (map.getCanvas().style.cursor = ""));
  }
  await new Promise<void>((resolve) => map.once("load", () => resolve()));
  return map;
}

function wrap(lon: number): number {
  return ((((lon + 180) % 360) + 360) % 360) - 180;
}

/** The map's view as the API's ``bbox`` (west,south,east,north; west > east across 180°). */
function viewOf(map: MapLibreMap): string {
  const bounds = map.getBounds();
  const whole = bounds.getEast() - bounds.getWest() >= 360;
  const west = whole ? -180 : wrap(bounds.getWest());
  const east = whole ? 180 : wrap(bounds.getEast());
  const south = Math.max(-90, bounds.getSouth());
  const north = Math.min(90, bounds.getNorth());
  return [west, south, east, north].map((n) => n.toFixed(4)).join(",");
}

export function IncidentMap(props: { incidents: Incident[]; onViewChange?: (bbox: string) => void }) {
  const container = useRef<HTMLDivElement>(null);
  const [map, setMap] = useState<MapLibreMap | null>(null);
  const [failed, setFailed] = useState(false);
  const fitted = useRef(false);

  useEffect(() => {
    let created: MapLibreMap | null = null;
    let cancelled = false;
    if (container.current) {
      createMap(container.current).then(
        (m) => {
          created = m;
          if (cancelled) m.remove();
          else setMap(m);
        },
        () => setFailed(true),
      );
    }
    return () => {
      cancelled = true;
      created?.remove();
    };
  }, []);

  const onViewChange = useRef(props.onViewChange);
  onViewChange.current = props.onViewChange;
  useEffect(() => {
    if (!map) return;
    const report = () => onViewChange.current?.(viewOf(map));
    report();
    map.on("moveend", report);
    return () => void map.off("moveend", report);
  }, [map]);

  useEffect(() => {
    if (!map) return;
    const source = map.getSource("incidents") as GeoJSONSource | undefined;
    source?.setData(asGeoJson(props.incidents));
    // Count what the map really drew once it has settled: the list and the map must agree.
    map.once("idle", () => {
      // A cluster counts the incidents in it.
      const drawn = map
        .queryRenderedFeatures({ layers: ["incidents", "incident-clusters"] })
        .reduce((sum, f) => sum + (typeof f.properties?.point_count === "number" ? f.properties.point_count : 1), 0);
      container.current?.setAttribute("data-drawn-incidents", String(drawn));
      // And the pictograms drawn on them, by hazard (what a person sees, for the tests).
      const pictograms = map
        .queryRenderedFeatures({ layers: ["incident-hazards"] })
        .map((f) => String(f.properties?.hazard ?? "other"));
      container.current?.setAttribute("data-drawn-hazards", [...new Set(pictograms)].sort().join(" "));
    });
    map.triggerRepaint();
    if (!fitted.current && props.incidents.length) {
      fitted.current = true;
      const lons = props.incidents.map((i) => i.lon);
      const lats = props.incidents.map((i) => i.lat);
      map.fitBounds(
        [
          [Math.min(...lons), Math.min(...lats)],
          [Math.max(...lons), Math.max(...lats)],
        ],
        { padding: 60, maxZoom: 7, duration: 0 },
      );
    }
  }, [map, props.incidents]);

  return (
    <div class="incident-map">
      <h2 id="map-title">{t("incidents.map")}</h2>
      <div
        ref={container}
        class="map-canvas"
        role="region"
        aria-labelledby="map-title"
        aria-describedby="map-note"
        data-map-ready={map ? "true" : "false"}
      />
      <p id="map-note" class="hint">
        {failed ? t("map.failed") : t("map.note", { count: props.incidents.length })}
      </p>
      <HazardKey />
    </div>
  );
}

/** The map's key: each hazard's pictogram with its name (decorative images, named in words). */
function HazardKey() {
  return (
    <div class="hazard-key">
      <h3 id="hazard-key-title">{t("map.hazard_key")}</h3>
      <ul aria-labelledby="hazard-key-title">
        {HAZARDS.map((hazard) => (
          <li key={hazard} data-hazard={hazard}>
            <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
              <path d={HAZARD_PATHS[hazard]} />
            </svg>
            {label("hazard", hazard)}
          </li>
        ))}
      </ul>
    </div>
  );
}
