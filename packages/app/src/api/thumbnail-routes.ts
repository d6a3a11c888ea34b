import Router from "@koa/router";
import { ThumbnailTooLarge, videoPayload } from "@ovs/domain";
import { promised } from "../composition/promised.js";
import type { UseCases } from "../composition/use-cases.js";
import type { HttpAnswerOptions } from "../http/errors.js";
import { parameter, principalOf } from "./api-context.js";
import { readMultipartBody } from "./multipart-body.js";

/** Upstream's `THUMBNAIL_UPLOAD_MAX_SIZE` default, for a router composed without the domain settings. */
export const DEFAULT_THUMBNAIL_MAX_UPLOAD_BYTES = 1024 * 1024;

/**
 * `PATCH /api/v0/videos/<key>/thumbnail/`: a JPEG or PNG in the multipart field `thumbnail`
 * replaces the video's thumbnail; 201 when the video had none, 200 when it is replaced, with the
 * video as its viewer sees it. Validation errors answer `{"error": …}`, an image over
 * `maxUploadBytes` 413, refused as soon as its bytes pass the limit.
 */
export const thumbnailRoutes = (input: { readonly useCases: UseCases; readonly maxUploadBytes: number }) => {
  const { useCases, maxUploadBytes } = input;
  const router = new Router();

  router.patch("/api/v0/videos/:key/thumbnail/", async (ctx) => {
    const answerOptions: HttpAnswerOptions = { invalidInput: "errorMessage" };
    ctx.state["httpAnswerOptions"] = answerOptions;
    const form = await readMultipartBody(ctx, {
      fileField: "thumbnail",
      fileLimitBytes: maxUploadBytes,
      tooLarge: (seenBytes) => new ThumbnailTooLarge({ size: seenBytes, maxBytes: maxUploadBytes }),
    });
    const upload = form.file === null ? null : { contentType: form.file.contentType, bytes: form.file.bytes };
    const uploaded = await promised(
      useCases.uploadThumbnail.run(principalOf(ctx), parameter(ctx, "key"), upload),
    );
    const { details, principal, mediaUrl } = uploaded.video;
    ctx.body = videoPayload(details, principal, mediaUrl);
    ctx.status = uploaded.outcome === "Created" ? 201 : 200;
  });

  return router;
};
