// One pictogram per hazard, declared once as an SVG path on a 24×24 grid: rasterised for the
// map's symbol layer (MapLibre draws images, not SVG) and drawn as inline SVG in the map's key.
// Plain shapes, no font: the bundled basemap has no glyphs and the map works offline.
import type { Map as MapLibreMap } from "maplibre-gl";

import type { Hazard } from "../api/client";
import { HAZARDS } from "./vocabulary";

export const HAZARD_PATHS: Record<Hazard, string> = {
  // Two waves.
  flood:
    "M2 9c2.5 0 2.5-2 5-2s2.5 2 5 2 2.5-2 5-2 2.5 2 5 2v3c-2.5 0-2.5-2-5-2s-2.5 2-5 2-2.5-2-5-2-2.5 2-5 2z" +
    "M2 16c2.5 0 2.5-2 5-2s2.5 2 5 2 2.5-2 5-2 2.5 2 5 2v3c-2.5 0-2.5-2-5-2s-2.5 2-5 2-2.5-2-5-2-2.5 2-5 2z",
  // A flame.
  fire: "M12 2c1 4 6 6 6 12a6 6 0 0 1-12 0c0-3 2-5 3-6 0 2 1 3 2 3 0-4 1-6 1-9z",
  // A seismograph's trace.
  earthquake: "M1 11h5l2-6 3 14 3-11 2 5 2-2h5v3h-3.5l-3 3-1.5-3.5-3 10-3-14-1 3H1z",
  // A lightning bolt.
  storm: "M14 1 5 14h6l-2 9 10-14h-6l3-8z",
  // Earth sliding down a slope.
  landslide: "M2 21 14 6l8 15zM4 9a2 2 0 1 0 4 0 2 2 0 1 0-4 0M8 4a1.5 1.5 0 1 0 3 0 1.5 1.5 0 1 0-3 0",
  // Two crossed bars.
  conflict: "M4 2 2 4l8 8-8 8 2 2 8-8 8 8 2-2-8-8 8-8-2-2-8 8z",
  // A ring.
  other: "M12 4a8 8 0 1 0 0 16 8 8 0 1 0 0-16zm0 4a4 4 0 1 1 0 8 4 4 0 1 1 0-8z",
};

/** The map image's name for ``hazard``. */
export function hazardImage(hazard: string): string {
  return `hazard-${hazard}`;
}

/** Adds every hazard's pictogram to ``map`` as a white image with a dark outline, for a symbol layer. */
export function addHazardImages(map: MapLibreMap): void {
  const ratio = Math.max(1, Math.round(globalThis.devicePixelRatio || 1));
  const size = 24 * ratio;
  for (const hazard of HAZARDS) {
    const canvas = document.createElement("canvas");
    canvas.width = size;
    canvas.height = size;
    const context = canvas.getContext("2d");
    if (!context) return;
    context.scale(ratio * 0.75, ratio * 0.75);
    context.translate(4, 4);
    const shape = new Path2D(HAZARD_PATHS[hazard]);
    context.lineWidth = 2.5;
    context.strokeStyle = "rgba(0, 0, 0, 0.75)";
    context.stroke(shape);
    context.fillStyle = "#ffffff";
    context.fill(shape);
    map.addImage(hazardImage(hazard), context.getImageData(0, 0, size, size), { pixelRatio: ratio });
  }
}

/** The symbol layer's ``icon-image``: the incident's hazard, or "other" for one the key lacks. */
export const HAZARD_ICON_EXPRESSION: unknown[] = [
  "match",
  ["get", "hazard"],
  ...HAZARDS.flatMap((hazard) => [hazard, hazardImage(hazard)]),
  hazardImage("other"),
];
