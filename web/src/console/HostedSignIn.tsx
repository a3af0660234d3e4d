// The sign-in of a deployed console: a redirect to the hosted UI (Cognito's in AWS), and the
// return from it (hostedSignIn.ts does the protocol).
import { useEffect, useState } from "preact/hooks";

import { t } from "../i18n";
import { FailurePanel } from "./Failure";
import { type HostedConfig, type ReturnFailure, beginSignIn, completeSignIn, isReturn } from "./hostedSignIn";
import { navigate } from "./router";

export function HostedSignIn(props: { config: HostedConfig }) {
  const { config } = props;
  const [returning, setReturning] = useState(isReturn);
  const [failure, setFailure] = useState<ReturnFailure | null>(null);
  const [leaving, setLeaving] = useState(false);

  useEffect(() => {
    if (!returning) return;
    void completeSignIn(config).then((outcome) => {
      setReturning(false);
      if (outcome === null) navigate("#/");
      else setFailure(outcome);
    });
  }, []);

  const start = () => {
    setLeaving(true);
    void beginSignIn(config);
  };

  if (returning) {
    return (
      <p class="notice" role="status">
        {t("hosted.completing")}
      </p>
    );
  }
  return (
    <div class="hosted-sign-in">
      {failure?.kind === "state" ? (
        <p class="failure" role="alert">
          {t("hosted.state_mismatch")}
        </p>
      ) : null}
      {failure?.kind === "refused" ? (
        <p class="failure" role="alert">
          {failure.reason ? t("hosted.refused", { reason: failure.reason }) : t("hosted.refused_plain")}
        </p>
      ) : null}
      {failure?.kind === "exchange" ? (
        <FailurePanel what={t("hosted.exchange_failed")} failure={failure.failure} onRetry={start} />
      ) : null}
      <p>{t("hosted.explain")}</p>
      <button type="button" onClick={start} disabled={leaving}>
        {t("hosted.submit")}
      </button>
    </div>
  );
}
