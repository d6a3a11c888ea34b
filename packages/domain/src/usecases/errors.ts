import { Data, Effect, Option } from "effect";

/**
 * Errors the use cases report to their callers. Each has a stable tag; the edge maps tags to
 * HTTP statuses and job outcomes in one place.
 */

export interface FieldProblem {
  /** The input field, dotted for nested fields (`view_lists.0`); empty for the whole input. */
  readonly field: string;
  readonly message: string;
}

/** The input is malformed; nothing was changed. */
export class InvalidInput extends Data.TaggedError("InvalidInput")<{
  readonly problems: ReadonlyArray<FieldProblem>;
}> {
  override get message(): string {
    return this.problems.map(({ field, message }) => (field ? `${field}: ${message}` : message)).join("; ");
  }
}

export const invalidField = (field: string, message: string): InvalidInput =>
  new InvalidInput({ problems: [{ field, message }] });

export class VideoNotFound extends Data.TaggedError("VideoNotFound")<{ readonly key: string }> {
  override get message(): string {
    return `no video ${this.key}`;
  }
}

export class CollectionNotFound extends Data.TaggedError("CollectionNotFound")<{ readonly key: string }> {
  override get message(): string {
    return `no collection ${this.key}`;
  }
}

/**
 * Turns "found or not" into "found, or failed": the value a lookup found, or the error `onNone`
 * makes when it found nothing (`videos.findByKey(key).pipe(orFail(() => new VideoNotFound({ key })))`).
 */
export const orFail =
  <E2>(onNone: () => E2) =>
  <A, E, R>(found: Effect.Effect<Option.Option<A>, E, R>): Effect.Effect<A, E | E2, R> =>
    Effect.flatMap(found, Option.match({ onNone: () => Effect.fail(onNone()), onSome: Effect.succeed }));

/** The principal may not do this. `signInRequired` tells the edge to offer a sign-in instead of 403. */
export class Forbidden extends Data.TaggedError("Forbidden")<{
  readonly reason: string;
  readonly signInRequired: boolean;
}> {
  override get message(): string {
    return this.reason;
  }
}

/** The request is valid but clashes with the current state (a lost race, work in flight). */
export class Conflict extends Data.TaggedError("Conflict")<{ readonly reason: string }> {
  override get message(): string {
    return this.reason;
  }
}
