import type { AccessGroup } from "../../model/access-group.js";
import type { Collection } from "../../model/collection.js";
import type { EdxEndpoint } from "../../model/edx-endpoint.js";
import type { EncodeJob } from "../../model/encode-job.js";
import type { User } from "../../model/user.js";
import type { Video } from "../../model/video.js";
import type { VideoFile, VideoSubtitle, VideoThumbnail } from "../../model/video-file.js";
import type { YouTubeVideo } from "../../model/youtube-video.js";
import type { ApiToken } from "../../ports/api-token-repository.js";
import type { JobPayloads, QueueName } from "../../ports/job-queue.js";
import type { EdxPostRecord } from "../../ports/edx-post-record-repository.js";
import type { OutboxEntry } from "../../ports/mail-outbox-repository.js";
import type { WatchBucketClaim } from "../../ports/watch-bucket-claim-repository.js";

export interface QueuedJob<Q extends QueueName = QueueName> {
  readonly id: string;
  readonly queue: Q;
  readonly payload: JobPayloads[Q];
  readonly singletonKey: string | null;
  readonly startAfter: Date | null;
  readonly enqueuedAt: Date;
}

/**
 * Every table the in-memory adapters share. Rows are immutable values: writers replace them,
 * never mutate them, so a snapshot is a shallow copy of each map and a rollback puts the maps
 * back. Queued jobs live here too, so they roll back with the data they belong to.
 */
export interface Tables {
  readonly collections: Map<string, Collection>;
  readonly videos: Map<string, Video>;
  readonly videoFiles: Map<number, VideoFile>;
  readonly videoThumbnails: Map<number, VideoThumbnail>;
  readonly videoSubtitles: Map<number, VideoSubtitle>;
  readonly encodeJobs: Map<string, EncodeJob>;
  readonly accessGroups: Map<string, AccessGroup>;
  readonly edxEndpoints: Map<number, EdxEndpoint>;
  /** `<collection key>|<endpoint id>` in link order. */
  readonly collectionEdxEndpoints: Map<
    string,
    { readonly collectionKey: string; readonly edxEndpointId: number }
  >;
  readonly youtubeVideos: Map<string, YouTubeVideo>;
  readonly users: Map<number, User>;
  readonly jobs: Map<string, QueuedJob>;
  readonly mailOutbox: Map<string, OutboxEntry>;
  /** Keyed by source key and ETag (`claimId`). */
  readonly watchBucketClaims: Map<string, WatchBucketClaim>;
  /** `<video key>|<endpoint id>`. */
  readonly edxPostRecords: Map<string, EdxPostRecord>;
  /** Keyed by token id; users are never deleted here, so nothing cascades to them. */
  readonly apiTokens: Map<string, ApiToken>;
  /** Insertion counter per row, used as the row-order tie-breaker the real database has. */
  readonly rowOrder: Map<string, number>;
}

const emptyTables = (): Tables => ({
  collections: new Map(),
  videos: new Map(),
  videoFiles: new Map(),
  videoThumbnails: new Map(),
  videoSubtitles: new Map(),
  encodeJobs: new Map(),
  accessGroups: new Map(),
  edxEndpoints: new Map(),
  collectionEdxEndpoints: new Map(),
  youtubeVideos: new Map(),
  users: new Map(),
  jobs: new Map(),
  mailOutbox: new Map(),
  watchBucketClaims: new Map(),
  edxPostRecords: new Map(),
  apiTokens: new Map(),
  rowOrder: new Map(),
});

const copyTables = (tables: Tables): Tables =>
  Object.fromEntries(
    Object.entries(tables).map(([name, table]) => [name, new Map(table as Map<unknown, unknown>)]),
  ) as unknown as Tables;

export class InMemoryDatabase {
  private current: Tables = emptyTables();
  private sequence = 0;

  get tables(): Tables {
    return this.current;
  }

  /** A fresh integer id (files, thumbnails, subtitles, endpoints, users, jobs). */
  nextId(): number {
    this.sequence += 1;
    return this.sequence;
  }

  /** Remembers when a row was first inserted, for row-order tie-breaks. */
  recordInsertion(table: string, id: string | number): number {
    const key = `${table}:${id}`;
    const existing = this.current.rowOrder.get(key);
    if (existing !== undefined) return existing;
    const order = this.nextId();
    this.current.rowOrder.set(key, order);
    return order;
  }

  insertionOrder(table: string, id: string | number): number {
    return this.current.rowOrder.get(`${table}:${id}`) ?? Number.MAX_SAFE_INTEGER;
  }

  snapshot(): Tables {
    return copyTables(this.current);
  }

  restore(snapshot: Tables): void {
    this.current = snapshot;
  }

  /** Empties every table (between tests). */
  reset(): void {
    this.current = emptyTables();
  }
}
