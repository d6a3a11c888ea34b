import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { api, unwrap } from "../api/api-client.js";
import type { VideoProcessingStatus, VideoStatus } from "../api/schema-types.js";
import { statusDisplay } from "./video-status-text.js";

export const STATUS_POLL_MS = 3_000;

/** A status learnt since the collection was read, and the status the collection said then. */
interface LiveEntry {
  readonly listed: VideoStatus;
  readonly live: VideoProcessingStatus;
}

/**
 * The live statuses of the videos still on their way (Uploading, Transcoding, …), polled from
 * `GET /api/v0/videos/<key>/status/` every few seconds until each reaches an end, so a card turns
 * Ready (or explains its failure) without a reload. Only the videos in progress are asked about.
 * A live status counts only while the collection still lists the status it was learnt against:
 * once the collection is read again with another status, that one is newer. `note` records a
 * status the page knows without asking (a retried upload is `Created` again), which starts the
 * polling of that video.
 */
export const useLiveStatuses = (
  videos: ReadonlyArray<{ readonly key: string; readonly status: VideoStatus }>,
): {
  readonly live: ReadonlyMap<string, VideoProcessingStatus>;
  readonly note: (key: string, status: VideoStatus) => void;
} => {
  const [entries, setEntries] = useState<ReadonlyMap<string, LiveEntry>>(new Map());
  const live = useMemo(() => {
    const current = new Map<string, VideoProcessingStatus>();
    for (const video of videos) {
      const entry = entries.get(video.key);
      if (entry !== undefined && entry.listed === video.status) current.set(video.key, entry.live);
    }
    return current;
  }, [videos, entries]);
  const listed = useRef(new Map<string, VideoStatus>());
  listed.current = new Map(videos.map((video) => [video.key, video.status]));

  const record = useCallback((key: string, status: VideoProcessingStatus) => {
    const at = listed.current.get(key);
    if (at !== undefined) setEntries((previous) => new Map(previous).set(key, { listed: at, live: status }));
  }, []);
  const note = useCallback(
    (key: string, status: VideoStatus) => record(key, { key, status, encode_jobs: [] }),
    [record],
  );

  const watched = videos
    .filter((video) => statusDisplay(live.get(video.key)?.status ?? video.status).inProgress)
    .map((video) => video.key)
    .join(",");
  useEffect(() => {
    if (watched === "") return;
    let stopped = false;
    const timer = setInterval(() => {
      for (const key of watched.split(",")) {
        unwrap(api.GET("/api/v0/videos/{key}/status/", { params: { path: { key } } })).then(
          (status) => {
            if (!stopped) record(key, status);
          },
          () => undefined,
        );
      }
    }, STATUS_POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [watched, record]);
  return { live, note };
};
