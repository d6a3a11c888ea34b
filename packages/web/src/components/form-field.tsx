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

/** A message for the whole form (the API's refusal), read out when it appears. */
export const FormAlert = ({ message }: { readonly message: string | undefined }) =>
  message === undefined ? null : (
    <p className="alert" role="alert">
      {message}
    </p>
  );
