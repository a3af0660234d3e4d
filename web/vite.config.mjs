// One build for every web app: each app is an HTML entry under its own path on the one origin
// (the public app at /, the console at /console/). Output: build/web/ at the
// repository root, which the local gateway serves (local/static_site.py) and CDK will upload.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

import { publicAppPwa } from "./pwa/plugin.mjs";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here("."),
  base: "/",
  publicDir: false,
  // The public app installable and offline-first: manifest, icons and service worker (web/pwa/).
  plugins: [publicAppPwa({ entry: "public" })],
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: here("../build/web"),
    emptyOutDir: true,
    target: "es2022",
    // Every script is a file of the origin: the pages' CSP allows no inline script.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      input: { public: here("index.html"), console: here("console/index.html") },
    },
  },
});
