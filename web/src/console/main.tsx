import { render } from "preact";

import { chooseLanguage, setLanguage, t } from "../i18n";
import { App } from "./App";
import "./console.css";

setLanguage(chooseLanguage(navigator.languages));
document.title = t("app.title");
const root = document.getElementById("app");
if (root) render(<App />, root);
