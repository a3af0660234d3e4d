// Alerts: the active official alerts in the person's language (each with its instruction first),
// on a map when opened and as a list, and a subscription of an area by e-mail or SMS.
import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";

import type { Alert } from "../alerts/text";
import { textFor } from "../alerts/text";
import { Subscribe } from "../alerts/Subscribe";
import type { Circle } from "../alerts/AlertsMap";
import { type Failure, api, call } from "../api";
import { formatTime, language, type MessageKey, t } from "../i18n";
import type { PageProps } from "../pages";
import { FailureBox } from "../ui/Failure";

type MapProps = { alerts: Alert[]; circle: Circle | null; onPick: (center: [number, number]) => void };
type State = { state: "loading" } | { state: "ready"; alerts: Alert[] } | { state: "failed"; failure: Failure };

const SEVERITY: Record<string, MessageKey> = {
  Extreme: "alerts.severity.Extreme",
  Severe: "alerts.severity.Severe",
  Moderate: "alerts.severity.Moderate",
  Minor: "alerts.severity.Minor",
};

export function Alerts(_props: PageProps) {
  const [state, setState] = useState<State>({ state: "loading" });
  const [attempt, setAttempt] = useState(0);
  const [MapView, setMapView] = useState<ComponentType<MapProps> | null>(null);
  const [mapOpen, setMapOpen] = useState(false);
  const [circle, setCircle] = useState<Circle | null>(null);
  const [radiusKm, setRadiusKm] = useState(10);

  useEffect(() => {
    let live = true;
    setState({ state: "loading" });
    void call(() => api.GET("/v1/alerts")).then((outcome) => {
      if (!live) return;
      setState(
        outcome.ok
          ? { state: "ready", alerts: outcome.data.items.filter((alert) => alert.state === "active") }
          : { state: "failed", failure: outcome.failure },
      );
    });
    return () => {
      live = false;
    };
  }, [attempt]);

  const openMap = async () => {
    setMapOpen(true);
    if (!MapView) {
      const loaded = (await import("../alerts/AlertsMap")).AlertsMap;
      setMapView(() => loaded);
    }
  };

  const alerts = state.state === "ready" ? state.alerts : [];
  const chooseCircle = (next: Circle | null) => {
    if (next) setRadiusKm(next.radius_km);
    setCircle(next);
  };
  return (
    <>
      <h1 tabIndex={-1}>{t("page.alerts.title")}</h1>
      <section aria-labelledby="active-title">
        <h2 id="active-title">{t("alerts.active.title")}</h2>
        <div role="status" aria-live="polite">
          {state.state === "loading" ? <p>{t("state.loading")}</p> : null}
          {state.state === "ready" && !alerts.length ? <p>{t("alerts.active.none")}</p> : null}
        </div>
        {state.state === "failed" ? (
          <FailureBox what={t("alerts.active.failed")} failure={state.failure} onRetry={() => setAttempt(attempt + 1)} />
        ) : null}
        <button type="button" class="secondary" aria-expanded={mapOpen} onClick={() => (mapOpen ? setMapOpen(false) : void openMap())}>
          {t(mapOpen ? "alerts.map.close" : "alerts.map.open")}
        </button>
        {mapOpen ? (
          MapView ? (
            <MapView alerts={alerts} circle={circle} onPick={(center) => setCircle({ center, radius_km: radiusKm })} />
          ) : (
            <p role="status">{t("state.loading")}</p>
          )
        ) : null}
        {alerts.length ? (
          <ul class="alert-list">
            {alerts.map((alert) => (
              <AlertItem key={alert.alert_id} alert={alert} />
            ))}
          </ul>
        ) : null}
      </section>
      <Subscribe circle={circle} onCircle={chooseCircle} onRadius={setRadiusKm} onOpenMap={() => void openMap()} />
    </>
  );
}

function AlertItem({ alert }: { alert: Alert }) {
  const chosen = textFor(alert, language());
  const text = chosen?.text;
  const areas = alert.areas.map((area) => area.description).filter(Boolean).join(", ");
  return (
    <li class={`alert-item severity-${alert.severity.toLowerCase()}`} lang={chosen?.language}>
      <h3>{text?.headline || text?.event || alert.event}</h3>
      {text?.instruction ? (
        <p class="instruction">
          <strong>{t("alerts.item.instruction")}</strong> {text.instruction}
        </p>
      ) : null}
      {text?.description ? <p>{text.description}</p> : null}
      <dl class="alert-facts" lang={language()}>
        <dt>{t("alerts.item.severity")}</dt>
        <dd>{SEVERITY[alert.severity] ? t(SEVERITY[alert.severity] as MessageKey) : alert.severity}</dd>
        {areas ? (
          <>
            <dt>{t("alerts.item.where")}</dt>
            <dd>{areas}</dd>
          </>
        ) : null}
        <dt>{t("alerts.item.until")}</dt>
        <dd>{formatTime(alert.expires)}</dd>
      </dl>
    </li>
  );
}
