// Follow a complaint by its tracking code: how far it has come and the messages sent about it.
// The code may come in the address (the link shown when it was filed) or be typed.
import { useEffect, useState } from "preact/hooks";

import { type Failure, type Schemas, api, call } from "../api";
import { t, formatTime } from "../i18n";
import type { PageProps } from "../pages";
import { href } from "../router";
import { FailureBox } from "../ui/Failure";
import { TextInput } from "../ui/Field";
import "../forms/forms.css";
import "../complaints/complaints.css";

type Tracking = Schemas["ComplaintTracking"];
type PublicStatus = Schemas["PublicStatus"];

const STEPS = ["received", "under_review", "referred", "with_authority", "resolved"] as const satisfies readonly PublicStatus[];

export function ComplaintStatus({ params }: PageProps) {
  const [code, setCode] = useState(params.get("code") ?? "");
  const [empty, setEmpty] = useState(false);
  const [busy, setBusy] = useState(false);
  const [tracking, setTracking] = useState<Tracking | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);

  async function look(event?: Event) {
    event?.preventDefault();
    const typed = code.replace(/[\s-]/g, "");
    setEmpty(!typed);
    if (!typed) return;
    setBusy(true);
    setFailure(null);
    const outcome = await call(() => api.GET("/v1/complaints/track/{code}", { params: { path: { code: typed } } }));
    setBusy(false);
    if (outcome.ok) setTracking(outcome.data);
    else {
      setTracking(null);
      setFailure(outcome.failure);
    }
  }

  useEffect(() => {
    if (params.get("code")) void look();
  }, []);

  const unknown = failure?.kind === "problem" && failure.status === 404;
  return (
    <>
      <h1 tabIndex={-1}>{t("page.complaint-status.title")}</h1>
      <form onSubmit={look} noValidate>
        <TextInput
          id="complaint-code"
          label={t("complaints.status.code")}
          hint={t("complaints.status.code_hint")}
          value={code}
          onInput={setCode}
          required
          error={empty ? t("ui.error.required") : unknown ? t("complaints.status.unknown") : undefined}
          input={{ autoComplete: "off", maxLength: 40, dir: "ltr" }}
        />
        <button type="submit" disabled={busy}>
          {t("complaints.status.submit")}
        </button>
      </form>
      <div aria-live="polite">
        {busy ? <p role="status">{t("state.loading")}</p> : null}
        {tracking && !busy ? <TrackingView tracking={tracking} /> : null}
      </div>
      {failure && !unknown ? (
        <FailureBox what={t("complaints.status.failed")} failure={failure} onRetry={() => void look()} />
      ) : null}
      <p>
        <a href={href("complain")}>{t("complaints.status.new")}</a>
      </p>
    </>
  );
}

function TrackingView({ tracking }: { tracking: Tracking }) {
  const reached = tracking.status === "closed" ? -1 : STEPS.indexOf(tracking.status);
  return (
    <section aria-labelledby="tracking-title">
      <h2 id="tracking-title">{t(`complaints.public.${tracking.status}` as const)}</h2>
      <p>{t(`complaints.public.${tracking.status}.body` as const)}</p>
      {tracking.status === "closed" ? null : (
        <ol class="steps">
          {STEPS.map((step, index) => (
            <li key={step} class={index <= reached ? "done" : ""} aria-current={index === reached ? "step" : undefined}>
              {t(`complaints.public.${step}` as const)}
            </li>
          ))}
        </ol>
      )}
      <p>
        {t("complaints.status.filed", { when: formatTime(tracking.filed_at) })}
        <br />
        {t("complaints.status.updated", { when: formatTime(tracking.updated_at) })}
      </p>
      {tracking.messages.length > 0 ? (
        <>
          <h3>{t("complaints.status.messages")}</h3>
          <ul class="messages">
            {tracking.messages.map((message) => (
              <li key={message.at + message.message}>
                <time dateTime={message.at}>{formatTime(message.at)}</time>
                <p lang="en">{message.message}</p>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
