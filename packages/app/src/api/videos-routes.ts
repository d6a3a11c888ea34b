import Router from "@koa/router";
import type { Context } from "koa";
import { videoPayload } from "@ovs/domain";
import type { VideoView } from "@ovs/domain";
import { promised } from "../composition/promised.js";
import type { UseCases } from "../composition/use-cases.js";
import { filtersOf, parameter, principalOf, queryOf } from "./api-context.js";
import type { ReadJson } from "./api-options.js";
import { loadEnvelope, requestedPage } from "./list-page.js";
import { setPlaybackCookies } from "./playback-cookies.js";
import type { PlaybackCookieSettings } from "./playback-cookies.js";

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
  /** Set when the playback endpoint also sets the grant as CDN cookies (`OVS_PLAYBACK_SIGNED_COOKIES`). */
  readonly playbackCookies: PlaybackCookieSettings | null;
}) => {
  const { useCases, baseUrl, readJson, playbackCookies } = input;
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
    const { signedCookies, ...playback } = await promised(
      useCases.getPlayback.run(principalOf(ctx), parameter(ctx, "key")),
    );
    if (signedCookies !== null && playbackCookies !== null) {
      setPlaybackCookies(ctx, signedCookies, playbackCookies);
    }
    ctx.body = playback;
    // A grant is personal and expires: never let a shared cache keep it.
    ctx.set("Cache-Control", "private, no-store");
  });

  return router;
};
