// Hash routes (#/incidents, #/incidents/{id}): every screen is one static page, so the origin
// needs no rewrite rules, and moving between screens keeps the in-memory session.
import { useEffect, useState } from "preact/hooks";

export type Route =
  | { name: "home" }
  | { name: "sign-in" }
  | { name: "incidents" }
  | { name: "incident"; id: string }
  | { name: "feeds" }
  | { name: "people" }
  | { name: "alerts" }
  | { name: "applications" }
  | { name: "application"; id: string }
  | { name: "complaints" }
  | { name: "complaint"; id: string }
  | { name: "partners" }
  | { name: "referrals" }
  | { name: "referral"; id: string }
  | { name: "not-found" };

export function parse(hash: string): Route {
  const path = hash.replace(/^#/, "") || "/";
  if (path === "/") return { name: "home" };
  if (path === "/sign-in") return { name: "sign-in" };
  if (path === "/incidents") return { name: "incidents" };
  if (path === "/feeds") return { name: "feeds" };
  if (path === "/people") return { name: "people" };
  if (path === "/alerts") return { name: "alerts" };
  if (path === "/applications") return { name: "applications" };
  if (path === "/complaints") return { name: "complaints" };
  const application = /^\/applications\/([^/]+)$/.exec(path);
  if (application?.[1]) return { name: "application", id: decodeURIComponent(application[1]) };
  const complaint = /^\/complaints\/([^/]+)$/.exec(path);
  if (complaint?.[1]) return { name: "complaint", id: decodeURIComponent(complaint[1]) };
  if (path === "/partners") return { name: "partners" };
  if (path === "/referrals") return { name: "referrals" };
  const referral = /^\/referrals\/([^/]+)$/.exec(path);
  if (referral?.[1]) return { name: "referral", id: decodeURIComponent(referral[1]) };
  const incident = /^\/incidents\/([^/]+)$/.exec(path);
  if (incident?.[1]) return { name: "incident", id: decodeURIComponent(incident[1]) };
  return { name: "not-found" };
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
