// Hash routes (#/report, #/track?token=...): every page is the one static index.html, so the
// origin needs no rewrite rules and the app starts offline from its cache.
import { useEffect, useState } from "preact/hooks";

import { type PageName, pages } from "./pages";

export type Route = { page: PageName | "home" | "not-found"; params: URLSearchParams };

export function parse(hash: string): Route {
  const [path = "/", query = ""] = hash.replace(/^#/, "").split("?", 2);
  const params = new URLSearchParams(query);
  if (path === "/" || path === "") return { page: "home", params };
  const page = pages.find((candidate) => candidate.path === path);
  return { page: page ? page.name : "not-found", params };
}

/** The hash of ``page`` with ``params`` (``#/track?token=...``). */
export function href(page: PageName | "home", params: Record<string, string> = {}): string {
  const path = page === "home" ? "/" : (pages.find((candidate) => candidate.name === page)?.path ?? "/");
  const query = new URLSearchParams(params).toString();
  return `#${path}${query ? `?${query}` : ""}`;
}

export function navigate(hash: string): void {
  if (location.hash !== hash) location.hash = hash;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parse(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parse(location.hash));
    addEventListener("hashchange", onChange);
    return () => removeEventListener("hashchange", onChange);
  }, []);
  return route;
}
