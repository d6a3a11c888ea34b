import { useCallback, useEffect, useRef, useState } from "react";
import { api, unwrap } from "../api/api-client.js";
import type { Playback } from "../api/schema-types.js";
import { GrantRefresh } from "./grant-refresh.js";

export type PlaybackState =
  | { readonly state: "loading" }
  | { readonly state: "failed"; readonly error: unknown }
  | { readonly state: "ready"; readonly playback: Playback };

export const fetchPlayback = (videoKey: string): Promise<Playback> =>
  unwrap(api.GET("/api/v0/videos/{key}/playback/", { params: { path: { key: videoKey } } }));

/**
 * A video's playback, kept fresh: a protected video's grant is fetched again before it expires
 * (and after `version` changes, e.g. an edit), so playback never outlives its signature. A
 * failed refresh keeps the last good answer: the current grant may still have time to run.
 */
export const usePlayback = (
  videoKey: string,
  version = 0,
): PlaybackState & { readonly refreshNow: () => Promise<void> } => {
  const [state, setState] = useState<PlaybackState>({ state: "loading" });
  const current = useRef<GrantRefresh | undefined>(undefined);
  useEffect(() => {
    let loaded = false;
    const refresh = new GrantRefresh(
      () => fetchPlayback(videoKey),
      (playback) => {
        loaded = true;
        setState({ state: "ready", playback });
      },
      (error) => {
        // Nothing played yet: the page shows why, and there is no grant to keep alive.
        if (loaded) return;
        refresh.stop();
        setState({ state: "failed", error });
      },
    );
    current.current = refresh;
    void refresh.start();
    return () => refresh.stop();
  }, [videoKey, version]);
  const refreshNow = useCallback(() => current.current?.refreshNow() ?? Promise.resolve(), []);
  return { ...state, refreshNow };
};
