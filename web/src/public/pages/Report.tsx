// Report an incident: what happened in plain words, where (the phone's location, with its
// accuracy, and a map pin to correct it), how many people, photos, and — only if the person
// chooses — a way to contact them. Anonymous by default. Every report goes through the outbox
// (offline/outbox.ts): sent at once with a network, kept on the phone and sent later without one.
import type { ComponentType } from "preact";
import { useState } from "preact/hooks";

import { type MessageKey, language, t } from "../i18n";
import { OutboxStatus } from "../offline/OutboxStatus";
import { type OutboxFile, enqueue, flush, item, remove } from "../offline/outbox";
import type { PageProps } from "../pages";
import { CATEGORIES, type ChosenCategory, categoryKey } from "../report/categories";
import type { LonLat } from "../report/PinMap";
import { Field, Select, TextArea, TextInput } from "../ui/Field";

/** What the API accepts (functions/api/chalicelib/reports.py). */
const PHOTO_TYPES = ["image/jpeg", "image/png", "image/webp"];
const MAX_PHOTOS = 4;
const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
const DESCRIPTION_MAX = 5000;

type Position = LonLat & { accuracy?: number };
type Locating = "idle" | "asking" | "denied" | "unavailable";
type Errors = Partial<Record<"category" | "description" | "location" | "people" | "photos" | "contact", string>>;
type Outcome = { state: "idle" } | { state: "sending" } | { state: "kept" } | { state: "sent" } | { state: "refused"; detail: string } | { state: "unkept" };

/** The API's field (dotted, as its problem names it) → the input it belongs to. */
function inputOf(field: string): keyof Errors | null {
  const head = field.split(".")[0];
  if (head === "category" || head === "description" || head === "contact") return head;
  if (head === "location") return "location";
  if (head === "people_affected") return "people";
  if (head === "media") return "photos";
  return null;
}

const ERROR_BY_INPUT: Record<keyof Errors, MessageKey> = {
  category: "report.error.category",
  description: "report.error.description",
  location: "report.error.location",
  people: "report.error.people",
  photos: "report.error.photos",
  contact: "report.error.contact",
};

export function Report(_props: PageProps) {
  const [category, setCategory] = useState("");
  const [description, setDescription] = useState("");
  const [position, setPositionOnly] = useState<Position | null>(null);
  // The coordinates as typed (kept while half typed); found or pinned positions fill them in.
  const [typed, setTyped] = useState({ lat: "", lon: "" });
  const setPosition = (next: Position | null) => {
    setPositionOnly(next);
    if (next) setTyped({ lat: String(next.lat), lon: String(next.lon) });
  };
  const type = (lat: string, lon: string) => {
    setTyped({ lat, lon });
    setPositionOnly(coordinates(lat, lon));
  };
  const [locating, setLocating] = useState<Locating>("idle");
  const [mapOpen, setMapOpen] = useState(false);
  const [PinMap, setPinMap] = useState<ComponentType<{ at: LonLat | null; onMove: (at: LonLat) => void }> | null>(null);
  const [people, setPeople] = useState("");
  const [photos, setPhotos] = useState<File[]>([]);
  const [leaveContact, setLeaveContact] = useState(false);
  const [contact, setContact] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const [outcome, setOutcome] = useState<Outcome>({ state: "idle" });

  const locate = () => {
    if (!("geolocation" in navigator)) return setLocating("unavailable");
    setLocating("asking");
    navigator.geolocation.getCurrentPosition(
      (found) => {
        setPosition({
          lat: Math.round(found.coords.latitude * 1e6) / 1e6,
          lon: Math.round(found.coords.longitude * 1e6) / 1e6,
          accuracy: Math.round(found.coords.accuracy),
        });
        setLocating("idle");
      },
      (error) => setLocating(error.code === error.PERMISSION_DENIED ? "denied" : "unavailable"),
      { enableHighAccuracy: true, timeout: 20_000, maximumAge: 60_000 },
    );
  };

  const openMap = async () => {
    setMapOpen(true);
    if (!PinMap) {
      const loaded = (await import("../report/PinMap")).PinMap;
      setPinMap(() => loaded);
    }
  };

  const movePin = (at: LonLat) => setPosition({ ...at });

  const choosePhotos = (list: FileList | null) => {
    const chosen = [...photos, ...Array.from(list ?? [])];
    const wrong = chosen.find((file) => !PHOTO_TYPES.includes(file.type));
    const large = chosen.find((file) => file.size > MAX_PHOTO_BYTES);
    if (wrong) setErrors({ ...errors, photos: t("report.error.photo_type", { name: wrong.name }) });
    else if (large) setErrors({ ...errors, photos: t("report.error.photo_size", { name: large.name }) });
    else if (chosen.length > MAX_PHOTOS) setErrors({ ...errors, photos: t("report.error.photo_count", { max: MAX_PHOTOS }) });
    else {
      setErrors({ ...errors, photos: undefined });
      setPhotos(chosen);
    }
  };

  const check = (): Errors => {
    const found: Errors = {};
    if (!CATEGORIES.includes(category as ChosenCategory)) found.category = t("report.error.category");
    if (description.trim().length < 3) found.description = t("report.error.description");
    if (!position) found.location = t("report.error.location");
    if (people && !/^\d{1,8}$/.test(people.trim())) found.people = t("report.error.people");
    if (leaveContact && contact.trim().length < 3) found.contact = t("report.error.contact");
    return found;
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    const found = check();
    setErrors(found);
    if (Object.keys(found).length || !position) {
      focusFirstError();
      return;
    }
    setOutcome({ state: "sending" });
    const body = {
      category,
      description: description.trim(),
      location: { lat: position.lat, lon: position.lon, ...(position.accuracy !== undefined ? { accuracy_m: position.accuracy } : {}) },
      ...(people.trim() ? { people_affected: Number(people.trim()) } : {}),
      language: language(),
      anonymous: !leaveContact,
      ...(leaveContact ? { contact: contact.trim() } : {}),
      media: photos.map((photo) => ({ content_type: photo.type, size_bytes: photo.size })),
    };
    const files: OutboxFile[] = photos.map((photo) => ({ name: photo.name, type: photo.type, blob: photo }));
    let written;
    try {
      written = await enqueue("report", { path: "/v1/reports", body }, files);
    } catch {
      // The phone cannot keep it (storage off or full): nothing was sent, the form stays as typed.
      setOutcome({ state: "unkept" });
      return;
    }
    await flush();
    const after = await item(written.id);
    if (after?.state === "refused") {
      // A refusal the report itself caused: back to the form, every field as it was typed.
      await remove(written.id);
      const problem = after.problem as { errors?: { field: string; message: string }[]; detail?: string } | undefined;
      const byInput: Errors = {};
      for (const error of problem?.errors ?? []) {
        const input = inputOf(error.field);
        if (input) byInput[input] = `${t(ERROR_BY_INPUT[input])} (${error.message})`;
      }
      setErrors(byInput);
      setOutcome({ state: "refused", detail: problem?.detail ?? "" });
      focusFirstError();
      return;
    }
    setOutcome({ state: after?.answer !== undefined ? "sent" : "kept" });
    setCategory("");
    setDescription("");
    setPeople("");
    setPhotos([]);
    setContact("");
    setLeaveContact(false);
    setPositionOnly(null);
    setTyped({ lat: "", lon: "" });
    setMapOpen(false);
  };

  const sending = outcome.state === "sending";
  return (
    <>
      <h1 tabIndex={-1}>{t("page.report.title")}</h1>
      <p>{t("report.intro")}</p>
      <div role="status" aria-live="polite">
        {outcome.state === "sent" ? <p class="done">{t("report.sent")}</p> : null}
        {outcome.state === "kept" ? <p class="done">{t("report.kept")}</p> : null}
        {sending ? <p>{t("report.sending")}</p> : null}
      </div>
      {outcome.state === "refused" ? (
        <div role="alert">
          <p>{t("report.refused")}</p>
          {outcome.detail ? <p class="hint">{outcome.detail}</p> : null}
        </div>
      ) : null}
      {outcome.state === "unkept" ? <p role="alert">{t("report.not_kept")}</p> : null}
      <OutboxStatus />
      <form noValidate onSubmit={(event) => void submit(event)}>
        <Select
          id="category"
          label={t("report.category.label")}
          hint={t("report.category.hint")}
          required
          error={errors.category}
          value={category}
          onChange={setCategory}
          options={[
            { value: "", label: t("report.category.choose") },
            ...CATEGORIES.map((value) => ({ value, label: t(categoryKey(value)) })),
          ]}
        />
        <TextArea
          id="description"
          label={t("report.description.label")}
          hint={t("report.description.hint")}
          required
          error={errors.description}
          value={description}
          onInput={setDescription}
          maxLength={DESCRIPTION_MAX}
          rows={5}
        />

        <fieldset class="field-group" data-invalid={errors.location ? "" : undefined} aria-describedby={errors.location ? "location-error" : "location-hint"} tabIndex={-1}>
          <legend>{t("report.location.label")}</legend>
          <p class="hint" id="location-hint">
            {t("report.location.hint")}
          </p>
          <div class="actions">
            <button type="button" onClick={locate} disabled={locating === "asking"}>
              {t(position ? "report.location.again" : "report.location.use")}
            </button>
            <button type="button" class="secondary" aria-expanded={mapOpen} onClick={() => (mapOpen ? setMapOpen(false) : void openMap())}>
              {t(mapOpen ? "report.map.close" : "report.map.open")}
            </button>
          </div>
          <p role="status" aria-live="polite">
            {locating === "asking" ? t("report.location.asking") : null}
            {locating === "denied" ? t("report.location.denied") : null}
            {locating === "unavailable" ? t("report.location.unavailable") : null}
            {position && locating !== "asking"
              ? position.accuracy !== undefined
                ? t("report.location.found", { accuracy: position.accuracy })
                : t("report.location.pinned")
              : null}
          </p>
          {mapOpen ? PinMap ? <PinMap at={position} onMove={movePin} /> : <p role="status">{t("state.loading")}</p> : null}
          <details>
            <summary>{t("report.location.type")}</summary>
            <div class="two">
              <TextInput
                id="lat"
                label={t("report.location.lat")}
                value={typed.lat}
                onInput={(value) => type(value, typed.lon)}
                input={{ inputMode: "decimal", dir: "ltr" }}
              />
              <TextInput
                id="lon"
                label={t("report.location.lon")}
                value={typed.lon}
                onInput={(value) => type(typed.lat, value)}
                input={{ inputMode: "decimal", dir: "ltr" }}
              />
            </div>
          </details>
          {errors.location ? (
            <p class="error" id="location-error">
              {errors.location}
            </p>
          ) : null}
        </fieldset>

        <TextInput
          id="people"
          label={`${t("report.people.label")} ${t("ui.optional")}`}
          hint={t("report.people.hint")}
          error={errors.people}
          value={people}
          onInput={setPeople}
          input={{ inputMode: "numeric", maxLength: 8 }}
        />

        <Field
          id="photos"
          label={`${t("report.photos.label")} ${t("ui.optional")}`}
          hint={t("report.photos.hint", { max: MAX_PHOTOS })}
          error={errors.photos}
          control={(described) => (
            <input
              {...described}
              type="file"
              accept={PHOTO_TYPES.join(",")}
              multiple
              onChange={(event) => {
                choosePhotos(event.currentTarget.files);
                event.currentTarget.value = "";
              }}
            />
          )}
        />
        {photos.length ? (
          <ul class="photos" aria-label={t("report.photos.chosen")}>
            {photos.map((photo, n) => (
              <li key={`${photo.name}-${n}`}>
                <span>{photo.name}</span>{" "}
                <button
                  type="button"
                  class="secondary"
                  aria-label={t("report.photos.remove", { name: photo.name })}
                  onClick={() => setPhotos(photos.filter((_, m) => m !== n))}
                >
                  {t("report.photos.remove_short")}
                </button>
              </li>
            ))}
          </ul>
        ) : null}

        <fieldset class="field-group">
          <legend>{t("report.contact.legend")}</legend>
          <p class="hint">{t("report.contact.anonymous")}</p>
          <label class="check">
            <input type="checkbox" checked={leaveContact} onChange={(event) => setLeaveContact(event.currentTarget.checked)} />
            <span>{t("report.contact.choose")}</span>
          </label>
          {leaveContact ? (
            <TextInput
              id="contact"
              label={t("report.contact.label")}
              hint={t("report.contact.hint")}
              error={errors.contact}
              value={contact}
              onInput={setContact}
              input={{ autoComplete: "tel", maxLength: 200 }}
            />
          ) : null}
        </fieldset>

        <button type="submit" disabled={sending}>
          {t("report.submit")}
        </button>
      </form>
    </>
  );
}

/** Once the errors are drawn, the first field with one takes the focus. */
function focusFirstError(): void {
  requestAnimationFrame(() =>
    document.querySelector<HTMLElement>("[aria-invalid='true'], .field-group[data-invalid]")?.focus(),
  );
}

/** A position from typed coordinates, or null while they are not yet two numbers in range. */
function coordinates(lat: string, lon: string): Position | null {
  const la = Number(lat.trim().replace(",", "."));
  const lo = Number(lon.trim().replace(",", "."));
  if (!lat.trim() || !lon.trim() || !Number.isFinite(la) || !Number.isFinite(lo) || Math.abs(la) > 90 || Math.abs(lo) > 180) return null;
  return { lat: la, lon: lo };
}
