import { Schema } from "effect";

/**
 * Field rules shared by several entities. Limits follow the upstream column sizes
 * (docs/upstream.md §1) so data moves between the two systems unchanged.
 */

const isUrlWithScheme =
  (schemes: ReadonlyArray<string>) =>
  (value: string): boolean => {
    if (/\s/.test(value)) return false;
    try {
      const url = new URL(value);
      return schemes.includes(url.protocol.slice(0, -1)) && url.hostname.length > 0;
    } catch {
      return false;
    }
  };

/** Required text: not empty and not only whitespace. */
export const RequiredText = Schema.String.pipe(
  Schema.filter((value) => value.trim().length > 0, { message: () => "must not be blank" }),
);

export const VideoTitle = RequiredText.pipe(
  Schema.maxLength(250, { message: () => "must be at most 250 characters" }),
);

export const CollectionTitle = RequiredText;

/** Where a video was ingested from; http, https, ftp or ftps, at most 2000 characters. */
export const SourceUrl = Schema.String.pipe(
  Schema.maxLength(2000, { message: () => "must be at most 2000 characters" }),
  Schema.filter(isUrlWithScheme(["http", "https", "ftp", "ftps"]), {
    message: () => "must be a valid http, https, ftp or ftps URL",
  }),
);

/** Call-to-action link shown next to a video and passed to MIT Learn. */
export const CtaLink = Schema.String.pipe(
  Schema.maxLength(2000, { message: () => "must be at most 2000 characters" }),
  Schema.filter(isUrlWithScheme(["http", "https"]), { message: () => "must be a valid http or https URL" }),
);

/** ISO-639-1 code: two lowercase letters (the column is varchar(2)). */
export const LanguageCode = Schema.String.pipe(
  Schema.pattern(/^[a-z]{2}$/, { message: () => "must be a two-letter ISO-639-1 language code" }),
);

/** A Keycloak group name (the leaf of its path), compared case-sensitively. */
export const GroupName = RequiredText.pipe(
  Schema.maxLength(250, { message: () => "must be at most 250 characters" }),
);
export type GroupName = typeof GroupName.Type;

export const BucketName = RequiredText.pipe(Schema.maxLength(63));

export const ObjectKey = RequiredText;

export const EdxCourseId = Schema.String.pipe(
  Schema.maxLength(150, { message: () => "must be at most 150 characters" }),
);

export const NonNegativeSeconds = Schema.Number.pipe(Schema.finite(), Schema.nonNegative());

export const Timestamps = {
  createdAt: Schema.DateFromSelf,
  updatedAt: Schema.DateFromSelf,
};
