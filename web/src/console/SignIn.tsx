import { useEffect, useRef, useState } from "preact/hooks";

import { type Failure, fieldErrors } from "../api/client";
import { t } from "../i18n";
import { type SignInConfig, devToken, loadConfig } from "./devSignIn";
import { FailurePanel } from "./Failure";
import { HostedSignIn } from "./HostedSignIn";
import { hostedConfig } from "./hostedSignIn";
import { TextField } from "./TextField";
import { navigate } from "./router";
import { ROLES, type Role, signOutReason, startSession } from "./session";

export function SignIn() {
  const heading = useRef<HTMLHeadingElement>(null);
  const [config, setConfig] = useState<SignInConfig | null>(null);
  const [configFailure, setConfigFailure] = useState<Failure | null>(null);
  const [role, setRole] = useState<Role>("responder");
  const [orgId, setOrgId] = useState("");
  const [partnerId, setPartnerId] = useState("");
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const reason = signOutReason();
  const hosted = config ? hostedConfig(config) : null;

  const load = async () => {
    setConfigFailure(null);
    const outcome = await loadConfig();
    if (outcome.ok) setConfig(outcome.data);
    else setConfigFailure(outcome.failure);
  };

  useEffect(() => {
    heading.current?.focus();
    void load();
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    const outcome = await devToken({
      role,
      ...(role === "recruiter" ? { org_id: orgId } : {}),
      ...(role === "partner" ? { partner_id: partnerId } : {}),
    });
    setBusy(false);
    if (!outcome.ok) {
      setFailure(outcome.failure);
      return;
    }
    startSession(outcome.data.token);
    navigate("#/");
  };

  const errors = fieldErrors(failure);
  const general = failure && Object.keys(errors).length === 0 ? failure : null;

  return (
    <section class="sign-in" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title" tabIndex={-1} ref={heading}>
        {t("signin.title")}
      </h1>
      {reason === "expired" ? (
        <p class="notice" role="status">
          {t("signin.expired")}
        </p>
      ) : null}
      {configFailure ? <FailurePanel what={t("signin.config_failed")} failure={configFailure} onRetry={load} /> : null}
      {hosted ? <HostedSignIn config={hosted} /> : null}
      {config && config.signIn !== "development" && !hosted ? <p>{t("signin.cognito_missing")}</p> : null}
      {config?.signIn === "development" ? (
        <div class="dev-sign-in">
          <p class="dev-banner" role="note">
            <strong>{t("signin.dev_banner_title")}</strong> {t("signin.dev_banner")}
          </p>
          <form onSubmit={submit} noValidate>
            <div class="field">
              <label for="role">{t("signin.role")}</label>
              <select id="role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {t(`role.${r}`)}
                  </option>
                ))}
              </select>
            </div>
            {role === "recruiter" ? (
              <TextField id="org_id" label={t("signin.org_id")} value={orgId} onInput={setOrgId} error={errors.org_id} />
            ) : null}
            {role === "partner" ? (
              <TextField
                id="partner_id"
                label={t("signin.partner_id")}
                value={partnerId}
                onInput={setPartnerId}
                error={errors.partner_id}
              />
            ) : null}
            {errors.role ? <p class="field-error">{errors.role}</p> : null}
            {general ? <FailurePanel what={t("signin.failed")} failure={general} /> : null}
            <button type="submit" disabled={busy}>
              {t("signin.submit")}
            </button>
          </form>
        </div>
      ) : null}
    </section>
  );
}
