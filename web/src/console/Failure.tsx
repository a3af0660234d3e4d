// What failed and a way to retry: a network error, a timeout or a problem answer never leaves a
// blank screen.
import type { Failure } from "../api/client";
import { t } from "../i18n";

export function failureText(failure: Failure): string {
  switch (failure.kind) {
    case "network":
      return t("failure.network");
    case "timeout":
      return t("failure.timeout");
    case "problem": {
      const { problem, status } = failure;
      if (status >= 500) return t("failure.server", { status });
      if (status === 403) return t("failure.forbidden", { detail: problem.detail || problem.title });
      return problem.detail ? `${problem.title}: ${problem.detail}` : problem.title;
    }
  }
}

export function FailurePanel(props: { what: string; failure: Failure; onRetry?: () => void }) {
  const { what, failure, onRetry } = props;
  const retryable = failure.kind !== "problem" || failure.status >= 500 || failure.status === 429;
  return (
    <div class="failure" role="alert">
      <p class="failure-what">{what}</p>
      <p class="failure-why">{failureText(failure)}</p>
      {onRetry && retryable ? (
        <button type="button" onClick={onRetry}>
          {t("action.retry")}
        </button>
      ) : null}
    </div>
  );
}
