import { Link, useDocumentTitle } from "../routing/navigation.js";
import { useSession } from "../session/session-context.js";

/** `/help/`: how to use the service, in a page. */
export const HelpPage = () => {
  const me = useSession();
  useDocumentTitle("Help");
  return (
    <article aria-labelledby="help-title" className="prose">
      <h1 id="help-title">Help</h1>
      <h2>Watching</h2>
      <p>
        Open a video from its collection or from a link someone shared. The player has captions (button{" "}
        <kbd>c</kbd>), speeds, and, for recordings of several cameras, a choice of camera. Keys:{" "}
        <kbd>space</kbd> plays and pauses, <kbd>←</kbd> <kbd>→</kbd> move by five seconds, <kbd>↑</kbd>{" "}
        <kbd>↓</kbd> change the volume, <kbd>f</kbd> is full screen.
      </p>
      <h2>Sharing</h2>
      <p>
        The video page gives a link (tick “Start at” to start where you are) and the code to embed the player
        in another site. People still need to be allowed to see the video: public videos play for anyone;
        others only for the collection’s view groups after they sign in.
      </p>
      <h2>Managing a collection</h2>
      <p>
        Admins of a collection see “Upload videos” and “Settings” on its page. Uploads are converted for
        streaming; the card shows the progress and says what went wrong when something did. Subtitles (WebVTT
        or SRT) and a new thumbnail are added on the video page.
      </p>
      <h2>Scripts</h2>
      <p>
        <Link to="/tokens/">API tokens</Link> let scripts use the JSON API as you. The API is described at{" "}
        <a href="/api/v0/openapi.json">/api/v0/openapi.json</a>.
      </p>
      <h2>Still stuck?</h2>
      <p>
        Write to <a href={`mailto:${me.support_email}`}>{me.support_email}</a>.
      </p>
    </article>
  );
};
