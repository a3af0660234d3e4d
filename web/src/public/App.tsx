import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";

import { OutboxStatus } from "./offline/OutboxStatus";
import { LANGUAGES, type Language, language, onLanguageChange, setLanguage, t } from "./i18n";
import { type PageDeclaration, type PageProps, groups, pages } from "./pages";
import { href, useRoute } from "./router";

/** Re-renders the caller after every change of language. */
function useLanguage(): Language {
  const [current, setCurrent] = useState(language);
  useEffect(() => onLanguageChange(() => setCurrent(language())), []);
  return current;
}

export function App() {
  useLanguage();
  const route = useRoute();
  const declaration = pages.find((page) => page.name === route.page);

  // A new page: its heading takes the focus, so a screen reader starts reading there.
  useEffect(() => focusHeading(), [route.page]);

  return (
    <>
      <a class="skip-link" href="#main" onClick={skipToMain}>
        {t("app.skip")}
      </a>
      <header class="banner">
        <a class="app-name" href={href("home")} aria-current={route.page === "home" ? "page" : undefined}>
          {t("app.name")}
        </a>
        <LanguagePicker />
      </header>
      <main id="main" tabIndex={-1}>
        {/* What waits to be sent: on every page but the report's, which shows it in its place. */}
        {route.page === "report" ? null : <OutboxStatus />}
        {route.page === "home" ? (
          <Home />
        ) : declaration ? (
          <LazyPage key={declaration.name} declaration={declaration} params={route.params} />
        ) : (
          <NotFound />
        )}
      </main>
    </>
  );
}

/** Moves the focus to the page's heading (after navigation, and when a page's code has loaded). */
function focusHeading(): void {
  document.querySelector<HTMLElement>("main h1")?.focus();
}

function skipToMain(event: Event): void {
  event.preventDefault();
  document.getElementById("main")?.focus();
}

function LanguagePicker() {
  const current = useLanguage();
  return (
    <label class="language">
      <span>{t("language.label")}</span>
      <select
        value={current}
        onChange={(event) => void setLanguage((event.currentTarget as HTMLSelectElement).value as Language, true)}
      >
        {LANGUAGES.map((code) => (
          // Each language's name in itself, so a person finds theirs whatever is shown now.
          <option key={code} value={code} lang={code}>
            {new Intl.DisplayNames([code], { type: "language" }).of(code) ?? code}
          </option>
        ))}
      </select>
    </label>
  );
}

function Home() {
  return (
    <>
      <h1 tabIndex={-1}>{t("home.title")}</h1>
      <p class="tagline">{t("app.tagline")}</p>
      {groups.map(({ group, title }) => (
        <section key={group} aria-labelledby={`group-${group}`}>
          <h2 id={`group-${group}`}>{t(title)}</h2>
          <ul class="page-list">
            {pages
              .filter((page) => page.group === group)
              .map((page) => (
                <li key={page.name}>
                  <a href={href(page.name)}>{t(page.title)}</a>
                  <p>{t(page.summary)}</p>
                </li>
              ))}
          </ul>
        </section>
      ))}
    </>
  );
}

type Loaded = { state: "loading" } | { state: "ready"; Page: ComponentType<PageProps> } | { state: "failed" };

/** A page's code, loaded when it is first opened; a failed load says so and can be retried. */
function LazyPage({ declaration, params }: { declaration: PageDeclaration; params: URLSearchParams }) {
  const [loaded, setLoaded] = useState<Loaded>({ state: "loading" });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    setLoaded({ state: "loading" });
    declaration.load().then(
      (Page) => live && setLoaded({ state: "ready", Page }),
      () => live && setLoaded({ state: "failed" }),
    );
    return () => {
      live = false;
    };
  }, [declaration, attempt]);
  useEffect(() => focusHeading(), [loaded.state]);

  if (loaded.state === "ready") return <loaded.Page params={params} />;
  return (
    <>
      <h1 tabIndex={-1}>{t(declaration.title)}</h1>
      {loaded.state === "loading" ? (
        <p role="status">{t("state.loading")}</p>
      ) : (
        <div role="alert">
          <p>{t("state.load_failed")}</p>
          <button type="button" onClick={() => setAttempt(attempt + 1)}>
            {t("action.retry")}
          </button>
        </div>
      )}
    </>
  );
}

function NotFound() {
  return (
    <>
      <h1 tabIndex={-1}>{t("notfound.title")}</h1>
      <p>{t("notfound.body")}</p>
      <p>
        <a href={href("home")}>{t("notfound.home")}</a>
      </p>
    </>
  );
}
