import { Data, Effect, Either, Option, Schema } from "effect";
import type { Collection } from "../../model/collection.js";
import { collectionDefaults } from "../../model/collection.js";
import { CollectionTitle, SourceUrl, VideoTitle } from "../../model/fields.js";
import type { CollectionKey, VideoKey } from "../../model/keys.js";
import { hexKey } from "../../model/keys.js";
import { originalKey } from "../../model/storage-keys.js";
import type { User } from "../../model/user.js";
import type { Video } from "../../model/video.js";
import { videoDefaults } from "../../model/video.js";
import { Encoding } from "../../model/video-file.js";
import { describeLectureCapture, isIngestibleWatchKey } from "../../policy/lecture-capture-names.js";
import { newVideoIsPublic } from "../../policy/new-video-visibility.js";
import type { ObjectInfo, ObjectLocation } from "../../ports/object-store.js";
import type { QueueFailure } from "../../ports/job-queue.js";
import type { PersistenceFailure, RecordNotFound, UniqueViolation } from "../../ports/persistence-errors.js";
import type {
  ClaimLost,
  WatchBucketClaim,
  WatchBucketSource,
} from "../../ports/watch-bucket-claim-repository.js";
import type { DomainPorts } from "../domain-ports.js";
import { orFail } from "../errors.js";
import type { DomainSettings } from "../settings.js";

/** What happened to the watch-bucket source after its video was made. */
export type SourceRemoval =
  | { readonly _tag: "Deleted" }
  | { readonly _tag: "Archived"; readonly archiveKey: string }
  /** The source stays; its claim keeps it from being ingested again, and the next poll retries the removal. */
  | { readonly _tag: "RemovalFailed"; readonly reason: string };

/** What one poll did with one key of the watch bucket. */
export type WatchFileOutcome =
  | { readonly _tag: "NotAVideo"; readonly key: string }
  | {
      readonly _tag: "Ingested";
      readonly key: string;
      readonly videoKey: VideoKey;
      readonly collectionKey: CollectionKey;
      readonly collectionCreated: boolean;
      readonly title: string;
      readonly sourceRemoval: SourceRemoval;
    }
  /** Ingested by an earlier poll; the source was still there, so its removal was tried again. */
  | {
      readonly _tag: "AlreadyIngested";
      readonly key: string;
      readonly videoKey: VideoKey | null;
      readonly sourceRemoval: SourceRemoval;
    }
  /** Another poll holds the claim right now. */
  | { readonly _tag: "ClaimedElsewhere"; readonly key: string }
  /** Nothing of the video remains; the next poll tries again (`attempts` so far). */
  | { readonly _tag: "Failed"; readonly key: string; readonly reason: string; readonly attempts: number };

export type WatchBucketFilePorts = Pick<
  DomainPorts,
  | "objectStore"
  | "watchBucketClaims"
  | "users"
  | "collections"
  | "videos"
  | "videoFiles"
  | "jobs"
  | "unitOfWork"
  | "clock"
  | "ids"
>;

export type WatchBucketSettings = Pick<
  DomainSettings,
  "buckets" | "lectureCaptureUsername" | "unsortedCollectionSlug" | "watchBucketArchivePrefix"
>;

/** S3's host in upstream's `source_url` (`AWS_S3_DOMAIN`). */
export const WATCH_BUCKET_SOURCE_HOST = "s3.amazonaws.com";

/** The video title column holds 250 characters; an unparsed key longer than that is cut, as Dropbox names are. */
const MAX_TITLE_LENGTH = 250;

/** Why one file was not ingested; it becomes the claim's failure reason. */
class FileNotIngested extends Data.TaggedError("FileNotIngested")<{ readonly reason: string }> {}

/**
 * Python's `urllib.parse.quote(key, safe="/")`, which upstream's `urlquote` is: letters, digits,
 * `_.-~` and `/` stay, everything else is percent-encoded as UTF-8.
 */
export const pythonUrlQuote = (text: string): Either.Either<string, string> =>
  Either.try({
    try: () =>
      encodeURIComponent(text)
        .replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`)
        .replace(/%2F/g, "/"),
    catch: () => `the key '${text}' is not valid Unicode`,
  });

/** Upstream's `source_url` of a lecture capture: where the file was in the watch bucket. */
export const watchBucketSourceUrl = (watchBucket: string, key: string): Either.Either<string, string> =>
  Either.map(pythonUrlQuote(key), (quoted) => `https://${WATCH_BUCKET_SOURCE_HOST}/${watchBucket}/${quoted}`);

/**
 * The claim identity of a listed object. Stores that report no ETag (a plain folder) are told
 * apart by size and modification time instead, which also changes when a file is replaced.
 */
export const watchBucketSourceOf = (object: ObjectInfo): WatchBucketSource => ({
  sourceKey: object.key,
  etag: object.etag ?? `size:${object.size};modified:${object.lastModified?.toISOString() ?? "unknown"}`,
});

/** Where the archive copy of a source goes: under the prefix, which reads as a folder. */
export const archiveKeyFor = (archivePrefix: string, key: string): string =>
  archivePrefix.endsWith("/") ? `${archivePrefix}${key}` : `${archivePrefix}/${key}`;

/** Keys under the archive prefix are our own copies, never new recordings. */
export const isArchivedWatchKey = (archivePrefix: string | null, key: string): boolean =>
  archivePrefix !== null && archivePrefix !== "" && key.startsWith(archiveKeyFor(archivePrefix, ""));

/**
 * What a listed key is before anything is read or written: the archive's own copy (not
 * reported), a folder marker or stray file (reported as not a video), or a recording to ingest.
 */
export const triageWatchKey = (
  archivePrefix: string | null,
  key: string,
): "Archived" | "NotAVideo" | "Recording" => {
  if (isArchivedWatchKey(archivePrefix, key)) return "Archived";
  return isIngestibleWatchKey(key) ? "Recording" : "NotAVideo";
};

const firstCharacters = (text: string, count: number): string => Array.from(text).slice(0, count).join("");

type CommitFailure = PersistenceFailure | UniqueViolation | RecordNotFound | ClaimLost | QueueFailure;

interface PreparedVideo {
  readonly videoKey: VideoKey;
  readonly title: string;
  readonly sourceUrl: string;
  readonly slug: string;
  readonly destination: ObjectLocation;
}

interface CommittedVideo {
  readonly video: Video;
  readonly collection: Collection;
  readonly collectionCreated: boolean;
}

/**
 * Ingests one listed object of the lecture-capture watch bucket (docs/upstream.md §3
 * §4.3 with the fixes of docs/architecture.md §6.8):
 *
 * 1. Non-video keys and folder markers are skipped; the archive is never read back.
 * 2. The (key, ETag) pair is claimed; a pair claimed before is skipped, unless its last attempt
 *    failed or was abandoned by a poll that died (then it is taken again with the next attempt
 *    number, which fences off a late writer of the old attempt).
 * 3. Everything that can be checked is checked before anything is written: the lecture-capture
 *    user exists, the title and source URL are valid.
 * 4. The object is copied server-side to the video's original key in the upload bucket.
 * 5. Only after the copy: one unit of work gets or creates the collection, creates the video
 *    and its original file, marks the claim ingested and enqueues `video.transcode` with
 *    `fromWatchBucket`. If it fails, the copy is deleted, so nothing of the video remains.
 * 6. The source is deleted or archived. A failed removal leaves the source in place, but the
 *    claim keeps the next poll from ingesting it again; that poll retries the removal.
 *
 * A failed attempt is recorded on the claim with its reason and is retried by the next poll.
 */
export class IngestWatchBucketFile {
  constructor(
    private readonly ports: WatchBucketFilePorts,
    private readonly settings: WatchBucketSettings,
  ) {}

  /**
   * `pollStartedAt`: claims still in progress from before it belong to a poll that is gone.
   * Returns undefined for the archive's own objects, which are not reported.
   */
  run(
    object: ObjectInfo,
    pollStartedAt: Date,
  ): Effect.Effect<WatchFileOutcome | undefined, PersistenceFailure> {
    const { watchBucketClaims, clock } = this.ports;
    const key = object.key;
    return Effect.gen(this, function* () {
      const triage = triageWatchKey(this.settings.watchBucketArchivePrefix, key);
      if (triage === "Archived") return undefined;
      if (triage === "NotAVideo") return { _tag: "NotAVideo", key } as const;
      const source = watchBucketSourceOf(object);
      const claimed = yield* watchBucketClaims.claim(source, clock.now());
      let claim: WatchBucketClaim;
      if (claimed._tag === "Claimed") {
        claim = claimed.claim;
      } else if (claimed.existing.state === "Ingested") {
        const sourceRemoval = yield* this.removeSource(key);
        return { _tag: "AlreadyIngested", key, videoKey: claimed.existing.videoKey, sourceRemoval } as const;
      } else {
        const retaken = yield* watchBucketClaims.reclaim(source, clock.now(), pollStartedAt);
        if (Option.isNone(retaken)) return { _tag: "ClaimedElsewhere", key } as const;
        claim = retaken.value;
      }
      return yield* this.ingestClaimed(source, claim.attempts);
    }).pipe(Effect.withSpan("IngestWatchBucketFile.run", { attributes: { objectKey: key } }));
  }

  private ingestClaimed(
    source: WatchBucketSource,
    attempt: number,
  ): Effect.Effect<WatchFileOutcome, PersistenceFailure> {
    const key = source.sourceKey;
    return Effect.gen(this, function* () {
      const ingested = yield* Effect.either(this.ingest(source, attempt));
      if (Either.isLeft(ingested)) {
        const reason = ingested.left.reason;
        // A claim lost to a later poll is that poll's to record; ours has nothing left to say.
        yield* Effect.catchTag(
          this.ports.watchBucketClaims.markFailed(source, attempt, reason, this.ports.clock.now()),
          "ClaimLost",
          () => Effect.void,
        );
        return { _tag: "Failed", key, reason, attempts: attempt } as const;
      }
      const { video, collection, collectionCreated } = ingested.right;
      const sourceRemoval = yield* this.removeSource(key);
      return {
        _tag: "Ingested",
        key,
        videoKey: video.key,
        collectionKey: collection.key,
        collectionCreated,
        title: video.title,
        sourceRemoval,
      } as const;
    });
  }

  private ingest(source: WatchBucketSource, attempt: number): Effect.Effect<CommittedVideo, FileNotIngested> {
    const { objectStore } = this.ports;
    const { buckets } = this.settings;
    return Effect.gen(this, function* () {
      const owner = yield* this.lectureCaptureUser();
      const prepared = yield* this.prepare(source.sourceKey);
      yield* Effect.mapError(
        objectStore.copy({ bucket: buckets.watch, key: source.sourceKey }, prepared.destination),
        (error) => new FileNotIngested({ reason: `copying to the upload bucket failed: ${error.message}` }),
      );
      const committed = yield* Effect.either(this.commit(source, attempt, owner, prepared));
      if (Either.isLeft(committed)) {
        // The copy has no row pointing at it any more: drop it so nothing of the video remains.
        yield* Effect.ignore(objectStore.delete(prepared.destination));
        return yield* new FileNotIngested({
          reason: `recording the video failed: ${committed.left.message}`,
        });
      }
      return committed.right;
    });
  }

  private lectureCaptureUser(): Effect.Effect<User, FileNotIngested> {
    const username = this.settings.lectureCaptureUsername;
    return this.ports.users.findByUsername(username).pipe(
      Effect.mapError(
        (error) =>
          new FileNotIngested({ reason: `looking up the lecture-capture user failed: ${error.message}` }),
      ),
      orFail(
        () =>
          new FileNotIngested({
            reason: `the lecture-capture user '${username}' (LECTURE_CAPTURE_USER) does not exist; it is created when that user first signs in`,
          }),
      ),
    );
  }

  /** The new video's fields, each checked before anything is copied or written. */
  private prepare(key: string): Effect.Effect<PreparedVideo, FileNotIngested> {
    const { buckets, unsortedCollectionSlug } = this.settings;
    const { ids } = this.ports;
    return Effect.gen(function* () {
      const described = describeLectureCapture(key, unsortedCollectionSlug);
      const sourceUrl = yield* Either.mapLeft(
        Either.flatMap(watchBucketSourceUrl(buckets.watch, key), (url) =>
          Either.mapLeft(
            Schema.decodeUnknownEither(SourceUrl)(url),
            (error) => `its source URL ${error.message}`,
          ),
        ),
        (problem) => new FileNotIngested({ reason: `the recording cannot become a video: ${problem}` }),
      );
      const title = yield* Either.mapLeft(
        Schema.decodeUnknownEither(VideoTitle)(firstCharacters(described.title, MAX_TITLE_LENGTH)),
        (error) =>
          new FileNotIngested({ reason: `the recording cannot become a video: its title ${error.message}` }),
      );
      const slug = yield* Either.mapLeft(
        Schema.decodeUnknownEither(CollectionTitle)(described.slug),
        () =>
          new FileNotIngested({
            reason: `the collection slug '${described.slug}' cannot be a collection title`,
          }),
      );
      const videoKey = ids.videoKey();
      return {
        videoKey,
        title,
        sourceUrl,
        slug,
        destination: { bucket: buckets.upload, key: originalKey(hexKey(videoKey), sourceUrl) },
      };
    });
  }

  /** The video, its original file, the claim's outcome and the transcode job, all or nothing. */
  private commit(
    source: WatchBucketSource,
    attempt: number,
    owner: User,
    prepared: PreparedVideo,
  ): Effect.Effect<CommittedVideo, CommitFailure> {
    const { collections, videos, videoFiles, watchBucketClaims, jobs, unitOfWork, clock, ids } = this.ports;
    return unitOfWork.transaction(
      Effect.gen(function* () {
        const at = clock.now();
        const existing = yield* collections.findBySlugAndOwner(prepared.slug, owner.id);
        const collection = Option.isSome(existing)
          ? existing.value
          : yield* collections.insert(newLectureCollection(prepared.slug, owner, ids.collectionKey(), at));
        const video = yield* videos.insert({
          ...videoDefaults,
          key: prepared.videoKey,
          collectionKey: collection.key,
          title: prepared.title,
          sourceUrl: prepared.sourceUrl,
          multiangle: true,
          isPublic: newVideoIsPublic(collection),
          createdAt: at,
          updatedAt: at,
        });
        yield* videoFiles.insert(
          {
            videoKey: video.key,
            s3ObjectKey: prepared.destination.key,
            bucketName: prepared.destination.bucket,
            encoding: Encoding.original,
          },
          at,
        );
        yield* watchBucketClaims.markIngested(source, attempt, video.key, at);
        yield* jobs.enqueue("video.transcode", { videoKey: video.key, fromWatchBucket: true });
        return { video, collection, collectionCreated: Option.isNone(existing) };
      }),
    );
  }

  /** Deletes the source, or archives it under the configured prefix; never fails the file. */
  private removeSource(key: string): Effect.Effect<SourceRemoval> {
    const { objectStore } = this.ports;
    const { buckets, watchBucketArchivePrefix } = this.settings;
    const source = { bucket: buckets.watch, key };
    const removal: Effect.Effect<SourceRemoval, { readonly message: string }> =
      watchBucketArchivePrefix === null || watchBucketArchivePrefix === ""
        ? Effect.as(objectStore.delete(source), { _tag: "Deleted" } as const)
        : Effect.gen(function* () {
            const archiveKey = archiveKeyFor(watchBucketArchivePrefix, key);
            yield* objectStore.copy(source, { bucket: buckets.watch, key: archiveKey });
            yield* objectStore.delete(source);
            return { _tag: "Archived", archiveKey } as const;
          });
    return Effect.catchAll(removal, (error) =>
      Effect.succeed({ _tag: "RemovalFailed", reason: error.message } as const),
    );
  }
}

/** A lecture-capture collection as upstream's `get_or_create` defaults make it: titled by its slug. */
const newLectureCollection = (slug: string, owner: User, key: CollectionKey, at: Date): Collection => ({
  ...collectionDefaults,
  key,
  title: slug,
  slug,
  ownerId: owner.id,
  createdAt: at,
  updatedAt: at,
});
