// What failed and a way to retry: a network error, a timeout or a problem answer (with its
// detail) never leaves a blank screen or loses what was typed.
import type { Failure } from "../api";
import { t } from "../i18n";

/** The failure in plain words in the person's language (the API's own detail kept as detail). */
export function failureText(failure: Failure): string {
  switch (failure.kind) {
    case "network":
      return t("ui.failure.network");
    case "timeout":
      return t("ui.failure.timeout");
    case "problem": {
      const { problem, status } = failure;
      if (status >= 500) return t("ui.failure.server", { status });
      if (status === 429) return t("ui.failure.busy");
      if (status === 404) return t("ui.failure.not_found");
      const detail = problem.detail || problem.title;
      return detail ? t("ui.failure.problem", { detail }) : t("ui.failure.refused", { status });
    }
  }
}

/** Whether trying the same thing again may work (not for a refusal the request itself caused). */
export function retryable(failure: Failure): boolean {
  return failure.kind !== "problem" || failure.status >= 500 || failure.status === 429 || failure.status === 408;
}

/** ``what`` failed, why, and a retry button when trying again may help. */
export function FailureBox(props: { what: string; failure: Failure; onRetry?: (() => void) | undefined }) {
  const { what, failure, onRetry } = props;
  return (
    <div class="failure" role="alert">
      <p class="failure-what">
        <strong>{what}</strong>
      </p>
      <p class="failure-why">{failureText(failure)}</p>
      {onRetry && retryable(failure) ? (
        <button type="button" onClick={onRetry}>
          {t("ui.retry")}
        </button>
      ) : null}
    </div>
  );
}
