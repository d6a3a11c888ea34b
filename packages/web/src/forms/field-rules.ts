import { ApiError } from "../api/api-error.js";

/**
 * The rules the forms check before sending, mirroring what the API enforces (its messages still
 * show when it refuses). Each returns the messages of one form, keyed by the API's field names.
 */
export type FormErrors = Readonly<Record<string, string>>;

/** The first message the API gave for each of `fields` (a DRF field-error body); {} for any other refusal. */
export const apiFieldErrors = (error: unknown, fields: ReadonlyArray<string>): FormErrors => {
  if (!(error instanceof ApiError)) return {};
  return Object.fromEntries(
    fields.flatMap((field) => {
      const first = error.fieldMessages(field)[0];
      return first === undefined ? [] : [[field, first]];
    }),
  );
};

export const TITLE_MAX_LENGTH = 250;
export const TOKEN_NAME_MAX_LENGTH = 100;
export const MAX_TOKEN_DAYS = 365;

/** `"a, b\nc"` → `["a", "b", "c"]`: group names typed one per line or comma-separated. */
export const parseGroupList = (text: string): ReadonlyArray<string> => [
  ...new Set(
    text
      .split(/[,\n]/)
      .map((name) => name.trim())
      .filter((name) => name !== ""),
  ),
];

const groupListError = (names: ReadonlyArray<string>): string | undefined => {
  const withSlash = names.find((name) => name.includes("/"));
  if (withSlash !== undefined) return `“${withSlash}”: a group is named by its last part, without “/”.`;
  const tooLong = names.find((name) => name.length > 250);
  if (tooLong !== undefined) return "A group name is at most 250 characters.";
  return undefined;
};

const titleError = (title: string): string | undefined => {
  if (title.trim() === "") return "Enter a title.";
  if (title.length > TITLE_MAX_LENGTH) return `A title is at most ${TITLE_MAX_LENGTH} characters.`;
  return undefined;
};

const isHttpUrl = (text: string): boolean => {
  try {
    const url = new URL(text);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
};

const only = (entries: ReadonlyArray<readonly [string, string | undefined]>): FormErrors =>
  Object.fromEntries(entries.filter((entry): entry is [string, string] => entry[1] !== undefined));

export interface CollectionFormInput {
  readonly title: string;
  readonly viewLists: string;
  readonly adminLists: string;
  readonly edxCourseId: string;
}

export const collectionFormErrors = (input: CollectionFormInput): FormErrors =>
  only([
    ["title", titleError(input.title)],
    ["view_lists", groupListError(parseGroupList(input.viewLists))],
    ["admin_lists", groupListError(parseGroupList(input.adminLists))],
    [
      "edx_course_id",
      input.edxCourseId.trim() !== "" && /\s/.test(input.edxCourseId.trim())
        ? "An edX course id has no spaces, e.g. course-v1:MITx+6.00x+2T2026."
        : undefined,
    ],
  ]);

export interface VideoFormInput {
  readonly title: string;
  readonly ctaLink: string;
  readonly viewLists: string;
}

export const videoFormErrors = (input: VideoFormInput): FormErrors =>
  only([
    ["title", titleError(input.title)],
    [
      "cta_link",
      input.ctaLink.trim() !== "" && !isHttpUrl(input.ctaLink.trim())
        ? "Enter a full web address starting with https://."
        : undefined,
    ],
    ["view_lists", groupListError(parseGroupList(input.viewLists))],
  ]);

export interface SubtitleFormInput {
  readonly language: string;
  readonly fileName: string | null;
}

export const subtitleFormErrors = (input: SubtitleFormInput): FormErrors =>
  only([
    [
      "language",
      /^[a-z]{2}$/.test(input.language.trim())
        ? undefined
        : "Enter a two-letter language code, e.g. en or fr.",
    ],
    [
      "file",
      input.fileName === null
        ? "Choose a subtitle file."
        : /\.(vtt|srt)$/i.test(input.fileName)
          ? undefined
          : "Choose a WebVTT (.vtt) or SubRip (.srt) file.",
    ],
  ]);

export interface TokenFormInput {
  readonly name: string;
  readonly days: string;
}

export const tokenFormErrors = (input: TokenFormInput): FormErrors => {
  const days = Number(input.days);
  return only([
    [
      "name",
      input.name.trim() === ""
        ? "Name the token after what will use it."
        : input.name.trim().length > TOKEN_NAME_MAX_LENGTH
          ? `A name is at most ${TOKEN_NAME_MAX_LENGTH} characters.`
          : undefined,
    ],
    [
      "expires_in_days",
      Number.isInteger(days) && days >= 1 && days <= MAX_TOKEN_DAYS
        ? undefined
        : `Enter a whole number of days from 1 to ${MAX_TOKEN_DAYS}.`,
    ],
  ]);
};

/** The links of the upload dialog's URL box, one per line; what is not an http(s) URL is reported. */
export const parseVideoLinks = (
  text: string,
): {
  readonly links: ReadonlyArray<{ readonly name: string; readonly link: string }>;
  readonly error?: string;
} => {
  const lines = text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
  const bad = lines.find((line) => !isHttpUrl(line));
  if (bad !== undefined) return { links: [], error: `“${bad}” is not a web address (https://…).` };
  return {
    links: lines.map((link) => {
      const last = new URL(link).pathname
        .split("/")
        .filter((part) => part !== "")
        .at(-1);
      return { name: last === undefined ? link : decodeURIComponent(last), link };
    }),
  };
};
