import { useState } from "react";
import type { FormErrors } from "../forms/field-rules.js";
import { useFieldErrors } from "../forms/use-field-errors.js";
import { TextField } from "./form-field.js";

/** What the new-collection dialog and the settings page both ask for. */
export interface CollectionFieldValues {
  readonly title: string;
  readonly description: string;
  readonly viewLists: string;
  readonly adminLists: string;
}

/** The API field each value is checked and refused under. */
const API_FIELD: Readonly<Record<keyof CollectionFieldValues, string>> = {
  title: "title",
  description: "description",
  viewLists: "view_lists",
  adminLists: "admin_lists",
};

/**
 * Title, description, view groups and admin groups of a collection, with their messages; a
 * change reports the field's new value and the API field whose message it clears.
 */
export const CollectionFields = ({
  values,
  errors,
  onChange,
}: {
  readonly values: CollectionFieldValues;
  readonly errors: FormErrors;
  readonly onChange: (change: Partial<CollectionFieldValues>, apiField: string) => void;
}) => {
  const field = (name: keyof CollectionFieldValues) => ({
    value: values[name],
    error: errors[API_FIELD[name]],
    onChange: (value: string) => onChange({ [name]: value }, API_FIELD[name]),
  });
  return (
    <>
      <TextField label="Title" {...field("title")} />
      <TextField label="Description" multiline {...field("description")} />
      <TextField
        label="View groups"
        hint="Members of these groups may watch the videos. One per line, or separated by commas."
        multiline
        {...field("viewLists")}
      />
      <TextField
        label="Admin groups"
        hint="Members of these groups may upload and change videos and these settings."
        multiline
        {...field("adminLists")}
      />
    </>
  );
};

/**
 * A collection form's shared fields with their values and messages (`useFieldErrors`): `fields`
 * renders them; editing one clears its message.
 */
export const useCollectionFields = (initial: CollectionFieldValues) => {
  const [values, setValues] = useState(initial);
  const fieldErrors = useFieldErrors();
  const { errors, clear } = fieldErrors;
  const fields = (
    <CollectionFields
      values={values}
      errors={errors}
      onChange={(change, apiField) => {
        setValues((previous) => ({ ...previous, ...change }));
        clear(apiField);
      }}
    />
  );
  return { ...fieldErrors, values, fields };
};
