import { useEffect, useMemo, useState } from "react";
import { api, unwrap } from "../api/api-client.js";
import { useLoaded } from "../components/use-loaded.js";
import { UploadDialog } from "../components/upload-dialog.js";
import { VideoCard } from "../components/video-card.js";
import { Link, useDocumentTitle } from "../routing/navigation.js";
import { useLiveStatuses } from "../status/status-polling.js";
import { statusDisplay } from "../status/video-status-text.js";
import { Loading, PageFailure } from "./page-failure.js";

/** Cards rendered at first and added by "Show more": a 1,000-video collection stays responsive. */
export const CARDS_PER_STEP = 48;

/** `/collections/<key>/`: the collection's videos as cards, with upload and settings for its admins. */
export const CollectionPage = ({ collectionKey }: { readonly collectionKey: string }) => {
  const { loaded, reload } = useLoaded(collectionKey, () =>
    unwrap(api.GET("/api/v0/collections/{key}/", { params: { path: { key: collectionKey } } })),
  );
  const [shown, setShown] = useState(CARDS_PER_STEP);
  const [filter, setFilter] = useState("");
  const [uploading, setUploading] = useState(false);
  const collection = loaded.state === "ready" ? loaded.value : undefined;
  useDocumentTitle(collection?.title ?? "Collection");

  const videos = useMemo(() => collection?.videos ?? [], [collection]);
  const { live, note } = useLiveStatuses(videos);
  // A video that reached an end (Ready, or failed) since the collection was read: read it again,
  // for its thumbnail and files.
  const ended = videos.filter((video) => {
    const now = live.get(video.key)?.status;
    return now !== undefined && now !== video.status && !statusDisplay(now).inProgress;
  }).length;
  useEffect(() => {
    if (ended > 0) void reload();
  }, [ended, reload]);

  if (loaded.state === "loading") return <Loading what="the collection" />;
  if (loaded.state === "failed") return <PageFailure error={loaded.error} />;
  const { value } = loaded;
  const matching =
    filter.trim() === ""
      ? videos
      : videos.filter((video) => video.title.toLowerCase().includes(filter.trim().toLowerCase()));

  return (
    <section aria-labelledby="collection-title">
      <p className="breadcrumbs">
        <Link to="/collections/">Collections</Link>
      </p>
      <div className="page-heading">
        <h1 id="collection-title">{value.title}</h1>
        {value.is_admin ? (
          <div className="actions">
            <button type="button" onClick={() => setUploading(true)}>
              Upload videos
            </button>
            <Link className="button secondary" to={`/collections/${value.key}/settings/`}>
              Settings
            </Link>
          </div>
        ) : null}
      </div>
      {value.description === null || value.description === "" ? null : <p>{value.description}</p>}
      {videos.length === 0 ? (
        <p className="empty">No videos yet.{value.is_admin ? " Use “Upload videos” to add some." : ""}</p>
      ) : (
        <>
          {videos.length > CARDS_PER_STEP ? (
            <div className="field inline-field">
              <label htmlFor="video-filter">Find a video by title</label>
              <input
                id="video-filter"
                type="search"
                value={filter}
                onChange={(event) => setFilter(event.target.value)}
              />
            </div>
          ) : null}
          <p className="hint" role="status">
            {matching.length === videos.length
              ? `${videos.length} video${videos.length === 1 ? "" : "s"}`
              : `${matching.length} of ${videos.length} videos match`}
          </p>
          <ul className="video-grid">
            {matching.slice(0, shown).map((video) => (
              <VideoCard
                key={video.key}
                video={video}
                live={live.get(video.key)}
                isAdmin={value.is_admin}
                onRetried={note}
              />
            ))}
          </ul>
          {matching.length > shown ? (
            <button type="button" className="secondary" onClick={() => setShown(shown + CARDS_PER_STEP)}>
              Show more videos ({matching.length - shown} more)
            </button>
          ) : null}
        </>
      )}
      <UploadDialog
        open={uploading}
        collectionKey={value.key}
        onClose={() => setUploading(false)}
        onUploaded={() => void reload()}
      />
    </section>
  );
};
