import { Data, Effect, Schema } from "effect";
import type { DomainPorts } from "../domain-ports.js";
import type { InvalidInput } from "../errors.js";
import { validateInput } from "../validate-input.js";

/** The `storage.delete` payload as the worker receives it. */
const StorageDeletePayload = Schema.Struct({
  bucket: Schema.String.pipe(Schema.minLength(1, { message: () => "must not be empty" })),
  // An empty key with `prefix` would empty the whole bucket; no job of ours asks for that.
  key: Schema.String.pipe(Schema.minLength(1, { message: () => "must not be empty" })),
  prefix: Schema.Boolean,
});

/**
 * The objects could not be deleted. `retryable` failures (throttling, 5xx, timeouts) are for
 * the queue to retry with backoff; the others will not heal by themselves (a bucket that does
 * not exist, access denied) and need an operator.
 */
export class StoredObjectsNotDeleted extends Data.TaggedError("StoredObjectsNotDeleted")<{
  readonly bucket: string;
  readonly key: string;
  readonly prefix: boolean;
  readonly retryable: boolean;
  readonly reason: string;
}> {
  override get message(): string {
    const what = this.prefix
      ? `objects under ${this.bucket}/${this.key}`
      : `object ${this.bucket}/${this.key}`;
    return `could not delete ${what}: ${this.reason}`;
  }
}

export interface StoredObjectsDeleted {
  /** How many objects went; 1 for a single key, whether or not it was still there. */
  readonly deleted: number;
}

/**
 * The `storage.delete` job: deletes one object or every object under a prefix. Objects that are
 * already gone are fine, so running the job twice, or after a crash half-way through a prefix,
 * ends the same way.
 */
export class DeleteStoredObjects {
  constructor(private readonly ports: Pick<DomainPorts, "objectStore">) {}

  run(payload: unknown): Effect.Effect<StoredObjectsDeleted, InvalidInput | StoredObjectsNotDeleted> {
    const { objectStore } = this.ports;
    return Effect.gen(function* () {
      const { bucket, key, prefix } = yield* validateInput(StorageDeletePayload, payload);
      yield* Effect.annotateCurrentSpan({ bucket, key });
      const deleted = prefix
        ? objectStore.deletePrefix(bucket, key)
        : Effect.as(objectStore.delete({ bucket, key }), 1);
      return {
        deleted: yield* Effect.mapError(
          deleted,
          (failure) =>
            new StoredObjectsNotDeleted({
              bucket,
              key,
              prefix,
              retryable: failure.transient,
              reason: failure.reason,
            }),
        ),
      };
    }).pipe(Effect.withSpan("DeleteStoredObjects.run"));
  }
}
