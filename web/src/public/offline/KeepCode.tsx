// A tracking code shown once, with ways to keep it: copy, download as a small text file, share.
import { useState } from "preact/hooks";

import { t } from "../i18n";

export function KeepCode(props: {
  id: string;
  reference: string;
  code: string;
  link: string;
  fileName: string;
  fileText: string;
}) {
  const { id, reference, code, link, fileName, fileText } = props;
  const [said, setSaid] = useState("");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(fileText);
      setSaid(t("offline.keep.copied"));
    } catch {
      setSaid(t("offline.keep.copy_failed"));
    }
  };
  const download = () => {
    const url = URL.createObjectURL(new Blob([fileText], { type: "text/plain;charset=utf-8" }));
    const anchor = document.createElement("a");
    anchor.href = url;
    anchor.download = fileName;
    anchor.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
    setSaid(t("offline.keep.downloaded"));
  };
  const share = async () => {
    try {
      await navigator.share({ title: t("app.name"), text: fileText });
    } catch {
      // Cancelled, or not allowed: the other ways remain.
    }
  };
  return (
    <div class="keep-code">
      <p>
        {t("offline.keep.reference")} <code class="code">{reference}</code>
      </p>
      <p id={`${id}-label`}>{t("offline.keep.label")}</p>
      <p>
        <code class="code" id={id} aria-labelledby={`${id}-label`}>
          {code}
        </code>
      </p>
      <p class="hint">{t("offline.keep.hint")}</p>
      <div class="actions">
        <button type="button" class="secondary" onClick={() => void copy()}>
          {t("offline.keep.copy")}
        </button>
        <button type="button" class="secondary" onClick={download}>
          {t("offline.keep.download")}
        </button>
        {"share" in navigator ? (
          <button type="button" class="secondary" onClick={() => void share()}>
            {t("offline.keep.share")}
          </button>
        ) : null}
      </div>
      <p>
        <a href={link}>{t("offline.keep.follow")}</a>
      </p>
      <p role="status" class="hint">
        {said}
      </p>
    </div>
  );
}
