// The ways to keep a secret the app shows only once (a tracking or deletion code): copy it, save it
// as a small text file, or share it where the phone can. The page says what the secret is for and
// names the copy in its own words; this component keeps it, and says in a status line what happened.
import { useState } from "preact/hooks";

import { t } from "../i18n";

type KeepSecretProps = {
  /** What is copied, saved and shared: the secret with what it is for, in the reader's language. */
  text: string;
  fileName: string;
  /** The copy button, and what the status line says after copying worked or failed. */
  copy: string;
  copied: string;
  copyFailed: string;
};

export function KeepSecret({ text, fileName, copy, copied, copyFailed }: KeepSecretProps) {
  const [said, setSaid] = useState("");
  const copyText = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setSaid(copied);
    } catch {
      setSaid(copyFailed);
    }
  };
  const save = () => {
    const url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
    const anchor = document.createElement("a");
    anchor.href = url;
    anchor.download = fileName;
    anchor.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
    setSaid(t("ui.keep.saved"));
  };
  const share = async () => {
    try {
      await navigator.share({ title: t("app.name"), text });
    } catch {
      // Cancelled, or not allowed: the other ways remain.
    }
  };
  return (
    <>
      <div class="actions">
        <button type="button" class="secondary" onClick={() => void copyText()}>
          {copy}
        </button>
        <button type="button" class="secondary" onClick={save}>
          {t("ui.keep.save")}
        </button>
        {"share" in navigator ? (
          <button type="button" class="secondary" onClick={() => void share()}>
            {t("ui.keep.share")}
          </button>
        ) : null}
      </div>
      <p role="status" class="hint">
        {said}
      </p>
    </>
  );
}
