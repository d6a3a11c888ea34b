import { Data } from "effect";

export type EdxSyncRefusal = "NoCourseId" | "NoEndpoints" | "NoCompleteVideos";

/**
 * A collection that cannot be synced to edX as it is. The messages are upstream's, word for
 * word (reference/upstream-integrations.md §1.8); the edge answers 400 `{"error": message}`.
 */
export class EdxSyncRefused extends Data.TaggedError("EdxSyncRefused")<{
  readonly refusal: EdxSyncRefusal;
  readonly collectionTitle: string;
}> {
  override get message(): string {
    switch (this.refusal) {
      case "NoCourseId":
        return "Collection does not have an edX course ID configured";
      case "NoEndpoints":
        return "Collection does not have any edX endpoints configured";
      case "NoCompleteVideos":
        return `No videos found in the collection ${this.collectionTitle}`;
    }
  }
}
