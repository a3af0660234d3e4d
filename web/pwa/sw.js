// The public app's service worker (served at /sw.js, scope /). Written at build time by
// web/pwa/plugin.mjs, which fills in PRECACHE (the shell and every file the public app can load)
// and VERSION (a hash of that list, so a new build is a new worker).
//
// - install: every file of the list into this version's cache; the first install takes control
//   at once, an update waits until the page asks (the page offers "reload" — nothing is swapped
//   under a person typing a report);
// - activate: the caches of older versions are deleted;
// - fetch: a file of the list cache-first (the app starts with no network); every other request
//   — the API under /v1/ above all, whose answers carry personal data — goes to the network and
//   is never cached.
/* global self, caches, fetch, URL */
const VERSION = "__VERSION__";
const PRECACHE = __PRECACHE__;
const CACHE = `haven-public-${VERSION}`;
const PREFIX = "haven-public-";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE.map((path) => new Request(path, { cache: "reload" }))))
      // No worker yet controls the app: take over now. An update waits for the page's word.
      .then(() => (self.registration.active ? undefined : self.skipWaiting())),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith(PREFIX) && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/v1/")) return;
  // The page's address may carry a query; its hash never reaches here.
  const path = url.pathname === "/" || url.pathname === "/index.html" ? "/" : url.pathname;
  if (!PRECACHE.includes(path)) return;
  event.respondWith(
    caches.open(CACHE).then((cache) =>
      cache.match(path).then((hit) => hit || fetch(request)),
    ),
  );
});
