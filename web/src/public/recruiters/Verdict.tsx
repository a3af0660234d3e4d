// The answer to "may this recruiter work?", for someone with little reading practice: an icon, a
// colour AND a few plain words (never the colour alone), then what to do next.
import type { Schemas } from "../api";
import { formatDate } from "../forms/problems";
import { t } from "../i18n";
import { href } from "../router";

export type Verification = Schemas["LicenceVerification"];
export type Standing = "yes" | "suspended" | "no";

/** What the person should take from the answer: yes, suspended (not now), or no. */
export function standing(status: string, accredited: boolean): Standing {
  if (accredited) return "yes";
  return status === "suspended" ? "suspended" : "no";
}

/** An icon drawn for each answer (a tick, an exclamation mark, a cross); the words say the same. */
export function StandingIcon({ answer }: { answer: Standing }) {
  return (
    <svg class="standing-icon" viewBox="0 0 24 24" width="40" height="40" aria-hidden="true" focusable="false">
      <circle cx="12" cy="12" r="11" fill="currentColor" />
      {answer === "yes" ? (
        <path d="M6.5 12.5l3.5 3.5 7.5-8" fill="none" stroke="#fff" stroke-width="2.6" stroke-linecap="round" />
      ) : answer === "suspended" ? (
        <path d="M12 6v8M12 17.5v.5" fill="none" stroke="#fff" stroke-width="2.8" stroke-linecap="round" />
      ) : (
        <path d="M7.5 7.5l9 9M16.5 7.5l-9 9" fill="none" stroke="#fff" stroke-width="2.6" stroke-linecap="round" />
      )}
    </svg>
  );
}

/** A short badge: icon and word, as the roster search shows each recruiter. */
export function StandingBadge({ status, accredited }: { status: string; accredited: boolean }) {
  const answer = standing(status, accredited);
  return (
    <span class={`standing-badge standing-${answer}`}>
      <StandingIcon answer={answer} />
      {t(`recruiters.badge.${answer}` as const)}
    </span>
  );
}

export function Verdict({ result }: { result: Verification }) {
  const answer = standing(result.status, result.accredited);
  const name = result.legal_name ?? "";
  const complain = href("complain", result.recruiter_id ? { recruiter_id: result.recruiter_id, name } : {});
  return (
    <section class={`verdict standing-${answer}`} aria-labelledby="verdict-title">
      <div class="verdict-head">
        <StandingIcon answer={answer} />
        <h2 id="verdict-title">{t(`recruiters.verdict.${answer}.title` as const)}</h2>
      </div>
      <p>
        {answer === "no" && result.status === "expired"
          ? t("recruiters.verdict.expired.body", { name })
          : answer === "no"
            ? t("recruiters.verdict.unknown.body", { licence: result.licence })
            : t(`recruiters.verdict.${answer}.body` as const, { name })}
      </p>
      {result.valid_until && answer === "yes" ? (
        <p>{t("recruiters.verdict.valid_until", { date: formatDate(result.valid_until) })}</p>
      ) : null}
      <h3>{t("recruiters.next.title")}</h3>
      <ul class="next-steps">
        <li>{t(`recruiters.next.${answer}` as const)}</li>
        <li>
          <a href={complain}>{t("recruiters.next.complain")}</a>
        </li>
        <li>
          <a href={href("guidance")}>{t("recruiters.next.guidance")}</a>
        </li>
      </ul>
    </section>
  );
}
