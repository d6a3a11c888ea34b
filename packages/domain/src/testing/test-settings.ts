import type { DomainSettings } from "../usecases/settings.js";

/** Settings for tests: distinct bucket names so a wrong bucket shows up as a failure. */
export const testSettings = (overrides: Partial<DomainSettings> = {}): DomainSettings => ({
  buckets: {
    upload: "ovs-uploads",
    transcode: "ovs-transcoded",
    thumbnail: "ovs-thumbnails",
    subtitle: "ovs-subtitles",
    watch: "ovs-watch",
  },
  baseUrl: "https://video.example.edu",
  supportEmail: "video-support@example.edu",
  lectureCaptureUsername: "lecture-capture@example.edu",
  unsortedCollectionSlug: "Unsorted",
  watchBucketArchivePrefix: null,
  ingest: { leaseTtl: "2 minutes", heartbeatInterval: "60 seconds", stuckThreshold: "2 hours" },
  transcode: { reconcileAfter: "30 minutes", resubmitLimit: 2 },
  thumbnails: { maxUploadBytes: 1024 * 1024 },
  retranscodeEnabled: true,
  ...overrides,
});
