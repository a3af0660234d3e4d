// An alert in the person's language: the text (CAP info) in their language if the alert has one,
// else its first.
import type { Schemas } from "../api";

export type Alert = Schemas["Alert"];
export type AlertText = Schemas["AlertText"];

export function textFor(alert: Alert, language: string): { language: string; text: AlertText } | null {
  const languages = alert.languages.length ? alert.languages : Object.keys(alert.texts);
  const chosen =
    languages.find((tag) => tag === language) ??
    languages.find((tag) => tag.split("-")[0] === language) ??
    languages[0];
  const text = chosen ? alert.texts[chosen] : undefined;
  return chosen && text ? { language: chosen, text } : null;
}
