import { ApiError } from "../api/api-error.js";
import { usePlayback } from "../player/use-playback.js";
import { VideoPlayer } from "../player/video-player.js";
import { useDocumentTitle, useLocation } from "../routing/navigation.js";
import { signInUrl, startSecondsOf } from "../routing/page-route.js";
import { statusDisplay } from "../status/video-status-text.js";

/**
 * `/videos/<key>/embed/`: the player alone, for other sites' iframes (the only frameable page).
 * Sign-in cannot happen inside another site's frame, so it opens in a new tab.
 */
export const EmbedPage = ({ videoKey }: { readonly videoKey: string }) => {
  const { search } = useLocation();
  const state = usePlayback(videoKey);
  useDocumentTitle(state.state === "ready" ? state.playback.video.title : "Video");
  if (state.state === "loading") return <p role="status">Loading the video…</p>;
  if (state.state === "failed") {
    const signIn = state.error instanceof ApiError && state.error.status === 403;
    return (
      <div className="embed-message">
        <h1>{signIn ? "Sign in to watch this video" : "This video can’t be shown"}</h1>
        {signIn ? (
          <p>
            <a href={signInUrl(`/videos/${videoKey}/`)} target="_blank" rel="noopener">
              Sign in (opens a new tab)
            </a>
            , then reload this page.
          </p>
        ) : (
          <p>It doesn’t exist, or it isn’t shared with you.</p>
        )}
      </div>
    );
  }
  const { playback } = state;
  if (!playback.playable) {
    const display = statusDisplay(playback.status);
    return (
      <div className="embed-message">
        <h1>{playback.video.title}</h1>
        <p data-status={playback.status}>
          {display.label}. {display.explanation}
        </p>
      </div>
    );
  }
  return (
    <div className="embed">
      <h1 className="visually-hidden">{playback.video.title}</h1>
      <VideoPlayer
        playback={playback}
        title={playback.video.title}
        startSeconds={startSecondsOf(search)}
        onMediaRefused={state.refreshNow}
      />
    </div>
  );
};
