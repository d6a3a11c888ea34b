import { useRef, useState } from "react";
import type { FormEvent } from "react";
import { api, unwrap } from "../api/api-client.js";
import { messageOf } from "../api/api-error.js";
import { UploadCancelled, uploadVideoFile } from "../api/file-upload.js";
import type { RunningUpload } from "../api/file-upload.js";
import { parseVideoLinks } from "../forms/field-rules.js";
import { useSession } from "../session/session-context.js";
import { chooseFromDropbox } from "./dropbox-chooser.js";
import { FormAlert, FormField } from "./form-field.js";
import { ModalDialog } from "./modal-dialog.js";

interface FileUpload {
  readonly name: string;
  readonly loaded: number;
  readonly total: number;
  readonly state: "sending" | "done" | "cancelled" | "failed";
  readonly message?: string;
}

/**
 * Adding videos to a collection: files from disk (sent one after another, each with a progress
 * bar and a cancel button), links to video files, and Dropbox when the service has a Dropbox key.
 */
export const UploadDialog = ({
  open,
  collectionKey,
  onClose,
  onUploaded,
}: {
  readonly open: boolean;
  readonly collectionKey: string;
  readonly onClose: () => void;
  readonly onUploaded: () => void;
}) => {
  const me = useSession();
  const [uploads, setUploads] = useState<ReadonlyArray<FileUpload>>([]);
  const running = useRef<RunningUpload | null>(null);
  const [links, setLinks] = useState("");
  const [linkError, setLinkError] = useState<string | undefined>(undefined);
  const [message, setMessage] = useState<string | undefined>(undefined);
  const [refusal, setRefusal] = useState<string | undefined>(undefined);

  const update = (index: number, change: Partial<FileUpload>) =>
    setUploads((previous) =>
      previous.map((upload, at) => (at === index ? { ...upload, ...change } : upload)),
    );

  const sendFiles = async (files: ReadonlyArray<File>) => {
    const first = uploads.length;
    setUploads((previous) => [
      ...previous,
      ...files.map((file) => ({ name: file.name, loaded: 0, total: file.size, state: "sending" as const })),
    ]);
    for (const [offset, file] of files.entries()) {
      const index = first + offset;
      const upload = uploadVideoFile(collectionKey, file, (progress) =>
        update(index, { loaded: progress.loaded, total: progress.total }),
      );
      running.current = upload;
      try {
        await upload.done;
        update(index, { state: "done", loaded: file.size });
        onUploaded();
      } catch (error) {
        update(index, {
          state: error instanceof UploadCancelled ? "cancelled" : "failed",
          message: messageOf(error, "The upload failed."),
        });
      }
    }
    running.current = null;
  };

  const sendLinks = async (files: ReadonlyArray<{ readonly name: string; readonly link: string }>) => {
    setRefusal(undefined);
    setMessage(undefined);
    try {
      await unwrap(
        api.POST("/api/v0/upload_videos/", { body: { collection: collectionKey, files: [...files] } }),
      );
      setMessage(`${files.length} video${files.length === 1 ? "" : "s"} added; they are being fetched.`);
      onUploaded();
    } catch (error) {
      setRefusal(messageOf(error, "The videos could not be added."));
    }
  };

  const submitLinks = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseVideoLinks(links);
    setLinkError(parsed.error ?? (parsed.links.length === 0 ? "Paste at least one link." : undefined));
    if (parsed.error !== undefined || parsed.links.length === 0) return;
    void sendLinks(parsed.links).then(() => setLinks(""));
  };

  const fromDropbox = async () => {
    if (me.dropbox_key === null) return;
    try {
      const files = await chooseFromDropbox(me.dropbox_key);
      if (files.length > 0) await sendLinks(files.map((file) => ({ name: file.name, link: file.link })));
    } catch (error) {
      setRefusal(messageOf(error, "Dropbox could not be opened."));
    }
  };

  return (
    <ModalDialog title="Upload videos" open={open} onClose={onClose}>
      <FormAlert message={refusal} />
      {message === undefined ? null : (
        <p className="notice" role="status">
          {message}
        </p>
      )}
      <section aria-labelledby="upload-files-title" className="upload-section">
        <h3 id="upload-files-title">From your computer</h3>
        <FormField label="Video files" hint="MP4, MOV and most other video formats.">
          {(control) => (
            <input
              {...control}
              type="file"
              accept="video/*"
              multiple
              onChange={(event) => {
                const files = [...(event.target.files ?? [])];
                event.target.value = "";
                if (files.length > 0) void sendFiles(files);
              }}
            />
          )}
        </FormField>
        {uploads.length === 0 ? null : (
          <ul className="uploads">
            {uploads.map((upload, index) => (
              <li key={`${upload.name}-${index}`}>
                <span className="upload-name">{upload.name}</span>
                <progress
                  max={upload.total || 1}
                  value={upload.loaded}
                  aria-label={`Upload of ${upload.name}`}
                />
                <span className="upload-state" data-state={upload.state}>
                  {upload.state === "sending"
                    ? `${Math.floor((100 * upload.loaded) / (upload.total || 1))}%`
                    : upload.state === "done"
                      ? "Uploaded"
                      : upload.state === "cancelled"
                        ? "Cancelled"
                        : `Failed: ${upload.message ?? ""}`}
                </span>
                {upload.state === "sending" ? (
                  <button type="button" className="secondary" onClick={() => running.current?.cancel()}>
                    Cancel
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="upload-links-title" className="upload-section">
        <h3 id="upload-links-title">From links</h3>
        <form onSubmit={submitLinks} noValidate>
          <FormField label="Links to video files" hint="One https:// link per line." error={linkError}>
            {(control) => (
              <textarea
                {...control}
                value={links}
                onChange={(event) => {
                  setLinks(event.target.value);
                  setLinkError(undefined);
                }}
              />
            )}
          </FormField>
          <button type="submit">Add from links</button>
        </form>
      </section>
      {me.dropbox_key === null ? null : (
        <section aria-labelledby="upload-dropbox-title" className="upload-section">
          <h3 id="upload-dropbox-title">From Dropbox</h3>
          <button type="button" onClick={() => void fromDropbox()}>
            Choose from Dropbox
          </button>
        </section>
      )}
    </ModalDialog>
  );
};
