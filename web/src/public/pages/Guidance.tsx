// Guidance for job seekers: the portal's rights articles and the guidance on staying safe online
// in a crisis, as the API serves them, in the person's language where the API has it (else in
// English, said so), with a word when a translation is not yet reviewed.
import { useEffect, useState } from "preact/hooks";

import { type Failure, type Schemas, api, call } from "../api";
import { language, t } from "../i18n";
import type { PageProps } from "../pages";
import { href } from "../router";
import { FailureBox } from "../ui/Failure";
import { Markdown } from "../guidance/Markdown";
import "../forms/forms.css";
import "../guidance/guidance.css";

type Loaded<T> = { state: "loading" } | { state: "ready"; data: T } | { state: "failed"; failure: Failure };

/** Loads ``run`` again whenever ``deps`` change or the person retries. */
function useLoad<T>(run: () => Promise<{ ok: true; data: T } | { ok: false; failure: Failure }>, deps: unknown[]) {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: "loading" });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    setLoaded({ state: "loading" });
    void run().then((outcome) => {
      if (!live) return;
      setLoaded(outcome.ok ? { state: "ready", data: outcome.data } : { state: "failed", failure: outcome.failure });
    });
    return () => {
      live = false;
    };
  }, [...deps, attempt]);
  return { loaded, retry: () => setAttempt((n) => n + 1) };
}

function languageName(code: string): string {
  try {
    return new Intl.DisplayNames([language()], { type: "language" }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** Says when the text is in another language than the person's, or not yet reviewed. */
function LanguageNote({ shown, pending }: { shown: string; pending: boolean }) {
  const wanted = language();
  return (
    <>
      {shown !== wanted ? (
        <p class="language-note">{t("guidance.other_language", { language: languageName(shown) })}</p>
      ) : null}
      {pending ? <p class="language-note">{t("guidance.pending_review")}</p> : null}
    </>
  );
}

export function Guidance({ params }: PageProps) {
  const article = params.get("article");
  const guide = params.get("guide");
  if (article) return <ArticlePage slug={article} />;
  if (guide === "citizen") return <CitizenGuide />;
  return <ArticleList />;
}

function ArticleList() {
  const lang = language();
  const { loaded, retry } = useLoad(() => call(() => api.GET("/v1/portal/articles", { params: { query: { lang } } })), [lang]);
  return (
    <>
      <h1 tabIndex={-1}>{t("page.guidance.title")}</h1>
      <p>{t("guidance.intro")}</p>
      <h2>{t("guidance.rights.title")}</h2>
      {loaded.state === "loading" ? <p role="status">{t("state.loading")}</p> : null}
      {loaded.state === "failed" ? <FailureBox what={t("guidance.failed")} failure={loaded.failure} onRetry={retry} /> : null}
      {loaded.state === "ready" ? (
        <ul class="article-list">
          {loaded.data.items.map((item) => (
            <li key={item.slug}>
              <a href={href("guidance", { article: item.slug })} lang={item.lang}>
                {item.title}
              </a>
              <p lang={item.lang}>{item.summary}</p>
              {item.lang !== lang ? <p class="language-note">{languageName(item.lang)}</p> : null}
            </li>
          ))}
        </ul>
      ) : null}
      <h2>{t("guidance.crisis.title")}</h2>
      <ul class="article-list">
        <li>
          <a href={href("guidance", { guide: "citizen" })}>{t("guidance.crisis.link")}</a>
          <p>{t("guidance.crisis.summary")}</p>
        </li>
      </ul>
      <h2>{t("guidance.help.title")}</h2>
      <ul class="article-list">
        <li>
          <a href={href("recruiters")}>{t("page.recruiters.title")}</a>
          <p>{t("page.recruiters.summary")}</p>
        </li>
        <li>
          <a href={href("complain")}>{t("page.complain.title")}</a>
          <p>{t("page.complain.summary")}</p>
        </li>
      </ul>
    </>
  );
}

function ArticlePage({ slug }: { slug: string }) {
  const lang = language();
  const { loaded, retry } = useLoad(
    () => call(() => api.GET("/v1/portal/articles/{slug}", { params: { path: { slug }, query: { lang } } })),
    [lang, slug],
  );
  return <Text loaded={loaded} retry={retry} title={(a: Schemas["Article"]) => a.title} />;
}

function CitizenGuide() {
  const lang = language();
  const { loaded, retry } = useLoad<Schemas["Guidance"]>(async () => {
    const outcome = await call(() =>
      api.GET("/v1/guidance", { params: { query: { audience: "citizen", lang } }, headers: { Accept: "application/json" } }),
    );
    // The API may answer Markdown alone to another Accept: asked for JSON, a string is a failure.
    if (outcome.ok && typeof outcome.data === "string") return { ok: false, failure: { kind: "network" } };
    return outcome as { ok: true; data: Schemas["Guidance"] } | { ok: false; failure: Failure };
  }, [lang]);
  return <Text loaded={loaded} retry={retry} title={(g: Schemas["Guidance"]) => g.title} />;
}

function Text<T extends Schemas["Article"] | Schemas["Guidance"]>(props: {
  loaded: Loaded<T>;
  retry: () => void;
  title: (text: T) => string;
}) {
  const { loaded, retry, title } = props;
  useEffect(() => {
    if (loaded.state === "ready") document.querySelector<HTMLElement>("main h1")?.focus();
  }, [loaded.state]);
  if (loaded.state !== "ready") {
    return (
      <>
        <h1 tabIndex={-1}>{t("page.guidance.title")}</h1>
        {loaded.state === "loading" ? (
          <p role="status">{t("state.loading")}</p>
        ) : (
          <FailureBox what={t("guidance.failed")} failure={loaded.failure} onRetry={retry} />
        )}
        <p>
          <a href={href("guidance")}>{t("guidance.back")}</a>
        </p>
      </>
    );
  }
  const text = loaded.data;
  const shown = "body" in text ? text.lang : text.language;
  const markdown = "body" in text ? text.body : text.markdown;
  const pending = "pending_review" in text ? text.pending_review : false;
  return (
    <article lang={shown}>
      <h1 tabIndex={-1}>{title(text)}</h1>
      <div lang={language()}>
        <LanguageNote shown={shown} pending={pending} />
      </div>
      <Markdown markdown={markdown} skipTitle />
      <p lang={language()}>
        <a href={href("guidance")}>{t("guidance.back")}</a>
      </p>
    </article>
  );
}
