import Hls from "hls.js";
import type { Level } from "hls.js";
import { useEffect, useRef, useState } from "react";
import type { KeyboardEvent } from "react";
import type { Playback } from "../api/schema-types.js";
import { cdnOriginOf, withGrant, withoutQuery } from "./cdn-grant.js";
import { CROP_LABELS, CROPS, cropClass } from "./multiangle-crop.js";
import type { Crop } from "./multiangle-crop.js";
import { PLAYBACK_RATES, commandForKey, nextRate } from "./playback-rates.js";

interface PlayerProps {
  readonly playback: Playback;
  readonly title: string;
  /** Seconds to start at (`?start=`). */
  readonly startSeconds?: number;
  readonly autoPlay?: boolean;
  /** Told about the playing position, for the share link. */
  readonly onTime?: (seconds: number) => void;
  /**
   * The CDN refused a request: fetch a fresh playback answer (a new grant, or URLs in the key
   * space the objects moved to), after which loading resumes.
   */
  readonly onMediaRefused?: () => Promise<void>;
}

const HLS_TYPE = "application/x-mpegURL";

/**
 * The player: hls.js over Media Source Extensions (native HLS where there is no MSE, MP4 when
 * there is no HLS source), with the protected-playback grant on every request to the CDN host.
 * The grant lives in a ref, so a refreshed grant applies to the next segment without reloading.
 */
export const VideoPlayer = ({
  playback,
  title,
  startSeconds = 0,
  autoPlay = false,
  onTime,
  onMediaRefused,
}: PlayerProps) => {
  const video = useRef<HTMLVideoElement>(null);
  const frame = useRef<HTMLDivElement>(null);
  const hls = useRef<Hls | null>(null);
  const grant = useRef(playback.grant);
  grant.current = playback.grant;
  const [levels, setLevels] = useState<ReadonlyArray<Level>>([]);
  const [level, setLevel] = useState(-1);
  const [rate, setRate] = useState(1);
  const [crop, setCrop] = useState<Crop>("all");
  const [failure, setFailure] = useState<string | undefined>(undefined);

  const mediaUrls = playback.sources.map((source) => source.src);
  const cdnOrigin = cdnOriginOf(mediaUrls);
  const hlsSource = playback.sources.find((source) => source.type === HLS_TYPE);
  const mp4Source = playback.sources.find((source) => source.type === "video/mp4");
  const sourceUrl = hlsSource?.src ?? mp4Source?.src ?? "";
  const isHls = hlsSource !== undefined;
  // The player is rebuilt only when the object changes (its key space moved), never for a new
  // grant; a rebuild resumes where the viewer was, playing if it was playing.
  const sourceObject = withoutQuery(sourceUrl);
  const latestSource = useRef(sourceUrl);
  latestSource.current = sourceUrl;
  const refused = useRef(onMediaRefused);
  refused.current = onMediaRefused;
  const resume = useRef<{ readonly at: number; readonly playing: boolean } | undefined>(undefined);

  useEffect(() => {
    const element = video.current;
    if (element === null || sourceUrl === "") return;
    const signed = (url: string) => withGrant(url, grant.current, cdnOrigin);
    const resumed = resume.current;
    resume.current = undefined;
    // The element outlives this effect: its listeners go with the player they belong to.
    const listening = new AbortController();
    const from = resumed?.at ?? startSeconds;
    const startAt = () => {
      if (from > 0 && Number.isFinite(element.duration)) {
        element.currentTime = Math.min(from, Math.max(0, element.duration - 0.5));
      }
    };
    element.addEventListener("loadedmetadata", startAt, { once: true });
    /** Asks for fresh URLs, then `retry` (which reads the refreshed grant through the ref). */
    const afterRefresh = (retry: () => void) =>
      void (refused.current?.() ?? Promise.resolve()).catch(() => undefined).finally(retry);
    if (isHls && Hls.isSupported()) {
      const player = new Hls({
        // Every playlist, segment and key request goes through here: the grant goes on each.
        xhrSetup: (xhr, url) => xhr.open("GET", signed(url), true),
        fetchSetup: (context, init) => new Request(signed(context.url), init),
        capLevelToPlayerSize: true,
        // A worker would need `blob:` scripts, which the pages' CSP refuses.
        enableWorker: false,
      });
      hls.current = player;
      player.on(Hls.Events.MANIFEST_PARSED, (_event, data) => setLevels(data.levels));
      player.on(Hls.Events.LEVEL_SWITCHED, () =>
        setLevel(player.autoLevelEnabled ? -1 : player.currentLevel),
      );
      // A refused or failed request: fetch a fresh grant (or the moved URLs) and load again, a few
      // times in a row at most, then say so.
      let networkRetries = 0;
      player.on(Hls.Events.FRAG_LOADED, () => (networkRetries = 0));
      player.on(Hls.Events.ERROR, (_event, data) => {
        if (!data.fatal) return;
        if (data.type === Hls.ErrorTypes.NETWORK_ERROR && networkRetries < 3) {
          networkRetries += 1;
          afterRefresh(() => {
            if (hls.current === player) player.startLoad();
          });
        } else if (data.type === Hls.ErrorTypes.NETWORK_ERROR)
          setFailure("The video stopped loading. Check your connection and reload the page.");
        else if (data.type === Hls.ErrorTypes.MEDIA_ERROR) player.recoverMediaError();
        else setFailure("The video could not be played. Reload the page to try again.");
      });
      player.loadSource(signed(latestSource.current));
      player.attachMedia(element);
    } else {
      // Native HLS (Safari) or MP4: the grant is on the URL itself, so a refused request means
      // loading the URL again with a fresh grant, from where the viewer was.
      let mediaRetries = 0;
      element.addEventListener("playing", () => (mediaRetries = 0), { signal: listening.signal });
      const reload = () => {
        if (mediaRetries >= 3) return;
        mediaRetries += 1;
        const at = element.currentTime;
        const playing = !element.paused;
        afterRefresh(() => {
          element.src = signed(latestSource.current);
          element.addEventListener("loadedmetadata", () => (element.currentTime = at), { once: true });
          if (playing) element.play().catch(() => undefined);
        });
      };
      element.addEventListener("error", reload, { signal: listening.signal });
      element.src = signed(latestSource.current);
    }
    if (autoPlay || resumed?.playing === true) element.play().catch(() => undefined);
    return () => {
      element.removeEventListener("loadedmetadata", startAt);
      listening.abort();
      resume.current = { at: element.currentTime, playing: !element.paused };
      hls.current?.destroy();
      hls.current = null;
    };
    // Keyed on the object, not the URL: a new grant must not restart playback, the ref carries it.
  }, [sourceObject, cdnOrigin, isHls, startSeconds, autoPlay]);

  // A track added after the video loaded (subtitles just uploaded) is not picked up by the
  // `default` attribute: show the first one when none is showing yet.
  const trackList = playback.subtitles.map((track) => track.url).join(" ");
  useEffect(() => {
    const tracks = video.current?.textTracks;
    if (tracks === undefined || tracks.length === 0 || trackList === "") return;
    if (![...tracks].some((track) => track.mode === "showing") && tracks[0] !== undefined)
      tracks[0].mode = "showing";
  }, [trackList]);

  useEffect(() => {
    const element = video.current;
    if (element === null || onTime === undefined) return;
    const report = () => onTime(element.currentTime);
    element.addEventListener("timeupdate", report);
    return () => element.removeEventListener("timeupdate", report);
  }, [onTime]);

  const chooseLevel = (chosen: number) => {
    setLevel(chosen);
    if (hls.current !== null) hls.current.currentLevel = chosen;
  };
  const chooseRate = (chosen: number) => {
    setRate(chosen);
    if (video.current !== null) video.current.playbackRate = chosen;
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const element = video.current;
    // Keys typed into the player's own menus are theirs.
    if (element === null || (event.target as HTMLElement).tagName === "SELECT") return;
    const command = commandForKey(event.key, event.shiftKey);
    if (command === undefined) return;
    event.preventDefault();
    switch (command.kind) {
      case "toggle-play":
        if (element.paused) element.play().catch(() => undefined);
        else element.pause();
        break;
      case "seek-by":
        element.currentTime = Math.max(0, element.currentTime + command.seconds);
        break;
      case "volume-by":
        element.volume = Math.min(1, Math.max(0, element.volume + command.step));
        break;
      case "toggle-mute":
        element.muted = !element.muted;
        break;
      case "toggle-captions": {
        const track = element.textTracks[0];
        if (track !== undefined) track.mode = track.mode === "showing" ? "hidden" : "showing";
        break;
      }
      case "toggle-fullscreen":
        if (document.fullscreenElement === null) frame.current?.requestFullscreen().catch(() => undefined);
        else document.exitFullscreen().catch(() => undefined);
        break;
      case "rate-by":
        chooseRate(nextRate(element.playbackRate, command.step));
        break;
    }
  };

  if (sourceUrl === "") {
    return <p className="player-empty">There is nothing to play yet.</p>;
  }
  const poster = playback.poster === null ? undefined : withGrant(playback.poster, playback.grant, cdnOrigin);
  return (
    <div className="player" ref={frame} onKeyDown={onKeyDown}>
      <div className={`player-frame ${playback.multiangle ? cropClass(crop) : ""}`}>
        <video
          ref={video}
          controls
          playsInline
          crossOrigin="anonymous"
          poster={poster}
          aria-label={`Video: ${title}`}
          data-testid="player-video"
        >
          {playback.subtitles.map((track, index) => (
            <track
              key={track.url}
              kind="subtitles"
              src={withGrant(track.url, playback.grant, cdnOrigin)}
              srcLang={track.language}
              label={track.label}
              default={index === 0}
            />
          ))}
        </video>
      </div>
      {failure === undefined ? null : (
        <p className="alert" role="alert">
          {failure}
        </p>
      )}
      <div className="player-controls">
        <label>
          Speed{" "}
          <select value={rate} onChange={(event) => chooseRate(Number(event.target.value))}>
            {PLAYBACK_RATES.map((offered) => (
              <option key={offered} value={offered}>
                {offered}×
              </option>
            ))}
          </select>
        </label>
        {levels.length > 1 ? (
          <label>
            Quality{" "}
            <select value={level} onChange={(event) => chooseLevel(Number(event.target.value))}>
              <option value={-1}>Automatic</option>
              {levels.map((offered, index) => (
                <option key={`${offered.height}-${offered.bitrate}`} value={index}>
                  {offered.height > 0 ? `${offered.height}p` : `${Math.round(offered.bitrate / 1000)} kb/s`}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        {playback.multiangle ? (
          <label>
            Camera{" "}
            <select value={crop} onChange={(event) => setCrop(event.target.value as Crop)}>
              {CROPS.map((offered) => (
                <option key={offered} value={offered}>
                  {CROP_LABELS[offered]}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <p className="hint keyboard-hint">
          Keys: space play/pause, ← → seek, ↑ ↓ volume, m mute, c captions, f full screen.
        </p>
      </div>
    </div>
  );
};
