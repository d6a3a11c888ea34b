import { Either, Encoding, Schema } from "effect";

/**
 * Where a crawler is in the feed: the repository's keyset cursor (the sort values of the last
 * item it got) and the number of the page it is about to read, which only feeds the envelope's
 * indices. Handed out base64url-encoded in `next` links and opaque to clients.
 */
export interface FeedCursor {
  readonly after: string;
  readonly page: number;
}

const FeedCursorJson = Schema.parseJson(
  Schema.Struct({
    a: Schema.String.pipe(Schema.minLength(1)),
    p: Schema.Int.pipe(Schema.greaterThanOrEqualTo(2)),
  }),
);
const encodeJson = Schema.encodeSync(FeedCursorJson);
const decodeJson = Schema.decodeUnknownEither(FeedCursorJson);

export const encodeFeedCursor = (cursor: FeedCursor): string =>
  Encoding.encodeBase64Url(encodeJson({ a: cursor.after, p: cursor.page }));

/** Refuses anything `encodeFeedCursor` did not make. */
export const decodeFeedCursor = (text: string): Either.Either<FeedCursor, "InvalidCursor"> => {
  const json = Encoding.decodeBase64UrlString(text);
  if (Either.isLeft(json)) return Either.left("InvalidCursor");
  const decoded = decodeJson(json.right);
  if (Either.isLeft(decoded)) return Either.left("InvalidCursor");
  return Either.right({ after: decoded.right.a, page: decoded.right.p });
};
