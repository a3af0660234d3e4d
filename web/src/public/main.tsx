import { render } from "preact";

import { App } from "./App";
import { chooseLanguage, setLanguage } from "./i18n";
import { startOutbox } from "./offline/outbox";
import { registerServiceWorker } from "./offline/serviceWorker";
import "./public.css";

const root = document.getElementById("app");
// The catalog first (English is built in; another language is one small file), then the page.
void setLanguage(chooseLanguage(navigator.languages)).finally(() => {
  if (root) render(<App />, root);
});

// Offline first: the app's files from the service worker's cache, and what waits in the outbox
// sent now and whenever the network comes back.
registerServiceWorker();
startOutbox();
