import { Either, Schema } from "effect";
import { InvalidInput } from "../errors.js";
import { validateInput } from "../validate-input.js";

/** Upstream `Video.source_url` is a 2000-character URL column. */
const MAX_LINK_LENGTH = 2000;
/** Upstream `process_dropbox_data` titles a video with the file name cut to the column size. */
const MAX_TITLE_LENGTH = 250;

const isHttpUrl = (value: string): boolean => {
  if (/\s/.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname.length > 0;
  } catch {
    return false;
  }
};

/** Where to fetch a video from. Only http(s): the sources fetch it, and nothing else may be asked of them. */
export const SourceLink = Schema.String.pipe(
  Schema.maxLength(MAX_LINK_LENGTH, { message: () => `must be at most ${MAX_LINK_LENGTH} characters` }),
  Schema.filter(isHttpUrl, { message: () => "must be a valid http or https URL" }),
);

const FileName = Schema.String.pipe(
  Schema.filter((value) => value.trim().length > 0, { message: () => "must not be blank" }),
);

/**
 * One file to ingest, as the Dropbox Chooser hands it over (`linkType="preview"`, upstream
 * `DropboxFileSerializer`, docs/upstream.md §3), or a plain URL entry
 * `{ name, link }`. Only `name` and `link` are used; the Chooser's other fields are optional
 * (upstream required all six, so a chooser that leaves one out would be refused for nothing)
 * but must be well-formed when present, and a folder is refused.
 */
export const SourceFileEntry = Schema.Struct({
  name: FileName,
  link: SourceLink,
  bytes: Schema.optionalWith(Schema.Int.pipe(Schema.nonNegative({ message: () => "must not be negative" })), {
    exact: true,
  }),
  icon: Schema.optionalWith(Schema.String, { exact: true }),
  thumbnailLink: Schema.optionalWith(Schema.String, { exact: true }),
  isDir: Schema.optionalWith(
    Schema.Boolean.pipe(
      Schema.filter((isDir) => !isDir, { message: () => "is a folder: choose video files instead" }),
    ),
    { exact: true },
  ),
});
export type SourceFileEntry = typeof SourceFileEntry.Type;

/**
 * The video title a file name makes: trimmed and cut to 250 characters, never in the middle
 * of a surrogate pair (upstream cut Python code points; the column counts characters too).
 */
export const titleFromFileName = (name: string): string => {
  const trimmed = name.trim();
  if (trimmed.length <= MAX_TITLE_LENGTH) return trimmed;
  const cut = trimmed.slice(0, MAX_TITLE_LENGTH);
  const last = cut.charCodeAt(MAX_TITLE_LENGTH - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
};

/** The `name` of the innermost entry on the path to a field, to say which file a problem is about. */
const entryNameOnPath = (input: unknown, field: string): string | undefined => {
  let current: unknown = input;
  let name: string | undefined;
  for (const segment of field.split(".").slice(0, -1)) {
    if (typeof current !== "object" || current === null) break;
    current = (current as Readonly<Record<string, unknown>>)[segment];
    const candidate =
      typeof current === "object" && current !== null
        ? (current as Readonly<Record<string, unknown>>)["name"]
        : undefined;
    if (typeof candidate === "string" && candidate.trim().length > 0) name = candidate.trim();
  }
  return name;
};

const shortened = (name: string): string => (name.length > 80 ? `${name.slice(0, 77)}...` : name);

/**
 * `validateInput`, with each problem about a file also naming that file, so an admin who
 * picked twenty files learns which one was refused.
 */
export const decodeWithFileNames = <A, I>(
  schema: Schema.Schema<A, I>,
  input: unknown,
): Either.Either<A, InvalidInput> =>
  Either.mapLeft(
    validateInput(schema, input),
    (invalid) =>
      new InvalidInput({
        problems: invalid.problems.map((problem) => {
          const name = entryNameOnPath(input, problem.field);
          return name === undefined
            ? problem
            : { field: problem.field, message: `${problem.message} (file "${shortened(name)}")` };
        }),
      }),
  );
