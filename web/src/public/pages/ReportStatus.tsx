// Follow a report: its number and tracking code (from the link kept when it was sent, or typed),
// and how far it has come in plain words (GET /v1/reports/{id}?token=).
import { useEffect, useState } from "preact/hooks";

import { type Failure, api, call } from "../api";
import { formatTime, type MessageKey, t } from "../i18n";
import type { PageProps } from "../pages";
import { FailureBox } from "../ui/Failure";
import { TextInput } from "../ui/Field";

type View = { report_id: string; status: string; received_at: string };
type State = { state: "idle" } | { state: "loading" } | { state: "found"; view: View } | { state: "failed"; failure: Failure };

const STATUS: Record<string, MessageKey> = {
  received: "report.status.received",
  triaged: "report.status.triaged",
  linked_to_incident: "report.status.linked_to_incident",
  verified: "report.status.verified",
  dismissed: "report.status.dismissed",
};

export function ReportStatus({ params }: PageProps) {
  const [id, setId] = useState(params.get("id") ?? "");
  const [token, setToken] = useState(params.get("token") ?? "");
  const [errors, setErrors] = useState<{ id?: string; token?: string }>({});
  const [state, setState] = useState<State>({ state: "idle" });

  const check = async () => {
    const found: { id?: string; token?: string } = {};
    if (!id.trim()) found.id = t("report.status.error.id");
    if (token.trim().length < 16) found.token = t("report.status.error.token");
    setErrors(found);
    if (found.id || found.token) return;
    setState({ state: "loading" });
    const outcome = await call(() =>
      api.GET("/v1/reports/{report_id}", { params: { path: { report_id: id.trim() }, query: { token: token.trim() } } }),
    );
    setState(outcome.ok ? { state: "found", view: outcome.data } : { state: "failed", failure: outcome.failure });
  };

  // Opened from the kept link: the status at once.
  useEffect(() => {
    if (params.get("id") && params.get("token")) void check();
  }, []);

  return (
    <>
      <h1 tabIndex={-1}>{t("page.report-status.title")}</h1>
      <p>{t("report.status.intro")}</p>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void check();
        }}
      >
        <TextInput id="report-id" label={t("report.status.id")} value={id} onInput={setId} error={errors.id} input={{ dir: "ltr", autoComplete: "off" }} />
        <TextInput
          id="report-token"
          label={t("report.status.token")}
          value={token}
          onInput={setToken}
          error={errors.token}
          input={{ dir: "ltr", autoComplete: "off", maxLength: 128 }}
        />
        <button type="submit" disabled={state.state === "loading"}>
          {t("report.status.check")}
        </button>
      </form>
      <div role="status" aria-live="polite">
        {state.state === "loading" ? <p>{t("report.status.checking")}</p> : null}
        {state.state === "found" ? (
          <div class="result">
            <p>{t("report.status.result", { when: formatTime(state.view.received_at) })}</p>
            <p>
              <strong>{STATUS[state.view.status] ? t(STATUS[state.view.status] as MessageKey) : state.view.status}</strong>
            </p>
          </div>
        ) : null}
      </div>
      {state.state === "failed" ? <FailureBox what={t("report.status.what")} failure={state.failure} onRetry={() => void check()} /> : null}
    </>
  );
}
