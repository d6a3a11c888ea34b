import { Effect, Option, Redacted } from "effect";
import type { Knex } from "knex";
import type {
  AccessGroup,
  AccessGroupRepository,
  ClaimResult,
  CollectionKey,
  EdxEndpoint,
  EdxEndpointId,
  EdxEndpointRepository,
  EdxPostOutcome,
  EdxPostRecord,
  EdxPostRecordRepository,
  EncodeJob,
  EncodeJobRepository,
  EncodeJobState,
  EncodeJobUpdate,
  GroupName,
  MailOutboxRepository,
  NewEdxEndpoint,
  NewOutboxEntry,
  NotificationTemplate,
  OutboxAddResult,
  OutboxEntry,
  PersistenceFailure,
  SignedInUser,
  User,
  UserId,
  UserRepository,
  VideoKey,
  VideoStatus,
  WatchBucketClaim,
  WatchBucketClaimRepository,
  WatchBucketClaimState,
  WatchBucketSource,
  YouTubeVideo,
  YouTubeVideoRepository,
} from "@ovs/domain";
import { ClaimLost, RecordNotFound, encodeJobStateCode } from "@ovs/domain";
import type { UniqueViolation } from "@ovs/domain";
import type { EdxEndpointRow, EncodeJobRow, Timestamp, UserRow, YouTubeVideoRow } from "../rows.js";
import {
  edxEndpointOf,
  encodeJobOf,
  jsonColumn,
  toDate,
  toNullableDate,
  userOf,
  youtubeVideoOf,
} from "../rows.js";
import type { SqlContext } from "../sql-context.js";
import { withoutMissingReference, withoutUniqueViolation } from "../sql-context.js";

const requireRow = <A>(row: A | undefined, error: () => RecordNotFound): Effect.Effect<A, RecordNotFound> =>
  row === undefined ? Effect.fail(error()) : Effect.succeed(row);

// ------------------------------------------------------------------------------------------------

export class PostgresUserRepository implements UserRepository {
  constructor(private readonly sql: SqlContext) {}

  upsertByUsername(user: SignedInUser, at: Date): Effect.Effect<User, PersistenceFailure> {
    return this.sql.read("upsert user", async (db) => {
      const [row]: ReadonlyArray<UserRow> = await db("users")
        .insert({
          username: user.username,
          email: user.email,
          is_superuser: user.isSuperuser,
          is_staff: user.isStaff,
          created_at: at,
          updated_at: at,
        })
        .onConflict("username")
        .merge(["email", "is_superuser", "is_staff", "updated_at"])
        .returning("*");
      if (row === undefined) throw new Error("upsert returned no row");
      return userOf(row);
    });
  }

  findById(id: UserId): Effect.Effect<Option.Option<User>, PersistenceFailure> {
    return this.sql.read("find user", async (db) =>
      Option.map(Option.fromNullable<UserRow>(await db("users").where("id", id).first()), userOf),
    );
  }

  findByUsername(username: string): Effect.Effect<Option.Option<User>, PersistenceFailure> {
    return this.sql.read("find user by username", async (db) =>
      Option.map(Option.fromNullable<UserRow>(await db("users").where("username", username).first()), userOf),
    );
  }

  findByIds(ids: ReadonlyArray<UserId>): Effect.Effect<ReadonlyArray<User>, PersistenceFailure> {
    return this.sql.read("find users", async (db) => {
      const distinct = [...new Set(ids)];
      if (distinct.length === 0) return [];
      const rows: ReadonlyArray<UserRow> = await db("users").whereIn("id", distinct);
      const byId = new Map(rows.map((row) => [row.id, userOf(row)]));
      return distinct.flatMap((id) => {
        const user = byId.get(id);
        return user === undefined ? [] : [user];
      });
    });
  }
}

// ------------------------------------------------------------------------------------------------

interface AccessGroupRow {
  readonly name: string;
  readonly created_at: Timestamp;
  readonly updated_at: Timestamp;
}
const accessGroupOf = (row: AccessGroupRow): AccessGroup => ({
  name: row.name,
  createdAt: toDate(row.created_at),
  updatedAt: toDate(row.updated_at),
});

export class PostgresAccessGroupRepository implements AccessGroupRepository {
  constructor(private readonly sql: SqlContext) {}

  ensure(
    names: ReadonlyArray<GroupName>,
    at: Date,
  ): Effect.Effect<ReadonlyArray<AccessGroup>, PersistenceFailure> {
    return this.sql.read("ensure access groups", async (db) => {
      const distinct = [...new Set(names)];
      if (distinct.length === 0) return [];
      await db("access_groups")
        .insert(distinct.map((name) => ({ name, created_at: at, updated_at: at })))
        .onConflict("name")
        .ignore();
      return this.byNames(db, distinct);
    });
  }

  private async byNames(db: Knex, names: ReadonlyArray<string>): Promise<ReadonlyArray<AccessGroup>> {
    const rows: ReadonlyArray<AccessGroupRow> = await db("access_groups").whereIn("name", [...names]);
    const byName = new Map(rows.map((row) => [row.name, accessGroupOf(row)]));
    return names.flatMap((name) => {
      const group = byName.get(name);
      return group === undefined ? [] : [group];
    });
  }

  findByNames(
    names: ReadonlyArray<GroupName>,
  ): Effect.Effect<ReadonlyArray<AccessGroup>, PersistenceFailure> {
    return this.sql.read("find access groups", (db) => {
      const distinct = [...new Set(names)];
      return distinct.length === 0 ? Promise.resolve([]) : this.byNames(db, distinct);
    });
  }

  list(): Effect.Effect<ReadonlyArray<AccessGroup>, PersistenceFailure> {
    return this.sql.read("list access groups", async (db) => {
      const rows: ReadonlyArray<AccessGroupRow> = await db("access_groups").orderByRaw(`name COLLATE "C"`);
      return rows.map(accessGroupOf);
    });
  }
}

// ------------------------------------------------------------------------------------------------

const IN_FLIGHT_CODES = (["Submitted", "Progressing"] as const).map(encodeJobStateCode);

export class PostgresEncodeJobRepository implements EncodeJobRepository {
  constructor(private readonly sql: SqlContext) {}

  insert(job: EncodeJob): Effect.Effect<EncodeJob, UniqueViolation | RecordNotFound | PersistenceFailure> {
    return this.sql.write("insert encode job", async (db) => {
      const [row]: ReadonlyArray<EncodeJobRow> = await db("encode_jobs")
        .insert({
          id: job.id,
          video_key: job.videoKey,
          purpose: job.purpose,
          state: encodeJobStateCode(job.state),
          error_code: job.errorCode,
          error_message: job.errorMessage,
          message: jsonColumn(job.message),
          created_at: job.createdAt,
          last_modified: job.lastModified,
        })
        .returning("*");
      if (row === undefined) throw new Error("insert returned no row");
      return encodeJobOf(row);
    });
  }

  findById(id: string): Effect.Effect<Option.Option<EncodeJob>, PersistenceFailure> {
    return this.sql.read("find encode job", async (db) =>
      Option.map(
        Option.fromNullable<EncodeJobRow>(await db("encode_jobs").where("id", id).first()),
        encodeJobOf,
      ),
    );
  }

  compareAndSetState(
    id: string,
    expected: ReadonlyArray<EncodeJobState>,
    update: EncodeJobUpdate,
    at: Date,
  ): Effect.Effect<Option.Option<EncodeJob>, RecordNotFound | PersistenceFailure> {
    const changes = {
      state: encodeJobStateCode(update.state),
      last_modified: at,
      ...(update.errorCode === undefined ? {} : { error_code: update.errorCode }),
      ...(update.errorMessage === undefined ? {} : { error_message: update.errorMessage }),
      ...("message" in update ? { message: jsonColumn(update.message) } : {}),
    };
    return Effect.flatMap(
      this.sql.read("compare and set encode job state", async (db) => {
        const [changed]: ReadonlyArray<EncodeJobRow> = await db("encode_jobs")
          .where("id", id)
          .whereIn("state", expected.map(encodeJobStateCode))
          .update(changes)
          .returning("*");
        if (changed !== undefined) return { exists: true, changed: Option.some(encodeJobOf(changed)) };
        const existing: unknown = await db("encode_jobs").where("id", id).first("id");
        return { exists: existing !== undefined, changed: Option.none<EncodeJob>() };
      }),
      ({ exists, changed }) =>
        exists ? Effect.succeed(changed) : Effect.fail(new RecordNotFound({ entity: "EncodeJob", id })),
    );
  }

  latestForVideo(key: VideoKey): Effect.Effect<Option.Option<EncodeJob>, PersistenceFailure> {
    return this.sql.read("latest encode job", async (db) =>
      Option.map(
        Option.fromNullable<EncodeJobRow>(
          await db("encode_jobs")
            .where("video_key", key)
            .orderBy([
              { column: "created_at", order: "desc" },
              { column: "sequence", order: "desc" },
            ])
            .first(),
        ),
        encodeJobOf,
      ),
    );
  }

  listInFlightSince(
    before: Date,
    limit: number,
  ): Effect.Effect<ReadonlyArray<EncodeJob>, PersistenceFailure> {
    return this.sql.read("list encode jobs in flight", async (db) => {
      const rows: ReadonlyArray<EncodeJobRow> = await db("encode_jobs")
        .whereIn("state", IN_FLIGHT_CODES)
        .where("created_at", "<", before)
        .orderBy([
          { column: "created_at", order: "asc" },
          { column: "sequence", order: "asc" },
        ])
        .limit(Math.max(0, limit));
      return rows.map(encodeJobOf);
    });
  }
}

// ------------------------------------------------------------------------------------------------

export class PostgresEdxEndpointRepository implements EdxEndpointRepository {
  constructor(private readonly sql: SqlContext) {}

  insert(
    endpoint: NewEdxEndpoint,
    at: Date,
  ): Effect.Effect<EdxEndpoint, UniqueViolation | PersistenceFailure> {
    return withoutMissingReference(
      this.sql.write("insert edX endpoint", async (db) => {
        const [row]: ReadonlyArray<EdxEndpointRow> = await db("edx_endpoints")
          .insert({
            name: endpoint.name,
            base_url: endpoint.baseUrl,
            edx_video_api_path: endpoint.edxVideoApiPath,
            // Stored as given: encryption at rest is the database's (or a later migration's) job.
            client_id: Redacted.value(endpoint.clientId),
            secret_key: Redacted.value(endpoint.secretKey),
            access_token: endpoint.accessToken === null ? null : Redacted.value(endpoint.accessToken),
            access_token_expires_at: endpoint.accessTokenExpiresAt,
            is_global_default: endpoint.isGlobalDefault,
            created_at: at,
            updated_at: at,
          })
          .returning("*");
        if (row === undefined) throw new Error("insert returned no row");
        return edxEndpointOf(row);
      }),
    );
  }

  findById(id: EdxEndpointId): Effect.Effect<Option.Option<EdxEndpoint>, PersistenceFailure> {
    return this.sql.read("find edX endpoint", async (db) =>
      Option.map(
        Option.fromNullable<EdxEndpointRow>(await db("edx_endpoints").where("id", id).first()),
        edxEndpointOf,
      ),
    );
  }

  list(): Effect.Effect<ReadonlyArray<EdxEndpoint>, PersistenceFailure> {
    return this.sql.read("list edX endpoints", async (db) => {
      const rows: ReadonlyArray<EdxEndpointRow> = await db("edx_endpoints").orderBy("id");
      return rows.map(edxEndpointOf);
    });
  }

  listForCollection(key: CollectionKey): Effect.Effect<ReadonlyArray<EdxEndpoint>, PersistenceFailure> {
    return this.sql.read("list edX endpoints of a collection", async (db) => {
      const rows: ReadonlyArray<EdxEndpointRow> = await db("collection_edx_endpoints as l")
        .join("edx_endpoints as e", "e.id", "l.edx_endpoint_id")
        .where("l.collection_key", key)
        .orderBy("l.id")
        .select("e.*");
      return rows.map(edxEndpointOf);
    });
  }

  link(key: CollectionKey, id: EdxEndpointId): Effect.Effect<void, RecordNotFound | PersistenceFailure> {
    return withoutUniqueViolation(
      this.sql.write("link edX endpoint", async (db) => {
        await db("collection_edx_endpoints")
          .insert({ collection_key: key, edx_endpoint_id: id })
          .onConflict(["collection_key", "edx_endpoint_id"])
          .ignore();
      }),
    );
  }

  unlink(key: CollectionKey, id: EdxEndpointId): Effect.Effect<void, PersistenceFailure> {
    return this.sql.read("unlink edX endpoint", async (db) => {
      await db("collection_edx_endpoints").where({ collection_key: key, edx_endpoint_id: id }).delete();
    });
  }

  saveToken(
    id: EdxEndpointId,
    token: Redacted.Redacted<string>,
    expiresAt: Date,
    at: Date,
  ): Effect.Effect<void, RecordNotFound | PersistenceFailure> {
    return Effect.flatMap(
      this.sql.read("save edX token", (db) =>
        db("edx_endpoints")
          .where("id", id)
          .update({
            access_token: Redacted.value(token),
            access_token_expires_at: expiresAt,
            updated_at: at,
          }),
      ),
      (changed) =>
        changed === 0
          ? Effect.fail(new RecordNotFound({ entity: "EdxEndpoint", id: String(id) }))
          : Effect.void,
    );
  }
}

// ------------------------------------------------------------------------------------------------

interface EdxPostRecordRow {
  readonly video_key: string;
  readonly edx_endpoint_id: number;
  readonly outcome: EdxPostOutcome;
  readonly attempt: number;
  readonly posted_at: Timestamp;
}
const edxPostRecordOf = (row: EdxPostRecordRow): EdxPostRecord => ({
  videoKey: row.video_key as VideoKey,
  edxEndpointId: row.edx_endpoint_id as EdxEndpointId,
  outcome: row.outcome,
  attempt: row.attempt,
  postedAt: toDate(row.posted_at),
});

export class PostgresEdxPostRecordRepository implements EdxPostRecordRepository {
  constructor(private readonly sql: SqlContext) {}

  record(record: EdxPostRecord): Effect.Effect<EdxPostRecord, RecordNotFound | PersistenceFailure> {
    return withoutUniqueViolation(
      this.sql.write("record edX post", async (db) => {
        const [row]: ReadonlyArray<EdxPostRecordRow> = await db("edx_post_records")
          .insert({
            video_key: record.videoKey,
            edx_endpoint_id: record.edxEndpointId,
            outcome: jsonColumn(record.outcome),
            attempt: record.attempt,
            posted_at: record.postedAt,
          })
          .onConflict(["video_key", "edx_endpoint_id"])
          .merge(["outcome", "attempt", "posted_at"])
          .returning("*");
        if (row === undefined) throw new Error("upsert returned no row");
        return edxPostRecordOf(row);
      }),
    );
  }

  find(
    videoKey: VideoKey,
    edxEndpointId: EdxEndpointId,
  ): Effect.Effect<Option.Option<EdxPostRecord>, PersistenceFailure> {
    return this.sql.read("find edX post record", async (db) =>
      Option.map(
        Option.fromNullable<EdxPostRecordRow>(
          await db("edx_post_records").where({ video_key: videoKey, edx_endpoint_id: edxEndpointId }).first(),
        ),
        edxPostRecordOf,
      ),
    );
  }

  listForVideo(videoKey: VideoKey): Effect.Effect<ReadonlyArray<EdxPostRecord>, PersistenceFailure> {
    return this.sql.read("list edX post records of a video", async (db) => {
      const rows: ReadonlyArray<EdxPostRecordRow> = await db("edx_post_records")
        .where("video_key", videoKey)
        .orderBy("edx_endpoint_id");
      return rows.map(edxPostRecordOf);
    });
  }

  listForCollection(
    collectionKey: CollectionKey,
  ): Effect.Effect<ReadonlyArray<EdxPostRecord>, PersistenceFailure> {
    return this.sql.read("list edX post records of a collection", async (db) => {
      const rows: ReadonlyArray<EdxPostRecordRow> = await db("edx_post_records as r")
        .join("videos as v", "v.key", "r.video_key")
        .where("v.collection_key", collectionKey)
        .orderByRaw('r.video_key::text COLLATE "C", r.edx_endpoint_id')
        .select("r.*");
      return rows.map(edxPostRecordOf);
    });
  }
}

// ------------------------------------------------------------------------------------------------

export class PostgresYouTubeVideoRepository implements YouTubeVideoRepository {
  constructor(private readonly sql: SqlContext) {}

  findByVideo(key: VideoKey): Effect.Effect<Option.Option<YouTubeVideo>, PersistenceFailure> {
    return this.sql.read("find YouTube video", async (db) =>
      Option.map(
        Option.fromNullable<YouTubeVideoRow>(await db("youtube_videos").where("video_key", key).first()),
        youtubeVideoOf,
      ),
    );
  }

  upsert(youtube: YouTubeVideo): Effect.Effect<YouTubeVideo, RecordNotFound | PersistenceFailure> {
    return withoutUniqueViolation(
      this.sql.write("upsert YouTube video", async (db) => {
        const [row]: ReadonlyArray<YouTubeVideoRow> = await db("youtube_videos")
          .insert({
            video_key: youtube.videoKey,
            youtube_id: youtube.youtubeId,
            status: youtube.status,
            created_at: youtube.createdAt,
            updated_at: youtube.updatedAt,
          })
          .onConflict("video_key")
          .merge(["youtube_id", "status", "updated_at"])
          .returning("*");
        if (row === undefined) throw new Error("upsert returned no row");
        return youtubeVideoOf(row);
      }),
    );
  }

  delete(key: VideoKey): Effect.Effect<void, PersistenceFailure> {
    return this.sql.read("delete YouTube video", async (db) => {
      await db("youtube_videos").where("video_key", key).delete();
    });
  }
}

// ------------------------------------------------------------------------------------------------

interface OutboxRow {
  readonly id: string;
  readonly dedupe_key: string;
  readonly video_key: string;
  readonly template: string;
  readonly from_status: string | null;
  readonly to_status: string;
  readonly created_at: Timestamp;
  readonly sent_at: Timestamp | null;
  readonly attempts: number;
  readonly last_error: string | null;
}
const outboxEntryOf = (row: OutboxRow): OutboxEntry => ({
  id: row.id,
  dedupeKey: row.dedupe_key,
  videoKey: row.video_key as VideoKey,
  template: row.template as NotificationTemplate,
  fromStatus: row.from_status as VideoStatus | null,
  toStatus: row.to_status as VideoStatus,
  createdAt: toDate(row.created_at),
  sentAt: toNullableDate(row.sent_at),
  attempts: row.attempts,
  lastError: row.last_error,
});

export class PostgresMailOutboxRepository implements MailOutboxRepository {
  constructor(private readonly sql: SqlContext) {}

  add(entry: NewOutboxEntry): Effect.Effect<OutboxAddResult, RecordNotFound | PersistenceFailure> {
    return withoutUniqueViolation(
      this.sql.write("add outbox entry", async (db): Promise<OutboxAddResult> => {
        // ON CONFLICT DO NOTHING: a replayed event finds the entry of the first delivery.
        const [row]: ReadonlyArray<OutboxRow> = await db("mail_outbox")
          .insert({
            id: entry.id,
            dedupe_key: entry.dedupeKey,
            video_key: entry.videoKey,
            template: entry.template,
            from_status: entry.fromStatus,
            to_status: entry.toStatus,
            created_at: entry.createdAt,
          })
          .onConflict("dedupe_key")
          .ignore()
          .returning("*");
        if (row !== undefined) return { _tag: "Added", entry: outboxEntryOf(row) };
        const existing: OutboxRow | undefined = await db("mail_outbox")
          .where("dedupe_key", entry.dedupeKey)
          .first();
        if (existing === undefined) throw new Error("outbox entry vanished after a conflict");
        return { _tag: "Duplicate", existing: outboxEntryOf(existing) };
      }),
    );
  }

  findById(id: string): Effect.Effect<Option.Option<OutboxEntry>, PersistenceFailure> {
    return this.sql.read("find outbox entry", async (db) =>
      Option.map(
        Option.fromNullable<OutboxRow>(await db("mail_outbox").where("id", id).first()),
        outboxEntryOf,
      ),
    );
  }

  markSent(id: string, at: Date): Effect.Effect<OutboxEntry, RecordNotFound | PersistenceFailure> {
    return this.change("mark outbox entry sent", id, { sent_at: at, last_error: null });
  }

  recordFailure(
    id: string,
    error: string,
    _at: Date,
  ): Effect.Effect<OutboxEntry, RecordNotFound | PersistenceFailure> {
    return this.change("record outbox failure", id, { last_error: error });
  }

  private change(
    operation: string,
    id: string,
    columns: Record<string, unknown>,
  ): Effect.Effect<OutboxEntry, RecordNotFound | PersistenceFailure> {
    return Effect.flatMap(
      this.sql.read(operation, (db) =>
        db("mail_outbox")
          .where("id", id)
          .update({ ...columns, attempts: db.raw("attempts + 1") })
          .returning("*"),
      ),
      ([row]: ReadonlyArray<OutboxRow>) =>
        Effect.map(
          requireRow(row, () => new RecordNotFound({ entity: "MailOutboxEntry", id })),
          outboxEntryOf,
        ),
    );
  }

  listUnsent(limit: number): Effect.Effect<ReadonlyArray<OutboxEntry>, PersistenceFailure> {
    return this.sql.read("list unsent outbox entries", async (db) => {
      const rows: ReadonlyArray<OutboxRow> = await db("mail_outbox")
        .whereNull("sent_at")
        .orderBy([
          { column: "created_at", order: "asc" },
          { column: "sequence", order: "asc" },
        ])
        .limit(Math.max(0, limit));
      return rows.map(outboxEntryOf);
    });
  }
}

// ------------------------------------------------------------------------------------------------

interface ClaimRow {
  readonly source_key: string;
  readonly etag: string;
  readonly state: string;
  readonly video_key: string | null;
  readonly failure_reason: string | null;
  readonly attempts: number;
  readonly claimed_at: Timestamp;
  readonly updated_at: Timestamp;
}
const claimOf = (row: ClaimRow): WatchBucketClaim => ({
  sourceKey: row.source_key,
  etag: row.etag,
  state: row.state as WatchBucketClaimState,
  videoKey: row.video_key as VideoKey | null,
  failureReason: row.failure_reason,
  attempts: row.attempts,
  claimedAt: toDate(row.claimed_at),
  updatedAt: toDate(row.updated_at),
});

export class PostgresWatchBucketClaimRepository implements WatchBucketClaimRepository {
  constructor(private readonly sql: SqlContext) {}

  claim(source: WatchBucketSource, at: Date): Effect.Effect<ClaimResult, PersistenceFailure> {
    return this.sql.read("claim watch-bucket file", async (db): Promise<ClaimResult> => {
      const [row]: ReadonlyArray<ClaimRow> = await db("watch_bucket_claims")
        .insert({
          source_key: source.sourceKey,
          etag: source.etag,
          state: "InProgress",
          attempts: 1,
          claimed_at: at,
          updated_at: at,
        })
        .onConflict(["source_key", "etag"])
        .ignore()
        .returning("*");
      if (row !== undefined) return { _tag: "Claimed", claim: claimOf(row) };
      const existing: ClaimRow | undefined = await db("watch_bucket_claims")
        .where({ source_key: source.sourceKey, etag: source.etag })
        .first();
      if (existing === undefined) throw new Error("claim vanished after a conflict");
      return { _tag: "AlreadyClaimed", existing: claimOf(existing) };
    });
  }

  reclaim(
    source: WatchBucketSource,
    at: Date,
    abandonedBefore: Date,
  ): Effect.Effect<Option.Option<WatchBucketClaim>, PersistenceFailure> {
    return this.sql.read("reclaim watch-bucket file", async (db) => {
      const [row]: ReadonlyArray<ClaimRow> = await db("watch_bucket_claims")
        .where({ source_key: source.sourceKey, etag: source.etag })
        .where((retryable) =>
          retryable
            .where("state", "Failed")
            .orWhere((abandoned) =>
              abandoned.where("state", "InProgress").where("updated_at", "<", abandonedBefore),
            ),
        )
        .update({
          state: "InProgress",
          failure_reason: null,
          attempts: db.raw("attempts + 1"),
          claimed_at: at,
          updated_at: at,
        })
        .returning("*");
      return row === undefined ? Option.none() : Option.some(claimOf(row));
    });
  }

  markIngested(
    source: WatchBucketSource,
    attempt: number,
    videoKey: VideoKey,
    at: Date,
  ): Effect.Effect<WatchBucketClaim, ClaimLost | RecordNotFound | PersistenceFailure> {
    return Effect.flatMap(
      withoutUniqueViolation(
        this.sql.write("mark watch-bucket claim ingested", (db) =>
          db("watch_bucket_claims")
            .where({
              source_key: source.sourceKey,
              etag: source.etag,
              state: "InProgress",
              attempts: attempt,
            })
            .update({ state: "Ingested", video_key: videoKey, failure_reason: null, updated_at: at })
            .returning("*"),
        ),
      ),
      ([row]: ReadonlyArray<ClaimRow>) =>
        row === undefined
          ? Effect.fail(new ClaimLost({ sourceKey: source.sourceKey, etag: source.etag, attempt }))
          : Effect.succeed(claimOf(row)),
    );
  }

  markFailed(
    source: WatchBucketSource,
    attempt: number,
    reason: string,
    at: Date,
  ): Effect.Effect<WatchBucketClaim, ClaimLost | PersistenceFailure> {
    return Effect.flatMap(
      this.sql.read("mark watch-bucket claim failed", (db) =>
        db("watch_bucket_claims")
          .where({ source_key: source.sourceKey, etag: source.etag, state: "InProgress", attempts: attempt })
          .update({ state: "Failed", failure_reason: reason, updated_at: at })
          .returning("*"),
      ),
      ([row]: ReadonlyArray<ClaimRow>) =>
        row === undefined
          ? Effect.fail(new ClaimLost({ sourceKey: source.sourceKey, etag: source.etag, attempt }))
          : Effect.succeed(claimOf(row)),
    );
  }

  find(source: WatchBucketSource): Effect.Effect<Option.Option<WatchBucketClaim>, PersistenceFailure> {
    return this.sql.read("find watch-bucket claim", async (db) =>
      Option.map(
        Option.fromNullable<ClaimRow>(
          await db("watch_bucket_claims").where({ source_key: source.sourceKey, etag: source.etag }).first(),
        ),
        claimOf,
      ),
    );
  }
}
