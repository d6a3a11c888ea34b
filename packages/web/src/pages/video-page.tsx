import { useCallback, useState } from "react";
import type { FormEvent } from "react";
import { api, unwrap } from "../api/api-client.js";
import { messageOf } from "../api/api-error.js";
import { sendForm } from "../api/file-upload.js";
import type { Playback, Video } from "../api/schema-types.js";
import { Checkbox, FormField, FormResult, TextField } from "../components/form-field.js";
import type { FormOutcome } from "../components/form-field.js";
import { useLoaded } from "../components/use-loaded.js";
import { apiFieldErrors, parseGroupList, subtitleFormErrors, videoFormErrors } from "../forms/field-rules.js";
import { useFieldErrors } from "../forms/use-field-errors.js";
import { cdnOriginOf, withGrant } from "../player/cdn-grant.js";
import { usePlayback } from "../player/use-playback.js";
import { VideoPlayer } from "../player/video-player.js";
import { Link, useDocumentTitle, useLocation } from "../routing/navigation.js";
import { shareUrl, startSecondsOf } from "../routing/page-route.js";
import { formatDuration } from "../status/duration-text.js";
import { statusDisplay } from "../status/video-status-text.js";
import { Loading, PageFailure } from "./page-failure.js";

/**
 * Where "Download MP4" leads, if anywhere: a public video's download link (the service redirects
 * to its MP4), or for a protected video the MP4 source of the playback with the viewer's grant.
 * Nothing when there is no MP4 to play.
 */
export const downloadHref = (playback: Playback): string | undefined => {
  const mp4 = playback.sources.find((source) => source.type === "video/mp4");
  if (!playback.playable || mp4 === undefined) return undefined;
  if (playback.video.is_public) return `/videos/${playback.video.key}/download/`;
  return withGrant(mp4.src, playback.grant, cdnOriginOf([mp4.src]));
};

/** `/videos/<key>/`: the player, the video's details, sharing, and its admins' tools. */
export const VideoPage = ({ videoKey }: { readonly videoKey: string }) => {
  const { search } = useLocation();
  const [version, setVersion] = useState(0);
  const playbackState = usePlayback(videoKey, version);
  const collectionKey = playbackState.state === "ready" ? playbackState.playback.video.collection_key : "";
  // Whether the viewer administers the collection is the collection's to say.
  const { loaded: collection } = useLoaded(collectionKey, () =>
    collectionKey === ""
      ? Promise.resolve(null)
      : unwrap(api.GET("/api/v0/collections/{key}/", { params: { path: { key: collectionKey } } })).catch(
          () => null,
        ),
  );
  const [position, setPosition] = useState(0);
  const onTime = useCallback((seconds: number) => setPosition(seconds), []);
  const [startAtPosition, setStartAtPosition] = useState(false);
  useDocumentTitle(playbackState.state === "ready" ? playbackState.playback.video.title : "Video");

  if (playbackState.state === "loading") return <Loading what="the video" />;
  if (playbackState.state === "failed") return <PageFailure error={playbackState.error} />;
  const { playback } = playbackState;
  const video = playback.video;
  const isAdmin = collection.state === "ready" && collection.value?.is_admin === true;
  const display = statusDisplay(playback.status);
  const link = shareUrl(window.location.origin, video.key, startAtPosition ? position : 0);
  const embedSnippet = `<iframe src="${window.location.origin}/videos/${video.key}/embed/" width="960" height="540" title="${video.title.replace(/"/g, "&quot;")}" allow="fullscreen" allowfullscreen></iframe>`;
  const download = downloadHref(playback);
  const duration = formatDuration(playback.duration ?? video.duration);
  const changed = () => setVersion((previous) => previous + 1);

  return (
    <article aria-labelledby="video-title" className="video-page">
      <p className="breadcrumbs">
        <Link to="/collections/">Collections</Link> ›{" "}
        <Link to={`/collections/${video.collection_key}/`}>{video.collection_title}</Link>
      </p>
      <h1 id="video-title">{video.title}</h1>
      {playback.playable ? (
        <VideoPlayer
          playback={playback}
          title={video.title}
          startSeconds={startSecondsOf(search)}
          onTime={onTime}
          onMediaRefused={playbackState.refreshNow}
        />
      ) : (
        <p className={`status status-${display.tone}`} data-status={playback.status}>
          {display.label}: {display.explanation}
        </p>
      )}
      <dl className="facts">
        {duration === "" ? null : (
          <>
            <dt>Duration</dt>
            <dd>{duration}</dd>
          </>
        )}
        <dt>Status</dt>
        <dd data-status={playback.status}>{display.label}</dd>
        <dt>Visibility</dt>
        <dd>
          {video.is_public
            ? "Public"
            : video.is_private
              ? "Private (collection admins only)"
              : "Collection viewers"}
        </dd>
      </dl>
      {video.description === "" ? null : <p className="description">{video.description}</p>}
      {video.cta_link === null || video.cta_link === "" ? null : (
        <p>
          <a href={video.cta_link} rel="noopener noreferrer" target="_blank">
            Learn more
          </a>
        </p>
      )}
      <section aria-labelledby="share-title" className="panel">
        <h2 id="share-title">Share</h2>
        <FormField label="Link to this video">
          {(control) => (
            <input {...control} readOnly value={link} onFocus={(event) => event.target.select()} />
          )}
        </FormField>
        <Checkbox
          label={`Start at ${formatDuration(position) || "0:00"}`}
          checked={startAtPosition}
          onChange={setStartAtPosition}
        />
        <FormField label="Embed code">
          {(control) => (
            <textarea
              {...control}
              readOnly
              value={embedSnippet}
              rows={3}
              onFocus={(event) => event.target.select()}
            />
          )}
        </FormField>
        {download === undefined ? null : (
          <p>
            <a href={download} download className="download-link">
              Download MP4
            </a>
          </p>
        )}
      </section>
      {isAdmin ? <VideoAdminTools video={video} onChanged={changed} /> : null}
    </article>
  );
};

type Visibility = "public" | "viewers" | "private";

const visibilityOf = (video: Video): Visibility =>
  video.is_public ? "public" : video.is_private ? "private" : "viewers";

/** Editing, subtitles and thumbnail: for the collection's admins. */
const VideoAdminTools = ({ video, onChanged }: { readonly video: Video; readonly onChanged: () => void }) => {
  const [title, setTitle] = useState(video.title);
  const [description, setDescription] = useState(video.description);
  const [visibility, setVisibility] = useState<Visibility>(visibilityOf(video));
  const [viewLists, setViewLists] = useState(video.view_lists.join("\n"));
  const [ctaLink, setCtaLink] = useState(video.cta_link ?? "");
  const { formRef, errors, check, edit } = useFieldErrors();
  const [result, setResult] = useState<FormOutcome>(undefined);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!check(videoFormErrors({ title, ctaLink, viewLists }))) return;
    try {
      await unwrap(
        api.PATCH("/api/v0/videos/{key}/", {
          params: { path: { key: video.key } },
          body: {
            title: title.trim(),
            description,
            cta_link: ctaLink.trim() === "" ? null : ctaLink.trim(),
            view_lists: [...parseGroupList(viewLists)],
            is_public: visibility === "public",
            is_private: visibility === "private",
          },
        }),
      );
      setResult({ ok: true, text: "Saved." });
      onChanged();
    } catch (error) {
      check(apiFieldErrors(error, ["title", "cta_link", "view_lists"]));
      setResult({ ok: false, text: messageOf(error, "Not saved.") });
    }
  };

  return (
    <>
      <section aria-labelledby="edit-title" className="panel">
        <h2 id="edit-title">Edit video</h2>
        <form ref={formRef} onSubmit={(event) => void save(event)} noValidate>
          <FormResult result={result} />
          <TextField label="Title" error={errors["title"]} value={title} onChange={edit("title", setTitle)} />
          <TextField label="Description" multiline value={description} onChange={setDescription} />
          <fieldset>
            <legend>Who may watch</legend>
            {(
              [
                ["public", "Anyone with the link"],
                ["viewers", "The collection’s viewers and the groups below"],
                ["private", "Only the collection’s admins (private)"],
              ] as const
            ).map(([value, label]) => (
              <label key={value} className="checkbox">
                <input
                  type="radio"
                  name="visibility"
                  value={value}
                  checked={visibility === value}
                  onChange={() => setVisibility(value)}
                />{" "}
                {label}
              </label>
            ))}
          </fieldset>
          <TextField
            label="More view groups"
            hint="One per line, or separated by commas."
            error={errors["view_lists"]}
            multiline
            value={viewLists}
            onChange={edit("view_lists", setViewLists)}
          />
          <TextField
            label="Call-to-action link"
            hint="Shown under the video; https://…"
            error={errors["cta_link"]}
            type="url"
            value={ctaLink}
            onChange={edit("cta_link", setCtaLink)}
          />
          <button type="submit">Save changes</button>
        </form>
      </section>
      <SubtitlesPanel video={video} onChanged={onChanged} />
      <ThumbnailPanel video={video} onChanged={onChanged} />
    </>
  );
};

const SubtitlesPanel = ({ video, onChanged }: { readonly video: Video; readonly onChanged: () => void }) => {
  const [language, setLanguage] = useState("en");
  const [file, setFile] = useState<File | null>(null);
  const { formRef, errors, check, edit } = useFieldErrors();
  const [result, setResult] = useState<FormOutcome>(undefined);

  const upload = async (event: FormEvent) => {
    event.preventDefault();
    if (!check(subtitleFormErrors({ language, fileName: file?.name ?? null })) || file === null) return;
    const form = new FormData();
    form.append("video", video.key);
    form.append("language", language.trim());
    form.append("filename", file.name);
    form.append("file", file, file.name);
    try {
      await sendForm("POST", "/api/v0/upload_subtitles/", form).done;
      setResult({ ok: true, text: "Subtitles added." });
      onChanged();
    } catch (error) {
      setResult({ ok: false, text: messageOf(error, "Not added.") });
    }
  };
  const remove = async (id: number) => {
    try {
      await unwrap(api.DELETE("/api/v0/subtitles/{id}/", { params: { path: { id } } }));
      setResult({ ok: true, text: "Subtitles deleted." });
      onChanged();
    } catch (error) {
      setResult({ ok: false, text: messageOf(error, "Not deleted.") });
    }
  };

  return (
    <section aria-labelledby="subtitles-title" className="panel">
      <h2 id="subtitles-title">Subtitles</h2>
      <FormResult result={result} />
      {video.videosubtitle_set.length === 0 ? (
        <p className="hint">No subtitles yet.</p>
      ) : (
        <ul className="subtitle-list">
          {video.videosubtitle_set.map((subtitle) => (
            <li key={subtitle.id}>
              {subtitle.language_name ?? subtitle.language} ({subtitle.filename}){" "}
              <button
                type="button"
                className="secondary"
                onClick={() => void remove(subtitle.id)}
                aria-label={`Delete the ${subtitle.language_name ?? subtitle.language} subtitles`}
              >
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
      <form ref={formRef} onSubmit={(event) => void upload(event)} noValidate>
        <TextField
          label="Language code"
          hint="Two letters, e.g. en, fr, es."
          error={errors["language"]}
          maxLength={2}
          value={language}
          onChange={edit("language", setLanguage)}
        />
        <FormField label="Subtitle file (.vtt or .srt)" error={errors["file"]}>
          {(control) => (
            <input
              {...control}
              type="file"
              accept=".vtt,.srt"
              onChange={(event) => edit("file", setFile)(event.target.files?.[0] ?? null)}
            />
          )}
        </FormField>
        <button type="submit">Upload subtitles</button>
      </form>
    </section>
  );
};

const ThumbnailPanel = ({ video, onChanged }: { readonly video: Video; readonly onChanged: () => void }) => {
  const [result, setResult] = useState<FormOutcome>(undefined);
  const replace = async (file: File) => {
    const form = new FormData();
    form.append("thumbnail", file, file.name);
    try {
      await sendForm("PATCH", `/api/v0/videos/${video.key}/thumbnail/`, form).done;
      setResult({ ok: true, text: "Thumbnail replaced." });
      onChanged();
    } catch (error) {
      setResult({ ok: false, text: messageOf(error, "Not replaced.") });
    }
  };
  return (
    <section aria-labelledby="thumbnail-title" className="panel">
      <h2 id="thumbnail-title">Thumbnail</h2>
      <FormResult result={result} />
      <FormField label="Replace the thumbnail" hint="A JPEG or PNG image.">
        {(control) => (
          <input
            {...control}
            type="file"
            accept="image/jpeg,image/png"
            onChange={(event) => {
              const file = event.target.files?.[0];
              if (file !== undefined) void replace(file);
            }}
          />
        )}
      </FormField>
    </section>
  );
};
