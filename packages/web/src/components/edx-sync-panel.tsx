import { useEffect, useState } from "react";
import { api, unwrap } from "../api/api-client.js";
import { messageOf } from "../api/api-error.js";
import type { Collection, EdxPost } from "../api/schema-types.js";
import {
  EDX_OUTCOME_TEXT,
  EDX_SYNC_POLL_MS,
  EDX_SYNC_WATCH_MS,
  edxAnswerText,
  postTimes,
  syncProgressText,
  videosAnswered,
} from "../status/edx-post-text.js";
import { DataTable } from "./data-table.js";
import type { Column } from "./data-table.js";
import { FormAlert } from "./form-field.js";
import { useLoaded } from "./use-loaded.js";

const COLUMNS: ReadonlyArray<Column<EdxPost>> = [
  { header: "Video", cell: (post) => post.video_title },
  { header: "Endpoint", cell: (post) => post.endpoint_name },
  { header: "Outcome", cell: (post) => EDX_OUTCOME_TEXT[post.outcome] },
  { header: "edX answer", cell: edxAnswerText },
  {
    header: "Retry",
    cell: (post) => (post.retrying ? `retrying (attempt ${post.attempt} failed)` : "—"),
  },
  {
    header: "Time",
    cell: (post) => <time dateTime={post.posted_at}>{new Date(post.posted_at).toLocaleString()}</time>,
  },
];

interface StartedSync {
  readonly message: string;
  readonly toPost: ReadonlyArray<string>;
  readonly refused: ReadonlyArray<{ readonly key: string; readonly title: string; readonly reason: string }>;
  readonly clickedAtMs: number;
  readonly before: ReadonlyMap<string, string> | null;
}

/**
 * Collection settings → Sync to edX: the button, then what edX answered for each video and
 * endpoint (the last post of each). After a sync the list is read again every 2 s for up to 30 s,
 * or until every video the sync queued has a newer record, with the progress in a live region;
 * the videos the sync left out stay listed with the reason.
 */
export const EdxSyncPanel = ({ collection }: { readonly collection: Collection }) => {
  const { loaded, reload } = useLoaded(collection.key, () =>
    unwrap(api.GET("/api/v0/collections/{key}/edx_posts/", { params: { path: { key: collection.key } } })),
  );
  const [sync, setSync] = useState<StartedSync | undefined>(undefined);
  const [refusal, setRefusal] = useState<string | undefined>(undefined);
  const [watching, setWatching] = useState(false);
  const posts = loaded.state === "ready" ? loaded.value.results : [];
  const answered =
    sync === undefined ? 0 : videosAnswered(sync.toPost, posts, sync.before, sync.clickedAtMs).size;
  const total = sync?.toPost.length ?? 0;
  const allAnswered = answered >= total;

  useEffect(() => {
    if (!watching) return;
    const poll = setInterval(() => void reload(), EDX_SYNC_POLL_MS);
    const stop = setTimeout(() => setWatching(false), EDX_SYNC_WATCH_MS);
    return () => {
      clearInterval(poll);
      clearTimeout(stop);
    };
  }, [watching, reload]);
  useEffect(() => {
    if (watching && allAnswered) setWatching(false);
  }, [watching, allAnswered]);

  const start = async () => {
    setRefusal(undefined);
    const clickedAtMs = Date.now();
    const before = loaded.state === "ready" ? postTimes(loaded.value.results) : null;
    try {
      const answer = await unwrap(
        api.POST("/api/v0/sync_collection_videos_with_edx/", { body: { collection_id: collection.key } }),
      );
      setSync({
        message: answer.message,
        toPost: answer.to_post.map((video) => video.key),
        refused: answer.refused,
        clickedAtMs,
        before,
      });
      setWatching(answer.to_post.length > 0);
    } catch (error) {
      setSync(undefined);
      setRefusal(messageOf(error, "The sync was refused."));
    }
  };

  const noCourse = collection.edx_course_id === null || collection.edx_course_id === "";
  return (
    <section aria-labelledby="edx-sync-title" className="panel">
      <h2 id="edx-sync-title">Sync to edX</h2>
      <p className="hint">Posts every ready video of this collection to the edX endpoints of its course.</p>
      <button type="button" onClick={() => void start()} disabled={noCourse || watching}>
        {watching ? "Syncing…" : "Sync videos to edX"}
      </button>
      <FormAlert message={refusal} />
      <p role="status" aria-live="polite" className="sync-progress">
        {sync === undefined ? "" : `${sync.message} ${syncProgressText(answered, total, watching)}`}
      </p>
      {sync === undefined || sync.refused.length === 0 ? null : (
        <>
          <h3>Left out of the sync</h3>
          <ul className="refused-videos">
            {sync.refused.map((video) => (
              <li key={video.key}>
                {video.title}: {video.reason}
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>Last result per video and endpoint</h3>
      {loaded.state === "loading" ? (
        <p className="loading">Loading the edX results…</p>
      ) : loaded.state === "failed" ? (
        <FormAlert message={messageOf(loaded.error, "The edX results could not be read.")} />
      ) : posts.length > 0 ? null : noCourse ? (
        <p className="empty">
          No edX endpoint is linked: this collection has no edX course id, so nothing is posted to edX. Enter
          the course id above and save to link the course’s endpoint.
        </p>
      ) : (
        <p className="empty">
          Nothing has been posted to edX yet. If syncing says the collection has no edX endpoint, ask staff to
          add one for its course.
        </p>
      )}
      {posts.length === 0 ? null : (
        <DataTable
          caption="What edX answered"
          columns={COLUMNS}
          rows={posts}
          rowKey={(post) => `${post.video_key}|${post.endpoint_id}`}
        />
      )}
    </section>
  );
};
