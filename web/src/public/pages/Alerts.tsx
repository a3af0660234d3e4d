import { t } from "../i18n";
import type { PageProps } from "../pages";

// Placeholder until this page is built: its title only.
export function Alerts(_props: PageProps) {
  return <h1 tabIndex={-1}>{t("page.alerts.title")}</h1>;
}
