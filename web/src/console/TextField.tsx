/** A labelled text input (or textarea) with the API's message for it, tied by aria-describedby. */
export function TextField(props: {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  error?: string | undefined;
  multiline?: boolean;
}) {
  const { id, label, value, onInput, error, multiline } = props;
  const common = {
    id,
    name: id,
    value,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": error ? `${id}-error` : undefined,
  };
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {multiline ? (
        <textarea {...common} rows={4} onInput={(e) => onInput(e.currentTarget.value)} />
      ) : (
        <input {...common} type="text" onInput={(e) => onInput(e.currentTarget.value)} />
      )}
      {error ? (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}
