// The map to correct the report's location: MapLibre over the bundled basemap, loaded only when
// the person opens it. The pin is dragged, or the map tapped where it should be.
import type { Map as MapLibreMap, Marker } from "maplibre-gl";
import { useEffect, useRef, useState } from "preact/hooks";

import { bundledBasemap } from "../../map/basemap";
import { t } from "../i18n";

export type LonLat = { lat: number; lon: number };

export function PinMap(props: { at: LonLat | null; onMove: (at: LonLat) => void }) {
  const container = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);
  const marker = useRef<Marker | null>(null);
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    let map: MapLibreMap | null = null;
    let cancelled = false;
    (async () => {
      const [{ default: maplibregl }, style] = await Promise.all([
        import("maplibre-gl"),
        bundledBasemap(),
        import("maplibre-gl/dist/maplibre-gl.css"),
      ]);
      if (cancelled || !container.current) return;
      const start = latest.current.at;
      map = new maplibregl.Map({
        container: container.current,
        style,
        center: start ? [start.lon, start.lat] : [20, 5],
        zoom: start ? 9 : 1.5,
        attributionControl: { compact: true, customAttribution: t("report.map.attribution") },
      });
      map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
      const pin = new maplibregl.Marker({ draggable: true, color: "#a4161a" }).setLngLat(
        start ? [start.lon, start.lat] : [20, 5],
      );
      pin.addTo(map);
      pin.on("dragend", () => {
        const { lng, lat } = pin.getLngLat();
        latest.current.onMove({ lat: round(lat), lon: round(lng) });
      });
      map.on("click", (event) => {
        pin.setLngLat(event.lngLat);
        latest.current.onMove({ lat: round(event.lngLat.lat), lon: round(event.lngLat.lng) });
      });
      marker.current = pin;
    })().catch(() => setFailed(true));
    return () => {
      cancelled = true;
      map?.remove();
    };
  }, []);

  // A position typed or found again moves the pin.
  useEffect(() => {
    if (props.at) marker.current?.setLngLat([props.at.lon, props.at.lat]);
  }, [props.at?.lat, props.at?.lon]);

  return failed ? (
    <p role="alert">{t("report.map.failed")}</p>
  ) : (
    <div class="pin-map" ref={container} role="application" aria-label={t("report.map.label")} />
  );
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
