import Router from "@koa/router";
import type { Context } from "koa";
import { videoPayload } from "@ovs/domain";
import type { VideoView } from "@ovs/domain";
import { promised } from "../composition/promised.js";
import type { UseCases } from "../composition/use-cases.js";
import { filtersOf, parameter, principalOf, queryOf } from "./api-context.js";
import type { ReadJson } from "./api-options.js";
import { loadEnvelope, requestedPage } from "./list-page.js";

const VIDEOS_PAGE_SIZE = 1000;

const payloadOf = (view: VideoView) => videoPayload(view.details, view.principal, view.mediaUrl);

/**
 * `/api/v0/videos/`: upstream's VideoViewSet (list, get, PATCH, DELETE; PUT answers as PATCH
 * with the subtitles read-only), and the playback endpoint the player reads.
 */
export const videosRoutes = (input: {
  readonly useCases: UseCases;
  readonly baseUrl: string;
  readonly readJson: ReadJson;
}) => {
  const { useCases, baseUrl, readJson } = input;
  const router = new Router();

  router.get("/api/v0/videos/", async (ctx) => {
    const query = queryOf(ctx);
    const requested = requestedPage(query, VIDEOS_PAGE_SIZE);
    if (requested instanceof Error) throw requested;
    const principal = principalOf(ctx);
    const filters = filtersOf(query, ["collection", "ordering"]);
    ctx.body = await loadEnvelope({
      requested,
      query,
      listUrl: `${baseUrl}/api/v0/videos/`,
      load: (page) => promised(useCases.listVideos.run(principal, filters, page)),
      project: payloadOf,
    });
  });

  router.get("/api/v0/videos/:key/", async (ctx) => {
    ctx.body = payloadOf(await promised(useCases.getVideo.run(principalOf(ctx), parameter(ctx, "key"))));
  });

  const update = async (ctx: Context) => {
    const view = await promised(
      useCases.updateVideo.run(principalOf(ctx), parameter(ctx, "key"), await readJson(ctx)),
    );
    ctx.body = payloadOf(view);
  };
  router.patch("/api/v0/videos/:key/", update);
  router.put("/api/v0/videos/:key/", update);

  router.delete("/api/v0/videos/:key/", async (ctx) => {
    await promised(useCases.deleteVideo.run(principalOf(ctx), parameter(ctx, "key")));
    ctx.status = 204;
  });

  router.get("/api/v0/videos/:key/playback/", async (ctx) => {
    ctx.body = await promised(useCases.getPlayback.run(principalOf(ctx), parameter(ctx, "key")));
    // A grant is personal and expires: never let a shared cache keep it.
    ctx.set("Cache-Control", "private, no-store");
  });

  return router;
};
