import { useId } from "react";
import type { ReactNode } from "react";

interface FieldProps {
  readonly label: string;
  readonly error?: string | undefined;
  readonly hint?: string;
  /** Renders the control with the ids that tie it to its label, hint and error. */
  readonly children: (control: {
    readonly id: string;
    readonly "aria-invalid": boolean;
    readonly "aria-describedby": string | undefined;
  }) => ReactNode;
}

/** A labelled form control with its hint and its error message, announced with the control. */
export const FormField = ({ label, error, hint, children }: FieldProps) => {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint === undefined ? "" : hintId, error === undefined ? "" : errorId].filter(
    (x) => x !== "",
  );
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint === undefined ? null : (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      )}
      {children({
        id,
        "aria-invalid": error !== undefined,
        "aria-describedby": describedBy.length === 0 ? undefined : describedBy.join(" "),
      })}
      {error === undefined ? null : (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      )}
    </div>
  );
};

/** A labelled text box (one line, or several with `multiline`) whose value the form keeps. */
export const TextField = ({
  label,
  hint,
  error,
  value,
  onChange,
  multiline = false,
  type = "text",
  autoComplete,
  min,
  max,
  maxLength,
}: {
  readonly label: string;
  readonly hint?: string;
  readonly error?: string | undefined;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly multiline?: boolean;
  readonly type?: "text" | "url" | "number" | "password";
  readonly autoComplete?: string;
  readonly min?: number;
  readonly max?: number;
  readonly maxLength?: number;
}) => (
  <FormField label={label} error={error} {...(hint === undefined ? {} : { hint })}>
    {(control) =>
      multiline ? (
        <textarea {...control} value={value} onChange={(event) => onChange(event.target.value)} />
      ) : (
        <input
          {...control}
          type={type}
          value={value}
          autoComplete={autoComplete}
          min={min}
          max={max}
          maxLength={maxLength}
          onChange={(event) => onChange(event.target.value)}
        />
      )
    }
  </FormField>
);

/** A message for the whole form (the API's refusal), read out when it appears. */
export const FormAlert = ({ message }: { readonly message: string | undefined }) =>
  message === undefined ? null : (
    <p className="alert" role="alert">
      {message}
    </p>
  );

/** What came of a form's last send: `ok` shows a notice, otherwise the refusal as an alert. */
export type FormOutcome = { readonly ok: boolean; readonly text: string } | undefined;

export const FormResult = ({ result }: { readonly result: FormOutcome }) =>
  result === undefined ? null : result.ok ? (
    <p className="notice" role="status">
      {result.text}
    </p>
  ) : (
    <FormAlert message={result.text} />
  );

/** A checkbox with its label after it. */
export const Checkbox = ({
  label,
  checked,
  onChange,
}: {
  readonly label: string;
  readonly checked: boolean;
  readonly onChange: (checked: boolean) => void;
}) => (
  <label className="checkbox">
    <input type="checkbox" checked={checked} onChange={(event) => onChange(event.target.checked)} /> {label}
  </label>
);
