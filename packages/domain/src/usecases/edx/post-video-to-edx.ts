import { Duration, Effect, Either, Option, Random, Schema } from "effect";
import type { EdxEndpoint, EdxEndpointId } from "../../model/edx-endpoint.js";
import {
  EdxEndpointId as EdxEndpointIdSchema,
  unreadableCredentialsReason,
} from "../../model/edx-endpoint.js";
import { VideoKeySchema } from "../../model/keys.js";
import type { VideoKey } from "../../model/keys.js";
import type { VideoFile } from "../../model/video-file.js";
import type { EdxVideoPayload } from "../../policy/edx-payload.js";
import type { EdxNotEligible } from "../../policy/edx-payload.js";
import { edxVideoPayload } from "../../policy/edx-payload.js";
import type { EdxPostOutcome, EdxPostRecord } from "../../ports/edx-post-record-repository.js";
import type { JobPayloads, QueueFailure } from "../../ports/job-queue.js";
import type { PersistenceFailure, RecordNotFound } from "../../ports/persistence-errors.js";
import type { VideoDetails } from "../../ports/video-repository.js";
import type { DomainPorts } from "../domain-ports.js";
import type { InvalidInput } from "../errors.js";
import { validateInput } from "../validate-input.js";

/** Posts of one video to one endpoint, counting the first: after this many transient failures, OVS stops retrying. */
export const MAX_EDX_POST_ATTEMPTS = 5;

/** Full-jitter exponential backoff between retries: up to 30 s, 60 s, 120 s … never more than 10 min. */
export const EDX_RETRY_BASE: Duration.DurationInput = "30 seconds";
export const EDX_RETRY_CAP: Duration.DurationInput = "10 minutes";

/** edxval error bodies can be whole HTML pages; admins need the start of it. */
const MAX_RECORDED_BODY_LENGTH = 2000;

/**
 * One unfinished `edx.post-video` job per video, or per video, endpoint and attempt for a
 * retry: a second trigger while one is waiting adds nothing, and a retry queued by the running
 * attempt is not mistaken for it (the queue counts running jobs as unfinished).
 */
export const edxPostSingletonKey = (
  videoKey: VideoKey,
  endpointId?: EdxEndpointId,
  attempt?: number,
): string =>
  endpointId === undefined
    ? `edx-post|${videoKey}`
    : `edx-post|${videoKey}|${endpointId}${attempt === undefined ? "" : `#attempt-${attempt}`}`;

const PostVideoPayload = Schema.Struct({
  videoKey: VideoKeySchema,
  endpointId: Schema.optionalWith(EdxEndpointIdSchema, { exact: true }),
});

/** One endpoint's part of a post. */
export interface EdxEndpointPost {
  readonly endpointId: EdxEndpointId;
  readonly endpointName: string;
  readonly outcome: EdxPostOutcome;
  readonly attempt: number;
  /** When the retry of a transient failure is due; null when there is none. */
  readonly retryAt: Date | null;
}

export type EdxPostVideoResult =
  /** The video was deleted after the job was queued. */
  | { readonly _tag: "VideoGone"; readonly videoKey: VideoKey }
  /** No endpoint to post to: none is linked to the collection, or the one asked for no longer is. */
  | { readonly _tag: "NoEndpoints"; readonly videoKey: VideoKey }
  | { readonly _tag: "Posted"; readonly videoKey: VideoKey; readonly posts: ReadonlyArray<EdxEndpointPost> };

/**
 * The delay before retry number `attempt` (1 for the first retry), full jitter: a random time
 * between zero and an exponentially growing ceiling, so endpoints coming back from an outage
 * are not hit by every retry at once.
 */
export const edxRetryDelay = (attempt: number): Effect.Effect<Duration.Duration> => {
  const base = Duration.toMillis(Duration.decode(EDX_RETRY_BASE));
  const ceiling = Math.min(
    Duration.toMillis(Duration.decode(EDX_RETRY_CAP)),
    base * 2 ** Math.max(0, attempt - 1),
  );
  return Effect.map(Random.nextIntBetween(0, ceiling + 1), Duration.millis);
};

/**
 * edX keeps the URLs it is given for as long as the course runs, so OVS only sends plain CDN URLs
 * that keep working. The videos of a collection linked to a course are served openly
 * (`mediaKeySpaceOf`), whether or not they are public in OVS; a video whose files are still on
 * their way out of the restricted space is refused with a recorded reason (`edxEligibleFiles`),
 * since the CDN would refuse those plain URLs.
 */
const payloadForEdx = (
  details: VideoDetails,
  plainUrl: (key: string) => string,
): Either.Either<EdxVideoPayload, EdxNotEligible> =>
  edxVideoPayload(details.video, details.collection, details.files, (file: VideoFile) =>
    plainUrl(file.s3ObjectKey),
  );

/**
 * `edx.post-video`: posts one Complete video to every edX endpoint linked to its collection,
 * or to the one endpoint the job names (a retry). Each endpoint's outcome is recorded per
 * (video, endpoint) for admins to see, endpoints are posted to one after the other, and one
 * failing does not stop the others. A transient failure (timeout, 5xx, token trouble) is
 * retried for that endpoint alone with backoff, at most `MAX_EDX_POST_ATTEMPTS` posts in a row;
 * the record and the retry job are written together.
 *
 * The attempt number: a job for all endpoints starts a fresh run (attempt 1); a job for one
 * endpoint continues that endpoint's run when its last record is a failure.
 */
export class PostVideoToEdx {
  constructor(
    private readonly ports: Pick<
      DomainPorts,
      | "videos"
      | "edxEndpoints"
      | "edxVideoApi"
      | "edxPostRecords"
      | "cdnUrls"
      | "jobs"
      | "unitOfWork"
      | "clock"
    >,
  ) {}

  run(
    payload: JobPayloads["edx.post-video"],
  ): Effect.Effect<EdxPostVideoResult, InvalidInput | RecordNotFound | PersistenceFailure | QueueFailure> {
    const { videos, edxEndpoints, cdnUrls } = this.ports;
    return Effect.gen(this, function* () {
      const { videoKey, endpointId } = yield* validateInput(PostVideoPayload, payload);
      yield* Effect.annotateCurrentSpan({ videoKey });
      const found = yield* videos.findDetailsByKey(videoKey);
      if (Option.isNone(found)) return { _tag: "VideoGone", videoKey } as const;
      const details = found.value;
      const linked = yield* edxEndpoints.listForCollection(details.collection.key);
      const targets =
        endpointId === undefined ? linked : linked.filter((endpoint) => endpoint.id === endpointId);
      if (targets.length === 0) return { _tag: "NoEndpoints", videoKey } as const;
      const eligible = payloadForEdx(details, (key) => cdnUrls.plainUrl(key));
      const posts: Array<EdxEndpointPost> = [];
      for (const endpoint of targets) {
        posts.push(yield* this.postTo(endpoint, videoKey, eligible, endpointId !== undefined));
      }
      return { _tag: "Posted", videoKey, posts } as const;
    }).pipe(Effect.withSpan("PostVideoToEdx.run"));
  }

  private postTo(
    endpoint: EdxEndpoint,
    videoKey: VideoKey,
    eligible: Either.Either<EdxVideoPayload, EdxNotEligible>,
    continuesRun: boolean,
  ): Effect.Effect<EdxEndpointPost, RecordNotFound | PersistenceFailure | QueueFailure> {
    const { edxVideoApi, edxPostRecords, jobs, unitOfWork, clock } = this.ports;
    return Effect.gen(function* () {
      const previous = yield* edxPostRecords.find(videoKey, endpoint.id);
      const attempt =
        continuesRun && Option.isSome(previous) && previous.value.outcome._tag === "Failed"
          ? previous.value.attempt + 1
          : 1;
      // Credentials the store could not open are not sent (they would be empty): the record says
      // why, and retrying would not help until staff re-enter them.
      const outcome: EdxPostOutcome = Either.isLeft(eligible)
        ? { _tag: "NotEligible", reason: eligible.left.reason }
        : !endpoint.credentialsReadable
          ? { _tag: "Failed", reason: unreadableCredentialsReason(endpoint), transient: false }
          : yield* Effect.match(edxVideoApi.postVideo(endpoint, eligible.right), {
              onSuccess: (result): EdxPostOutcome =>
                result._tag === "Rejected"
                  ? { ...result, body: result.body.slice(0, MAX_RECORDED_BODY_LENGTH) }
                  : result,
              onFailure: (failure): EdxPostOutcome => ({
                _tag: "Failed",
                reason: failure.reason,
                transient: failure.transient,
              }),
            });
      const retries = outcome._tag === "Failed" && outcome.transient && attempt < MAX_EDX_POST_ATTEMPTS;
      const at = clock.now();
      const retryAt = retries
        ? new Date(at.getTime() + Duration.toMillis(yield* edxRetryDelay(attempt)))
        : null;
      const record: EdxPostRecord = { videoKey, edxEndpointId: endpoint.id, outcome, attempt, postedAt: at };
      yield* unitOfWork.transaction(
        Effect.gen(function* () {
          yield* edxPostRecords.record(record);
          if (retryAt !== null) {
            yield* jobs.enqueue(
              "edx.post-video",
              { videoKey, endpointId: endpoint.id },
              { singletonKey: edxPostSingletonKey(videoKey, endpoint.id, attempt + 1), startAfter: retryAt },
            );
          }
        }),
      );
      return { endpointId: endpoint.id, endpointName: endpoint.name, outcome, attempt, retryAt };
    });
  }
}
