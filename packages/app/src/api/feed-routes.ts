import Router from "@koa/router";
import { PUBLIC_VIDEOS_PATH } from "@ovs/domain";
import { promised } from "../composition/promised.js";
import type { UseCases } from "../composition/use-cases.js";

/** The public feed MIT Learn crawls: no authentication, upstream's shape, absolute cursor links. */
export const feedRoutes = (input: { readonly useCases: UseCases }) => {
  const router = new Router();
  router.get(PUBLIC_VIDEOS_PATH, async (ctx) => {
    ctx.body = await promised(input.useCases.listPublicVideos.list(ctx.querystring));
  });
  return router;
};
