import { Data } from "effect";
import type { EdxSyncReport } from "../../policy/edx-sync-report.js";

export type EdxSyncRefusal = "NoCourseId" | "NoEndpoints" | "NoCompleteVideos" | "NothingToPost";

/**
 * A collection that cannot be synced to edX as it is. The messages of upstream's refusals are
 * upstream's, word for word (docs/upstream.md §9); the edge answers 400 `{"error": message}`.
 * `NothingToPost` is OVS's own: there are Complete videos, but none could be sent (no HLS or
 * MP4 output, files still moving to the public key space), so a sync would send nothing.
 * Once the videos were looked at, `report` says for each why it is not sent.
 */
export class EdxSyncRefused extends Data.TaggedError("EdxSyncRefused")<{
  readonly refusal: EdxSyncRefusal;
  readonly collectionTitle: string;
  readonly report?: EdxSyncReport;
}> {
  override get message(): string {
    switch (this.refusal) {
      case "NoCourseId":
        return "Collection does not have an edX course ID configured";
      case "NoEndpoints":
        return "Collection does not have any edX endpoints configured";
      case "NoCompleteVideos":
        return `No videos found in the collection ${this.collectionTitle}`;
      case "NothingToPost": {
        const reasons = [...new Set((this.report?.refused ?? []).map((video) => video.reason))];
        return `No video of the collection ${this.collectionTitle} can be sent to edX${
          reasons.length === 0 ? "" : `: ${reasons.join("; ")}`
        }`;
      }
    }
  }
}
