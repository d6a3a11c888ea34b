import Router from "@koa/router";
import { InvalidInput } from "@ovs/domain";
import type { FieldProblem } from "@ovs/domain";
import { promised } from "../composition/promised.js";
import type { UseCases } from "../composition/use-cases.js";
import { principalOf } from "./api-context.js";
import { openMultipartStream } from "./multipart-stream.js";

/** `OVS_MAX_UPLOAD_BYTES`'s default (20 GiB), for a router composed without the config. */
export const DEFAULT_VIDEO_MAX_UPLOAD_BYTES = 20 * 1024 * 1024 * 1024;

/**
 * `POST /api/v0/upload_file/`: a video file sent straight to OVS, as `multipart/form-data` with
 * the text field `collection` (the collection's key) before the file part `file`. The file
 * streams into the upload bucket as it arrives, never held whole; the first byte past
 * `maxUploadBytes` answers 413 and leaves nothing stored. 202 with upstream's upload shape,
 * `{ <video key>: { s3key, title } }`, once the video is created and queued for transcoding.
 */
export const uploadFileRoutes = (input: { readonly useCases: UseCases; readonly maxUploadBytes: number }) => {
  const { useCases, maxUploadBytes } = input;
  const router = new Router();

  router.post("/api/v0/upload_file/", async (ctx) => {
    const form = await openMultipartStream(ctx, { fileField: "file", fileLimitBytes: maxUploadBytes });
    try {
      const collection = form.fields.get("collection");
      const problems: Array<FieldProblem> = [];
      if (collection === undefined) {
        problems.push({
          field: "collection",
          message:
            form.file === null ? "This field is required." : "This field is required, before the file.",
        });
      }
      if (form.file === null) problems.push({ field: "file", message: "No file was submitted." });
      if (problems.length > 0 || collection === undefined || form.file === null) {
        throw new InvalidInput({ problems });
      }
      const { filename, contentType, body } = form.file;
      ctx.body = await promised(
        useCases.uploadVideoFile.run(principalOf(ctx), {
          collection,
          filename: filename ?? "",
          contentType,
          body,
        }),
      ).catch((error: unknown) => {
        // The store stopped because the edge cut the file: answer the edge's refusal (413, 400).
        const cut = form.failure();
        throw cut !== undefined && (error as { _tag?: unknown })._tag === "SourceStreamFailed" ? cut : error;
      });
      ctx.status = 202;
    } finally {
      form.finish();
    }
  });

  return router;
};
