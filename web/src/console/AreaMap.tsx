// The alert composer's map: the alert's polygons and circles drawn over the bundled basemap, the
// ring being drawn, and its vertices, which can be dragged. Clicks are reported to the composer,
// which owns the shapes (they can also be typed, for keyboard users).
import type { Feature, FeatureCollection } from "geojson";
import type { GeoJSONSource, Map as MapLibreMap, MapLayerMouseEvent, MapMouseEvent } from "maplibre-gl";
import { useEffect, useRef, useState } from "preact/hooks";

import { t } from "../i18n";
import type { CircleDraft, Position } from "./alertDraft";

/** A position at the 6 decimals CAP carries (about 0.1 m), as the API will write it. */
function rounded(lon: number, lat: number): Position {
  return [Math.round(lon * 1e6) / 1e6, Math.round(lat * 1e6) / 1e6];
}

/** A circle as a ring of 64 positions (for drawing only: the API is sent the circle itself). */
function circleRing(circle: CircleDraft): Position[] {
  const [lon, lat] = circle.center;
  const ring: Position[] = [];
  for (let n = 0; n <= 64; n++) {
    const angle = (n / 64) * 2 * Math.PI;
    const dLat = (circle.radius_km / 111.32) * Math.sin(angle);
    const dLon = (circle.radius_km / (111.32 * Math.max(Math.cos((lat * Math.PI) / 180), 0.01))) * Math.cos(angle);
    ring.push([lon + dLon, lat + dLat]);
  }
  return ring;
}

function shapes(polygons: Position[][], circles: CircleDraft[], pending: Position[]): Record<string, FeatureCollection> {
  const areas: Feature[] = [
    ...polygons.map((ring, p): Feature => ({ type: "Feature", properties: { p }, geometry: { type: "Polygon", coordinates: [ring] } })),
    ...circles.map((c, n): Feature => ({ type: "Feature", properties: { c: n }, geometry: { type: "Polygon", coordinates: [circleRing(c)] } })),
  ];
  const vertices: Feature[] = [];
  polygons.forEach((ring, p) =>
    ring.slice(0, -1).forEach((position, v) =>
      vertices.push({ type: "Feature", properties: { p, v }, geometry: { type: "Point", coordinates: position } }),
    ),
  );
  pending.forEach((position, v) =>
    vertices.push({ type: "Feature", properties: { p: -1, v }, geometry: { type: "Point", coordinates: position } }),
  );
  const drawing: Feature[] = pending.length > 1 ? [{ type: "Feature", properties: {}, geometry: { type: "LineString", coordinates: pending } }] : [];
  return {
    areas: { type: "FeatureCollection", features: areas },
    vertices: { type: "FeatureCollection", features: vertices },
    drawing: { type: "FeatureCollection", features: drawing },
  };
}

async function createMap(container: HTMLElement): Promise<MapLibreMap> {
  const [{ default: maplibregl }, { feature }, atlasUrl] = await Promise.all([
    import("maplibre-gl"),
    import("topojson-client"),
    import("world-atlas/countries-110m.json?url").then((m: { default: string }) => m.default),
    import("maplibre-gl/dist/maplibre-gl.css"),
  ]);
  const topology = await (await fetch(atlasUrl)).json();
  const countries = feature(topology, topology.objects.countries);
  const empty: FeatureCollection = { type: "FeatureCollection", features: [] };
  const map = new maplibregl.Map({
    container,
    center: [20, 5],
    zoom: 1.5,
    doubleClickZoom: false,
    attributionControl: { compact: true, customAttribution: t("map.attribution") },
    style: {
      version: 8,
      sources: {
        countries: { type: "geojson", data: countries },
        areas: { type: "geojson", data: empty },
        drawing: { type: "geojson", data: empty },
        vertices: { type: "geojson", data: empty },
      },
      layers: [
        { id: "sea", type: "background", paint: { "background-color": "#cfe3ef" } },
        { id: "land", type: "fill", source: "countries", paint: { "fill-color": "#f4f1ea" } },
        { id: "borders", type: "line", source: "countries", paint: { "line-color": "#9a9486", "line-width": 0.6 } },
        { id: "areas", type: "fill", source: "areas", paint: { "fill-color": "#b3261e", "fill-opacity": 0.25 } },
        { id: "areas-outline", type: "line", source: "areas", paint: { "line-color": "#b3261e", "line-width": 2 } },
        { id: "drawing", type: "line", source: "drawing", paint: { "line-color": "#12355b", "line-width": 2, "line-dasharray": [2, 1] } },
        {
          id: "vertices",
          type: "circle",
          source: "vertices",
          paint: { "circle-radius": 6, "circle-color": "#12355b", "circle-stroke-color": "#ffffff", "circle-stroke-width": 2 },
        },
      ],
    },
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
  await new Promise<void>((resolve) => map.once("load", () => resolve()));
  return map;
}

export function AreaMap(props: {
  polygons: Position[][];
  circles: CircleDraft[];
  pending: Position[];
  onClick: (position: Position) => void;
  onMoveVertex: (polygon: number, vertex: number, position: Position) => void;
  describedBy: string;
}) {
  const container = useRef<HTMLDivElement>(null);
  const [map, setMap] = useState<MapLibreMap | null>(null);
  const [failed, setFailed] = useState(false);
  const latest = useRef(props);
  latest.current = props;

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

  useEffect(() => {
    if (!map) return;
    let dragging: { p: number; v: number } | null = null;
    let moved = false;
    const down = (event: MapLayerMouseEvent) => {
      const properties = event.features?.[0]?.properties;
      if (!properties || typeof properties.p !== "number" || properties.p < 0) return;
      event.preventDefault();
      dragging = { p: properties.p, v: properties.v as number };
      moved = false;
      map.dragPan.disable();
    };
    const move = (event: MapMouseEvent) => {
      if (!dragging) return;
      moved = true;
      latest.current.onMoveVertex(dragging.p, dragging.v, rounded(event.lngLat.wrap().lng, event.lngLat.lat));
    };
    const up = () => {
      if (!dragging) return;
      dragging = null;
      map.dragPan.enable();
    };
    const click = (event: MapMouseEvent) => {
      if (moved) {
        moved = false;
        return;
      }
      latest.current.onClick(rounded(event.lngLat.wrap().lng, event.lngLat.lat));
    };
    // The settled zoom, for whoever needs to know the view has stopped moving (the tests).
    const settled = () => container.current?.setAttribute("data-zoom", String(Math.round(map.getZoom() * 10) / 10));
    settled();
    map.on("moveend", settled);
    map.on("mousedown", "vertices", down);
    map.on("mousemove", move);
    map.on("mouseup", up);
    map.on("click", click);
    return () => {
      map.off("moveend", settled);
      map.off("mousedown", "vertices", down);
      map.off("mousemove", move);
      map.off("mouseup", up);
      map.off("click", click);
    };
  }, [map]);

  useEffect(() => {
    if (!map) return;
    const data = shapes(props.polygons, props.circles, props.pending);
    for (const [id, collection] of Object.entries(data)) (map.getSource(id) as GeoJSONSource | undefined)?.setData(collection);
    // A shape typed, or an alert loaded to update, that lies outside the view: show it all.
    const positions = [
      ...props.polygons.flat(),
      ...props.circles.flatMap((c) => circleRing(c)),
    ];
    if (positions.length) {
      const view = map.getBounds();
      if (positions.some(([lon, lat]) => !view.contains([lon, lat]))) {
        const lons = positions.map((p) => p[0]);
        const lats = positions.map((p) => p[1]);
        map.fitBounds(
          [
            [Math.min(...lons), Math.min(...lats)],
            [Math.max(...lons), Math.max(...lats)],
          ],
          { padding: 40, maxZoom: 10, duration: 0 },
        );
      }
    }
    map.once("idle", () => {
      // Distinct shapes drawn (a shape can come back once per tile or world copy it spans).
      const keys = map.queryRenderedFeatures({ layers: ["areas"] }).map((f) => `${f.properties.p ?? ""}/${f.properties.c ?? ""}`);
      const drawn = new Set(keys).size;
      container.current?.setAttribute("data-drawn-shapes", String(drawn));
    });
    map.triggerRepaint();
  }, [map, props.polygons, props.circles, props.pending]);

  return (
    <div class="area-map">
      <div
        ref={container}
        class="map-canvas"
        role="region"
        aria-label={t("alerts.map")}
        aria-describedby={props.describedBy}
        data-map-ready={map ? "true" : "false"}
      />
      {failed ? <p class="hint">{t("map.failed")}</p> : null}
    </div>
  );
}
