import { ApiError } from "./api-error.js";
import { CSRF_HEADER, csrfTokenFrom } from "./csrf-token.js";

export interface UploadProgress {
  readonly loaded: number;
  readonly total: number;
}

export interface RunningUpload {
  /** Resolves with the API's answer (the new videos by key), rejects with an `ApiError`. */
  readonly done: Promise<unknown>;
  /** Stops sending; `done` then rejects with an `UploadCancelled`. */
  readonly cancel: () => void;
}

export class UploadCancelled extends Error {
  constructor() {
    super("The upload was cancelled.");
    this.name = "UploadCancelled";
  }
}

/**
 * Sends a multipart form with XMLHttpRequest rather than fetch: only XHR reports upload progress
 * and can be aborted mid-body in every browser. Used for video files (`upload_file`), thumbnails
 * and subtitles.
 */
export const sendForm = (
  method: "POST" | "PATCH",
  url: string,
  form: FormData,
  onProgress?: (progress: UploadProgress) => void,
): RunningUpload => {
  const request = new XMLHttpRequest();
  const done = new Promise<unknown>((resolve, reject) => {
    request.open(method, url);
    const token = csrfTokenFrom(document.cookie);
    if (token !== undefined) request.setRequestHeader(CSRF_HEADER, token);
    request.setRequestHeader("Accept", "application/json");
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress?.({ loaded: event.loaded, total: event.total });
    });
    request.addEventListener("load", () => {
      let body: unknown;
      try {
        body = request.responseText === "" ? undefined : (JSON.parse(request.responseText) as unknown);
      } catch {
        body = undefined;
      }
      if (request.status >= 200 && request.status < 300) resolve(body);
      else reject(new ApiError(request.status, body));
    });
    request.addEventListener("error", () => reject(new ApiError(0, undefined)));
    request.addEventListener("abort", () => reject(new UploadCancelled()));
    request.send(form);
  });
  return { done, cancel: () => request.abort() };
};

/** `POST /api/v0/upload_file/`: the collection first, then the file, as the route reads them. */
export const uploadVideoFile = (
  collectionKey: string,
  file: File,
  onProgress: (progress: UploadProgress) => void,
): RunningUpload => {
  const form = new FormData();
  form.append("collection", collectionKey);
  form.append("file", file, file.name);
  return sendForm("POST", "/api/v0/upload_file/", form, onProgress);
};
