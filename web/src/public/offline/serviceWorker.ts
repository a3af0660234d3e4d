// Registers the service worker (/sw.js, scope /: web/pwa/sw.js) and reports when a new version
// of the app is installed and waiting: the page offers to reload into it, so nothing changes
// under a person writing a report.
const listeners = new Set<() => void>();
let waiting: ServiceWorker | null = null;

export function updateWaiting(): boolean {
  return waiting !== null;
}

export function onUpdateWaiting(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function found(worker: ServiceWorker | null): void {
  // A waiting worker while another controls the page is an update (the first install is not).
  if (!worker || !navigator.serviceWorker.controller) return;
  waiting = worker;
  listeners.forEach((listener) => listener());
}

export function registerServiceWorker(): void {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(
    (registration) => {
      found(registration.waiting);
      registration.addEventListener("updatefound", () => {
        const installing = registration.installing;
        installing?.addEventListener("statechange", () => {
          if (installing.state === "installed") found(installing);
        });
      });
    },
    () => {
      // No worker (a development server, a browser without them): the app works online.
    },
  );
}

/** Switches to the waiting version: the new worker takes over, then the page reloads once. */
export function applyUpdate(): void {
  if (!waiting) return;
  let reloaded = false;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (reloaded) return;
    reloaded = true;
    location.reload();
  });
  waiting.postMessage("skip-waiting");
}
