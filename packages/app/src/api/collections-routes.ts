import Router from "@koa/router";
import type { Context } from "koa";
import { collectionListPayload, collectionPayload } from "@ovs/domain";
import type { CollectionNotice } from "@ovs/domain";
import { promised } from "../composition/promised.js";
import type { UseCases } from "../composition/use-cases.js";
import { filtersOf, parameter, principalOf, queryOf, requireFields } from "./api-context.js";
import type { ReadJson } from "./api-options.js";
import { loadEnvelope, requestedPage } from "./list-page.js";

const COLLECTION_FILTERS = [
  "title",
  "slug",
  "description",
  "edx_course_id",
  "edx_endpoint",
  "search",
  "ordering",
];
const COLLECTIONS_PAGE_SIZE = 50;

/** Notices ride along only when there is something to tell the admin (e.g. media now served openly). */
const withNotices = <T extends object>(payload: T, notices: ReadonlyArray<CollectionNotice>) =>
  notices.length === 0 ? payload : { ...payload, notices: notices.map((notice) => notice.message) };

/** `/api/v0/collections/`: upstream's CollectionViewSet, with "my collections" as the list's scope. */
export const collectionsRoutes = (input: {
  readonly useCases: UseCases;
  readonly baseUrl: string;
  readonly readJson: ReadJson;
}) => {
  const { useCases, baseUrl, readJson } = input;
  const router = new Router();

  router.get("/api/v0/collections/", async (ctx) => {
    const query = queryOf(ctx);
    const requested = requestedPage(query, COLLECTIONS_PAGE_SIZE);
    if (requested instanceof Error) throw requested;
    const principal = principalOf(ctx);
    const filters = filtersOf(query, COLLECTION_FILTERS);
    ctx.body = await loadEnvelope({
      requested,
      query,
      listUrl: `${baseUrl}/api/v0/collections/`,
      load: (page) => promised(useCases.listCollections.run(principal, filters, page)),
      project: collectionListPayload,
    });
  });

  router.post("/api/v0/collections/", async (ctx) => {
    const created = await promised(useCases.createCollection.run(principalOf(ctx), await readJson(ctx)));
    ctx.status = 201;
    ctx.body = withNotices(collectionListPayload(created), created.notices);
  });

  router.get("/api/v0/collections/:key/edx_posts/", async (ctx) => {
    ctx.body = await promised(useCases.listEdxPosts.run(principalOf(ctx), parameter(ctx, "key")));
  });

  router.get("/api/v0/collections/:key/", async (ctx) => {
    ctx.body = collectionPayload(
      await promised(useCases.getCollection.run(principalOf(ctx), parameter(ctx, "key"))),
    );
  });

  const update = (replace: boolean) => async (ctx: Context) => {
    const body = await readJson(ctx);
    if (replace) requireFields(body, ["title", "view_lists", "admin_lists"]);
    const updated = await promised(
      useCases.updateCollection.run(principalOf(ctx), parameter(ctx, "key"), body),
    );
    ctx.body = withNotices(collectionPayload(updated), updated.notices);
  };
  router.put("/api/v0/collections/:key/", update(true));
  router.patch("/api/v0/collections/:key/", update(false));

  router.delete("/api/v0/collections/:key/", async (ctx) => {
    await promised(useCases.deleteCollection.run(principalOf(ctx), parameter(ctx, "key")));
    ctx.status = 204;
  });

  return router;
};
