import { Data } from "effect";

/** What the stores hold; named in errors so the edge can say what was not found or clashed. */
export type EntityName =
  | "Collection"
  | "Video"
  | "VideoFile"
  | "VideoThumbnail"
  | "VideoSubtitle"
  | "EncodeJob"
  | "AccessGroup"
  | "EdxEndpoint"
  | "CollectionEdxEndpoint"
  | "YouTubeVideo"
  | "User"
  | "MailOutboxEntry"
  | "ApiToken";

export class RecordNotFound extends Data.TaggedError("RecordNotFound")<{
  readonly entity: EntityName;
  readonly id: string;
}> {
  override get message(): string {
    return `${this.entity} ${this.id} does not exist`;
  }
}

/** A unique constraint refused the write; `field` names the clashing column. */
export class UniqueViolation extends Data.TaggedError("UniqueViolation")<{
  readonly entity: EntityName;
  readonly field: string;
  readonly value: string;
}> {
  override get message(): string {
    return `${this.entity} with ${this.field} '${this.value}' already exists`;
  }
}

/** The store itself failed (connection lost, timeout, driver error). Retryable by policy. */
export class PersistenceFailure extends Data.TaggedError("PersistenceFailure")<{
  readonly operation: string;
  readonly cause: unknown;
}> {
  override get message(): string {
    const detail = this.cause instanceof Error ? this.cause.message : String(this.cause);
    return `database operation '${this.operation}' failed: ${detail}`;
  }
}
