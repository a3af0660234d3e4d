// A report's tracking code, shown once, with its number, the ways to keep it and the link to follow it.
import { t } from "../i18n";
import { KeepSecret } from "../ui/KeepSecret";

export function KeepCode(props: {
  id: string;
  reference: string;
  code: string;
  link: string;
  fileName: string;
  fileText: string;
}) {
  const { id, reference, code, link, fileName, fileText } = props;
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
      <KeepSecret
        text={fileText}
        fileName={fileName}
        copy={t("offline.keep.copy")}
        copied={t("offline.keep.copied")}
        copyFailed={t("offline.keep.copy_failed")}
      />
      <p>
        <a href={link}>{t("offline.keep.follow")}</a>
      </p>
    </div>
  );
}
