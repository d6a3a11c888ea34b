import Router from "@koa/router";
import { hexKey } from "@ovs/domain";
import { promised } from "../composition/promised.js";
import type { UseCases } from "../composition/use-cases.js";
import { parameter, principalOf } from "./api-context.js";
import type { ReadJson } from "./api-options.js";

/**
 * Getting videos in: Dropbox chooser entries and URLs (`upload_videos`), replacing a video's
 * source, retrying a failed upload, and asking for an edX sync. Each answers as soon as the work is
 * queued; the video's status tells how it goes.
 */
export const ingestRoutes = (input: { readonly useCases: UseCases; readonly readJson: ReadJson }) => {
  const { useCases, readJson } = input;
  const router = new Router();

  router.post("/api/v0/upload_videos/", async (ctx) => {
    ctx.body = await promised(useCases.uploadVideosFromSource.run(principalOf(ctx), await readJson(ctx)));
    ctx.status = 202;
  });

  router.post("/api/v0/replace_video/", async (ctx) => {
    const replaced = await promised(useCases.replaceVideoSource.run(principalOf(ctx), await readJson(ctx)));
    ctx.body = replaced;
    ctx.status = 202;
  });

  router.post("/api/v0/videos/:key/retry_upload/", async (ctx) => {
    const retried = await promised(useCases.retryFailedUpload.run(principalOf(ctx), parameter(ctx, "key")));
    ctx.body = { key: hexKey(retried.videoKey), outcome: retried.outcome };
    ctx.status = retried.outcome === "retried" ? 202 : 409;
  });

  router.post("/api/v0/sync_collection_videos_with_edx/", async (ctx) => {
    const requested = await promised(
      useCases.requestCollectionSync.run(principalOf(ctx), await readJson(ctx)),
    );
    // Upstream's 202 body, and what will be posted and what is refused, video by video.
    const { toPost, refused } = requested.report;
    ctx.body = {
      ...requested.accepted,
      to_post: toPost.map((video) => ({ key: hexKey(video.videoKey), title: video.title })),
      refused: refused.map((video) => ({
        key: hexKey(video.videoKey),
        title: video.title,
        reason: video.reason,
      })),
    };
    ctx.status = 202;
  });

  return router;
};
