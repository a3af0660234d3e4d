// The public app as an installable, offline-first PWA, made at build time with no extra package:
// - manifest.webmanifest and its icons (PNG drawn here, and an SVG) at the origin's root;
// - sw.js, the service worker (web/pwa/sw.js) with the list of every file the public app can load
//   (its page, and every chunk, style sheet and asset reachable from its entry, lazily loaded
//   pages and the map included) and a version that changes when any of them does.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { deflateSync } from "node:zlib";

const BRAND = [0x0b, 0x4f, 0x6c];
const WHITE = [0xff, 0xff, 0xff];
export const ICON_SIZES = [192, 512];

export const MANIFEST = {
  name: "Haven",
  short_name: "Haven",
  description: "Help in a crisis, and safe work abroad. No account needed.",
  id: "/",
  start_url: "/",
  scope: "/",
  display: "standalone",
  orientation: "portrait",
  theme_color: "#0b4f6c",
  background_color: "#ffffff",
  icons: [
    ...ICON_SIZES.map((size) => ({ src: `/icon-${size}.png`, sizes: `${size}x${size}`, type: "image/png", purpose: "any" })),
    { src: "/icon-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
    { src: "/icon.svg", sizes: "any", type: "image/svg+xml", purpose: "any" },
  ],
};

/** A house (a shelter) in white on the brand colour, inside the safe zone of a maskable icon. */
function inHouse(x, y) {
  // Unit square coordinates; roof a triangle, body a rectangle with a door.
  const roof = y >= 0.24 && y <= 0.5 && Math.abs(x - 0.5) <= (y - 0.24) * (0.3 / 0.26);
  const body = y > 0.48 && y <= 0.76 && x >= 0.3 && x <= 0.7;
  const door = y > 0.58 && y <= 0.76 && x >= 0.45 && x <= 0.55;
  return (roof || body) && !door;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** The icon as a PNG of ``size`` pixels (8-bit RGB, no filter). */
export function iconPng(size) {
  const rows = Buffer.alloc(size * (size * 3 + 1));
  for (let y = 0; y < size; y++) {
    const row = y * (size * 3 + 1);
    for (let x = 0; x < size; x++) {
      const colour = inHouse((x + 0.5) / size, (y + 0.5) / size) ? WHITE : BRAND;
      rows.set(colour, row + 1 + x * 3);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

export const ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">
<rect width="100" height="100" fill="#0b4f6c"/>
<path fill="#fff" fill-rule="evenodd" d="M50 24 80 50H70V76H30V50H20ZM45 58V76H55V58Z"/>
</svg>
`;

/** Every file the entry ``name`` can load: its chunks (static and lazy), their CSS and assets. */
function reachable(bundle, entry) {
  const seen = new Set();
  const visit = (fileName) => {
    if (seen.has(fileName)) return;
    seen.add(fileName);
    const item = bundle[fileName];
    if (!item || item.type !== "chunk") return;
    for (const next of [...item.imports, ...item.dynamicImports]) visit(next);
    for (const css of item.viteMetadata?.importedCss ?? []) seen.add(css);
    for (const asset of item.viteMetadata?.importedAssets ?? []) seen.add(asset);
  };
  visit(entry);
  return seen;
}

/** The Vite plugin: ``entry`` is the public app's input name (build.rolldownOptions.input). */
export function publicAppPwa({ entry: entryName = "public" } = {}) {
  return {
    name: "haven-public-pwa",
    apply: "build",
    enforce: "post",
    // After Vite's own hooks: they drop the empty chunks of CSS-only imports, which must not
    // be precached (they are never written).
    generateBundle: { order: "post", handler: generate },
  };

  function generate(_options, bundle) {
    {
      const entry = Object.values(bundle).find(
        (item) => item.type === "chunk" && item.isEntry && item.name === entryName,
      );
      if (!entry) this.error(`no entry chunk named ${entryName}`);
      const icons = { "icon.svg": ICON_SVG };
      for (const size of ICON_SIZES) icons[`icon-${size}.png`] = iconPng(size);
      const manifest = `${JSON.stringify(MANIFEST, null, 2)}\n`;
      for (const [fileName, source] of Object.entries({ ...icons, "manifest.webmanifest": manifest })) {
        this.emitFile({ type: "asset", fileName, source });
      }
      const files = [...reachable(bundle, entry.fileName)].filter((name) => name in bundle).sort();
      const precache = ["/", ...files.map((name) => `/${name}`), "/manifest.webmanifest", ...Object.keys(icons).map((n) => `/${n}`)];
      const hash = createHash("sha256");
      for (const name of files) {
        const item = bundle[name];
        hash.update(name).update(item.type === "chunk" ? item.code : item.source);
      }
      hash.update(manifest);
      const template = readFileSync(new URL("./sw.js", import.meta.url), "utf8");
      const source = template
        .replace('"__VERSION__"', JSON.stringify(hash.digest("hex").slice(0, 16)))
        .replace("__PRECACHE__", JSON.stringify(precache, null, 2));
      this.emitFile({ type: "asset", fileName: "sw.js", source });
    }
  }
}
