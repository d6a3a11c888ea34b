import { Chunk, Duration, Effect, Option, Schema, Stream } from "effect";
import type { HexKey, VideoKey } from "../../model/keys.js";
import { hexKey, VideoKeySchema } from "../../model/keys.js";
import type { KeySpace } from "../../model/storage-keys.js";
import { keyInSpace, subtitlePrefix, thumbnailPrefix, transcodePrefix } from "../../model/storage-keys.js";
import { Encoding } from "../../model/video-file.js";
import type { QueueFailure } from "../../ports/job-queue.js";
import type { LeaseFailure, LeaseHandle, LeaseLost } from "../../ports/lease.js";
import type { ObjectInfo, ObjectLocation, ObjectStore, StorageFailure } from "../../ports/object-store.js";
import { objectsUnder } from "../../ports/object-store.js";
import type { PersistenceFailure, RecordNotFound, UniqueViolation } from "../../ports/persistence-errors.js";
import { enqueueCdnInvalidation } from "../cdn/cdn-invalidation-jobs.js";
import type { DomainPorts } from "../domain-ports.js";
import type { InvalidInput } from "../errors.js";
import type { DomainSettings } from "../settings.js";
import { validateInput } from "../validate-input.js";
import { storedMediaKeySpace } from "./stored-media-key-space.js";

/** How long one move may run between lease renewals (a renewal follows every listed page). */
export const VISIBILITY_MOVE_LEASE_TTL: Duration.DurationInput = "10 minutes";
/** When a move finds another move of the same video running, it tries again this much later. */
export const VISIBILITY_MOVE_RETRY_DELAY: Duration.DurationInput = "1 minute";

/** The `video.visibility` payload as the worker receives it. */
const VisibilityMovePayload = Schema.Struct({ videoKey: VideoKeySchema });

export const visibilityMoveLeaseName = (videoKey: VideoKey): string => `video-visibility:${videoKey}`;

export type VisibilityMoveResult =
  /** The video was deleted; its cleanup jobs take care of its objects in both spaces. */
  | { readonly _tag: "VideoGone" }
  /** Another move of this video is running; this one was queued again for later. */
  | { readonly _tag: "Deferred" }
  /** The video changed space while the objects were copied; the job that change queued finishes the work. */
  | { readonly _tag: "Superseded" }
  | {
      readonly _tag: "Moved";
      readonly space: KeySpace;
      readonly copied: number;
      readonly repointed: number;
      readonly deleted: number;
      /** The old paths the CDN is to forget, queued as `cdn.invalidate` jobs. */
      readonly invalidationPaths: ReadonlyArray<string>;
    };

export type MoveVideoObjectsError =
  | StorageFailure
  | PersistenceFailure
  | UniqueViolation
  | RecordNotFound
  | QueueFailure
  | LeaseLost
  | LeaseFailure;

interface StoredRow {
  readonly id: number;
  readonly s3ObjectKey: string;
  readonly bucketName: string;
}

/** One kind of served object: where it lives, and the rows that point at it. */
interface ServedKind {
  readonly bucket: string;
  readonly prefix: (hex: HexKey, space: KeySpace) => string;
  readonly rows: Effect.Effect<ReadonlyArray<StoredRow>, PersistenceFailure>;
  readonly repoint: (
    row: StoredRow,
    s3ObjectKey: string,
    at: Date,
  ) => Effect.Effect<unknown, UniqueViolation | RecordNotFound | PersistenceFailure>;
  readonly remove: (row: StoredRow) => Effect.Effect<void, RecordNotFound | PersistenceFailure>;
}

/** A folder of one bucket whose objects belong in the other key space. */
interface Area {
  readonly bucket: string;
  readonly prefix: string;
}

const isUnder = (key: string, prefix: string): boolean => key.startsWith(`${prefix}/`);

/** Both known: the target was written at or after the source. Unknown times copy, to be safe. */
const isNotOlder = (target: Date | null, source: Date | null): boolean =>
  target !== null && source !== null && target.getTime() >= source.getTime();

/** When each object under a folder was last written. */
const lastModifiedUnder = (
  objectStore: ObjectStore,
  bucket: string,
  prefix: string,
): Effect.Effect<ReadonlyMap<string, Date | null>, StorageFailure> =>
  Effect.map(
    Stream.runCollect(objectsUnder(objectStore, bucket, `${prefix}/`)),
    (objects) => new Map(Chunk.map(objects, (object) => [object.key, object.lastModified] as const)),
  );

const otherSpace = (space: KeySpace): KeySpace => (space === "public" ? "restricted" : "public");

/**
 * The `video.visibility` job (docs/architecture.md §6.6): puts a video's served objects
 * (transcode outputs, thumbnails, subtitles) in the key space `mediaKeySpaceOf` calls for now,
 * which depends on the video's flags and on whether its collection is linked to an edX course.
 * It copies every object from the other space, points the rows at the copies, deletes the
 * originals only after the rows point away from them, then queues the `cdn.invalidate` job that
 * has the CDN forget the old paths.
 *
 * The invalidation is queued after the deletes, not with the rows: an invalidation that ran
 * while the originals were still there would let the CDN fetch and cache them again, and the
 * old URLs would keep working. It is not lost for that: until it is queued this job has not
 * succeeded, and its retry finds the rows moved, deletes what is left and queues it again (the
 * old paths are the folders of the other space, whatever is left in them).
 *
 * Idempotent and convergent: it reads the video and its collection when it runs, not when it
 * was queued, so a video flipped back and forth ends in the right space whatever order its jobs
 * run in; a run after a crash copies again (copies overwrite) and finishes; a lease keeps two
 * moves of one video from running at once, and a change of space during the copy leaves the
 * rows to the job that change queued. An object already in the right space that is as new as
 * its source (an earlier run's copy, or an upload made after the change) is not overwritten.
 * Only the listed keys are deleted, so an output that lands in the old space while this
 * runs is left for the next move, never lost. The original upload is never served and stays put.
 */
export class MoveVideoObjects {
  constructor(
    private readonly ports: Pick<
      DomainPorts,
      | "videos"
      | "collections"
      | "videoFiles"
      | "videoThumbnails"
      | "videoSubtitles"
      | "objectStore"
      | "unitOfWork"
      | "jobs"
      | "lease"
      | "clock"
      | "ids"
    >,
    private readonly settings: Pick<DomainSettings, "buckets">,
  ) {}

  /** The `video.visibility` job: decodes the payload, then moves. */
  runJob(payload: unknown): Effect.Effect<VisibilityMoveResult, InvalidInput | MoveVideoObjectsError> {
    return Effect.flatMap(validateInput(VisibilityMovePayload, payload), ({ videoKey }) =>
      this.run(videoKey),
    );
  }

  run(videoKey: VideoKey): Effect.Effect<VisibilityMoveResult, MoveVideoObjectsError> {
    const { videos, jobs, lease, clock, ids } = this.ports;
    return Effect.gen(this, function* () {
      if (Option.isNone(yield* videos.findByKey(videoKey))) return { _tag: "VideoGone" } as const;
      const acquired = yield* lease
        .acquire(visibilityMoveLeaseName(videoKey), ids.opaqueId(), VISIBILITY_MOVE_LEASE_TTL)
        .pipe(Effect.catchTag("LeaseHeld", () => Effect.succeed(null)));
      if (acquired === null) {
        const startAfter = new Date(clock.now().getTime() + Duration.toMillis(VISIBILITY_MOVE_RETRY_DELAY));
        yield* jobs.enqueue("video.visibility", { videoKey }, { startAfter });
        return { _tag: "Deferred" } as const;
      }
      let handle: LeaseHandle = acquired;
      // Suspended, so each renewal renews the handle the previous one returned.
      const renew = Effect.suspend(() =>
        Effect.map(lease.renew(handle, VISIBILITY_MOVE_LEASE_TTL), (renewed) => {
          handle = renewed;
        }),
      );
      return yield* this.move(
        videoKey,
        Effect.suspend(() => renew),
      ).pipe(Effect.ensuring(Effect.suspend(() => Effect.ignore(lease.release(handle)))));
    }).pipe(Effect.withSpan("MoveVideoObjects.run", { attributes: { videoKey } }));
  }

  private kinds(videoKey: VideoKey): ReadonlyArray<ServedKind> {
    const { videoFiles, videoThumbnails, videoSubtitles } = this.ports;
    const { buckets } = this.settings;
    const location = (row: StoredRow, s3ObjectKey: string) => ({ s3ObjectKey, bucketName: row.bucketName });
    return [
      {
        bucket: buckets.transcode,
        prefix: transcodePrefix,
        // The original upload lives in the upload bucket and is never served.
        rows: Effect.map(videoFiles.listForVideo(videoKey), (files) =>
          files.filter((file) => file.encoding !== Encoding.original),
        ),
        repoint: (row, key, at) => videoFiles.repoint(row.id, location(row, key), at),
        remove: (row) => videoFiles.delete(row.id),
      },
      {
        bucket: buckets.thumbnail,
        prefix: thumbnailPrefix,
        rows: videoThumbnails.listForVideo(videoKey),
        repoint: (row, key, at) => videoThumbnails.repoint(row.id, location(row, key), at),
        remove: (row) => videoThumbnails.delete(row.id),
      },
      {
        bucket: buckets.subtitle,
        prefix: subtitlePrefix,
        rows: videoSubtitles.listForVideo(videoKey),
        repoint: (row, key, at) => videoSubtitles.repoint(row.id, location(row, key), at),
        remove: (row) => videoSubtitles.delete(row.id),
      },
    ];
  }

  private move(
    videoKey: VideoKey,
    renewLease: Effect.Effect<void, LeaseLost | LeaseFailure>,
  ): Effect.Effect<VisibilityMoveResult, MoveVideoObjectsError> {
    const ports = this.ports;
    const { objectStore, unitOfWork, jobs, clock } = ports;
    const kinds = this.kinds(videoKey);
    return Effect.gen(function* () {
      const found = yield* storedMediaKeySpace(ports, videoKey);
      if (Option.isNone(found)) return { _tag: "VideoGone" } as const;
      const space = found.value;
      const source = otherSpace(space);
      const hex = hexKey(videoKey);

      // The usual folders, plus the same folders in any other bucket a row of the video names.
      const areas: Array<Area> = [];
      for (const kind of kinds) {
        const prefix = kind.prefix(hex, source);
        const rowBuckets = (yield* kind.rows)
          .filter((row) => isUnder(row.s3ObjectKey, prefix))
          .map((row) => row.bucketName);
        for (const bucket of new Set([kind.bucket, ...rowBuckets])) areas.push({ bucket, prefix });
      }

      // Sources whose object now also lives in the right space; deleted once the rows point there.
      const moved: Array<ObjectLocation> = [];
      let copied = 0;
      for (const area of areas) {
        const existing = yield* lastModifiedUnder(objectStore, area.bucket, keyInSpace(area.prefix, space));
        const copy = (object: ObjectInfo) =>
          Effect.gen(function* () {
            const from = { bucket: area.bucket, key: object.key };
            const target = keyInSpace(object.key, space);
            // A copy made by an earlier run, or an object written there since (a newer upload),
            // is kept: copying the older source over it would bring back what it replaced.
            const targetModified = existing.get(target);
            if (targetModified !== undefined && isNotOlder(targetModified, object.lastModified)) {
              moved.push(from);
              return;
            }
            const done = yield* objectStore.copy(from, { bucket: area.bucket, key: target }).pipe(
              Effect.as(true),
              // Gone since the listing: a previous run moved it, or a cleanup deleted it.
              Effect.catchTag("ObjectNotFound", () => Effect.succeed(false)),
            );
            if (done) {
              copied += 1;
              moved.push(from);
            }
          });
        // A listed page at a time, renewing the lease after each one.
        yield* Stream.runForEachChunk(objectsUnder(objectStore, area.bucket, `${area.prefix}/`), (page) =>
          Effect.zipRight(Effect.forEach(page, copy, { discard: true }), renewLease),
        );
      }

      const repointed = yield* unitOfWork.transaction(
        Effect.gen(function* () {
          const current = yield* storedMediaKeySpace(ports, videoKey);
          if (Option.isNone(current)) return "VideoGone" as const;
          if (current.value !== space) return "Superseded" as const;
          const at = clock.now();
          let count = 0;
          for (const kind of kinds) {
            const rows = yield* kind.rows;
            const prefix = kind.prefix(hex, source);
            for (const row of rows.filter((candidate) => isUnder(candidate.s3ObjectKey, prefix))) {
              const target = keyInSpace(row.s3ObjectKey, space);
              // A row already points at the copy (written there by a newer upload): this one is stale.
              const taken = rows.some((other) => other.id !== row.id && other.s3ObjectKey === target);
              yield* taken ? kind.remove(row) : kind.repoint(row, target, at);
              count += 1;
            }
          }
          return count;
        }),
      );
      if (repointed === "VideoGone" || repointed === "Superseded") return { _tag: repointed } as const;

      // Still ours? Otherwise another move may already be using these keys as its copies.
      yield* renewLease;
      yield* Effect.forEach(moved, (location) => objectStore.delete(location), { discard: true });
      const invalidationPaths = [...new Set(areas.map((area) => `${area.prefix}/*`))];
      yield* enqueueCdnInvalidation(jobs, invalidationPaths, "visibility-move");
      return {
        _tag: "Moved",
        space,
        copied,
        repointed,
        deleted: moved.length,
        invalidationPaths,
      } as const;
    });
  }
}
