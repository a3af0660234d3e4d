// Subscribe an area to alerts by e-mail or SMS: a circle around the person ("around me") or
// around the point tapped on the map, a code sent to the address to confirm it, and a way to
// stop. The subscription's number and its token (to stop it) are kept on this phone only.
import { useState } from "preact/hooks";

import { type Failure, api, call, fieldErrors } from "../api";
import { idempotencyKeys } from "../forms/problems";
import { language, t } from "../i18n";
import { FailureBox } from "../ui/Failure";
import { Select, TextInput } from "../ui/Field";
import type { Circle } from "./AlertsMap";

const KEPT = "haven.subscription";
const RADII = [2, 5, 10, 25, 50, 100];
/** A retry of the same subscription (its answer lost) replays it: one subscription, one code. */
const keys = idempotencyKeys();

type Kept = { id: string; token: string; channel: "email" | "sms"; status: "pending" | "active" };
type Step =
  | { step: "form" }
  | { step: "confirm"; kept: Kept }
  | { step: "active"; kept: Kept }
  | { step: "stopped" };

function loadKept(): Kept | null {
  try {
    const raw = localStorage.getItem(KEPT);
    return raw ? (JSON.parse(raw) as Kept) : null;
  } catch {
    return null;
  }
}

function keep(kept: Kept | null): void {
  try {
    if (kept) localStorage.setItem(KEPT, JSON.stringify(kept));
    else localStorage.removeItem(KEPT);
  } catch {
    // Not kept on this phone: the page still shows it until it is closed.
  }
}

function initial(): Step {
  const kept = loadKept();
  if (!kept) return { step: "form" };
  return kept.status === "active" ? { step: "active", kept } : { step: "confirm", kept };
}

export function Subscribe(props: {
  circle: Circle | null;
  onCircle: (circle: Circle | null) => void;
  onRadius: (km: number) => void;
  onOpenMap: () => void;
}) {
  const { circle, onCircle, onRadius, onOpenMap } = props;
  const [step, setStep] = useState<Step>(initial);
  const [channel, setChannel] = useState<"email" | "sms">("email");
  const [address, setAddress] = useState("");
  const [radius, setRadius] = useState("10");
  const [code, setCode] = useState("");
  const [locating, setLocating] = useState<"idle" | "asking" | "failed">("idle");
  const [errors, setErrors] = useState<{ area?: string; address?: string; code?: string }>({});
  const [failure, setFailure] = useState<{ what: string; failure: Failure; retry: () => void } | null>(null);
  const [busy, setBusy] = useState(false);

  const aroundMe = () => {
    if (!("geolocation" in navigator)) return setLocating("failed");
    setLocating("asking");
    navigator.geolocation.getCurrentPosition(
      (found) => {
        setLocating("idle");
        onCircle({
          center: [Math.round(found.coords.longitude * 1e5) / 1e5, Math.round(found.coords.latitude * 1e5) / 1e5],
          radius_km: Number(radius),
        });
      },
      () => setLocating("failed"),
      { enableHighAccuracy: false, timeout: 20_000, maximumAge: 300_000 },
    );
  };

  const subscribe = async () => {
    const found: typeof errors = {};
    if (!circle) found.area = t("alerts.subscribe.error.area");
    const trimmed = address.trim();
    if (channel === "email" && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(trimmed)) found.address = t("alerts.subscribe.error.email");
    if (channel === "sms" && !/^\+[1-9]\d{6,14}$/.test(trimmed.replace(/[\s-]/g, ""))) found.address = t("alerts.subscribe.error.phone");
    setErrors(found);
    if (found.area || found.address || !circle) return;
    setBusy(true);
    setFailure(null);
    const body = {
      area: { circles: [{ center: circle.center, radius_km: Number(radius) }] },
      channel,
      address: channel === "sms" ? trimmed.replace(/[\s-]/g, "") : trimmed,
      languages: [language()],
    };
    const outcome = await call(() => api.POST("/v1/subscriptions", { body, headers: { "Idempotency-Key": keys(body) } }));
    setBusy(false);
    if (!outcome.ok) {
      const byField = fieldErrors(outcome.failure);
      if (Object.keys(byField).length) {
        setErrors({
          ...(byField.address ? { address: `${t("alerts.subscribe.error.address")} (${byField.address})` } : {}),
          ...(Object.keys(byField).some((f) => f.startsWith("area")) ? { area: t("alerts.subscribe.error.area") } : {}),
        });
      }
      setFailure({ what: t("alerts.subscribe.failed"), failure: outcome.failure, retry: () => void subscribe() });
      return;
    }
    const kept: Kept = { id: outcome.data.subscription_id, token: outcome.data.token, channel, status: "pending" };
    keep(kept);
    setStep({ step: "confirm", kept });
  };

  const confirm = async (kept: Kept) => {
    if (!/^\d{6}$/.test(code.trim())) return setErrors({ code: t("alerts.confirm.error.code") });
    setErrors({});
    setBusy(true);
    setFailure(null);
    const outcome = await call(() =>
      api.POST("/v1/subscriptions/{subscription_id}/confirm", {
        params: { path: { subscription_id: kept.id } },
        body: { code: code.trim() },
      }),
    );
    setBusy(false);
    if (!outcome.ok) {
      if (outcome.failure.kind === "problem" && outcome.failure.status < 500 && outcome.failure.status !== 429) {
        setErrors({ code: t("alerts.confirm.error.wrong") });
        return;
      }
      setFailure({ what: t("alerts.confirm.failed"), failure: outcome.failure, retry: () => void confirm(kept) });
      return;
    }
    const active: Kept = { ...kept, status: "active" };
    keep(active);
    setCode("");
    setStep({ step: "active", kept: active });
  };

  const stop = async (kept: Kept) => {
    setBusy(true);
    setFailure(null);
    const outcome = await call(async () => {
      const result = await api.DELETE("/v1/subscriptions/{subscription_id}", {
        params: { path: { subscription_id: kept.id }, query: { token: kept.token } },
      });
      // 204: no body to read; the status says it is done.
      return result.response.ok ? { data: true, response: result.response } : result;
    });
    setBusy(false);
    // Already gone (404) is stopped too.
    if (outcome.ok || (outcome.failure.kind === "problem" && outcome.failure.status === 404)) {
      keep(null);
      onCircle(null);
      setStep({ step: "stopped" });
      return;
    }
    setFailure({ what: t("alerts.stop.failed"), failure: outcome.failure, retry: () => void stop(kept) });
  };

  return (
    <section aria-labelledby="subscribe-title">
      <h2 id="subscribe-title">{t("alerts.subscribe.title")}</h2>
      {step.step === "form" || step.step === "stopped" ? (
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void subscribe();
          }}
        >
          {step.step === "stopped" ? <p role="status">{t("alerts.stop.done")}</p> : null}
          <p>{t("alerts.subscribe.intro")}</p>
          <fieldset class="field-group">
            <legend>{t("alerts.subscribe.area")}</legend>
            <div class="actions">
              <button type="button" onClick={aroundMe} disabled={locating === "asking"}>
                {t("alerts.subscribe.around_me")}
              </button>
              <button type="button" class="secondary" onClick={onOpenMap}>
                {t("alerts.subscribe.on_map")}
              </button>
            </div>
            <Select
              id="radius"
              label={t("alerts.subscribe.radius")}
              value={radius}
              onChange={(value) => {
                setRadius(value);
                onRadius(Number(value));
                if (circle) onCircle({ ...circle, radius_km: Number(value) });
              }}
              options={RADII.map((km) => ({ value: String(km), label: t("alerts.subscribe.km", { km }) }))}
            />
            <p role="status" aria-live="polite">
              {locating === "asking" ? t("alerts.subscribe.locating") : null}
              {locating === "failed" ? t("alerts.subscribe.locate_failed") : null}
              {circle && locating !== "asking"
                ? t("alerts.subscribe.chosen", { km: circle.radius_km, lat: circle.center[1], lon: circle.center[0] })
                : null}
            </p>
            {errors.area ? <p class="error">{errors.area}</p> : null}
          </fieldset>
          <Select
            id="channel"
            label={t("alerts.subscribe.channel")}
            value={channel}
            onChange={(value) => setChannel(value === "sms" ? "sms" : "email")}
            options={[
              { value: "email", label: t("alerts.subscribe.email") },
              { value: "sms", label: t("alerts.subscribe.sms") },
            ]}
          />
          <TextInput
            id="address"
            label={t(channel === "email" ? "alerts.subscribe.email_address" : "alerts.subscribe.phone")}
            hint={t(channel === "email" ? "alerts.subscribe.email_hint" : "alerts.subscribe.phone_hint")}
            value={address}
            onInput={setAddress}
            error={errors.address}
            required
            input={{
              type: channel === "email" ? "email" : "tel",
              autoComplete: channel === "email" ? "email" : "tel",
              maxLength: 320,
              dir: "ltr",
            }}
          />
          <button type="submit" disabled={busy}>
            {t("alerts.subscribe.submit")}
          </button>
        </form>
      ) : step.step === "confirm" ? (
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void confirm(step.kept);
          }}
        >
          <p role="status">{t(step.kept.channel === "email" ? "alerts.confirm.sent_email" : "alerts.confirm.sent_sms")}</p>
          <TextInput
            id="code"
            label={t("alerts.confirm.code")}
            hint={t("alerts.confirm.hint")}
            value={code}
            onInput={setCode}
            error={errors.code}
            required
            input={{ inputMode: "numeric", autoComplete: "one-time-code", maxLength: 6, dir: "ltr" }}
          />
          <div class="actions">
            <button type="submit" disabled={busy}>
              {t("alerts.confirm.submit")}
            </button>
            <button type="button" class="secondary" disabled={busy} onClick={() => void stop(step.kept)}>
              {t("alerts.stop.cancel")}
            </button>
          </div>
        </form>
      ) : (
        <div>
          <p role="status">
            <strong>{t("alerts.confirm.done")}</strong>
          </p>
          <button type="button" class="secondary" disabled={busy} onClick={() => void stop(step.kept)}>
            {t("alerts.stop.submit")}
          </button>
        </div>
      )}
      {failure ? <FailureBox what={failure.what} failure={failure.failure} onRetry={failure.retry} /> : null}
    </section>
  );
}
