import type { Catalog } from "../../i18n";
import shell from "./shell.json";
import report from "./report.json";
import offline from "./offline.json";
import alerts from "./alerts.json";
import people from "./people.json";
import recruiters from "./recruiters.json";
import complaints from "./complaints.json";
import guidance from "./guidance.json";
import evidence from "./evidence.json";

export const es: Catalog = { ...shell, ...report, ...offline, ...alerts, ...people, ...recruiters, ...complaints, ...guidance, ...evidence };
