import type { Duration } from "effect";

/**
 * What the use cases need to know about their deployment. The app reads these from the
 * environment (upstream names where they exist, docs/architecture.md §5.8) and validates them once
 * at start; tests build them with `testSettings` from the harness.
 */
export interface DomainSettings {
  readonly buckets: {
    /** `VIDEO_S3_BUCKET`: original uploads. */
    readonly upload: string;
    /** `VIDEO_S3_TRANSCODE_BUCKET`: HLS and MP4 outputs, and the retranscode staging area. */
    readonly transcode: string;
    /** `VIDEO_S3_THUMBNAIL_BUCKET`. */
    readonly thumbnail: string;
    /** `VIDEO_S3_SUBTITLE_BUCKET`. */
    readonly subtitle: string;
    /** `VIDEO_S3_WATCH_BUCKET`: the lecture-capture drop zone. */
    readonly watch: string;
  };
  /** `ODL_VIDEO_BASE_URL`: links in emails and feed `next` URLs are built on it. */
  readonly baseUrl: string;
  /** `EMAIL_SUPPORT`: sender of status emails and recipient of the debug copies. */
  readonly supportEmail: string;
  /** `LECTURE_CAPTURE_USER`: username owning the lecture-capture collections. */
  readonly lectureCaptureUsername: string;
  /** `UNSORTED_COLLECTION`: slug for recordings whose name does not parse. */
  readonly unsortedCollectionSlug: string;
  /** Archive watch-bucket sources under this prefix of the watch bucket instead of deleting them; null deletes. */
  readonly watchBucketArchivePrefix: string | null;
  readonly ingest: {
    /** How long an ingest lease lasts without renewal (`CLOUDSYNC_STREAM_S3_LOCK_TTL`). */
    readonly leaseTtl: Duration.DurationInput;
    /** How often the heartbeat bumps the video while bytes flow (`CLOUDSYNC_UPLOAD_PROGRESS_REFRESH_SECONDS`). */
    readonly heartbeatInterval: Duration.DurationInput;
    /** `STUCK_UPLOADING_THRESHOLD_HOURS`: an upload without a heartbeat this long is failed. */
    readonly stuckThreshold: Duration.DurationInput;
  };
  readonly transcode: {
    /** Jobs in flight longer than this are asked about by the reconciliation job. */
    readonly reconcileAfter: Duration.DurationInput;
    /**
     * `OVS_TRANSCODE_RESUBMIT_LIMIT`: how many times reconciliation submits again a job the
     * transcoder has no record of (a local transcoder that restarted) before the video fails;
     * counted per transcode of a video, on its encode jobs. 0 fails the video at once.
     */
    readonly resubmitLimit: number;
  };
  readonly thumbnails: {
    /** `THUMBNAIL_UPLOAD_MAX_SIZE` in bytes (1 MiB upstream). */
    readonly maxUploadBytes: number;
  };
  /** `FEATURE_RETRANSCODE_ENABLED`. */
  readonly retranscodeEnabled: boolean;
}
