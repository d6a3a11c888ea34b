import type { VideoStatus } from "../api/schema-types.js";

/** How a status reads on a card and the video page, and what the person can do about it. */
export interface StatusDisplay {
  /** A short label. */
  readonly label: string;
  /** One sentence in plain words; empty for a video that simply plays. */
  readonly explanation: string;
  readonly tone: "ok" | "working" | "failed";
  /** The status will change by itself: poll it. */
  readonly inProgress: boolean;
  /** An admin may retry the upload (`retry_upload` only takes `Upload failed`). */
  readonly retryable: boolean;
}

const DISPLAYS: Readonly<Record<VideoStatus, StatusDisplay>> = {
  Created: {
    label: "Waiting",
    explanation: "The video was created and is waiting for its file.",
    tone: "working",
    inProgress: true,
    retryable: false,
  },
  Uploading: {
    label: "Uploading",
    explanation: "The file is being copied into storage.",
    tone: "working",
    inProgress: true,
    retryable: false,
  },
  "Upload failed": {
    label: "Upload failed",
    explanation:
      "The file could not be copied in: the link may have expired or the file may be unreachable. Retry, or upload it again.",
    tone: "failed",
    inProgress: false,
    retryable: true,
  },
  Transcoding: {
    label: "Processing",
    explanation: "The video is being converted for streaming. This takes about as long as the video.",
    tone: "working",
    inProgress: true,
    retryable: false,
  },
  "Transcode failed internal error": {
    label: "Processing failed",
    explanation: "The video could not be converted because of a problem on our side. Contact support.",
    tone: "failed",
    inProgress: false,
    retryable: false,
  },
  "Transcode failed video error": {
    label: "Unsupported file",
    explanation:
      "The file could not be converted: it may be damaged or not a video. Export it again as MP4 (H.264) and upload it again.",
    tone: "failed",
    inProgress: false,
    retryable: false,
  },
  "Retranscode scheduled": {
    label: "Reprocessing soon",
    explanation: "The video will be converted again shortly; it still plays meanwhile.",
    tone: "working",
    inProgress: true,
    retryable: false,
  },
  Retranscoding: {
    label: "Reprocessing",
    explanation: "The video is being converted again; it still plays meanwhile.",
    tone: "working",
    inProgress: true,
    retryable: false,
  },
  "Retranscode failed error": {
    label: "Reprocessing failed",
    explanation: "Converting the video again failed; the previous version still plays. Contact support.",
    tone: "failed",
    inProgress: false,
    retryable: false,
  },
  Complete: { label: "Ready", explanation: "", tone: "ok", inProgress: false, retryable: false },
  Error: {
    label: "Error",
    explanation: "Something went wrong with this video. Contact support.",
    tone: "failed",
    inProgress: false,
    retryable: false,
  },
};

export const statusDisplay = (status: VideoStatus): StatusDisplay => DISPLAYS[status];
