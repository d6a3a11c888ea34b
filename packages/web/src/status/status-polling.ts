import { useEffect, useRef, useState } from "react";
import { api, unwrap } from "../api/api-client.js";
import type { VideoProcessingStatus, VideoStatus } from "../api/schema-types.js";
import { statusDisplay } from "./video-status-text.js";

export const STATUS_POLL_MS = 3_000;

/**
 * The live statuses of the videos still on their way (Uploading, Transcoding, …), polled from
 * `GET /api/v0/videos/<key>/status/` every few seconds until each reaches an end, so a card turns
 * Ready (or explains its failure) without a reload. Only the videos in progress are asked about.
 */
export const useLiveStatuses = (
  videos: ReadonlyArray<{ readonly key: string; readonly status: VideoStatus }>,
): ReadonlyMap<string, VideoProcessingStatus> => {
  const [live, setLive] = useState<ReadonlyMap<string, VideoProcessingStatus>>(new Map());
  const liveRef = useRef(live);
  liveRef.current = live;
  const inProgress = videos
    .filter((video) => statusDisplay(liveRef.current.get(video.key)?.status ?? video.status).inProgress)
    .map((video) => video.key);
  const watched = inProgress.join(",");

  useEffect(() => {
    if (watched === "") return;
    let stopped = false;
    const timer = setInterval(() => {
      for (const key of watched.split(",")) {
        unwrap(api.GET("/api/v0/videos/{key}/status/", { params: { path: { key } } })).then(
          (status) => {
            if (!stopped) setLive((previous) => new Map(previous).set(key, status));
          },
          () => undefined,
        );
      }
    }, STATUS_POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [watched]);
  return live;
};
