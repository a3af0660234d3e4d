import { useEffect, useRef, useState } from "preact/hooks";

import { t } from "../i18n";
import { Alerts } from "./Alerts";
import { ApplicationDetail, Applications } from "./Accreditation";
import { ComplaintDetail, Complaints } from "./Complaints";
import { Feeds } from "./Feeds";
import { signOut } from "./hostedSignIn";
import { IncidentDetail } from "./IncidentDetail";
import { Incidents } from "./Incidents";
import { Partners } from "./Partners";
import { People } from "./People";
import { ReferralDetail, Referrals } from "./Referrals";
import { navigate, useRoute } from "./router";
import { screensFor } from "./screens";
import { type Session, currentSession, subscribe } from "./session";
import { SignIn } from "./SignIn";

function useSession(): Session | null {
  const [session, setSession] = useState(currentSession);
  useEffect(() => subscribe(() => setSession(currentSession())), []);
  return session;
}

export function App() {
  const session = useSession();
  const route = useRoute();

  // Without a session every route is the sign-in page (a 401 ends the session, so lands here).
  useEffect(() => {
    if (!session && route.name !== "sign-in") navigate("#/sign-in");
  }, [session, route.name]);

  const screens = session ? screensFor(session.role) : [];
  let content;
  if (!session || route.name === "sign-in") content = <SignIn />;
  else if (route.name === "incidents") content = <Incidents />;
  else if (route.name === "incident") content = <IncidentDetail id={route.id} />;
  else if (route.name === "feeds") content = <Feeds />;
  else if (route.name === "people") content = <People />;
  else if (route.name === "applications") content = <Applications />;
  else if (route.name === "application") content = <ApplicationDetail id={route.id} />;
  else if (route.name === "complaints") content = <Complaints />;
  else if (route.name === "complaint") content = <ComplaintDetail id={route.id} />;
  else if (route.name === "partners") content = <Partners />;
  else if (route.name === "referrals") content = <Referrals />;
  else if (route.name === "referral") content = <ReferralDetail id={route.id} />;
  else if (route.name === "alerts") content = <Alerts />;
  else if (route.name === "home") content = <Home role={session.role} />;
  else content = <NotFound />;

  return (
    <>
      <a class="skip-link" href="#main" onClick={skipToMain}>
        {t("app.skip")}
      </a>
      <header class="banner">
        <p class="app-name">{t("app.name")}</p>
        {session ? (
          <nav aria-label={t("nav.label")}>
            <ul>
              {screens.map((screen) => (
                <li key={screen.id}>
                  <a href={screen.hash} aria-current={isCurrent(route.name, screen.id) ? "page" : undefined}>
                    {t(screen.label)}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
        {session ? (
          <div class="who">
            <span>{t("app.signed_in_as", { role: t(`role.${session.role}`) })}</span>
            <button type="button" onClick={signOut}>
              {t("action.sign_out")}
            </button>
          </div>
        ) : null}
      </header>
      <main id="main" tabIndex={-1}>
        {content}
      </main>
    </>
  );
}

function skipToMain(event: Event): void {
  event.preventDefault();
  document.getElementById("main")?.focus();
}

function isCurrent(route: string, screen: string): boolean {
  return route === screen || `${route}s` === screen;
}

function Home(props: { role: Session["role"] }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const screens = screensFor(props.role);
  return (
    <section aria-labelledby="home-title">
      <h1 id="home-title" tabIndex={-1} ref={heading}>
        {t("home.title", { role: t(`role.${props.role}`) })}
      </h1>
      {screens.length ? (
        <ul class="screen-list">
          {screens.map((screen) => (
            <li key={screen.id}>
              <a href={screen.hash}>{t(screen.label)}</a>
            </li>
          ))}
        </ul>
      ) : (
        <p>{t("home.none_yet")}</p>
      )}
    </section>
  );
}

function NotFound() {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section aria-labelledby="not-found-title">
      <h1 id="not-found-title" tabIndex={-1} ref={heading}>
        {t("notfound.title")}
      </h1>
      <p>
        <a href="#/">{t("notfound.home")}</a>
      </p>
    </section>
  );
}
