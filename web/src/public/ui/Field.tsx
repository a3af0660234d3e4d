// A labelled form control (input, textarea or select) with an optional hint and the error for it,
// both tied to the control by aria-describedby; an error also sets aria-invalid. Every page of the
// public app builds its forms from these, so a screen reader reads the same things everywhere.
import type { ComponentChildren } from "preact";

/** What a control needs to be tied to its label, hint and error. */
export type Described = {
  id: string;
  name: string;
  "aria-invalid"?: true;
  "aria-describedby"?: string;
  "aria-required"?: true;
};

type FieldProps = {
  id: string;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  required?: boolean;
};

/** The label, hint and error around ``control``, which receives the attributes that tie them. */
export function Field(props: FieldProps & { control: (described: Described) => ComponentChildren }) {
  const { id, label, hint, error, required, control } = props;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : "", error ? errorId : ""].filter(Boolean).join(" ");
  const described: Described = { id, name: id };
  if (error) described["aria-invalid"] = true;
  if (describedBy) described["aria-describedby"] = describedBy;
  if (required) described["aria-required"] = true;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {hint ? (
        <span class="hint" id={hintId}>
          {hint}
        </span>
      ) : null}
      {control(described)}
      {error ? (
        <span class="error" id={errorId}>
          {error}
        </span>
      ) : null}
    </div>
  );
}

/** What else an input may say about itself. */
export type InputAttributes = {
  type?: "text" | "email" | "tel" | "number" | "search" | "url";
  inputMode?: "text" | "email" | "tel" | "numeric" | "decimal" | "search" | "url";
  autoComplete?: string;
  maxLength?: number;
  min?: number;
  max?: number;
  step?: number | "any";
  dir?: "ltr" | "rtl" | "auto";
};

/** A text input (any ``type`` of text: email, tel, number...) in a Field. */
export function TextInput(
  props: FieldProps & { value: string; onInput: (value: string) => void; input?: InputAttributes },
) {
  const { value, onInput, input, ...field } = props;
  const { type = "text", ...rest } = input ?? {};
  return (
    <Field
      {...field}
      control={(described) => (
        // Every type here is a text box to assistive technology (the role preact's types key on).
        <input
          type={type as "text"}
          {...rest}
          {...described}
          value={value}
          onInput={(e) => onInput(e.currentTarget.value)}
        />
      )}
    />
  );
}

/** A textarea in a Field. */
export function TextArea(
  props: FieldProps & { value: string; onInput: (value: string) => void; rows?: number; maxLength?: number },
) {
  const { value, onInput, rows, maxLength, ...field } = props;
  return (
    <Field
      {...field}
      control={(described) => (
        <textarea
          {...described}
          rows={rows ?? 4}
          maxLength={maxLength}
          value={value}
          onInput={(e) => onInput(e.currentTarget.value)}
        />
      )}
    />
  );
}

/** A select in a Field: ``options`` as value and the words shown for it. */
export function Select(
  props: FieldProps & {
    value: string;
    onChange: (value: string) => void;
    options: readonly { value: string; label: string }[];
  },
) {
  const { value, onChange, options, ...field } = props;
  return (
    <Field
      {...field}
      control={(described) => (
        <select {...described} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    />
  );
}
