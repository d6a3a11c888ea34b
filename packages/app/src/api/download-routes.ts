import Router from "@koa/router";
import { promised } from "../composition/promised.js";
import type { UseCases } from "../composition/use-cases.js";
import { parameter } from "./api-context.js";

/**
 * Upstream's download link of a public video, `/videos/<key>/download` with or without the
 * slash: a redirect to the unsigned CDN URL of its MP4 (`GetVideoDownload`), or 404.
 */
export const downloadRoutes = (input: { readonly useCases: UseCases }) => {
  const router = new Router();
  router.get(["/videos/:key/download", "/videos/:key/download/"], async (ctx) => {
    const url = await promised(input.useCases.getVideoDownload.run(parameter(ctx, "key")));
    // The target follows the video's visibility and outputs: let no cache keep the redirect.
    ctx.set("Cache-Control", "no-store");
    ctx.redirect(url);
  });
  return router;
};
