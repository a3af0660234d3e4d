import { render } from "preact";

import { App } from "./App";
import { chooseLanguage, setLanguage } from "./i18n";
import "./public.css";

const root = document.getElementById("app");
// The catalog first (English is built in; another language is one small file), then the page.
void setLanguage(chooseLanguage(navigator.languages)).finally(() => {
  if (root) render(<App />, root);
});
