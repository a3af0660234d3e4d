// The alerts' areas on a map (MapLibre over the bundled basemap, loaded only when opened), and
// the area a person subscribes: a circle around the point they tap.
import type { Feature, FeatureCollection } from "geojson";
import type { GeoJSONSource, Map as MapLibreMap } from "maplibre-gl";
import { useEffect, useRef, useState } from "preact/hooks";

import { bundledBasemap, circlePolygon } from "../../map/basemap";
import { t } from "../i18n";
import type { Alert } from "./text";

export type Circle = { center: [number, number]; radius_km: number };

function alertAreas(alerts: Alert[]): FeatureCollection {
  const features: Feature[] = [];
  for (const alert of alerts) {
    for (const area of alert.areas) {
      for (const ring of area.polygons) {
        features.push({ type: "Feature", properties: {}, geometry: { type: "Polygon", coordinates: [ring] } });
      }
      for (const circle of area.circles) features.push(circlePolygon([circle.center[0] ?? 0, circle.center[1] ?? 0], circle.radius_km));
    }
  }
  return { type: "FeatureCollection", features };
}

/** The box around every area of the alerts ([west, south, east, north]), or null with none. */
function bounds(collection: FeatureCollection): [number, number, number, number] | null {
  let box: [number, number, number, number] | null = null;
  for (const feature of collection.features) {
    if (feature.geometry.type !== "Polygon") continue;
    for (const [lon = 0, lat = 0] of feature.geometry.coordinates[0] ?? []) {
      box = box
        ? [Math.min(box[0], lon), Math.min(box[1], lat), Math.max(box[2], lon), Math.max(box[3], lat)]
        : [lon, lat, lon, lat];
    }
  }
  return box;
}

function chosenArea(circle: Circle | null): FeatureCollection {
  return { type: "FeatureCollection", features: circle ? [circlePolygon(circle.center, circle.radius_km)] : [] };
}

export function AlertsMap(props: { alerts: Alert[]; circle: Circle | null; onPick: (center: [number, number]) => void }) {
  const container = useRef<HTMLDivElement>(null);
  const [map, setMap] = useState<MapLibreMap | null>(null);
  const [failed, setFailed] = useState(false);
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    let created: MapLibreMap | null = null;
    let cancelled = false;
    (async () => {
      const [{ default: maplibregl }, style] = await Promise.all([
        import("maplibre-gl"),
        bundledBasemap(),
        import("maplibre-gl/dist/maplibre-gl.css"),
      ]);
      if (cancelled || !container.current) return;
      const m = new maplibregl.Map({
        container: container.current,
        style,
        center: [20, 5],
        zoom: 1.2,
        attributionControl: { compact: true, customAttribution: t("alerts.map.attribution") },
      });
      m.addControl(new maplibregl.NavigationControl({ showCompass: false }));
      await new Promise<void>((resolve) => m.once("load", () => resolve()));
      m.addSource("alerts", { type: "geojson", data: alertAreas(latest.current.alerts) });
      m.addSource("chosen", { type: "geojson", data: chosenArea(latest.current.circle) });
      m.addLayer({ id: "alerts", type: "fill", source: "alerts", paint: { "fill-color": "#a4161a", "fill-opacity": 0.3 } });
      m.addLayer({ id: "alerts-line", type: "line", source: "alerts", paint: { "line-color": "#a4161a", "line-width": 2 } });
      m.addLayer({ id: "chosen", type: "line", source: "chosen", paint: { "line-color": "#0b4f6c", "line-width": 3, "line-dasharray": [2, 1] } });
      m.on("click", (event) => latest.current.onPick([round(event.lngLat.lng), round(event.lngLat.lat)]));
      created = m;
      if (cancelled) m.remove();
      else setMap(m);
    })().catch(() => setFailed(true));
    return () => {
      cancelled = true;
      created?.remove();
    };
  }, []);

  useEffect(() => {
    const areas = alertAreas(props.alerts);
    (map?.getSource("alerts") as GeoJSONSource | undefined)?.setData(areas);
    // The map opens on the alerts' areas (a person's own area, once chosen, moves it there).
    const box = bounds(areas);
    if (map && box && !latest.current.circle) map.fitBounds(box, { padding: 24, maxZoom: 8, duration: 0 });
  }, [map, props.alerts]);
  useEffect(() => {
    (map?.getSource("chosen") as GeoJSONSource | undefined)?.setData(chosenArea(props.circle));
    if (map && props.circle) map.easeTo({ center: props.circle.center, zoom: Math.max(map.getZoom(), 8) });
  }, [map, props.circle?.center[0], props.circle?.center[1], props.circle?.radius_km]);

  return failed ? (
    <p role="alert">{t("alerts.map.failed")}</p>
  ) : (
    <div class="pin-map" ref={container} role="application" aria-label={t("alerts.map.label")} />
  );
}

function round(value: number): number {
  return Math.round(value * 1e5) / 1e5;
}
