// Find people, or say you are safe: search the person records by name (a misspelling still
// finds them), register oneself as safe or someone as sought, add a note, delete one's record.
import { t } from "../i18n";
import type { PageProps } from "../pages";
import { Delete } from "../people/Delete";
import { Register } from "../people/Register";
import { Search } from "../people/Search";
import "../forms/forms.css";
import "../people/people.css";

export function People(_props: PageProps) {
  return (
    <>
      <h1 tabIndex={-1}>{t("page.people.title")}</h1>
      <p>{t("people.intro")}</p>
      <Search />
      <Register />
      <Delete />
    </>
  );
}
