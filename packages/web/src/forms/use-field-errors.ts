import { useCallback, useEffect, useRef, useState } from "react";
import type { FormErrors } from "./field-rules.js";

/**
 * A form's field messages: `check` shows what a submit found and moves focus to the first
 * invalid field (in the order the form shows them); a message goes away as soon as the person
 * edits its field (`edit` wraps a field's setter to do that).
 */
export const useFieldErrors = () => {
  const formRef = useRef<HTMLFormElement>(null);
  const [errors, setErrors] = useState<FormErrors>({});
  // Bumped by each check that found something: focus moves once the messages are on screen.
  const [focusTurn, setFocusTurn] = useState(0);
  useEffect(() => {
    if (focusTurn === 0) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [focusTurn]);

  /** Shows `found`; true when it is empty (the form may be sent). */
  const check = useCallback((found: FormErrors): boolean => {
    setErrors(found);
    const valid = Object.keys(found).length === 0;
    if (!valid) setFocusTurn((turn) => turn + 1);
    return valid;
  }, []);

  const clear = useCallback(
    (field: string) =>
      setErrors((previous) =>
        field in previous
          ? Object.fromEntries(Object.entries(previous).filter(([name]) => name !== field))
          : previous,
      ),
    [],
  );

  /** `set`, which also clears `field`'s message. */
  const edit =
    <T>(field: string, set: (value: T) => void) =>
    (value: T) => {
      set(value);
      clear(field);
    };

  return { formRef, errors, check, clear, edit };
};
